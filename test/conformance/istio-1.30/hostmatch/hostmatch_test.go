// Package hostmatch judges the library's host matching (src/internal/host-match.ts) with Istio's own
// host.Name: for every pair the fixtures list, Matches and SubsetOf must give the library's verdicts.
package hostmatch

import (
	"encoding/json"
	"fmt"
	"testing"

	"istio.io/istio/pkg/config/host"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
)

type hostCase struct {
	A        string `json:"a"`
	B        string `json:"b"`
	Matches  bool   `json:"matches"`
	SubsetOf bool   `json:"subsetOf"`
}

func TestHostMatchingAgreesWithIstio(t *testing.T) {
	text, err := ours.Read("1.30.3", "host-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostCase
	if err := json.Unmarshal([]byte(text), &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 100 {
		t.Fatalf("host-cases.json holds %d pairs; expected the full table", len(cases))
	}
	differ := 0
	for _, c := range cases {
		m := host.Name(c.A).Matches(host.Name(c.B))
		s := host.Name(c.A).SubsetOf(host.Name(c.B))
		if m != c.Matches || s != c.SubsetOf {
			differ++
			t.Errorf("%q vs %q: Istio Matches=%v SubsetOf=%v, library %v %v", c.A, c.B, m, s, c.Matches, c.SubsetOf)
		}
	}
	fmt.Printf("conformance host matching: %d pairs, %d differ from Istio's host.Name\n", len(cases), differ)
}
