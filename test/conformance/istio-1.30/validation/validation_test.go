// Package validation sends every Istio object we synthesize to istiod's own validating webhook
// (pkg/webhooks/validation/server, with the schemas istiod serves it with; internal/admission) as an AdmissionReview, the
// way the API server calls it, and expects every one admitted. The bad inputs of catalog.json (Istio-level
// rows of the bad-input catalog, applied to valid objects) must each be refused.
package validation

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/admission"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

// webhook is istiod's validation webhook on an in-memory mux (internal/admission).
type webhook struct{ wh *admission.Webhook }

func newWebhook(t *testing.T) webhook {
	wh, err := admission.New()
	if err != nil {
		t.Fatal(err)
	}
	return webhook{wh: wh}
}

// admit returns "" when the webhook allows the object, else its message.
func (w webhook) admit(t *testing.T, o *unstructured.Unstructured) string {
	msg, err := w.wh.Review(o)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func isIstio(o *unstructured.Unstructured) bool {
	return strings.HasSuffix(o.GroupVersionKind().Group, ".istio.io")
}

func TestEveryEmittedIstioObjectIsValid(t *testing.T) {
	wh := newWebhook(t)
	files, err := ours.Cases(upstream.Tag)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	admitted := 0
	var refused []string
	for _, f := range files {
		objs, err := ours.Objects(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			if !isIstio(o) {
				continue
			}
			if msg := wh.admit(t, o); msg != "" {
				refused = append(refused, fmt.Sprintf("%s %s %s/%s: %s", filepath.Base(f), o.GetKind(), o.GetNamespace(), o.GetName(), msg))
				continue
			}
			admitted++
			kinds[o.GetKind()]++
		}
	}
	var names []string
	for k, n := range kinds {
		names = append(names, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(names)
	fmt.Printf("conformance %s istio validation: admitted %d objects (%s) from %d cases, refused %d\n",
		upstream.Tag, admitted, strings.Join(names, ", "), len(files), len(refused))
	for _, r := range refused {
		t.Error(r)
	}
	if admitted == 0 {
		t.Error("no Istio object was validated")
	}
}

// catalogCase is one Istio-level bad input of the catalog, applied to a valid object.
type catalogCase struct {
	ID     string         `json:"id"`
	Object map[string]any `json:"object"`
}

func TestCatalogBadInputsAreRefused(t *testing.T) {
	text, err := ours.Read(upstream.Tag, "catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []catalogCase
	if err := json.Unmarshal([]byte(text), &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("catalog.json lists no case")
	}
	wh := newWebhook(t)
	refused := 0
	for _, c := range cases {
		msg := wh.admit(t, &unstructured.Unstructured{Object: c.Object})
		if msg == "" {
			t.Errorf("%s: istiod's webhook admitted the bad input the library refuses", c.ID)
			continue
		}
		refused++
		if testing.Verbose() {
			fmt.Printf("  %s: %s\n", c.ID, msg)
		}
	}
	fmt.Printf("conformance %s istio validation: catalog bad inputs refused %d/%d\n", upstream.Tag, refused, len(cases))
}
