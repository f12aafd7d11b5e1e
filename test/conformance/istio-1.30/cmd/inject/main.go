// Command inject runs Istio's own sidecar injector over one pod or workload, for the jest injection tests
// (test/injection/harness.ts): istio.io/istio/pkg/kube/inject at the release this module pins, the code
// behind istiod's webhook and `istioctl kube-inject`. Nothing of the injector is reimplemented here: the
// injector config, values and mesh config are read with Istio's functions (as istiod reads its ConfigMaps),
// templates are parsed by Istio's parser with Istio's function map, and the object goes through
// inject.IntoObject with a fake cluster whose nodes report the requested kubelet versions (istiod's
// native-sidecar `auto` mode looks at them).
//
// Input: one JSON request on stdin (see request). Output: one JSON response on stdout (see response).
// On failure Istio's own error message goes to stderr and the exit code is 1.
//
// istiod's environment: Istio reads feature flags such as ENABLE_NATIVE_SIDECARS and COMPLIANCE_POLICY from
// the process environment when its packages initialise, and the `env` template function reads it at
// execution. The request's `env` is therefore this process's environment; when it is not (yet), the program
// runs itself again with it.
//
// Raw template text: the overlay a template rendered is not part of IntoObject's result, and inject.RunTemplate
// takes parameters only its own package can build. To report the text, the program also runs IntoObject with every
// template replaced by a probe that records the template data istiod built (inject.SidecarTemplateData) and the
// names istiod selected, then executes the real parsed templates against that data, as istiod's runTemplate does
// (tmpl.Execute(&buf, &data)).
//
// Istio releases whose code is not available here (1.20): the request may carry that release's template-data
// contract (IstioVersion.templateData); every template the pod selects is first checked against it with
// test/conformance/templatecheck, and one naming a field or function that release lacks fails the request.
//
// Build (test/injection/harness.ts does this once per source hash): go build -o /tmp/inject ./cmd/inject
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"text/template"

	sprig "github.com/Masterminds/sprig/v3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/klog/v2"

	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/kube/inject"
	"istio.io/istio/pkg/kube/kclient"
	istiolog "istio.io/istio/pkg/log"

	"github.com/cdk8s-istio/conformance/templatecheck"
)

// request is what the jest harness sends.
type request struct {
	// Config and Values are the `config` and `values` keys of the injector ConfigMap
	// (istio-sidecar-injector[-rev]); Mesh is the `mesh` key of the istio[-rev] ConfigMap (YAML or JSON).
	Config string `json:"config"`
	Values string `json:"values"`
	Mesh   string `json:"mesh"`
	// Revision is istiod's revision ("" for the default one).
	Revision string `json:"revision"`
	// Object is a Pod, or a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
	// ReplicationController) with its pod template, in Kubernetes JSON form with apiVersion and kind.
	Object json.RawMessage `json:"object"`
	// Nodes are the kubelet versions of the cluster's nodes (e.g. "v1.34.0").
	Nodes []string `json:"nodes"`
	// Env is istiod's environment (ENABLE_NATIVE_SIDECARS, COMPLIANCE_POLICY, ...).
	Env map[string]string `json:"env"`
	// TemplateText, when set, is added to the config's templates as TemplateName and selected with the
	// pod's inject.istio.io/templates annotation, instead of the templates the pod would get.
	TemplateText *string `json:"templateText"`
	// TextOnly: only render TemplateText against the template data istiod builds for the object and
	// return the text (for templates whose output is not a pod overlay); nothing is injected.
	TextOnly bool `json:"textOnly"`
	// Contract, when set, is the template-data contract of the Istio release the request stands in for
	// (IstioVersion.templateData, for a release whose istiod is not available here): every template that
	// runs must name only its fields and functions, or the request fails as that istiod would.
	Contract *contract `json:"contract"`
}

type contract struct {
	templatecheck.Contract
	// Release names the release in messages (e.g. "1.20.3").
	Release string `json:"release"`
}

// TemplateName is the config key TemplateText is added under.
const TemplateName = "cdk8s-template"

type rendered struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

type response struct {
	// Object is what inject.IntoObject returned (the object with its pod injected).
	Object any `json:"object,omitempty"`
	// Pod is the injected pod (the object itself, or its pod template).
	Pod *podJSON `json:"pod,omitempty"`
	// Rendered is the raw output of each template istiod ran, in order.
	Rendered []rendered `json:"rendered"`
	// Overlay is the merge of those outputs (RunTemplate's template pod).
	Overlay *podJSON `json:"overlay,omitempty"`
	// Text is the TemplateText output (TextOnly).
	Text *string `json:"text,omitempty"`
	// Warnings are what IntoObject reported (e.g. injection skipped).
	Warnings []string `json:"warnings"`
}

type podJSON struct {
	Metadata metav1.ObjectMeta `json:"metadata"`
	Spec     corev1.PodSpec    `json:"spec"`
}

const reexecMarker = "CDK8S_INJECT_REEXEC"

func main() {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		die("inject: reading the request: %v", err)
	}
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		die("inject: decoding the request: %v", err)
	}
	if env := missingEnv(req.Env); len(env) > 0 {
		reexec(raw, env)
	}
	quiet()
	out, err := run(req)
	if err != nil {
		die("%v", err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		die("inject: writing the response: %v", err)
	}
}

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// missingEnv lists the request's environment entries this process does not have.
func missingEnv(want map[string]string) []string {
	var out []string
	for k, v := range want {
		if got, ok := os.LookupEnv(k); !ok || got != v {
			out = append(out, k+"="+v)
		}
	}
	sort.Strings(out)
	return out
}

// reexec runs this program again with istiod's environment, so Istio's feature flags see it at start.
func reexec(raw []byte, env []string) {
	if os.Getenv(reexecMarker) != "" {
		die("inject: the environment %v did not take effect", env)
	}
	self, err := os.Executable()
	if err != nil {
		die("inject: %v", err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(append(os.Environ(), env...), reexecMarker+"=1")
	cmd.Stdin = bytes.NewReader(raw)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			os.Exit(exit.ExitCode())
		}
		die("inject: %v", err)
	}
	os.Exit(0)
}

// quiet keeps Istio's and client-go's logging off stdout/stderr (CDK8S_INJECT_LOG=1 sends it to stderr).
func quiet() {
	if os.Getenv("CDK8S_INJECT_LOG") != "" {
		o := istiolog.DefaultOptions()
		o.OutputPaths = []string{"stderr"}
		_ = istiolog.Configure(o)
		return
	}
	for _, s := range istiolog.Scopes() {
		s.SetOutputLevel(istiolog.NoneLevel)
	}
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
}

// fakeInjector gives IntoObject a cluster (its nodes decide istiod's native-sidecar `auto` mode) and no
// webhook of its own, so IntoObject injects locally as `istioctl kube-inject` does.
type fakeInjector struct{ client kube.Client }

func (f fakeInjector) Inject(*corev1.Pod, string) ([]byte, error) { return nil, nil }
func (f fakeInjector) GetKubeClient() kube.Client                 { return f.client }

func newInjector(kubelets []string) (inject.Injector, func()) {
	var nodes []runtime.Object
	for i, v := range kubelets {
		nodes = append(nodes, &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("node-%d", i+1)},
			Status:     corev1.NodeStatus{NodeInfo: corev1.NodeSystemInfo{KubeletVersion: v}},
		})
	}
	client := kube.NewFakeClient(nodes...)
	// Register the node informer before the client starts, so it is synced when IntoObject lists the nodes
	// (an informer made later starts empty, and no nodes reads as "every node supports native sidecars").
	kclient.New[*corev1.Node](client)
	stop := make(chan struct{})
	client.RunAndWait(stop)
	return fakeInjector{client: client}, func() { close(stop) }
}

func run(req request) (*response, error) {
	cfg, err := inject.UnmarshalConfig([]byte(req.Config))
	if err != nil {
		return nil, err
	}
	values, err := inject.NewValuesConfig(req.Values)
	if err != nil {
		return nil, err
	}
	meshConfig, err := mesh.ApplyMeshConfig(req.Mesh, mesh.DefaultMeshConfig())
	if err != nil {
		return nil, fmt.Errorf("mesh config: %v", err)
	}
	obj, err := inject.FromRawToObject(req.Object)
	if err != nil {
		return nil, fmt.Errorf("object: %v", err)
	}
	if req.TemplateText != nil {
		cfg.RawTemplates[TemplateName] = *req.TemplateText
		if cfg.Templates, err = inject.ParseTemplates(cfg.RawTemplates); err != nil {
			return nil, err
		}
		if err := selectTemplate(obj, TemplateName); err != nil {
			return nil, err
		}
	}

	injector, stop := newInjector(req.Nodes)
	defer stop()
	var warnings []string
	warn := func(s string) { warnings = append(warnings, strings.TrimSpace(s)) }
	intoObject := func(templates inject.Templates) (any, error) {
		return inject.IntoObject(injector, templates, values, req.Revision, meshConfig, obj.DeepCopyObject(), warn)
	}

	// The template data istiod builds for this object and the templates it selects, recorded by probes.
	probe := &probe{}
	_, probeErr := intoObject(probe.templates(cfg.Templates))

	if req.Contract != nil {
		if err := keepsContract(req.Contract, probe.names, cfg, values); err != nil {
			return nil, err
		}
	}

	if req.TextOnly {
		if probeErr != nil {
			return nil, probeErr
		}
		if len(probe.data) == 0 {
			return nil, fmt.Errorf("inject: no template ran (%s)", strings.Join(warnings, "; "))
		}
		var buf bytes.Buffer
		if err := cfg.Templates[TemplateName].Execute(&buf, probe.data[0]); err != nil {
			return nil, err
		}
		text := buf.String()
		return &response{Text: &text, Rendered: []rendered{{Name: TemplateName, Text: text}}, Warnings: warnings}, nil
	}
	warnings = nil
	out, err := intoObject(cfg.Templates)
	if err != nil {
		return nil, err
	}
	pod, err := podOf(out)
	if err != nil {
		return nil, err
	}
	res := &response{Object: out, Pod: pod, Warnings: warnings, Rendered: []rendered{}}
	if probeErr != nil {
		return nil, fmt.Errorf("inject: the probe run failed where the real one did not: %v", probeErr)
	}
	overlay := &corev1.Pod{}
	for i, name := range probe.names {
		var buf bytes.Buffer
		if err := cfg.Templates[name].Execute(&buf, probe.data[i]); err != nil {
			return nil, err
		}
		res.Rendered = append(res.Rendered, rendered{Name: name, Text: buf.String()})
		if overlay, err = applyOverlayYAML(overlay, buf.Bytes()); err != nil {
			return nil, err
		}
	}
	res.Overlay = &podJSON{Metadata: overlay.ObjectMeta, Spec: overlay.Spec}
	return res, nil
}

// probe replaces every template by one that records the data and the template name and renders nothing.
type probe struct {
	names []string
	data  []*inject.SidecarTemplateData
}

func (p *probe) templates(real inject.Templates) inject.Templates {
	out := inject.Templates{}
	for name := range real {
		t := template.Must(template.New("inject").Funcs(template.FuncMap{
			"cdk8sProbe": func(d *inject.SidecarTemplateData) string {
				p.names = append(p.names, name)
				p.data = append(p.data, d)
				return "{}"
			},
		}).Parse("{{ cdk8sProbe . }}"))
		out[name] = t
	}
	return out
}

// applyOverlayYAML merges a template's output into a pod with Istio's strategic merge, as RunTemplate does.
func applyOverlayYAML(target *corev1.Pod, overlayYAML []byte) (*corev1.Pod, error) {
	current, err := json.Marshal(target)
	if err != nil {
		return nil, err
	}
	patched, err := inject.StrategicMergePatchYAML(current, overlayYAML, corev1.Pod{})
	if err != nil {
		return nil, fmt.Errorf("strategic merge: %v", err)
	}
	pod := &corev1.Pod{}
	if err := json.Unmarshal(patched, pod); err != nil {
		return nil, err
	}
	return pod, nil
}

// podParts finds the pod metadata and spec of an object (the pod itself, or its template) as IntoObject does.
func podParts(obj runtime.Object) (*metav1.ObjectMeta, *corev1.PodSpec, error) {
	switch v := obj.(type) {
	case *corev1.Pod:
		return &v.ObjectMeta, &v.Spec, nil
	case *batchv1.CronJob:
		return &v.Spec.JobTemplate.Spec.Template.ObjectMeta, &v.Spec.JobTemplate.Spec.Template.Spec, nil
	}
	tv := reflect.ValueOf(obj).Elem().FieldByName("Spec").FieldByName("Template")
	if !tv.IsValid() {
		return nil, nil, fmt.Errorf("inject: %T has no pod template", obj)
	}
	if tv.Kind() == reflect.Ptr {
		if tv.IsNil() {
			return nil, nil, fmt.Errorf("spec.template is required value")
		}
		tv = tv.Elem()
	}
	return tv.FieldByName("ObjectMeta").Addr().Interface().(*metav1.ObjectMeta),
		tv.FieldByName("Spec").Addr().Interface().(*corev1.PodSpec), nil
}

func podOf(out any) (*podJSON, error) {
	obj, ok := out.(runtime.Object)
	if !ok {
		return nil, fmt.Errorf("inject: IntoObject returned %T", out)
	}
	meta, spec, err := podParts(obj)
	if err != nil {
		return nil, err
	}
	return &podJSON{Metadata: *meta, Spec: *spec}, nil
}

// selectTemplate sets the pod's inject.istio.io/templates annotation, istiod's way of choosing templates.
func selectTemplate(obj runtime.Object, name string) error {
	meta, _, err := podParts(obj)
	if err != nil {
		return err
	}
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations["inject.istio.io/templates"] = name
	return nil
}

// keepsContract checks the templates istiod selected against the contract of the release the request
// stands in for (test/conformance/templatecheck, the check the contract suite runs on our ConfigMaps).
func keepsContract(c *contract, names []string, cfg inject.Config, values inject.ValuesConfig) error {
	var features map[string]any
	if webhook, ok := values.Map()["sidecarInjectorWebhook"].(map[string]any); ok {
		features, _ = webhook["templateFeatures"].(map[string]any)
	}
	// sprig's text functions at the release's sprig (istiod 1.20 links 3.2.3, which lacks 3.3.0's sha512sum; the
	// same table as the contract suite's sprigAdded)
	funcs := sprig.TxtFuncMap()
	if c.Sprig == "3.2.3" {
		delete(funcs, "sha512sum")
	}
	var problems []string
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		problems = append(problems, templatecheck.Check(name, cfg.RawTemplates[name], c.Contract, funcs, features)...)
	}
	if len(problems) > 0 {
		return fmt.Errorf("istiod %s would refuse the pod (its template-data contract, IstioVersion.templateData): %s",
			c.Release, strings.Join(problems, "; "))
	}
	return nil
}
