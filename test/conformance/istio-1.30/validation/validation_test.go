// Package validation sends every Istio object we synthesize to istiod's own validating webhook
// (pkg/webhooks/validation/server, with the schemas istiod serves it with) as an AdmissionReview, the
// way the API server calls it, and expects every one admitted. The bad inputs of catalog.json (Istio-level
// rows of the bad-input catalog, applied to valid objects) must each be refused.
package validation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/webhooks/validation/server"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
)

// webhook is istiod's validation webhook on an in-memory mux.
type webhook struct{ mux *http.ServeMux }

func newWebhook(t *testing.T) webhook {
	mux := http.NewServeMux()
	if _, err := server.New(server.Options{Schemas: collections.PilotGatewayAPI(), DomainSuffix: "cluster.local", Mux: mux}); err != nil {
		t.Fatal(err)
	}
	return webhook{mux: mux}
}

// admit returns "" when the webhook allows the object, else its message.
func (w webhook) admit(t *testing.T, o *unstructured.Unstructured) string {
	raw, err := json.Marshal(o.Object)
	if err != nil {
		t.Fatal(err)
	}
	gvk := o.GroupVersionKind()
	review := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       types.UID("conformance"),
			Kind:      metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind},
			Name:      o.GetName(),
			Namespace: o.GetNamespace(),
			Operation: admissionv1.Create,
			Object:    runtime.RawExtension{Raw: raw},
		},
	}
	body, err := json.Marshal(review)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	w.mux.ServeHTTP(rec, req)
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil {
		t.Fatalf("webhook answered %d %q", rec.Code, rec.Body.String())
	}
	if out.Response.Allowed {
		return ""
	}
	if out.Response.Result != nil {
		return out.Response.Result.Message
	}
	return "refused without a message"
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
