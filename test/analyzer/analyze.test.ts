/** Behaviour of analyze() beyond single codes: open world, suppression, order, input handling, host helpers. */
import { analyze, formatFinding } from '../../src/analyzer';
import { clusterLocalNamespace, resolveHost } from '../../src/analyzer/hosts';
import { HostIndex, hostWithin, hostsMatch as hostsIntersect } from '../../src/internal/host-match';

const hostMatches = (pattern: string, host: string): boolean => hostWithin(host, pattern);
import { K8sObject, validateAll } from '../support/schema';
import {
  authorizationPolicy, deployment, dest, destinationRule, gateway, ingressWorkload, namespace, service, virtualService,
} from './fixtures';

const codes = (objs: K8sObject[], opts = {}) => analyze(objs, opts).map((f) => `${f.code} ${f.object.kind} ${f.object.name} ${f.field}`);

describe('open world: absence is concluded only where the input describes the namespace', () => {
  const vs = virtualService('trading-agent', 'trading', {
    hosts: ['trading-agent-service'], gateways: ['istio-system/trading-gateway'],
    http: [{ route: [dest('trading-agent-service', { subset: 'v1' })] }],
  });

  test('a route to a Service, Gateway and subset defined elsewhere raises nothing by default', () => {
    validateAll([vs]);
    expect(codes([vs])).toEqual([]);
  });

  test('with assumeComplete the same input reports the missing host, gateway and subset', () => {
    expect(codes([vs], { assumeComplete: true })).toEqual([
      'IST0101 VirtualService trading-agent spec.gateways[0]',
      'IST0101 VirtualService trading-agent spec.http[0].route[0].destination.host',
      'IST0101 VirtualService trading-agent spec.http[0].route[0].destination.subset',
    ]);
  });

  test('a DestinationRule whose pods are deployed elsewhere raises no IST0173', () => {
    const objs = [
      service('reviews', 'shop', { app: 'reviews' }),
      destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v9', labels: { version: 'v9' } }] }),
    ];
    validateAll(objs);
    expect(codes(objs)).toEqual([]);
    expect(codes(objs, { assumeComplete: true })).toEqual(['IST0173 DestinationRule reviews spec.subsets[0].labels']);
  });

  test('policies selecting workloads of an undescribed namespace raise no IST0127', () => {
    const objs = [authorizationPolicy('legacy', 'trading', { app: 'legacy' })];
    validateAll(objs);
    expect(codes(objs)).toEqual([]);
    expect(codes(objs, { assumeComplete: true })).toEqual([
      // the policy's source namespace argocd is not in the (complete) input either
      'IST0101 AuthorizationPolicy legacy spec.rules[0].from[0].source.namespaces[0]',
      'IST0127 AuthorizationPolicy legacy spec.selector.matchLabels',
    ]);
  });

  test('a route to another namespace by FQDN is checked against that namespace', () => {
    const objs = [
      service('fraud-service', 'fraud-detection', { app: 'fraud' }, [{ name: 'http', port: 8080 }]),
      virtualService('fraud-api', 'istio-system', { hosts: ['fraud-api.local'], http: [
        { route: [dest('fraud-service.fraud-detection.svc.cluster.local')] },
      ] }),
      virtualService('typo', 'istio-system', { hosts: ['typo.local'], http: [{ route: [dest('fraud-svc.fraud-detection.svc.cluster.local')] }] }),
      virtualService('short', 'istio-system', { hosts: ['short.local'], http: [{ route: [dest('fraud-service.fraud-detection')] }] }),
    ];
    validateAll(objs);
    expect(codes(objs)).toEqual(['IST0101 VirtualService typo spec.http[0].route[0].destination.host']);
  });
});

describe('suppression', () => {
  const objs = (annotations?: Record<string, string>): K8sObject[] => [
    { ...service('reviews', 'shop', { app: 'reviews' }, [{ name: 'web', port: 80 }]), metadata: { name: 'reviews', namespace: 'shop', ...(annotations ? { annotations } : {}) } },
  ];

  test('the suppress option drops codes', () => {
    validateAll(objs());
    expect(codes(objs())).toEqual(['IST0118 Service reviews spec.ports[0].name']);
    expect(codes(objs(), { suppress: ['IST0118'] })).toEqual([]);
  });

  test('galley.istio.io/analyze-suppress on the object drops listed codes, or all with *', () => {
    validateAll(objs({ 'galley.istio.io/analyze-suppress': 'IST0102, IST0118' }));
    expect(codes(objs({ 'galley.istio.io/analyze-suppress': 'IST0102, IST0118' }))).toEqual([]);
    expect(codes(objs({ 'galley.istio.io/analyze-suppress': '*' }))).toEqual([]);
    expect(codes(objs({ 'galley.istio.io/analyze-suppress': 'IST0102' }))).toEqual(['IST0118 Service reviews spec.ports[0].name']);
  });
});

describe('input handling', () => {
  test('non-objects and objects without kind/apiVersion are ignored', () => {
    const odd = [null, 'text', 42, [], { foo: 'bar' }, { kind: 'VirtualService' }] as unknown as K8sObject[];
    expect(analyze(odd)).toEqual([]);
  });

  test('objects without namespace are placed in defaultNamespace', () => {
    const svc = service('reviews', 'x', { app: 'reviews' }, [{ name: 'web', port: 80 }]);
    delete (svc.metadata as { namespace?: string }).namespace;
    validateAll([svc]);
    expect(analyze([svc])[0].object.namespace).toBe('default');
    expect(analyze([svc], { defaultNamespace: 'shop' })[0].object.namespace).toBe('shop');
  });

  test('cluster-scoped objects have no namespace in findings', () => {
    const ns = namespace('shop', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' });
    validateAll([ns]);
    expect(analyze([ns])[0].object).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'shop' });
  });

  test('an Istio-looking kind of another API group is not analyzed as Istio (Gateway API Gateway)', () => {
    const k8sGateway = {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'web', namespace: 'shop' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    };
    expect(analyze([k8sGateway])).toEqual([]);
  });

  test('findings are sorted most serious first, then by object and field', () => {
    const objs = [
      service('a', 'shop', { app: 'a' }, [{ name: 'web', port: 80 }]),
      namespace('shop'),
      deployment('a', 'shop', { app: 'a' }, { annotations: { 'sidecar.istio.io/inject': 'true' } }),
      gateway('web', 'shop', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }]),
      virtualService('a', 'shop', { hosts: ['a'], gateways: ['missing'], http: [{ route: [dest('a')] }] }),
    ];
    validateAll(objs);
    expect(analyze(objs).map((f) => `${f.severity} ${f.code} ${f.object.kind}/${f.object.name}`)).toEqual([
      'Error IST0101 VirtualService/a',
      'Warning IST0107 Deployment/a',
      'Info IST0102 Namespace/shop',
      'Info IST0135 Deployment/a',
      'Info IST0118 Service/a',
    ]);
  });
});

describe('code-specific edges', () => {
  test('IST0102: pods that choose injection themselves, control-plane and system namespaces are not reported', () => {
    const objs = [
      namespace('istio-ingress'),
      deployment('istio-ingressgateway', 'istio-ingress', { istio: 'ingressgateway', 'sidecar.istio.io/inject': 'true' }),
      namespace('istio-system'),
      deployment('istiod', 'istio-system', { app: 'istiod' }),
      namespace('kube-system'),
      deployment('coredns', 'kube-system', { k8s: 'dns' }),
      namespace('legacy', { 'istio-injection': 'disabled' }),
      deployment('old', 'legacy', { app: 'old' }),
    ];
    validateAll(objs);
    expect(codes(objs)).toEqual([]);
  });

  test('IST0109: hosts conflict per visibility scope, as in Istio (exportTo)', () => {
    const objs = [
      virtualService('r', 'team-a', { hosts: ['reviews.shop.svc.cluster.local'], exportTo: ['.'], http: [{ route: [dest('reviews.shop.svc.cluster.local')] }] }),
      virtualService('r', 'team-b', { hosts: ['reviews.shop.svc.cluster.local'], exportTo: ['.'], http: [{ route: [dest('reviews.shop.svc.cluster.local')] }] }),
    ];
    validateAll(objs);
    expect(codes(objs)).toEqual([]);
    const more = [...objs,
      virtualService('r', 'shop', { hosts: ['reviews'], http: [{ route: [dest('reviews')] }] }),
      virtualService('r2', 'team-a', { hosts: ['reviews.shop.svc.cluster.local'], exportTo: ['.', 'team-b'], http: [{ route: [dest('reviews.shop.svc.cluster.local')] }] }),
    ];
    validateAll(more);
    // As Istio groups them: per namespace a host is visible in, the VirtualServices exported there plus those
    // exported to all (shop/r); each VirtualService is reported once.
    expect(analyze(more).filter((f) => f.code === 'IST0109').map((f) => `${f.object.namespace}/${f.object.name}: ${f.message}`)).toEqual([
      expect.stringMatching(/^shop\/r: The VirtualServices shop\/r, team-a\/r, team-a\/r2 bound to the mesh define the same host reviews\.shop\.svc\.cluster\.local \(visible in namespace team-a\)/),
      expect.stringMatching(/^team-a\/r: The VirtualServices shop\/r, team-a\/r, team-a\/r2 .* \(visible in namespace team-a\)/),
      expect.stringMatching(/^team-a\/r2: The VirtualServices shop\/r, team-a\/r, team-a\/r2 .* \(visible in namespace team-a\)/),
      expect.stringMatching(/^team-b\/r: The VirtualServices shop\/r, team-a\/r2, team-b\/r .* \(visible in namespace team-b\)/),
    ]);
  });

  test('IST0118: appProtocol, UDP ports and Istio ports (15000-15099) are exempt', () => {
    const objs = [service('dns', 'shop', { app: 'dns' }, [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'web', port: 8080, appProtocol: 'http' },
      { name: 'status-port', port: 15021 },
      { name: 'grpc-web-ui', port: 9000 },
      { port: 9100 },
    ])];
    validateAll(objs);
    expect(analyze(objs).map((f) => f.message)).toEqual([expect.stringMatching(/^Port name \(unnamed\) \(port: 9100, targetPort: 9100\)/)]);
  });

  test('IST0132: namespace-qualified Gateway hosts only accept VirtualServices of that namespace', () => {
    const gw = gateway('web', 'istio-system', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['shop/*.example.com', './admin.example.com'] }]);
    const objs = [
      gw,
      virtualService('ok', 'shop', { hosts: ['a.example.com'], gateways: ['istio-system/web'], http: [{ route: [dest('a.example.com')] }] }),
      virtualService('other-ns', 'blog', { hosts: ['b.example.com'], gateways: ['istio-system/web'], http: [{ route: [dest('b.example.com')] }] }),
      virtualService('admin', 'istio-system', { hosts: ['admin.example.com'], gateways: ['web'], http: [{ route: [dest('admin.example.com')] }] }),
      virtualService('wild', 'shop', { hosts: ['*.example.com'], gateways: ['istio-system/web'], http: [{ route: [dest('a.example.com')] }] }),
    ];
    validateAll(objs);
    expect(codes(objs)).toEqual(['IST0132 VirtualService other-ns spec.gateways[0]']);
  });

  test('IST0132: a VirtualService for mesh and gateway traffic needs only one host served by the Gateway (as in Istio)', () => {
    const objs = [
      gateway('trading-gateway', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['trading.example.com'] }]),
      virtualService('trading-agent', 'trading', {
        hosts: ['trading-agent-service', 'trading.example.com'], gateways: ['istio-ingress/trading-gateway', 'mesh'],
        http: [{ route: [dest('trading-agent-service')] }],
      }),
    ];
    validateAll(objs);
    expect(codes(objs)).toEqual([]);
  });

  test('IST0145: the same host on different ports or selectors is no conflict', () => {
    const objs = [
      gateway('a', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['shop.example.com'] }]),
      gateway('b', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 443, protocol: 'HTTPS', hosts: ['shop.example.com'] }]),
      gateway('c', 'istio-ingress', { istio: 'internal-gateway' }, [{ port: 80, hosts: ['shop.example.com'] }]),
    ];
    validateAll(objs);
    expect(codes(objs)).toEqual([]);
  });

  test('IST0130: a match-less rule in tcp routes makes later tcp rules unreachable', () => {
    const objs = [virtualService('db', 'shop', { hosts: ['db'], tcp: [
      { route: [dest('db', { port: { number: 5432 } })] },
      { match: [{ port: 5433 }], route: [dest('db', { port: { number: 5433 } })] },
    ] })];
    validateAll(objs);
    expect(codes(objs)).toEqual(['IST0130 VirtualService db spec.tcp[1]']);
  });
});

describe('format', () => {
  test('one line with severity, code, object, field, message, fix and source', () => {
    const objs = [service('reviews', 'shop', { app: 'reviews' }, [{ name: 'web', port: 80 }])];
    validateAll(objs);
    const [f] = analyze(objs);
    expect(formatFinding(f)).toBe(
      'Info [IST0118] Service shop/reviews spec.ports[0].name: Port name "web" (port: 80, targetPort: 80) does not follow Istio\'s naming convention; the protocol will be sniffed. (fix: Name the port <protocol>[-<suffix>] (e.g. "http-web" or "tcp-web"), or set appProtocol.)');
    expect(formatFinding({ ...f, constructPath: 'app/chart/svc' })).toMatch(/ \[construct app\/chart\/svc\]$/);
    expect(formatFinding({ ...f, file: 'dist/a.yaml' })).toMatch(/ \[file dist\/a\.yaml\]$/);
  });
});

describe('hosts', () => {
  test('short names expand in the namespace; names with dots stay', () => {
    expect(resolveHost('reviews', 'shop', 'cluster.local')).toBe('reviews.shop.svc.cluster.local');
    expect(resolveHost('api.example.com', 'shop', 'cluster.local')).toBe('api.example.com');
    expect(resolveHost('*', 'shop', 'cluster.local')).toBe('*');
    expect(clusterLocalNamespace('reviews.shop.svc.cluster.local', 'cluster.local')).toBe('shop');
    expect(clusterLocalNamespace('api.example.com', 'cluster.local')).toBeUndefined();
  });

  test('wildcards match and intersect like Istio hosts', () => {
    expect(hostMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostMatches('*', 'anything')).toBe(true);
    expect(hostMatches('*.example.com', '*.b.example.com')).toBe(true);
    expect(hostsIntersect('*.b.example.com', '*.example.com')).toBe(true);
    expect(hostsIntersect('a.example.org', '*.example.com')).toBe(false);
  });

  test('HostIndex finds exact and covering wildcard patterns', () => {
    const idx = new HostIndex<string>();
    idx.add('a.example.com', 'exact');
    idx.add('*.example.com', 'wild');
    idx.add('*', 'all');
    idx.add('*.org', 'org');
    expect(idx.matching('a.example.com').sort()).toEqual(['all', 'exact', 'wild']);
    expect(idx.matching('x.y.example.com').sort()).toEqual(['all', 'wild']);
    expect(idx.matching('*.b.example.com').sort()).toEqual(['all', 'wild']);
    expect(idx.matching('example.org').sort()).toEqual(['all', 'org']);
  });
});

describe('IST0162 without a gateway Service', () => {
  test('gateway pods without any Service: reported only with assumeComplete', () => {
    const [workload] = ingressWorkload();
    const objs = [workload, gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }])];
    validateAll(objs);
    expect(codes(objs)).toEqual([]);
    // (without Kubernetes Ingress support, so that istioctl's default ingress gateway is not assumed)
    const complete = { assumeComplete: true, meshConfig: { ingressControllerMode: 'OFF' } };
    expect(analyze(objs, complete).map((f) => `${f.code} ${f.field} ${f.fix}`)).toEqual([
      'IST0162 spec.servers[0].port.number Create a Service selecting the gateway pods with port 80.',
    ]);
    // with it (Istio's default), the assumed istio-ingressgateway pod and Service serve port 80
    expect(codes(objs, { assumeComplete: true })).toEqual([]);
  });
});
