package istiod

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/cdk8s-istio/conformance/kubeapply"
)

// access is one thing an identity may or may not do, asked of the kube-apiserver's authorizer
// (SubjectAccessReview).
type access struct {
	who  identity
	attr authorizationv1.ResourceAttributes
	role string // the role that grants it in the case
}

func (a access) String() string {
	res := a.attr.Resource
	if a.attr.Subresource != "" {
		res += "/" + a.attr.Subresource
	}
	if a.attr.Group != "" {
		res += "." + a.attr.Group
	}
	where := "cluster-wide"
	if a.attr.Namespace != "" {
		where = "in " + a.attr.Namespace
	}
	return fmt.Sprintf("%s %s %s %s", a.who, a.attr.Verb, res, where)
}

func allowed(ctx context.Context, kc kubernetes.Interface, a access) (bool, error) {
	attr := a.attr
	review, err := kc.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
		Spec: authorizationv1.SubjectAccessReviewSpec{User: a.who.user(), Groups: a.who.groups(), ResourceAttributes: &attr},
	}, metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	return review.Status.Allowed, nil
}

// grants is, for every ServiceAccount a binding of the case names, one access per rule of the bound role: what
// the authorizer allows once it has seen the case's RBAC objects.
func grants(t *testing.T, c kubeapply.Case) []access {
	t.Helper()
	rules := map[string][]rbacv1.PolicyRule{}
	for _, o := range c.Objects {
		switch o.GVK().Kind {
		case "ClusterRole":
			rules["ClusterRole/"+o.U.GetName()] = decode[rbacv1.ClusterRole](t, o).Rules
		case "Role":
			rules["Role/"+o.U.GetNamespace()+"/"+o.U.GetName()] = decode[rbacv1.Role](t, o).Rules
		}
	}
	var out []access
	add := func(namespace string, ref rbacv1.RoleRef, subjects []rbacv1.Subject) {
		key := "ClusterRole/" + ref.Name
		if ref.Kind == "Role" {
			key = "Role/" + namespace + "/" + ref.Name
		}
		for _, s := range subjects {
			if s.Kind != "ServiceAccount" {
				continue
			}
			who := identity{namespace: s.Namespace, serviceAccount: s.Name}
			if who.namespace == "" {
				who.namespace = namespace // a RoleBinding's ServiceAccount without a namespace is in the binding's
			}
			for _, r := range rules[key] {
				if len(r.Verbs) == 0 || len(r.APIGroups) == 0 || len(r.Resources) == 0 {
					continue
				}
				resource, sub, _ := strings.Cut(r.Resources[0], "/")
				attr := authorizationv1.ResourceAttributes{
					Namespace: namespace, Verb: r.Verbs[0], Group: r.APIGroups[0], Resource: resource, Subresource: sub,
				}
				if len(r.ResourceNames) > 0 {
					attr.Name = r.ResourceNames[0]
				}
				out = append(out, access{who: who, attr: attr, role: ref.Name})
			}
		}
	}
	for _, o := range c.Objects {
		switch o.GVK().Kind {
		case "ClusterRoleBinding":
			b := decode[rbacv1.ClusterRoleBinding](t, o)
			add("", b.RoleRef, b.Subjects)
		case "RoleBinding":
			b := decode[rbacv1.RoleBinding](t, o)
			add(b.Namespace, b.RoleRef, b.Subjects)
		}
	}
	return out
}

// waitForAuthorizer waits (at most wait) until the authorizer answers every access as want: the RBAC authorizer
// works from informers, so a role applied or deleted a moment ago may not count yet.
func waitForAuthorizer(t *testing.T, kc kubernetes.Interface, accesses []access, want bool) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(wait)
	for _, a := range accesses {
		for {
			got, err := allowed(ctx, kc, a)
			if err != nil {
				t.Fatalf("SubjectAccessReview %s: %v", a, err)
			}
			if got == want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the authorizer still answers allowed=%t to %s after %s", got, a, wait)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
