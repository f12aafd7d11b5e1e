// Package istiod runs istiod's own start-up components against a real kube-apiserver, as istiod's
// ServiceAccount, so that what cdk8s-istio synthesizes for Istio 1.30.3 (its RBAC, webhooks, mesh and injector
// ConfigMaps, CRDs) is judged by the code that uses it.
//
// The kube-apiserver (v1.35, in process on an embedded etcd: test/conformance/kubeapply) gets our `default` case
// (and the Gateway API v1.5.1 standard CRDs from the sigs.k8s.io/gateway-api module) as cluster-admin, and the
// Istio config of our `dist-mlops` case. Then, in a process started with the environment of our istiod Deployment
// (istiod reads its switches from the environment once, at start), the components pilot-discovery starts
// (pilot/pkg/bootstrap.NewServer and Server.Start), assembled from the same Istio packages, each with a client
// (istio.io/istio/pkg/kube) that impersonates our istiod ServiceAccount and records every 403 (istiod shares one
// client; one per component, of the same identity, gets the same RBAC decisions and names the component whose
// request was refused). The server authorizes with RBAC, as a cluster does:
//
//   - the mesh config and mesh networks watchers on our `istio` ConfigMap (kubemesh, meshwatcher);
//   - istiod's self-signed CA (security/pkg/pki/ca: the istio-ca-secret Secret) and istiod's certificate from it,
//     in the keycertbundle.Watcher the webhook controllers read;
//   - the config controller: crdclient over istiod's schemas (Istio, Gateway API, Ingress), the WasmPlugin
//     extension, Gateway API (with its GatewayClass controller) and Ingress controllers behind istiod's aggregate
//     cache, and the VirtualService controller;
//   - the service registry: the multicluster (remote secrets) controller, the ServiceEntry registry and the
//     Kubernetes registry (kubecontroller.NewMulticluster: Services, EndpointSlices, Pods, Nodes, Namespaces …),
//     which runs the namespace controller (istio-ca-root-cert in every namespace) under its ConfigMap-lock
//     leader election;
//   - the injector: inject.NewConfigMapWatcher and inject.NewWebhook on our `istio-sidecar-injector` ConfigMap;
//   - the webhook cert patcher (pkg/webhooks) on our MutatingWebhookConfiguration and the validation webhook
//     controller (pkg/webhooks/validation/controller) on our ValidatingWebhookConfigurations;
//   - the Gateway API deployment controller (gatewaycommon) under its per-revision Lease leader election, which
//     server-side applies the Deployment, Service and ServiceAccount of a Gateway of class `istio`;
//   - the xDS server (pilot/pkg/xds), whose first full push builds the PushContext over all of it.
//
// TestIstiodComponentsAmbient does the same from our `install-ambient` case: istiod in ambient mode starts its
// ambient index too (and the ambient status writer under its Lease), which must sync without a refused request.
//
// The test asserts that no request was refused, that every component became ready, that both webhook
// controllers patched our caBundles with the CA's root, that the Istio config listed through the config
// controller is what was applied and passes Istio's validation, and that the gateway's objects exist. The ingress
// gateway's ServiceAccount reads the Secrets of its namespace the same way. The sub-test `refused` shows the check
// bites: the gateway's account is refused the Secrets of istio-system, and, once our istiod ClusterRole is deleted
// (and what the first run did is undone), the same start-up records 403s and its components do not become ready.
//
// Not run: the pilot-discovery binary itself. pilot/cmd/pilot-discovery imports pilot/pkg/bootstrap, which
// imports pilot/pkg/config/kube/agentgateway and so github.com/agentgateway/agentgateway/api; the module proxy
// this project uses refuses that module at every version (403 "This module version is not available", even
// @v/list), and every istio.io/istio commit it serves needs it. So bootstrap (NewServer, Server.Start) cannot be
// compiled here; this test wires the same packages the way NewServer does, less what needs a network listener
// (gRPC/HTTPS servers, the CA's gRPC service, the webhook HTTPS server), the agentgateway controller and the
// in-process analysis (off in our Deployment: PILOT_ENABLE_ANALYSIS=false).
package istiod

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	conformancelog "github.com/cdk8s-istio/conformance/istio-1.30/internal/istiolog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	kubeapiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
	"sigs.k8s.io/yaml"

	"istio.io/istio/pilot/pkg/features"
	"istio.io/istio/pilot/pkg/leaderelection"
	"istio.io/istio/pilot/pkg/leaderelection/k8sleaderelection/k8sresourcelock"
	"istio.io/istio/pkg/cluster"
	"istio.io/istio/pkg/config"
	"istio.io/istio/pkg/config/host"
	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/kube/kclient"

	"github.com/cdk8s-istio/conformance/kubeapply"
)

const (
	release = "1.30.3"
	// childEnv marks the process started with our istiod Deployment's environment.
	childEnv = "CDK8S_ISTIO_ISTIOD_CONFORMANCE_CHILD"
	// logEnv names a file for istiod's log (by default only its errors are kept, in the test log).
	logEnv = "CONFORMANCE_ISTIOD_LOG"
	// gatewayAPIVersion is the Gateway API release istio 1.30 is built against (its go.mod).
	gatewayAPIVersion = "v1.5.1"
	// wait bounds every wait of the run; the refused run waits less (its components cannot become ready).
	wait        = 60 * time.Second
	refusedWait = 10 * time.Second
)

// The Gateway of class istio the deployment controller provisions.
const (
	gatewayNamespace = "conformance-gateway"
	gatewayName      = "edge"
)

// startTestServer is kubeapply.StartFunc for this module's Kubernetes line.
func startTestServer(t *testing.T, flags []string, storage *storagebackend.Config) (*rest.Config, func(), error) {
	s, err := kubeapiservertesting.StartTestServer(t, kubeapiservertesting.NewDefaultTestServerOptions(), flags, storage)
	return s.ClientConfig, s.TearDownFn, err
}

func TestIstiodComponents(t *testing.T) {
	runComponents(t, "TestIstiodComponents", "default", true)
}

// TestIstiodComponentsAmbient starts the same components from our `install-ambient` case: istiod in ambient mode
// (PILOT_ENABLE_AMBIENT from its Deployment), so its ambient index (the workloads, services and policies it sends
// ztunnel) starts too, with the same identity and RBAC. The case has no ingress gateway: the gateway and `refused`
// sub-tests are the default case's.
func TestIstiodComponentsAmbient(t *testing.T) {
	runComponents(t, "TestIstiodComponentsAmbient", "install-ambient", false)
}

// runComponents runs test `name` over the case `caseName`: in a child process with the environment of the case's
// istiod Deployment; `full` adds the ingress gateway and `refused` sub-tests.
func runComponents(t *testing.T, name, caseName string, full bool) {
	dir, err := kubeapply.CasesDir(release)
	if err != nil {
		t.Fatal(err)
	}
	def := loadCase(t, dir, caseName)
	s, environ := settingsOf(t, def)
	if os.Getenv(childEnv) == "" {
		// istiod reads its switches (features, env.Register) once, at start: run the test in a process started
		// with our istiod container's environment, as the pod would be.
		args := []string{"-test.run=^" + name + "$", "-test.count=1", "-test.v=" + fmt.Sprint(testing.Verbose())}
		ctx := context.Background()
		if deadline, ok := t.Deadline(); ok {
			// The child ends before this test's own deadline, so it never outlives it.
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, deadline.Add(-10*time.Second))
			defer cancel()
			args = append(args, "-test.timeout="+time.Until(deadline.Add(-15*time.Second)).Round(time.Second).String())
		}
		cmd := exec.CommandContext(ctx, os.Args[0], args...)
		cmd.Env = append(append(os.Environ(), environ...), childEnv+"=1")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		t.Logf("istiod environment (from our Deployment %s/%s): %s", s.namespace, s.deployment, strings.Join(environ, " "))
		if err := cmd.Run(); err != nil {
			t.Fatalf("the test process with istiod's environment failed: %v", err)
		}
		return
	}
	runChild(t, dir, def, s, full)
}

func loadCase(t *testing.T, dir, name string) kubeapply.Case {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(dir, name+".yaml"))
	if err != nil {
		t.Fatalf("%v (write the fixtures with `%s`)", err, kubeapply.FixturesCommand)
	}
	objs, err := kubeapply.ParseObjects(name, text)
	if err != nil {
		t.Fatal(err)
	}
	return kubeapply.Case{Name: name, Objects: objs}
}

func decode[T any](t *testing.T, o kubeapply.Object) *T {
	t.Helper()
	out := new(T)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.U.Object, out); err != nil {
		t.Fatalf("%s: %v", o.ID(), err)
	}
	return out
}

// settingsOf reads istiod's start-up parameters from our istiod Deployment (the container running
// `pilot-discovery discovery`): its namespace, ServiceAccount and flags, and its container environment as the
// kubelet would set it (literal values; the downward API fields of the pod; resource fields left out).
func settingsOf(t *testing.T, c kubeapply.Case) (settings, []string) {
	t.Helper()
	for _, o := range c.Objects {
		if o.GVK().Kind != "Deployment" {
			continue
		}
		d := decode[appsv1.Deployment](t, o)
		for _, ctr := range d.Spec.Template.Spec.Containers {
			if len(ctr.Args) == 0 || ctr.Args[0] != "discovery" {
				continue
			}
			s := settings{
				deployment: d.Name, namespace: d.Namespace, serviceAccount: d.Spec.Template.Spec.ServiceAccountName,
				podName: d.Name + "-conformance-0", domain: "cluster.local", maxConnAge: 30 * time.Minute, clusterID: "Kubernetes",
			}
			for i := 1; i < len(ctr.Args); i++ {
				flag, value, inline := strings.Cut(strings.TrimLeft(ctr.Args[i], "-"), "=")
				if !inline && i+1 < len(ctr.Args) && !strings.HasPrefix(ctr.Args[i+1], "-") {
					value = ctr.Args[i+1]
					i++
				}
				switch flag {
				case "domain":
					s.domain = value
				case "keepaliveMaxServerConnectionAge":
					if dur, err := time.ParseDuration(value); err == nil {
						s.maxConnAge = dur
					}
				}
			}
			var environ []string
			for _, e := range ctr.Env {
				value := e.Value
				if e.ValueFrom != nil {
					if e.ValueFrom.FieldRef == nil {
						continue
					}
					switch e.ValueFrom.FieldRef.FieldPath {
					case "metadata.name":
						value = s.podName
					case "metadata.namespace":
						value = s.namespace
					case "spec.serviceAccountName":
						value = s.serviceAccount
					default:
						continue
					}
				}
				switch e.Name {
				case "REVISION":
					s.revision = value
				case "CLUSTER_ID":
					s.clusterID = cluster.ID(value)
				}
				environ = append(environ, e.Name+"="+value)
			}
			if s.serviceAccount == "" {
				s.serviceAccount = "default"
			}
			return s, environ
		}
	}
	t.Fatalf("case %s has no istiod Deployment (a container running `discovery`)", c.Name)
	return settings{}, nil
}

var retryCount = regexp.MustCompile(` \(retry count: \d+\)`)

// logged reports istiod's error lines since the last call, each once with how often it came (retries counted
// as the same line). They are diagnostics, not verdicts: a controller retrying is istiod's normal behaviour, e.g.
// the validation controller until its dry-run invalid Gateway is refused by a running webhook (none runs here).
func logged(t *testing.T, l *conformancelog.Errors) {
	t.Helper()
	counts := map[string]int{}
	var order []string
	for _, line := range l.Take() {
		// The kube-apiserver runs in this process and logs through klog, which Istio's log takes over: its lines
		// (scope klog) are the server's, not istiod's.
		if strings.HasPrefix(line, "klog ") {
			continue
		}
		line = retryCount.ReplaceAllString(line, "")
		if counts[line] == 0 {
			order = append(order, line)
		}
		counts[line]++
	}
	for _, line := range order {
		t.Logf("istiod logged (×%d): %s", counts[line], line)
	}
}

// captureIstioLog keeps istiod's error-level log lines and writes the whole log to logEnv's file, if set.
func captureIstioLog(t *testing.T) *conformancelog.Errors {
	out := os.DevNull
	if file := os.Getenv(logEnv); file != "" {
		out = file
	}
	return conformancelog.Capture(t, out)
}

// gatewayAPICRDs are the Gateway API standard channel's CRDs (and its safe-upgrades admission policy) of the
// release istio 1.30 is built against, read from the module cache.
func gatewayAPICRDs(t *testing.T) kubeapply.Case {
	t.Helper()
	// The module this test is built with selects the version (go list -m reads go.mod; the module is in the
	// cache since the build needed it).
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}} {{.Dir}}", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		t.Fatalf("go list -m sigs.k8s.io/gateway-api: %v", err)
	}
	version, moduleDir, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	if version != gatewayAPIVersion {
		t.Fatalf("this module builds with sigs.k8s.io/gateway-api %q, not %s", version, gatewayAPIVersion)
	}
	dir := filepath.Join(moduleDir, "config", "crd", "standard")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Gateway API CRDs in %s (go mod download sigs.k8s.io/gateway-api@%s): %v", dir, version, err)
	}
	sort.Strings(files)
	kase := kubeapply.Case{Name: "gateway-api-" + version + "-standard"}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := kubeapply.ParseObjects(filepath.Base(f), text)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		kase.Objects = append(kase.Objects, objs...)
	}
	return kase
}

func isIstioConfig(o kubeapply.Object) bool {
	gvk := o.GVK()
	return (strings.HasSuffix(gvk.Group, "istio.io") || gvk.Group == "gateway.networking.k8s.io") && gvk.Kind != "CustomResourceDefinition"
}

// istioConfigOf is the Istio config of a case, with the Namespaces of the case it lives in.
func istioConfigOf(c kubeapply.Case, existing map[string]bool) kubeapply.Case {
	out := kubeapply.Case{Name: c.Name + " (Istio config)"}
	used := map[string]bool{}
	for _, o := range c.Objects {
		if isIstioConfig(o) {
			out.Objects = append(out.Objects, o)
			used[o.U.GetNamespace()] = true
		}
	}
	for _, o := range c.Objects {
		if o.GVK().Kind == "Namespace" && o.GVK().Group == "" && used[o.U.GetName()] && !existing[o.U.GetName()] {
			out.Objects = append(out.Objects, o)
		}
	}
	return out
}

// withoutGatewayRoutes is a case without its routes that name a Gateway among their parentRefs.
func withoutGatewayRoutes(c kubeapply.Case) kubeapply.Case {
	out := kubeapply.Case{Name: c.Name}
	for _, o := range c.Objects {
		if strings.HasSuffix(o.GVK().Kind, "Route") && o.GVK().Group == "gateway.networking.k8s.io" {
			parents, _, _ := unstructured.NestedSlice(o.U.Object, "spec", "parentRefs")
			gatewayParent := false
			for _, p := range parents {
				if m, ok := p.(map[string]any); ok && (m["kind"] == nil || m["kind"] == "Gateway") {
					gatewayParent = true
				}
			}
			if gatewayParent {
				continue
			}
		}
		out.Objects = append(out.Objects, o)
	}
	return out
}

func apply(t *testing.T, c *kubeapply.Cluster, kase kubeapply.Case) []kubeapply.Object {
	t.Helper()
	accepted, rejections, err := kubeapply.ApplyCase(context.Background(), c, kase)
	if err != nil {
		t.Fatalf("applying %s: %v", kase.Name, err)
	}
	for _, r := range rejections {
		t.Errorf("the kube-apiserver rejected: %s", r)
	}
	if len(rejections) > 0 {
		t.FailNow()
	}
	return accepted
}

func runChild(t *testing.T, dir string, def kubeapply.Case, s settings, full bool) {
	logs := captureIstioLog(t)
	// RBAC decides, as in a real cluster (the test server alone would allow everything).
	admin := kubeapply.StartAPIServer(t, startTestServer, "--authorization-mode=Node,RBAC")
	cluster, err := kubeapply.Connect(admin)
	if err != nil {
		t.Fatal(err)
	}
	version := kubeapply.RequireStampedVersion(t, cluster)
	kc := kubernetes.NewForConfigOrDie(admin)
	dyn := dynamic.NewForConfigOrDie(admin)

	apply(t, cluster, gatewayAPICRDs(t))
	apply(t, cluster, def)
	granted := grants(t, def)
	waitForAuthorizer(t, kc, granted, true)
	existing := map[string]bool{}
	for _, o := range def.Objects {
		if o.GVK().Kind == "Namespace" {
			existing[o.U.GetName()] = true
		}
	}
	mlops := istioConfigOf(loadCase(t, dir, "dist-mlops"), existing)
	var config []kubeapply.Object
	for _, o := range apply(t, cluster, mlops) {
		if isIstioConfig(o) {
			config = append(config, o)
		}
	}
	// The Gateway API objects of our `gateway-api` case (Gateways, GatewayClass, GAMMA routes, ReferenceGrants,
	// waypoints), listed through the same config controller. Left out: routes attached to a Gateway. With any of
	// them, even a minimal hand-written HTTPRoute whose only parentRef names a Gateway, the config controller
	// assembled here never reports synced (its Gateway API controller's outputs), so they are judged by the
	// kube-apiserver suite and by TestIstiodAmbientAccepts, which wires istiod's registry event handlers: the
	// controller is synced only once a push has reconciled its gateway context, and without the handlers this
	// run's first push waits for that sync.
	gatewayAPI := withoutGatewayRoutes(istioConfigOf(loadCase(t, dir, "gateway-api"), existing))
	for _, o := range apply(t, cluster, gatewayAPI) {
		if isIstioConfig(o) {
			config = append(config, o)
		}
	}
	createGateway(t, kc, dyn)
	t.Logf("kube-apiserver %s: applied the Gateway API %s standard CRDs, case %s (%d objects), %d Istio objects of dist-mlops and Gateway API objects of gateway-api, Gateway %s/%s (class istio)",
		version, gatewayAPIVersion, def.Name, len(def.Objects), len(config), gatewayNamespace, gatewayName)

	t.Run("istiod", func(t *testing.T) {
		d := newIstiod(s, admin, wait)
		d.start()
		expect := expectations{kc: kc, namespaces: namespacesOf(def, mlops, gatewayAPI)}
		d.check(expect)
		defer d.shutdown()

		logged(t, logs)
		for _, w := range d.rec.wrote() {
			t.Logf("wrote: %s", w)
		}
		refused, total := d.rec.list()
		for _, f := range refused {
			t.Errorf("forbidden: %s", f)
		}
		for _, why := range d.notReady() {
			t.Errorf("not ready: %s", why)
		}
		listed := checkConfig(t, d, config)
		checkMesh(t, d, def)
		checkInjector(t, d, def)
		names, took := d.readyList()
		mode := ""
		if features.EnableAmbient {
			mode = " in ambient mode (case " + def.Name + ")"
		}
		fmt.Printf("conformance %s istiod components%s (impersonating %s): %s ready in %.1fs, Istio config listed %d, forbidden %d\n",
			release, mode, d.who, strings.Join(names, ", "), took.Seconds(), listed, total)
		t.Logf("%d requests as %s", d.rec.requests(), d.who)
	})

	if !full {
		return
	}
	t.Run("ingressgateway", func(t *testing.T) {
		who := gatewayIdentity(t, def)
		rec := &recorder{}
		ok, took := watchSecrets(t, admin, who, who.namespace, rec)
		refused, total := rec.list()
		for _, f := range refused {
			t.Errorf("forbidden: %s", f)
		}
		if !ok {
			t.Errorf("the Secrets informer of %s did not sync", who)
		}
		fmt.Printf("conformance %s ingress gateway (impersonating %s): Secrets of %s listed and watched in %.1fs, forbidden %d\n",
			release, who, who.namespace, took.Seconds(), total)
	})

	// The check bites: the same start-up without our istiod ClusterRole is refused, and the gateway's account
	// is refused Secrets outside its namespace.
	t.Run("refused", func(t *testing.T) {
		who := gatewayIdentity(t, def)
		rec := &recorder{}
		watchSecrets(t, admin, who, s.namespace, rec)
		if _, total := rec.list(); total == 0 {
			t.Errorf("%s listed the Secrets of %s: its Role should not allow that", who, s.namespace)
		}

		role := istiodClusterRole(t, def, s)
		if err := kc.RbacV1().ClusterRoles().Delete(context.Background(), role, metav1.DeleteOptions{}); err != nil {
			t.Fatalf("deleting ClusterRole %s: %v", role, err)
		}
		var revoked []access
		for _, a := range granted {
			if a.role == role && a.attr.Namespace == "" {
				revoked = append(revoked, a)
			}
		}
		waitForAuthorizer(t, kc, revoked, false)
		undo(t, kc, s, namespacesOf(def, mlops))
		r := newIstiod(s, admin, refusedWait)
		done := make(chan struct{})
		go func() {
			defer close(done)
			r.start()
			r.check(expectations{kc: kc, namespaces: namespacesOf(def, mlops)})
		}()
		select {
		case <-done:
		case <-time.After(6 * refusedWait):
			t.Logf("istiod's start-up still blocked after %s (istiod would hang there)", 6*refusedWait)
		}
		r.shutdown()
		logs.Take() // its errors are the refusals below
		refused, total := r.rec.list()
		if total == 0 {
			t.Errorf("without ClusterRole %s istiod's components got no 403", role)
		}
		lines := summarize(refused)
		fmt.Printf("conformance %s istiod components without ClusterRole %s: forbidden %d (%d distinct requests), %d of %d components not ready\n",
			release, role, total, len(refused), len(r.notReady()), len(componentOrder()))
		for _, l := range lines {
			t.Logf("  forbidden: %s", l)
		}
		for _, why := range r.notReady() {
			t.Logf("  not ready: %s", why)
		}
	})
}

// undo removes, as cluster-admin, what the first run's components did, so that the refused run's readiness says
// what it achieved itself: the leader locks (once released), the caBundles, the root certificate ConfigMaps,
// istio-ca-secret and the gateway's objects.
func undo(t *testing.T, kc kubernetes.Interface, s settings, namespaces []string) {
	t.Helper()
	ctx := context.Background()
	lease := leaderelection.GatewayDeploymentController + "-" + s.revision
	deadline := time.Now().Add(wait)
	for {
		l, err := kc.CoordinationV1().Leases(s.namespace).Get(ctx, lease, metav1.GetOptions{})
		if err != nil || l.Spec.HolderIdentity == nil || *l.Spec.HolderIdentity == "" {
			break // released on stop (ReleaseOnCancel)
		}
		if time.Now().After(deadline) {
			t.Fatalf("Lease %s still held after %s", lease, wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
	gone := func(err error) {
		t.Helper()
		if err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
	}
	gone(kc.CoordinationV1().Leases(s.namespace).Delete(ctx, lease, metav1.DeleteOptions{}))
	gone(kc.CoreV1().ConfigMaps(s.namespace).Delete(ctx, leaderelection.NamespaceController, metav1.DeleteOptions{}))
	gone(kc.CoreV1().Secrets(s.namespace).Delete(ctx, "istio-ca-secret", metav1.DeleteOptions{}))
	for _, ns := range namespaces {
		gone(kc.CoreV1().ConfigMaps(ns).Delete(ctx, features.CACertConfigMapName, metav1.DeleteOptions{}))
	}
	name := gatewayName + "-istio"
	gone(kc.AppsV1().Deployments(gatewayNamespace).Delete(ctx, name, metav1.DeleteOptions{}))
	gone(kc.CoreV1().Services(gatewayNamespace).Delete(ctx, name, metav1.DeleteOptions{}))
	gone(kc.CoreV1().ServiceAccounts(gatewayNamespace).Delete(ctx, name, metav1.DeleteOptions{}))
	selector := metav1.ListOptions{LabelSelector: "istio.io/rev=" + s.revision}
	mwcs, err := kc.AdmissionregistrationV1().MutatingWebhookConfigurations().List(ctx, selector)
	gone(err)
	for _, w := range mwcs.Items {
		for i := range w.Webhooks {
			w.Webhooks[i].ClientConfig.CABundle = nil
		}
		_, err := kc.AdmissionregistrationV1().MutatingWebhookConfigurations().Update(ctx, &w, metav1.UpdateOptions{})
		gone(err)
	}
	vwcs, err := kc.AdmissionregistrationV1().ValidatingWebhookConfigurations().List(ctx, selector)
	gone(err)
	for _, w := range vwcs.Items {
		for i := range w.Webhooks {
			w.Webhooks[i].ClientConfig.CABundle = nil
		}
		_, err := kc.AdmissionregistrationV1().ValidatingWebhookConfigurations().Update(ctx, &w, metav1.UpdateOptions{})
		gone(err)
	}
}

func namespacesOf(cases ...kubeapply.Case) []string {
	set := map[string]bool{}
	for _, c := range cases {
		for _, o := range c.Objects {
			if o.GVK().Kind == "Namespace" && o.GVK().Group == "" {
				set[o.U.GetName()] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for ns := range set {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// gatewayIdentity is the ServiceAccount of our ingress gateway Deployment (the one named istio-ingressgateway).
func gatewayIdentity(t *testing.T, c kubeapply.Case) identity {
	t.Helper()
	for _, o := range c.Objects {
		if o.GVK().Kind == "Deployment" && o.U.GetName() == "istio-ingressgateway" {
			d := decode[appsv1.Deployment](t, o)
			sa := d.Spec.Template.Spec.ServiceAccountName
			if sa == "" {
				sa = "default"
			}
			return identity{namespace: d.Namespace, serviceAccount: sa}
		}
	}
	t.Fatalf("case %s has no istio-ingressgateway Deployment", c.Name)
	return identity{}
}

// istiodClusterRole is the ClusterRole our istiod-clusterrole ClusterRoleBinding grants istiod's ServiceAccount.
func istiodClusterRole(t *testing.T, c kubeapply.Case, s settings) string {
	t.Helper()
	for _, o := range c.Objects {
		if o.GVK().Kind != "ClusterRoleBinding" || !strings.HasPrefix(o.U.GetName(), "istiod-clusterrole") {
			continue
		}
		roleRef, _, _ := unstructured.NestedString(o.U.Object, "roleRef", "name")
		subjects, _, _ := unstructured.NestedSlice(o.U.Object, "subjects")
		for _, sub := range subjects {
			m, _ := sub.(map[string]any)
			if m["kind"] == "ServiceAccount" && m["name"] == s.serviceAccount && m["namespace"] == s.namespace {
				return roleRef
			}
		}
	}
	t.Fatalf("case %s binds no istiod-clusterrole to %s/%s", c.Name, s.namespace, s.serviceAccount)
	return ""
}

// watchSecrets runs an Istio kclient informer on the Secrets of ns as who and waits (bounded) for it to sync.
func watchSecrets(t *testing.T, admin *rest.Config, who identity, ns string, rec *recorder) (bool, time.Duration) {
	t.Helper()
	c, err := kube.NewClient(kube.NewClientConfigForRestConfig(impersonating(admin, who, "secrets", rec)), "Kubernetes")
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	start := time.Now()
	secrets := kclient.NewFiltered[*corev1.Secret](c, kclient.Filter{Namespace: ns})
	go c.RunAndWait(stop)
	bound := wait
	if ns != who.namespace {
		bound = refusedWait
	}
	deadline := time.Now().Add(bound)
	for !secrets.HasSynced() {
		if time.Now().After(deadline) {
			return false, time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true, time.Since(start)
}

func createGateway(t *testing.T, kc kubernetes.Interface, dyn dynamic.Interface) {
	t.Helper()
	ctx := context.Background()
	if _, err := kc.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: gatewayNamespace}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	gw := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1",
		"kind":       "Gateway",
		"metadata":   map[string]any{"name": gatewayName, "namespace": gatewayNamespace},
		"spec": map[string]any{
			"gatewayClassName": "istio",
			"listeners":        []any{map[string]any{"name": "http", "port": int64(80), "protocol": "HTTP"}},
		},
	}}
	if _, err := dyn.Resource(gatewayGVR).Namespace(gatewayNamespace).Create(ctx, gw, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating Gateway %s/%s: %v", gatewayNamespace, gatewayName, err)
	}
}

var gatewayGVR = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "gateways"}

// expectations are what the checks read back as cluster-admin.
type expectations struct {
	kc         kubernetes.Interface
	namespaces []string // the namespace controller must publish the root certificate in each
}

// check waits (each wait bounded) until every component is ready or given up, running the checks that read
// the components' effects back as cluster-admin.
func (d *istiod) check(e expectations) {
	ctx := context.Background()
	var wg sync.WaitGroup
	run := func(component string, cond func() (bool, string)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.until(component, cond)
		}()
	}
	root := func() []byte { return d.certs.GetCABundle() }
	run(cInjector, func() (bool, string) {
		cfg := d.webhookConfig()
		if len(cfg.Templates) == 0 {
			return false, "no injection templates loaded"
		}
		return true, ""
	})
	run(cPatcher, func() (bool, string) {
		if len(root()) == 0 {
			return false, "no CA root yet"
		}
		list, err := e.kc.AdmissionregistrationV1().MutatingWebhookConfigurations().List(ctx, metav1.ListOptions{LabelSelector: "istio.io/rev=" + d.s.revision})
		if err != nil || len(list.Items) == 0 {
			return false, fmt.Sprintf("no MutatingWebhookConfiguration of revision %s: %v", d.s.revision, err)
		}
		for _, w := range list.Items {
			for _, h := range w.Webhooks {
				if strings.HasSuffix(h.Name, "sidecar-injector.istio.io") && !bytes.Equal(h.ClientConfig.CABundle, root()) {
					return false, fmt.Sprintf("%s webhook %s: caBundle not the CA root", w.Name, h.Name)
				}
			}
		}
		return true, ""
	})
	run(cValidation, func() (bool, string) {
		if len(root()) == 0 {
			return false, "no CA root yet"
		}
		list, err := e.kc.AdmissionregistrationV1().ValidatingWebhookConfigurations().List(ctx, metav1.ListOptions{LabelSelector: "istio.io/rev=" + d.s.revision})
		if err != nil || len(list.Items) == 0 {
			return false, fmt.Sprintf("no ValidatingWebhookConfiguration of revision %s: %v", d.s.revision, err)
		}
		for _, w := range list.Items {
			for _, h := range w.Webhooks {
				if !bytes.Equal(h.ClientConfig.CABundle, root()) {
					return false, fmt.Sprintf("%s webhook %s: caBundle not the CA root", w.Name, h.Name)
				}
			}
		}
		return true, ""
	})
	run(cNamespace, func() (bool, string) {
		if len(root()) == 0 {
			return false, "no CA root yet"
		}
		for _, ns := range e.namespaces {
			cm, err := e.kc.CoreV1().ConfigMaps(ns).Get(ctx, features.CACertConfigMapName, metav1.GetOptions{})
			if err != nil {
				return false, fmt.Sprintf("%s/%s: %v", ns, features.CACertConfigMapName, err)
			}
			if cm.Data["root-cert.pem"] != string(root()) {
				return false, fmt.Sprintf("%s/%s: not the CA root", ns, features.CACertConfigMapName)
			}
		}
		return true, ""
	})
	run(cLeader, func() (bool, string) {
		lease := leaderelection.GatewayDeploymentController + "-" + d.s.revision
		l, err := e.kc.CoordinationV1().Leases(d.s.namespace).Get(ctx, lease, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Sprintf("Lease %s: %v", lease, err)
		}
		if l.Spec.HolderIdentity == nil || *l.Spec.HolderIdentity != d.s.podName {
			return false, fmt.Sprintf("Lease %s not held by %s", lease, d.s.podName)
		}
		cm, err := e.kc.CoreV1().ConfigMaps(d.s.namespace).Get(ctx, leaderelection.NamespaceController, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Sprintf("ConfigMap lock %s: %v", leaderelection.NamespaceController, err)
		}
		var record k8sresourcelock.LeaderElectionRecord
		_ = json.Unmarshal([]byte(cm.Annotations[k8sresourcelock.LeaderElectionRecordAnnotationKey]), &record)
		if record.HolderIdentity != d.s.podName {
			return false, fmt.Sprintf("ConfigMap lock %s not held by %s", leaderelection.NamespaceController, d.s.podName)
		}
		return true, ""
	})
	run(cDeployment, func() (bool, string) {
		name := gatewayName + "-istio"
		if _, err := e.kc.AppsV1().Deployments(gatewayNamespace).Get(ctx, name, metav1.GetOptions{}); err != nil {
			return false, fmt.Sprintf("Deployment %s: %v", name, err)
		}
		if _, err := e.kc.CoreV1().Services(gatewayNamespace).Get(ctx, name, metav1.GetOptions{}); err != nil {
			return false, fmt.Sprintf("Service %s: %v", name, err)
		}
		if _, err := e.kc.CoreV1().ServiceAccounts(gatewayNamespace).Get(ctx, name, metav1.GetOptions{}); err != nil {
			return false, fmt.Sprintf("ServiceAccount %s: %v", name, err)
		}
		// The controller also writes its version annotation through gateways/status ("status write can modify
		// annotations"). A CRD's /status keeps only status (apiextensions-apiserver statusStrategy), so the
		// annotation does not stay; the request, authorized by our RBAC, is what counts here.
		if !d.rec.hasWrite(cDeployment, "patch", "gateways/status.gateway.networking.k8s.io") {
			return false, "no patch of gateways/status"
		}
		return true, ""
	})
	run(cConfig, func() (bool, string) {
		if d.config == nil || d.vs == nil {
			return false, "no config controller"
		}
		return d.config.HasSynced() && d.vs.HasSynced(), "config stores not synced"
	})
	if features.EnableAmbient {
		run(cAmbient, func() (bool, string) {
			if d.ambient == nil {
				return false, "no ambient index"
			}
			if !d.ambient.HasSynced() {
				return false, "ambient index not synced"
			}
			return !features.EnableAmbientStatus || d.status.CurrentlyActive(), "ambient status writer: status Lease not held"
		})
	}
	run(cRegistry, func() (bool, string) {
		if d.mc == nil || d.services == nil {
			return false, "no service registry"
		}
		if !d.mc.HasSynced() || !d.services.HasSynced() {
			return false, "multicluster controller or service registries not synced"
		}
		// Our istiod Service, through the Kubernetes registry.
		h := host.Name(fmt.Sprintf("istiod.%s.svc.%s", d.s.namespace, d.s.domain))
		if d.services.GetService(h) == nil {
			return false, fmt.Sprintf("the service registry has no %s", h)
		}
		return true, ""
	})
	wg.Wait()
	// The start-up goroutines (mesh, config, registry, push) are bounded by the same waits.
	d.until(cPush, func() (bool, string) { return d.isReady(cPush), "first push not done" })
}

// checkConfig lists the applied Istio and Gateway API config through the config controller's crdclient, checks it is what was applied, and validates each object with Istio's own validation (the
// schema's, as the validation webhook does). It returns how many objects were listed.
func checkConfig(t *testing.T, d *istiod, applied []kubeapply.Object) int {
	t.Helper()
	if d.crd == nil {
		t.Error("no config controller")
		return 0
	}
	want := map[string]bool{}
	kinds := map[config.GroupVersionKind]bool{}
	for _, o := range applied {
		gvk := o.GVK()
		s, ok := collections.All.FindByGroupKind(config.GroupVersionKind{Group: gvk.Group, Kind: gvk.Kind})
		if !ok {
			t.Errorf("%s: not a kind istiod knows", o.ID())
			continue
		}
		kinds[s.GroupVersionKind()] = true
		want[s.Kind()+" "+o.U.GetNamespace()+"/"+o.U.GetName()] = true
	}
	listed, rejected := 0, 0
	for gvk := range kinds {
		s, _ := collections.All.FindByGroupVersionKind(gvk)
		for _, cfg := range d.crd.List(gvk, "") {
			key := s.Kind() + " " + cfg.Namespace + "/" + cfg.Name
			if !want[key] {
				continue
			}
			delete(want, key)
			listed++
			if _, err := s.ValidateConfig(cfg); err != nil {
				rejected++
				t.Errorf("Istio rejects %s: %v", key, err)
			}
		}
	}
	for key := range want {
		t.Errorf("applied but not listed by istiod's config controller: %s", key)
	}
	t.Logf("Istio and Gateway API config listed through istiod's config controller: %d objects of %d kinds, rejected %d", listed, len(kinds), rejected)
	return listed
}

// checkMesh compares the mesh config istiod loaded with our `istio` ConfigMap.
func checkMesh(t *testing.T, d *istiod, def kubeapply.Case) {
	t.Helper()
	var ours map[string]any
	for _, o := range def.Objects {
		if o.GVK().Kind == "ConfigMap" && o.U.GetNamespace() == d.s.namespace && o.U.GetName() == d.s.meshConfigMapName() {
			text, _, _ := unstructured.NestedString(o.U.Object, "data", "mesh")
			if err := yaml.Unmarshal([]byte(text), &ours); err != nil {
				t.Fatalf("our mesh config: %v", err)
			}
		}
	}
	if ours == nil {
		t.Fatalf("case default has no ConfigMap %s/%s", d.s.namespace, d.s.meshConfigMapName())
	}
	m := d.env.Mesh()
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	defaults, _ := ours["defaultConfig"].(map[string]any)
	checks := []struct{ name, want, got string }{
		{"trustDomain", str(ours["trustDomain"]), m.GetTrustDomain()},
		{"rootNamespace", str(ours["rootNamespace"]), m.GetRootNamespace()},
		{"defaultConfig.discoveryAddress", str(defaults["discoveryAddress"]), m.GetDefaultConfig().GetDiscoveryAddress()},
		{"enablePrometheusMerge", str(ours["enablePrometheusMerge"]), fmt.Sprint(m.GetEnablePrometheusMerge().GetValue())},
	}
	for _, c := range checks {
		if c.want == "" {
			t.Errorf("our mesh config sets no %s", c.name)
		} else if c.want != c.got {
			t.Errorf("istiod's mesh config %s = %q, ours says %q", c.name, c.got, c.want)
		}
	}
	t.Logf("istiod loaded our mesh config: trustDomain %s, rootNamespace %s, discoveryAddress %s",
		m.GetTrustDomain(), m.GetRootNamespace(), m.GetDefaultConfig().GetDiscoveryAddress())
}

// checkInjector: the injector loaded every template of our istio-sidecar-injector ConfigMap.
func checkInjector(t *testing.T, d *istiod, def kubeapply.Case) {
	t.Helper()
	cfg := d.webhookConfig()
	if cfg.Templates == nil {
		t.Error("the injector loaded no config")
		return
	}
	var ours map[string]any
	for _, o := range def.Objects {
		if o.GVK().Kind == "ConfigMap" && o.U.GetNamespace() == d.s.namespace && o.U.GetName() == d.s.injectorConfigMapName() {
			text, _, _ := unstructured.NestedString(o.U.Object, "data", "config")
			if err := yaml.Unmarshal([]byte(text), &ours); err != nil {
				t.Fatalf("our injector config: %v", err)
			}
		}
	}
	templates, _ := ours["templates"].(map[string]any)
	var names []string
	for name := range templates {
		names = append(names, name)
		if cfg.Templates[name] == nil {
			t.Errorf("the injector did not load template %q", name)
		}
	}
	sort.Strings(names)
	t.Logf("istiod's injector loaded our templates %s (policy %s, default templates %v)", strings.Join(names, ", "),
		d.webhook.Config.Policy, d.webhook.Config.DefaultTemplates)
	if cfg.Values.Struct() == nil || len(cfg.Values.Map()) == 0 {
		t.Error("the injector loaded no values")
	}
}
