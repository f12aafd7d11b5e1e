package istiod

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"

	"istio.io/istio/pilot/pkg/autoregistration"
	configaggregate "istio.io/istio/pilot/pkg/config/aggregate"
	"istio.io/istio/pilot/pkg/config/kube/crdclient"
	"istio.io/istio/pilot/pkg/config/kube/extensions"
	"istio.io/istio/pilot/pkg/config/kube/gateway"
	"istio.io/istio/pilot/pkg/config/kube/gatewaycommon"
	"istio.io/istio/pilot/pkg/config/kube/ingress"
	"istio.io/istio/pilot/pkg/features"
	"istio.io/istio/pilot/pkg/keycertbundle"
	"istio.io/istio/pilot/pkg/leaderelection"
	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pilot/pkg/server"
	"istio.io/istio/pilot/pkg/serviceregistry/aggregate"
	"istio.io/istio/pilot/pkg/serviceregistry/ambient"
	kubecontroller "istio.io/istio/pilot/pkg/serviceregistry/kube/controller"
	"istio.io/istio/pilot/pkg/serviceregistry/serviceentry"
	"istio.io/istio/pilot/pkg/xds"
	"istio.io/istio/pkg/activenotifier"
	"istio.io/istio/pkg/cluster"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/config/mesh/kubemesh"
	"istio.io/istio/pkg/config/mesh/meshwatcher"
	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/config/schema/gvr"
	"istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/kube/inject"
	"istio.io/istio/pkg/kube/kclient"
	"istio.io/istio/pkg/kube/krt"
	"istio.io/istio/pkg/kube/kubetypes"
	"istio.io/istio/pkg/kube/multicluster"
	"istio.io/istio/pkg/kube/namespace"
	"istio.io/istio/pkg/revisions"
	"istio.io/istio/pkg/webhooks"
	validationcontroller "istio.io/istio/pkg/webhooks/validation/controller"
	"istio.io/istio/security/pkg/cmd"
	"istio.io/istio/security/pkg/pki/ca"
)

// Component names, in the order of the summary line.
const (
	cMesh       = "mesh watcher"
	cCA         = "CA"
	cConfig     = "config controller"
	cRegistry   = "service registry"
	cAmbient    = "ambient index"
	cNamespace  = "namespace controller"
	cInjector   = "injector"
	cPatcher    = "injection cert patcher"
	cValidation = "validation controller"
	cLeader     = "leader election"
	cDeployment = "gateway deployment controller"
	cPush       = "push context"
)

// componentOrder is the components istiod starts: the ambient index too when our Deployment turns ambient mode on
// (PILOT_ENABLE_AMBIENT, read by features.EnableAmbient from the environment the test process runs with).
func componentOrder() []string {
	out := []string{cMesh, cCA, cConfig, cRegistry}
	if features.EnableAmbient {
		out = append(out, cAmbient)
	}
	return append(out, cNamespace, cInjector, cPatcher, cValidation, cLeader, cDeployment, cPush)
}

// settings are istiod's start-up parameters, read from our Deployment (see settingsOf).
type settings struct {
	deployment     string
	namespace      string
	serviceAccount string
	podName        string
	revision       string
	clusterID      cluster.ID
	domain         string
	maxConnAge     time.Duration
}

func (s settings) identity() identity {
	return identity{namespace: s.namespace, serviceAccount: s.serviceAccount}
}

// meshConfigMapName and injectorConfigMapName are istiod's (pilot/pkg/bootstrap: getMeshConfigMapName,
// getInjectorConfigMapName).
func (s settings) meshConfigMapName() string {
	if s.revision == "" || s.revision == "default" {
		return "istio"
	}
	return "istio-" + s.revision
}

func (s settings) injectorConfigMapName() string {
	if s.revision == "" || s.revision == "default" {
		return "istio-sidecar-injector"
	}
	return "istio-sidecar-injector-" + s.revision
}

// istiod is what pilot/pkg/bootstrap.NewServer and Server.Start assemble, built here from the same packages
// (bootstrap itself cannot be built: see the package comment), each component with its own client of the same
// identity.
type istiod struct {
	s       settings
	admin   *rest.Config
	who     identity
	rec     *recorder
	stop    chan struct{}
	wait    time.Duration // bound of every wait
	debug   *krt.DebugHandler
	started time.Time

	env      *model.Environment
	ds       *xds.DiscoveryServer
	certs    *keycertbundle.Watcher
	meshCol  krt.Singleton[meshwatcher.MeshConfigResource]
	netCol   krt.Singleton[meshwatcher.MeshNetworksResource]
	crd      *crdclient.Client
	config   model.ConfigStoreController
	vs       *model.VirtualServiceController
	services *aggregate.Controller
	mc       *multicluster.Controller
	ambient  ambient.Index
	status   *activenotifier.ActiveNotifier // ambient status writing, on while istiod holds the status Lease
	webhook  *inject.Webhook
	filter   kubetypes.DynamicObjectFilter
	webhookM sync.RWMutex
	// beforeRun are more of NewServer's parts a test wires (accepts_test.go), called once every component above
	// is built and before any runs.
	beforeRun []func()

	mu       sync.Mutex
	ready    map[string]time.Duration // component -> time from start to ready
	problems map[string][]string      // component -> why it is not ready (errors of construction)
}

func newIstiod(s settings, admin *rest.Config, wait time.Duration) *istiod {
	return &istiod{
		s: s, admin: admin, who: s.identity(), rec: &recorder{}, stop: make(chan struct{}), wait: wait,
		debug: new(krt.DebugHandler), ready: map[string]time.Duration{}, problems: map[string][]string{},
	}
}

func (d *istiod) problem(component, format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.problems[component] = append(d.problems[component], fmt.Sprintf(format, args...))
}

func (d *istiod) markReady(component string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.ready[component]; !ok {
		d.ready[component] = time.Since(d.started)
	}
}

func (d *istiod) isReady(component string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.ready[component]
	return ok
}

// client is a new istiod client of the component. After the mesh configuration is loaded it carries istiod's
// discovery-namespaces filter, as istiod's client does (bootstrap.NewServer).
func (d *istiod) client(component string) kube.Client {
	c, err := newClient(impersonating(d.admin, d.who, component, d.rec), d.s.clusterID)
	if err != nil {
		d.problem(component, "kube client: %v", err)
		return nil
	}
	if d.filter != nil {
		c = kube.SetObjectFilter(c, d.filter)
	}
	return c
}

// startFilter is istiod's discovery-namespaces filter (NewServer builds it right after the mesh config, on its
// client's Namespaces informer, and waits for that to sync); every later client carries it.
func (d *istiod) startFilter() bool {
	c, err := newClient(impersonating(d.admin, d.who, "discovery namespaces filter", d.rec), d.s.clusterID)
	if err != nil {
		d.problem(cMesh, "kube client: %v", err)
		return false
	}
	built := make(chan kubetypes.DynamicObjectFilter, 1)
	go func() {
		built <- namespace.NewDiscoveryNamespacesFilter(kclient.New[*corev1.Namespace](c), d.env.Watcher, d.stop)
	}()
	select {
	case f := <-built:
		d.filter = f
		return true
	case <-time.After(d.wait):
		d.problem(cMesh, "discovery namespaces filter: Namespaces not synced after %s", d.wait)
		return false
	}
}

// poll calls cond every 50ms until it holds, for at most d.wait (or until the run stops); it returns whether it
// held, and why not.
func (d *istiod) poll(cond func() (bool, string)) (bool, string) {
	deadline := time.Now().Add(d.wait)
	for {
		ok, why := cond()
		if ok {
			return true, ""
		}
		if time.Now().After(deadline) {
			return false, fmt.Sprintf("not ready after %s: %s", d.wait, why)
		}
		select {
		case <-d.stop:
			return false, "stopped before ready: " + why
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// until polls cond (poll) and marks the component ready when it holds, or records why not.
func (d *istiod) until(component string, cond func() (bool, string)) bool {
	ok, why := d.poll(cond)
	if ok {
		d.markReady(component)
	} else {
		d.problem(component, "%s", why)
	}
	return ok
}

// start assembles and starts istiod's components in NewServer's order. Like istiod it first waits (bounded) for
// the mesh config, the discovery-namespaces filter and the CA; it returns once everything else is started, and
// check waits for each component to become ready.
func (d *istiod) start() {
	d.started = time.Now()
	s := d.s

	// NewServer: environment, service aggregate, xDS server (its push loop builds the PushContext).
	d.env = model.NewEnvironment()
	d.env.DomainSuffix = s.domain
	d.services = aggregate.NewController(aggregate.Options{MeshHolder: d.env, ConfigClusterID: s.clusterID})
	d.env.ServiceDiscovery = d.services
	d.ds = xds.NewDiscoveryServer(d.env, nil, d.debug)
	d.certs = keycertbundle.NewWatcher()

	// initMeshConfiguration / initMeshNetworks: istiod waits for the mesh config before anything else.
	meshClient := d.client(cMesh)
	if meshClient == nil {
		return
	}
	opts := krt.NewOptionsBuilder(d.stop, "", d.debug)
	d.meshCol = meshwatcher.NewCollection(opts, kubemesh.NewConfigMapSource(meshClient, s.namespace, s.meshConfigMapName(), kubemesh.MeshConfigKey, opts))
	d.netCol = meshwatcher.NewNetworksCollection(opts, kubemesh.NewConfigMapSource(meshClient, s.namespace, s.meshConfigMapName(), kubemesh.MeshNetworksKey, opts))
	meshSynced, why := d.poll(func() (bool, string) {
		return d.meshCol.AsCollection().HasSynced() && d.netCol.AsCollection().HasSynced(), "mesh config collections not synced"
	})
	if !meshSynced {
		d.problem(cMesh, "%s", why)
		// istiod would wait here for ever; the rest runs with the defaults so that their requests are judged too.
		d.env.Watcher = meshwatcher.NewTestWatcher(mesh.DefaultMeshConfig())
		d.env.NetworksWatcher = meshwatcher.NewFixedNetworksWatcher(nil)
	} else {
		d.env.Watcher = meshwatcher.ConfigAdapter(d.meshCol)
		d.env.NetworksWatcher = meshwatcher.NetworksAdapter(d.netCol)
	}
	if d.startFilter() && meshSynced {
		d.markReady(cMesh)
	}
	d.env.Init()
	if err := d.env.InitNetworksManager(d.ds); err != nil {
		d.problem(cPush, "networks manager: %v", err)
	}

	// maybeCreateCA: the self-signed istiod CA (istio-ca-secret), then istiod's DNS certificate from it
	// (initDNSCertsIstiod): the root is what the webhook controllers patch into caBundle.
	d.startCA()

	// initControllers: multicluster, config controller, service controllers.
	registryClient := d.client(cRegistry)
	configClient := d.client(cConfig)
	if registryClient == nil || configClient == nil {
		return
	}
	d.mc = multicluster.NewController(multicluster.ControllerOptions{
		Client: registryClient, ClusterID: s.clusterID, SystemNamespace: s.namespace, MeshConfig: d.env.Watcher, Debugger: d.debug,
	})
	d.startConfig(configClient)
	d.startRegistry()
	if features.EnableAmbient {
		d.startAmbient()
	}

	// initSidecarInjector, initConfigValidation.
	d.startInjector()
	d.startPatcher()
	d.startValidation()
	// initK8SConfigStore's gateway deployment controller, under its per-revision Lease.
	d.startDeploymentController()
	for _, f := range d.beforeRun {
		f()
	}

	// Server.Start: start everything, wait for the caches, mark the xDS server ready; the first full push
	// builds the PushContext over everything the stores hold.
	go d.ds.Start(d.stop)
	go func() {
		if err := d.mc.Run(d.stop); err != nil {
			d.problem(cRegistry, "multicluster controller: %v", err)
		}
	}()
	if d.ambient != nil {
		go d.ambient.Run(d.stop)
	}
	if d.config != nil {
		go d.config.Run(d.stop)
		go d.vs.Run(d.stop)
	}
	go d.services.Run(d.stop)
	for _, c := range []kube.Client{registryClient, configClient} {
		go c.RunAndWait(d.stop)
	}
	// The config and registry caches are judged in check; the first push waits for them.
	go func() {
		if ok, why := d.poll(func() (bool, string) {
			return d.isReady(cRegistry) && d.isReady(cConfig), "waiting for the registry and config caches"
		}); !ok {
			d.problem(cPush, "%s", why)
			return
		}
		d.ds.CachesSynced()
		d.ds.ConfigUpdate(&model.PushRequest{Full: true, Forced: true, Reason: model.NewReasonStats(model.GlobalUpdate)})
		expected := d.ds.InboundUpdates.Load()
		d.until(cPush, func() (bool, string) {
			return d.env.PushContextReady() && d.ds.CommittedUpdates.Load() >= expected, "first push not committed"
		})
	}()
}

func (d *istiod) startCA() {
	client := d.client(cCA)
	if client == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), d.wait)
	defer cancel()
	trustDomain := d.env.Mesh().GetTrustDomain()
	// pilot/pkg/bootstrap.createSelfSignedCACertificateOptions with istiod's defaults (its env vars are unset in
	// our Deployment); ./etc/cacerts/root-cert.pem is istiod's ROOT_CA_DIR default, absent as in the pod.
	opts, err := ca.NewSelfSignedIstioCAOptions(ctx,
		cmd.DefaultRootCertGracePeriodPercentile, cmd.DefaultSelfSignedCACertTTL,
		cmd.DefaultSelfSignedRootCertCheckInterval, cmd.DefaultWorkloadCertTTL,
		cmd.DefaultMaxWorkloadCertTTL, trustDomain, features.UseCacertsForSelfSignedCA, true,
		d.s.namespace, client.Kube().CoreV1(), "./etc/cacerts/root-cert.pem", true, 2048)
	if err != nil {
		d.problem(cCA, "self-signed CA: %v", err)
		return
	}
	istioCA, err := ca.NewIstioCA(opts)
	if err != nil {
		d.problem(cCA, "CA: %v", err)
		return
	}
	istioCA.Run(d.stop)
	host, _, err := d.env.GetDiscoveryAddress()
	if err != nil {
		d.problem(cCA, "discovery address: %v", err)
		return
	}
	chain, key, err := istioCA.GenKeyCert([]string{string(host)}, cmd.DefaultSelfSignedCACertTTL, false)
	if err != nil {
		d.problem(cCA, "istiod certificate: %v", err)
		return
	}
	d.certs.SetAndNotify(key, chain, istioCA.GetCAKeyCertBundle().GetRootCertPem())
	d.markReady(cCA)
}

// startConfig is initConfigController / initK8SConfigStore / makeKubeConfigController: the CRD client over
// istiod's schemas, the WasmPlugin extension controller, the Gateway API controller (which runs the GatewayClass
// controller), the Ingress controller (mesh ingressControllerMode), all behind the aggregate cache istiod uses,
// and the VirtualService controller.
func (d *istiod) startConfig(client kube.Client) {
	s := d.s
	schemas := collections.Pilot
	if features.EnableGatewayAPI {
		schemas = collections.PilotGatewayAPI()
	}
	if features.EnableGatewayAPIInferenceExtension {
		schemas = schemas.Add(collections.InferencePool)
	}
	schemas = schemas.Add(collections.Ingress)
	d.crd = crdclient.NewForSchemas(client, crdclient.Option{
		Revision: s.revision, DomainSuffix: s.domain, Identifier: "crd-controller", KrtDebugger: d.debug,
	}, schemas)
	stores := []model.ConfigStoreController{d.crd, extensions.NewController(d.crd, d.ds, d.debug)}
	kubeOpts := d.kubeOptions()
	if features.EnableGatewayAPI {
		gwc := gateway.NewController(client, client.CrdWatcher().WaitForCRD, kubeOpts, d.ds)
		d.env.GatewayAPIController = gwc
		stores = append(stores, gwc)
	}
	if d.env.Mesh().GetIngressControllerMode() != 0 { // meshconfig.MeshConfig_OFF
		stores = append(stores, ingress.NewController(client, d.env.Watcher, kubeOpts, d.ds))
	}
	cache, err := configaggregate.MakeCache(stores)
	if err != nil {
		d.problem(cConfig, "aggregate config store: %v", err)
		return
	}
	d.config = cache
	d.env.ConfigStore = cache
	d.vs = model.NewVirtualServiceController(cache, model.VSControllerOptions{KrtDebugger: d.debug, XDSUpdater: d.ds}, d.env.Watcher)
	d.env.VirtualServiceController = d.vs
	d.ds.WorkloadEntryController = autoregistration.NewController(cache, s.podName, d.s.maxConnAge)
}

// kubeOptions are bootstrap.initKubeOptions' registry options.
func (d *istiod) kubeOptions() kubecontroller.Options {
	return kubecontroller.Options{
		SystemNamespace:       d.s.namespace,
		MeshServiceController: d.services,
		DomainSuffix:          d.s.domain,
		ClusterID:             d.s.clusterID,
		Metrics:               d.env,
		XDSUpdater:            d.ds,
		MeshNetworksWatcher:   d.env.NetworksWatcher,
		MeshWatcher:           d.env.Watcher,
		KubernetesAPIQPS:      80,
		KubernetesAPIBurst:    160,
		Revision:              d.s.revision,
		KrtDebugger:           d.debug,
	}
}

// startRegistry is initServiceControllers / initKubeRegistry: the ServiceEntry registry and the Kubernetes
// registry of the config cluster through kubecontroller.NewMulticluster, which also runs the namespace
// controller (istio-ca-root-cert in every namespace) under its ConfigMap-lock leader election.
func (d *istiod) startRegistry() {
	if d.config == nil {
		return
	}
	se := serviceentry.NewController(d.config, d.ds, d.mc, d.env.Watcher,
		serviceentry.WithClusterID(d.s.clusterID), serviceentry.WithKRTDebugger(d.debug))
	d.services.AddRegistry(se)
	instance := server.New()
	kubecontroller.NewMulticluster(d.s.podName, d.kubeOptions(), se, d.certs, d.s.revision,
		true /* shouldStartNsController: istiod's own CA */, d.env.ClusterLocal(), instance, d.mc)
	go func() {
		if err := instance.Start(d.stop); err != nil {
			d.problem(cRegistry, "components: %v", err)
		}
	}()
}

// startAmbient is initServiceControllers' ambient part: the ambient index (workloads, services, waypoints and
// policies for ztunnel) over the multicluster controller's config cluster, whose client is the registry's; and
// initK8SConfigStore's ambient status writer, switched on while istiod holds the status controller's Lease
// (features.EnableAmbientStatus, on with ambient).
func (d *istiod) startAmbient() {
	d.status = activenotifier.New(false)
	if features.EnableAmbientStatus {
		client := d.client(cAmbient)
		if client == nil {
			return
		}
		go leaderelection.
			NewLeaseLeaderElection(d.s.namespace, d.s.podName, leaderelection.StatusController, d.s.revision, client).
			AddRunFunction(func(leaderStop <-chan struct{}) {
				d.status.StoreAndNotify(true)
				<-leaderStop
				d.status.StoreAndNotify(false)
			}).
			Run(d.stop)
		go client.RunAndWait(d.stop)
	}
	d.ambient = ambient.New(ambient.Options{
		StatusNotifier:         d.status,
		SystemNamespace:        d.s.namespace,
		DomainSuffix:           d.s.domain,
		ClusterID:              d.s.clusterID,
		Revision:               d.s.revision,
		XDSUpdater:             d.ds,
		MeshConfig:             d.env.Watcher,
		Debugger:               d.debug,
		MultiClusterController: d.mc,
		Flags: ambient.FeatureFlags{
			DefaultAllowFromWaypoint:              features.DefaultAllowFromWaypoint,
			EnableK8SServiceSelectWorkloadEntries: features.EnableK8SServiceSelectWorkloadEntries,
		},
	})
	d.env.AmbientIndexes = d.ambient
}

// startInjector is initSidecarInjector: the injector's ConfigMap watcher and inject.NewWebhook, which parses
// the templates and values.
func (d *istiod) startInjector() {
	client := d.client(cInjector)
	if client == nil {
		return
	}
	name := d.s.injectorConfigMapName()
	watcher := inject.NewConfigMapWatcher(client, d.s.namespace, name, "config", "values")
	wh, err := inject.NewWebhook(inject.WebhookParameters{
		Watcher: watcher, Env: d.env, Mux: http.NewServeMux(), Revision: d.s.revision, MultiCluster: d.mc,
	})
	if err != nil {
		d.problem(cInjector, "inject.NewWebhook: %v", err)
		return
	}
	d.webhookM.Lock()
	d.webhook = wh
	d.webhookM.Unlock()
	wh.Run(d.stop)
	go client.RunAndWait(d.stop)
}

func (d *istiod) webhookConfig() inject.WebhookConfig {
	d.webhookM.RLock()
	defer d.webhookM.RUnlock()
	if d.webhook == nil {
		return inject.WebhookConfig{}
	}
	return d.webhook.GetConfig()
}

func (d *istiod) webhookHandler(fn func()) {
	d.webhookM.Lock()
	defer d.webhookM.Unlock()
	if d.webhook != nil {
		d.webhook.MultiCast.AddHandler(func(*inject.Config, string) error { fn(); return nil })
	}
}

// startPatcher is the "injection patcher" start function: the caBundle of our MutatingWebhookConfiguration.
func (d *istiod) startPatcher() {
	client := d.client(cPatcher)
	if client == nil {
		return
	}
	patcher, err := webhooks.NewWebhookCertPatcher(client, d.s.revision, "sidecar-injector.istio.io", d.certs)
	if err != nil {
		d.problem(cPatcher, "NewWebhookCertPatcher: %v", err)
		return
	}
	go patcher.Run(d.stop)
	go client.RunAndWait(d.stop)
}

// startValidation is initConfigValidation's controller: the caBundle (and, once istiod rejects a dry-run
// invalid Gateway, failurePolicy) of our ValidatingWebhookConfigurations of the revision.
func (d *istiod) startValidation() {
	client := d.client(cValidation)
	if client == nil {
		return
	}
	go validationcontroller.NewValidatingWebhookController(client, d.s.revision, d.s.namespace, d.certs).Run(d.stop)
	go client.RunAndWait(d.stop)
}

// startDeploymentController is initK8SConfigStore's "gateway deployment controller": per-revision Lease
// leader election, then (once the Gateway CRD exists) the tag watcher and the deployment controller.
func (d *istiod) startDeploymentController() {
	if !features.EnableGatewayAPI || !features.EnableGatewayAPIDeploymentController {
		d.problem(cDeployment, "disabled by istiod's environment")
		return
	}
	client := d.client(cDeployment)
	if client == nil {
		return
	}
	go leaderelection.
		NewPerRevisionLeaderElection(d.s.namespace, d.s.podName, leaderelection.GatewayDeploymentController, d.s.revision, client).
		AddRunFunction(func(leaderStop <-chan struct{}) {
			if client.CrdWatcher().WaitForCRD(gvr.KubernetesGateway, leaderStop) {
				tw := revisions.NewTagWatcher(client, d.s.revision, d.s.namespace)
				c := gatewaycommon.NewDeploymentController(client, d.s.clusterID, d.env,
					d.webhookConfig, d.webhookHandler, tw, d.s.revision, d.s.namespace)
				client.RunAndWait(d.stop)
				go tw.Run(leaderStop)
				c.Run(leaderStop)
			}
		}).
		Run(d.stop)
	go client.RunAndWait(d.stop)
}

// shutdown stops every component.
func (d *istiod) shutdown() {
	select {
	case <-d.stop:
	default:
		close(d.stop)
	}
}

// readyList is the components that became ready, in summary order, and the slowest time.
func (d *istiod) readyList() ([]string, time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var names []string
	var last time.Duration
	for _, c := range componentOrder() {
		if t, ok := d.ready[c]; ok {
			names = append(names, c)
			if t > last {
				last = t
			}
		}
	}
	return names, last
}

func (d *istiod) notReady() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, c := range componentOrder() {
		if _, ok := d.ready[c]; !ok {
			why := strings.Join(d.problems[c], "; ")
			if why == "" {
				why = "not ready"
			}
			out = append(out, c+": "+why)
		}
	}
	sort.Strings(out)
	return out
}
