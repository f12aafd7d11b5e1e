package kubeapply

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestParseObjectsKeepsEachDocumentsBytes(t *testing.T) {
	text := "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: a\ndata:\n  k: \"y\"\n"
	objs, err := ParseObjects("c", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("want 2 objects, got %d", len(objs))
	}
	if got := objs[1].ID(); got != "v1 ConfigMap a/b" {
		t.Errorf("ID = %q", got)
	}
	if objs[1].Doc != 3 {
		t.Errorf("Doc = %d, want 3 (the comment-only document counts)", objs[1].Doc)
	}
	// The server gets the document as written (its YAML reading is the one that matters), not a re-encoding.
	if !strings.Contains(string(objs[1].Raw), `k: "y"`) {
		t.Errorf("raw document not kept: %q", objs[1].Raw)
	}
	if _, err := ParseObjects("c", []byte("kind: ConfigMap\n")); err == nil {
		t.Error("a document without apiVersion and name must be an error")
	}
}

func TestLoadCasesPutsDefaultFirst(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"property-000", "default", "dist-a"} {
		doc := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n"
		if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases, err := LoadCases(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cases {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "default,dist-a,property-000" {
		t.Errorf("order = %s", got)
	}
}

func TestCasesDirSaysHowToCreateTheFixtures(t *testing.T) {
	t.Setenv(FixturesEnv, t.TempDir())
	_, err := CasesDir("1.30.3")
	if err == nil || !strings.Contains(err.Error(), FixturesCommand) {
		t.Fatalf("want an error naming %q, got %v", FixturesCommand, err)
	}
}

func TestHarnessRaceOnlyCoversTheHarnessTiming(t *testing.T) {
	terminating := apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "x", errors.New("unable to create new content in namespace a because it is being terminated"))
	terminating.ErrStatus.Details.Causes = append(terminating.ErrStatus.Details.Causes, metav1.StatusCause{Type: "NamespaceTerminating"})
	bare404 := &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: 404, Reason: metav1.StatusReasonNotFound, Message: "the server could not find the requested resource"}}
	cases := []struct {
		name string
		err  error
		race bool
	}{
		{"namespace still cached as terminating", terminating, true},
		{"CR handler not serving yet", bare404, true},
		{"missing namespace is a verdict", apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, "a"), false},
		{"invalid object is a verdict", apierrors.NewInvalid(schema.GroupKind{Kind: "VirtualService"}, "x", nil), false},
		{"bad request is a verdict", apierrors.NewBadRequest(".spec.htpp: field not declared in schema"), false},
		{"non-API error", errors.New("connection refused"), false},
	}
	for _, c := range cases {
		if got := harnessRace(c.err); got != c.race {
			t.Errorf("%s: harnessRace = %v, want %v", c.name, got, c.race)
		}
	}
}
