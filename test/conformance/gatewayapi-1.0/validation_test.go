// Package gatewayapi10 runs the Gateway API v1.0 validation package (sigs.k8s.io/gateway-api/apis/v1/validation:
// ValidateGateway, ValidateHTTPRoute) over every Gateway and HTTPRoute of the Istio 1.20.3 conformance fixtures,
// after a strict decode (unknown fields are errors) of every gateway.networking.k8s.io object into the module's
// Go types; then checks that the package refuses one fault of each kind it knows, applied to those objects.
package gatewayapi10

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/cdk8s-istio/conformance/kubeapply"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/gateway-api/apis/v1/validation"
	gatewayv1beta1 "sigs.k8s.io/gateway-api/apis/v1beta1"
)

const release = "1.20.3"

// typed decodes an object strictly into its Gateway API Go type (nil for a kind this suite does not know).
func typed(o kubeapply.Object) (any, error) {
	var into any
	switch o.GVK().GroupVersion().String() + "/" + o.GVK().Kind {
	case "gateway.networking.k8s.io/v1/Gateway":
		into = &gatewayv1.Gateway{}
	case "gateway.networking.k8s.io/v1/HTTPRoute":
		into = &gatewayv1.HTTPRoute{}
	case "gateway.networking.k8s.io/v1/GatewayClass":
		into = &gatewayv1.GatewayClass{}
	case "gateway.networking.k8s.io/v1beta1/ReferenceGrant":
		into = &gatewayv1beta1.ReferenceGrant{}
	default:
		return nil, fmt.Errorf("%s: not a kind of Gateway API v1.0's standard channel this suite knows", o.ID())
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(o.U.Object, into, true); err != nil {
		return nil, fmt.Errorf("%s: %v", o.ID(), err)
	}
	return into, nil
}

// validate runs the package's validation of the object's kind.
func validate(obj any) field.ErrorList {
	switch v := obj.(type) {
	case *gatewayv1.Gateway:
		return validation.ValidateGateway(v)
	case *gatewayv1.HTTPRoute:
		return validation.ValidateHTTPRoute(v)
	case *gatewayv1.GatewayClass:
		return validation.ValidateGatewayClassUpdate(v, v)
	}
	return nil
}

func gatewayAPIObjects(t *testing.T) []kubeapply.Object {
	t.Helper()
	dir, err := kubeapply.CasesDir(release)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := kubeapply.LoadCases(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []kubeapply.Object
	for _, c := range cases {
		for _, o := range c.Objects {
			if o.GVK().Group == "gateway.networking.k8s.io" {
				out = append(out, o)
			}
		}
	}
	return out
}

func TestGatewayAPIValidation(t *testing.T) {
	objs := gatewayAPIObjects(t)
	if len(objs) == 0 {
		t.Fatal("no gateway.networking.k8s.io objects in the fixtures (the gateway-api case is missing)")
	}
	kinds := map[string]int{}
	rejected := 0
	var gateways []*gatewayv1.Gateway
	var routes []*gatewayv1.HTTPRoute
	for _, o := range objs {
		obj, err := typed(o)
		if err != nil {
			rejected++
			t.Errorf("decode: %v", err)
			continue
		}
		kinds[o.GVK().Kind]++
		if errs := validate(obj); len(errs) > 0 {
			rejected++
			t.Errorf("%s: %v", o.ID(), errs.ToAggregate())
		}
		switch v := obj.(type) {
		case *gatewayv1.Gateway:
			gateways = append(gateways, v)
		case *gatewayv1.HTTPRoute:
			routes = append(routes, v)
		}
	}
	var names []string
	for k, n := range kinds {
		names = append(names, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(names)
	fmt.Printf("conformance %s Gateway API v1.0 validation (sigs.k8s.io/gateway-api apis/v1/validation): checked %d objects (%s), rejected %d\n",
		release, len(objs), strings.Join(names, ", "), rejected)

	t.Run("negative", func(t *testing.T) { negatives(t, gateways, routes) })
}

// negatives: one fault each, applied to a copy of a valid fixture object; the package must refuse each.
func negatives(t *testing.T, gateways []*gatewayv1.Gateway, routes []*gatewayv1.HTTPRoute) {
	var https *gatewayv1.Gateway
	for _, g := range gateways {
		for _, l := range g.Spec.Listeners {
			if l.Protocol == gatewayv1.HTTPSProtocolType {
				https = g
			}
		}
	}
	var backed *gatewayv1.HTTPRoute
	for _, r := range routes {
		if len(r.Spec.Rules) > 0 && len(r.Spec.Rules[0].BackendRefs) > 0 {
			backed = r
			break
		}
	}
	if https == nil || backed == nil {
		t.Fatal("the fixtures need a Gateway with an HTTPS listener and an HTTPRoute with backends")
	}
	faults := []struct {
		name  string
		build func() field.ErrorList
	}{
		{"HTTPS listener without certificateRefs", func() field.ErrorList {
			g := https.DeepCopy()
			for i := range g.Spec.Listeners {
				if g.Spec.Listeners[i].Protocol == gatewayv1.HTTPSProtocolType {
					g.Spec.Listeners[i].TLS.CertificateRefs = nil
				}
			}
			return validation.ValidateGateway(g)
		}},
		{"two listeners of one name", func() field.ErrorList {
			g := https.DeepCopy()
			l := g.Spec.Listeners[0]
			l.Port++
			g.Spec.Listeners = append(g.Spec.Listeners, l)
			return validation.ValidateGateway(g)
		}},
		{"TLS settings on an HTTP listener", func() field.ErrorList {
			g := https.DeepCopy()
			g.Spec.Listeners = append(g.Spec.Listeners, gatewayv1.Listener{Name: "plain", Port: 8081, Protocol: gatewayv1.HTTPProtocolType, TLS: &gatewayv1.GatewayTLSConfig{}})
			return validation.ValidateGateway(g)
		}},
		{"a RequestRedirect next to backends", func() field.ErrorList {
			r := backed.DeepCopy()
			r.Spec.Rules[0].Filters = append(r.Spec.Rules[0].Filters, gatewayv1.HTTPRouteFilter{Type: gatewayv1.HTTPRouteFilterRequestRedirect, RequestRedirect: &gatewayv1.HTTPRequestRedirectFilter{}})
			return validation.ValidateHTTPRoute(r)
		}},
		{"a Service backend without a port", func() field.ErrorList {
			r := backed.DeepCopy()
			r.Spec.Rules[0].BackendRefs[0].Port = nil
			return validation.ValidateHTTPRoute(r)
		}},
	}
	refused := 0
	for _, f := range faults {
		if errs := f.build(); len(errs) == 0 {
			t.Errorf("negative %q: admitted", f.name)
		} else {
			refused++
			t.Logf("negative %q: %v", f.name, errs.ToAggregate())
		}
	}
	fmt.Printf("conformance %s Gateway API v1.0 validation: negative cases refused %d/%d\n", release, refused, len(faults))
}
