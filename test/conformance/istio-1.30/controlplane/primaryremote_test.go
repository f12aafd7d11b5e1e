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

// remoteValues: the istiod chart's values for the fixture's remote cluster (cluster3 on network1, mesh1), served by
// the primary cluster1 through its east-west gateway at 192.168.1.241: the `remote` profile, the primary's address
// and the injection path carrying the remote's cluster and network, as Istio's primary-remote install sets them.
var remoteValues = map[string]any{
	"profile": "remote",
	"global": map[string]any{
		"meshID": "mesh1", "network": "network1", "multiCluster": map[string]any{"clusterName": "cluster3"},
		"remotePilotAddress": "192.168.1.241",
	},
	"istiodRemote": map[string]any{"injectionPath": "/inject/cluster/cluster3/net/network1"},
}

// TestPrimaryRemoteMatchesUpstream compares the remote cluster of a primary-remote fleet with upstream's istiod chart
// rendered with the remote profile, object by object (each >= objectThreshold), checks that ours renders no object
// of istiod's own that the remote profile leaves out (no Deployment, no mesh or injector ConfigMap), and compares the
// primary's east-west gateway, which exposes istiod to the remote, with the gateway chart.
func TestPrimaryRemoteMatchesUpstream(t *testing.T) {
	mine, err := ours.CaseObjects(upstream.Tag, "fleet-remote")
	if err != nil {
		t.Fatal(err)
	}
	got := index(mine)
	theirs, err := upstream.RenderChart("istiod", "istio-system", "istio-control/istio-discovery", remoteValues)
	if err != nil {
		t.Fatal(err)
	}
	want := index(theirs)
	ids := make([]string, 0, len(want))
	for k := range want {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	var total compare.Result
	var lines []string
	for _, k := range ids {
		r := compareObject(t, want[k], got[k], "fleet-remote "+k+" ")
		total.Add(r)
		lines = append(lines, fmt.Sprintf("  %-80s %6.2f%% (%d/%d)", k, r.Percent(), r.Equal, r.Compared))
		if got[k] == nil {
			t.Errorf("fleet-remote: upstream's remote profile renders %s, ours does not", k)
		} else if r.Percent() < objectThreshold {
			t.Errorf("fleet-remote: %s matches upstream's remote profile %.2f%%, below %.1f%%", k, r.Percent(), objectThreshold)
		}
	}
	for _, o := range mine {
		if o.GetKind() == "Deployment" || (o.GetKind() == "ConfigMap" && o.GetName() != "values") || o.GetKind() == "HorizontalPodAutoscaler" {
			t.Errorf("fleet-remote: renders %s %s, which a remote cluster does not run", o.GetKind(), o.GetName())
		}
	}
	fmt.Printf("conformance %s fleet-remote %.2f%% (%d/%d) over %d objects\n%s\n", upstream.Tag, total.Percent(), total.Equal, total.Compared, len(ids), strings.Join(lines, "\n"))
	path := filepath.Join(ours.FixturesDir(), upstream.Tag, "primary-remote-differences.txt")
	_ = os.WriteFile(path, []byte(strings.Join(total.Diffs, "\n")+"\n"), 0o644)
	fmt.Printf("  differences: %s\n", path)
}

// TestPrimaryServingRemoteMatchesUpstream compares the primary of the fixture (cluster1, serving cluster3) with the
// istiod chart given `global.externalIstiod` and the gateway chart in network-gateway mode, object by object.
func TestPrimaryServingRemoteMatchesUpstream(t *testing.T) {
	mine, err := ours.CaseObjects(upstream.Tag, "fleet-remote-primary")
	if err != nil {
		t.Fatal(err)
	}
	got := index(mine)
	charts := []chart{
		{"istiod", "istio-control/istio-discovery", map[string]any{"global": map[string]any{
			"meshID": "mesh1", "network": "network1", "multiCluster": map[string]any{"clusterName": "cluster1"}, "externalIstiod": true,
		}}},
		{"istio-eastwestgateway", "gateway", map[string]any{"networkGateway": "network1"}},
	}
	var total compare.Result
	objects := 0
	var lines []string
	for _, ch := range charts {
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
		for _, k := range ids {
			r := compareObject(t, want[k], got[k], "fleet-remote-primary "+k+" ")
			total.Add(r)
			objects++
			lines = append(lines, fmt.Sprintf("  %-80s %6.2f%% (%d/%d)", k, r.Percent(), r.Equal, r.Compared))
			if r.Percent() < objectThreshold {
				t.Errorf("fleet-remote-primary: %s matches upstream's %s chart %.2f%%, below %.1f%%", k, ch.release, r.Percent(), objectThreshold)
			}
		}
	}
	fmt.Printf("conformance %s fleet-remote-primary %.2f%% (%d/%d) over %d objects\n%s\n", upstream.Tag, total.Percent(), total.Equal, total.Compared, objects, strings.Join(lines, "\n"))
	path := filepath.Join(ours.FixturesDir(), upstream.Tag, "primary-remote-primary-differences.txt")
	_ = os.WriteFile(path, []byte(strings.Join(total.Diffs, "\n")+"\n"), 0o644)
}
