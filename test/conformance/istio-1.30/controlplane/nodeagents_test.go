package controlplane

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/compare"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

// objectThreshold is what every object an upstream chart renders must reach, compared with ours value by value.
const objectThreshold = 95.0

// chart is one upstream chart rendered with values, as `helm template <release> <chart> -n istio-system --set ...`.
type chart struct {
	release, dir string
	values       map[string]any
}

// images: the ztunnel chart takes hub and tag at its top level (the published chart carries the release's).
var ztunnelImage = map[string]any{"hub": "docker.io/istio", "tag": upstream.Tag}

func with(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// nodeAgentCases: each case of ours and the charts that render the same install upstream.
//   - install-cni (`cdk8s-istio install --cni`): the istio-cni chart with its defaults, and the istiod chart with
//     the CNI mode of injection (`pilot.cni.enabled`, which the istiod chart reads as `cni.enabled`).
//   - install-ambient (`cdk8s-istio install --profile ambient`): the three charts with `profile=ambient`, and
//     istiod's injection in CNI mode as istioctl's ambient profile sets it (components.cni.enabled).
var nodeAgentCases = []struct {
	name   string
	charts []chart
}{
	{"install-cni", []chart{
		{"istio-cni", "istio-cni", map[string]any{}},
		{"istiod", "istio-control/istio-discovery", map[string]any{"cni": map[string]any{"enabled": true}}},
	}},
	{"install-ambient", []chart{
		{"istio-cni", "istio-cni", map[string]any{"profile": "ambient"}},
		{"ztunnel", "ztunnel", with(ztunnelImage, "profile", "ambient")},
		{"istiod", "istio-control/istio-discovery", map[string]any{"profile": "ambient", "cni": map[string]any{"enabled": true}}},
	}},
}

// TestNodeAgentsMatchUpstream compares the CNI node agent, ztunnel and istiod of our CNI and ambient installs with
// what upstream's charts render for the same settings: every object the charts render must reach objectThreshold.
// It also loads the ambient install's injector and mesh config the way istiod does.
func TestNodeAgentsMatchUpstream(t *testing.T) {
	var report []string
	for _, c := range nodeAgentCases {
		mine, err := ours.CaseObjects(upstream.Tag, c.name)
		if err != nil {
			t.Fatal(err)
		}
		got := index(mine)
		var caseTotal compare.Result
		var lines []string
		objects := 0
		for _, ch := range c.charts {
			theirs, err := upstream.RenderChart(ch.release, "istio-system", ch.dir, ch.values)
			if err != nil {
				t.Fatal(err)
			}
			want := index(theirs)
			ids := make([]string, 0, len(want))
			for k := range want {
				ids = append(ids, k)
			}
			sort.Strings(ids)
			var chartTotal compare.Result
			for _, k := range ids {
				r := compareObject(t, want[k], got[k], c.name+" "+k+" ")
				chartTotal.Add(r)
				objects++
				lines = append(lines, fmt.Sprintf("  %-80s %6.2f%% (%d/%d)", k, r.Percent(), r.Equal, r.Compared))
				if r.Percent() < objectThreshold {
					t.Errorf("%s: %s matches upstream's %s chart %.2f%%, below %.1f%%", c.name, k, ch.release, r.Percent(), objectThreshold)
				}
			}
			lines = append(lines, fmt.Sprintf("  chart %s: %.2f%% (%d/%d) over %d objects", ch.release, chartTotal.Percent(), chartTotal.Equal, chartTotal.Compared, len(ids)))
			caseTotal.Add(chartTotal)
		}
		fmt.Printf("conformance %s %s node agents and istiod %.2f%% (%d/%d) over %d objects\n",
			upstream.Tag, c.name, caseTotal.Percent(), caseTotal.Equal, caseTotal.Compared, objects)
		fmt.Println(strings.Join(lines, "\n"))
		report = append(report, caseTotal.Diffs...)

		// istiod must load the injector and mesh config of the case as it would at start-up.
		if _, err := upstream.InjectionSettingsOf(mine, ""); err != nil {
			t.Errorf("%s: istiod cannot load the injector or mesh config: %v", c.name, err)
		}
	}
	path := filepath.Join(ours.FixturesDir(), upstream.Tag, "node-agent-differences.txt")
	_ = os.WriteFile(path, []byte(strings.Join(report, "\n")+"\n"), 0o644)
	fmt.Printf("  differences: %s\n", path)
}

// compareObject compares one upstream object with ours (missing: nothing of it matches).
func compareObject(t *testing.T, want, got *unstructured.Unstructured, prefix string) compare.Result {
	t.Helper()
	b, err := expand(want)
	if err != nil {
		t.Fatal(err)
	}
	var a any = map[string]any{}
	if got != nil {
		if a, err = expand(got); err != nil {
			t.Fatal(err)
		}
	}
	return compare.Documents(prefix, a, b)
}
