/**
 * A mesh using every Gateway API construct the release supports, with the Gateway API CRDs: the input of the
 * conformance fixtures' `gateway-api` case (the kube-apiserver suites apply it with the CRDs' real schemas and CEL
 * rules) and of the tests here.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  BackendService, GatewayClass, GrpcRoute, HttpCanaryRoute, HttpRoute, IstioBase, Istiod, IstioVersion, KubernetesGateway,
  ReferenceGrant, TlsRoute, Waypoint,
} from '../../src';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };

function service(chart: Chart, namespace: string, name: string, ports: number[]): ApiObject {
  return new ApiObject(chart, `svc-${namespace}-${name}`, {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace },
    spec: { selector: { app: name }, ports: ports.map((p) => ({ name: p === 50051 ? 'grpc' : `http-${p}`, port: p, targetPort: p })) },
  });
}

/** The mesh of a release: ingress through a Gateway API Gateway, routes, a canary (gateway and GAMMA), grants, a waypoint (1.30). */
export function gatewayApiMesh(version: IstioVersion): { chart: Chart; objs: Obj[] } {
  const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
  const base = new IstioBase(chart, 'base', { version, gatewayApi: true });
  const istiod = new Istiod(chart, 'istiod', { base });
  for (const ns of ['ingress', 'shop', 'payments']) {
    new ApiObject(chart, `ns-${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } });
  }
  const ingress = { istiod, name: 'ingress' };
  const shop = { istiod, name: 'shop' };
  const payments = { istiod, name: 'payments' };
  const front = service(chart, 'shop', 'reviews', [8080]);
  const v1 = service(chart, 'shop', 'reviews-v1', [8080]);
  const v2 = service(chart, 'shop', 'reviews-v2', [8080]);
  const api = service(chart, 'payments', 'payments-api', [8080, 50051]);

  const cls = new GatewayClass(chart, 'class', { istiod, name: 'istio-internal', description: 'internal gateways' });
  const gateway = new KubernetesGateway(chart, 'web', {
    namespace: ingress,
    listeners: [
      { name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: { from: 'All' } },
      { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { certificateRefs: [{ name: 'shop-cert' }] }, allowedRoutes: { from: 'Selector', namespaceSelector: { 'kubernetes.io/metadata.name': 'shop' } } },
    ],
  });
  new KubernetesGateway(chart, 'internal', { namespace: payments, gatewayClass: cls, listeners: [{ name: 'http', port: 8080, protocol: 'HTTP' }] });

  new HttpRoute(chart, 'shop-route', {
    namespace: shop,
    parents: [gateway.listener('http'), gateway.listener('https')],
    hostnames: ['shop.example.com'],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-tenant', value: 'acme' }], method: 'GET' }],
        backends: [{ service: BackendService.fromService(front) }],
        requestHeaders: { set: { 'x-from': 'gateway' }, remove: ['x-debug'] },
        rewrite: { replacePrefixMatch: '/' },
        ...(version.atLeast('1.30') ? { timeouts: { request: '10s', backendRequest: '2s' } } : {}),
      },
      { matches: [{ path: { type: 'Exact', value: '/old' } }], redirect: { scheme: 'https', statusCode: 301 } },
      { matches: [{ path: { value: '/payments' } }], backends: [{ service: BackendService.fromName('payments-api', { namespace: 'payments', port: 8080 }) }] },
    ],
  });
  new ReferenceGrant(chart, 'grant', { namespace: payments, from: [{ kind: 'HTTPRoute', namespace: 'shop' }], to: [{ kind: 'Service', name: 'payments-api' }] });
  new ReferenceGrant(chart, 'cert-grant', { namespace: shop, from: [{ kind: 'Gateway', namespace: 'ingress' }], to: [{ kind: 'Secret' }] });

  // canaries: through the gateway, and for mesh traffic to `reviews` (GAMMA)
  new HttpCanaryRoute(chart, 'reviews-edge', {
    namespace: shop, parents: [gateway.listener('http')], hostnames: ['reviews.example.com'],
    stable: BackendService.fromService(v1), canary: BackendService.fromService(v2), canaryWeight: 25, steps: [5, 25, 50, 100],
  });
  new HttpCanaryRoute(chart, 'reviews-mesh', {
    namespace: shop, parents: [BackendService.fromService(front)],
    stable: BackendService.fromService(v1), canary: BackendService.fromService(v2), canaryWeight: 10,
    canaryMatches: [{ headers: [{ name: 'x-canary', value: 'always' }] }],
  });

  if (version.gatewayApi.apiVersions.GRPCRoute) {
    new GrpcRoute(chart, 'scoring', {
      namespace: payments, parents: [BackendService.fromService(api, 50051)],
      rules: [{ matches: [{ method: { service: 'payments.v1.Scorer', method: 'Score' } }], backends: [{ service: BackendService.fromService(api, 50051) }] }],
    });
  }
  if (version.gatewayApi.apiVersions.TLSRoute) {
    const edge = new KubernetesGateway(chart, 'tls-edge', {
      namespace: ingress,
      listeners: [{ name: 'tls', port: 8443, protocol: 'TLS', hostname: '*.db.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: { from: 'All' } }],
    });
    const db = service(chart, 'payments', 'ledger-db', [5432]);
    new TlsRoute(chart, 'ledger-db', { namespace: payments, parents: [edge.listener('tls')], hostnames: ['ledger.db.example.com'], backends: [{ service: BackendService.fromService(db) }] });
  }
  if (version.atLeast('1.30')) {
    new ApiObject(chart, 'ns-ambient', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ambient-apps', labels: { 'istio.io/dataplane-mode': 'ambient' } } });
    const waypoint = new Waypoint(chart, 'waypoint', { namespace: { istiod, name: 'ambient-apps' } });
    const ledger = service(chart, 'ambient-apps', 'ledger', [8080]);
    waypoint.useFor(ledger);
    new Waypoint(chart, 'workload-waypoint', { namespace: { istiod, name: 'ambient-apps' }, name: 'workloads', for: 'workload' });
  }
  return { chart, objs: Testing.synth(chart) as Obj[] };
}
