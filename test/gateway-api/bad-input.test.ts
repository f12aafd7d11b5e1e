/**
 * Bad input fails with the construct path, the field, the value and what would be valid: at construction, or at
 * synth for what only the whole app can tell (a Service named by string, a grant for a cross-namespace backend).
 */
import { ApiObject, Chart } from 'cdk8s';
import {
  BackendService, GatewayClass, GrpcRoute, HttpCanaryRoute, HttpRoute, Istiod, IstioVersion, KubernetesGateway, ReferenceGrant, synthYaml, TlsRoute, Waypoint,
  ZeroTrustNamespace,
} from '../../src';
import { mesh, service, validationError } from './helpers';

function http(chart: Chart, istiod: Istiod, gw: KubernetesGateway, rules: any[], extra: object = {}): HttpRoute {
  return new HttpRoute(chart, 'route', { namespace: { istiod, name: 'shop' }, parents: [gw], rules, ...extra });
}

function web(chart: Chart, istiod: Istiod, listeners: any[] = [{ name: 'http', port: 80, protocol: 'HTTP' }]): KubernetesGateway {
  return new KubernetesGateway(chart, 'web', { namespace: { istiod, name: 'shop' }, listeners });
}

test('an unknown key is an error naming the key and the nearest valid one', () => {
  const { chart, istiod } = mesh();
  const e = validationError(() => new KubernetesGateway(chart, 'web', { namespace: { istiod, name: 'shop' }, listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostnme: 'a.example.com' } as any] }));
  expect(e.constructPath).toBe('test/web');
  expect(e.field).toBe('listeners[0].hostnme');
  expect(e.expected).toMatch(/did you mean `hostname`\?/);
  const gw = new KubernetesGateway(chart, 'web2', { namespace: { istiod, name: 'shop' }, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] });
  const r = validationError(() => http(chart, istiod, gw, [{ backends: [{ service: BackendService.external('a', { port: 80 }), wieght: 5 }] }]));
  expect([r.field, r.expected]).toEqual(['rules[0].backends[0].wieght', expect.stringMatching(/did you mean `weight`\?/)]);
});

describe('missing and wrong backends', () => {
  test('a Service named by string that the app does not hold fails at synth, listing the Services it has', () => {
    const { app, chart, istiod } = mesh();
    service(chart, 'shop', 'api');
    http(chart, istiod, web(chart, istiod), [{ backends: [{ service: BackendService.fromName('apii', { port: 8080 }) }] }]);
    expect(() => synthYaml(app)).toThrow(/test\/route: invalid rules\[0\]\.backends\[0\]\.service "shop\/apii": must name a Service of this app .*namespace shop has api; for a Service deployed elsewhere use BackendService\.external/);
  });

  test('a port the Service does not have: at construction for a Service object, at synth for a name', () => {
    const { app, chart, istiod } = mesh();
    const api = service(chart, 'shop', 'api', [8080]);
    const gw = web(chart, istiod);
    const e = validationError(() => http(chart, istiod, gw, [{ backends: [{ service: BackendService.fromService(api, 9090) }] }]));
    expect([e.field, e.value, e.expected]).toEqual(['rules[0].backends[0].service.port', '9090', 'must be a port of Service shop/api: 8080']);
    new HttpRoute(chart, 'by-name', { namespace: { istiod, name: 'shop' }, parents: [gw], rules: [{ backends: [{ service: BackendService.fromName('api', { port: 9090 }) }] }] });
    expect(() => synthYaml(app)).toThrow(/test\/by-name: invalid rules\[0\]\.backends\[0\]\.service\.port 9090: must be a port of Service shop\/api: 8080/);
  });

  test('a Service with several ports needs the port named', () => {
    const { chart, istiod } = mesh();
    const api = service(chart, 'shop', 'api', [8080, 9090]);
    const e = validationError(() => http(chart, istiod, web(chart, istiod), [{ backends: [{ service: BackendService.fromService(api) }] }]));
    expect([e.field, e.expected]).toEqual(['rules[0].backends[0].service.port', expect.stringMatching(/has 2 ports \(8080, 9090\)/)]);
  });

  test('an object that is not a Service', () => {
    const { chart, istiod } = mesh();
    const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api', namespace: 'shop' } });
    const e = validationError(() => http(chart, istiod, web(chart, istiod), [{ backends: [{ service: BackendService.fromService(cm) }] }]));
    expect([e.field, e.expected]).toEqual(['rules[0].backends[0].service', expect.stringMatching(/must be a Service of this app/)]);
  });

  test('a backend in another namespace without a ReferenceGrant there fails at synth, with the grant to add', () => {
    const { app, chart, istiod } = mesh();
    const pay = service(chart, 'payments', 'payments-api');
    http(chart, istiod, web(chart, istiod), [{ backends: [{ service: BackendService.fromService(pay) }] }]);
    expect(() => synthYaml(app)).toThrow(/invalid rules\[0\]\.backends\[0\]\.service "payments\/payments-api": .*needs a ReferenceGrant from HTTPRoute of "shop" to Services/);
    // a grant for another Service does not count; one for this Service does
    new ReferenceGrant(chart, 'other', { namespace: { istiod, name: 'payments' }, from: [{ kind: 'HTTPRoute', namespace: 'shop' }], to: [{ kind: 'Service', name: 'ledger' }] });
    expect(() => synthYaml(app)).toThrow(/needs a ReferenceGrant/);
    new ReferenceGrant(chart, 'grant', { namespace: { istiod, name: 'payments' }, from: [{ kind: 'HTTPRoute', namespace: 'shop' }], to: [{ kind: 'Service' }] });
    expect(() => synthYaml(app)).not.toThrow();
  });
});

test.each([
  ['weight above the Gateway API bound', [{ backends: [{ service: BackendService.external('a', { port: 80 }), weight: 1_000_001 }] }], 'rules[0].backends[0].weight', /from 0 to 1000000/],
  ['a rule without backends', [{ matches: [{ path: { value: '/x' } }] }], 'rules[0].backends', /at least one backend \(or set redirect\)/],
  ['a redirect with backends', [{ backends: [{ service: BackendService.external('a', { port: 80 }) }], redirect: { scheme: 'https' } }], 'rules[0].redirect', /must not be combined with backends/],
  ['a relative path', [{ matches: [{ path: { value: 'api' } }], backends: [{ service: BackendService.external('a', { port: 80 }) }] }], 'rules[0].matches[0].path.value', /must start with "\/"/],
  ['a bad header name', [{ matches: [{ headers: [{ name: 'x canary', value: '1' }] }], backends: [{ service: BackendService.external('a', { port: 80 }) }] }], 'rules[0].matches[0].headers[0].name', /HTTP header name/],
  ['a prefix rewrite without a prefix match', [{ matches: [{ path: { type: 'Exact', value: '/a' } }], rewrite: { replacePrefixMatch: '/' }, backends: [{ service: BackendService.external('a', { port: 80 }) }] }], 'rules[0].rewrite.replacePrefixMatch', /PathPrefix/],
  ['a bad duration', [{ backends: [{ service: BackendService.external('a', { port: 80 }) }], timeouts: { request: '10 seconds' } }], 'rules[0].timeouts.request', /Gateway API duration/],
])('HTTPRoute: %s', (_what, rules, field, expected) => {
  const { chart, istiod } = mesh();
  const e = validationError(() => http(chart, istiod, web(chart, istiod), rules));
  expect(e.constructPath).toBe('test/route');
  expect(e.field).toBe(field);
  expect(e.expected).toMatch(expected);
});

test('HTTPRoute: parents must fit (protocol, allowed namespaces) and hostnames must be host names', () => {
  const { chart, istiod } = mesh();
  const tls = new KubernetesGateway(chart, 'tls', { namespace: { istiod, name: 'edge' }, listeners: [{ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' }, allowedRoutes: { from: 'All' } }, { name: 'http', port: 80, protocol: 'HTTP' }] });
  const ok = { rules: [{ backends: [{ service: BackendService.external('a', { port: 80 }) }] }] };
  let e = validationError(() => new HttpRoute(chart, 'a', { namespace: { istiod, name: 'shop' }, parents: [tls.listener('tls')], ...ok }));
  expect([e.field, e.expected]).toEqual(['parents[0]', expect.stringMatching(/a HTTPRoute attaches to \(protocol HTTP or HTTPS\); listener "tls" of Gateway edge\/tls has tls \(TLS\)/)]);
  e = validationError(() => new HttpRoute(chart, 'b', { namespace: { istiod, name: 'shop' }, parents: [tls.listener('http')], ...ok }));
  expect(e.expected).toMatch(/takes routes of its own namespace only; set allowedRoutes: \{ from: 'All' \}/);
  e = validationError(() => new HttpRoute(chart, 'c', { namespace: { istiod, name: 'edge' }, parents: [tls], hostnames: ['*'], ...ok }));
  expect([e.field, e.value]).toEqual(['hostnames[0]', '"*"']);
  e = validationError(() => new HttpRoute(chart, 'd', { namespace: { istiod, name: 'edge' }, parents: [], ...ok }));
  expect(e.field).toBe('parents');
  e = validationError(() => tls.listener('https'));
  expect(e.expected).toBe('must name a listener of this Gateway: "tls", "http"');
});

test.each([
  ['HTTPS without a certificate', [{ name: 'https', port: 443, protocol: 'HTTPS' }], 'listeners[0].tls.certificateRefs', /at least one certificate Secret/],
  ['TLS settings on HTTP', [{ name: 'http', port: 80, protocol: 'HTTP', tls: { certificateRefs: [{ name: 'c' }] } }], 'listeners[0].tls', /must be unset on a HTTP listener/],
  ['a hostname on TCP', [{ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'a.example.com' }], 'listeners[0].hostname', /only on HTTP, HTTPS and TLS/],
  ['two listeners of one name', [{ name: 'http', port: 80, protocol: 'HTTP' }, { name: 'http', port: 81, protocol: 'HTTP' }], 'listeners[1].name', /unique/],
  ['two listeners of one port, protocol and hostname', [{ name: 'a', port: 80, protocol: 'HTTP' }, { name: 'b', port: 80, protocol: 'HTTP' }], 'listeners[1]', /port, protocol or hostname/],
  ['an unknown protocol', [{ name: 'a', port: 80, protocol: 'HTTP2' }], 'listeners[0].protocol', /"HTTP", "HTTPS", "TLS", "TCP", "HBONE"/],
  ['no listeners', [], 'listeners', /1 to 64/],
])('KubernetesGateway: %s', (_what, listeners, field, expected) => {
  const { chart, istiod } = mesh();
  const e = validationError(() => web(chart, istiod, listeners));
  expect([e.constructPath, e.field]).toEqual(['test/web', field]);
  expect(e.expected).toMatch(expected);
});

test('canary: weights are percentages, on a step of the plan, between two Services', () => {
  const { chart, istiod } = mesh();
  const a = BackendService.external('a', { port: 80 });
  const b = BackendService.external('b', { port: 80 });
  const base = { namespace: { istiod, name: 'shop' }, parents: [web(chart, istiod)], stable: a, canary: b };
  let e = validationError(() => new HttpCanaryRoute(chart, 'c1', { ...base, canaryWeight: 110 }));
  expect([e.field, e.expected]).toEqual(['canaryWeight', 'must be an integer from 0 to 100']);
  e = validationError(() => new HttpCanaryRoute(chart, 'c2', { ...base, canaryWeight: 30, steps: [10, 50] }));
  expect(e.expected).toBe('must be 0 (rollout not started) or one of the steps [10, 50]');
  e = validationError(() => new HttpCanaryRoute(chart, 'c3', { ...base, canaryWeight: 10, steps: [10, 5] }));
  expect(e.field).toBe('steps[1]');
  e = validationError(() => new HttpCanaryRoute(chart, 'c4', { ...base, canary: a, canaryWeight: 10 }));
  expect([e.field, e.expected]).toEqual(['canary', expect.stringMatching(/another Service than stable/)]);
});

describe('what a release does not have', () => {
  test('GRPCRoute, rule timeouts and 303/307/308 redirects need Istio 1.30 (Gateway API v1.0 lacks them in its standard channel)', () => {
    const { chart, istiod } = mesh(IstioVersion.V1_20_3);
    const gw = web(chart, istiod);
    const svc = BackendService.external('a', { port: 80 });
    let e = validationError(() => new GrpcRoute(chart, 'g', { namespace: { istiod, name: 'shop' }, parents: [gw], rules: [{ backends: [{ service: svc }] }] }));
    expect([e.field, e.value]).toEqual(['namespace.istiod.version', '"1.20.3"']);
    expect(e.expected).toMatch(/built against Gateway API v1\.0\.0, and GRPCRoute joined the standard channel in Gateway API v1\.1; use IstioVersion\.V1_30_3/);
    e = validationError(() => http(chart, istiod, gw, [{ backends: [{ service: svc }], timeouts: { request: '1s' } }]));
    expect(e.expected).toMatch(/experimental channel of Gateway API v1\.0\.0/);
    e = validationError(() => new HttpRoute(chart, 'r2', { namespace: { istiod, name: 'shop' }, parents: [gw], rules: [{ redirect: { statusCode: 308 } }] }));
    expect(e.field).toBe('rules[0].redirect.statusCode');
    e = validationError(() => new ReferenceGrant(chart, 'rg', { namespace: { istiod, name: 'x' }, from: [{ kind: 'GRPCRoute', namespace: 'y' }], to: [{ kind: 'Service' }] }));
    expect(e.field).toBe('from[0].kind');
  });

  test('waypoints need Istio 1.30 (ambient was alpha in 1.20)', () => {
    const { chart, istiod } = mesh(IstioVersion.V1_20_3);
    const e = validationError(() => new Waypoint(chart, 'w', { namespace: { istiod, name: 'apps' } }));
    expect([e.field, e.value]).toEqual(['namespace.istiod.version', '"1.20.3"']);
    expect(e.expected).toMatch(/ambient mode .* was alpha in Istio 1\.20/);
  });
});

test('a waypoint for a namespace of this app that is not in ambient mode', () => {
  const { chart, istiod } = mesh();
  new ZeroTrustNamespace(chart, 'apps', { istiod, name: 'apps' });
  const e = validationError(() => new Waypoint(chart, 'w', { namespace: { istiod, name: 'apps' } }));
  expect([e.constructPath, e.field, e.value]).toEqual(['test/w', 'namespace', '"apps"']);
  expect(e.expected).toMatch(/must be a namespace in ambient mode \(label istio\.io\/dataplane-mode: ambient\)/);
  // useFor: a namespace not emitted here, and a Service already using another waypoint
  const w = new Waypoint(chart, 'w2', { namespace: { istiod, name: 'elsewhere' } });
  expect(validationError(() => w.useFor('nowhere')).expected).toMatch(/must name a Namespace this app emits/);
  const svc = service(chart, 'elsewhere', 'api');
  svc.metadata.addLabel('istio.io/use-waypoint', 'other');
  expect(validationError(() => w.useFor(svc)).expected).toBe('must not already use another waypoint: it carries istio.io/use-waypoint: other');
});

test('GatewayClass: istiod\'s own classes and bad controller names are refused', () => {
  const { chart, istiod } = mesh();
  expect(validationError(() => new GatewayClass(chart, 'a', { istiod, name: 'istio-waypoint' })).expected).toMatch(/classes istiod creates itself/);
  expect(validationError(() => new GatewayClass(chart, 'b', { istiod, controllerName: 'no-domain' })).field).toBe('controllerName');
});

test('HTTPRoute: hostnames must share a host with the listeners they attach to', () => {
  const { chart, istiod } = mesh();
  const gw = web(chart, istiod, [{ name: 'a', port: 80, protocol: 'HTTP', hostname: '*.example.com' }, { name: 'b', port: 8080, protocol: 'HTTP', hostname: 'api.example.org' }]);
  const backends = [{ service: BackendService.external('a', { port: 80 }) }];
  // a host under the wildcard, a wildcard over the exact host, and a route on both listeners that fits one: fine
  new HttpRoute(chart, 'ok1', { namespace: { istiod, name: 'shop' }, parents: [gw.listener('a')], hostnames: ['shop.example.com'], rules: [{ backends }] });
  new HttpRoute(chart, 'ok2', { namespace: { istiod, name: 'shop' }, parents: [gw.listener('b')], hostnames: ['*.example.org'], rules: [{ backends }] });
  new HttpRoute(chart, 'ok3', { namespace: { istiod, name: 'shop' }, parents: [gw], hostnames: ['api.example.org'], rules: [{ backends }] });
  const e = validationError(() => new HttpRoute(chart, 'bad', { namespace: { istiod, name: 'shop' }, parents: [gw.listener('a')], hostnames: ['example.com', 'shop.example.net'], rules: [{ backends }] }));
  expect([e.constructPath, e.field, e.expected]).toEqual(['test/bad', 'hostnames', 'must share a host with listener "a" of Gateway shop/web, which serves *.example.com: otherwise the route attaches to nothing']);
});

test('TLSRoute: SNI host names required, TLS listeners only, Istio 1.30 only', () => {
  const { chart, istiod } = mesh();
  const gw = web(chart, istiod, [{ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Passthrough' } }, { name: 'http', port: 80, protocol: 'HTTP' }]);
  const backends = [{ service: BackendService.external('db', { port: 5432 }) }];
  let e = validationError(() => new TlsRoute(chart, 'a', { namespace: { istiod, name: 'shop' }, parents: [gw.listener('tls')], hostnames: [], backends }));
  expect([e.field, e.expected]).toEqual(['hostnames', expect.stringMatching(/1 to 16 SNI host names/)]);
  e = validationError(() => new TlsRoute(chart, 'b', { namespace: { istiod, name: 'shop' }, parents: [gw.listener('http')], hostnames: ['db.example.com'], backends }));
  expect(e.expected).toMatch(/a TLSRoute attaches to \(protocol TLS\)/);
  e = validationError(() => new TlsRoute(chart, 'c', { namespace: { istiod, name: 'shop' }, parents: [BackendService.external('db', { port: 5432 })], hostnames: ['db.example.com'], backends }));
  expect(e.expected).toMatch(/a TLSRoute does not attach to a Service/);
  const old = mesh(IstioVersion.V1_20_3);
  e = validationError(() => new TlsRoute(old.chart, 'd', { namespace: { istiod: old.istiod, name: 'shop' }, parents: [], hostnames: ['db.example.com'], backends }));
  expect(e.expected).toMatch(/TLSRoute joined the standard channel in Gateway API v1\.5/);
});
