// Package injection runs Istio's own injector (pkg/kube/inject, the code behind istiod's webhook and
// `istioctl kube-inject`) over Istio's own injection test corpus (pkg/kube/inject/testdata/inject in the
// module cache), once with cdk8s-istio's synthesized injector and mesh ConfigMaps and once with the ones
// istioctl renders from the release's charts, and compares the injected objects leaf by leaf.
package injection

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/kube/inject"
	"istio.io/istio/pkg/test"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/compare"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

// Injection conformance must reach this share of equal leaves.
const threshold = 99.5

// fakeInjector gives IntoObject a cluster whose kubelets are 1.33+ (istiod's native-sidecar `auto` is on),
// as Istio's own injection tests do.
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

// corpus lists the input documents of Istio's injection tests.
func corpus(t *testing.T) []string {
	files, err := upstream.InjectionCorpus()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// documents splits a YAML file into the documents the injector knows (others are passed over, as
// kube-inject passes them through unchanged).
func documents(path string) ([]runtime.Object, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	raws, err := ours.SplitDocuments(b)
	if err != nil {
		return nil, err
	}
	var out []runtime.Object
	for _, raw := range raws {
		obj, err := inject.FromRawToObject(raw)
		if err != nil {
			if runtime.IsNotRegisteredError(err) {
				continue
			}
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}

func run(injector inject.Injector, s *upstream.InjectionSettings, obj runtime.Object) (any, error) {
	templates, err := inject.ParseTemplates(s.Config.RawTemplates)
	if err != nil {
		return nil, fmt.Errorf("parse templates: %v", err)
	}
	return inject.IntoObject(injector, templates, s.Values, "", s.Mesh, obj.DeepCopyObject(), func(string) {})
}

// variants: our install and upstream's render (istioctl's profile and flags) for the same settings.
var variants = []struct {
	name     string // fixtures folder of ours
	profile  string
	upstream []string
}{
	{"injector", "default", nil},
	{"injector-cni", "default", []string{"components.cni.enabled=true", "values.cni.provider=default"}},
	// ambient mode: sidecars injected into namespaces that still ask for them, in CNI mode, distroless
	{"injector-ambient", "ambient", nil},
}

func TestInjectionConformance(t *testing.T) {
	injector := newInjector(t)
	var total compare.Result
	var templateErrors []string
	pods, bothRefused := 0, 0
	for _, v := range variants {
		objs, err := upstream.Render(v.profile, v.upstream...)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := upstream.InjectionSettingsOf(objs, "")
		if err != nil {
			t.Fatal(err)
		}
		text := func(name string) string {
			s, err := ours.Read(upstream.Tag, v.name, name)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		mine, err := upstream.ParseInjectionSettings(text("config"), text("values"), text("mesh"))
		if err != nil {
			t.Fatalf("%s: istiod cannot load our injector: %v", v.name, err)
		}
		for _, file := range corpus(t) {
			docs, err := documents(file)
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(file), err)
			}
			for i, doc := range docs {
				name := fmt.Sprintf("%s %s#%d", v.name, filepath.Base(file), i)
				want, errTheirs := run(injector, theirs, doc)
				got, errOurs := run(injector, mine, doc)
				switch {
				case errTheirs != nil && errOurs != nil:
					bothRefused++
					continue
				case errOurs != nil:
					templateErrors = append(templateErrors, fmt.Sprintf("%s: %v", name, errOurs))
					continue
				case errTheirs != nil:
					templateErrors = append(templateErrors, fmt.Sprintf("%s: upstream refused (%v) but ours injected", name, errTheirs))
					continue
				}
				a, err := compare.Normalize(got)
				if err != nil {
					t.Fatal(err)
				}
				b, err := compare.Normalize(want)
				if err != nil {
					t.Fatal(err)
				}
				pods++
				total.Add(compare.Documents(name+" ", a, b))
			}
		}
	}
	fmt.Printf("conformance %s injection %.2f%% (%d/%d) over %d pods, CNI off and on, ambient (%d refused by both, %d template errors)\n",
		upstream.Tag, total.Percent(), total.Equal, total.Compared, pods, bothRefused, len(templateErrors))
	report := filepath.Join(ours.FixturesDir(), upstream.Tag, "injection-differences.txt")
	_ = os.WriteFile(report, []byte(strings.Join(total.Diffs, "\n")+"\n"), 0o644)
	for i, d := range total.Diffs {
		if i == 60 {
			fmt.Printf("  ... %d more in %s\n", len(total.Diffs)-i, report)
			break
		}
		fmt.Println("  " + d)
	}
	for _, e := range templateErrors {
		t.Errorf("template error: %s", e)
	}
	if total.Percent() < threshold {
		t.Errorf("injection conformance %.2f%% is below %.1f%%", total.Percent(), threshold)
	}
}
