'use strict';
/**
 * Builds a generated mesh with the library: the default control plane (IstioBase + Istiod +
 * IngressGateway at the library's default version, 1.30.3) with an Istio Gateway binding `apps`, then
 * one ZeroTrustNamespace per SERVICES_PER_NAMESPACE services, each service being a ServiceAccount, a
 * Service, two Deployments (v1 stable, v2 canary) and a CanaryRoute (DestinationRule + VirtualService)
 * exposed through the ingress gateway. The mesh analyzer is attached to the app.
 *
 * Pieces the library does not have (yet) are skipped and named in `notes`; `features` tells the floor
 * which optional parts were built so it can mirror them.
 */
const { App, Chart, ApiObject } = require('cdk8s');
const shape = require('./shape');

/** The control plane of every scenario: base, istiod, ingress gateway (and its Gateway binding when `binding`). */
function buildControlPlane(L, chart, { binding = true } = {}) {
  const IstioBase = L.get('IstioBase');
  const Istiod = L.get('Istiod');
  const IngressGateway = L.get('IngressGateway');
  if (!IstioBase || !Istiod || !IngressGateway) throw new Error('control plane not available: IstioBase, Istiod and IngressGateway are required');
  const base = new IstioBase(chart, 'base', { version: L.get('IstioVersion').V1_30_3 });
  const istiod = new Istiod(chart, 'istiod', { base });
  const ingress = new IngressGateway(chart, 'ingress', { istiod });
  let gateway;
  if (binding) {
    const options = { name: shape.GATEWAY_NAME, servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: [`*.${shape.GATEWAY_DOMAIN}`] }] };
    const MeshGateway = L.get('MeshGateway');
    if (typeof ingress.addGateway === 'function') gateway = ingress.addGateway(shape.GATEWAY_NAME, options);
    else if (MeshGateway) gateway = new MeshGateway(chart, shape.GATEWAY_NAME, { ...options, gateway: ingress });
    else L.notes.push('no gateway binding (IngressGateway.addGateway / MeshGateway): routes are built without gateway exposure');
  }
  return { base, istiod, ingress, gateway };
}

/**
 * The app of a generated mesh of `services` services. Returns `{ app, features, findings, analyzerMs() }`;
 * `findings` counts analyzer findings below the failure threshold by code.
 */
function buildMesh(L, services) {
  // The app workloads come from the cdk8s-plus-28 bindings (as a user's own charts would); loaded here so
  // that the default-install scenario, which does not build them, does not pay for the module.
  const k8s = require('cdk8s-plus-28/lib/imports/k8s');
  const app = new App();
  const findings = {};
  let analyzerMs = 0;
  const MeshAnalyzer = L.get('MeshAnalyzer');
  if (MeshAnalyzer) {
    const analyzer = MeshAnalyzer.attach(app, { reporter: (f) => { findings[f.code] = (findings[f.code] || 0) + 1; } });
    // Time the analysis (it runs inside app.synth()/synthYaml()); the result is passed through unchanged.
    const analyze = analyzer.analyze.bind(analyzer);
    analyzer.analyze = () => {
      const t = performance.now();
      try {
        return analyze();
      } finally {
        analyzerMs += performance.now() - t;
      }
    };
  } else {
    L.notes.push('analyzer not available: meshes are synthesized without it');
  }

  const cp = new Chart(app, 'control-plane', { disableResourceNameHashes: true });
  const { istiod, ingress, gateway } = buildControlPlane(L, cp);
  const mesh = new Chart(app, 'mesh', { disableResourceNameHashes: true });
  const ZeroTrustNamespace = L.get('ZeroTrustNamespace');
  const CanaryRoute = L.get('CanaryRoute');
  if (services > 0 && (!ZeroTrustNamespace || !CanaryRoute)) throw new Error('mesh not available: ZeroTrustNamespace and CanaryRoute are required');

  const port = shape.SERVICE_PORT;
  for (const { namespace, services: names } of shape.layout(services)) {
    const ns = new ZeroTrustNamespace(mesh, namespace, { istiod, name: namespace, ingressGatewayNamespaces: [ingress] });
    ns.allow('from-ingress', {
      rules: [{ from: [{ serviceAccounts: [{ namespace: ingress.namespace, name: ingress.serviceAccountName }] }], to: [{ ports: [port] }] }],
    });
    for (const svc of names) {
      const labels = { app: svc };
      new k8s.KubeServiceAccount(ns, `${svc}-sa`, { metadata: { name: svc, namespace } });
      new k8s.KubeService(ns, `${svc}-service`, {
        metadata: { name: svc, namespace, labels },
        spec: { selector: labels, ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromNumber(port) }] },
      });
      for (const version of ['v1', 'v2']) {
        const podLabels = { app: svc, version };
        new k8s.KubeDeployment(ns, `${svc}-${version}`, {
          metadata: { name: `${svc}-${version}`, namespace, labels: podLabels },
          spec: {
            replicas: 1,
            selector: { matchLabels: podLabels },
            template: {
              metadata: { labels: podLabels },
              spec: {
                serviceAccountName: svc,
                containers: [{ name: 'app', image: shape.image(svc, version), ports: [{ name: 'http', containerPort: port }] }],
              },
            },
          },
        });
      }
      new CanaryRoute(ns, svc, {
        namespace: ns,
        host: shape.internalHost(svc, namespace),
        port,
        stable: { version: 'v1' },
        canary: { version: 'v2', weight: shape.CANARY_WEIGHT },
        ...(gateway ? { gateways: [gateway], externalHosts: [shape.externalHost(svc, namespace)] } : {}),
      });
    }
  }
  return {
    app,
    features: { gatewayExposure: Boolean(gateway), analyzer: Boolean(MeshAnalyzer) },
    findings,
    analyzerMs: () => analyzerMs,
  };
}

/** Number of Kubernetes objects the app synthesizes. */
function countObjects(app) {
  return app.node.findAll().filter((c) => ApiObject.isApiObject(c)).length;
}

module.exports = { buildControlPlane, buildMesh, countObjects };
