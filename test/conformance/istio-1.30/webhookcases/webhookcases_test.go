// Package webhookcases has Istio's own code judge, on every run, the recorded verdict tables of the L2 kinds
// (test/networking/webhook-cases.ts and test/security/webhook-cases.ts, written by fixtures.ts as
// <fixtures>/1.30.3/webhook-cases.json). The jest tests hold our constructs to those verdicts; this suite holds the
// verdicts to Istio:
//
//   - istiod's validating webhook (internal/admission: pkg/webhooks/validation/server as istiod's bootstrap
//     registers it) reviews every case as an AdmissionReview;
//   - every case the webhook admits is then created on a real kube-apiserver (Kubernetes' own test server, the line
//     istio 1.30 is built against, on an embedded etcd; test/conformance/kubeapply) that serves Istio's CRDs as
//     the istio.io/istio module ships them (manifests/charts/base/files/crd-all.gen.yaml from the module cache),
//     with server-side apply and strict field validation, so their structural schemas and CEL rules judge it.
//
// Istio's verdict is `webhook` when the webhook refuses, `crd` when the webhook admits and the API server refuses,
// else admitted. A case recorded `admit` or `ours` (Istio admits it, we refuse it on purpose) must be admitted by
// both; `webhook` refused by the webhook; `crd` admitted by the webhook and refused by the API server.
//
// Then a second API server with the CRDs we ship (the `default` case's, descriptions left out) must accept and
// refuse the webhook-admitted cases exactly as the one with Istio's CRDs did.
package webhookcases

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/admission"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
	"github.com/cdk8s-istio/conformance/kubeapply"
)

// webhookCase is one row of a recorded table.
type webhookCase struct {
	Table   string         `json:"table"`
	ID      string         `json:"id"`
	Kind    string         `json:"kind"`
	Verdict string         `json:"verdict"`
	Object  map[string]any `json:"object"`
}

func (c webhookCase) name() string { return c.Table + " " + c.ID }

// judged is what Istio did with a case.
type judged struct {
	webhook string // the webhook's message when it refused
	crd     string // the API server's message when it refused
}

func (j judged) verdict() string {
	switch {
	case j.webhook != "":
		return "webhook"
	case j.crd != "":
		return "crd"
	default:
		return "admitted"
	}
}

func loadCases(t *testing.T) []webhookCase {
	t.Helper()
	text, err := ours.Read(upstream.Tag, "webhook-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []webhookCase
	if err := json.Unmarshal([]byte(text), &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("webhook-cases.json lists no case")
	}
	seen := map[string]bool{}
	for _, c := range cases {
		switch c.Verdict {
		case "admit", "webhook", "crd", "ours":
		default:
			t.Fatalf("%s: unknown recorded verdict %q", c.name(), c.Verdict)
		}
		if seen[c.name()] {
			t.Fatalf("%s: listed twice", c.name())
		}
		seen[c.name()] = true
	}
	return cases
}

// upstreamCRDs are Istio's CRDs as the istio.io/istio module ships them (what its base chart installs).
func upstreamCRDs(t *testing.T) []kubeapply.Object {
	t.Helper()
	dir, err := upstream.SourceDir()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "manifests", "charts", "base", "files", "crd-all.gen.yaml")
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := kubeapply.ParseObjects("istio-crds", text)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var crds []kubeapply.Object
	for _, o := range objs {
		if o.U.GetKind() == "CustomResourceDefinition" {
			crds = append(crds, o)
		}
	}
	if len(crds) == 0 {
		t.Fatalf("%s: no CustomResourceDefinition", file)
	}
	return crds
}

func TestWebhookCasesAsRecorded(t *testing.T) {
	cases := loadCases(t)
	wh, err := admission.New()
	if err != nil {
		t.Fatal(err)
	}
	results := make([]judged, len(cases))
	for i, c := range cases {
		msg, err := wh.Review(&unstructured.Unstructured{Object: c.Object})
		if err != nil {
			t.Fatalf("%s: %v", c.name(), err)
		}
		results[i].webhook = msg
	}

	// The API server, with Istio's CRDs, judges what the webhook admits.
	t.Run("istio-crds", func(t *testing.T) {
		for i, msg := range apiServerVerdicts(t, cases, results, upstreamCRDs(t)) {
			results[i].crd = msg
		}
	})
	if t.Failed() {
		return
	}

	counts := map[string]int{}
	tables := map[string][2]int{}
	as := 0
	for i, c := range cases {
		got := results[i].verdict()
		want := c.Verdict
		if want == "admit" || want == "ours" {
			want = "admitted"
		}
		tally := tables[c.Table]
		tally[1]++
		if got != want {
			why := results[i].webhook + results[i].crd
			if why == "" {
				why = "admitted by the webhook and by the API server with Istio's CRDs"
			}
			t.Errorf("%s (%s): recorded %q, Istio's verdict is %q: %s", c.name(), c.Kind, c.Verdict, got, why)
		} else {
			if got == "crd" {
				t.Logf("%s: refused by the API server: %s", c.name(), results[i].crd)
			}
			as++
			tally[0]++
			counts[c.Verdict]++
		}
		tables[c.Table] = tally
	}
	var per []string
	for name, n := range tables {
		per = append(per, fmt.Sprintf("%s %d/%d", name, n[0], n[1]))
	}
	sort.Strings(per)
	fmt.Printf("conformance %s webhook cases: %d/%d verdicts as recorded (%d admitted, %d webhook-refused, %d CRD-refused, %d ours only)\n",
		upstream.Tag, as, len(cases), counts["admit"], counts["webhook"], counts["crd"], counts["ours"])
	fmt.Printf("conformance %s webhook cases by table: %s\n", upstream.Tag, strings.Join(per, ", "))

	// The CRDs we ship (the `default` case's; descriptions left out) must judge these cases as Istio's do.
	t.Run("our-crds", func(t *testing.T) {
		ourMsgs := apiServerVerdicts(t, cases, results, ourCRDs(t))
		same, judgedN := 0, 0
		for i, c := range cases {
			if results[i].webhook != "" {
				continue
			}
			judgedN++
			istio, oursMsg := results[i].crd, ourMsgs[i]
			switch {
			case (istio == "") == (oursMsg == ""):
				same++
			case istio == "":
				t.Errorf("%s (%s): Istio's CRDs admit it; ours refuse it: %s", c.name(), c.Kind, oursMsg)
			default:
				t.Errorf("%s (%s): Istio's CRDs refuse it (%s); ours admit it", c.name(), c.Kind, istio)
			}
		}
		fmt.Printf("conformance %s webhook cases: our CRDs judge %d/%d webhook-admitted cases as Istio's CRDs do\n", upstream.Tag, same, judgedN)
	})
}

// apiServerVerdicts creates every case the webhook admitted on a new kube-apiserver serving these CRDs (plus the
// cases' namespaces) and returns, per case, the server's message when it refused it ("" when it accepted it or
// the webhook had refused it).
func apiServerVerdicts(t *testing.T, cases []webhookCase, results []judged, crds []kubeapply.Object) []string {
	t.Helper()
	ctx := context.Background()
	cluster, err := kubeapply.Connect(kubeapply.StartAPIServer(t, startTestServer))
	if err != nil {
		t.Fatal(err)
	}
	setup := append([]kubeapply.Object{}, crds...)
	namespaces := map[string]bool{}
	for _, c := range cases {
		ns, _, _ := unstructured.NestedString(c.Object, "metadata", "namespace")
		if ns != "" && ns != "default" && !namespaces[ns] {
			namespaces[ns] = true
			objs, err := kubeapply.ParseObjects("webhook-cases-setup", []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+ns+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			setup = append(setup, objs...)
		}
	}
	_, rejections, err := kubeapply.ApplyCase(ctx, cluster, kubeapply.Case{Name: "webhook-cases-setup", Objects: setup})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rejections {
		t.Fatalf("setting up the CRDs: rejected: %s", r)
	}
	out := make([]string, len(cases))
	for i, c := range cases {
		if results[i].webhook != "" {
			continue
		}
		raw, err := json.Marshal(c.Object)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := kubeapply.ParseObjects("webhook-cases", raw)
		if err != nil || len(objs) != 1 {
			t.Fatalf("%s: %v", c.name(), err)
		}
		// Each case is a create: the accepted object is deleted before the next one (most share a name).
		if err := cluster.Apply(ctx, objs[0]); err != nil {
			out[i] = err.Error()
			continue
		}
		if err := cluster.Delete(ctx, objs[0]); err != nil {
			t.Fatalf("%s: deleting the accepted object: %v", c.name(), err)
		}
	}
	return out
}

// ourCRDs are the CRDs of our `default` case.
func ourCRDs(t *testing.T) []kubeapply.Object {
	t.Helper()
	text, err := ours.Read(upstream.Tag, "cases", "default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := kubeapply.ParseObjects("default", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	var crds []kubeapply.Object
	for _, o := range objs {
		if o.U.GetKind() == "CustomResourceDefinition" && strings.HasSuffix(o.U.GetName(), ".istio.io") {
			crds = append(crds, o)
		}
	}
	if len(crds) == 0 {
		t.Fatal("no Istio CustomResourceDefinition in the default case")
	}
	return crds
}
