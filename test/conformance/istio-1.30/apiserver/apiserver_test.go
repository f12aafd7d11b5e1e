// Package apiserver applies everything cdk8s-istio synthesizes for Istio 1.30.3 to a real kube-apiserver
// (v1.35, the Kubernetes line istio 1.30 is built against, in process on an embedded etcd) with server-side
// apply and strict field validation, and checks that the CRDs we ship make the server refuse broken Istio
// objects. The shared apply/report logic is test/conformance/kubeapply.
package apiserver

import (
	"testing"

	"github.com/cdk8s-istio/conformance/kubeapply"
)

const release = "1.30.3"

func TestKubeAPIServer(t *testing.T) {
	kubeapply.RunReleaseSuite(t, release, startTestServer, negatives)
}

// negatives: one fault each that the Istio 1.30 CRD schemas refuse (structural schema with strict field
// validation, enum, CEL x-kubernetes-validations of VirtualService, AuthorizationPolicy and DestinationRule).
var negatives = []kubeapply.Negative{
	{
		Name: "misspelt field VirtualService spec.htpp",
		Valid: `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: field-valid, namespace: conformance-negative}
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews}
`,
		Broken: `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: field-broken, namespace: conformance-negative}
spec:
  hosts: [reviews]
  htpp:
    - route:
        - destination: {host: reviews}
`,
		Want: ".spec.htpp: field not declared in schema",
	},
	{
		Name: "enum AuthorizationPolicy spec.action ALOW",
		Valid: `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: enum-valid, namespace: conformance-negative}
spec:
  action: ALLOW
  rules:
    - from:
        - source: {namespaces: [istio-system]}
`,
		Broken: `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: enum-broken, namespace: conformance-negative}
spec:
  action: ALOW
  rules:
    - from:
        - source: {namespaces: [istio-system]}
`,
		Want: `spec.action: Unsupported value: "ALOW"`,
	},
	{
		Name: "CEL VirtualService spec.http[].timeout must be at least 1ms",
		Valid: `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cel-timeout-valid, namespace: conformance-negative}
spec:
  hosts: [reviews]
  http:
    - timeout: 5s
      route:
        - destination: {host: reviews}
`,
		Broken: `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cel-timeout-broken, namespace: conformance-negative}
spec:
  hosts: [reviews]
  http:
    - timeout: 0s
      route:
        - destination: {host: reviews}
`,
		Want: "must be a valid duration greater than 1ms",
	},
	{
		Name: "CEL AuthorizationPolicy selector and targetRefs together",
		Valid: `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: cel-target-valid, namespace: conformance-negative}
spec:
  selector:
    matchLabels: {app: reviews}
  action: DENY
  rules:
    - to:
        - operation: {methods: [DELETE]}
`,
		Broken: `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: cel-target-broken, namespace: conformance-negative}
spec:
  selector:
    matchLabels: {app: reviews}
  targetRefs:
    - {group: gateway.networking.k8s.io, kind: Gateway, name: ingress}
  action: DENY
  rules:
    - to:
        - operation: {methods: [DELETE]}
`,
		Want: "only one of targetRefs or selector can be set",
	},
	{
		Name: "CEL DestinationRule workloadSelector wildcard value",
		Valid: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cel-selector-valid, namespace: conformance-negative}
spec:
  host: reviews
  workloadSelector:
    matchLabels: {app: ratings}
`,
		Broken: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cel-selector-broken, namespace: conformance-negative}
spec:
  host: reviews
  workloadSelector:
    matchLabels: {app: "*"}
`,
		Want: "wildcard not allowed in label value match",
	},
}
