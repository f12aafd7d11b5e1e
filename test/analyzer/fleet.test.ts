/**
 * The analyzer over a fleet (#16 item 5): the clusters of one mesh analyzed together, each with the same checks as a
 * single cluster and the others as its mesh peers. A host any cluster serves is known everywhere (no IST0101/IST0174);
 * a route to a host served only on other networks needs an east-west gateway there (CIS0008).
 */
import * as path from 'path';
import { ApiObject, Testing } from 'cdk8s';
import { Finding, MeshAnalyzer, analyze, analyzeFleet } from '../../src/analyzer';
import { main } from '../../src/analyzer/cli';
import { MeshFleet } from '../../src/fleet';
import { K8sObject, validateAll } from '../support/schema';
import { dest, deployment, destinationRule, namespace, service, virtualService } from './fixtures';

type Labels = Record<string, string>;

/** The control-plane namespace of a cluster on `network` (as MeshFleet labels it). */
const controlPlane = (network: string): K8sObject => namespace('istio-system', { 'topology.istio.io/network': network });

/** The east-west gateway's Gateway (`cross-network-gateway`: 15443 TLS AUTO_PASSTHROUGH for *.local). */
const crossNetworkGateway = (hosts = ['*.local']): K8sObject => ({
  apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'cross-network-gateway', namespace: 'istio-system' },
  spec: {
    selector: { istio: 'eastwestgateway' },
    servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts }],
  },
});

const shop = (labels: Labels = { 'istio-injection': 'enabled' }): K8sObject => namespace('shop', labels);

/** Cluster a: the shop's cart Service (so shop is described here) and routes to reviews, which cluster b serves. */
const clusterA = (network: string, extra: K8sObject[] = []): K8sObject[] => [
  controlPlane(network), shop(), service('cart', 'shop', { app: 'cart' }),
  virtualService('reviews', 'shop', { hosts: ['reviews'], http: [{ route: [dest('reviews', { subset: 'v1' })] }] }),
  destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
  ...extra,
];

/** Cluster b: the reviews Service only. */
const clusterB = (network: string, extra: K8sObject[] = []): K8sObject[] => [
  controlPlane(network), shop(), service('reviews', 'shop', { app: 'reviews' }), ...extra,
];

const codes = (findings: readonly Finding[]) => findings.map((f) => `${f.cluster ?? '-'} ${f.code} ${f.object.kind} ${f.object.namespace}/${f.object.name} ${f.field}`);

describe('analyzeFleet: hosts are known when any cluster of the mesh serves them', () => {
  test('the inputs are valid Kubernetes/Istio objects', () => {
    validateAll([...clusterA('net-a', [crossNetworkGateway()]), ...clusterB('net-b', [crossNetworkGateway()])]);
  });

  test('alone, cluster a misses reviews: IST0101 on the route and IST0174 on the DestinationRule (the check bites)', () => {
    expect(codes(analyze(clusterA('net-a')))).toEqual([
      '- IST0101 VirtualService shop/reviews spec.http[0].route[0].destination.host',
      '- IST0174 DestinationRule shop/reviews spec.host',
    ]);
  });

  test('one network: in a fleet with cluster b, nothing is reported', () => {
    expect(analyzeFleet({ clusters: [{ name: 'a', objects: clusterA('net1') }, { name: 'b', objects: clusterB('net1') }] })).toEqual([]);
  });

  test('two networks with east-west gateways in both clusters: nothing is reported', () => {
    expect(analyzeFleet({ clusters: [
      { name: 'a', objects: clusterA('net-a', [crossNetworkGateway()]) },
      { name: 'b', objects: clusterB('net-b', [crossNetworkGateway()]) },
    ] })).toEqual([]);
  });

  test('a host that no cluster serves is still IST0101, named with its cluster', () => {
    const a = clusterA('net1', [virtualService('ratings', 'shop', { hosts: ['ratings'], http: [{ route: [dest('ratings')] }] })]);
    const findings = analyzeFleet({ clusters: [{ name: 'a', objects: a }, { name: 'b', objects: clusterB('net1') }] });
    expect(codes(findings)).toEqual(['a IST0101 VirtualService shop/ratings spec.http[0].route[0].destination.host']);
  });

  test('a namespace only the other cluster describes counts as described', () => {
    // cluster a has no Service in shop at all; cluster b describes shop, and it has no ratings Service either
    const a = [controlPlane('net1'), virtualService('ratings', 'shop', { hosts: ['ratings'], http: [{ route: [dest('ratings')] }] })];
    expect(analyze(a)).toEqual([]); // alone: shop is not described, no conclusion
    expect(codes(analyzeFleet({ clusters: [{ name: 'a', objects: a }, { name: 'b', objects: clusterB('net1') }] })))
      .toEqual(['a IST0101 VirtualService shop/ratings spec.http[0].route[0].destination.host']);
  });

  test('port checks read the Service where it lives: host:port against cluster b\'s reviews', () => {
    const a = clusterA('net1', [virtualService('reviews-port', 'shop', { hosts: ['reviews.example.com'], http: [{ route: [dest('reviews', { port: { number: 9080 } })] }] })]);
    const findings = analyzeFleet({ clusters: [{ name: 'a', objects: a }, { name: 'b', objects: clusterB('net1') }] });
    expect(codes(findings)).toEqual(['a IST0101 VirtualService shop/reviews-port spec.http[0].route[0].destination.port.number']);
    expect(findings[0].message).toMatch(/Service shop\/reviews offers 80/);
  });
});

describe('analyzeFleet: a Service\'s pods are those of every cluster (IST0173)', () => {
  const a = [controlPlane('net1'), shop(), service('reviews', 'shop', { app: 'reviews' }), deployment('reviews-v1', 'shop', { app: 'reviews', version: 'v1' }),
    destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] })];
  const b = [controlPlane('net1'), shop(), service('reviews', 'shop', { app: 'reviews' }), deployment('reviews-v2', 'shop', { app: 'reviews', version: 'v2' })];

  test('alone, subset v2 selects no pod of cluster a; in the fleet, cluster b runs v2', () => {
    validateAll([...a, ...b]);
    expect(codes(analyze(a))).toEqual(['- IST0173 DestinationRule shop/reviews spec.subsets[1].labels']);
    expect(analyzeFleet({ clusters: [{ name: 'a', objects: a }, { name: 'b', objects: b }] })).toEqual([]);
  });

  test('a subset no cluster runs is still reported', () => {
    const a3 = a.map((o) => (o.kind === 'DestinationRule'
      ? destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v3', labels: { version: 'v3' } }] }) : o));
    expect(codes(analyzeFleet({ clusters: [{ name: 'a', objects: a3 }, { name: 'b', objects: b }] })))
      .toEqual(['a IST0173 DestinationRule shop/reviews spec.subsets[1].labels']);
  });
});

describe('analyzeFleet: cross-network routes need the serving cluster\'s east-west gateway (CIS0008)', () => {
  test('two networks, no east-west gateway in b: CIS0008 on the route in a, with the fix', () => {
    const findings = analyzeFleet({ clusters: [
      { name: 'a', objects: clusterA('net-a', [crossNetworkGateway()]) },
      { name: 'b', objects: clusterB('net-b') },
    ] });
    expect(codes(findings)).toEqual(['a CIS0008 VirtualService shop/reviews spec.http[0].route[0].destination.host']);
    const f = findings[0];
    expect(f.severity).toBe('Error');
    expect(f.name).toBe('CrossNetworkHostWithoutEastWestGateway');
    expect(f.message).toContain('served only by b (network net-b, Service shop/reviews), on other networks than this cluster (network net-a)');
    expect(f.fix).toContain('Add the east-west gateway to b');
  });

  test('the route\'s own cluster needs no east-west gateway for it (its sidecars dial b\'s gateway)', () => {
    expect(analyzeFleet({ clusters: [
      { name: 'a', objects: clusterA('net-a') },
      { name: 'b', objects: clusterB('net-b', [crossNetworkGateway()]) },
    ] })).toEqual([]);
  });

  test('a gateway whose hosts do not cover the host does not expose it', () => {
    const findings = analyzeFleet({ clusters: [
      { name: 'a', objects: clusterA('net-a') },
      { name: 'b', objects: clusterB('net-b', [crossNetworkGateway(['*.example.com'])]) },
    ] });
    expect(codes(findings)).toEqual(['a CIS0008 VirtualService shop/reviews spec.http[0].route[0].destination.host']);
  });

  test('networks given to analyzeFleet win over the namespace label; an unknown network keeps CIS0008 silent', () => {
    const b = clusterB('net-a').filter((o) => o.metadata.name !== 'istio-system');
    expect(codes(analyzeFleet({ clusters: [{ name: 'a', objects: clusterA('net-a') }, { name: 'b', network: 'net-b', objects: b }] })))
      .toEqual(['a CIS0008 VirtualService shop/reviews spec.http[0].route[0].destination.host']);
    expect(analyzeFleet({ clusters: [{ name: 'a', objects: clusterA('net-a') }, { name: 'b', objects: b }] })).toEqual([]);
  });

  test('a host served on the route\'s network (too) is reached directly', () => {
    expect(analyzeFleet({ clusters: [
      { name: 'a', objects: clusterA('net-a') },
      { name: 'b', objects: clusterB('net-b') },
      { name: 'c', objects: clusterB('net-a') },
    ] })).toEqual([]);
  });

  test('the same finding through analyze() with meshPeers (one cluster with its peers as options)', () => {
    const f = analyze(clusterA('net-a'), { meshPeers: [{ name: 'b', network: 'net-b', objects: clusterB('net-b') }] });
    expect(codes(f)).toEqual(['- CIS0008 VirtualService shop/reviews spec.http[0].route[0].destination.host']);
  });

  test('bad fleet input is refused with the reason', () => {
    expect(() => analyzeFleet({ clusters: [] })).toThrow(/at least one cluster/);
    expect(() => analyzeFleet({ clusters: [{ name: 'a', objects: [] }, { name: 'a', objects: [] }] })).toThrow(/"a" names two clusters/);
  });
});

describe('MeshFleet at synthesis: its cluster charts are analyzed as one fleet', () => {
  const reviewsIn = (chart: import('cdk8s').Chart, withRoute: boolean) => {
    new ApiObject(chart, 'shop', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } });
    if (withRoute) {
      new ApiObject(chart, 'cart', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, spec: { selector: { app: 'cart' }, ports: [{ name: 'http', port: 80 }] } });
      new ApiObject(chart, 'route', {
        apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'shop' },
        spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] },
      });
    } else {
      new ApiObject(chart, 'reviews', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'shop' }, spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 80 }] } });
    }
  };

  test.each([['one network', undefined], ['two networks (east-west gateways rendered)', 'site-b']] as const)('%s: a route in pi-a to a Service only pi-b has is not IST0101', (_t, networkB) => {
    const app = Testing.app();
    const fleet = new MeshFleet(app, 'home', { meshId: 'home', network: 'site-a', clusters: [{ name: 'pi-a' }, { name: 'pi-b', ...(networkB ? { network: networkB } : {}) }] });
    reviewsIn(fleet.cluster('pi-a'), true);
    reviewsIn(fleet.cluster('pi-b'), false);
    const findings = MeshAnalyzer.attach(app, { reporter: () => undefined }).analyze();
    expect(findings.filter((f) => f.code === 'IST0101' || f.code === 'CIS0008')).toEqual([]);
    expect(findings.filter((f) => f.severity === 'Error')).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  test('wholeApp still analyzes everything as one cluster (no fleet grouping)', () => {
    const app = Testing.app();
    const fleet = new MeshFleet(app, 'home', { meshId: 'home', clusters: [{ name: 'pi-a' }, { name: 'pi-b' }] });
    reviewsIn(fleet.cluster('pi-a'), true);
    const findings = MeshAnalyzer.attach(app, { wholeApp: true, reporter: () => undefined }).analyze();
    expect(findings.every((f) => f.cluster === undefined)).toBe(true);
  });
});

describe('cdk8s-istio analyze over a fleet', () => {
  const run = (args: string[]) => {
    let out = '';
    let err = '';
    const code = main(['analyze', ...args], { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, stdin: () => '' });
    return { code, out, err };
  };
  const home = path.join(__dirname, '../../dist/home');

  test('the example fleet dist/home (two Pi clusters on two networks) analyzes clean with --fleet', () => {
    const r = run(['--fleet', home, '--fail-on', 'Info', '-o', 'json']);
    const json = JSON.parse(r.out);
    expect(json.findings).toEqual([]);
    expect(json.summary.groups).toBe(2);
    expect(json.summary.objects).toBeGreaterThan(50);
    expect(r.code).toBe(0);
  });

  test('the same with --cluster name=dir, and the text summary names the clusters', () => {
    const r = run(['--cluster', `pi-a=${home}/pi-a`, '--cluster', `pi-b=${home}/pi-b`, '--fail-on', 'Info']);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/No findings in \d+ objects from \d+ file\(s\) \(a fleet of 2 clusters: pi-a, pi-b\)/);
    expect(r.code).toBe(0);
  });

  test('usage errors: a malformed --cluster, a cluster given twice, paths beside --cluster', () => {
    expect(run(['--cluster', 'pi-a']).code).toBe(2);
    expect(run(['--cluster', `pi-a=${home}/pi-a`, '--cluster', `pi-a=${home}/pi-b`]).err).toMatch(/given twice/);
    expect(run(['--cluster', `pi-a=${home}/pi-a`, home]).err).toMatch(/give no other files/);
    expect(run(['--fleet', path.join(home, 'nope')]).code).toBe(2);
  });
});
