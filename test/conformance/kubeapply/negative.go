package kubeapply

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// NegativeCRDsEnv, when set, names a YAML file whose CRDs the negative cases are applied against instead of the
// release's own (the `default` case's): for checking the cases themselves against upstream's CRDs, e.g.
// $(go env GOMODCACHE)/istio.io/istio@<version>/manifests/charts/base/files/crd-all.gen.yaml.
const NegativeCRDsEnv = "CONFORMANCE_NEGATIVE_CRDS"

// NegativeNamespace holds the negative cases' objects.
const NegativeNamespace = "conformance-negative"

// Negative is an object the server must refuse because of one fault, next to the same object without it.
type Negative struct {
	Name   string // the fault
	Valid  string // YAML the server accepts (proves the fault, not something else, is refused)
	Broken string // the same kind of object with the fault (another name: a create, so no update ratcheting)
	Want   string // part of the server's message
}

// RunNegatives applies the release's CRDs (from the `default` case, or NegativeCRDsEnv), then each negative case:
// the valid object must be accepted, the broken one refused with a message containing Want. It prints
// `conformance <release> kube-apiserver: negative cases rejected <k>/<n>` and fails t unless k == n.
func RunNegatives(t *testing.T, c *Cluster, release string, negatives []Negative) {
	t.Helper()
	ctx := context.Background()
	crds, source, err := negativeCRDs(release)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("negative cases against the CRDs of %s", source)
	setup := append([]Object{namespaceObject(NegativeNamespace)}, crds...)
	accepted, rejections, err := applyCase(ctx, c, Case{Name: "negative-setup", Objects: setup})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rejections {
		t.Fatalf("setting up the negative cases: rejected: %s", r)
	}
	defer func() {
		if err := cleanCase(ctx, c, accepted); err != nil {
			t.Errorf("cleaning up the negative cases: %v", err)
		}
	}()

	rejected := 0
	for _, n := range negatives {
		valid, err := ParseObjects("negative "+n.Name, []byte(n.Valid))
		if err != nil || len(valid) != 1 {
			t.Fatalf("negative %q: valid object: %v", n.Name, err)
		}
		broken, err := ParseObjects("negative "+n.Name, []byte(n.Broken))
		if err != nil || len(broken) != 1 {
			t.Fatalf("negative %q: broken object: %v", n.Name, err)
		}
		if err := c.Apply(ctx, valid[0]); err != nil {
			t.Errorf("negative %q: the valid object was rejected, so the case proves nothing: %s", n.Name, message(err))
			continue
		}
		accepted = append(accepted, valid[0])
		msg, err := expectRejection(ctx, c, broken[0])
		switch {
		case err != nil:
			t.Errorf("negative %q: %v", n.Name, err)
		case msg == "":
			t.Errorf("negative %q: %s was accepted; the CRD schema does not refuse it (want a rejection mentioning %q)", n.Name, broken[0].ID(), n.Want)
		case !strings.Contains(msg, n.Want):
			t.Errorf("negative %q: rejected, but not for the fault: want %q in %q", n.Name, n.Want, msg)
		default:
			rejected++
			t.Logf("negative %q: rejected: %s", n.Name, msg)
		}
	}
	fmt.Printf("conformance %s kube-apiserver: negative cases rejected %d/%d\n", release, rejected, len(negatives))
}

// expectRejection creates o and returns the server's message; "" when the server accepted it. A CRD schema
// that just changed reaches the server's CR handler through an informer, so an acceptance is retried (after
// deleting the object again, so each try is a create) for a few seconds before it counts.
func expectRejection(ctx context.Context, c *Cluster, o Object) (string, error) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		err := c.Apply(ctx, o)
		if err != nil {
			return message(err), nil
		}
		if err := c.Delete(ctx, o); err != nil {
			return "", fmt.Errorf("deleting the accepted %s: %w", o.ID(), err)
		}
		if time.Now().After(deadline) {
			return "", nil
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func negativeCRDs(release string) ([]Object, string, error) {
	var objs []Object
	source := os.Getenv(NegativeCRDsEnv)
	if source != "" {
		text, err := os.ReadFile(source)
		if err != nil {
			return nil, "", err
		}
		if objs, err = ParseObjects("negative-crds", text); err != nil {
			return nil, "", fmt.Errorf("%s: %w", source, err)
		}
	} else {
		dir, err := CasesDir(release)
		if err != nil {
			return nil, "", err
		}
		text, err := os.ReadFile(dir + "/default.yaml")
		if err != nil {
			return nil, "", err
		}
		if objs, err = ParseObjects("default", text); err != nil {
			return nil, "", fmt.Errorf("default case: %w", err)
		}
		source = "the default case (" + dir + "/default.yaml)"
	}
	var crds []Object
	for _, o := range objs {
		if isCRD(o) {
			crds = append(crds, o)
		}
	}
	if len(crds) == 0 {
		return nil, "", fmt.Errorf("no CustomResourceDefinition in %s", source)
	}
	return crds, source, nil
}

func namespaceObject(name string) Object {
	objs, err := ParseObjects("negative-setup", []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+name+"\n"))
	if err != nil {
		panic(err)
	}
	return objs[0]
}
