import { Chart } from 'cdk8s';
import { Istiod } from '../../src/istiod';
import { CanaryRoute, MeshRoute } from '../../src/traffic';
import { IstioVersion } from '../../src/version';
import { validationError } from '../support/errors';
import { newChart, synthValid } from '../support/synth';

const error = validationError;

type Spec = Record<string, any>;
const spec = (chart: Chart, kind: string) => synthValid(chart).find((o) => o.kind === kind)!.spec as Spec;

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('routes at Istio %s', (version) => {
  const setup = () => {
    const chart = newChart('apps');
    const istiod = Istiod.fromAttributes(chart, 'mesh', { version });
    return { chart, ns: { istiod, name: 'bookinfo' } };
  };

  test('CanaryRoute with three subsets and weights, and with a single subset', () => {
    const { chart, ns } = setup();
    const three = new CanaryRoute(chart, 'reviews', {
      namespace: ns, host: 'reviews',
      subsets: [{ version: 'v1', weight: 50 }, { version: 'v2', weight: 25 }, { version: 'v3', weight: 25 }],
    });
    new CanaryRoute(chart, 'ratings', { namespace: ns, host: 'ratings', subsets: [{ version: 'v1' }] });
    expect(three.weights).toEqual({ v1: 50, v2: 25, v3: 25 });
    expect(three.destinationRule.subsetNames).toEqual(['v1', 'v2', 'v3']);
    const vss = synthValid(chart).filter((o) => o.kind === 'VirtualService');
    expect((vss[0].spec as Spec).http[0].route.map((r: Spec) => [r.destination.subset, r.weight])).toEqual([['v1', 50], ['v2', 25], ['v3', 25]]);
    expect((vss[1].spec as Spec).http[0].route).toEqual([{ destination: { host: 'ratings', subset: 'v1' }, weight: 100 }]);
  });

  test('CanaryRoute subsets: weights for all or none, summing to 100; not with stable/canary or steps', () => {
    const { chart, ns } = setup();
    const base = { namespace: ns, host: 'reviews' };
    expect(error(() => new CanaryRoute(chart, 'a', { ...base, subsets: [{ version: 'v1', weight: 60 }, { version: 'v2', weight: 30 }] })).expected).toContain('weights must sum to 100 (they sum to 90)');
    expect(error(() => new CanaryRoute(chart, 'b', { ...base, subsets: [{ version: 'v1', weight: 60 }, { version: 'v2' }] })).expected).toContain('for every subset, or for none');
    expect(error(() => new CanaryRoute(chart, 'c', { ...base, subsets: [{ version: 'v1' }], stable: { version: 'v1' } })).field).toBe('subsets');
    expect(error(() => new CanaryRoute(chart, 'd', { ...base, subsets: [{ version: 'v1' }, { version: 'v2' }], steps: [10, 50] })).field).toBe('steps');
    expect(error(() => new CanaryRoute(chart, 'e', { ...base, subsets: [{ version: 'v1' }, { version: 'v1' }] })).field).toBe('subsets[1].name');
    expect(error(() => new CanaryRoute(chart, 'f', { ...base })).field).toBe('stable');
  });

  test('CanaryRoute matches: ORed alternatives and per-match fault, timeout, retries and mirror', () => {
    const { chart, ns } = setup();
    new CanaryRoute(chart, 'ratings', {
      namespace: ns, host: 'ratings', stable: { version: 'v1' }, canary: { version: 'v2' }, timeout: '10s',
      matches: [{
        subset: 'v2', headers: { 'end-user': { exact: 'jason' } }, anyOf: [{ uri: { prefix: '/beta' } }],
        fault: { delay: { fixedDelay: '7s', percentage: 100 } }, timeout: '20s', mirror: { subset: 'v1', percentage: 5 },
      }],
    });
    const [first, last] = spec(chart, 'VirtualService').http;
    expect(first).toEqual({
      match: [{ headers: { 'end-user': { exact: 'jason' } } }, { uri: { prefix: '/beta' } }],
      route: [{ destination: { host: 'ratings', subset: 'v2' } }],
      timeout: '20s',
      fault: { delay: { fixedDelay: '7s', percentage: { value: 100 } } },
      mirror: { host: 'ratings', subset: 'v1' },
      mirrorPercentage: { value: 5 },
    });
    expect(last.timeout).toBe('10s');
    expect(last.fault).toBeUndefined();
  });

  test('MeshRoute: subsets, weighted destinations, ORed matches, mirror, TCP and TLS routes', () => {
    const { chart, ns } = setup();
    new MeshRoute(chart, 'bookinfo', {
      namespace: ns, hosts: ['*'], gateways: ['bookinfo-gateway'],
      routes: [{ matches: [{ uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }], destination: { host: 'productpage', port: 9080 } }],
    });
    new MeshRoute(chart, 'reviews', {
      namespace: ns, hosts: ['reviews'],
      routes: [{ destinations: [{ host: 'reviews', subset: 'v1', weight: 80 }, { host: 'reviews', subset: 'v2', weight: 20 }], mirror: { destination: { host: 'reviews', subset: 'v3' }, percentage: 10 } }],
    });
    new MeshRoute(chart, 'tcp-echo', { namespace: ns, hosts: ['tcp-echo'], tcpRoutes: [{ port: 31400, destinations: [{ host: 'tcp-echo', port: 9000, subset: 'v1' }] }] });
    new MeshRoute(chart, 'istiod', {
      namespace: ns, hosts: ['*'], gateways: ['istiod-gateway'],
      tlsRoutes: [{ sniHosts: ['*'], port: 15012, destinations: [{ host: 'istiod.istio-system.svc.cluster.local', port: 15012 }] }],
    });
    const vs = synthValid(chart).filter((o) => o.kind === 'VirtualService').map((o) => o.spec as Spec);
    expect(vs[0]).toEqual({ hosts: ['*'], gateways: ['bookinfo-gateway'], http: [{ match: [{ uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }], route: [{ destination: { host: 'productpage', port: { number: 9080 } } }] }] });
    expect(vs[1].http[0]).toEqual({
      route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 80 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 20 }],
      mirror: { host: 'reviews', subset: 'v3' }, mirrorPercentage: { value: 10 },
    });
    expect(vs[2]).toEqual({ hosts: ['tcp-echo'], tcp: [{ match: [{ port: 31400 }], route: [{ destination: { host: 'tcp-echo', subset: 'v1', port: { number: 9000 } } }] }] });
    expect(vs[3].tls).toEqual([{ match: [{ sniHosts: ['*'], port: 15012 }], route: [{ destination: { host: 'istiod.istio-system.svc.cluster.local', port: { number: 15012 } } }] }]);
  });

  test('MeshRoute bad input', () => {
    const { chart, ns } = setup();
    const base = { namespace: ns, hosts: ['reviews'] };
    expect(error(() => new MeshRoute(chart, 'a', { ...base, routes: [{ destinations: [{ host: 'reviews', subset: 'v1', weight: 80 }, { host: 'reviews', subset: 'v2', weight: 30 }] }] })).expected).toContain('sum to 100');
    expect(error(() => new MeshRoute(chart, 'b', { ...base, routes: [{ destinations: [{ host: 'reviews', subset: 'v1' }, { host: 'reviews', subset: 'v2' }] }] })).expected).toContain('must give weights');
    expect(error(() => new MeshRoute(chart, 'c', { ...base, routes: [{ destination: { host: 'reviews' }, destinations: [{ host: 'reviews' }] }] })).expected).toContain('exactly one of destination or destinations');
    expect(error(() => new MeshRoute(chart, 'd', { ...base, routes: [{ match: { uri: { prefix: '/' } }, matches: [], destination: { host: 'reviews' } }] })).field).toBe('routes[0].matches');
    expect(error(() => new MeshRoute(chart, 'e', { ...base, routes: [{ destination: { host: 'reviews', subset: 'V1!' } }] })).field).toBe('routes[0].destination.subset');
    expect(error(() => new MeshRoute(chart, 'f', { ...base, tlsRoutes: [{ sniHosts: [], destinations: [{ host: 'x' }] }] })).field).toBe('tlsRoutes[0].sniHosts');
    expect(error(() => new MeshRoute(chart, 'g', { ...base })).field).toBe('routes');
  });
});
