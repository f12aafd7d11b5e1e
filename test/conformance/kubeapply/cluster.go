package kubeapply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// FieldManager owns every field the suites apply.
const FieldManager = "cdk8s-istio-conformance"

var (
	crdGVR       = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	namespaceGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
)

// Cluster talks to one API server: dynamic client, discovery and a RESTMapper refreshed after CRDs change.
type Cluster struct {
	dyn    dynamic.Interface
	disc   discovery.DiscoveryInterface
	mapper *restmapper.DeferredDiscoveryRESTMapper

	mu      sync.Mutex
	applied map[string]string // CRD name -> the bytes the server last accepted for it
}

// Connect builds the clients for cfg.
func Connect(cfg *rest.Config) (*Cluster, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &Cluster{dyn: dyn, disc: disc, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc)), applied: map[string]string{}}, nil
}

// Version is the server's /version gitVersion.
func (c *Cluster) Version() (string, error) {
	v, err := c.disc.ServerVersion()
	if err != nil {
		return "", err
	}
	return v.GitVersion, nil
}

// resource maps an object to its REST resource (namespaced objects without a namespace go to `default`, as
// kubectl does).
func (c *Cluster) resource(u *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := u.GroupVersionKind()
	mapping, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		if meta.IsNoMatchError(err) {
			return nil, fmt.Errorf("the API server serves no %s in %s: %w", gvk.Kind, gvk.GroupVersion(), err)
		}
		return nil, err
	}
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		ns := u.GetNamespace()
		if ns == "" {
			ns = metav1.NamespaceDefault
		}
		return c.dyn.Resource(mapping.Resource).Namespace(ns), nil
	}
	return c.dyn.Resource(mapping.Resource), nil
}

// Apply server-side applies the object's own bytes (force, strict field validation), as `kubectl apply
// --server-side --force-conflicts --validate=strict` does. Retries only the harness's own races (a namespace the
// previous case removed still cached as terminating; a CRD's REST handler not yet serving); any other error is
// the server's verdict on the object.
func (c *Cluster) Apply(ctx context.Context, o Object) error {
	force := true
	opts := metav1.PatchOptions{FieldManager: FieldManager, Force: &force, FieldValidation: "Strict"}
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		var res dynamic.ResourceInterface
		res, err = c.resource(o.U)
		if err != nil {
			return err
		}
		_, err = res.Patch(ctx, o.U.GetName(), types.ApplyPatchType, o.Raw, opts)
		if err == nil || !harnessRace(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
	return err
}

// ApplyCRD applies a CRD unless the server already accepted these very bytes for it (most cases ship the
// release's CRDs unchanged: re-applying them is a no-op that costs a full apply of a large schema). changed
// tells whether the request was sent.
func (c *Cluster) ApplyCRD(ctx context.Context, o Object) (changed bool, err error) {
	c.mu.Lock()
	same := c.applied[o.U.GetName()] == string(o.Raw)
	c.mu.Unlock()
	if same {
		return false, nil
	}
	if err := c.Apply(ctx, o); err != nil {
		return true, err
	}
	c.mu.Lock()
	c.applied[o.U.GetName()] = string(o.Raw)
	c.mu.Unlock()
	return true, nil
}

// harnessRace: errors that come from this harness's timing, not from the object.
func harnessRace(err error) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return false
	}
	s := status.Status()
	if s.Details != nil {
		for _, cause := range s.Details.Causes {
			if cause.Type == "NamespaceTerminating" {
				return true
			}
		}
	}
	// A bare 404 (no kind, no name) is the CRD handler not serving the resource yet; a missing namespace or
	// object names its kind and is a verdict.
	return s.Code == 404 && (s.Details == nil || (s.Details.Kind == "" && s.Details.Name == ""))
}

// Delete removes the object now (background propagation: no finalizer waits for a garbage collector).
func (c *Cluster) Delete(ctx context.Context, o Object) error {
	res, err := c.resource(o.U)
	if err != nil {
		return err
	}
	policy := metav1.DeletePropagationBackground
	err = res.Delete(ctx, o.U.GetName(), metav1.DeleteOptions{PropagationPolicy: &policy})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// RemoveNamespace deletes a namespace whose content the caller already deleted, and does the namespace
// controller's last step itself (no controller-manager runs): it empties spec.finalizers through the
// `finalize` subresource, so the namespace is gone, not left terminating for the next case.
func (c *Cluster) RemoveNamespace(ctx context.Context, name string) error {
	err := c.dyn.Resource(namespaceGVR).Delete(ctx, name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	ns, err := c.dyn.Resource(namespaceGVR).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := unstructured.SetNestedStringSlice(ns.Object, []string{}, "spec", "finalizers"); err != nil {
		return err
	}
	_, err = c.dyn.Resource(namespaceGVR).Update(ctx, ns, metav1.UpdateOptions{}, "finalize")
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// WaitForCRDs waits until every named CRD is Established and discovery lists each of its served versions, then
// refreshes the RESTMapper.
func (c *Cluster) WaitForCRDs(ctx context.Context, crds []Object) error {
	deadline := time.Now().Add(60 * time.Second)
	for _, o := range crds {
		group, _, _ := unstructured.NestedString(o.U.Object, "spec", "group")
		plural, _, _ := unstructured.NestedString(o.U.Object, "spec", "names", "plural")
		versions, _, _ := unstructured.NestedSlice(o.U.Object, "spec", "versions")
		for {
			ready, why := c.crdReady(ctx, o.U.GetName(), group, plural, versions)
			if ready {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("CRD %s not ready after 60s: %s", o.U.GetName(), why)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	c.mapper.Reset()
	return nil
}

func (c *Cluster) crdReady(ctx context.Context, name, group, plural string, versions []interface{}) (bool, string) {
	crd, err := c.dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false, err.Error()
	}
	conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	established := false
	for _, cond := range conditions {
		m, _ := cond.(map[string]interface{})
		if m["type"] == "Established" && m["status"] == "True" {
			established = true
		}
	}
	if !established {
		return false, "not Established"
	}
	for _, v := range versions {
		m, _ := v.(map[string]interface{})
		if served, _ := m["served"].(bool); !served {
			continue
		}
		gv := group + "/" + fmt.Sprint(m["name"])
		list, err := c.disc.ServerResourcesForGroupVersion(gv)
		if err != nil {
			return false, fmt.Sprintf("discovery of %s: %v", gv, err)
		}
		found := false
		for _, r := range list.APIResources {
			found = found || r.Name == plural
		}
		if !found {
			return false, fmt.Sprintf("discovery of %s lists no %s", gv, plural)
		}
	}
	return true, ""
}

// parallel runs f over items with n workers and returns the errors by index.
func parallel(n int, items []Object, f func(Object) error) []error {
	errs := make([]error, len(items))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = f(items[i])
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

// message is the server's message for a failed request, on one line.
func message(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
