import { buildMeshGraph, MeshGraph, MeshGraphOptions } from '../../src/picture';
import { K8sObject, validateAll } from '../support/schema';
import { deployment, edge, edgesBetween, net, node, sec, service } from './helpers';
import { piMeshObjects } from './pi-fixture';

/** Every object a test feeds the picture is schema-valid Kubernetes/Istio. */
function graphOf(objs: K8sObject[], options?: MeshGraphOptions): MeshGraph {
  expect(validateAll(objs)).toBe(objs.length);
  return buildMeshGraph(objs, options);
}

describe('Raspberry-Pi mesh graph', () => {
  const g = graphOf(piMeshObjects('v1beta1'));
  const svcFqdnLabel = 'trading-agent-service';

  test('gateway pods serve the trading gateway, which accepts host * on 80/HTTP', () => {
    const pods = node(g, 'gatewayWorkload', 'istio=ingressgateway');
    const gw = node(g, 'gateway', 'trading-gateway', 'trading');
    expect(gw.details).toEqual([':80 HTTP *']);
    expect(edge(g, pods, gw).kind).toBe('serves');
    const host = node(g, 'host', '*', 'trading');
    const exposes = edge(g, gw, host, 'exposes');
    expect(exposes.ports).toEqual(['80/HTTP']);
    expect(exposes.label).toBe('80/HTTP');
  });

  test('the trading-app route sends all traffic to trading-app-service port 80', () => {
    const route = node(g, 'route', 'trading-app http#1', 'trading');
    expect(route.details).toEqual(['any request']);
    expect(edge(g, node(g, 'host', '*'), route).kind).toBe('matches');
    const e = edge(g, route, node(g, 'service', 'trading-app-service', 'trading'), 'routes');
    expect(e.weight).toBe(100);
    expect(e.port).toBe(80);
    expect(e.label).toBe('100% :80');
  });

  test('the canary sends /api/v2 to subset v2, and splits the rest 90/10 between v1 and v2', () => {
    const host = node(g, 'host', svcFqdnLabel, 'trading');
    expect(edge(g, node(g, 'mesh', 'mesh'), host).kind).toBe('exposes');
    const api = node(g, 'route', 'trading-canary http#1', 'trading');
    const rest = node(g, 'route', 'trading-canary http#2', 'trading');
    expect(api.details).toEqual(['prefix /api/v2']);
    expect(rest.details).toEqual(['any request']);
    expect(edge(g, host, api).kind).toBe('matches');
    expect(edge(g, host, rest).kind).toBe('matches');
    const v1 = node(g, 'subset', 'subset v1', 'trading');
    const v2 = node(g, 'subset', 'subset v2', 'trading');
    expect(edge(g, api, v2, 'routes').weight).toBe(100);
    expect(edgesBetween(g, api, v1)).toEqual([]);
    expect(edge(g, rest, v1, 'routes')).toMatchObject({ weight: 90, label: '90%' });
    expect(edge(g, rest, v2, 'routes')).toMatchObject({ weight: 10, label: '10%' });
  });

  test('the circuit-breaker DestinationRule describes the service and defines its subsets', () => {
    const svc = node(g, 'service', svcFqdnLabel, 'trading');
    expect(svc.details).toEqual([
      'DestinationRule circuit-breaker',
      'pool: max 100 conn, 100 pending, 2 req/conn',
      'outlier ejection: 5× 5xx, every 30s, out 30s',
    ]);
    expect(svc.sources).toEqual(['DestinationRule trading/circuit-breaker']);
    for (const v of ['v1', 'v2']) {
      const sub = node(g, 'subset', `subset ${v}`);
      expect(sub.details).toEqual([`version=${v}`]);
      expect(sub.marks).toEqual([]);
      expect(edge(g, svc, sub).kind).toBe('subset');
    }
  });

  test('argocd (any request) and the prometheus service account (port 8888) may call the trading agent', () => {
    const agent = node(g, 'workload', 'app=trading-agent', 'trading');
    const argocd = node(g, 'caller', 'any workload', 'argocd');
    const prometheus = node(g, 'caller', 'service account prometheus', 'istio-system');
    expect(prometheus.details).toEqual(['cluster.local/ns/istio-system/sa/prometheus']);
    expect(edge(g, argocd, agent)).toMatchObject({ kind: 'allows', label: 'any request' });
    expect(edge(g, argocd, agent).ports).toBeUndefined();
    expect(edge(g, prometheus, agent)).toMatchObject({ kind: 'allows', label: 'ports 8888', ports: ['8888'] });
    expect(g.edges.filter((e) => e.to === agent.id)).toHaveLength(2);
  });

  test('the ALLOW policy marks the trading agent default-deny (but not deny-all)', () => {
    const agent = node(g, 'workload', 'app=trading-agent');
    expect(agent.marks).toEqual(['default-deny']);
    expect(agent.details).toEqual(['ALLOW policy trading-agent-policy']);
    expect(agent.sources).toEqual(['AuthorizationPolicy trading/trading-agent-policy']);
  });

  test('mTLS: STRICT mesh-wide from istio-system, PERMISSIVE for legacy=true workloads in trading', () => {
    expect(g.meshMtls).toEqual({ mode: 'STRICT', source: 'mesh', policy: 'istio-system/default' });
    expect(g.namespaces.map((n) => n.name)).toEqual(['argocd', 'istio-system', 'trading']);
    for (const ns of g.namespaces) expect(ns).toMatchObject({ mtls: 'STRICT', mtlsSource: 'mesh', mtlsPolicy: 'istio-system/default' });
    expect(g.namespaces.find((n) => n.name === 'istio-system')!.root).toBe(true);
    const legacy = node(g, 'workload', 'legacy=true', 'trading');
    expect(legacy.marks).toEqual(['mtls-permissive']);
    expect(legacy.details).toEqual(['mTLS PERMISSIVE (legacy-service-permissive)']);
  });

  test('the whole graph: node and edge counts', () => {
    const count = (k: string) => g.nodes.filter((n) => n.kind === k).length;
    expect([count('gatewayWorkload'), count('gateway'), count('mesh'), count('host'), count('route'), count('service'), count('subset'), count('workload'), count('caller')]).toEqual([
      1, 1, 1, 2, 3, 2, 2, 2, 2,
    ]);
    const kinds = g.edges.map((e) => e.kind).sort();
    expect(kinds).toEqual(['allows', 'allows', 'exposes', 'exposes', 'matches', 'matches', 'matches', 'routes', 'routes', 'routes', 'routes', 'serves', 'subset', 'subset']);
  });

  test('ids are safe (letters, digits, _), unique, prefixed by kind; nodes and edges sorted', () => {
    const ids = g.nodes.map((n) => n.id);
    for (const id of ids) expect(id).toMatch(/^[a-z]+_[A-Za-z0-9_]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const e of g.edges) {
      expect(ids).toContain(e.from);
      expect(ids).toContain(e.to);
    }
    expect(node(g, 'gateway', 'trading-gateway').id).toBe('gw_trading_trading_gateway');
    const keys = g.edges.map((e) => `${e.from} ${e.to} ${e.kind} ${e.label}`);
    expect([...keys].sort()).toEqual(keys);
  });
});

describe('inputs', () => {
  test('v1 and v1beta1 objects give the same graph', () => {
    expect(graphOf(piMeshObjects('v1'))).toEqual(graphOf(piMeshObjects('v1beta1')));
  });

  test('input order does not change the graph', () => {
    const objs = piMeshObjects('v1');
    expect(buildMeshGraph([...objs].reverse())).toEqual(buildMeshGraph(objs));
  });

  test('no Istio objects: an empty graph with Istio default mTLS', () => {
    const objs = [deployment('web', 'shop', { app: 'web' }), service('web', 'shop', { app: 'web' })];
    const g = graphOf(objs);
    expect(g.nodes).toEqual([]);
    expect(g.edges).toEqual([]);
    expect(g.namespaces).toEqual([]);
    expect(g.meshMtls).toEqual({ mode: 'PERMISSIVE', source: 'default' });
    expect(buildMeshGraph([])).toEqual(g);
  });

  test('things that are not objects, or lack apiVersion/kind/name, are skipped', () => {
    const g = buildMeshGraph([null, 42, 'x', [], { kind: 'Gateway' }, { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: {} }]);
    expect(g.nodes).toEqual([]);
  });

  test('a missing namespace means default; fields of the wrong type are ignored', () => {
    const g = buildMeshGraph([
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'odd' }, spec: { hosts: 'not-a-list', http: [{ match: 'x', route: [{ destination: { host: 'a' } }] }] } },
    ]);
    const route = node(g, 'route', 'odd http#1', 'default');
    expect(route.details).toEqual(['any request']);
    expect(edge(g, route, node(g, 'service', 'a', 'default')).weight).toBe(100);
  });
});

describe('routes', () => {
  test('match summaries: header, method, exact and regex paths, query, source labels, alternatives', () => {
    const g = graphOf([
      net('VirtualService', 'shop', 'shop', {
        hosts: ['web'],
        http: [
          { match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [{ destination: { host: 'web', subset: 'canary' } }] },
          { match: [{ method: { exact: 'POST' }, uri: { exact: '/orders' } }, { uri: { regex: '^/o/[0-9]+$' }, ignoreUriCase: true }], route: [{ destination: { host: 'web' } }] },
          { match: [{ queryParams: { debug: { prefix: 'y' } }, sourceLabels: { app: 'tester' }, headers: { 'x-user': {} } }], route: [{ destination: { host: 'web' } }] },
        ],
      }),
    ]);
    expect(node(g, 'route', 'shop http#1').details).toEqual(['header x-canary=true']);
    expect(node(g, 'route', 'shop http#2').details).toEqual(['path /orders & method POST', 'or path ~ ^/o/[0-9]+$ (any case)']);
    expect(node(g, 'route', 'shop http#3').details).toEqual(['header x-user & query debug=y* & from app=tester']);
  });

  test('route actions: redirect, direct response, rewrite, fault, timeout, retries', () => {
    const g = graphOf([
      net('VirtualService', 'edge', 'shop', {
        hosts: ['web'],
        http: [
          { name: 'old', match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new', redirectCode: 308 } },
          { match: [{ uri: { prefix: '/gone' } }], directResponse: { status: 410 } },
          {
            rewrite: { uri: '/' },
            fault: { abort: { httpStatus: 503, percentage: { value: 5 } } },
            timeout: '5s',
            retries: { attempts: 3, perTryTimeout: '2s' },
            route: [{ destination: { host: 'web' } }],
          },
        ],
      }),
    ]);
    const old = node(g, 'route', 'edge http#1 old');
    expect(old.details).toEqual(['prefix /old', 'redirect 308 to /new']);
    expect(g.edges.filter((e) => e.from === old.id)).toEqual([]);
    expect(node(g, 'route', 'edge http#2').details).toEqual(['prefix /gone', 'direct response 410']);
    expect(node(g, 'route', 'edge http#3').details).toEqual(['any request', 'rewrite uri /', 'fault abort 503 (5%)', 'timeout 5s', 'retries 3 × 2s']);
  });

  test('tcp and tls routes with port and SNI matches', () => {
    const g = graphOf([
      net('VirtualService', 'db', 'data', {
        hosts: ['postgres'],
        tcp: [{ match: [{ port: 5432 }], route: [{ destination: { host: 'postgres', port: { number: 5432 } } }] }],
        tls: [{ match: [{ sniHosts: ['postgres.data.svc.cluster.local'], port: 443 }], route: [{ destination: { host: 'postgres' } }] }],
      }),
    ]);
    const tcp = node(g, 'route', 'db tcp#1');
    expect(tcp.details).toEqual(['port 5432']);
    expect(edge(g, tcp, node(g, 'service', 'postgres'))).toMatchObject({ weight: 100, port: 5432, label: '100% :5432' });
    expect(node(g, 'route', 'db tls#1').details).toEqual(['port 443 & sni postgres.data.svc.cluster.local']);
  });

  test('mirrors: a dotted copy to another subset', () => {
    const g = graphOf([
      net('VirtualService', 'web', 'shop', {
        hosts: ['web'],
        http: [{ route: [{ destination: { host: 'web', subset: 'v1' } }], mirror: { host: 'web', subset: 'v2' }, mirrorPercentage: { value: 25 } }],
      }),
      net('DestinationRule', 'web', 'shop', { host: 'web', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
    ]);
    const route = node(g, 'route', 'web http#1');
    expect(edge(g, route, node(g, 'subset', 'subset v2'))).toMatchObject({ kind: 'mirrors', weight: 25, label: 'mirror 25%' });
  });

  test('hosts resolve relative to the namespace of the rule that names them', () => {
    const g = graphOf([
      net('VirtualService', 'a', 'team-a', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api' } }, { destination: { host: 'api.team-b.svc.cluster.local' } }] }] }),
    ]);
    const a = node(g, 'service', 'api', 'team-a');
    const b = node(g, 'service', 'api', 'team-b');
    expect(a.id).not.toBe(b.id);
    const route = node(g, 'route', 'a http#1');
    // two destinations without weights: no weight is invented
    expect(edge(g, route, a).weight).toBeUndefined();
    expect(edge(g, route, b).label).toBe('');
  });

  test('a custom cluster domain', () => {
    const g = graphOf(
      [net('VirtualService', 'a', 'x', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api' }, weight: 50 }, { destination: { host: 'db.y.svc.cluster.local' }, weight: 50 }] }] })],
      { domainSuffix: 'corp.internal' },
    );
    // ids leave out the cluster suffix to stay short
    expect(node(g, 'service', 'api', 'x').id).toBe('svc_api_x');
    expect(node(g, 'service', 'db.y.svc.cluster.local').marks).toEqual(['external']);
  });

  test('external hosts and ServiceEntries are drawn outside namespaces and marked external', () => {
    const g = graphOf([
      net('ServiceEntry', 'payments', 'shop', { hosts: ['api.payments.example'], location: 'MESH_EXTERNAL', ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' }),
      net('VirtualService', 'pay', 'shop', { hosts: ['api.payments.example'], http: [{ timeout: '3s', route: [{ destination: { host: 'api.payments.example' } }] }] }),
    ]);
    const ext = node(g, 'service', 'api.payments.example');
    expect(ext.namespace).toBeUndefined();
    expect(ext.marks).toEqual(['external']);
    expect(ext.details).toEqual(['ServiceEntry payments 443/HTTPS']);
    expect(node(g, 'host', 'api.payments.example').marks).toEqual(['external']);
  });
});

describe('gateways and hosts', () => {
  const gw = net('Gateway', 'public', 'edge', {
    selector: { istio: 'ingressgateway' },
    servers: [
      { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop/*.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-cert' } },
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com', 'status.example.org'], tls: { httpsRedirect: true } },
    ],
  });

  test('a VirtualService host inside a gateway wildcard becomes the host node, with every server port that accepts it', () => {
    const g = graphOf([gw, net('VirtualService', 'shop', 'shop', { hosts: ['shop.example.com'], gateways: ['edge/public'], http: [{ route: [{ destination: { host: 'web' } }] }] })]);
    const gwNode = node(g, 'gateway', 'public', 'edge');
    expect(gwNode.details).toEqual([':443 HTTPS shop/*.example.com (SIMPLE, cert shop-cert)', ':80 HTTP *.example.com, status.example.org (redirect to https)']);
    const host = node(g, 'host', 'shop.example.com', 'edge');
    expect(edge(g, gwNode, host).ports).toEqual(['443/HTTPS', '80/HTTP']);
    expect(edge(g, host, node(g, 'route', 'shop http#1')).kind).toBe('matches');
    // status.example.org is served but nothing routes it; *.example.com is routed through shop.example.com
    expect(node(g, 'host', 'status.example.org').marks).toEqual(['unrouted']);
    expect(g.nodes.filter((n) => n.label === '*.example.com')).toEqual([]);
  });

  test('the namespace part of a server host limits which VirtualServices bind', () => {
    const g = graphOf([gw, net('VirtualService', 'other', 'other', { hosts: ['other.example.com'], gateways: ['edge/public'], http: [{ route: [{ destination: { host: 'web' } }] }] })]);
    const host = node(g, 'host', 'other.example.com', 'edge');
    expect(edge(g, node(g, 'gateway', 'public'), host).ports).toEqual(['80/HTTP']);
  });

  test('a host no server accepts is marked', () => {
    const g = graphOf([gw, net('VirtualService', 'shop', 'shop', { hosts: ['shop.example.net'], gateways: ['edge/public'], http: [{ route: [{ destination: { host: 'web' } }] }] })]);
    const host = node(g, 'host', 'shop.example.net');
    expect(host.marks).toEqual(['unmatched-host']);
    expect(host.details).toEqual(['no server of the gateway accepts it']);
  });

  test('a gateway that is not among the objects is drawn and marked not-found', () => {
    const g = graphOf([net('VirtualService', 'shop', 'shop', { hosts: ['shop.example.com'], gateways: ['edge/elsewhere'], http: [{ route: [{ destination: { host: 'web' } }] }] })]);
    const missing = node(g, 'gateway', 'elsewhere', 'edge');
    expect(missing.marks).toEqual(['not-found']);
    expect(edge(g, missing, node(g, 'host', 'shop.example.com')).kind).toBe('exposes');
  });

  test('a VirtualService on a gateway and the mesh; match-level gateways pick the routes per binding', () => {
    const g = graphOf([
      gw,
      net('VirtualService', 'shop', 'shop', {
        hosts: ['shop.example.com'],
        gateways: ['edge/public', 'mesh'],
        http: [
          { match: [{ gateways: ['mesh'], uri: { prefix: '/internal' } }], route: [{ destination: { host: 'web' } }] },
          { route: [{ destination: { host: 'web' } }] },
        ],
      }),
    ]);
    const gwHost = node(g, 'host', 'shop.example.com', 'edge');
    const meshHost = g.nodes.find((n) => n.kind === 'host' && n.label === 'shop.example.com' && n.id !== gwHost.id)!;
    expect(edge(g, node(g, 'mesh', 'mesh'), meshHost).kind).toBe('exposes');
    const internal = node(g, 'route', 'shop http#1');
    const all = node(g, 'route', 'shop http#2');
    expect(internal.details).toEqual(['prefix /internal & via mesh']);
    expect(edgesBetween(g, gwHost, internal)).toEqual([]);
    expect(edge(g, meshHost, internal).kind).toBe('matches');
    expect(edge(g, gwHost, all).kind).toBe('matches');
    expect(edge(g, meshHost, all).kind).toBe('matches');
  });

  test('gateway pods are named by the Deployment and Service that match the selector', () => {
    const g = graphOf([
      gw,
      deployment('istio-ingressgateway', 'istio-ingress', { istio: 'ingressgateway', app: 'istio-ingressgateway' }),
      service('istio-ingressgateway', 'istio-ingress', { istio: 'ingressgateway' }, 443),
    ]);
    const pods = node(g, 'gatewayWorkload', 'istio=ingressgateway', 'istio-ingress');
    expect(pods.details).toEqual(['Deployment istio-ingress/istio-ingressgateway', 'Service istio-ingress/istio-ingressgateway :443']);
  });
});

describe('destination rules', () => {
  test('a subset no DestinationRule defines is marked', () => {
    const g = graphOf([net('VirtualService', 'web', 'shop', { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', subset: 'v3' } }] }] })]);
    const sub = node(g, 'subset', 'subset v3');
    expect(sub.marks).toEqual(['undefined-subset']);
    expect(sub.details).toEqual(['no DestinationRule defines it']);
  });

  test('a wildcard DestinationRule applies to the services it covers', () => {
    const g = graphOf([
      net('VirtualService', 'web', 'shop', { hosts: ['web'], http: [{ route: [{ destination: { host: 'web' } }] }] }),
      net('DestinationRule', 'all-shop', 'shop', { host: '*.shop.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, loadBalancer: { simple: 'LEAST_REQUEST' } } }),
    ]);
    expect(node(g, 'service', 'web', 'shop').details).toEqual(['DestinationRule all-shop', 'load balancer LEAST_REQUEST', 'tls ISTIO_MUTUAL']);
    expect(g.nodes.filter((n) => n.kind === 'service')).toHaveLength(1);
  });
});

describe('authorization', () => {
  test('an ALLOW policy without rules denies everything in its namespace', () => {
    const g = graphOf([sec('AuthorizationPolicy', 'deny-all', 'shop', {})]);
    const all = node(g, 'workload', 'every workload', 'shop');
    expect(all.marks).toEqual(['default-deny', 'deny-all', 'namespace-wide']);
    expect(all.details).toEqual(['ALLOW policy deny-all (no rules)']);
    expect(g.edges).toEqual([]);
  });

  test('a policy in the root namespace without selector applies mesh-wide', () => {
    const g = graphOf([sec('AuthorizationPolicy', 'mesh-deny', 'istio-system', { action: 'ALLOW' })]);
    expect(node(g, 'workload', 'every workload in the mesh', 'istio-system').marks).toEqual(['default-deny', 'deny-all', 'mesh-wide']);
  });

  test('the root namespace is an option', () => {
    const g = graphOf([sec('AuthorizationPolicy', 'mesh-deny', 'mesh-root', {})], { rootNamespace: 'mesh-root' });
    expect(node(g, 'workload', 'every workload in the mesh', 'mesh-root').marks).toContain('mesh-wide');
  });

  test('DENY, AUDIT and CUSTOM rules become denies, audits and delegates edges', () => {
    const g = graphOf([
      sec('AuthorizationPolicy', 'no-jobs', 'shop', {
        selector: { matchLabels: { app: 'web' } },
        action: 'DENY',
        rules: [{ from: [{ source: { notNamespaces: ['shop'], principals: ['*'] } }], to: [{ operation: { methods: ['DELETE'], paths: ['/admin/*'] } }] }],
      }),
      sec('AuthorizationPolicy', 'audit', 'shop', { selector: { matchLabels: { app: 'web' } }, action: 'AUDIT', rules: [{ to: [{ operation: { paths: ['/pay'] } }] }] }),
      sec('AuthorizationPolicy', 'ext', 'shop', {
        selector: { matchLabels: { app: 'web' } },
        action: 'CUSTOM',
        provider: { name: 'opa' },
        rules: [{ from: [{ source: { requestPrincipals: ['*'] } }], when: [{ key: 'request.headers[x-tenant]', values: ['a', 'b'] }] }],
      }),
    ]);
    const web = node(g, 'workload', 'app=web', 'shop');
    expect(web.marks).toEqual(['has-deny-rules']);
    expect(web.details).toEqual(['AUDIT policy audit', 'CUSTOM policy ext via opa', 'DENY policy no-jobs']);
    const combined = node(g, 'caller', 'principal *');
    expect(combined.details).toEqual(['not namespace shop']);
    expect(edge(g, combined, web)).toMatchObject({ kind: 'denies', label: 'DELETE /admin/*' });
    expect(edge(g, node(g, 'caller', 'any caller'), web)).toMatchObject({ kind: 'audits', label: '/pay' });
    expect(edge(g, node(g, 'caller', 'any JWT'), web)).toMatchObject({ kind: 'delegates', label: 'via opa when request.headers[x-tenant] in a, b' });
  });

  test('callers by principal outside the usual pattern, IP blocks, and wildcard namespaces', () => {
    const g = graphOf([
      sec('AuthorizationPolicy', 'mixed', 'shop', {
        selector: { matchLabels: { app: 'web' } },
        rules: [{ from: [{ source: { principals: ['spiffe-like'] } }, { source: { ipBlocks: ['10.0.0.0/8'] } }, { source: { namespaces: ['*'] } }, { source: { namespaces: ['team-*'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'] } }] }],
      }),
    ]);
    const web = node(g, 'workload', 'app=web');
    for (const label of ['principal spiffe-like', 'IP 10.0.0.0/8', 'any namespace', 'namespaces team-*']) {
      const caller = node(g, 'caller', label);
      expect(caller.namespace).toBeUndefined();
      expect(edge(g, caller, web)).toMatchObject({ kind: 'allows', label: 'ports 8080 GET', ports: ['8080'] });
    }
  });

  test('a Kubernetes Service links to the policy workloads it selects', () => {
    const g = graphOf([...piMeshObjects('v1'), service('trading-agent-service', 'trading', { app: 'trading-agent' }, 8888)]);
    expect(edge(g, node(g, 'service', 'trading-agent-service'), node(g, 'workload', 'app=trading-agent')).kind).toBe('selects');
    expect(g.edges.filter((e) => e.kind === 'selects')).toHaveLength(1);
  });
});

describe('peer authentication', () => {
  test('a namespace policy overrides the mesh-wide mode; port-level exceptions are listed', () => {
    const g = graphOf([
      sec('PeerAuthentication', 'default', 'istio-system', { mtls: { mode: 'STRICT' } }),
      sec('PeerAuthentication', 'ns', 'legacy', { mtls: { mode: 'PERMISSIVE' } }),
      sec('PeerAuthentication', 'metrics', 'shop', { selector: { matchLabels: { app: 'web' } }, portLevelMtls: { '9090': { mode: 'DISABLE' } } }),
    ]);
    expect(g.namespaces).toEqual([
      { name: 'istio-system', mtls: 'STRICT', mtlsSource: 'mesh', mtlsPolicy: 'istio-system/default', root: true },
      { name: 'legacy', mtls: 'PERMISSIVE', mtlsSource: 'namespace', mtlsPolicy: 'legacy/ns', root: false },
      { name: 'shop', mtls: 'STRICT', mtlsSource: 'mesh', mtlsPolicy: 'istio-system/default', root: false },
    ]);
    const web = node(g, 'workload', 'app=web', 'shop');
    expect(web.marks).toEqual(['mtls-disable']);
    expect(web.details).toEqual(['port 9090: mTLS DISABLE (metrics)']);
  });

  test('without any PeerAuthentication, namespaces show Istio’s default PERMISSIVE', () => {
    const g = graphOf([sec('AuthorizationPolicy', 'allow', 'shop', { selector: { matchLabels: { app: 'web' } }, rules: [{}] })]);
    expect(g.namespaces).toEqual([{ name: 'shop', mtls: 'PERMISSIVE', mtlsSource: 'default', root: false }]);
    expect(edge(g, node(g, 'caller', 'any caller'), node(g, 'workload', 'app=web'))).toMatchObject({ kind: 'allows', label: 'any request' });
  });
});

describe('ids', () => {
  test('keys that differ only in punctuation get distinct ids', () => {
    const g = graphOf([
      net('ServiceEntry', 'a', 'x', { hosts: ['a-b.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' }),
      net('ServiceEntry', 'b', 'x', { hosts: ['a.b.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' }),
    ]);
    const ids = g.nodes.map((n) => n.id);
    expect(ids).toEqual(['svc_a_b_example_com', 'svc_a_b_example_com_2']);
    expect(node(g, 'service', 'a-b.example.com').id).toBe('svc_a_b_example_com');
  });
});
