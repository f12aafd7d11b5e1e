package istiod

// TestIstiodAmbientAccepts: istiod in ambient mode (our `install-ambient` case) is given the application objects
// of our `gateway-api` and `ambient-zero-trust` cases, and Istio's own code says whether it accepts them:
//
//   - istiod's log has no error-level line (but the validation controller's known retry, see knownErrors);
//   - the config controller's crdclient lists every applied Istio and Gateway API object, and each passes the
//     schema's validation;
//   - the Gateway API deployment controller renders a Deployment, Service and ServiceAccount for every Gateway of
//     a class of ours (kube-gateway and waypoint templates);
//   - the Gateway API status writer (started here as initK8SConfigStore starts it, under its per-revision Lease,
//     with pilot/pkg/status's manager) writes Accepted=True on every Gateway and GatewayClass and on every route's
//     every parent;
//   - the ambient status writer writes ZtunnelAccepted=True on the L4 policies of ambient namespaces and
//     WaypointAccepted=True on the policies attached by targetRefs to a waypoint that runs;
//   - the ambient index holds the L4 policies for ztunnel and binds to each running waypoint the Services that name
//     it (istio.io/use-waypoint on the Service or its Namespace), and the push context selects the targetRefs
//     policies for the waypoint's pod (labels from the Deployment istiod rendered), as a waypoint's xDS would.
//
// To run Gateway-attached routes, istiod's registry event handlers (initRegistryEventHandlers: a full push on
// every service and config event) are wired too: the Gateway API controller counts as synced only once a push
// has reconciled its gateway context (Controller.Reconcile from PushContext.InitContext), and without the handlers
// the harness's first push waited for that sync.
//
// No kubelet runs. Istio writes a Gateway's status addresses (Programmed) only with ready instances behind its
// Service, and the ambient index takes a Gateway as a waypoint only once it has addresses; so the test stands in
// for the ReplicaSet controller, the kubelet and the EndpointSlice controller (standInKubelet): one ready pod per
// waypoint, made from the Deployment istiod rendered, through the kube-apiserver's admission (Pod Security
// included). A waypoint whose pod is refused is an error, and its targetRefs policies are left TargetNotFound
// (reported, not counted as refused). Gateways that are not waypoints get no pod: their Programmed=False is
// reported, not asserted.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"istio.io/istio/pilot/pkg/config/kube/gateway"
	"istio.io/istio/pilot/pkg/features"
	"istio.io/istio/pilot/pkg/leaderelection"
	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pilot/pkg/status"
	"istio.io/istio/pkg/config"
	"istio.io/istio/pkg/config/labels"
	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/config/schema/gvk"
	"istio.io/istio/pkg/util/sets"

	"github.com/cdk8s-istio/conformance/kubeapply"
)

// knownErrors are istiod error lines that concern no applied object, counted apart: the validation controller
// retries until a dry-run invalid Gateway is refused by a running webhook (none runs here); the GatewayClass
// controller, on a fresh cluster, may create a built-in class (istio, istio-remote, istio-waypoint) a second time
// before its informer has seen the first create, gets AlreadyExists (it only forgives Conflict) and retries.
var knownErrors = []string{
	"webhook is not ready, retry\tcontroller=validation",
	"already exists\tcontroller=gateway class",
}

const gatewayLabel = "gateway.networking.k8s.io/gateway-name"

func TestIstiodAmbientAccepts(t *testing.T) {
	const name = "TestIstiodAmbientAccepts"
	dir, err := kubeapply.CasesDir(release)
	if err != nil {
		t.Fatal(err)
	}
	def := loadCase(t, dir, "install-ambient")
	s, environ := settingsOf(t, def)
	if os.Getenv(childEnv) != "" {
		runAccepts(t, dir, def, s)
		return
	}
	// As runComponents: istiod reads its switches from the environment once, so the test runs in a process
	// started with our istiod container's environment.
	args := []string{"-test.run=^" + name + "$", "-test.count=1", "-test.v=" + fmt.Sprint(testing.Verbose())}
	ctx := context.Background()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-10*time.Second))
		defer cancel()
		args = append(args, "-test.timeout="+time.Until(deadline.Add(-15*time.Second)).Round(time.Second).String())
	}
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), environ...), childEnv+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the test process with istiod's environment failed: %v", err)
	}
}

// appObjectsOf is what a case gives beyond the control plane: its Namespaces (but those of the install), its
// Services and NetworkPolicies outside istio-system, and its Istio and Gateway API config.
func appObjectsOf(c kubeapply.Case, existing map[string]bool) kubeapply.Case {
	out := kubeapply.Case{Name: c.Name + " (application objects)"}
	for _, o := range c.Objects {
		kind, ns := o.GVK().Kind, o.U.GetNamespace()
		switch {
		case kind == "Namespace" && o.GVK().Group == "":
			if !existing[o.U.GetName()] {
				out.Objects = append(out.Objects, o)
			}
		case isIstioConfig(o):
			out.Objects = append(out.Objects, o)
		case (kind == "Service" || kind == "NetworkPolicy") && ns != "" && !existing[ns]:
			out.Objects = append(out.Objects, o)
		}
	}
	return out
}

var (
	apGVR = schema.GroupVersionResource{Group: "security.istio.io", Version: "v1", Resource: "authorizationpolicies"}
	gwGVR = func(resource string) schema.GroupVersionResource {
		return schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: resource}
	}
)

// startGatewayStatus is initK8SConfigStore's "gateway status" part: pilot/pkg/status's manager over the config
// store (its writer is the crdclient, as istiod's RWConfigStore's is), and the Gateway API controller's status
// writing switched on under the per-revision status Lease, followed by a full push to recompute status. (istiod
// first joins the pre-revision ConfigMap lock if one exists; none does here, so it activates at once, as istiod.)
func (d *istiod) startGatewayStatus() {
	gwc, ok := d.env.GatewayAPIController.(*gateway.Controller)
	if !ok || !features.EnableGatewayAPIStatus {
		d.problem(cConfig, "gateway status writer: no Gateway API controller or status disabled")
		return
	}
	client := d.client("gateway status writer")
	if client == nil {
		return
	}
	manager := status.NewManager(d.crd)
	go manager.Start(d.stop)
	go leaderelection.
		NewPerRevisionLeaderElection(d.s.namespace, d.s.podName, leaderelection.GatewayStatusController, d.s.revision, client).
		AddRunFunction(func(leaderStop <-chan struct{}) {
			gwc.SetStatusWrite(true, manager)
			d.ds.ConfigUpdate(&model.PushRequest{Full: true, Forced: true, Reason: model.NewReasonStats(model.GlobalUpdate)})
			<-leaderStop
			gwc.SetStatusWrite(false, nil)
		}).
		Run(d.stop)
	go client.RunAndWait(d.stop)
}

// registryEventHandlers is initRegistryEventHandlers: a full push on every service event and on every event of
// the config kinds istiod hands to the config handler (Gateway API kinds, VirtualServices, ServiceEntries,
// WorkloadEntries/Groups and WasmPlugins have pushes of their own). istiod skips updates that change no spec
// (needsPush); pushing on them too only adds pushes.
func (d *istiod) registryEventHandlers() {
	d.services.AppendServiceHandler(func(_, curr *model.Service, _ model.Event) {
		d.ds.ConfigUpdate(&model.PushRequest{
			Full:           true,
			ConfigsUpdated: sets.New(model.ConfigKey{Kind: gvk.MustToKind(gvk.ServiceEntry), Name: string(curr.Hostname), Namespace: curr.Attributes.Namespace}),
			Reason:         model.NewReasonStats(model.ServiceUpdate),
		})
	})
	if d.config == nil {
		return
	}
	handler := func(_, curr config.Config, _ model.Event) {
		d.ds.ConfigUpdate(&model.PushRequest{
			Full:           true,
			ConfigsUpdated: sets.New(model.ConfigKey{Kind: gvk.MustToKind(curr.GroupVersionKind), Name: curr.Name, Namespace: curr.Namespace}),
			Reason:         model.NewReasonStats(model.ConfigUpdate),
		})
	}
	for _, s := range collections.PilotGatewayAPI().All() {
		k := s.GroupVersionKind()
		if k == gvk.ServiceEntry || k == gvk.WorkloadEntry || k == gvk.WorkloadGroup || k == gvk.VirtualService ||
			k == gvk.WasmPlugin || k.Group == gvk.KubernetesGateway.Group {
			continue
		}
		d.config.RegisterEventHandler(k, handler)
	}
}

type condition struct{ status, reason, message string }

func conditionsOf(list []any) map[string]condition {
	out := map[string]condition{}
	for _, c := range list {
		m, _ := c.(map[string]any)
		typ, _ := m["type"].(string)
		st, _ := m["status"].(string)
		reason, _ := m["reason"].(string)
		message, _ := m["message"].(string)
		out[typ] = condition{st, reason, message}
	}
	return out
}

func (c condition) String() string {
	if c.status == "" {
		return "absent"
	}
	return fmt.Sprintf("%s (%s: %s)", c.status, c.reason, c.message)
}

// verdicts are what istiod wrote, object by object: name -> condition type -> condition.
type verdicts map[string]map[string]condition

func runAccepts(t *testing.T, dir string, def kubeapply.Case, s settings) {
	logs := captureIstioLog(t)
	admin := kubeapply.StartAPIServer(t, startTestServer, "--authorization-mode=Node,RBAC")
	cluster, err := kubeapply.Connect(admin)
	if err != nil {
		t.Fatal(err)
	}
	kubeapply.RequireStampedVersion(t, cluster)
	kc := kubernetes.NewForConfigOrDie(admin)
	dyn := dynamic.NewForConfigOrDie(admin)
	apply(t, cluster, gatewayAPICRDs(t))
	apply(t, cluster, def)
	waitForAuthorizer(t, kc, grants(t, def), true)
	existing := map[string]bool{}
	for _, o := range def.Objects {
		if o.GVK().Kind == "Namespace" {
			existing[o.U.GetName()] = true
		}
	}
	// gateway-api first: both cases have a Namespace `shop` (one for sidecars, one ambient with its waypoint), and
	// the later apply's labels win, so `shop` is the ambient namespace ambient-zero-trust describes.
	gw := appObjectsOf(loadCase(t, dir, "gateway-api"), existing)
	zt := appObjectsOf(loadCase(t, dir, "ambient-zero-trust"), existing)
	applied := map[string]kubeapply.Object{}
	var order []string
	for _, c := range []kubeapply.Case{gw, zt} {
		for _, o := range apply(t, cluster, c) {
			if _, seen := applied[o.ID()]; !seen {
				order = append(order, o.ID())
			}
			applied[o.ID()] = o
		}
	}
	// The gateway the default checks (check: cDeployment) expect.
	createGateway(t, kc, dyn)
	var config []kubeapply.Object
	for _, id := range order {
		if isIstioConfig(applied[id]) {
			config = append(config, applied[id])
		}
	}
	t.Logf("applied %d objects of gateway-api and %d of ambient-zero-trust (%d Istio and Gateway API objects)", len(gw.Objects), len(zt.Objects), len(config))

	d := newIstiod(s, admin, wait)
	d.beforeRun = append(d.beforeRun, d.registryEventHandlers, d.startGatewayStatus)
	d.start()
	defer d.shutdown()
	d.check(expectations{kc: kc, namespaces: namespacesOf(def, gw, zt)})
	for _, why := range d.notReady() {
		t.Errorf("not ready: %s", why)
	}
	refused, forbiddenTotal := d.rec.list()
	for _, f := range refused {
		t.Errorf("forbidden: %s", f)
	}

	listed := checkConfig(t, d, config)
	ctx := context.Background()

	// Gateways and GatewayClasses of ours, routes, policies: what istiod wrote.
	var gateways, routes, policies []kubeapply.Object
	classes := map[string]bool{"istio": true, "istio-waypoint": true}
	for _, o := range config {
		if o.GVK().Kind == "GatewayClass" {
			if ctrl, _, _ := unstructured.NestedString(o.U.Object, "spec", "controllerName"); ctrl == "istio.io/gateway-controller" {
				classes[o.U.GetName()] = true
			}
		}
	}
	for _, o := range config {
		switch k := o.GVK().Kind; {
		case k == "Gateway" && o.GVK().Group == "gateway.networking.k8s.io":
			class, _, _ := unstructured.NestedString(o.U.Object, "spec", "gatewayClassName")
			if classes[class] {
				gateways = append(gateways, o)
			}
		case strings.HasSuffix(k, "Route") && o.GVK().Group == "gateway.networking.k8s.io":
			routes = append(routes, o)
		case k == "AuthorizationPolicy":
			policies = append(policies, o)
		}
	}
	ambientNS := map[string]bool{}
	for _, id := range order {
		o := applied[id]
		if o.GVK().Kind == "Namespace" && o.U.GetLabels()["istio.io/dataplane-mode"] == "ambient" {
			ambientNS[o.U.GetName()] = true
		}
	}
	resource := func(o kubeapply.Object) string {
		return strings.ToLower(o.GVK().Kind) + "s"
	}
	get := func(r schema.GroupVersionResource, o kubeapply.Object) *unstructured.Unstructured {
		u, err := dyn.Resource(r).Namespace(o.U.GetNamespace()).Get(ctx, o.U.GetName(), metav1.GetOptions{})
		if err != nil {
			return nil
		}
		return u
	}

	// 1. The deployment controller renders every Gateway of ours (kube-gateway / waypoint templates).
	deployed := 0
	waypointPods := map[string]map[string]string{} // ns/name -> pod labels of the Deployment istiod rendered
	rendered := map[string]appsv1.Deployment{}     // waypoints' Deployments, for the kubelet stand-in
	ok, why := d.poll(func() (bool, string) {
		deployed = 0
		for _, g := range gateways {
			sel := metav1.ListOptions{LabelSelector: gatewayLabel + "=" + g.U.GetName()}
			ds, err := kc.AppsV1().Deployments(g.U.GetNamespace()).List(ctx, sel)
			if err != nil || len(ds.Items) == 0 {
				return false, fmt.Sprintf("no Deployment for Gateway %s/%s", g.U.GetNamespace(), g.U.GetName())
			}
			svcs, _ := kc.CoreV1().Services(g.U.GetNamespace()).List(ctx, sel)
			if svcs == nil || len(svcs.Items) == 0 {
				return false, fmt.Sprintf("no Service for Gateway %s/%s", g.U.GetNamespace(), g.U.GetName())
			}
			sas, _ := kc.CoreV1().ServiceAccounts(g.U.GetNamespace()).List(ctx, sel)
			if sas == nil || len(sas.Items) == 0 {
				return false, fmt.Sprintf("no ServiceAccount for Gateway %s/%s", g.U.GetNamespace(), g.U.GetName())
			}
			waypointPods[g.U.GetNamespace()+"/"+g.U.GetName()] = ds.Items[0].Spec.Template.Labels
			if class, _, _ := unstructured.NestedString(g.U.Object, "spec", "gatewayClassName"); class == "istio-waypoint" {
				rendered[g.U.GetNamespace()+"/"+g.U.GetName()] = ds.Items[0]
			}
			deployed++
		}
		return true, ""
	})
	if !ok {
		t.Errorf("gateway deployment controller: %s", why)
	}

	// No kubelet runs: stand in for it (and for the EndpointSlice controller) so that each waypoint has one ready
	// pod, made from the Deployment istiod rendered. Only then does istiod give a waypoint addresses.
	var running, podRefused []string
	for i, key := range sortedDeployments(rendered) {
		if err := standInKubelet(ctx, kc, rendered[key], i); err != nil {
			podRefused = append(podRefused, key)
			t.Errorf("waypoint %s: the kube-apiserver refuses the pod of the Deployment istiod rendered for it: %v", key, err)
			continue
		}
		running = append(running, key)
	}
	// With a ready pod, istiod programs the waypoint (status addresses) and the ambient index binds to it what
	// names it with istio.io/use-waypoint.
	boundServices := 0
	ok, why = d.poll(func() (bool, string) {
		boundServices = 0
		for _, key := range running {
			ns, name, _ := strings.Cut(key, "/")
			u, err := dyn.Resource(gwGVR("gateways")).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err.Error()
			}
			addrs, _, _ := unstructured.NestedSlice(u.Object, "status", "addresses")
			if len(addrs) == 0 {
				return false, "waypoint " + key + " has no status addresses"
			}
			if d.ambient != nil {
				k := model.WaypointKey{Namespace: ns, Hostnames: []string{fmt.Sprintf("%s.%s.svc.%s", name, ns, d.s.domain)}}
				for _, a := range addrs {
					if m, _ := a.(map[string]any); m != nil {
						v, _ := m["value"].(string)
						k.Addresses = append(k.Addresses, v)
					}
				}
				boundServices += len(d.ambient.ServicesForWaypoint(k))
			}
		}
		if want := servicesUsing(applied, running); boundServices < want {
			return false, fmt.Sprintf("the ambient index binds %d services to waypoints, %d name a waypoint with a ready pod", boundServices, want)
		}
		return true, ""
	})
	if !ok {
		t.Errorf("waypoints with a ready pod: %s", why)
	}

	// 2. Gateway API status: Accepted on every Gateway of ours, its GatewayClass, and every route's every parent.
	gwStatus, routeStatus := verdicts{}, verdicts{}
	accepted := func(v verdicts, key string) bool { return v[key]["Accepted"].status == "True" }
	ok, why = d.poll(func() (bool, string) {
		for _, g := range gateways {
			key := "Gateway " + g.U.GetNamespace() + "/" + g.U.GetName()
			if u := get(gwGVR("gateways"), g); u != nil {
				list, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
				gwStatus[key] = conditionsOf(list)
			}
			if !accepted(gwStatus, key) {
				return false, key + " not Accepted: " + gwStatus[key]["Accepted"].String()
			}
		}
		for _, c := range config {
			if c.GVK().Kind != "GatewayClass" {
				continue
			}
			key := "GatewayClass " + c.U.GetName()
			if u, err := dyn.Resource(gwGVR("gatewayclasses")).Get(ctx, c.U.GetName(), metav1.GetOptions{}); err == nil {
				list, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
				gwStatus[key] = conditionsOf(list)
			}
			if !accepted(gwStatus, key) {
				return false, key + " not Accepted: " + gwStatus[key]["Accepted"].String()
			}
		}
		for _, r := range routes {
			u := get(gwGVR(resource(r)), r)
			if u == nil {
				return false, "cannot read " + r.ID()
			}
			parents, _, _ := unstructured.NestedSlice(u.Object, "status", "parents")
			if len(parents) == 0 {
				return false, r.ID() + ": no status.parents yet"
			}
			for _, p := range parents {
				m, _ := p.(map[string]any)
				ref, _ := m["parentRef"].(map[string]any)
				list, _ := m["conditions"].([]any)
				key := fmt.Sprintf("%s %s/%s parent %v/%v/%v", r.GVK().Kind, r.U.GetNamespace(), r.U.GetName(), ref["kind"], ref["name"], ref["sectionName"])
				if ref["sectionName"] == nil {
					key = fmt.Sprintf("%s %s/%s parent %v/%v", r.GVK().Kind, r.U.GetNamespace(), r.U.GetName(), ref["kind"], ref["name"])
				}
				routeStatus[key] = conditionsOf(list)
			}
		}
		return true, ""
	})
	if !ok {
		t.Errorf("Gateway API status: %s", why)
	}
	for _, v := range []verdicts{gwStatus, routeStatus} {
		for _, key := range sortedKeys(v) {
			t.Logf("istiod wrote %s: Accepted %s; ResolvedRefs %s; Programmed %s", key, v[key]["Accepted"], v[key]["ResolvedRefs"], v[key]["Programmed"])
		}
	}
	gwAccepted, routeAccepted := 0, 0
	for key := range gwStatus {
		if accepted(gwStatus, key) {
			gwAccepted++
		}
	}
	for key, c := range routeStatus {
		if accepted(routeStatus, key) && c["ResolvedRefs"].status != "False" {
			routeAccepted++
		} else {
			t.Errorf("istiod does not accept %s: Accepted %s, ResolvedRefs %s", key, c["Accepted"], c["ResolvedRefs"])
		}
	}

	// 3. Ambient status on the AuthorizationPolicies: ZtunnelAccepted on the L4 policies of ambient namespaces,
	// WaypointAccepted on those attached by targetRefs.
	apStatus := verdicts{}
	var ztunnelWant, waypointWant []string
	for _, p := range policies {
		key := p.U.GetNamespace() + "/" + p.U.GetName()
		if refs, _, _ := unstructured.NestedSlice(p.U.Object, "spec", "targetRefs"); len(refs) > 0 {
			waypointWant = append(waypointWant, key)
		} else if ambientNS[p.U.GetNamespace()] {
			ztunnelWant = append(ztunnelWant, key)
		}
	}
	byKey := map[string]kubeapply.Object{}
	for _, p := range policies {
		byKey[p.U.GetNamespace()+"/"+p.U.GetName()] = p
	}
	ok, why = d.poll(func() (bool, string) {
		for _, p := range policies {
			key := p.U.GetNamespace() + "/" + p.U.GetName()
			if u := get(apGVR, p); u != nil {
				list, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
				apStatus[key] = conditionsOf(list)
			}
		}
		for _, key := range ztunnelWant {
			if c := apStatus[key]["ZtunnelAccepted"]; c.status != "True" || c.reason != "Accepted" {
				return false, "AuthorizationPolicy " + key + ": ZtunnelAccepted " + apStatus[key]["ZtunnelAccepted"].String()
			}
		}
		for _, key := range waypointWant {
			c := apStatus[key]["WaypointAccepted"]
			if c.status == "" {
				return false, "AuthorizationPolicy " + key + ": no WaypointAccepted condition yet"
			}
			// istiod may write TargetNotFound before the waypoint's address reaches the ambient index: while its
			// waypoint runs, wait for the condition istiod settles on
			if c.status != "True" && targetsRunning(byKey[key], running) {
				return false, "AuthorizationPolicy " + key + ": WaypointAccepted " + c.String() + " while its waypoint runs"
			}
		}
		return true, ""
	})
	if !ok {
		t.Errorf("ambient status: %s", why)
	}
	for _, key := range sortedKeys(apStatus) {
		t.Logf("istiod wrote AuthorizationPolicy %s: ZtunnelAccepted %s; WaypointAccepted %s", key, apStatus[key]["ZtunnelAccepted"], apStatus[key]["WaypointAccepted"])
	}
	ztAccepted, wpBound := 0, 0
	for _, key := range ztunnelWant {
		if c := apStatus[key]["ZtunnelAccepted"]; c.status == "True" && c.reason == "Accepted" {
			ztAccepted++
		}
	}
	wpRefused := 0
	for _, key := range waypointWant {
		c := apStatus[key]["WaypointAccepted"]
		switch {
		case c.status == "True":
			wpBound++
		case c.reason == model.WaypointPolicyReasonTargetNotFound && !targetsRunning(byKey[key], running):
			// Its waypoint has no ready pod, so no status addresses, so the ambient index has no such waypoint.
		default:
			wpRefused++
			t.Errorf("istiod refuses AuthorizationPolicy %s for its waypoint: %s", key, c)
		}
	}

	// 4. Translation: the ambient index's policies for ztunnel, and the push context's selection for the waypoint.
	inIndex := 0
	if d.ambient != nil {
		have := sets.New[string]()
		for _, p := range d.ambient.Policies(nil) {
			have.Insert(p.ResourceName())
		}
		for _, key := range ztunnelWant {
			if have.Contains(key) {
				inIndex++
			} else {
				t.Errorf("the ambient index has no ztunnel policy %s", key)
			}
		}
	}
	selected := sets.New[string]()
	ps := d.env.PushContext()
	for wp, podLabels := range waypointPods {
		ns, _, _ := strings.Cut(wp, "/")
		m := model.PolicyMatcherFor(ns, labels.Instance(podLabels), true)
		m.RootNamespace = d.env.Mesh().GetRootNamespace()
		res := ps.AuthzPolicies.ListAuthorizationPolicies(m)
		for _, list := range [][]model.AuthorizationPolicy{res.Allow, res.Deny, res.Custom, res.Audit} {
			for _, p := range list {
				selected.Insert(p.Namespace + "/" + p.Name)
			}
		}
	}
	for _, key := range waypointWant {
		if !selected.Contains(key) {
			t.Errorf("the push context selects AuthorizationPolicy %s (targetRefs) for no waypoint istiod deployed", key)
		}
	}
	derived := 0
	if gwc := d.env.GatewayAPIController; gwc != nil {
		derived = len(gwc.List(gvk.VirtualService, ""))
	}

	// The checks bite: an HTTPRoute to a missing Service, an L4 policy with an HTTP rule in an ambient namespace
	// and a policy attached to a waypoint that does not exist are each reported by istiod.
	bites := biteChecks(t, d, dyn)

	// 5. istiod's error-level log.
	known, other := 0, 0
	for _, line := range logs.Take() {
		if strings.HasPrefix(line, "klog ") {
			continue
		}
		isKnown := false
		for _, k := range knownErrors {
			if strings.Contains(line, k) {
				isKnown = true
			}
		}
		if isKnown {
			known++
			continue
		}
		other++
		t.Errorf("istiod logged an error: %s", retryCount.ReplaceAllString(line, ""))
	}

	fmt.Printf("conformance %s istiod ambient accepts: gateway-api + ambient-zero-trust, %d Istio/Gateway API objects listed by crdclient of %d applied, "+
		"%d/%d Gateways deployed, waypoint pods admitted %d/%d (refused: %s), services bound to waypoints %d, "+
		"Accepted %d/%d Gateways and GatewayClasses and %d/%d route parents, %d derived VirtualServices, "+
		"ZtunnelAccepted %d/%d L4 policies (ambient index %d), targetRefs policies selected for the waypoint %d/%d (WaypointAccepted %d, refused %d), "+
		"error log lines %d (+%d known retries: validation controller, GatewayClass create race), forbidden %d; bad inputs reported %d/3\n",
		release, listed, len(config), deployed, len(gateways), len(running), len(rendered), orNone(podRefused), boundServices, gwAccepted, len(gwStatus), routeAccepted, len(routeStatus), derived,
		ztAccepted, len(ztunnelWant), inIndex, countIn(selected, waypointWant), len(waypointWant), wpBound, wpRefused,
		other, known, forbiddenTotal, bites)
}

func countIn(set sets.Set[string], keys []string) int {
	n := 0
	for _, k := range keys {
		if set.Contains(k) {
			n++
		}
	}
	return n
}

func sortedKeys(v verdicts) []string {
	out := make([]string, 0, len(v))
	for k := range v {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedDeployments(m map[string]appsv1.Deployment) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// standInKubelet does, as cluster-admin, what the ReplicaSet controller, the kubelet and the EndpointSlice
// controller would do for one replica of d: a Pod from its template (through admission, Pod Security included),
// Running and Ready with an address, and an EndpointSlice of each Service that selects it. None of it is Istio's.
func standInKubelet(ctx context.Context, kc kubernetes.Interface, d appsv1.Deployment, n int) error {
	ip := fmt.Sprintf("10.244.0.%d", 10+n)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: d.Name + "-0", Namespace: d.Namespace, Labels: d.Spec.Template.Labels, Annotations: d.Spec.Template.Annotations},
		Spec:       d.Spec.Template.Spec,
	}
	pod.Spec.NodeName = "conformance-node"
	created, err := kc.CoreV1().Pods(d.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("creating Pod: %w", err)
	}
	now := metav1.Now()
	created.Status = corev1.PodStatus{
		Phase: corev1.PodRunning, PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}}, HostIP: "10.0.0.1", StartTime: &now,
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
		},
	}
	if _, err := kc.CoreV1().Pods(d.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("Pod status: %w", err)
	}
	svcs, err := kc.CoreV1().Services(d.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	ready := true
	for _, svc := range svcs.Items {
		if len(svc.Spec.Selector) == 0 || !labelsMatch(svc.Spec.Selector, pod.Labels) {
			continue
		}
		var ports []discoveryv1.EndpointPort
		for _, p := range svc.Spec.Ports {
			name, proto := p.Name, p.Protocol
			port := p.TargetPort
			if port.Type == intstr.String || port.IntVal == 0 {
				port = intstr.FromInt32(p.Port)
			}
			ports = append(ports, discoveryv1.EndpointPort{Name: &name, Protocol: &proto, Port: &port.IntVal})
		}
		slice := &discoveryv1.EndpointSlice{
			ObjectMeta: metav1.ObjectMeta{
				Name: svc.Name + "-conformance", Namespace: d.Namespace,
				Labels: map[string]string{discoveryv1.LabelServiceName: svc.Name, discoveryv1.LabelManagedBy: "endpointslice-controller.k8s.io"},
			},
			AddressType: discoveryv1.AddressTypeIPv4,
			Endpoints: []discoveryv1.Endpoint{{
				Addresses:  []string{ip},
				Conditions: discoveryv1.EndpointConditions{Ready: &ready},
				TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: d.Namespace, Name: pod.Name, UID: created.UID},
				NodeName:   &pod.Spec.NodeName,
			}},
			Ports: ports,
		}
		if _, err := kc.DiscoveryV1().EndpointSlices(d.Namespace).Create(ctx, slice, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("EndpointSlice of %s: %w", svc.Name, err)
		}
	}
	return nil
}

func labelsMatch(selector, l map[string]string) bool {
	for k, v := range selector {
		if l[k] != v {
			return false
		}
	}
	return true
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// targetsRunning: a policy's targetRefs name a Gateway among the waypoints with a ready pod.
func targetsRunning(p kubeapply.Object, running []string) bool {
	refs, _, _ := unstructured.NestedSlice(p.U.Object, "spec", "targetRefs")
	for _, r := range refs {
		m, _ := r.(map[string]any)
		ns, _ := m["namespace"].(string)
		if ns == "" {
			ns = p.U.GetNamespace()
		}
		name, _ := m["name"].(string)
		for _, key := range running {
			if m["kind"] == "Gateway" && key == ns+"/"+name {
				return true
			}
		}
	}
	return false
}

// servicesUsing counts the applied Services that name (or whose Namespace names) a waypoint among running
// with istio.io/use-waypoint.
func servicesUsing(applied map[string]kubeapply.Object, running []string) int {
	nsWaypoint := map[string]string{}
	for _, o := range applied {
		if o.GVK().Kind == "Namespace" {
			nsWaypoint[o.U.GetName()] = o.U.GetLabels()["istio.io/use-waypoint"]
		}
	}
	n := 0
	for _, o := range applied {
		if o.GVK().Kind != "Service" || o.GVK().Group != "" {
			continue
		}
		w := o.U.GetLabels()["istio.io/use-waypoint"]
		if w == "" {
			w = nsWaypoint[o.U.GetNamespace()]
		}
		for _, key := range running {
			if w != "" && key == o.U.GetNamespace()+"/"+w {
				n++
			}
		}
	}
	return n
}

// biteChecks applies three objects istiod must not accept as they are and returns how many istiod reported.
func biteChecks(t *testing.T, d *istiod, dyn dynamic.Interface) int {
	t.Helper()
	ctx := context.Background()
	const ns = "shop"
	route := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
		"metadata": map[string]any{"name": "conformance-missing-backend", "namespace": ns},
		"spec": map[string]any{
			"parentRefs": []any{map[string]any{"name": "web", "namespace": "ingress", "sectionName": "http"}},
			"hostnames":  []any{"missing.example.com"},
			"rules":      []any{map[string]any{"backendRefs": []any{map[string]any{"name": "no-such-service", "port": int64(8080)}}}},
		},
	}}
	policy := func(name string, spec map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
			"metadata": map[string]any{"name": name, "namespace": ns}, "spec": spec,
		}}
	}
	l4http := policy("conformance-l4-http", map[string]any{
		"selector": map[string]any{"matchLabels": map[string]any{"app": "cart"}},
		"rules":    []any{map[string]any{"to": []any{map[string]any{"operation": map[string]any{"paths": []any{"/x"}}}}}},
	})
	noWaypoint := policy("conformance-no-waypoint", map[string]any{
		"targetRefs": []any{map[string]any{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "no-such-waypoint"}},
		"rules":      []any{map[string]any{"to": []any{map[string]any{"operation": map[string]any{"methods": []any{"GET"}}}}}},
	})
	if _, err := dyn.Resource(gwGVR("httproutes")).Namespace(ns).Create(ctx, route, metav1.CreateOptions{}); err != nil {
		t.Fatalf("bite: %v", err)
	}
	for _, p := range []*unstructured.Unstructured{l4http, noWaypoint} {
		if _, err := dyn.Resource(apGVR).Namespace(ns).Create(ctx, p, metav1.CreateOptions{}); err != nil {
			t.Fatalf("bite: %v", err)
		}
	}
	reported := map[string]string{}
	d.poll(func() (bool, string) {
		if u, err := dyn.Resource(gwGVR("httproutes")).Namespace(ns).Get(ctx, route.GetName(), metav1.GetOptions{}); err == nil {
			parents, _, _ := unstructured.NestedSlice(u.Object, "status", "parents")
			for _, p := range parents {
				m, _ := p.(map[string]any)
				list, _ := m["conditions"].([]any)
				if c := conditionsOf(list)["ResolvedRefs"]; c.status == "False" {
					reported["HTTPRoute to a missing Service"] = "ResolvedRefs " + c.String()
				}
			}
		}
		for name, want := range map[string]string{l4http.GetName(): "ZtunnelAccepted", noWaypoint.GetName(): "WaypointAccepted"} {
			if u, err := dyn.Resource(apGVR).Namespace(ns).Get(ctx, name, metav1.GetOptions{}); err == nil {
				list, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
				if c := conditionsOf(list)[want]; c.status != "" && (c.status == "False" || c.reason != "Accepted") {
					reported["AuthorizationPolicy "+name] = want + " " + c.String()
				}
			}
		}
		return len(reported) == 3, fmt.Sprintf("%d of 3 bad inputs reported", len(reported))
	})
	for what, how := range reported {
		t.Logf("bad input reported by istiod: %s: %s", what, how)
	}
	if len(reported) != 3 {
		t.Errorf("istiod reported %d of 3 bad inputs: %v", len(reported), reported)
	}
	return len(reported)
}
