// Package podsecurity judges pods injected by cdk8s-istio's injector with Kubernetes' own Pod Security code: a
// few application pods that meet the `restricted` standard go through Istio's injector (pkg/kube/inject, the
// istioctl kube-inject path over the templates istiod's webhook renders) with the injector and mesh ConfigMaps of
// an install with the Istio CNI on, off, and in ambient mode, and are then created on a real kube-apiserver (v1.35,
// its PodSecurity admission plugin on by default) in namespaces carrying exactly the Pod Security labels
// ZeroTrustNamespace renders for that install, and in namespaces enforcing `restricted` and `baseline`. Kubernetes'
// Pod Security evaluator (k8s.io/pod-security-admission/policy) judges every pod as well and must agree.
//
// What it proves: with the CNI the injected pods pass `restricted` (istio-validation and istio-proxy run unprivileged),
// without it `baseline` and `restricted` refuse them for istio-init's NET_ADMIN and NET_RAW (and, at `restricted`,
// its root user), which is why ZeroTrustNamespace enforces `restricted` with the CNI and `privileged` without.
package podsecurity

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	k8sv1 "k8s.io/kubernetes/pkg/apis/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/kube/inject"
	"istio.io/istio/pkg/test"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
	"github.com/cdk8s-istio/conformance/kubeapply"
)

const (
	enforceLabel = "pod-security.kubernetes.io/enforce"
	nativeAnno   = "sidecar.istio.io/nativeSidecar"
)

// install is one fixture case (test/conformance/fixtures.ts): a control plane and a ZeroTrustNamespace with its
// default Pod Security labels. fixtures is the injector folder written from the same kind of install; the case's
// injector ConfigMaps must be the same texts.
type install struct {
	id        string // short, for object names
	caseName  string
	namespace string // the ZeroTrustNamespace of the case whose labels are used
	fixtures  string
	cni       bool
}

var installs = []install{
	{"cni", "pod-security-cni", "shop", "injector-cni", true},
	{"nocni", "pod-security-no-cni", "shop", "injector", false},
	// A sidecar namespace beside ambient ones: the ambient control plane injects in CNI mode.
	{"ambient", "ambient-zero-trust", "legacy", "injector-ambient", true},
}

// The Pod Security levels every injected pod is also tried at.
var levels = []psaapi.Level{psaapi.LevelRestricted, psaapi.LevelBaseline}

// Sidecar modes: the release's default with kubelets of 1.33+ (native sidecars: istio-proxy is an init container
// with restartPolicy Always) and the classic one (istio-proxy among the containers), chosen per pod by annotation.
var modes = []struct{ name, annotation string }{{"native", ""}, {"classic", "false"}}

// fakeInjector gives IntoObject a cluster whose kubelets are 1.33+ (native sidecars `auto` is on), as
// ../injection and Istio's own injection tests do.
type fakeInjector struct{ client kube.Client }

func (f fakeInjector) Inject(*corev1.Pod, string) ([]byte, error) { return nil, nil }
func (f fakeInjector) GetKubeClient() kube.Client                 { return f.client }

func newInjector(t *testing.T) inject.Injector {
	node := func(name, version string) runtime.Object {
		return &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Status:     corev1.NodeStatus{NodeInfo: corev1.NodeSystemInfo{KubeletVersion: version}},
		}
	}
	client := kube.NewFakeClient(node("node-1", "v1.33.0"), node("node-2", "v1.34.0"))
	client.RunAndWait(test.NewStop(t))
	return fakeInjector{client: client}
}

// appPod is an application pod that meets `restricted` on its own (checked first, uninjected): non-root, seccomp
// RuntimeDefault, every capability dropped, no privilege escalation. perContainer: non-root and seccomp are stated
// only on its containers, not for the pod: the containers the injector adds state no seccomp profile (nor does
// upstream's injector by default: global.proxy.seccompProfile is empty), so `restricted` refuses such a pod after
// injection, CNI or not. That is the boundary of the claim: it holds for pods that state seccomp for the pod.
type appPod struct {
	pod          *corev1.Pod
	perContainer bool
}

func appPods() []appPod {
	yes, no := true, false
	user := func(id int64) *int64 { return &id }
	restrictedContainer := func(name, image string, ports ...int32) corev1.Container {
		c := corev1.Container{
			Name:  name,
			Image: image,
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: &no,
				ReadOnlyRootFilesystem:   &yes,
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("64Mi"),
			}},
		}
		for _, p := range ports {
			c.Ports = append(c.Ports, corev1.ContainerPort{Name: fmt.Sprintf("http-%d", p), ContainerPort: p})
		}
		return c
	}
	podSecurity := &corev1.PodSecurityContext{
		RunAsNonRoot:   &yes,
		RunAsUser:      user(10001),
		FSGroup:        user(10001),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}

	// A web server with probes (the injector rewrites HTTP probes to the agent) and a writable emptyDir.
	web := restrictedContainer("web", "nginxinc/nginx-unprivileged:1.27", 8080)
	web.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}}
	web.LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromString("http-8080")}}}
	web.VolumeMounts = []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}}

	// An API with its own init container (database migrations) and a second port.
	migrate := restrictedContainer("migrate", "ghcr.io/example/shop-api:2.4.1")
	migrate.Command = []string{"/app/migrate", "--up"}
	api := restrictedContainer("api", "ghcr.io/example/shop-api:2.4.1", 8080, 9090)

	// A worker with a log shipper, non-root and seccomp stated per container as well as for the pod.
	worker := restrictedContainer("worker", "ghcr.io/example/shop-worker:2.4.1")
	shipper := restrictedContainer("log-shipper", "fluent/fluent-bit:3.1")
	for _, c := range []*corev1.Container{&worker, &shipper} {
		c.SecurityContext.RunAsNonRoot = &yes
		c.SecurityContext.RunAsUser = user(20002)
		c.SecurityContext.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}

	pod := func(name string, labels map[string]string, init []corev1.Container, containers ...corev1.Container) *corev1.Pod {
		return &corev1.Pod{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
			Spec: corev1.PodSpec{
				// Its own identity (the mesh's SPIFFE name); stated, as no ServiceAccount admission runs here.
				ServiceAccountName: name,
				SecurityContext:    podSecurity.DeepCopy(),
				InitContainers:     init,
				Containers:         containers,
				Volumes:            []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
			},
		}
	}
	// A batch pod with the worker's containers and nothing stated for the pod but its fsGroup.
	batch := pod("batch", map[string]string{"app": "batch"}, nil, worker, shipper)
	batch.Spec.SecurityContext = &corev1.PodSecurityContext{FSGroup: user(20002)}
	return []appPod{
		{pod: pod("web", map[string]string{"app": "web", "version": "v1"}, nil, web)},
		{pod: pod("api", map[string]string{"app": "api", "version": "v2"}, []corev1.Container{migrate}, api)},
		{pod: pod("worker", map[string]string{"app": "worker"}, nil, worker, shipper)},
		{pod: batch, perContainer: true},
	}
}

// warnings collects the API server's warnings (Pod Security `warn` mode answers in them).
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}

// caseInstall reads a fixture case: the namespace's labels and the injector and mesh ConfigMaps' texts.
func caseInstall(t *testing.T, in install) (labels map[string]string, texts map[string]string, settings *upstream.InjectionSettings) {
	t.Helper()
	objs, err := ours.CaseObjects(upstream.Tag, in.caseName)
	if err != nil {
		t.Fatalf("%s: %v", in.caseName, err)
	}
	data := func(name string) map[string]string {
		for _, o := range objs {
			if o.GetKind() == "ConfigMap" && o.GetName() == name {
				d, _, err := unstructured.NestedStringMap(o.Object, "data")
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
		}
		t.Fatalf("%s: no ConfigMap %s", in.caseName, name)
		return nil
	}
	for _, o := range objs {
		if o.GetKind() == "Namespace" && o.GetName() == in.namespace {
			labels = o.GetLabels()
		}
	}
	if labels == nil {
		t.Fatalf("%s: no Namespace %s", in.caseName, in.namespace)
	}
	injector, mesh := data("istio-sidecar-injector"), data("istio")
	texts = map[string]string{"config": injector["config"], "values": injector["values"], "mesh": mesh["mesh"]}
	settings, err = upstream.ParseInjectionSettings(texts["config"], texts["values"], texts["mesh"])
	if err != nil {
		t.Fatalf("%s: istiod cannot load the injector: %v", in.caseName, err)
	}
	return labels, texts, settings
}

// verdict is one pod's fate in one namespace.
type verdict struct {
	admitted bool
	reason   string   // the API server's refusal
	warnings []string // the API server's warnings on admission
}

func TestPodSecurity(t *testing.T) {
	// Fixtures first (an error, never a skip, when missing), then the server.
	type prepared struct {
		install
		labels   map[string]string
		settings *upstream.InjectionSettings
	}
	var preps []prepared
	for _, in := range installs {
		labels, texts, settings := caseInstall(t, in)
		for _, key := range []string{"config", "values", "mesh"} {
			want, err := ours.Read(upstream.Tag, in.fixtures, key)
			if err != nil {
				t.Fatal(err)
			}
			if texts[key] != want {
				t.Errorf("%s: the injector's %s differs from %s/%s (the install the injection suite runs)", in.caseName, key, in.fixtures, key)
			}
		}
		// ZeroTrustNamespace's default (src/policy/zero-trust-namespace.ts podSecurityLabels).
		want := string(psaapi.LevelPrivileged)
		if in.cni {
			want = string(psaapi.LevelRestricted)
		}
		if got := labels[enforceLabel]; got != want {
			t.Errorf("%s: ZeroTrustNamespace %s enforces %q, want %q (CNI %v)", in.caseName, in.namespace, got, want, in.cni)
		}
		preps = append(preps, prepared{in, labels, settings})
	}

	cfg := kubeapply.StartAPIServer(t, startTestServer)
	cfg = rest.CopyConfig(cfg)
	warn := &warnings{}
	cfg.WarningHandler = warn
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	version, err := client.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	createNamespace := func(name string, labels map[string]string) {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
		if _, err := client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			t.Fatalf("namespace %s: %v", name, err)
		}
	}
	levelNamespace := func(l psaapi.Level) string { return "level-" + string(l) }
	for _, l := range levels {
		createNamespace(levelNamespace(l), map[string]string{enforceLabel: string(l)})
	}

	// create creates the pod in a namespace and cross-checks the verdict with the evaluator at the namespace's level.
	agreed, judged := 0, 0
	create := func(pod *corev1.Pod, namespace string, level psaapi.Level) verdict {
		t.Helper()
		p := pod.DeepCopy()
		p.Namespace = namespace
		p.ResourceVersion = ""
		warn.take()
		_, err := client.CoreV1().Pods(namespace).Create(ctx, p, metav1.CreateOptions{})
		v := verdict{admitted: err == nil, warnings: warn.take()}
		if err != nil {
			if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "violates PodSecurity") {
				t.Fatalf("pod %s/%s: the API server refused it for another reason than Pod Security: %v", namespace, p.Name, err)
			}
			v.reason = err.Error()
		}
		// The evaluator judges the pod as the API server does, after Kubernetes' defaulting (the injection template's
		// `emptyDir:` volumes are null until defaulted to an emptyDir).
		defaulted := p.DeepCopy()
		k8sv1.SetObjectDefaults_Pod(defaulted)
		result := policy.AggregateCheckResults(evaluator.EvaluatePod(psaapi.LevelVersion{Level: level, Version: psaapi.LatestVersion()}, &defaulted.ObjectMeta, &defaulted.Spec))
		judged++
		if result.Allowed != v.admitted {
			t.Errorf("pod %s/%s at %s: the API server admitted=%v, the Pod Security evaluator allowed=%v (%s)", namespace, p.Name, level, v.admitted, result.Allowed, result.ForbiddenDetail())
		} else {
			agreed++
		}
		return v
	}

	// The application pods pass `restricted` before injection.
	pods := appPods()
	for _, p := range pods {
		if v := create(p.pod, levelNamespace(psaapi.LevelRestricted), psaapi.LevelRestricted); !v.admitted {
			t.Fatalf("application pod %s is not restricted-compliant before injection: %s", p.pod.Name, v.reason)
		}
	}

	injector := newInjector(t)
	var admittedCNI, totalCNI, refusedNoCNI, totalNoCNI, admittedZTN, totalZTN, warnedZTN, perContainerRefused, perContainerTotal, perContainerBaseline, perContainerBaselineTotal int
	reasons := map[string]bool{}
	for _, prep := range preps {
		templates, err := inject.ParseTemplates(prep.settings.Config.RawTemplates)
		if err != nil {
			t.Fatalf("%s: parse templates: %v", prep.caseName, err)
		}
		caseNamespace := prep.caseName + "-" + prep.namespace
		createNamespace(caseNamespace, prep.labels)
		caseLevel := psaapi.Level(prep.labels[enforceLabel])
		for _, mode := range modes {
			for _, ap := range pods {
				app := ap.pod
				in := app.DeepCopy()
				in.Namespace = prep.namespace
				if mode.annotation != "" {
					in.Annotations = map[string]string{nativeAnno: mode.annotation}
				}
				out, err := inject.IntoObject(injector, templates, prep.settings.Values, "", prep.settings.Mesh, in, func(string) {})
				if err != nil {
					t.Fatalf("%s: inject %s: %v", prep.caseName, app.Name, err)
				}
				pod, ok := out.(*corev1.Pod)
				if !ok {
					t.Fatalf("%s: inject %s returned %T", prep.caseName, app.Name, out)
				}
				pod.Name = fmt.Sprintf("%s-%s-%s", app.Name, prep.id, mode.name)
				label := fmt.Sprintf("%s %s (%s sidecar)", prep.caseName, app.Name, mode.name)
				checkInjected(t, label, pod, prep.cni, mode.name == "native")

				// The ZeroTrustNamespace's own labels: every injected pod with seccomp stated for the pod must be admitted
				// there; without the CNI (enforce privileged) with the warnings its warn label (restricted) asks for.
				v := create(pod, caseNamespace, caseLevel)
				switch {
				case ap.perContainer && prep.cni:
					perContainerTotal++
					if expectSeccompRefusal(t, label+" in the ZeroTrustNamespace's namespace", v) {
						perContainerRefused++
					}
				case v.admitted:
					totalZTN++
					admittedZTN++
				default:
					totalZTN++
					t.Errorf("%s: refused in the ZeroTrustNamespace's namespace (enforce %s): %s", label, caseLevel, v.reason)
				}
				if v.admitted && len(v.warnings) > 0 {
					warnedZTN++
					if !strings.Contains(strings.Join(v.warnings, " "), `"istio-init"`) {
						t.Errorf("%s: the restricted warnings do not name istio-init: %v", label, v.warnings)
					}
				}
				if !prep.cni && len(v.warnings) == 0 {
					t.Errorf("%s: admitted at privileged without the restricted warning the namespace's warn label asks for", label)
				}
				if prep.cni && v.admitted && len(v.warnings) > 0 {
					t.Errorf("%s: admitted with warnings at restricted: %v", label, v.warnings)
				}

				for _, l := range levels {
					v := create(pod, levelNamespace(l), l)
					switch {
					case prep.cni && ap.perContainer && l == psaapi.LevelRestricted:
						perContainerTotal++
						if expectSeccompRefusal(t, label+" at restricted", v) {
							perContainerRefused++
						}
					case prep.cni && ap.perContainer:
						perContainerBaselineTotal++
						if !v.admitted {
							t.Errorf("%s at %s: refused: %s", label, l, v.reason)
						} else {
							perContainerBaseline++
						}
					case prep.cni:
						totalCNI++
						if v.admitted {
							admittedCNI++
						} else {
							t.Errorf("%s at %s: refused: %s", label, l, v.reason)
						}
					default:
						totalNoCNI++
						if v.admitted {
							t.Errorf("%s at %s: admitted, but istio-init needs NET_ADMIN and NET_RAW", label, l)
							continue
						}
						refusedNoCNI++
						want := []string{`container "istio-init"`, "NET_ADMIN", "NET_RAW"}
						if l == psaapi.LevelRestricted {
							want = append(want, "runAsNonRoot", "runAsUser=0")
						}
						for _, w := range want {
							if !strings.Contains(v.reason, w) {
								t.Errorf("%s at %s: the refusal does not name %s: %s", label, l, w, v.reason)
							}
						}
						for _, r := range refusalReasons(v.reason) {
							reasons[string(l)+": "+r] = true
						}
					}
				}
			}
		}
	}
	var rs []string
	for r := range reasons {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	fmt.Printf("conformance %s pod security: kube-apiserver %s admitted %d/%d CNI-injected pods at restricted and baseline "+
		"(injector-cni, injector-ambient; native and classic sidecars), refused %d/%d injected without CNI (istio-init: NET_ADMIN, "+
		"NET_RAW; at restricted also root); ZeroTrustNamespace labels (restricted with CNI, privileged without) admitted %d/%d "+
		"(%d with restricted warnings); Pod Security evaluator agreed %d/%d; %d application pods restricted before injection\n",
		upstream.Tag, version.GitVersion, admittedCNI, totalCNI, refusedNoCNI, totalNoCNI, admittedZTN, totalZTN, warnedZTN,
		agreed, judged, len(pods))
	fmt.Printf("conformance %s pod security boundary: a pod stating seccomp only per container is refused at restricted "+
		"after CNI injection %d/%d (istio-proxy, istio-validation state no seccompProfile), admitted at baseline %d/%d\n",
		upstream.Tag, perContainerRefused, perContainerTotal, perContainerBaseline, perContainerBaselineTotal)
	for _, r := range rs {
		fmt.Println("  refused without CNI at " + r)
	}
}

// expectSeccompRefusal: `restricted` refuses a pod whose seccomp profile is stated only per container, for the
// containers the injector added.
func expectSeccompRefusal(t *testing.T, label string, v verdict) bool {
	t.Helper()
	if v.admitted {
		t.Errorf("%s: admitted, but istio-proxy and istio-validation state no seccomp profile", label)
		return false
	}
	ok := true
	for _, w := range []string{"seccompProfile", `"istio-validation"`, `"istio-proxy"`} {
		if !strings.Contains(v.reason, w) {
			t.Errorf("%s: the refusal does not name %s: %s", label, w, v.reason)
			ok = false
		}
	}
	if len(refusalReasons(v.reason)) != 1 {
		t.Errorf("%s: refused for more than the seccomp profile: %s", label, v.reason)
		ok = false
	}
	return ok
}

// checkInjected checks that the injector did what the install implies: istio-proxy as a native or classic sidecar,
// and istio-validation (CNI) or istio-init (no CNI).
func checkInjected(t *testing.T, label string, pod *corev1.Pod, cni, native bool) {
	t.Helper()
	names := func(cs []corev1.Container) map[string]corev1.Container {
		out := map[string]corev1.Container{}
		for _, c := range cs {
			out[c.Name] = c
		}
		return out
	}
	inits, containers := names(pod.Spec.InitContainers), names(pod.Spec.Containers)
	if native {
		p, ok := inits["istio-proxy"]
		if !ok || p.RestartPolicy == nil || *p.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			t.Errorf("%s: istio-proxy is not a native sidecar (init container with restartPolicy Always)", label)
		}
	} else if _, ok := containers["istio-proxy"]; !ok {
		t.Errorf("%s: no istio-proxy container", label)
	}
	_, validation := inits["istio-validation"]
	_, initC := inits["istio-init"]
	if cni && (!validation || initC) {
		t.Errorf("%s: with the CNI the pod should have istio-validation and no istio-init (init containers: %v)", label, keys(inits))
	}
	if !cni && (validation || !initC) {
		t.Errorf("%s: without the CNI the pod should have istio-init (init containers: %v)", label, keys(inits))
	}
}

func keys(m map[string]corev1.Container) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// refusalReasons splits the API server's `violates PodSecurity "<level>:<version>": a (...), b (...)` message into
// its check names.
func refusalReasons(msg string) []string {
	i := strings.Index(msg, `": `)
	if i < 0 {
		return []string{msg}
	}
	var out []string
	depth, start := 0, i+3
	s := msg[start:]
	last := 0
	for j, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[last:j]))
				last = j + 1
			}
		}
	}
	out = append(out, strings.TrimSpace(s[last:]))
	return out
}
