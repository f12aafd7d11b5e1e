package gatewayapi

// Istio 1.20.3's code is not in this module (the module proxy does not serve that commit), so the 1.20 injector is
// judged by what can be had:
//
//   - the release's contract, always: every template of our 1.20 injector must parse with the functions istiod 1.20
//     has (sprig 3.2.3 and istio's map without mergeMaps, omitNil, otelResourceAttributes) and execute on data of
//     1.20's shape (SidecarTemplateData with an ObjectMeta DeploymentMeta and no NativeSidecars,
//     InboundTrafficPolicyMode or CompliancePolicy; the Gateway controller's TemplateInput with KubeVersion122 and
//     the Gateway's own labels). text/template fails on a field or function the data or map lacks, exactly as
//     istiod 1.20 would;
// Istio 1.20.3's own template text was compared with ours once, by hand, while writing them (see
// docs/injection-templates.md for the figures); the test cannot read it: nothing of Istio 1.20 can be had here.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gateway "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	meshconfig "istio.io/api/mesh/v1alpha1"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/kube/inject"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

const tag120 = "1.20.3"

// templates120 are the templates istiod 1.20 asks for by name (facts §10).
var templates120 = []string{"sidecar", "gateway", "grpc-simple", "grpc-agent", "waypoint", "kube-gateway"}

// Istio 1.20.3's files for the templates this suite compares, in manifests/charts/istio-control/istio-discovery/files.

// funcs120 is istiod 1.20's template function map: sprig 3.2.3's text functions (3.3.0's minus sha512sum, the only
// one 3.3.0 added) under istio's own, without the three istio added after 1.20.
func funcs120() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "sha512sum")
	for name, fn := range inject.InjectionFuncmap {
		switch name {
		case "mergeMaps", "omitNil", "otelResourceAttributes":
			continue
		}
		f[name] = fn
	}
	return f
}

// sidecarData120 has the fields of istiod 1.20's SidecarTemplateData (pkg/kube/inject/inject.go at 1.20.3).
type sidecarData120 struct {
	TypeMeta       metav1.TypeMeta
	DeploymentMeta metav1.ObjectMeta
	ObjectMeta     metav1.ObjectMeta
	Spec           corev1.PodSpec
	ProxyConfig    *meshconfig.ProxyConfig
	MeshConfig     *meshconfig.MeshConfig
	Values         map[string]any
	Revision       string
	ProxyImage     string
	ProxyUID       int64
	ProxyGID       int64
}

// TemplateInput has the fields of istiod 1.20's Gateway deployment controller input
// (pilot/pkg/config/kube/gateway/deploymentcontroller.go at 1.20.3).
type TemplateInput struct {
	*gateway.Gateway
	DeploymentName string
	ServiceAccount string
	Ports          []corev1.ServicePort
	ServiceType    corev1.ServiceType
	ClusterID      string
	KubeVersion122 bool
	Revision       string
	ProxyUID       int64
	ProxyGID       int64
}

// derivedInput120 is what the 1.20 controller executes the template with.
type derivedInput120 struct {
	TemplateInput
	ProxyImage  string
	ProxyConfig *meshconfig.ProxyConfig
	MeshConfig  *meshconfig.MeshConfig
	Values      map[string]any
}

// ports120 is 1.20's Service port list: status-port, then one per listener port (lower-cased protocol).
func ports120(g *gateway.Gateway) []corev1.ServicePort {
	str := func(s string) *string { return &s }
	out := []corev1.ServicePort{{Name: "status-port", Port: 15021, AppProtocol: str("tcp")}}
	seen := map[int32]bool{}
	for i, l := range g.Spec.Listeners {
		if seen[int32(l.Port)] {
			continue
		}
		seen[int32(l.Port)] = true
		name := string(l.Name)
		if name == "" {
			name = fmt.Sprintf("%s-%d", strings.ToLower(string(l.Protocol)), i)
		}
		out = append(out, corev1.ServicePort{Name: name, Port: int32(l.Port), AppProtocol: str(strings.ToLower(string(l.Protocol)))})
	}
	return out
}

// gatewayInputs120 are the 1.20 controller's inputs for a few Gateways of each class.
func gatewayInputs120() map[string][]derivedInput120 {
	input := func(g *gateway.Gateway, name string, serviceType corev1.ServiceType, kube122 bool, uid int64) TemplateInput {
		return TemplateInput{Gateway: g, DeploymentName: name, ServiceAccount: name, Ports: ports120(g), ServiceType: serviceType,
			ClusterID: "Kubernetes", KubeVersion122: kube122, ProxyUID: uid, ProxyGID: uid}
	}
	http := listener("http", 80, gateway.HTTPProtocolType)
	simple := gw("edge", "web", "istio", "uid-web", http, listener("https", 443, gateway.HTTPSProtocolType))
	labelled := gw("edge", "public", "istio", "uid-public", http, listener("tcp", 9000, gateway.TCPProtocolType))
	labelled.Labels = map[string]string{"team": "payments", "topology.istio.io/network": "net-1"}
	labelled.Annotations = map[string]string{
		"sidecar.istio.io/logLevel":                        "debug",
		"sidecar.istio.io/proxyImage":                      "registry.example.com/istio/proxyv2:1.20.3",
		"gateway.istio.io/name-override":                   "public-edge",
		"kubectl.kubernetes.io/last-applied-configuration": "{}",
		"example.com/owner":                                "payments",
	}
	labelled.Spec.Addresses = []gateway.GatewaySpecAddress{{Value: "203.0.113.10"}}
	hbone := listener("mesh", 15008, gateway.ProtocolType("HBONE"))
	waypoint := gw("shop", "namespace", "istio-waypoint", "uid-wp", hbone)
	networked := gw("shop", "networked", "istio-waypoint", "uid-wp2", hbone)
	networked.Labels = map[string]string{"topology.istio.io/network": "net-3"}
	networked.Annotations = map[string]string{"example.com/cost-center": "7"}
	return map[string][]derivedInput120{
		"kube-gateway": {
			{TemplateInput: input(simple, "web-istio", corev1.ServiceTypeLoadBalancer, true, 1337)},
			{TemplateInput: input(labelled, "public-edge", corev1.ServiceTypeLoadBalancer, true, 1000629999)},
			// A cluster older than 1.22: root with NET_BIND_SERVICE instead of the sysctl.
			{TemplateInput: input(simple, "web-istio", corev1.ServiceTypeClusterIP, false, 1337)},
		},
		"waypoint": {
			{TemplateInput: input(waypoint, "namespace-istio-waypoint", corev1.ServiceTypeClusterIP, true, 1337)},
			{TemplateInput: input(networked, "networked-istio-waypoint", corev1.ServiceTypeClusterIP, true, 1337)},
		},
	}
}

// corpusPods are the pod templates of Istio's injection corpus (the 1.30 module's copy), as 1.20's injector would see
// them: pod metadata and spec, and the owning workload's name and kind.
func corpusPods(t *testing.T) ([]sidecarData120, []string) {
	files, err := upstream.InjectionCorpus()
	if err != nil {
		t.Fatal(err)
	}
	var out []sidecarData120
	var labels []string
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := ours.SplitDocuments(b)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(file), err)
		}
		for doc, raw := range docs {
			var w struct {
				metav1.TypeMeta `json:",inline"`
				Metadata        metav1.ObjectMeta `json:"metadata"`
				Spec            struct {
					Template *corev1.PodTemplateSpec `json:"template"`
				} `json:"spec"`
			}
			if yaml.Unmarshal(raw, &w) != nil || w.Spec.Template == nil {
				continue
			}
			ns := w.Metadata.Namespace
			if ns == "" {
				ns = "default"
			}
			out = append(out, sidecarData120{
				TypeMeta:       w.TypeMeta,
				DeploymentMeta: metav1.ObjectMeta{Name: w.Metadata.Name, Namespace: ns},
				ObjectMeta:     w.Spec.Template.ObjectMeta,
				Spec:           w.Spec.Template.Spec,
			})
			labels = append(labels, fmt.Sprintf("%s#%d", filepath.Base(file), doc))
		}
	}
	if len(out) < 50 {
		t.Fatalf("injection corpus has only %d pod templates", len(out))
	}
	return out, labels
}

func execute(tmpl *template.Template, data any) ([]any, error) {
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return nil, err
	}
	var docs []any
	for _, part := range strings.Split("\n"+buf.String(), "\n---") {
		var v any
		if err := yaml.Unmarshal([]byte(part), &v); err != nil {
			return nil, fmt.Errorf("rendered YAML: %v", err)
		}
		if v != nil {
			docs = append(docs, v)
		}
	}
	return docs, nil
}

func TestRelease120Templates(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("runs in the parent process")
	}
	text := func(name string) string {
		s, err := ours.Read(tag120, "injector", name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cfg, err := inject.UnmarshalConfig([]byte(text("config")))
	if err != nil {
		t.Fatalf("our 1.20 injector config: %v", err)
	}
	var names []string
	for n := range cfg.RawTemplates {
		names = append(names, n)
	}
	sort.Strings(names)
	want := append([]string(nil), templates120...)
	sort.Strings(want)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("1.20 injector templates: have %v, istiod 1.20 asks for %v", names, want)
	}
	values := map[string]any{}
	if err := json.Unmarshal([]byte(text("values")), &values); err != nil {
		t.Fatal(err)
	}
	vc, err := inject.NewValuesConfig(text("values"))
	if err != nil {
		t.Fatal(err)
	}
	mc, err := mesh.ApplyMeshConfig(text("mesh"), mesh.DefaultMeshConfig())
	if err != nil {
		t.Fatal(err)
	}
	proxyImage := inject.ProxyImage(vc.Struct(), mc.GetDefaultConfig().GetImage(), nil)

	parse := func(name, body string) *template.Template {
		tmpl, err := template.New("inject").Funcs(funcs120()).Parse(body)
		if err != nil {
			t.Errorf("%s does not parse with istiod 1.20's functions: %v", name, err)
			return nil
		}
		return tmpl
	}
	mine := map[string]*template.Template{}
	for _, n := range names {
		mine[n] = parse(n, cfg.RawTemplates[n])
	}

	pods, podLabels := corpusPods(t)
	podData := func(p sidecarData120) sidecarData120 {
		p.ProxyConfig, p.MeshConfig, p.Values, p.ProxyImage, p.ProxyUID, p.ProxyGID = mc.GetDefaultConfig(), mc, values, proxyImage, 1337, 1337
		return p
	}
	// Inputs per template: pods for the pod templates, controller inputs for the Gateway ones.
	type input struct {
		label string
		data  any
	}
	inputs := map[string][]input{}
	for _, n := range []string{"sidecar", "gateway", "grpc-simple", "grpc-agent"} {
		for i, p := range pods {
			inputs[n] = append(inputs[n], input{podLabels[i], podData(p)})
		}
	}
	for n, list := range gatewayInputs120() {
		for i, in := range list {
			in.ProxyImage, in.ProxyConfig, in.MeshConfig, in.Values = proxyImage, mc.GetDefaultConfig(), mc, values
			inputs[n] = append(inputs[n], input{fmt.Sprintf("%s/%s#%d", in.Namespace, in.Name, i), in})
		}
	}

	for _, n := range names {
		tmpl := mine[n]
		if tmpl == nil {
			continue
		}
		failures := 0
		for _, in := range inputs[n] {
			// execute parses the output as YAML: a template that runs but writes no object fails too
			got, err := execute(tmpl, in.data)
			if err == nil && len(got) == 0 {
				err = fmt.Errorf("rendered no object")
			}
			if err != nil {
				failures++
				if failures <= 3 {
					t.Errorf("%s on 1.20 data %s: %v", n, in.label, err)
				}
			}
		}
		if len(inputs[n]) == 0 {
			t.Errorf("%s: no 1.20 input to run it on", n)
		}
		fmt.Printf("conformance %s templates %s: executed on %d inputs of 1.20's shape, %d errors\n", tag120, n, len(inputs[n]), failures)
	}
}
