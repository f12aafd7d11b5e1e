/**
 * Regression tests of the bugs the bad-input catalog and the property tests found: objects emitted before a later
 * check of the same construct failed (a half-built construct left in the tree), and an object emitted with a field
 * its apiVersion does not have.
 */
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { IstioBase, IstioCrds } from '../../src/base';
import { MlopsMeshChart, PiClusterMeshChart } from '../../src/charts';
import { EgressGateway, IngressGateway } from '../../src/gateway';
import { Istiod } from '../../src/istiod';
import { MeshWideMtls, ZeroTrustNamespace } from '../../src/policy';
import { CanaryRoute, MeshRoute } from '../../src/traffic';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { apiObjectPaths } from '../properties/model';
import { findOne, newChart, ofKind, synthValid } from '../support/synth';

const FIXTURE = join(__dirname, '..', 'base', 'fixtures', 'two-istio-crds.yaml');

/** Runs `act`, expects an IstioValidationError matching `message`, and returns the ApiObject paths before and after. */
function rejected(act: () => unknown, message: RegExp): void {
  let error: unknown;
  try {
    act();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(IstioValidationError);
  expect((error as Error).message).toMatch(message);
}

describe('Istiod: PodDisruptionBudget unhealthyPodEvictionPolicy', () => {
  test('rejected where the PDB is policy/v1beta1 (1.20.3 on Kubernetes < 1.21), which has no such field', () => {
    const chart = newChart('mesh');
    const base = new IstioBase(chart, 'base', { version: IstioVersion.V1_20_3, kubernetesVersion: '1.20', crds: IstioCrds.none() });
    const before = apiObjectPaths(chart);
    rejected(() => new Istiod(chart, 'istiod', { base, podDisruptionBudget: { unhealthyPodEvictionPolicy: 'IfHealthyBudget' } }),
      /^mesh\/istiod: invalid podDisruptionBudget\.unhealthyPodEvictionPolicy "IfHealthyBudget": needs policy\/v1; this cluster \(Kubernetes 1\.20\) gets policy\/v1beta1$/);
    expect(apiObjectPaths(chart)).toEqual(before);
  });

  test.each([
    ['1.20.3 on Kubernetes 1.21', IstioVersion.V1_20_3, '1.21'],
    ['1.30.3 on Kubernetes 1.23, the oldest it supports (1.30 never branches on it)', IstioVersion.V1_30_3, '1.23'],
  ])('still rendered with policy/v1: %s', (_name, version, kubernetesVersion) => {
    const chart = newChart('mesh');
    const base = new IstioBase(chart, 'base', { version, kubernetesVersion, crds: IstioCrds.none() });
    new Istiod(chart, 'istiod', { base, podDisruptionBudget: { unhealthyPodEvictionPolicy: 'AlwaysAllow' } });
    const pdb = findOne(synthValid(chart), 'PodDisruptionBudget', 'istiod', 'istio-system');
    expect([pdb.apiVersion, pdb.spec.unhealthyPodEvictionPolicy]).toEqual(['policy/v1', 'AlwaysAllow']);
  });
});

describe('Istiod: scheduling is checked before any object is emitted', () => {
  test.each([
    ['toleration', { tolerations: [{ key: 'dedicated', value: 'infra', operator: 'Exists' as const }] }, /invalid tolerations\[0\]\.value "infra": must be unset/],
    ['node selector', { nodeSelector: { role: 'infra node' } }, /invalid nodeSelector\.role "infra node": must be a label value/],
  ])('bad %s: no ServiceAccount, ConfigMap, RBAC or Service is left behind', (_name, props, message) => {
    const chart = newChart('mesh');
    const base = new IstioBase(chart, 'base', { crds: IstioCrds.none() });
    const before = apiObjectPaths(chart);
    rejected(() => new Istiod(chart, 'istiod', { base, ...props }), message);
    expect(apiObjectPaths(chart)).toEqual(before);
  });
});

describe('IstioBase: the CRD file is read and checked before the Namespace is emitted', () => {
  test('a missing file leaves nothing behind', () => {
    const chart = newChart('mesh');
    rejected(() => new IstioBase(chart, 'base', { crds: IstioCrds.fromFile(join(__dirname, 'no-such-file.yaml')) }),
      /^mesh\/base: invalid crds ".*no-such-file\.yaml": must be a readable YAML file of Istio CRDs \(ENOENT\)$/);
    expect(apiObjectPaths(chart)).toEqual([]);
  });

  test('one IstioCrds.fromFile serves several bases and versions (the checked file is not mixed up between them)', () => {
    const crds = IstioCrds.fromFile(FIXTURE);
    const counts = [IstioVersion.V1_30_3, IstioVersion.V1_20_3].map((version) => {
      const chart = newChart('mesh');
      new IstioBase(chart, 'base', { version, crds });
      return ofKind(synthValid(chart), 'CustomResourceDefinition').length;
    });
    expect(counts).toEqual([2, 2]);
  });
});

describe('ZeroTrustNamespace: nothing is emitted for a rejected input', () => {
  const mesh = () => {
    const chart = newChart('mesh');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { crds: IstioCrds.none() }) });
    return { chart, istiod };
  };

  test.each([
    ['an ingress gateway namespace', { ingressGatewayNamespaces: ['Istio_Ingress'] }, /invalid ingressGatewayNamespaces\[0\] "Istio_Ingress"/],
    ['an egress namespace equal to the namespace', { networkPolicy: { egressNamespaces: ['trading'] } }, /invalid networkPolicy\.egressNamespaces\[0\] "trading": must name another namespace/],
    ['egress lists with open egress', { networkPolicy: { restrictEgress: false, egressCidrs: ['10.0.0.0/8'] } }, /invalid networkPolicy\.restrictEgress false/],
    ['a Sidecar host without namespace', { sidecar: { hosts: ['*'] } }, /invalid sidecar\.hosts\[0\] "\*"/],
  ])('%s: no Namespace, PeerAuthentication or policy is left behind', (_name, props, message) => {
    const { chart, istiod } = mesh();
    const before = apiObjectPaths(chart);
    rejected(() => new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading', ...props }), message);
    expect(apiObjectPaths(chart)).toEqual(before);
  });

  test('allow(): a name taken by a NetworkPolicy rejects before the AuthorizationPolicy is emitted', () => {
    const { chart, istiod } = mesh();
    const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    const before = apiObjectPaths(chart);
    rejected(() => ns.allow('x', { name: 'default-deny', rules: [{ from: [{ namespaces: ['argocd'] }] }] }),
      /invalid allow\(x\)\.name "default-deny": is reserved: the namespace's own deny-all AuthorizationPolicy/);
    rejected(() => ns.allow('y', { name: 'allow-baseline', rules: [{ from: [{ namespaces: ['argocd'] }] }] }),
      /invalid allow\(y\)\.name "allow-baseline": is reserved: the namespace's own NetworkPolicies/);
    expect(apiObjectPaths(chart)).toEqual(before);
    // The name is still free for a later, valid policy without a NetworkPolicy part.
    ns.allow('z', { name: 'allow-baseline', rules: [{ from: [{ namespaces: ['trading'] }], to: [{ ports: [8080] }] }] });
    expect(ofKind(synthValid(chart), 'AuthorizationPolicy').map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-baseline']);
  });

  test('allowMonitoring(): a name taken by a NetworkPolicy rejects before the AuthorizationPolicy is emitted', () => {
    const { chart, istiod } = mesh();
    const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    const before = apiObjectPaths(chart);
    rejected(() => ns.allowMonitoring({ name: 'allow-baseline', ports: [9090] }),
      /invalid allowMonitoring\.name "allow-baseline": is reserved: the namespace's own NetworkPolicies/);
    expect(apiObjectPaths(chart)).toEqual(before);
    ns.allowMonitoring({ ports: [9090] });
    const objs = synthValid(chart);
    expect(findOne(objs, 'AuthorizationPolicy', 'allow-monitoring', 'trading').spec.rules[0].to[0].operation.ports).toEqual(['9090']);
    expect(findOne(objs, 'NetworkPolicy', 'allow-monitoring', 'trading').spec.ingress[0].ports.map((p: { port: number }) => p.port)).toEqual([15020, 15090, 9090]);
  });
});

describe('values of the wrong type are refused with IstioValidationError instead of crashing (found by test/properties/robustness)', () => {
  /** Base, Istiod, an ingress and an egress gateway and a zero-trust namespace in chart `mesh`. */
  const mesh = () => {
    const chart = newChart('mesh');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { crds: IstioCrds.none() }) });
    return {
      chart,
      istiod,
      ingress: new IngressGateway(chart, 'ingress', { istiod }),
      egress: new EgressGateway(chart, 'egress', { istiod }),
      trading: new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' }),
    };
  };
  type Mesh = ReturnType<typeof mesh>;
  const bad = (v: unknown) => v as any;
  const istiod = (m: Mesh, props: object) => new Istiod(m.chart, 'istiod2', { base: m.istiod.base, revision: 'two', ...props });
  const gateway = (m: Mesh, props: object) => new IngressGateway(m.chart, 'ingress2', { istiod: m.istiod, namespace: 'second', ...props });
  const ztn = (m: Mesh, props: object) => new ZeroTrustNamespace(m.chart, 'other', { istiod: m.istiod, name: 'other', ...props });
  const canary = (m: Mesh, props: object) => new CanaryRoute(m.chart, 'canary', {
    namespace: m.trading, host: 'svc', stable: { version: 'v1' }, canary: { version: 'v2', weight: 10 }, ...props,
  });

  const cases: Array<[string, string, (m: Mesh) => unknown]> = [
    ['IstioBase props null', 'mesh/base2: invalid props null', (m) => new IstioBase(m.chart, 'base2', bad(null))],
    ['Istiod autoscaling null', 'mesh/istiod2: invalid autoscaling null', (m) => istiod(m, { autoscaling: null })],
    ['Istiod podDisruptionBudget null', 'mesh/istiod2: invalid podDisruptionBudget null', (m) => istiod(m, { podDisruptionBudget: null })],
    ['Istiod env as a string', 'mesh/istiod2: invalid env ""', (m) => istiod(m, { env: '' })],
    ['Istiod meshConfig null', 'mesh/istiod2: invalid meshConfig null', (m) => istiod(m, { meshConfig: null })],
    ['proxyMetadata null', 'mesh/istiod2: invalid meshConfig.defaultConfig.proxyMetadata null', (m) => istiod(m, { meshConfig: { defaultConfig: { proxyMetadata: null } } })],
    ['extensionProviders null', 'mesh/istiod2: invalid meshConfig.extensionProviders null', (m) => istiod(m, { meshConfig: { extensionProviders: null } })],
    ['defaultProviders list null', 'mesh/istiod2: invalid meshConfig.defaultProviders.metrics null', (m) => istiod(m, { meshConfig: { defaultProviders: { metrics: null } } })],
    ['Istiod tolerations a string', 'mesh/istiod2: invalid tolerations "x"', (m) => istiod(m, { tolerations: 'x' })],
    ['Istiod toleration null', 'mesh/istiod2: invalid tolerations[0] null', (m) => istiod(m, { tolerations: [null] })],
    ['gateway ports a number', 'mesh/ingress2: invalid ports 1.5', (m) => gateway(m, { ports: 1.5 })],
    ['gateway port null', 'mesh/ingress2: invalid ports[0] null', (m) => gateway(m, { ports: [null] })],
    ['gateway tolerations a string', 'mesh/ingress2: invalid tolerations "x"', (m) => gateway(m, { tolerations: 'x' })],
    ['gateway toleration null', 'mesh/ingress2: invalid tolerations[0] null', (m) => gateway(m, { tolerations: [null] })],
    ['Gateway server null', 'mesh/ingress/public: invalid servers[0] null', (m) => m.ingress.addGateway('public', { servers: [bad(null)] })],
    ['Gateway server tls null', 'mesh/ingress/public: invalid servers[0].tls null',
      (m) => m.ingress.addGateway('public', { servers: [{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: bad(null) }] })],
    ['Gateway subjectAltNames with null', 'mesh/ingress/public: invalid servers[0].tls.subjectAltNames [null]',
      (m) => m.ingress.addGateway('public', { servers: [{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'MUTUAL', credentialName: 'c', subjectAltNames: [bad(null)] } }] })],
    ['egress route tls null', 'mesh/egress/github: invalid tls null', (m) => m.egress.routeExternalHost('github', { host: 'api.github.com', protocol: 'HTTP', tls: bad(null) })],
    ['ingressGatewayNamespaces a string', 'mesh/other: invalid ingressGatewayNamespaces "x"', (m) => ztn(m, { ingressGatewayNamespaces: 'x' })],
    ['egressNamespaces a string', 'mesh/other: invalid networkPolicy.egressNamespaces "x"', (m) => ztn(m, { networkPolicy: { egressNamespaces: 'x' } })],
    ['egressCidrs a number', 'mesh/other: invalid networkPolicy.egressCidrs 1.5', (m) => ztn(m, { networkPolicy: { egressCidrs: 1.5 } })],
    ['sidecar hosts a string', 'mesh/other: invalid sidecar.hosts "x"', (m) => ztn(m, { sidecar: { hosts: 'x' } })],
    ['allow selector null', 'mesh/trading: invalid allow(x).selector null', (m) => m.trading.allow('x', { selector: bad(null), rules: [{ to: [{ ports: [80] }] }] })],
    ['allow when values with null', 'mesh/trading: invalid allow(x).rules[0].when[0].values[0] null',
      (m) => m.trading.allow('x', { rules: [{ when: [{ key: 'source.ip', values: [bad(null)] }] }] })],
    ['allowMonitoring options null', 'mesh/trading: invalid allowMonitoring null', (m) => m.trading.allowMonitoring(bad(null))],
    ['canary matches a string', 'mesh/canary: invalid matches "x"', (m) => canary(m, { matches: 'x' })],
    ['canary externalHosts a number', 'mesh/canary: invalid externalHosts 7', (m) => canary(m, { externalHosts: 7, gateways: ['ns/gw'] })],
    ['trafficPolicy null', 'mesh/canary: invalid trafficPolicy null', (m) => canary(m, { trafficPolicy: null })],
    ['connectionPool null', 'mesh/canary: invalid trafficPolicy.connectionPool null', (m) => canary(m, { trafficPolicy: { connectionPool: null } })],
    ['connectionPool.tcp null', 'mesh/canary: invalid trafficPolicy.connectionPool.tcp null', (m) => canary(m, { trafficPolicy: { connectionPool: { tcp: null } } })],
    ['connectionPool.http null', 'mesh/canary: invalid trafficPolicy.connectionPool.http null', (m) => canary(m, { trafficPolicy: { connectionPool: { http: null } } })],
    ['outlierDetection null', 'mesh/canary: invalid trafficPolicy.outlierDetection null', (m) => canary(m, { trafficPolicy: { outlierDetection: null } })],
    ['match headers null', 'mesh/canary: invalid matches[0].headers null', (m) => canary(m, { matches: [{ headers: null, subset: 'v2' }] })],
    ['match queryParams null', 'mesh/route: invalid routes[0].match.queryParams null',
      (m) => new MeshRoute(m.chart, 'route', { namespace: m.trading, hosts: ['a.local'], routes: [{ match: { queryParams: bad(null) }, destination: { host: 'svc' } }] })],
  ];

  test.each(cases)('%s', (_name, message, act) => {
    const m = mesh();
    const before = apiObjectPaths(m.chart);
    let error: unknown;
    try {
      act(m);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IstioValidationError);
    expect((error as Error).message.startsWith(`${message}: `)).toBe(true);
    expect(apiObjectPaths(m.chart)).toEqual(before);
  });
});

describe('a Namespace is emitted once, whichever constructs name it (found by test/properties/valid)', () => {
  const mesh = () => {
    const chart = newChart('mesh');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { crds: IstioCrds.none() }) });
    return { chart, istiod };
  };
  const namespaces = (chart: ReturnType<typeof newChart>) => ofKind(synthValid(chart), 'Namespace').map((n) => n.metadata.name);

  test('a gateway in a ZeroTrustNamespace created before it reuses that Namespace (with its Pod Security labels)', () => {
    const { chart, istiod } = mesh();
    new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    new IngressGateway(chart, 'ingress', { istiod, namespace: 'trading' });
    expect(namespaces(chart)).toEqual(['istio-system', 'trading']);
    expect(findOne(synthValid(chart), 'Namespace', 'trading').metadata.labels).toMatchObject({ 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'privileged' });
  });

  test('a ZeroTrustNamespace after a gateway that emitted its Namespace is refused, naming the gateway and both fixes', () => {
    const { chart, istiod } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, namespace: 'trading' });
    const before = apiObjectPaths(chart);
    rejected(() => new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' }),
      /^mesh\/trading: invalid name "trading": names a Namespace that mesh\/ingress already emits: create the ZeroTrustNamespace before that construct .*createNamespace: false/);
    expect(apiObjectPaths(chart)).toEqual(before);
  });

  test('with createNamespace: false on the gateway the order does not matter', () => {
    const { chart, istiod } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, namespace: 'trading', createNamespace: false });
    new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    expect(namespaces(chart)).toEqual(['istio-system', 'trading']);
  });
});

describe('preset charts: props that are not an object are refused, not a TypeError', () => {
  test.each([
    ['MlopsMeshChart', (app: App) => new MlopsMeshChart(app, 'mlops', null as unknown as {})],
    ['PiClusterMeshChart', (app: App) => new PiClusterMeshChart(app, 'pi', 'small' as unknown as {})],
  ])('%s', (name, build) => {
    const app = new App();
    rejected(() => build(app), new RegExp(`^(mlops|pi): invalid props (null|"small"): must be an object of ${name}Props, or omitted$`));
  });
});

describe('two constructs emitting the same object are refused at construction, naming both', () => {
  test('two ingress gateways with the default name', () => {
    const chart = newChart('mesh');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base') });
    new IngressGateway(chart, 'a', { istiod });
    rejected(() => new IngressGateway(chart, 'b', { istiod }),
      /^mesh\/b: invalid metadata.name of its ServiceAccount "istio-ingressgateway": must not repeat an object another construct emits: ServiceAccount istio-ingress\/istio-ingressgateway is already emitted by mesh\/a in this chart/);
  });

  test('two mesh-wide mTLS policies', () => {
    const chart = newChart('mesh');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base') });
    new MeshWideMtls(chart, 'm1', { istiod });
    rejected(() => new MeshWideMtls(chart, 'm2', { istiod }),
      /^mesh\/m2: invalid metadata.name of its PeerAuthentication "default": must not repeat an object another construct emits: PeerAuthentication istio-system\/default is already emitted by mesh\/m1/);
  });

  test('two control planes in one chart (the second needs its own revision and no CRDs)', () => {
    const chart = newChart('mesh');
    new IstioBase(chart, 'base');
    rejected(() => new IstioBase(chart, 'base2'), /^mesh\/base2: invalid metadata.name of its CustomResourceDefinition ".*": must not repeat an object another construct emits: CustomResourceDefinition .* is already emitted by mesh\/base in this chart/);
  });

  test('the same names in two charts are two deployment targets: allowed', () => {
    const app = new App();
    for (const id of ['one', 'two']) {
      const chart = new Chart(app, id, { disableResourceNameHashes: true });
      new IngressGateway(chart, 'ingress', { istiod: new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base') }) });
      expect(findOne(synthValid(chart), 'ServiceAccount', 'istio-ingressgateway', 'istio-ingress').metadata.name).toBe('istio-ingressgateway');
    }
  });
});
