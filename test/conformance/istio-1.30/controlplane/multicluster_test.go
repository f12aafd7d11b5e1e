package controlplane

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/compare"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

// fleetCluster: the values upstream's charts take for one cluster of a multi-network multi-primary mesh, as the
// fixture's MeshFleet sets them (mesh1; cluster1 on network1, cluster2 on network2).
func fleetCluster(cluster, network string) []chart {
	return []chart{
		{"istiod", "istio-control/istio-discovery", map[string]any{"global": map[string]any{
			"meshID": "mesh1", "network": network, "multiCluster": map[string]any{"clusterName": cluster},
		}}},
		// the east-west gateway: the gateway chart in its network-gateway mode, installed as istio-eastwestgateway
		{"istio-eastwestgateway", "gateway", map[string]any{"networkGateway": network}},
	}
}

// multiClusterCases: each fixture case of revision tags and multi-cluster, and the upstream charts with the same
// settings. Every object those charts render must reach objectThreshold against ours.
var multiClusterCases = []struct {
	name   string
	charts []chart
}{
	{"revision-tags", []chart{
		{"istiod", "istio-control/istio-discovery", map[string]any{"revision": "canary", "revisionTags": []any{"prod", "default"}}},
	}},
	{"fleet-cluster1", fleetCluster("cluster1", "network1")},
	{"fleet-cluster2", fleetCluster("cluster2", "network2")},
}

// TestMultiClusterMatchesUpstream compares revision tags, the multi-cluster istiod values and the east-west gateway
// with upstream's chart renders of the same values, object by object, and loads each case's injector and mesh config
// as istiod does.
func TestMultiClusterMatchesUpstream(t *testing.T) {
	var report []string
	for _, c := range multiClusterCases {
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
		fmt.Printf("conformance %s %s %.2f%% (%d/%d) over %d objects\n", upstream.Tag, c.name, caseTotal.Percent(), caseTotal.Equal, caseTotal.Compared, objects)
		fmt.Println(strings.Join(lines, "\n"))
		report = append(report, caseTotal.Diffs...)
		revision := ""
		if c.name == "revision-tags" {
			revision = "canary"
		}
		if _, err := upstream.InjectionSettingsOf(mine, revision); err != nil {
			t.Errorf("%s: istiod cannot load the injector or mesh config: %v", c.name, err)
		}
	}
	path := filepath.Join(ours.FixturesDir(), upstream.Tag, "multicluster-differences.txt")
	_ = os.WriteFile(path, []byte(strings.Join(report, "\n")+"\n"), 0o644)
	fmt.Printf("  differences: %s\n", path)
}
