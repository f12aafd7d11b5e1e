// Package kubeapply applies everything cdk8s-istio synthesizes to a real kube-apiserver and reports what the
// server rejects. The per-release test modules start the server (in process, on an embedded etcd) and hand its
// rest.Config to RunCases and RunNegatives; nothing here imitates the server: every verdict is the server's.
package kubeapply

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/yaml"
)

// FixturesEnv names the folder fixtures.ts wrote (default: <repo>/.tmp/conformance).
const FixturesEnv = "CONFORMANCE_FIXTURES"

// FixturesCommand is what creates the fixtures, run from the repository root.
const FixturesCommand = "npx tsx test/conformance/fixtures.ts"

// Object is one document of a case file: the bytes as written (sent to the server unchanged) and their decoding.
type Object struct {
	Case string
	Doc  int // 1-based position in the case file
	Raw  []byte
	U    *unstructured.Unstructured
	// Assumed: a Namespace the case's objects live in but the case does not create (the configuration expects
	// it to exist, e.g. an application's namespace or a gateway's with createNamespace: false); the suite
	// creates it as the cluster would have it, and neither counts nor reports it as applied.
	Assumed bool
}

// GVK of the object.
func (o Object) GVK() schema.GroupVersionKind { return o.U.GroupVersionKind() }

// ID names the object in reports: `apiVersion Kind namespace/name`.
func (o Object) ID() string {
	name := o.U.GetName()
	if ns := o.U.GetNamespace(); ns != "" {
		name = ns + "/" + name
	}
	return fmt.Sprintf("%s %s %s", o.U.GetAPIVersion(), o.U.GetKind(), name)
}

// Case is one case file of fixtures.ts: the objects of one synthesized mesh.
type Case struct {
	Name    string
	Objects []Object
}

// CasesDir returns <fixtures>/<release>/cases, or an error that says how to create it.
func CasesDir(release string) (string, error) {
	root := os.Getenv(FixturesEnv)
	if root == "" {
		repo, err := repoRoot()
		if err != nil {
			return "", err
		}
		root = filepath.Join(repo, ".tmp", "conformance")
	}
	dir := filepath.Join(root, release, "cases")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("no conformance fixtures for %s at %s: create them from the repository root with `%s` (or point %s at the folder it wrote)", release, dir, FixturesCommand, FixturesEnv)
	}
	return dir, nil
}

// repoRoot walks up from the working directory (go test runs in the package folder) to the repository root.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "test", "conformance", "fixtures.ts")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no repository root (a folder with test/conformance/fixtures.ts) above %s; set %s", dir, FixturesEnv)
		}
		d = parent
	}
}

// LoadCases reads every *.yaml of dir, sorted by name with `default` first (it carries the release's CRDs).
func LoadCases(dir string) ([]Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no case files in %s: create them with `%s`", dir, FixturesCommand)
	}
	sort.Slice(files, func(i, j int) bool {
		a, b := caseName(files[i]), caseName(files[j])
		if (a == "default") != (b == "default") {
			return a == "default"
		}
		return a < b
	})
	cases := make([]Case, 0, len(files))
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		objs, err := ParseObjects(caseName(f), text)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		cases = append(cases, Case{Name: caseName(f), Objects: objs})
	}
	return cases, nil
}

func caseName(file string) string { return strings.TrimSuffix(filepath.Base(file), ".yaml") }

// ParseObjects splits multi-document YAML into objects; empty documents are skipped.
func ParseObjects(caseName string, text []byte) ([]Object, error) {
	reader := yaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(text)))
	var out []Object
	for doc := 1; ; doc++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", doc, err)
		}
		var content map[string]interface{}
		if err := yaml.Unmarshal(raw, &content); err != nil {
			return nil, fmt.Errorf("document %d: %w", doc, err)
		}
		if len(content) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: content}
		if u.GetAPIVersion() == "" || u.GetKind() == "" || u.GetName() == "" {
			return nil, fmt.Errorf("document %d: apiVersion, kind and metadata.name are required", doc)
		}
		out = append(out, Object{Case: caseName, Doc: doc, Raw: raw, U: u})
	}
}
