package analyzerparity

import (
	"bytes"
	"encoding/json"
	"fmt"

	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

// The bar (#18): recall and precision over the cases in scope, and the share of upstream's expected
// messages those cases hold.
const (
	minRecall    = 95.0
	minPrecision = 95.0
	minCoverage  = 90.0
)

type finding struct {
	Code      string `json:"code"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Analyzers are the istioctl analyzers our finding says report the same (none for our own checks).
	Analyzers []string `json:"analyzers"`
}

func (f finding) String() string {
	if f.Namespace == "" {
		return fmt.Sprintf("%s %s %s", f.Code, f.Kind, f.Name)
	}
	return fmt.Sprintf("%s %s %s/%s", f.Code, f.Kind, f.Namespace, f.Name)
}

type batchResult struct {
	ID       string    `json:"id"`
	Exit     int       `json:"exit"`
	Findings []finding `json:"findings"`
	Stderr   string    `json:"stderr"`
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	// <repo>/test/conformance/istio-1.30/analyzerparity/parity_test.go
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..")
}

// runOurs runs `cdk8s-istio analyze --assume-complete --together -o json [--mesh-config F] files...` on every
// case, in one Node process (test/analyzer/parity/batch.ts calls the CLI's main).
func runOurs(t *testing.T, cases []Case) (codes []string, results map[string]batchResult) {
	type req struct {
		ID   string   `json:"id"`
		Args []string `json:"args"`
	}
	var reqs []req
	for i, c := range cases {
		// upstream's harness analyzes the files alone, as the whole cluster, in namespace-less "istio-system" mode
		args := []string{"--assume-complete", "--together", "--fail-on", "Error"}
		if c.MeshConfigFile != "" {
			args = append(args, "--mesh-config", c.MeshConfigFile)
		}
		if c.MeshNetworksFile != "" {
			args = append(args, "--mesh-networks", c.MeshNetworksFile)
		}
		reqs = append(reqs, req{ID: fmt.Sprint(i), Args: append(args, c.InputFiles...)})
	}
	in, _ := json.Marshal(map[string]any{"cases": reqs})
	cmd := exec.Command("npx", "tsx", "test/analyzer/parity/batch.ts")
	cmd.Dir = repoRoot()
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("our analyzer (npx tsx test/analyzer/parity/batch.ts): %v\n%s", err, stderr.String())
	}
	var resp struct {
		Codes   []string      `json:"codes"`
		Results []batchResult `json:"results"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("our analyzer's answer: %v", err)
	}
	results = map[string]batchResult{}
	for _, r := range resp.Results {
		results[r.ID] = r
	}
	return resp.Codes, results
}

// match pairs expected messages with our findings (same code, kind and name; the namespace too when upstream
// names one: a resource without a namespace in the input YAML is in our default namespace).
func match(expected []Message, actual []finding) (missed []Message, extra []finding) {
	used := make([]bool, len(actual))
	pass := func(withNs bool) {
		for _, m := range expected {
			if (m.Namespace != "") != withNs {
				continue
			}
			found := false
			for i, f := range actual {
				if !used[i] && f.Code == m.Code && f.Kind == m.Kind && f.Name == m.Name && (m.Namespace == "" || f.Namespace == m.Namespace) {
					used[i] = true
					found = true
					break
				}
			}
			if !found {
				missed = append(missed, m)
			}
		}
	}
	pass(true)
	pass(false)
	for i, f := range actual {
		if !used[i] {
			extra = append(extra, f)
		}
	}
	return missed, extra
}

func TestAnalyzerParity(t *testing.T) {
	dir, err := upstream.SourceDir()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := ReadTable(dir)
	if err != nil {
		t.Fatalf("reading Istio's analyzer test table: %v", err)
	}
	ourCodes, results := runOurs(t, cases)
	ours := map[string]bool{}
	for _, c := range ourCodes {
		ours[c] = true
	}

	type codeStat struct{ expected, matched, reported int }
	stats := map[string]*codeStat{}
	stat := func(code string) *codeStat {
		if stats[code] == nil {
			stats[code] = &codeStat{}
		}
		return stats[code]
	}
	// Which codes each of upstream's analyzers reports: a finding of ours that names another analyzer of the
	// table reporting its code is that analyzer's message, not this case's (upstream runs one analyzer per case).
	analyzerCodes := map[string]map[string]bool{}
	for _, c := range cases {
		if analyzerCodes[c.AnalyzerName] == nil {
			analyzerCodes[c.AnalyzerName] = map[string]bool{}
		}
		for _, code := range c.Codes {
			analyzerCodes[c.AnalyzerName][code] = true
		}
	}
	outOfScope := map[string]int{} // reason -> expected messages
	var total, inScope, matched, reported, nCases int
	for i, c := range cases {
		if c.SkipAll {
			// not registered in analyzers.All(): `istioctl analyze` never runs it
			t.Logf("left out: case %q (%s): istioctl analyze does not run this analyzer (skipAll)", c.Name, c.Analyzer)
			continue
		}
		total += len(c.Expected)
		var compare []string
		for _, code := range c.Codes {
			if ours[code] {
				compare = append(compare, code)
			}
		}
		var missing []string
		for _, m := range c.Expected {
			if !ours[m.Code] {
				missing = append(missing, m.Code+" "+m.Type)
			}
		}
		if len(compare) == 0 || len(missing) > 0 {
			reason := "analyzer " + c.Analyzer + " (codes " + strings.Join(c.Codes, ", ") + ") not implemented"
			if len(compare) > 0 {
				reason = "expects codes not implemented: " + strings.Join(uniq(missing), ", ")
			}
			outOfScope[reason] += len(c.Expected)
			continue
		}
		nCases++
		inScope += len(c.Expected)
		r := results[fmt.Sprint(i)]
		if r.Exit == 2 {
			t.Errorf("case %q: our analyzer refused the input: %s", c.Name, strings.TrimSpace(r.Stderr))
		}
		cmp := map[string]bool{}
		for _, code := range compare {
			cmp[code] = true
		}
		var actual []finding
		for _, f := range r.Findings {
			// another analyzer's message (it names others of the table that report this code, and not this one)
			other := false
			for _, a := range f.Analyzers {
				if a == c.AnalyzerName {
					other = false
					break
				}
				if analyzerCodes[a][f.Code] {
					other = true
				}
			}
			if cmp[f.Code] && !other {
				actual = append(actual, f)
				stat(f.Code).reported++
			}
		}
		for _, m := range c.Expected {
			stat(m.Code).expected++
		}
		missed, extra := match(c.Expected, actual)
		matched += len(c.Expected) - len(missed)
		reported += len(actual)
		for _, m := range c.Expected {
			stat(m.Code).matched++
		}
		for _, m := range missed {
			stat(m.Code).matched--
		}
		if len(missed)+len(extra) > 0 {
			t.Logf("case %q (%s): missed %v; not expected %v", c.Name, c.Analyzer, missed, extra)
		}
	}

	for _, code := range sortedStatKeys(stats) {
		s := stats[code]
		t.Logf("code %s: expected %d, found %d, reported %d", code, s.expected, s.matched, s.reported)
	}
	reasons := make([]string, 0, len(outOfScope))
	for r := range outOfScope {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if outOfScope[reasons[i]] != outOfScope[reasons[j]] {
			return outOfScope[reasons[i]] > outOfScope[reasons[j]]
		}
		return reasons[i] < reasons[j]
	})
	for _, r := range reasons {
		t.Logf("out of scope (%d expected messages): %s", outOfScope[r], r)
	}

	recall := pct(matched, inScope)
	precision := pct(matched, reported)
	coverage := pct(inScope, total)
	fmt.Printf("analyzer parity %s: recall %.1f%% precision %.1f%% over %d cases, %d of %d expected messages in scope (%.1f%%)\n",
		upstream.Tag, recall, precision, nCases, inScope, total, coverage)
	if recall < minRecall || precision < minPrecision || coverage < minCoverage {
		t.Errorf("below the bar of issue #18: recall %.1f%% (min %.0f), precision %.1f%% (min %.0f), in-scope coverage %.1f%% (min %.0f)",
			recall, minRecall, precision, minPrecision, coverage, minCoverage)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

func uniq(s []string) []string {
	m := map[string]bool{}
	for _, x := range s {
		m[x] = true
	}
	return sortedKeys(m)
}

func sortedStatKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
