// Package controlplane compares our default install's control-plane objects with what Istio's own charts
// render for the release (`helm template` of the base, istiod and gateway charts from the module cache), value by value. CRDs are judged by the API server suite instead.
package controlplane

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/compare"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

const threshold = 98.0

func id(o *unstructured.Unstructured) string {
	return fmt.Sprintf("%s/%s/%s", o.GetKind(), o.GetNamespace(), o.GetName())
}

// expand turns the text data of the control plane's ConfigMaps (mesh config YAML, injector config YAML,
// values JSON) into structure, so they compare value by value. The injection templates' text is compared
// by name only: ours are our own text, judged by behaviour in the injection suite; so are the switches our
// templates read (`sidecarInjectorWebhook.templateFeatures` of the injector values, keys istiod ignores).
func expand(o *unstructured.Unstructured) (any, error) {
	doc, err := compare.Normalize(o.Object)
	if err != nil {
		return nil, err
	}
	// An empty or null value and an absent one mean the same to the API server.
	doc = compare.PruneEmpty(doc)
	if o.GetKind() != "ConfigMap" {
		return doc, nil
	}
	data, _ := doc.(map[string]any)["data"].(map[string]any)
	for k, v := range data {
		text, ok := v.(string)
		if !ok {
			continue
		}
		var parsed any
		if err := yaml.Unmarshal([]byte(text), &parsed); err != nil || parsed == nil {
			continue
		}
		if m, ok := parsed.(map[string]any); ok {
			if webhook, ok := m["sidecarInjectorWebhook"].(map[string]any); ok {
				delete(webhook, "templateFeatures")
			}
			if tpls, ok := m["templates"].(map[string]any); ok {
				for name := range tpls {
					tpls[name] = "<template>"
				}
			}
		}
		data[k] = compare.PruneEmpty(parsed)
	}
	return doc, nil
}

func index(objs []*unstructured.Unstructured) map[string]*unstructured.Unstructured {
	out := map[string]*unstructured.Unstructured{}
	for _, o := range objs {
		if o.GetKind() == "CustomResourceDefinition" {
			continue
		}
		out[id(o)] = o
	}
	return out
}

func TestControlPlaneMatchesUpstream(t *testing.T) {
	// What `helm template` renders for the three charts of a default install at the release's image.
	release := map[string]any{}
	var theirs []*unstructured.Unstructured
	for _, c := range []struct{ release, namespace, chart string }{
		{"istio-base", "istio-system", "base"},
		{"istiod", "istio-system", "istio-control/istio-discovery"},
		{"istio-ingressgateway", "istio-ingress", "gateway"},
	} {
		objs, err := upstream.RenderChart(c.release, c.namespace, c.chart, release)
		if err != nil {
			t.Fatal(err)
		}
		theirs = append(theirs, objs...)
	}
	mine, err := ours.CaseObjects(upstream.Tag, "default")
	if err != nil {
		t.Fatal(err)
	}
	want, got := index(theirs), index(mine)
	ids := make([]string, 0, len(want))
	for k := range want {
		ids = append(ids, k)
	}
	sort.Strings(ids)

	var total compare.Result
	var lines []string
	for _, k := range ids {
		b, err := expand(want[k])
		if err != nil {
			t.Fatal(err)
		}
		var a any = map[string]any{}
		if o, ok := got[k]; ok {
			if a, err = expand(o); err != nil {
				t.Fatal(err)
			}
		}
		r := compare.Documents(k+" ", a, b)
		total.Add(r)
		lines = append(lines, fmt.Sprintf("  %-80s %6.2f%% (%d/%d)", k, r.Percent(), r.Equal, r.Compared))
	}
	fmt.Printf("conformance %s control plane %.2f%% (%d/%d) over %d objects\n", upstream.Tag, total.Percent(), total.Equal, total.Compared, len(ids))
	fmt.Println(strings.Join(lines, "\n"))
	report := filepath.Join(ours.FixturesDir(), upstream.Tag, "control-plane-differences.txt")
	_ = os.WriteFile(report, []byte(strings.Join(total.Diffs, "\n")+"\n"), 0o644)
	fmt.Printf("  differences: %s\n", report)
	if total.Percent() < threshold {
		t.Errorf("control plane conformance %.2f%% is below %.1f%%", total.Percent(), threshold)
	}
}
