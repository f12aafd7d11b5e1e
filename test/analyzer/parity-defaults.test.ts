/**
 * What issue #18 asked beyond the codes: the mesh config from a file (`--mesh-config`) or from the input's
 * `istio` ConfigMap, exportTo of Services and ServiceEntries, and the two mistakes that used to pass silently
 * by default (a Gateway selector typo next to the gateway Deployment, an AuthorizationPolicy in a namespace
 * without injection).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { analyze } from '../../src/analyzer';
import { main } from '../../src/analyzer/cli';
import { K8sObject, validateAll } from '../support/schema';
import { authorizationPolicy, deployment, dest, gateway, ingressWorkload, namespace, service, serviceEntry, virtualService } from './fixtures';

const codes = (objs: K8sObject[], opts = {}) => analyze(objs, opts).map((f) => `${f.code} ${f.object.kind} ${f.object.name} ${f.field}`);

/** A TCP ServiceEntry without addresses: IST0134 unless the proxies allocate addresses. */
const tcpEntry = () => serviceEntry('db', 'shop', { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'tcp-db', protocol: 'TCP' }], resolution: 'DNS' });
const autoAllocate = 'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: "true"\n    ISTIO_META_DNS_AUTO_ALLOCATE: "true"\n';

describe('mesh config', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'analyzer-mesh-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (argv: string[]) => {
    let out = '';
    let err = '';
    const code = main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, stdin: () => '' });
    return { code, out, err };
  };

  test('--mesh-config FILE (a MeshConfig, as istioctl takes it) turns IST0134 off when the proxies allocate addresses', () => {
    validateAll([tcpEntry()]);
    const manifests = path.join(dir, 'se.yaml');
    fs.writeFileSync(manifests, stringify(tcpEntry()));
    expect(run(['analyze', '-o', 'json', manifests]).out).toContain('"IST0134"');
    const mesh = path.join(dir, 'mesh.yaml');
    fs.writeFileSync(mesh, autoAllocate);
    const r = run(['analyze', '-o', 'json', '--mesh-config', mesh, manifests]);
    expect(JSON.parse(r.out).findings).toEqual([]);
  });

  test('--mesh-config also takes the istio ConfigMap; a file that is not YAML is a usage error (exit 2)', () => {
    const manifests = path.join(dir, 'se.yaml');
    fs.writeFileSync(manifests, stringify(tcpEntry()));
    const cm = path.join(dir, 'istio.yaml');
    fs.writeFileSync(cm, stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: autoAllocate } }));
    expect(JSON.parse(run(['analyze', '-o', 'json', '--mesh-config', cm, manifests]).out).findings).toEqual([]);
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'defaultConfig: [unclosed\n');
    const r = run(['analyze', '--mesh-config', bad, manifests]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml/);
    expect(run(['analyze', '--mesh-config', path.join(dir, 'none.yaml'), manifests]).code).toBe(2);
  });

  test('without --mesh-config, the istio ConfigMap of the root namespace in the input is the mesh config', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: autoAllocate } };
    expect(codes([tcpEntry()])).toEqual(['IST0134 ServiceEntry db spec.ports[0]']);
    expect(codes([tcpEntry(), cm])).toEqual([]);
    // the option wins over the input
    expect(codes([tcpEntry(), cm], { meshConfig: {} })).toEqual(['IST0134 ServiceEntry db spec.ports[0]']);
  });
});

describe('exportTo', () => {
  const app = () => [namespace('shop', { 'istio-injection': 'enabled' }), service('reviews', 'shop', { app: 'reviews' })];

  test('a hosts: ["*"] ServiceEntry exported to its own namespace does not hide a missing host elsewhere', () => {
    const everything = serviceEntry('egress-all', 'egress', { hosts: ['*'], exportTo: ['.'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'NONE' });
    const route = virtualService('reviews', 'shop', { hosts: ['reviews'], http: [{ route: [dest('reviewz')] }] });
    validateAll([everything, route]);
    expect(codes([...app(), everything, route])).toEqual(['IST0101 VirtualService reviews spec.http[0].route[0].destination.host']);
    // exported to every namespace, it does cover the host
    const everywhere = { ...everything, spec: { ...(everything.spec as object), exportTo: ['*'] } };
    expect(codes([...app(), everywhere, route])).toEqual([]);
  });

  test('a Service exported only to its own namespace (annotation) is not a destination for others', () => {
    const local = { ...service('reviews', 'shop', { app: 'reviews' }), metadata: { name: 'reviews', namespace: 'shop', annotations: { 'networking.istio.io/exportTo': '.' } } };
    const fromOther = virtualService('front', 'web', { hosts: ['front'], http: [{ route: [dest('reviews.shop.svc.cluster.local')] }] });
    const front = service('front', 'web', { app: 'front' });
    validateAll([local, fromOther, front]);
    expect(analyze([namespace('shop', { 'istio-injection': 'enabled' }), local, front, fromOther]).map((f) => [f.code, f.message]))
      .toEqual([['IST0101', 'Referenced host not found: "reviews.shop.svc.cluster.local" (it exists, but is not exported to this namespace).']]);
  });

  test('a destination port the Service does not have is IST0101 host:port', () => {
    const route = virtualService('reviews', 'shop', { hosts: ['reviews'], http: [{ route: [dest('reviews', { port: { number: 9080 } })] }] });
    validateAll([route]);
    expect(analyze([...app(), route]).map((f) => [f.code, f.field, f.message])).toEqual([
      ['IST0101', 'spec.http[0].route[0].destination.port.number', 'Referenced host:port not found: "reviews:9080" (Service shop/reviews offers 80).'],
    ]);
  });
});

describe('mistakes reported by default (without assumeComplete)', () => {
  test('a Gateway selector typo in a folder that holds the gateway Deployment', () => {
    const typo = gateway('web', 'istio-ingress', { istio: 'ingresgateway' }, [{ port: 80, hosts: ['*'] }]);
    const right = gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }]);
    validateAll([typo, ...ingressWorkload()]);
    expect(codes([...ingressWorkload(), typo])).toEqual(['IST0101 Gateway web spec.selector']);
    expect(codes([...ingressWorkload(), right])).toEqual([]);
    // without any gateway workload in the input the gateway may be deployed elsewhere: nothing is concluded
    expect(codes([typo])).toEqual([]);
  });

  test('an AuthorizationPolicy in a namespace without injection', () => {
    const policy = authorizationPolicy('allow-argocd', 'shop', { app: 'reviews' });
    const plain = namespace('shop');
    validateAll([policy, plain]);
    const found = analyze([plain, policy]).filter((f) => f.code === 'IST0127');
    expect(found.map((f) => [f.object.name, f.message])).toEqual([
      ['allow-argocd', 'No matching workloads for this AuthorizationPolicy: namespace shop is not labelled for injection or ambient mode, so its pods have no proxy to enforce the policy.'],
    ]);
    expect(found[0].fix).toMatch(/Label namespace shop istio-injection=enabled/);
    // also when its workloads are in the input; and not once the namespace is injected
    expect(codes([plain, deployment('reviews', 'shop', { app: 'reviews' }), policy]).filter((c) => c.startsWith('IST0127'))).toEqual(['IST0127 AuthorizationPolicy allow-argocd spec.selector.matchLabels']);
    expect(codes([namespace('shop', { 'istio-injection': 'enabled' }), deployment('reviews', 'shop', { app: 'reviews' }), policy])).toEqual([]);
    expect(codes([namespace('shop', { 'istio.io/dataplane-mode': 'ambient' }), policy])).toEqual([]);
  });
});
