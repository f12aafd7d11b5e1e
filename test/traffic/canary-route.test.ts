import { ZeroTrustNamespace } from '../../src/policy';
import { CanaryRoute, CanaryRouteProps, IGatewayBinding } from '../../src/traffic';
import { IstioVersion } from '../../src/version';
import { meshAndApps, VERSIONS } from '../policy/fixtures';
import { findOne, ids, synthValid } from '../support/synth';
import { K8sObject } from '../support/schema';
import { PI_TRADING_CANARY_SPEC } from '../support/pi-document';

const PI_CIRCUIT_BREAKER = {
  connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 2 } },
  outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s' },
};

describe.each(VERSIONS)('CanaryRoute on Istio %s', (_tag, version, _security, networking) => {
  test('Pi cluster: circuit-breaker DestinationRule and trading-canary VirtualService (90/10, /api/v2 -> v2), exactly', () => {
    const { istiod, chart } = meshAndApps(version);
    const trading = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    const route = new CanaryRoute(chart, 'trading-agent', {
      namespace: trading,
      host: 'trading-agent-service',
      stable: { version: 'v1' },
      canary: { version: 'v2', weight: 10 },
      matches: [{ uri: { prefix: '/api/v2' }, subset: 'v2' }],
      trafficPolicy: PI_CIRCUIT_BREAKER,
      destinationRuleName: 'circuit-breaker',
      virtualServiceName: 'trading-canary',
    });
    expect([route.version, route.stableWeight, route.canaryWeight]).toEqual([version, 90, 10]);
    const objs = synthValid(chart);
    const dr = findOne(objs, 'DestinationRule', 'circuit-breaker', 'trading');
    expect(dr.apiVersion).toBe(networking);
    // The document's spec, plus the subsets its VirtualService routes to (without them Istio answers 503).
    expect(dr.spec).toEqual({
      host: 'trading-agent-service',
      trafficPolicy: PI_CIRCUIT_BREAKER,
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    });
    const vs = findOne(objs, 'VirtualService', 'trading-canary', 'trading');
    expect(vs.apiVersion).toBe(networking);
    expect(vs.spec).toEqual(PI_TRADING_CANARY_SPEC);
  });

  test('MLOps: A/B between two model versions (50/50, header override, custom labels) in a namespace managed elsewhere', () => {
    const { istiod, chart } = meshAndApps(version);
    new CanaryRoute(chart, 'fraud-model', {
      namespace: { istiod, name: 'fraud-detection' },
      host: 'fraud-model',
      port: 8000,
      stable: { version: 'xgboost-v3', labels: { 'app': 'fraud-model', 'model-version': 'xgboost-v3' } },
      canary: { version: 'torch-v1', labels: { 'app': 'fraud-model', 'model-version': 'torch-v1' }, weight: 50 },
      matches: [{ headers: { 'x-model': { exact: 'torch-v1' } }, subset: 'torch-v1' }],
    });
    const objs = synthValid(chart);
    expect(ids(objs)).toEqual(['DestinationRule fraud-detection/fraud-model', 'VirtualService fraud-detection/fraud-model']);
    expect(findOne(objs, 'DestinationRule', 'fraud-model').spec.subsets).toEqual([
      { name: 'xgboost-v3', labels: { 'app': 'fraud-model', 'model-version': 'xgboost-v3' } },
      { name: 'torch-v1', labels: { 'app': 'fraud-model', 'model-version': 'torch-v1' } },
    ]);
    const dest = (subset: string) => ({ host: 'fraud-model', subset, port: { number: 8000 } });
    expect(findOne(objs, 'VirtualService', 'fraud-model').spec.http).toEqual([
      { match: [{ headers: { 'x-model': { exact: 'torch-v1' } } }], route: [{ destination: dest('torch-v1') }] },
      { route: [{ destination: dest('xgboost-v3'), weight: 50 }, { destination: dest('torch-v1'), weight: 50 }] },
    ]);
  });
});

describe('CanaryRoute: features', () => {
  const base = (): { props: Omit<CanaryRouteProps, 'namespace'>; setup: ReturnType<typeof meshAndApps> } => ({
    setup: meshAndApps(),
    props: { host: 'trading-agent-service', port: 80, stable: { version: 'v1' }, canary: { version: 'v2', weight: 10 } },
  });

  test('issue example: port 80, x-canary header, query and regex overrides', () => {
    const { setup: { istiod, chart }, props } = base();
    new CanaryRoute(chart, 'trading-agent', {
      ...props,
      namespace: { istiod, name: 'trading' },
      matches: [
        { headers: { 'x-canary': { exact: 'true' } }, subset: 'v2' },
        { uri: { regex: '/api/v[0-9]+/orders' }, queryParams: { beta: { exact: '1' } }, subset: 'v2' },
        { uri: { exact: '/legacy' }, headers: { 'user-agent': { prefix: 'curl' } }, subset: 'v1' },
      ],
    });
    const vs = findOne(synthValid(chart), 'VirtualService', 'trading-agent');
    const dest = (subset: string) => ({ host: 'trading-agent-service', subset, port: { number: 80 } });
    expect(vs.spec.http.map((h: { match?: unknown }) => h.match)).toEqual([
      [{ headers: { 'x-canary': { exact: 'true' } } }],
      [{ uri: { regex: '/api/v[0-9]+/orders' }, queryParams: { beta: { exact: '1' } } }],
      [{ uri: { exact: '/legacy' }, headers: { 'user-agent': { prefix: 'curl' } } }],
      undefined,
    ]);
    expect(vs.spec.http[3].route).toEqual([{ destination: dest('v1'), weight: 90 }, { destination: dest('v2'), weight: 10 }]);
  });

  test('typed traffic policy, retries, timeout, fault injection and mirroring on every HTTP route', () => {
    const { setup: { istiod, chart }, props } = base();
    new CanaryRoute(chart, 'r', {
      ...props,
      namespace: { istiod, name: 'trading' },
      canary: { version: 'v2', weight: 0 },
      matches: [{ headers: { 'x-canary': { exact: 'true' } }, subset: 'v2' }],
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 10, connectTimeout: '500ms' }, http: { http2MaxRequests: 50, maxRetries: 3, idleTimeout: '1h' } },
        outlierDetection: { consecutive5xxErrors: 3, consecutiveGatewayErrors: 2, interval: '1m30s', baseEjectionTime: '2m', maxEjectionPercent: 50, minHealthPercent: 20 },
        tls: { mode: 'ISTIO_MUTUAL' },
        loadBalancer: 'LEAST_REQUEST',
      },
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: ['5xx', 'connect-failure', '503'] },
      timeout: '10s',
      fault: { delay: { fixedDelay: '5s', percentage: 10 }, abort: { httpStatus: 503, percentage: 0.5 } },
      mirror: { subset: 'v2', percentage: 25 },
    });
    const objs = synthValid(chart);
    expect(findOne(objs, 'DestinationRule', 'r').spec.trafficPolicy).toEqual({
      connectionPool: { tcp: { maxConnections: 10, connectTimeout: '500ms' }, http: { http2MaxRequests: 50, maxRetries: 3, idleTimeout: '1h' } },
      outlierDetection: { consecutive5xxErrors: 3, consecutiveGatewayErrors: 2, interval: '1m30s', baseEjectionTime: '2m', maxEjectionPercent: 50, minHealthPercent: 20 },
      tls: { mode: 'ISTIO_MUTUAL' },
      loadBalancer: { simple: 'LEAST_REQUEST' },
    });
    const http = findOne(objs, 'VirtualService', 'r').spec.http;
    expect(http).toHaveLength(2);
    for (const h of http) {
      expect(h.timeout).toBe('10s');
      expect(h.retries).toEqual({ attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure,503' });
      expect(h.fault).toEqual({ delay: { fixedDelay: '5s', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 0.5 } } });
      expect(h.mirror).toEqual({ host: 'trading-agent-service', subset: 'v2', port: { number: 80 } });
      expect(h.mirrorPercentage).toEqual({ value: 25 });
    }
    expect(http[1].route.map((r: { weight: number }) => r.weight)).toEqual([100, 0]);
  });

  test('north-south: bound to a gateway binding with external hosts, in-mesh traffic kept', () => {
    const { setup: { istiod, chart }, props } = base();
    const gw: IGatewayBinding = { gatewayRef: 'istio-system/public', hosts: ['*.example.com'] };
    new CanaryRoute(chart, 'r', { ...props, namespace: { istiod, name: 'trading' }, gateways: [gw], externalHosts: ['trading.example.com'] });
    new CanaryRoute(chart, 's', { ...props, namespace: { istiod, name: 'trading' }, gateways: ['istio-system/public'], externalHosts: ['api.example.com'], meshTraffic: false });
    const objs = synthValid(chart);
    const r = findOne(objs, 'VirtualService', 'r').spec;
    expect([r.hosts, r.gateways]).toEqual([['trading-agent-service', 'trading.example.com'], ['istio-system/public', 'mesh']]);
    const s = findOne(objs, 'VirtualService', 's').spec;
    expect([s.hosts, s.gateways]).toEqual([['api.example.com'], ['istio-system/public']]);
  });

  test('progressive steps: the plan, and one chart per step with weights (100 - s, s)', () => {
    const { setup: { istiod, chart }, props } = base();
    const steps = [10, 25, 50, 100];
    const route = new CanaryRoute(chart, 'trading-agent', { ...props, namespace: { istiod, name: 'trading' }, steps });
    expect(route.plan).toEqual(steps.map((s, index) => ({ index, stableWeight: 100 - s, canaryWeight: s })));
    steps.forEach((s, i) => {
      const stepChart = route.chartAtStep(i);
      expect(stepChart.node.id).toBe(`trading-agent-step-${i}`);
      const objs = synthValid(stepChart);
      expect(ids(objs)).toEqual(['DestinationRule trading/trading-agent', 'VirtualService trading/trading-agent']);
      const weights = findOne(objs, 'VirtualService', 'trading-agent').spec.http[0].route.map((x: { weight: number }) => x.weight);
      expect(weights).toEqual([100 - s, s]);
      expect(CanaryRoute.atStep({ ...props, namespace: { istiod, name: 'trading' }, steps }, i).canary?.weight).toBe(s);
    });
    // The route itself renders the current weight, not a step.
    expect(findOne(synthValid(chart), 'VirtualService', 'trading-agent').spec.http[0].route[1].weight).toBe(10);
  });

  test('determinism: the same input renders the same output', () => {
    const render = () => {
      const { istiod, chart } = meshAndApps(IstioVersion.V1_20_3);
      new CanaryRoute(chart, 'r', {
        namespace: { istiod, name: 'trading' }, host: 'svc', stable: { version: 'v1' }, canary: { version: 'v2', weight: 30 },
        matches: [{ uri: { prefix: '/b' }, subset: 'v2' }], trafficPolicy: PI_CIRCUIT_BREAKER, retries: { attempts: 2 },
      });
      return JSON.stringify(synthValid(chart) as K8sObject[]);
    };
    expect(render()).toBe(render());
  });
});

describe('CanaryRoute: bad input', () => {
  const make = (over: Partial<CanaryRouteProps>) => {
    const { istiod, chart } = meshAndApps();
    return () => new CanaryRoute(chart, 'r', {
      namespace: { istiod, name: 'trading' }, host: 'svc', stable: { version: 'v1' }, canary: { version: 'v2', weight: 10 }, ...over,
    });
  };

  test('weight out of range', () => {
    expect(make({ canary: { version: 'v2', weight: 101 } })).toThrow(/apps\/r: invalid canary.weight 101: must be an integer from 0 to 100/);
    expect(make({ canary: { version: 'v2', weight: -5 } })).toThrow(/apps\/r: invalid canary.weight -5: must be an integer from 0 to 100/);
  });

  test('weight not an integer', () => {
    expect(make({ canary: { version: 'v2', weight: 12.5 } })).toThrow(/apps\/r: invalid canary.weight 12.5: must be an integer from 0 to 100/);
  });

  test('weights not summing to 100', () => {
    expect(make({ stable: { version: 'v1', weight: 80 } }))
      .toThrow(/apps\/r: invalid stable.weight 80: must make the weights sum to 100 with canary.weight 10 \(our policy; Istio only needs a non-zero total\): use 90/);
  });

  test('duplicate subset names', () => {
    expect(make({ canary: { version: 'v1', weight: 10 } })).toThrow(/apps\/r: invalid canary.name "v1": subset names must be unique; stable is already "v1"/);
  });

  test('match pointing at an unknown subset', () => {
    expect(make({ matches: [{ uri: { prefix: '/api/v3' }, subset: 'v3' }] }))
      .toThrow(/apps\/r: invalid matches\[0\].subset "v3": must name a subset of this route: "v1" or "v2"/);
  });

  test('mirror to an unknown subset', () => {
    expect(make({ mirror: { subset: 'shadow' } })).toThrow(/apps\/r: invalid mirror.subset "shadow": must name a subset of this route/);
  });

  test('match without criteria, or with two kinds at once', () => {
    expect(make({ matches: [{ subset: 'v2' }] })).toThrow(/apps\/r: invalid matches\[0\] \{\}: must set at least one of uri, headers, queryParams or port/);
    expect(make({ matches: [{ uri: { prefix: '/a', exact: '/a' }, subset: 'v2' }] })).toThrow(/invalid matches\[0\].uri .*: must set exactly one of exact, prefix or regex/);
  });

  test('version not usable as subset name', () => {
    expect(make({ stable: { version: 'v1.2.0' } })).toThrow(/apps\/r: invalid stable.version "v1.2.0": must be a DNS-1123 label to serve as subset name, or set name/);
  });

  test('invalid host', () => {
    expect(make({ host: 'bad host' })).toThrow(/apps\/r: invalid host "bad host": must be a host name/);
    expect(make({ host: '*.example.com' })).toThrow(/apps\/r: invalid host "\*.example.com": must be a host name .*\(no wildcard here\)/);
  });

  test('port outside 1-65535', () => {
    expect(make({ port: 0 })).toThrow(/apps\/r: invalid port 0: must be an integer from 1 to 65535/);
    expect(make({ port: 65536 })).toThrow(/apps\/r: invalid port 65536: must be an integer from 1 to 65535/);
  });

  test('namespace name not a DNS-1123 label, or without Istiod', () => {
    const { istiod, chart } = meshAndApps();
    expect(() => new CanaryRoute(chart, 'r', { namespace: { istiod, name: 'Trading' }, host: 'svc', stable: { version: 'v1' }, canary: { version: 'v2' } }))
      .toThrow(/apps\/r: invalid namespace.name "Trading": must be a DNS-1123 label/);
    expect(() => new CanaryRoute(chart, 's', { namespace: { istiod: {} as never, name: 'trading' }, host: 'svc', stable: { version: 'v1' }, canary: { version: 'v2' } }))
      .toThrow(/apps\/s: invalid namespace.istiod "\(not an Istiod\)": must be the Istiod serving the namespace, or Istiod.fromAttributes/);
  });

  test('bad durations', () => {
    expect(make({ timeout: '30' })).toThrow(/apps\/r: invalid timeout "30": must be a duration of at least 1ms with a unit, such as "30s"/);
    expect(make({ retries: { attempts: 2, perTryTimeout: '0s' } })).toThrow(/apps\/r: invalid retries.perTryTimeout "0s": must be a duration of at least 1ms/);
    expect(make({ trafficPolicy: { outlierDetection: { interval: '30 s' } } })).toThrow(/apps\/r: invalid trafficPolicy.outlierDetection.interval "30 s": must be a duration/);
  });

  test('bad regex: does not compile, or uses what RE2 lacks', () => {
    expect(make({ matches: [{ uri: { regex: '/api/(v2' }, subset: 'v2' }] })).toThrow(/apps\/r: invalid matches\[0\].uri.regex "\/api\/\(v2": must be a valid RE2 regular expression/);
    expect(make({ matches: [{ headers: { 'x-user': { regex: '(?!admin).*' } }, subset: 'v2' }] }))
      .toThrow(/apps\/r: invalid matches\[0\].headers.x-user.regex "\(\?!admin\).\*": must be an RE2 regular expression: Envoy has no lookahead/);
  });

  test('query parameter prefix match (unsupported by Istio)', () => {
    expect(make({ matches: [{ queryParams: { v: { prefix: '2' } }, subset: 'v2' }] }))
      .toThrow(/apps\/r: invalid matches\[0\].queryParams.v.prefix "2": is not supported by Istio for query parameters/);
  });

  test('header names must be lower case', () => {
    expect(make({ matches: [{ headers: { 'X-Canary': { exact: 'true' } }, subset: 'v2' }] }))
      .toThrow(/apps\/r: invalid matches\[0\].headers "X-Canary": must be a lower-case header name/);
  });

  test('steps not strictly increasing or out of range; step index out of range', () => {
    expect(make({ steps: [10, 50, 25] })).toThrow(/apps\/r: invalid steps\[2\] 25: must be greater than the previous step 50/);
    expect(make({ steps: [10, 150] })).toThrow(/apps\/r: invalid steps\[1\] 150: must be an integer from 0 to 100/);
    const route = make({ steps: [10, 100] })();
    expect(() => route.chartAtStep(2)).toThrow(/CanaryRoute.atStep: invalid index 2: must be an integer from 0 to 1/);
  });

  test('gateways: malformed reference, external host the gateway does not serve, wildcard host with mesh', () => {
    expect(make({ gateways: ['a/b/c'], externalHosts: ['x.example.com'] })).toThrow(/apps\/r: invalid gateways\[0\] "a\/b\/c": must be a Gateway reference/);
    const gw = { gatewayRef: 'istio-system/public', hosts: ['*.example.com'] };
    expect(make({ gateways: [gw], externalHosts: ['trading.example.org'] }))
      .toThrow(/apps\/r: invalid externalHosts\[0\] "trading.example.org": must match a host the gateways expose to namespace trading \(\*.example.com\)/);
    expect(make({ gateways: [gw] })).toThrow(/apps\/r: invalid externalHosts \(undefined\): must list the external hosts/);
    expect(make({ gateways: [{ gatewayRef: 'istio-system/all', hosts: ['*'] }], externalHosts: ['*'] })).toThrow(/apps\/r: invalid externalHosts\[0\] "\*": must not be "\*" for in-mesh routing/);
  });

  test('retries, fault and TLS out of range', () => {
    expect(make({ retries: { attempts: 2, retryOn: ['sometimes'] } })).toThrow(/apps\/r: invalid retries.retryOn\[0\] "sometimes": must be one of 5xx/);
    expect(make({ fault: { abort: { httpStatus: 99, percentage: 1 } } })).toThrow(/apps\/r: invalid fault.abort.httpStatus 99: must be an integer from 200 to 599/);
    expect(make({ fault: { delay: { fixedDelay: '1s', percentage: 120 } } })).toThrow(/apps\/r: invalid fault.delay.percentage 120: must be a percentage from 0 to 100/);
    expect(make({ trafficPolicy: { tls: { mode: 'MUTUAL' } } })).toThrow(/apps\/r: invalid trafficPolicy.tls.credentialName \(undefined\): must name the Secret/);
    expect(make({ trafficPolicy: { loadBalancer: 'LEAST_CONN' as never } })).toThrow(/apps\/r: invalid trafficPolicy.loadBalancer "LEAST_CONN": must be ROUND_ROBIN, LEAST_REQUEST, RANDOM or PASSTHROUGH/);
    expect(make({ trafficPolicy: { outlierDetection: { maxEjectionPercent: 101 } } })).toThrow(/apps\/r: invalid trafficPolicy.outlierDetection.maxEjectionPercent 101: must be an integer from 0 to 100/);
  });
});
