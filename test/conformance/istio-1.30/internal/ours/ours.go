// Package ours reads what cdk8s-istio synthesized for the conformance suites: the files
// test/conformance/fixtures.ts writes (npm run conformance writes them before the Go tests run).
package ours

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// FixturesDir is $CONFORMANCE_FIXTURES, or the repository's .tmp/conformance.
func FixturesDir() string {
	if d := os.Getenv("CONFORMANCE_FIXTURES"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	// <repo>/test/conformance/istio-1.30/internal/ours/ours.go
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "..", ".tmp", "conformance")
}

// ReleaseDir is the fixtures of one Istio release; it is an error (never a skip) when they are missing.
func ReleaseDir(tag string) (string, error) {
	dir := filepath.Join(FixturesDir(), tag)
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("no fixtures for %s in %s: run `npx tsx test/conformance/fixtures.ts` (npm run conformance does) first", tag, FixturesDir())
	}
	return dir, nil
}

// Read reads one file of a release's fixtures.
func Read(tag string, parts ...string) (string, error) {
	dir, err := ReleaseDir(tag)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(append([]string{dir}, parts...)...))
	return string(b), err
}

// Cases lists the case files (<name>.yaml) of a release, sorted.
func Cases(tag string) ([]string, error) {
	dir, err := ReleaseDir(tag)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(dir, "cases"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, filepath.Join(dir, "cases", e.Name()))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no case files in %s/cases", dir)
	}
	return out, nil
}
