package kubeapply

// Gateway API negatives: one fault each that the Gateway API CRDs the library emits (IstioBase gatewayApi: true, in
// the fixtures' `gateway-api` case) make the server refuse: strict field validation, bounds and CEL rules. Each
// release module runs them against its own kube-apiserver with RunGatewayAPINegatives.

import (
	"path/filepath"
	"testing"
)

// RunGatewayAPINegatives starts the release's kube-apiserver with the CRDs of the `gateway-api` fixture case and
// checks that each fault is refused while its valid twin is admitted.
func RunGatewayAPINegatives(t *testing.T, release string, start StartFunc, extraFlags ...string) {
	dir, err := CasesDir(release)
	if err != nil {
		t.Fatal(err)
	}
	// the CRDs of the gateway-api case (Istio's and the Gateway API's) instead of the default case's
	t.Setenv(NegativeCRDsEnv, filepath.Join(dir, "gateway-api.yaml"))
	cluster, err := Connect(StartAPIServer(t, start, extraFlags...))
	if err != nil {
		t.Fatal(err)
	}
	RunNegatives(t, cluster, release, gatewayAPINegatives)
}

func route(name, backendRef string) string {
	return `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ` + name + `, namespace: conformance-negative}
spec:
  parentRefs: [{name: web}]
  rules:
    - backendRefs: [` + backendRef + `]
`
}

func gateway(name, listeners string) string {
	return `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ` + name + `, namespace: conformance-negative}
spec:
  gatewayClassName: istio
  listeners: ` + listeners + `
`
}

var gatewayAPINegatives = []Negative{
	{
		Name:  "misspelt field HTTPRoute spec.rules[].backendRef",
		Valid: route("field-valid", "{name: api, port: 8080}"),
		Broken: `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: field-broken, namespace: conformance-negative}
spec:
  parentRefs: [{name: web}]
  rules:
    - backendRef: [{name: api, port: 8080}]
`,
		Want: "backendRef: field not declared in schema",
	},
	{
		Name:   "CEL HTTPRoute Service backend without a port",
		Valid:  route("port-valid", "{name: api, port: 8080}"),
		Broken: route("port-broken", "{name: api}"),
		Want:   "Must have port for Service reference",
	},
	{
		Name:   "bound HTTPRoute backend weight above 1000000",
		Valid:  route("weight-valid", "{name: api, port: 8080, weight: 1000000}"),
		Broken: route("weight-broken", "{name: api, port: 8080, weight: 1000001}"),
		Want:   "should be less than or equal to 1000000",
	},
	{
		Name:   "CEL Gateway hostname on a TCP listener",
		Valid:  gateway("tcp-valid", "[{name: tcp, port: 9000, protocol: TCP}]"),
		Broken: gateway("tcp-broken", "[{name: tcp, port: 9000, protocol: TCP, hostname: a.example.com}]"),
		Want:   "hostname must not be specified for protocols ['TCP', 'UDP']",
	},
	{
		Name:   "list-map Gateway listener names unique",
		Valid:  gateway("names-valid", "[{name: http, port: 80, protocol: HTTP}, {name: http2, port: 81, protocol: HTTP}]"),
		Broken: gateway("names-broken", "[{name: http, port: 80, protocol: HTTP}, {name: http, port: 81, protocol: HTTP}]"),
		Want:   `duplicate entries for key [name="http"]`,
	},
}
