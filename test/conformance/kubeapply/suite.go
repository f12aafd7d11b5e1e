package kubeapply

import (
	"context"
	"fmt"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sort"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// VersionVar is the variable Kubernetes' release builds stamp with the version (hack/lib/version.sh); a `go test`
// build leaves it at v0.0.0-master, and the server's /version says so.
const VersionVar = "k8s.io/component-base/version.gitVersion"

// Workers is how many requests a suite keeps in flight.
const Workers = 8

// immortal namespaces exist in every cluster; cases may apply them but never remove them.
var immortal = map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}

// Rejection is one object the API server refused, with the server's message.
type Rejection struct {
	Case    string
	Doc     int
	Object  string
	Message string
}

func (r Rejection) String() string {
	return fmt.Sprintf("%s (document %d) %s: %s", r.Case, r.Doc, r.Object, r.Message)
}

// Report is what a suite applied and what the server refused.
type Report struct {
	Release       string
	ServerVersion string
	Cases         int
	Applied       int
	Kinds         map[string]bool
	Rejections    []Rejection
	// Assumed counts the namespaces, over all cases, that a case's objects use but the case does not create.
	Assumed      int
	AssumedCases int
}

// Summary is the suite's one line.
func (r *Report) Summary() string {
	return fmt.Sprintf("conformance %s kube-apiserver %s: applied %d objects (%d kinds), rejected %d",
		r.Release, r.ServerVersion, r.Applied, len(r.Kinds), len(r.Rejections))
}

func kindName(gk schema.GroupKind) string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.Kind + "." + gk.Group
}

// RunRelease loads the fixtures of one release, applies every case to the server and fails t on any rejection.
// It prints the summary line on stdout.
func RunRelease(t *testing.T, c *Cluster, release string) *Report {
	t.Helper()
	dir, err := CasesDir(release)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := LoadCases(dir)
	if err != nil {
		t.Fatal(err)
	}
	RequireStampedVersion(t, c)
	report, err := RunCases(context.Background(), c, release, cases)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(report.Summary())
	t.Logf("%d cases; %d of them use namespaces they do not create (%d in all): the suite created those first, as existing namespaces of the cluster",
		report.Cases, report.AssumedCases, report.Assumed)
	for _, r := range report.Rejections {
		t.Errorf("rejected: %s", r)
	}
	return report
}

// RunCases applies the cases one after another; the error is the harness's own (the server down, a clean-up
// that failed), rejections are in the report.
//
// Per case: Namespaces and CRDs first (then wait until the CRDs are Established and discovered), every other
// object next, webhook configurations last (so a case's CRs are not sent to its own webhooks, which have no
// istiod behind them), each a server-side apply of the document's bytes with strict field validation. Then
// every object the server accepted is deleted again, Namespaces last, so the next case starts from a clean
// server; CRDs stay (most cases ship none and are installed on top of the release's base, which the `default`
// case provides: it is applied first), and a CRD whose bytes the server already accepted is not sent again.
// Namespaces that a case's objects use but that the case does not create are created first, as namespaces
// the cluster already has (see Object.Assumed).
func RunCases(ctx context.Context, c *Cluster, release string, cases []Case) (*Report, error) {
	version, err := c.Version()
	if err != nil {
		return nil, fmt.Errorf("GET /version: %w", err)
	}
	report := &Report{Release: release, ServerVersion: version, Cases: len(cases), Kinds: map[string]bool{}}
	for _, kase := range cases {
		accepted, rejections, err := applyCase(ctx, c, kase)
		if err != nil {
			return report, fmt.Errorf("case %s: %w", kase.Name, err)
		}
		report.Rejections = append(report.Rejections, rejections...)
		assumed := 0
		for _, o := range accepted {
			if o.Assumed {
				assumed++
				continue
			}
			report.Applied++
			report.Kinds[kindName(o.GVK().GroupKind())] = true
		}
		if assumed > 0 {
			report.Assumed += assumed
			report.AssumedCases++
		}
		if err := cleanCase(ctx, c, accepted); err != nil {
			return report, fmt.Errorf("cleaning up case %s: %w", kase.Name, err)
		}
	}
	return report, nil
}

func isCRD(o Object) bool {
	gvk := o.GVK()
	return gvk.Group == "apiextensions.k8s.io" && gvk.Kind == "CustomResourceDefinition"
}

// pinsNodePort is a Service that names a nodePort.
func pinsNodePort(o Object) bool {
	if o.U.GetKind() != "Service" || o.U.GetAPIVersion() != "v1" {
		return false
	}
	ports, _, _ := unstructured.NestedSlice(o.U.Object, "spec", "ports")
	for _, p := range ports {
		if m, ok := p.(map[string]any); ok && m["nodePort"] != nil {
			return true
		}
	}
	return false
}

func isNamespace(o Object) bool {
	gvk := o.GVK()
	return gvk.Group == "" && gvk.Kind == "Namespace"
}

func isWebhook(o Object) bool {
	gvk := o.GVK()
	return gvk.Group == "admissionregistration.k8s.io" &&
		(gvk.Kind == "MutatingWebhookConfiguration" || gvk.Kind == "ValidatingWebhookConfiguration")
}

// ApplyCase applies one case as RunCases does (Namespaces and CRDs, then the rest, webhook configurations last;
// the Namespaces its objects use but it does not create first) and leaves it in place: for suites that run
// something against the applied objects. It returns the accepted objects and the rejections; the error is the
// harness's own.
func ApplyCase(ctx context.Context, c *Cluster, kase Case) ([]Object, []Rejection, error) {
	return applyCase(ctx, c, kase)
}

// applyCase applies one case in its phases; it returns the accepted objects and the rejections.
func applyCase(ctx context.Context, c *Cluster, kase Case) ([]Object, []Rejection, error) {
	var first, middle, last []Object
	declared := map[string]bool{}
	for _, o := range kase.Objects {
		if isNamespace(o) {
			declared[o.U.GetName()] = true
		}
	}
	var assumed []string
	for _, o := range kase.Objects {
		if ns := o.U.GetNamespace(); ns != "" && !declared[ns] && !immortal[ns] {
			declared[ns] = true
			assumed = append(assumed, ns)
		}
	}
	sort.Strings(assumed)
	for _, ns := range assumed {
		o := namespaceObject(ns)
		o.Case, o.Assumed = kase.Name, true
		first = append(first, o)
	}
	var pinned []Object
	for _, o := range kase.Objects {
		switch {
		case isNamespace(o) || isCRD(o):
			first = append(first, o)
		case isWebhook(o):
			last = append(last, o)
		case pinsNodePort(o):
			pinned = append(pinned, o)
		default:
			middle = append(middle, o)
		}
	}
	var accepted []Object
	var rejections []Rejection
	var changedCRDs []Object
	var mu sync.Mutex
	apply := func(objs []Object) []Object {
		var ok []Object
		errs := parallel(Workers, objs, func(o Object) error {
			if !isCRD(o) {
				return c.Apply(ctx, o)
			}
			changed, err := c.ApplyCRD(ctx, o)
			if changed && err == nil {
				mu.Lock()
				changedCRDs = append(changedCRDs, o)
				mu.Unlock()
			}
			return err
		})
		for i, err := range errs {
			if err != nil {
				rejections = append(rejections, Rejection{Case: kase.Name, Doc: objs[i].Doc, Object: objs[i].ID(), Message: message(err)})
			} else {
				ok = append(ok, objs[i])
			}
		}
		accepted = append(accepted, ok...)
		return ok
	}
	apply(first)
	if len(changedCRDs) > 0 {
		if err := c.WaitForCRDs(ctx, changedCRDs); err != nil {
			return accepted, rejections, err
		}
	}
	// Services that ask for a node port go first, one by one: applied beside Services that get one at random, the
	// server may hand the asked-for port to another Service first ("provided port is already allocated").
	for _, o := range pinned {
		apply([]Object{o})
	}
	apply(middle)
	apply(last)
	sort.SliceStable(rejections, func(i, j int) bool { return rejections[i].Doc < rejections[j].Doc })
	return accepted, rejections, nil
}

// cleanCase deletes what a case created: webhook configurations first, then every other object but CRDs, then
// the namespaces.
func cleanCase(ctx context.Context, c *Cluster, accepted []Object) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var webhooks, others, namespaces []Object
	for _, o := range accepted {
		switch {
		case isCRD(o):
		case isNamespace(o):
			if !immortal[o.U.GetName()] {
				namespaces = append(namespaces, o)
			}
		case isWebhook(o):
			webhooks = append(webhooks, o)
		default:
			others = append(others, o)
		}
	}
	for _, group := range [][]Object{webhooks, others} {
		for i, err := range parallel(Workers, group, func(o Object) error { return c.Delete(ctx, o) }) {
			if err != nil {
				return fmt.Errorf("deleting %s: %w", group[i].ID(), err)
			}
		}
	}
	for i, err := range parallel(Workers, namespaces, func(o Object) error { return c.RemoveNamespace(ctx, o.U.GetName()) }) {
		if err != nil {
			return fmt.Errorf("removing %s: %w", namespaces[i].ID(), err)
		}
	}
	return nil
}
