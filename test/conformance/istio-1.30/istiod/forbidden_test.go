package istiod

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/client-go/rest"

	"istio.io/istio/pkg/cluster"
	"istio.io/istio/pkg/kube"
)

// identity is the ServiceAccount the components' requests are made as: the kube-apiserver authorizes each one as
// that account (impersonation by the test's cluster-admin), so our RBAC decides, exactly as for the real pod.
type identity struct {
	namespace, serviceAccount string
}

func (id identity) String() string { return id.namespace + "/" + id.serviceAccount }

// user and groups are what the ServiceAccount token authenticator gives a pod of that account.
func (id identity) user() string {
	return "system:serviceaccount:" + id.namespace + ":" + id.serviceAccount
}

func (id identity) groups() []string {
	return []string{"system:serviceaccounts", "system:serviceaccounts:" + id.namespace, "system:authenticated"}
}

// forbidden is one request the API server refused with 403.
type forbidden struct {
	component string
	verb      string
	resource  string // resource[/subresource].group
	namespace string
	name      string
}

func (f forbidden) String() string {
	where := "cluster scope"
	if f.namespace != "" {
		where = "namespace " + f.namespace
	}
	obj := ""
	if f.name != "" {
		obj = " " + f.name
	}
	return fmt.Sprintf("%s: %s %s%s (%s)", f.component, f.verb, f.resource, obj, where)
}

// recorder keeps every 403 the API server answers to the components' clients. The verb and resource come from
// the kube-apiserver's own request parser (k8s.io/apiserver/pkg/endpoints/request), the one its authorizer uses.
type recorder struct {
	mu     sync.Mutex
	all    []forbidden
	count  int            // requests seen
	writes map[string]int // "component: verb resource" of every write request
}

var requestInfo = &request.RequestInfoFactory{
	APIPrefixes:          sets.NewString("api", "apis"),
	GrouplessAPIPrefixes: sets.NewString("api"),
}

var writeVerbs = sets.NewString("create", "update", "patch", "delete", "deletecollection")

type recordingTransport struct {
	component string
	next      http.RoundTripper
	rec       *recorder
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(req)
	f := forbidden{component: rt.component, verb: req.Method, resource: req.URL.Path}
	info, perr := requestInfo.NewRequestInfo(req)
	if perr == nil && info.IsResourceRequest {
		f.verb, f.namespace, f.name = info.Verb, info.Namespace, info.Name
		f.resource = info.Resource
		if info.Subresource != "" {
			f.resource += "/" + info.Subresource
		}
		if info.APIGroup != "" {
			f.resource += "." + info.APIGroup
		}
	}
	rt.rec.mu.Lock()
	defer rt.rec.mu.Unlock()
	rt.rec.count++
	if writeVerbs.Has(f.verb) {
		key := rt.component + ": " + f.verb + " " + f.resource
		if req.URL.Query().Get("dryRun") != "" {
			key += " (dry run)"
		}
		if rt.rec.writes == nil {
			rt.rec.writes = map[string]int{}
		}
		rt.rec.writes[key]++
	}
	if err == nil && resp.StatusCode == http.StatusForbidden {
		rt.rec.all = append(rt.rec.all, f)
	}
	return resp, err
}

// wrote lists the write requests as `component: verb resource ×n`, sorted.
func (r *recorder) wrote() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.writes))
	for k, n := range r.writes {
		out = append(out, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(out)
	return out
}

func (r *recorder) hasWrite(component, verb, resource string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.writes[component+": "+verb+" "+resource] > 0
}

// list returns the distinct refusals, sorted, and how many 403s there were in all.
func (r *recorder) list() (distinct []forbidden, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[forbidden]bool{}
	for _, f := range r.all {
		if !seen[f] {
			seen[f] = true
			distinct = append(distinct, f)
		}
	}
	sort.Slice(distinct, func(i, j int) bool { return distinct[i].String() < distinct[j].String() })
	return distinct, len(r.all)
}

func (r *recorder) requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}

// summarize groups refusals as `verb resource` with the components that got them.
func summarize(list []forbidden) []string {
	by := map[string]map[string]bool{}
	for _, f := range list {
		key := f.verb + " " + f.resource
		if f.namespace != "" {
			key += " in " + f.namespace
		}
		if by[key] == nil {
			by[key] = map[string]bool{}
		}
		by[key][f.component] = true
	}
	var out []string
	for key, comps := range by {
		names := make([]string, 0, len(comps))
		for c := range comps {
			names = append(names, c)
		}
		sort.Strings(names)
		out = append(out, key+" ("+strings.Join(names, ", ")+")")
	}
	sort.Strings(out)
	return out
}

// impersonating is the admin configuration turned into a client configuration of the identity, whose transport
// records every 403 for the component. Each component gets its own client (its own informers), so a refusal
// names the component whose request it was; istiod shares one client, and the identity, hence every RBAC
// decision, is the same.
func impersonating(admin *rest.Config, who identity, component string, rec *recorder) *rest.Config {
	// Only the server's address and the admin's credentials (which may impersonate): the rest is what istiod's
	// client sets itself (pkg/kube.SetRestDefaults: JSON requests, protobuf accepted; QPS and burst of
	// pilot-discovery's --kubernetesApiQPS/--kubernetesApiBurst defaults).
	cfg := &rest.Config{
		Host:            admin.Host,
		APIPath:         admin.APIPath,
		TLSClientConfig: admin.TLSClientConfig,
		BearerToken:     admin.BearerToken,
		BearerTokenFile: admin.BearerTokenFile,
		Impersonate:     rest.ImpersonationConfig{UserName: who.user(), Groups: who.groups()},
		UserAgent:       "istiod-conformance/" + strings.ReplaceAll(component, " ", "-"),
		QPS:             80,
		Burst:           160,
		WarningHandler:  rest.NoWarnings{},
	}
	cfg.Wrap(func(next http.RoundTripper) http.RoundTripper {
		return &recordingTransport{component: component, next: next, rec: rec}
	})
	return cfg
}

// newClient is istiod's kube.Client (pkg/kube, with the CRD watcher istiod enables) for the configuration.
func newClient(cfg *rest.Config, clusterID cluster.ID) (kube.Client, error) {
	c, err := kube.NewClient(kube.NewClientConfigForRestConfig(cfg), clusterID)
	if err != nil {
		return nil, err
	}
	return kube.EnableCrdWatcher(c), nil
}
