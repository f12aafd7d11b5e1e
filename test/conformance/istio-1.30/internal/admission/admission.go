// Package admission is istiod's validating webhook (pkg/webhooks/validation/server, with the schemas and domain
// suffix istiod's bootstrap gives it) on an in-memory mux, called with an AdmissionReview the way the API server
// calls it. Every verdict is the webhook's own.
package admission

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/webhooks/validation/server"
)

// Webhook is istiod's validation webhook, served in memory.
type Webhook struct{ mux *http.ServeMux }

// New registers istiod's webhook as pilot/pkg/bootstrap does (collections.PilotGatewayAPI, cluster.local).
func New() (*Webhook, error) {
	mux := http.NewServeMux()
	if _, err := server.New(server.Options{Schemas: collections.PilotGatewayAPI(), DomainSuffix: "cluster.local", Mux: mux}); err != nil {
		return nil, err
	}
	return &Webhook{mux: mux}, nil
}

// Review sends the object as a CREATE to /validate and returns "" when the webhook allows it, else its message.
// The error is the harness's own (an answer that is not an AdmissionReview).
func (w *Webhook) Review(o *unstructured.Unstructured) (string, error) {
	raw, err := json.Marshal(o.Object)
	if err != nil {
		return "", err
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
		return "", err
	}
	req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	w.mux.ServeHTTP(rec, req)
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil {
		return "", fmt.Errorf("webhook answered %d %q", rec.Code, rec.Body.String())
	}
	if out.Response.Allowed {
		return "", nil
	}
	if out.Response.Result != nil && out.Response.Result.Message != "" {
		return out.Response.Result.Message, nil
	}
	return "refused without a message", nil
}
