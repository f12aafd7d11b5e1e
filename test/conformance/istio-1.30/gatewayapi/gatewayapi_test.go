// Package gatewayapi runs istiod's own Gateway API deployment controller (pilot/pkg/config/kube/gatewaycommon, the
// code that turns a Gateway API Gateway into a ServiceAccount, Deployment, Service and optional HPA/PDB) over a set of
// Gateways, once with cdk8s-istio's synthesized injector and mesh ConfigMaps and once with the ones istioctl renders
// from the release's charts, and compares everything the controller applies leaf by leaf, per template:
//
//   - kube-gateway: class `istio`, in istiod's default environment;
//   - waypoint: class `istio-waypoint` (and `istio-east-west`), with PILOT_ENABLE_AMBIENT and
//     AMBIENT_ENABLE_MULTI_NETWORK, as in an ambient install;
//   - agentgateway: class `istio-agentgateway`, with PILOT_ENABLE_AGENTGATEWAY.
//
// istiod reads those switches from its environment once, at start, so the ambient/agentgateway half runs in a second
// test process with them set (the parent re-runs this test binary), exactly as istiod would be started.
package gatewayapi

import (
	"encoding/json"
	"fmt"
	conformancelog "github.com/cdk8s-istio/conformance/istio-1.30/internal/istiolog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	kubeVersion "k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
	gateway "sigs.k8s.io/gateway-api/apis/v1"

	"istio.io/istio/pilot/pkg/config/kube/gatewaycommon"
	"istio.io/istio/pilot/pkg/features"
	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pkg/cluster"
	"istio.io/istio/pkg/config/mesh/meshwatcher"
	"istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/kube/inject"
	"istio.io/istio/pkg/kube/kclient"
	"istio.io/istio/pkg/revisions"
	"istio.io/istio/pkg/test"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/compare"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

// Each template must reach this share of equal leaves.
const threshold = 99.5

// childEnv marks the second test process (istiod started with ambient and agentgateway on).
const childEnv = "CDK8S_ISTIO_GATEWAYAPI_AMBIENT"

// ambientEnv is istiod's environment for the second process.
var ambientEnv = []string{
	"PILOT_ENABLE_AMBIENT=true",
	"AMBIENT_ENABLE_MULTI_NETWORK=true",
	"PILOT_ENABLE_AGENTGATEWAY=true",
}

// gatewayCase is one Gateway (with the namespace and ConfigMaps it needs) and the template istiod renders for it.
type gatewayCase struct {
	name     string
	template string
	gateway  *gateway.Gateway
	objects  []runtime.Object
}

func namespace(name string, annotations map[string]string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: annotations}}
}

func listener(name string, port int32, protocol gateway.ProtocolType) gateway.Listener {
	return gateway.Listener{Name: gateway.SectionName(name), Port: gateway.PortNumber(port), Protocol: protocol}
}

func gw(ns, name, class, uid string, listeners ...gateway.Listener) *gateway.Gateway {
	return &gateway.Gateway{
		TypeMeta:   metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: types.UID(uid)},
		Spec:       gateway.GatewaySpec{GatewayClassName: gateway.ObjectName(class), Listeners: listeners},
	}
}

// withParameters points the Gateway at a ConfigMap of overlays; HPA and PDB are applied only when overlaid.
func withParameters(g *gateway.Gateway, cm string) *gateway.Gateway {
	if g.Spec.Infrastructure == nil {
		g.Spec.Infrastructure = &gateway.GatewayInfrastructure{}
	}
	g.Spec.Infrastructure.ParametersRef = &gateway.LocalParametersReference{Group: "", Kind: "ConfigMap", Name: cm}
	return g
}

func overlays(ns, name string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Data: map[string]string{
			"deployment":              "spec:\n  replicas: 2\n",
			"horizontalPodAutoscaler": "spec:\n  minReplicas: 2\n  maxReplicas: 5\n",
			"podDisruptionBudget":     "spec:\n  minAvailable: 1\n",
		},
	}
}

// defaultCases run in istiod's default environment: class `istio`.
func defaultCases() []gatewayCase {
	const class = "istio"
	annotated := gw("edge", "public", class, "uid-annotated", listener("http", 80, gateway.HTTPProtocolType))
	annotated.Labels = map[string]string{"team": "payments", "topology.istio.io/network": "net-1"}
	annotated.Annotations = map[string]string{
		"sidecar.istio.io/logLevel":          "debug",
		"sidecar.istio.io/componentLogLevel": "upstream:debug",
		"sidecar.istio.io/agentLogLevel":     "default:debug",
		"sidecar.istio.io/proxyImage":        "registry.example.com/istio/proxyv2:1.30.3",
		"networking.istio.io/service-type":   "ClusterIP",
		"gateway.istio.io/name-override":     "public-edge",
		"gateway.istio.io/service-account":   "public-edge-sa",
		"example.com/owner":                  "payments",
	}
	infra := gw("edge", "infra", class, "uid-infra",
		listener("http", 80, gateway.HTTPProtocolType), listener("https.example.com", 443, gateway.HTTPSProtocolType),
		listener("tls-passthrough", 443, gateway.TLSProtocolType), listener("tcp", 9000, gateway.TCPProtocolType))
	infra.Labels = map[string]string{"ignored-when-infrastructure-set": "yes"}
	infra.Spec.Infrastructure = &gateway.GatewayInfrastructure{
		Labels:      map[gateway.LabelKey]gateway.LabelValue{"tier": "edge", "topology.istio.io/network": "net-2"},
		Annotations: map[gateway.AnnotationKey]gateway.AnnotationValue{"example.com/cost-center": "42"},
	}
	infra.Spec.Addresses = []gateway.GatewaySpecAddress{{Value: "203.0.113.10"}}
	return []gatewayCase{
		{name: "simple", template: "kube-gateway", objects: []runtime.Object{namespace("edge", nil)},
			gateway: gw("edge", "web", class, "uid-simple", listener("http", 80, gateway.HTTPProtocolType), listener("https", 443, gateway.HTTPSProtocolType))},
		{name: "annotated", template: "kube-gateway", objects: []runtime.Object{namespace("edge", nil)}, gateway: annotated},
		{name: "infrastructure", template: "kube-gateway", objects: []runtime.Object{namespace("edge", nil)}, gateway: infra},
		{name: "openshift-namespace", template: "kube-gateway",
			objects: []runtime.Object{namespace("apps", map[string]string{
				"openshift.io/sa.scc.uid-range":           "1000620000/10000",
				"openshift.io/sa.scc.supplemental-groups": "1000620000/10000",
			})},
			gateway: gw("apps", "openshift", class, "uid-openshift", listener("http", 8080, gateway.HTTPProtocolType))},
		{name: "scaled", template: "kube-gateway", objects: []runtime.Object{namespace("edge", nil), overlays("edge", "scaled-params")},
			gateway: withParameters(gw("edge", "scaled", class, "uid-scaled", listener("http", 80, gateway.HTTPProtocolType)), "scaled-params")},
	}
}

// ambientCases run with istiod's ambient (and agentgateway) switches on.
func ambientCases() []gatewayCase {
	hbone := listener("mesh", 15008, gateway.ProtocolType("HBONE"))
	waypoint := gw("shop", "waypoint", "istio-waypoint", "uid-waypoint", hbone)
	waypoint.Labels = map[string]string{"istio.io/waypoint-for": "service"}
	networked := gw("shop", "networked", "istio-waypoint", "uid-networked", hbone)
	networked.Labels = map[string]string{"topology.istio.io/network": "net-3"}
	networked.Annotations = map[string]string{"sidecar.istio.io/proxyImage": "registry.example.com/istio/proxyv2:1.30.3"}
	networked.Spec.Infrastructure = &gateway.GatewayInfrastructure{
		Labels:      map[gateway.LabelKey]gateway.LabelValue{"istio.io/waypoint-for": "all"},
		Annotations: map[gateway.AnnotationKey]gateway.AnnotationValue{"example.com/cost-center": "7"},
	}
	eastWest := gw("istio-system", "eastwest", "istio-east-west", "uid-eastwest",
		listener("tls-hbone", 15008, gateway.ProtocolType("HBONE")), listener("tls-xds", 15012, gateway.TLSProtocolType))
	eastWest.Labels = map[string]string{"topology.istio.io/network": "net-east"}
	agw := gw("ai", "agents", "istio-agentgateway", "uid-agw", listener("http", 80, gateway.HTTPProtocolType))
	agwInfra := gw("ai", "agents-infra", "istio-agentgateway", "uid-agw-infra",
		listener("http", 80, gateway.HTTPProtocolType), listener("https", 443, gateway.HTTPSProtocolType))
	agwInfra.Spec.Infrastructure = &gateway.GatewayInfrastructure{
		Labels: map[gateway.LabelKey]gateway.LabelValue{"topology.istio.io/network": "net-4"},
	}
	agwInfra.Spec.Addresses = []gateway.GatewaySpecAddress{{Value: "198.51.100.7"}}
	return []gatewayCase{
		{name: "waypoint", template: "waypoint", objects: []runtime.Object{namespace("shop", nil)}, gateway: waypoint},
		{name: "waypoint-networked", template: "waypoint", objects: []runtime.Object{namespace("shop", nil)}, gateway: networked},
		{name: "waypoint-scaled", template: "waypoint", objects: []runtime.Object{namespace("shop", nil), overlays("shop", "wp-params")},
			gateway: withParameters(gw("shop", "scaled-waypoint", "istio-waypoint", "uid-wp-scaled", hbone), "wp-params")},
		{name: "east-west", template: "waypoint", objects: []runtime.Object{namespace("istio-system", nil)}, gateway: eastWest},
		{name: "agentgateway", template: "agentgateway", objects: []runtime.Object{namespace("ai", nil)}, gateway: agw},
		{name: "agentgateway-infrastructure", template: "agentgateway", objects: []runtime.Object{namespace("ai", nil)}, gateway: agwInfra},
		{name: "agentgateway-scaled", template: "agentgateway", objects: []runtime.Object{namespace("ai", nil), overlays("ai", "agw-params")},
			gateway: withParameters(gw("ai", "agents-scaled", "istio-agentgateway", "uid-agw-scaled", listener("http", 80, gateway.HTTPProtocolType)), "agw-params")},
	}
}

// logged keeps what istiod logs at error level: the controller logs a failed template execution and returns
// without applying anything.
var logged *conformancelog.Errors

func captureIstioErrors(t *testing.T) {
	logged = conformancelog.Capture(t, os.DevNull)
}

// applied is one object the controller server-side applied.
type applied struct {
	key string
	obj map[string]any
}

// reconcile runs istiod's deployment controller once for the case's Gateway with the given injector settings and
// returns every object it applied (the Gateway's own controller-version annotation left out: it does not depend on
// the templates).
func reconcile(t *testing.T, s *upstream.InjectionSettings, c gatewayCase) ([]applied, error) {
	templates, err := inject.ParseTemplates(s.Config.RawTemplates)
	if err != nil {
		return nil, fmt.Errorf("parse templates: %v", err)
	}
	webhook := inject.WebhookConfig{Templates: templates, Values: s.Values, MeshConfig: s.Mesh}

	client := kube.NewFakeClient(c.objects...)
	client.Kube().Discovery().(*fakediscovery.FakeDiscovery).FakedServerVersion = &kubeVersion.Info{Major: "1", Minor: "33"}
	var mu sync.Mutex
	var out []applied
	client.Dynamic().(*dynamicfake.FakeDynamicClient).PrependReactor("patch", "*",
		func(action k8stesting.Action) (bool, runtime.Object, error) {
			p := action.(k8stesting.PatchAction)
			if p.GetResource().Resource == "gateways" {
				return true, nil, nil
			}
			obj := map[string]any{}
			if err := json.Unmarshal(p.GetPatch(), &obj); err != nil {
				return true, nil, err
			}
			mu.Lock()
			defer mu.Unlock()
			kind, _ := obj["kind"].(string)
			out = append(out, applied{key: fmt.Sprintf("%s %s/%s", kind, p.GetNamespace(), p.GetName()), obj: obj})
			return true, nil, nil
		})
	kclient.NewWriteClient[*gateway.Gateway](client).Create(c.gateway.DeepCopy())

	stop := test.NewStop(t)
	env := model.NewEnvironment()
	env.Watcher = meshwatcher.NewTestWatcher(s.Mesh)
	// As after istiod's first push: no ProxyConfig resources, the mesh's defaultConfig applies.
	env.PushContext().ProxyConfigs = &model.ProxyConfigs{}
	env.PushContext().InitDone.Store(true)
	tags := revisions.NewTagWatcher(client, "", "istio-system")
	d := gatewaycommon.NewDeploymentController(client, cluster.ID(features.ClusterName), env,
		func() inject.WebhookConfig { return webhook }, func(func()) {}, tags, "", "istio-system")
	go tags.Run(stop)
	client.RunAndWait(stop)
	kube.WaitForCacheSync("tags", stop, tags.HasSynced)

	logged.Take()
	if err := d.Reconcile(types.NamespacedName{Namespace: c.gateway.Namespace, Name: c.gateway.Name}); err != nil {
		return nil, err
	}
	if msgs := logged.Take(); len(msgs) > 0 {
		return nil, fmt.Errorf("istiod logged: %s", strings.Join(msgs, "; "))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(out) == 0 {
		return nil, fmt.Errorf("the controller applied nothing")
	}
	return out, nil
}

func settings(t *testing.T) (mine, theirs *upstream.InjectionSettings) {
	// The library sets gateways.seccompProfile RuntimeDefault (pods istiod deploys are admitted under Pod Security
	// restricted); upstream renders with the same value, so the comparison is about the templates.
	objs, err := upstream.Render("default", "values.gateways.seccompProfile.type=RuntimeDefault")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err = upstream.InjectionSettingsOf(objs, "")
	if err != nil {
		t.Fatal(err)
	}
	text := func(name string) string {
		s, err := ours.Read(upstream.Tag, "injector", name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	mine, err = upstream.ParseInjectionSettings(text("config"), text("values"), text("mesh"))
	if err != nil {
		t.Fatalf("istiod cannot load our injector: %v", err)
	}
	return mine, theirs
}

func TestGatewayAPIConformance(t *testing.T) {
	child := os.Getenv(childEnv) != ""
	cases := defaultCases()
	if child {
		cases = ambientCases()
	}
	captureIstioErrors(t)
	mine, theirs := settings(t)

	// Every template of the cases gets a figure, even when all its renders failed.
	results := map[string]*compare.Result{}
	gateways, renderErrors := map[string]int{}, map[string]int{}
	var order []string
	for _, c := range cases {
		if results[c.template] == nil {
			results[c.template] = &compare.Result{}
			order = append(order, c.template)
		}
	}
	var diffs []string
	for _, c := range cases {
		gateways[c.template]++
		got, errOurs := reconcile(t, mine, c)
		want, errTheirs := reconcile(t, theirs, c)
		if errTheirs != nil {
			renderErrors[c.template]++
			t.Errorf("%s (%s): upstream's injector: %v", c.name, c.template, errTheirs)
			continue
		}
		if errOurs != nil {
			renderErrors[c.template]++
			t.Errorf("%s (%s): render error with our injector: %v", c.name, c.template, errOurs)
			continue
		}
		byKey := func(list []applied) map[string]map[string]any {
			m := map[string]map[string]any{}
			for _, a := range list {
				m[a.key] = a.obj
			}
			return m
		}
		a, b := byKey(got), byKey(want)
		for _, k := range compare.SortedKeys(a, b) {
			// An object only one side applies counts as wholly different.
			oa, ob := a[k], b[k]
			if oa == nil {
				oa = map[string]any{}
			}
			if ob == nil {
				ob = map[string]any{}
			}
			res := compare.Documents(fmt.Sprintf("%s %s ", c.name, k), oa, ob)
			results[c.template].Add(res)
			diffs = append(diffs, res.Diffs...)
		}
	}
	for _, name := range order {
		r := results[name]
		fmt.Printf("conformance %s gateway-api %s %.2f%% (%d/%d) over %d gateways (%d render errors)\n",
			upstream.Tag, name, r.Percent(), r.Equal, r.Compared, gateways[name], renderErrors[name])
		if r.Percent() < threshold {
			t.Errorf("gateway-api %s conformance %.2f%% is below %.1f%%", name, r.Percent(), threshold)
		}
	}
	half := "default"
	if child {
		half = "ambient"
	}
	report := filepath.Join(ours.FixturesDir(), upstream.Tag, "gateway-api-differences-"+half+".txt")
	_ = os.WriteFile(report, []byte(strings.Join(diffs, "\n")+"\n"), 0o644)
	for i, d := range diffs {
		if i == 60 {
			fmt.Printf("  ... %d more in %s\n", len(diffs)-i, report)
			break
		}
		fmt.Println("  " + d)
	}

	if child {
		return
	}
	// The ambient and agentgateway classes: the same test in a process started with istiod's switches on.
	cmd := exec.Command(os.Args[0], "-test.run=^TestGatewayAPIConformance$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), ambientEnv...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("waypoint/agentgateway half (istiod with %s): %v", strings.Join(ambientEnv, " "), err)
	}
}
