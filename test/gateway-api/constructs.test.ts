/** What the Gateway API constructs emit, exactly, at both releases. */
import {
  BackendService, GatewayClass, GrpcRoute, HttpCanaryRoute, HttpRoute, IstioVersion, KubernetesGateway, ReferenceGrant, synthYaml, TlsRoute, Waypoint,
} from '../../src';
import { validateAll } from '../support/schema';
import { gatewayApiMesh } from './mesh';
import { gatewayApiObjects, mesh, one, service } from './helpers';

const VERSIONS: Array<[string, IstioVersion]> = [['1.30.3', IstioVersion.V1_30_3], ['1.20.3', IstioVersion.V1_20_3]];

describe.each(VERSIONS)('Istio %s', (_tag, version) => {
  test('ingress: a Gateway of class istio (istiod deploys it) and an HTTPRoute to a Service of the app', () => {
    const { chart, istiod } = mesh(version);
    const api = service(chart, 'shop', 'api', [8080]);
    const gw = new KubernetesGateway(chart, 'web', {
      namespace: { istiod, name: 'ingress' },
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { from: 'All' } },
        { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { certificateRefs: [{ name: 'shop-cert' }] }, allowedRoutes: { from: 'All' } },
      ],
    });
    new HttpRoute(chart, 'shop', {
      namespace: { istiod, name: 'shop' },
      parents: [gw.listener('https')],
      hostnames: ['shop.example.com'],
      rules: [{ matches: [{ path: { value: '/api' } }], backends: [{ service: BackendService.fromService(api) }] }],
    });
    const objs = gatewayApiObjects(chart);
    expect(one(objs, 'Gateway', 'web')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'web', namespace: 'ingress' },
      spec: {
        gatewayClassName: 'istio',
        listeners: [
          { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
          { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'shop-cert' }] }, allowedRoutes: { namespaces: { from: 'All' } } },
        ],
      },
    });
    expect(one(objs, 'HTTPRoute', 'shop')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'shop', namespace: 'shop' },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'web', namespace: 'ingress', sectionName: 'https' }],
        hostnames: ['shop.example.com'],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ group: '', kind: 'Service', name: 'api', port: 8080 }] }],
      },
    });
  });

  test('canary through a Gateway and for mesh traffic (GAMMA: parentRefs to the Service)', () => {
    const { chart, istiod } = mesh(version);
    const front = service(chart, 'shop', 'reviews');
    const v1 = service(chart, 'shop', 'reviews-v1');
    const v2 = service(chart, 'shop', 'reviews-v2');
    const c = new HttpCanaryRoute(chart, 'reviews', {
      namespace: { istiod, name: 'shop' }, parents: [BackendService.fromService(front)],
      stable: BackendService.fromService(v1), canary: BackendService.fromService(v2), canaryWeight: 10, steps: [10, 50, 100],
      canaryMatches: [{ headers: [{ name: 'x-canary', value: 'on' }] }],
    });
    expect([c.stableWeight, c.canaryWeight]).toEqual([90, 10]);
    expect(one(gatewayApiObjects(chart), 'HTTPRoute', 'reviews').spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }],
      rules: [
        { matches: [{ headers: [{ name: 'x-canary', value: 'on', type: 'Exact' }] }], backendRefs: [{ group: '', kind: 'Service', name: 'reviews-v2', port: 8080 }] },
        { backendRefs: [{ group: '', kind: 'Service', name: 'reviews-v1', port: 8080, weight: 90 }, { group: '', kind: 'Service', name: 'reviews-v2', port: 8080, weight: 10 }] },
      ],
    });
    expect(HttpCanaryRoute.atStep({ namespace: { istiod, name: 'shop' }, parents: [], stable: BackendService.external('a', { port: 1 }), canary: BackendService.external('b', { port: 1 }), canaryWeight: 0, steps: [10, 50] }, 1).canaryWeight).toBe(50);
  });

  test('a cross-namespace backend with its ReferenceGrant; filters, rewrite and redirect', () => {
    const { app, chart, istiod } = mesh(version);
    service(chart, 'payments', 'payments-api', [8080]);
    const gw = new KubernetesGateway(chart, 'web', { namespace: { istiod, name: 'shop' }, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] });
    new HttpRoute(chart, 'r', {
      namespace: { istiod, name: 'shop' }, parents: [gw],
      rules: [
        { matches: [{ path: { value: '/pay' } }], backends: [{ service: BackendService.fromName('payments-api', { namespace: 'payments', port: 8080 }) }], requestHeaders: { set: { 'x-b': '2', 'x-a': '1' }, remove: ['x-debug'] }, rewrite: { replacePrefixMatch: '/' } },
        { matches: [{ path: { type: 'Exact', value: '/old' } }], redirect: { scheme: 'https', statusCode: 301 } },
      ],
    });
    new ReferenceGrant(chart, 'grant', { namespace: { istiod, name: 'payments' }, from: [{ kind: 'HTTPRoute', namespace: 'shop' }], to: [{ kind: 'Service', name: 'payments-api' }] });
    expect(() => synthYaml(app)).not.toThrow();
    const objs = gatewayApiObjects(chart);
    expect(one(objs, 'HTTPRoute', 'r').spec.rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/pay' } }],
        filters: [
          { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }, { name: 'x-b', value: '2' }], remove: ['x-debug'] } },
          { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } },
        ],
        backendRefs: [{ group: '', kind: 'Service', name: 'payments-api', namespace: 'payments', port: 8080 }],
      },
      { matches: [{ path: { type: 'Exact', value: '/old' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
    ]);
    expect(one(objs, 'ReferenceGrant', 'grant')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'grant', namespace: 'payments' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service', name: 'payments-api' }] },
    });
  });

  test('a GatewayClass of Istio\'s controller', () => {
    const { chart, istiod } = mesh(version);
    new GatewayClass(chart, 'c', { istiod, name: 'internal', description: 'internal gateways' });
    expect(one(gatewayApiObjects(chart), 'GatewayClass', 'internal')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'internal' },
      spec: { controllerName: 'istio.io/gateway-controller', description: 'internal gateways' },
    });
  });

  test('the conformance case synthesizes the same bytes twice, and every object is schema-valid (kubernetes-models)', () => {
    const objs = gatewayApiMesh(version).objs;
    expect(JSON.stringify(objs)).toBe(JSON.stringify(gatewayApiMesh(version).objs));
    expect(validateAll(objs as any)).toBe(objs.length);
  });
});

test('1.30.3: GRPCRoute (GAMMA), rule timeouts, waypoints and istio.io/use-waypoint', () => {
  const { chart, istiod } = mesh(IstioVersion.V1_30_3);
  const api = service(chart, 'ambient-apps', 'scorer', [50051]);
  new GrpcRoute(chart, 'g', {
    namespace: { istiod, name: 'ambient-apps' }, parents: [BackendService.fromService(api)],
    rules: [{ matches: [{ method: { service: 'fraud.v1.Scorer', method: 'Score' } }], backends: [{ service: BackendService.fromService(api) }] }],
  });
  const w = new Waypoint(chart, 'w', { namespace: { istiod, name: 'ambient-apps' } });
  w.useFor(api);
  const objs = gatewayApiObjects(chart);
  expect(one(objs, 'GRPCRoute', 'g').spec).toEqual({
    parentRefs: [{ group: '', kind: 'Service', name: 'scorer' }],
    rules: [{ matches: [{ method: { type: 'Exact', service: 'fraud.v1.Scorer', method: 'Score' } }], backendRefs: [{ group: '', kind: 'Service', name: 'scorer', port: 50051 }] }],
  });
  expect(one(objs, 'Gateway', 'waypoint')).toEqual({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway',
    metadata: { name: 'waypoint', namespace: 'ambient-apps', labels: { 'istio.io/waypoint-for': 'service' } },
    spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
  });
  expect(w.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' });
  expect(api.metadata.getLabel('istio.io/use-waypoint')).toBe('waypoint');
  expect(api.metadata.getLabel('istio.io/use-waypoint-namespace')).toBeUndefined();
  // a Service of another namespace also names the waypoint's namespace
  const other = service(chart, 'ledger', 'ledger');
  w.useFor(other);
  expect(other.metadata.getLabel('istio.io/use-waypoint-namespace')).toBe('ambient-apps');

  new HttpRoute(chart, 't', {
    namespace: { istiod, name: 'ambient-apps' }, parents: [BackendService.fromService(api)],
    rules: [{ backends: [{ service: BackendService.fromService(api) }], timeouts: { request: '10s', backendRequest: '2s' } }],
  });
  expect(one(gatewayApiObjects(chart), 'HTTPRoute', 't').spec.rules[0].timeouts).toEqual({ request: '10s', backendRequest: '2s' });
});

test('1.30.3: a TLSRoute on a passthrough listener, by SNI host name', () => {
  const { chart, istiod } = mesh(IstioVersion.V1_30_3);
  const db = service(chart, 'data', 'db', [5432]);
  const edge = new KubernetesGateway(chart, 'edge', { namespace: { istiod, name: 'data' }, listeners: [{ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } }] });
  new TlsRoute(chart, 'db', { namespace: { istiod, name: 'data' }, parents: [edge.listener('tls')], hostnames: ['db.example.com'], backends: [{ service: BackendService.fromService(db) }] });
  const objs = gatewayApiObjects(chart);
  expect(one(objs, 'Gateway', 'edge').spec.listeners).toEqual([{ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } }]);
  expect(one(objs, 'TLSRoute', 'db')).toEqual({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TLSRoute', metadata: { name: 'db', namespace: 'data' },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', sectionName: 'tls' }],
      hostnames: ['db.example.com'],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'db', port: 5432 }] }],
    },
  });
});
