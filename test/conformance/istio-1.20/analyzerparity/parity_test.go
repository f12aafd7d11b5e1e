// Package analyzerparity is the 1.20.3 side of the analyzer parity runner (see
// test/conformance/istio-1.30/analyzerparity): Istio's analyzer test table of the release is read from the
// istio.io/istio module at that release. The Go module proxy does not serve istio.io/istio at any 1.20 commit, so
// the table cannot be had; this test asks the proxy for the 1.20.3 commit and prints why the runner cannot run.
package analyzerparity

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The 1.20.3 tag's commit (692e5560, 2024-02-01) as a Go pseudo-version.
const release, module = "1.20.3", "istio.io/istio@v0.0.0-20240202011140-692e556046b4"

func TestAnalyzerParity(t *testing.T) {
	// Asked from an empty folder: the answer must not touch this module's go.mod.
	dir := t.TempDir()
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, _ := cmd.Output()
	var answer struct {
		Dir   string
		Error string
	}
	if err := json.Unmarshal(out, &answer); err != nil {
		t.Fatalf("go mod download -json %s: unreadable answer %q: %v", module, out, err)
	}
	if answer.Error == "" {
		t.Fatalf("%s is now served by the module proxy (%s): run Istio's analyzer table at %s as the 1.30 runner does", module, answer.Dir, release)
	}
	reason := strings.ReplaceAll(strings.TrimSpace(answer.Error), "\n", " ")
	fmt.Printf("analyzer parity %s: not measured: Istio's analyzer test table of %s cannot be read: %s\n", release, release, reason)
}
