/**
 * Single-field mutations that make a valid configuration invalid. Each mutation names its target (a construct or a
 * method call of the configuration, see model.ts) and breaks one field of its props with a random bad value: out of
 * range, malformed, conflicting with another option, or of the wrong type (as a JavaScript caller or a config file
 * could pass). Every one of them must be refused with an IstioValidationError naming that construct.
 */
import fc from 'fast-check';
import { GatewayService } from '../../src/gateway';
import { ResourcePreset } from '../../src/workload';
import { dnsLabel } from './arbitraries';
import { Mutation, MutationTarget } from './model';

type Props = any;

/** A mutation kind: its target, a label and an arbitrary of prop transformers. */
interface MutationKind {
  readonly target: MutationTarget;
  readonly label: string;
  readonly mutate: fc.Arbitrary<(p: Props) => Props>;
}

const kind = <T>(target: MutationTarget, label: string, bad: fc.Arbitrary<T>, apply: (p: Props, bad: T) => Props): MutationKind => ({
  target,
  label,
  mutate: bad.map((b) => Object.assign((p: Props) => apply(p, b), { toString: () => `${label}: ${JSON.stringify(b) ?? String(b)}` })),
});

/** One mutation kind per variant, so that every variant is drawn as often as a whole kind. */
const kinds = (target: MutationTarget, label: string, variants: Array<fc.Arbitrary<any>>, apply: (p: Props, bad: any) => Props): MutationKind[] =>
  variants.map((v, i) => kind(target, `${label} #${i + 1}`, v, apply));

// ---- bad values ----------------------------------------------------------------------------------------------------

/** Strings that are not DNS-1123 labels (and a few non-strings). */
export const badLabel: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('', '-a', 'a-', 'A', 'a_b', 'a.b', 'a b', 'ä', 'x'.repeat(64), 'UPPER', 'a/b'),
  dnsLabel(20).map((l) => `${l}_x`),
  dnsLabel(20).map((l) => `X${l}`),
  fc.constantFrom<unknown>(42, true, {}, []),
);

const badHost = fc.constantFrom('a b.com', 'exa_mple.com', 'a..b', '', '-a.com', 'a/b', 'host:80', `${'x'.repeat(64)}.com`);
/** Bad ports (not null: an optional port given as null means "unset" for some props). */
const badPort = fc.oneof(fc.constantFrom(0, -1, 65536, 70000, 1.5, Number.NaN, Number.POSITIVE_INFINITY), fc.constantFrom<unknown>('80', true));
const badDuration = fc.constantFrom('30', '1x', '0s', '0.1ms', '-1s', '1 s', 'forever', '');
const badPercent = fc.oneof(fc.constantFrom(-1, 101, 1000, Number.NaN), fc.constantFrom<unknown>('50', '50%'));
/** Bad Istio `Percent` values (fault injection, mirroring): those of badPercent, and a positive share below 0.0001. */
const badIstioPercent = fc.oneof(
  badPercent,
  fc.constantFrom(5e-323, 0.00009999),
  fc.double({ min: Number.MIN_VALUE, max: 0.0001, noNaN: true }).filter((d) => d > 0 && d < 0.0001),
);
/** `when` condition values Istio refuses for their key, and keys it refuses. */
const badConditions: Array<fc.Arbitrary<unknown>> = [
  fc.constantFrom('office', '10.0.0.300', '10.0.0.0/33', '10.0.0.0/08', 'fd00::/129', '').chain((v) => fc.constantFrom('source.ip', 'remote.ip', 'destination.ip').map((key) => ({ key, values: [v] }))),
  fc.constantFrom('0', '65536', 'http', '-1', '080', '').map((v) => ({ key: 'destination.port', notValues: [v] })),
  fc.constantFrom('ns/*', '*', 'a/b/c', '/sa').map((v) => ({ key: 'source.serviceAccount', values: [v] })),
  fc.constantFrom('a*b', '**', 'example.org/x').map((v) => ({ key: 'source.trustDomain', values: [v] })),
  fc.constantFrom('request.headers', 'request.auth.claims', 'experimental.envoy.filters.x', 'destination.namespace', 'destination.labels[app]', 'destination.name', 'destination.user')
    .map((key) => ({ key, values: ['x'] })),
];
const badInt = (min: number, max?: number) => fc.oneof(
  fc.integer({ min: -1000, max: min - 1 }),
  ...(max === undefined ? [] : [fc.integer({ min: max + 1, max: max + 1000 })]),
  fc.double({ min: min + 0.01, max: (max ?? min + 100) - 0.01, noNaN: true }).filter((d) => !Number.isInteger(d)),
  fc.constantFrom<unknown>(Number.NaN, '3'),
);
const badCpu = fc.constantFrom('1 core', '100mi', 'm', '-1', 'lots', '1,5', '');
const badMemory = fc.constantFrom('1GB', '128mb', '1 Gi', '-1Mi', 'Mi', 'lots', '');
const badIp = fc.constantFrom('192.168.1.300', '1.2.3', 'lb.example.com', '10.0.0.0/8', '::g', '', '1.2.3.4.5');
const badCidr = fc.constantFrom('10.0.0.0/33', '10.0.0.0', '10.0.0.0/8/1', 'fd00::/129', 'any', '');


// ---- version and base ------------------------------------------------------------------------------------------------

const VERSION_OK = /^v?1\.(20|30)\.(0|[1-9][0-9]?)$/;
export const versionMutations: MutationKind[] = [
  ...kinds('version', 'version string', [
    fc.constant('1.25.0'),
    fc.constant('1.30'),
    fc.constant('1.30.3-rc.1'),
    fc.constant('latest'),
    fc.constant('2.0.0'),
    fc.constant('1.20.100'),
    fc.constant('1.30.03'),
    fc.constant(' 1.30.3'),
    fc.constant('1.30.3 '),
    fc.constant('v1.30'),
    fc.constant('1.21.0'),
    fc.constant(''),
    fc.string({ maxLength: 8 }).filter((s) => !VERSION_OK.test(s)),
    fc.tuple(fc.nat(3), fc.nat(40), fc.nat(200)).map(([a, b, c]) => `${a}.${b}.${c}`).filter((s) => !VERSION_OK.test(s)),
  ], (_p, v) => v),
  ...kinds('version', 'version of another type', [
    fc.constant<unknown>(null),
    fc.constant<unknown>(undefined),
    fc.constant<unknown>(1.3),
    fc.constant<unknown>(130),
    fc.constant<unknown>({}),
    fc.constant<unknown>(['1.30.3']),
  ], (_p, v) => v),
  ...kinds('base', 'base.version not an IstioVersion', [
    fc.constant<unknown>('1.30.3'),
    fc.constant<unknown>({ tag: '1.30.3' }),
    fc.constant<unknown>(1.3),
  ], (p, v) => ({ ...p, version: v })),
  kind('base', 'base.namespace', badLabel, (p, v) => ({ ...p, namespace: v })),
  ...kinds('base', 'base.kubernetesVersion', [
    fc.constant('1.15'),
    fc.constant('v1.28'),
    fc.constant('1.28.3'),
    fc.constant('2.0'),
    fc.constant('1'),
    fc.constant(''),
    fc.constant('latest'),
    fc.constant('1.x'),
    fc.constant('1.100'),
  ], (p, v) => ({ ...p, kubernetesVersion: v })),
  kind('base', 'base.defaultRevision', badLabel.filter((v) => v !== '' && typeof v === 'string'), (p, v) => ({ ...p, defaultRevision: v })),
  ...kinds('base', 'base.namespaceLabels', [
    dnsLabel(10).map((n) => ({ name: `${n}-other` })),
    fc.constant({ 'bad key': 'x' }),
    fc.constant({ ok: 'bad value!' }),
  ], (p, v) => ({ ...p, namespaceLabels: v })),
  kind('base', 'base.namespaceLabels without createNamespace', fc.constant({ team: 'mesh' }), (p, v) => ({ ...p, namespaceLabels: v, createNamespace: false })),
  ...kinds('base', 'base.createNamespace not a boolean', [
    fc.constant<unknown>('yes'),
    fc.constant<unknown>(1),
    fc.constant<unknown>({}),
  ], (p, v) => ({ ...p, createNamespace: v })),
  kind('base', 'base.validateGateway', fc.constant(true), (p) => (p.version.defaultValidatorGatewayApiOption
    ? { ...p, validateGateway: true, defaultValidator: false }
    : { ...p, validateGateway: true })),
  ...kinds('base', 'base.crds not IstioCrds', [
    fc.constant<unknown>('builtIn'),
    fc.constant<unknown>({}),
    fc.constant<unknown>(true),
  ], (p, v) => ({ ...p, crds: v })),
];

// ---- Istiod ----------------------------------------------------------------------------------------------------------

export const istiodMutations: MutationKind[] = [
  ...kinds('istiod', 'istiod.base', [
    fc.constant<unknown>(undefined),
    fc.constant<unknown>({}),
    fc.constant<unknown>('base'),
  ], (p, v) => ({ ...p, base: v })),
  ...kinds('istiod', 'istiod.revision', [
    badLabel.filter((v) => v !== ''),
    fc.constant('default'),
    fc.constant('r'.repeat(57)),
  ], (p, v) => ({ ...p, revision: v })),
  kind('istiod', 'istiod.replicas', badInt(0), (p, v) => ({ ...p, replicas: v, autoscaling: false })),
  kind('istiod', 'istiod.replicas with autoscaling', fc.tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom({}, { maxReplicas: 9 })), (p, [r, a]) => ({ ...p, replicas: r, autoscaling: a })),
  ...kinds('istiod', 'istiod.autoscaling', [
    fc.integer({ min: 2, max: 20 }).map((n) => ({ minReplicas: n, maxReplicas: n - 1 })),
    badInt(1).map((n) => ({ minReplicas: n })),
    badInt(1).map((n) => ({ maxReplicas: n })),
    badInt(1, 100).map((n) => ({ targetCpuUtilization: n })),
  ], (p, v) => ({ ...p, replicas: undefined, autoscaling: v })),
  ...kinds('istiod', 'istiod.resources', [
    badCpu.map((cpu) => ResourcePreset.of({ requests: { cpu } })),
    badMemory.map((memory) => ResourcePreset.of({ limits: { memory } })),
    fc.integer({ min: 2, max: 64 }).map((n) => ResourcePreset.of({ requests: { memory: `${n}Gi` }, limits: { memory: `${n - 1}Gi` } })),
    fc.integer({ min: 2, max: 64 }).map((n) => ResourcePreset.of({ requests: { cpu: `${n}` }, limits: { cpu: `${n * 1000 - 1}m` } })),
    fc.constant<unknown>({ requests: { cpu: '100m' } }),
    fc.constant<unknown>('500m'),
  ], (p, v) => ({ ...p, resources: v })),
  ...kinds('istiod', 'istiod.logLevel', [
    fc.constant<unknown>('verbose'),
    fc.constant<unknown>('INFO'),
    fc.constant<unknown>('trace'),
    fc.constant<unknown>(''),
    fc.constant<unknown>(3),
  ], (p, v) => ({ ...p, logLevel: v })),
  ...kinds('istiod', 'istiod.meshConfig', [
    fc.constant('Cluster.Local').map((trustDomain) => ({ trustDomain })),
    fc.constant('a_b').map((trustDomain) => ({ trustDomain })),
    fc.constant('').map((trustDomain) => ({ trustDomain })),
    fc.constant('x..y').map((trustDomain) => ({ trustDomain })),
    badLabel.filter((v) => typeof v === 'string').map((rootNamespace) => ({ rootNamespace })),
    fc.constant<unknown>('ALLOW').map((outboundTrafficPolicy) => ({ outboundTrafficPolicy })),
    fc.constant<unknown>('registry_only').map((outboundTrafficPolicy) => ({ outboundTrafficPolicy })),
    fc.constant<unknown>('DENY').map((outboundTrafficPolicy) => ({ outboundTrafficPolicy })),
    fc.constant('dev/stdout').map((accessLogFile) => ({ accessLogFile })),
    fc.constant('stdout').map((accessLogFile) => ({ accessLogFile })),
    fc.constant('/var/log/a b.log').map((accessLogFile) => ({ accessLogFile })),
    fc.constant<unknown>('YAML').map((accessLogEncoding) => ({ accessLogEncoding })),
    fc.constant<unknown>('json').map((accessLogEncoding) => ({ accessLogEncoding })),
    badPercent.map((sampling) => ({ defaultConfig: { tracing: { sampling } } })),
    fc.constant('zipkin').map((zipkinAddress) => ({ defaultConfig: { tracing: { zipkinAddress } } })),
    fc.constant('zipkin:').map((zipkinAddress) => ({ defaultConfig: { tracing: { zipkinAddress } } })),
    fc.constant('zipkin.istio-system:99999').map((zipkinAddress) => ({ defaultConfig: { tracing: { zipkinAddress } } })),
    fc.constant('bad host:9411').map((zipkinAddress) => ({ defaultConfig: { tracing: { zipkinAddress } } })),
    fc.constant('1BAD').map((k) => ({ defaultConfig: { proxyMetadata: { [k]: 'x' } } })),
    fc.constant('with space').map((k) => ({ defaultConfig: { proxyMetadata: { [k]: 'x' } } })),
    dnsLabel(10).map((n) => ({ extensionProviders: [{ type: 'prometheus', name: n }, { type: 'prometheus', name: n }] })),
    fc.constant<unknown>('jaeger').map((type) => ({ extensionProviders: [{ type, name: 'x' }] })),
    fc.constant<unknown>('datadog').map((type) => ({ extensionProviders: [{ type, name: 'x' }] })),
    badPort.map((port) => ({ extensionProviders: [{ type: 'opentelemetry', name: 'otel', service: 'otel.observability', port }] })),
    dnsLabel(10).map((n) => ({ defaultProviders: { tracing: [`${n}-missing`] } })),
  ], (p, v) => ({ ...p, meshConfig: v })),
  ...kinds('istiod', 'istiod.image', [
    fc.constant('docker.io/istio/').map((hub) => ({ hub })),
    fc.constant('/istio').map((hub) => ({ hub })),
    fc.constant('docker io').map((hub) => ({ hub })),
    fc.constant('a//b').map((hub) => ({ hub })),
    fc.constant('-1.30.3').map((tag) => ({ tag })),
    fc.constant('.x').map((tag) => ({ tag })),
    fc.constant('a b').map((tag) => ({ tag })),
    fc.constant('x'.repeat(129)).map((tag) => ({ tag })),
    fc.constant('Distroless').map((variant) => ({ variant })),
    fc.constant('debug_x').map((variant) => ({ variant })),
    fc.constant('-x').map((variant) => ({ variant })),
  ], (p, v) => ({ ...p, image: v })),
  ...kinds('istiod', 'istiod.env', [
    fc.constant('REVISION').map((k) => ({ [k]: 'x' })),
    fc.constant('CLUSTER_ID').map((k) => ({ [k]: 'x' })),
    fc.constant('POD_NAME').map((k) => ({ [k]: 'x' })),
    fc.constant('PILOT_CERT_PROVIDER').map((k) => ({ [k]: 'x' })),
    fc.constant('1ABC').map((k) => ({ [k]: 'x' })),
    fc.constant('A B').map((k) => ({ [k]: 'x' })),
    fc.constant('A=B').map((k) => ({ [k]: 'x' })),
    fc.constant('').map((k) => ({ [k]: 'x' })),
    fc.constant<unknown>(1).map((v) => ({ CUSTOM_FLAG: v })),
    fc.constant<unknown>(true).map((v) => ({ CUSTOM_FLAG: v })),
    fc.constant<unknown>(null).map((v) => ({ CUSTOM_FLAG: v })),
  ], (p, v) => ({ ...p, env: v })),
  kind('istiod', 'istiod.nativeSidecars conflicting with env', fc.boolean(), (p, v) => ({ ...p, nativeSidecars: v, env: { ENABLE_NATIVE_SIDECARS: String(!v) } })),
  ...kinds('istiod', 'istiod.podDisruptionBudget', [
    fc.constant({ minAvailable: 1, maxUnavailable: 1 }),
    fc.constant('150%').map((minAvailable) => ({ minAvailable })),
    fc.constant('-1%').map((minAvailable) => ({ minAvailable })),
    fc.constant('half').map((minAvailable) => ({ minAvailable })),
    fc.constant('50').map((minAvailable) => ({ minAvailable })),
    fc.integer({ min: -10, max: -1 }).map((maxUnavailable) => ({ maxUnavailable })),
    fc.constant('Always').map((unhealthyPodEvictionPolicy) => ({ unhealthyPodEvictionPolicy })),
    fc.constant('never').map((unhealthyPodEvictionPolicy) => ({ unhealthyPodEvictionPolicy })),
    fc.constant<unknown>('yes'),
    fc.constant<unknown>(1),
  ], (p, v) => ({ ...p, podDisruptionBudget: v })),
  kind('istiod', 'istiod cluster/mesh/network name', fc.tuple(fc.constantFrom('clusterName', 'meshId', 'network'), fc.constantFrom('', 'has space', 'x'.repeat(64), '-x')), (p, [k, v]) => ({ ...p, [k]: v })),
  ...kinds('istiod', 'istiod.tolerations', [
    fc.constant<unknown>([{ key: 'a', effect: 'Sometimes' }]),
    fc.constant<unknown>([{ key: 'a', operator: 'Exists', value: 'x' }]),
    fc.constant<unknown>([{ operator: 'Equal', value: 'x' }]),
    fc.constant<unknown>([{ key: 'a', effect: 'NoSchedule', tolerationSeconds: 10 }]),
    fc.constant<unknown>([{ key: 'bad key', operator: 'Exists' }]),
    fc.constant<unknown>([{ key: 'a', operator: 'In' }]),
  ], (p, v) => ({ ...p, tolerations: v })),
  ...kinds('istiod', 'istiod.nodeSelector', [
    fc.constant<unknown>({ 'bad key': 'x' }),
    fc.constant<unknown>({ ok: 'bad value!' }),
    fc.constant<unknown>({ ok: 'x'.repeat(64) }),
  ], (p, v) => ({ ...p, nodeSelector: v })),
  ...kinds('istiod', 'istiod.nativeSidecars not a boolean', [
    fc.constant<unknown>('true'),
    fc.constant<unknown>(1),
  ], (p, v) => ({ ...p, nativeSidecars: v })),
];

// ---- gateways ----------------------------------------------------------------------------------------------------------

export const gatewayMutations: MutationKind[] = [
  ...kinds('gateway', 'gateway.istiod', [
    fc.constant<unknown>(undefined),
    fc.constant<unknown>({}),
    fc.constant<unknown>('istiod'),
  ], (p, v) => ({ ...p, istiod: v })),
  ...kinds('gateway', 'gateway.name', [
    badLabel,
    fc.constant('1gateway'),
    fc.constant('9'),
  ], (p, v) => ({ ...p, name: v })),
  kind('gateway', 'gateway.namespace', badLabel, (p, v) => ({ ...p, namespace: v })),
  ...kinds('gateway', 'gateway.service', [
    badIp.map((ip) => GatewayService.loadBalancer({ ip })),
    fc.constant('Public_Pool').map((pool) => GatewayService.loadBalancer({ pool })),
    fc.constant('pool!').map((pool) => GatewayService.loadBalancer({ pool })),
    fc.constant<unknown>('Global').map((e) => GatewayService.loadBalancer({ externalTrafficPolicy: e as 'Local' })),
    fc.constant<unknown>('local').map((e) => GatewayService.loadBalancer({ externalTrafficPolicy: e as 'Local' })),
    badCidr.map((c) => GatewayService.loadBalancer({ loadBalancerSourceRanges: [c] })),
    fc.oneof(fc.integer({ min: 1, max: 29999 }), fc.integer({ min: 32768, max: 70000 })).map((http) => GatewayService.nodePort({ http })),
    fc.integer({ min: 30000, max: 32767 }).map((n) => GatewayService.nodePort({ http: n, https: n })),
    fc.integer({ min: 30000, max: 32767 }).map((n) => GatewayService.nodePort({ status: n, https: n })),
    fc.constant<unknown>({ type: 'NodePort' }),
    fc.constant<unknown>('LoadBalancer'),
  ], (p, v) => ({ ...p, service: v })),
  ...kinds('gateway', 'gateway.ports', [
    fc.constant('postgres').map((name) => [{ name, port: 5432 }]),
    fc.constant('db-tcp').map((name) => [{ name, port: 5432 }]),
    fc.constant('TCP-db').map((name) => [{ name, port: 5432 }]),
    fc.constant('tcp_db').map((name) => [{ name, port: 5432 }]),
    fc.constant('httpx').map((name) => [{ name, port: 5432 }]),
    fc.constant('').map((name) => [{ name, port: 5432 }]),
    fc.constant('https').map((name) => [{ name, port: 5432 }]),
    fc.constant('http2').map((name) => [{ name, port: 5432 }]),
    fc.constant('status-port').map((name) => [{ name, port: 5432 }]),
    badPort.map((port) => [{ name: 'tcp-db', port }]),
    fc.constant(80).map((port) => [{ name: 'tcp-db', port }]),
    fc.constant(443).map((port) => [{ name: 'tcp-db', port }]),
    fc.constant(15021).map((port) => [{ name: 'tcp-db', port }]),
    badPort.map((targetPort) => [{ name: 'tcp-db', port: 5432, targetPort }]),
    fc.constant<unknown>('SCTP').map((protocol) => [{ name: 'tcp-db', port: 5432, protocol }]),
    fc.constant<unknown>('tcp').map((protocol) => [{ name: 'tcp-db', port: 5432, protocol }]),
    fc.constant([{ name: 'tcp-a', port: 5432 }, { name: 'tcp-a', port: 5433 }]),
    fc.constant([{ name: 'tcp-a', port: 5432 }, { name: 'tcp-b', port: 5432 }]),
  ], (p, v) => ({ ...p, ports: v })),
  ...kinds('gateway', 'gateway.ports nodePort', [
    fc.integer({ min: 1, max: 29999 }),
    fc.integer({ min: 32768, max: 65535 }),
  ], (p, n) => ({ ...p, service: GatewayService.nodePort(), ports: [{ name: 'tcp-db', port: 5432, nodePort: n }] })),
  kind('gateway', 'gateway.ports nodePort on ClusterIP', fc.integer({ min: 30000, max: 32767 }), (p, n) => ({ ...p, service: GatewayService.clusterIP(), ports: [{ name: 'tcp-db', port: 5432, nodePort: n }] })),
  kind('gateway', 'gateway.replicas', badInt(0), (p, v) => ({ ...p, replicas: v, autoscaling: false })),
  kind('gateway', 'gateway.replicas with autoscaling', fc.integer({ min: 0, max: 9 }), (p, r) => ({ ...p, replicas: r, autoscaling: { maxReplicas: 9 } })),
  ...kinds('gateway', 'gateway.autoscaling', [
    fc.integer({ min: 2, max: 20 }).map((n) => ({ minReplicas: n, maxReplicas: n - 1 })),
    badInt(1, 100).map((n) => ({ targetCpuUtilization: n })),
  ], (p, v) => ({ ...p, replicas: undefined, autoscaling: v })),
  ...kinds('gateway', 'gateway.podDisruptionBudget', [
    fc.constant<unknown>({ minAvailable: 1, maxUnavailable: 1 }),
    fc.constant<unknown>({ minAvailable: '101%' }),
    fc.constant<unknown>({ maxUnavailable: -1 }),
  ], (p, v) => ({ ...p, podDisruptionBudget: v })),
  ...kinds('gateway', 'gateway.resources', [
    badCpu.map((cpu) => ResourcePreset.of({ limits: { cpu } })),
    badMemory.map((memory) => ResourcePreset.of({ requests: { memory } })),
    fc.constant(ResourcePreset.of({ requests: { cpu: '2' }, limits: { cpu: '1' } })),
  ], (p, v) => ({ ...p, resources: v })),
  kind('gateway', 'gateway labels and annotations', fc.constantFrom<Array<[string, unknown]>>(
    [['labels', { app: 'x' }]], [['labels', { istio: 'x' }]], [['labels', { 'istio.io/rev': 'x' }]], [['podLabels', { 'sidecar.istio.io/inject': 'false' }]],
    [['labels', { ok: 'bad value!' }]], [['serviceLabels', { 'bad key': 'x' }]], [['selectorLabels', { 'a b': 'x' }]],
    [['podAnnotations', { 'inject.istio.io/templates': 'sidecar' }]], [['podAnnotations', { 'bad key!': 'x' }]],
    [['serviceAnnotations', { ok: 1 }]],
  ), (p, [[k, v]]) => ({ ...p, [k]: v })),
  kind('gateway', 'gateway.terminationGracePeriodSeconds', badInt(0), (p, v) => ({ ...p, terminationGracePeriodSeconds: v })),
  ...kinds('gateway', 'gateway.tolerations', [
    fc.constant<unknown>([{ key: 'a', effect: 'Sometimes' }]),
    fc.constant<unknown>([{ key: 'a', operator: 'Exists', value: 'x' }]),
    fc.constant<unknown>([{ operator: 'Equal' }]),
  ], (p, v) => ({ ...p, tolerations: v })),
];

const server = (s: object) => ({ port: { number: 80, protocol: 'HTTP' }, hosts: ['shop.example.com'], ...s });
export const bindingMutations: MutationKind[] = [
  ...kinds('binding', 'binding.servers', [
    fc.constant<unknown>([]),
    fc.constant<unknown>(undefined),
    fc.constant<unknown>('x'),
  ], (p, v) => ({ ...p, servers: v })),
  ...kinds('binding', 'binding server', [
    fc.constant(15021).map((number) => server({ port: { number, protocol: 'HTTP' } })),
    fc.constant(0).map((number) => server({ port: { number, protocol: 'HTTP' } })),
    fc.constant(65536).map((number) => server({ port: { number, protocol: 'HTTP' } })),
    fc.constant(-1).map((number) => server({ port: { number, protocol: 'HTTP' } })),
    fc.constant<unknown>('FTP').map((protocol) => server({ port: { number: 80, protocol } })),
    fc.constant<unknown>('http').map((protocol) => server({ port: { number: 80, protocol } })),
    fc.constant<unknown>(undefined).map((protocol) => server({ port: { number: 80, protocol } })),
    fc.constant<unknown>([]).map((hosts) => server({ hosts })),
    fc.constant<unknown>(undefined).map((hosts) => server({ hosts })),
    fc.constant<unknown>('a.com').map((hosts) => server({ hosts })),
    fc.oneof(badHost, fc.constantFrom('a/b/c', 'Bad_NS/a.com', '/a.com', 'ns/')).map((h) => server({ hosts: [h] })),
    fc.constant(server({ hosts: ['a.com', 'a.com'] })),
    fc.constant(server({ tls: { mode: 'SIMPLE', credentialName: 'c' } })),
    fc.constant(server({ port: { number: 443, protocol: 'HTTPS' } })),
    fc.constant('SIMPLE').map((mode) => server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode } })),
    fc.constant('MUTUAL').map((mode) => server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode } })),
    fc.constant('OPTIONAL_MUTUAL').map((mode) => server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode } })),
    fc.constant('PASSTHROUGH').map((mode) => server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode, credentialName: 'c' } })),
    fc.constant('ISTIO_MUTUAL').map((mode) => server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode, credentialName: 'c' } })),
    fc.constant(server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode: 'AUTO_PASSTHROUGH' } })),
    fc.constant(server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'Bad_Secret' } })),
    fc.constant(server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'c', minProtocolVersion: 'TLSV1_3', maxProtocolVersion: 'TLSV1_2' } })),
    fc.constant(server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'c', subjectAltNames: ['a.com'] } })),
    fc.constant(server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode: 'STRICT' } })),
    fc.constant(server({ port: { number: 443, protocol: 'HTTPS' }, tls: { mode: 'PASSTHROUGH' }, httpsRedirect: true })),
    fc.constant(server({ port: { number: 80, protocol: 'HTTP', name: 'Bad_Name' } })),
    fc.constant<unknown>(null),
    fc.constant<unknown>('server'),
    fc.constant<unknown>(42),
  ], (p, s) => ({ ...p, servers: [s] })),
  kind('binding', 'binding servers with one port, two protocols', fc.constant(0), (p) => ({
    ...p, servers: [server({}), server({ port: { number: 80, protocol: 'HTTP2' }, hosts: ['other.example.com'] })],
  })),
  kind('binding', 'binding name/namespace/labels', fc.constantFrom<Array<[string, unknown]>>(
    [['name', 'Bad_Name']], [['name', '']], [['name', 'gw.b0']], [['namespace', 'Bad_NS']], [['namespace', 'a.b']], [['labels', { 'bad key': 'x' }]],
  ), (p, [[k, v]]) => ({ ...p, [k]: v })),
];

export const egressRouteMutations: MutationKind[] = [
  ...kinds('egressRoute', 'egress route host', [
    badHost,
    fc.constant('*.github.com'),
    fc.constant('*'),
    fc.constant('github'),
    fc.constant('localhost'),
  ], (p, host) => ({ ...p, host })),
  ...kinds('egressRoute', 'egress route protocol', [
    fc.constant<unknown>('UDP'),
    fc.constant<unknown>('https'),
    fc.constant<unknown>('GRPC'),
  ], (p, protocol) => ({ ...p, protocol })),
  kind('egressRoute', 'egress route port', badPort, (p, port) => ({ ...p, port })),
  ...kinds('egressRoute', 'egress route tls', [
    fc.constant({ protocol: 'TLS', tls: {} }),
    fc.constant({ protocol: 'HTTP', port: 443, tls: {} }),
    badPort.map((port) => ({ protocol: 'HTTP', tls: { port } })),
    fc.constant('Bad_Secret').map((credentialName) => ({ protocol: 'HTTP', tls: { credentialName } })),
    fc.constant('a b').map((credentialName) => ({ protocol: 'HTTP', tls: { credentialName } })),
    badHost.map((sni) => ({ protocol: 'HTTP', tls: { sni } })),
  ], (p, v) => ({ ...p, port: undefined, ...v })),
  kind('egressRoute', 'egress route name', badLabel.filter((v) => v !== ''), (p, name) => ({ ...p, name })),
];

// ---- zero trust ---------------------------------------------------------------------------------------------------------

export const zeroTrustMutations: MutationKind[] = [
  ...kinds('zeroTrust', 'zero-trust istiod', [
    fc.constant<unknown>(undefined),
    fc.constant<unknown>({}),
  ], (p, v) => ({ ...p, istiod: v })),
  kind('zeroTrust', 'zero-trust name', badLabel, (p, name) => ({ ...p, name })),
  kind('zeroTrust', 'zero-trust name = control-plane namespace', fc.constant(0), (p) => ({ ...p, name: p.istiod.namespace })),
  ...kinds('zeroTrust', 'zero-trust podSecurity', [
    fc.constant('baseline').map((enforce) => ({ enforce, cniOnly: false })),
    fc.constant('restricted').map((enforce) => ({ enforce, cniOnly: false })),
    fc.constant<unknown>('strict').map((level) => ({ warn: level })),
    fc.constant<unknown>('Restricted').map((level) => ({ warn: level })),
    fc.constant<unknown>('').map((level) => ({ warn: level })),
    fc.constant<unknown>('strict').map((level) => ({ audit: level })),
    fc.constant<unknown>('none').map((level) => ({ audit: level })),
    fc.constant('v2.0').map((v) => ({ enforceVersion: v })),
    fc.constant('1.28').map((v) => ({ enforceVersion: v })),
    fc.constant('v1.').map((v) => ({ enforceVersion: v })),
    fc.constant('newest').map((v) => ({ enforceVersion: v })),
  ], (p, v) => {
    const { cniOnly: _c, ...ps } = v as Record<string, unknown>;
    // With CNI, baseline/restricted are fine: break the level instead.
    const podSecurity = 'enforce' in ps && p.istiod.cni ? { enforce: 'strict' } : ps;
    return { ...p, podSecurity };
  }),
  ...kinds('zeroTrust', 'zero-trust labels', [
    fc.constant<unknown>({ 'name': 'x' }),
    fc.constant<unknown>({ 'istio-injection': 'disabled' }),
    fc.constant<unknown>({ 'istio.io/rev': 'x' }),
    fc.constant<unknown>({ 'pod-security.kubernetes.io/enforce': 'privileged' }),
    fc.constant<unknown>({ 'bad key': 'x' }),
  ], (p, labels) => ({ ...p, labels })),
  ...kinds('zeroTrust', 'zero-trust allowedNamespaces', [
    badLabel.map((n) => [n]),
    fc.constant('@self'),
    fc.constant(['argocd', 'argocd']),
  ], (p, v) => ({ ...p, networkPolicy: p.networkPolicy === false ? undefined : p.networkPolicy, allowedNamespaces: v === '@self' ? [p.name] : v })),
  kind('zeroTrust', 'zero-trust ingressGatewayNamespaces', badLabel.filter((v) => typeof v === 'string'), (p, n) => ({ ...p, networkPolicy: p.networkPolicy === false ? undefined : p.networkPolicy, ingressGatewayNamespaces: [n] })),
  ...kinds('zeroTrust', 'zero-trust networkPolicy', [
    fc.constant({ networkPolicy: false, allowedNamespaces: ['argocd'] }),
    fc.constant({ networkPolicy: false, ingressGatewayNamespaces: ['istio-ingress'] }),
    badCidr.map((c) => ({ networkPolicy: { egressCidrs: [c] } })),
    fc.constant({ networkPolicy: { restrictEgress: false, egressNamespaces: ['argocd'] } }),
    badLabel.map((n) => ({ networkPolicy: { egressNamespaces: [n] } })),
  ], (p, v) => ({ ...p, ...v })),
  ...kinds('zeroTrust', 'zero-trust sidecar hosts', [
    fc.constant<unknown>('api.example.com'),
    fc.constant<unknown>('*'),
    fc.constant<unknown>('Bad_NS/a.com'),
    fc.constant<unknown>('ns/a b'),
    fc.constant<unknown>('/a.com'),
    fc.constant<unknown>('ns/'),
  ], (p, h) => ({ ...p, sidecar: { hosts: [h] } })),
];

const rule = (r: object) => ({ rules: [r] });
export const allowMutations: MutationKind[] = [
  ...kinds('allow', 'allow rules', [
    fc.constant<unknown>({ rules: [] }),
    fc.constant<unknown>({ rules: undefined }),
    fc.constant<unknown>({ rules: [{}] }),
    fc.constant<unknown>({ rules: [null] }),
    fc.constant<unknown>({ rules: 'all' }),
    fc.constant('spiffe://cluster.local/ns/a/sa/b').map((p) => rule({ from: [{ principals: [p] }] })),
    fc.constant('cluster.local/ns/*/sa/b').map((p) => rule({ from: [{ principals: [p] }] })),
    fc.constant('cluster.local/sa/b').map((p) => rule({ from: [{ principals: [p] }] })),
    fc.constant('a/ns/B/sa/c').map((p) => rule({ from: [{ principals: [p] }] })),
    fc.constant('*').map((p) => rule({ from: [{ principals: [p] }] })),
    badLabel.map((n) => rule({ from: [{ namespaces: [n] }] })),
    badLabel.map((n) => rule({ from: [{ serviceAccounts: [{ namespace: n, name: 'sa' }] }] })),
    badCidr.filter((c) => c !== '10.0.0.0').map((c) => rule({ from: [{ ipBlocks: [c] }] })),
    fc.constant<unknown>([]).map((from) => rule({ from })),
    fc.constant<unknown>([{}]).map((from) => rule({ from })),
    fc.constant<unknown>([null]).map((from) => rule({ from })),
    badPort.map((port) => rule({ to: [{ ports: [port] }] })),
    fc.constant<unknown>('get').map((m) => rule({ to: [{ methods: [m] }] })),
    fc.constant<unknown>('FETCH').map((m) => rule({ to: [{ methods: [m] }] })),
    fc.constant<unknown>('').map((m) => rule({ to: [{ methods: [m] }] })),
    fc.constant<unknown>('api').map((path) => rule({ to: [{ paths: [path] }] })),
    fc.constant<unknown>('a b').map((path) => rule({ to: [{ paths: [path] }] })),
    fc.constant<unknown>('').map((path) => rule({ to: [{ paths: [path] }] })),
    fc.constant<unknown>(5).map((path) => rule({ to: [{ paths: [path] }] })),
    fc.constant<unknown>('a b').map((h) => rule({ to: [{ hosts: [h] }] })),
    fc.constant<unknown>('').map((h) => rule({ to: [{ hosts: [h] }] })),
    fc.constant<unknown>(5).map((h) => rule({ to: [{ hosts: [h] }] })),
    fc.constant<unknown>([]).map((to) => rule({ to })),
    fc.constant<unknown>([{}]).map((to) => rule({ to })),
    fc.constant<unknown>([null]).map((to) => rule({ to })),
    fc.constant('request.header[x]').map((key) => rule({ when: [{ key, values: ['x'] }] })),
    fc.constant('source.ns').map((key) => rule({ when: [{ key, values: ['x'] }] })),
    fc.constant('request.headers[]').map((key) => rule({ when: [{ key, values: ['x'] }] })),
    fc.constant('foo').map((key) => rule({ when: [{ key, values: ['x'] }] })),
    fc.constant(rule({ when: [{ key: 'source.ip' }] })),
    ...badConditions.map((c) => c.map((w) => rule({ when: [w] }))),
  ], (p, v) => ({ ...p, ...(v as object) })),
  kind('allow', 'allow selector/name', fc.constantFrom<Array<[string, unknown]>>([['selector', {}]], [['selector', { 'bad key': 'x' }]], [['name', 'Bad_Name']], [['name', 'default-deny']]), (p, [[k, v]]) => ({ ...p, [k]: v })),
];

export const otherPolicyMutations: MutationKind[] = [
  ...kinds('permissive', 'permissive', [
    fc.constant<unknown>({ selector: {} }),
    fc.constant<unknown>({ selector: undefined }),
    fc.constant<unknown>({ selector: { 'bad key': 'x' } }),
    fc.constant<unknown>({ selector: { a: 'b' }, name: 'Bad Name' }),
    fc.constant<unknown>(undefined),
  ], (_p, v) => v),
  ...kinds('monitoring', 'allowMonitoring', [
    badLabel.filter((v) => v !== '').map((namespace) => ({ namespace })),
    fc.constant('Bad_SA').map((serviceAccount) => ({ serviceAccount })),
    fc.constant('a b').map((serviceAccount) => ({ serviceAccount })),
    fc.constant<unknown>([]).map((ports) => ({ ports })),
    fc.constant<unknown>([0]).map((ports) => ({ ports })),
    fc.constant<unknown>([70000]).map((ports) => ({ ports })),
    fc.constant('Bad_Name').map((name) => ({ name })),
    fc.constant('a b').map((name) => ({ name })),
    fc.constant({ selector: { 'bad key': 'x' } }),
  ], (p, v) => ({ ...p, ...(v as object) })),
  ...kinds('meshWideMtls', 'MeshWideMtls', [
    fc.constant<unknown>('DISABLE').map((mode) => ({ mode })),
    fc.constant<unknown>('strict').map((mode) => ({ mode })),
    fc.constant<unknown>('').map((mode) => ({ mode })),
    fc.constant({ istiod: undefined }),
  ], (p, v) => ({ ...p, ...(v as object) })),
];

// ---- routes --------------------------------------------------------------------------------------------------------------

export const canaryMutations: MutationKind[] = [
  ...kinds('canary', 'canary namespace', [
    fc.constant<unknown>(undefined),
    fc.constant<unknown>('trading'),
    fc.constant<unknown>({ name: 'trading' }),
    fc.constant<unknown>('@badname'),
  ], (p, v) => ({
    ...p, namespace: v === '@badname' ? { istiod: p.namespace.istiod, name: 'Bad_NS' } : v,
  })),
  ...kinds('canary', 'canary host', [
    badHost,
    fc.constant('*.svc'),
    fc.constant('*'),
  ], (p, host) => ({ ...p, host })),
  kind('canary', 'canary port', badPort, (p, port) => ({ ...p, port })),
  kind('canary', 'canary names', fc.tuple(fc.constantFrom('name', 'destinationRuleName', 'virtualServiceName'), fc.constantFrom('Bad_Name', 'a b', '-x')), (p, [k, v]) => ({ ...p, [k]: v })),
  kind('canary', 'canary weight', badInt(0, 100), (p, weight) => ({ ...p, canary: { ...p.canary, weight } })),
  kind('canary', 'canary weights not summing to 100', fc.integer({ min: 0, max: 100 }), (p, s) => {
    const c = p.canary.weight ?? 0;
    return { ...p, stable: { ...p.stable, weight: s + c === 100 ? (s + 1) % 101 : s } };
  }),
  ...kinds('canary', 'canary subsets', [
    fc.constant('@same'),
    fc.constant<unknown>(''),
    fc.constant<unknown>('V1'),
    fc.constant<unknown>('v_1'),
    fc.constant<unknown>(undefined),
    fc.constant<unknown>(1),
  ], (p, v) => (v === '@same'
    ? { ...p, canary: { ...p.canary, version: p.stable.version, name: p.stable.name } }
    : { ...p, stable: { ...p.stable, version: v, name: undefined } })),
  ...kinds('canary', 'canary subset labels', [
    fc.constant<unknown>({}),
    fc.constant<unknown>({ 'bad key': 'x' }),
    fc.constant<unknown>({ version: 'bad value!' }),
  ], (p, labels) => ({ ...p, canary: { ...p.canary, labels } })),
  ...kinds('canary', 'canary matches', [
    fc.constant([{ uri: { prefix: '/x' }, subset: 'Unknown_Subset' }]),
    fc.constant<unknown>([{ subset: '@stable' }]),
    fc.constant<unknown>([{ uri: { prefix: 'api' }, subset: '@stable' }]),
    fc.constant<unknown>([{ uri: { exact: '/a', prefix: '/b' }, subset: '@stable' }]),
    fc.constant<unknown>([{ uri: {}, subset: '@stable' }]),
    fc.constant<unknown>([{ uri: { regex: '(?=x)' }, subset: '@stable' }]),
    fc.constant<unknown>([{ uri: { regex: '(a' }, subset: '@stable' }]),
    fc.constant<unknown>([{ uri: { regex: '(a)\\1' }, subset: '@stable' }]),
    fc.constant<unknown>([{ headers: { 'X-Canary': { exact: 'true' } }, subset: '@stable' }]),
    fc.constant<unknown>([{ headers: {}, subset: '@stable' }]),
    fc.constant<unknown>([{ queryParams: { v: { prefix: '2' } }, subset: '@stable' }]),
    fc.constant<unknown>([{ queryParams: { 'a b': { exact: '2' } }, subset: '@stable' }]),
    fc.constant<unknown>([null]),
  ], (p, v) => ({
    ...p,
    matches: (v as Array<Record<string, unknown> | null>).map((m) => (m && typeof m === 'object'
      ? { ...m, subset: m.subset === 'Unknown_Subset' ? m.subset : p.stable.name ?? p.stable.version }
      : m)),
  })),
  ...kinds('canary', 'canary trafficPolicy', [
    fc.constant<unknown>({}),
    fc.constant<unknown>({ connectionPool: {} }),
    fc.constant<unknown>({ outlierDetection: {} }),
    badDuration.map((interval) => ({ outlierDetection: { interval } })),
    badDuration.map((connectTimeout) => ({ connectionPool: { tcp: { connectTimeout } } })),
    badInt(1).map((maxConnections) => ({ connectionPool: { tcp: { maxConnections } } })),
    badInt(0, 100).map((maxEjectionPercent) => ({ outlierDetection: { maxEjectionPercent } })),
    fc.constant({ tls: { mode: 'MUTUAL' } }),
    fc.constant<unknown>('ISTIO').map((mode) => ({ tls: { mode } })),
    fc.constant<unknown>('mutual').map((mode) => ({ tls: { mode } })),
    fc.constant<unknown>(undefined).map((mode) => ({ tls: { mode } })),
    fc.constant({ tls: { mode: 'SIMPLE', credentialName: 'Bad_Secret' } }),
    fc.constant<unknown>('ROUND-ROBIN').map((loadBalancer) => ({ loadBalancer })),
    fc.constant<unknown>('FASTEST').map((loadBalancer) => ({ loadBalancer })),
  ], (p, trafficPolicy) => ({ ...p, trafficPolicy })),
  ...kinds('canary', 'canary route options', [
    badDuration.map((timeout) => ({ timeout })),
    badInt(0).map((attempts) => ({ retries: { attempts } })),
    badDuration.map((perTryTimeout) => ({ retries: { attempts: 2, perTryTimeout } })),
    fc.constant<unknown>([]).map((retryOn) => ({ retries: { attempts: 2, retryOn } })),
    fc.constant<unknown>(['5XX']).map((retryOn) => ({ retries: { attempts: 2, retryOn } })),
    fc.constant<unknown>(['timeout']).map((retryOn) => ({ retries: { attempts: 2, retryOn } })),
    fc.constant<unknown>(['600']).map((retryOn) => ({ retries: { attempts: 2, retryOn } })),
    fc.constant<unknown>({ attempts: 0, perTryTimeout: '1s' }).map((retries) => ({ retries })),
    fc.constant<unknown>({ attempts: 0, retryOn: ['5xx'] }).map((retries) => ({ retries })),
    fc.constant<unknown>({}).map((fault) => ({ fault })),
    fc.constant<unknown>(null).map((fault) => ({ fault })),
    badInt(200, 599).map((httpStatus) => ({ fault: { abort: { httpStatus, percentage: 10 } } })),
    badIstioPercent.map((percentage) => ({ fault: { delay: { fixedDelay: '1s', percentage } } })),
    badDuration.map((fixedDelay) => ({ fault: { delay: { fixedDelay, percentage: 10 } } })),
  ], (p, v) => ({ ...p, ...(v as object) })),
  ...kinds('canary', 'canary mirror', [
    fc.constant('@unknown'),
    badIstioPercent.map((percentage) => ({ percentage })),
  ], (p, v) => ({ ...p, mirror: v === '@unknown' ? { subset: 'Unknown_Subset' } : { subset: p.canary.name ?? p.canary.version, ...(v as object) } })),
  ...kinds('canary', 'canary north-south', [
    fc.constant<unknown>({ gateways: [] }),
    fc.constant<unknown>({ gateways: ['mesh'] }),
    fc.constant<unknown>({ gateways: ['a/b/c'] }),
    fc.constant<unknown>({ gateways: ['Bad_NS/gw'] }),
    fc.constant<unknown>({ gateways: ['ns/gw', 'ns/gw'] }),
    fc.constant<unknown>({ gateways: ['ns/gw.b0'] }),
    fc.constant<unknown>({ gateways: ['gw.ns'] }),
    fc.constant<unknown>({ gateways: ['ns/gw'], externalHosts: ['a.example.com', '*.example.com'] }),
    fc.constant<unknown>('@repeat-host'),
    fc.constant<unknown>({ gateways: undefined, externalHosts: ['a.example.com'] }),
    fc.constant<unknown>({ gateways: undefined, externalHosts: undefined, meshTraffic: false }),
    fc.constant<unknown>({ gateways: ['ns/gw'], externalHosts: [] }),
    fc.constant<unknown>({ gateways: ['ns/gw'], externalHosts: ['a b.com'] }),
    fc.constant<unknown>({ gateways: ['ns/gw'], externalHosts: ['*'] }),
    fc.constant<unknown>({ gateways: [{ gatewayRef: 'gw', hosts: ['a.com'] }], externalHosts: ['a.com'] }),
    fc.constant<unknown>({ gateways: [{ gatewayRef: 'ns/gw', hosts: ['a.com'] }], externalHosts: ['b.com'] }),
  ], (p, v) => ({
    ...p, meshTraffic: undefined, externalHosts: ['ext.example.com'], gateways: ['ns/gw'],
    ...(v === '@repeat-host' ? { externalHosts: [p.host] } : v as object),
  })),
  ...kinds('canary', 'canary steps', [
    fc.constant<unknown>([]),
    fc.constant<unknown>([10, 10]),
    fc.constant<unknown>([50, 10]),
    fc.constant<unknown>([10, 101]),
    fc.constant<unknown>([-1]),
    fc.constant<unknown>([10.5]),
    fc.constant<unknown>('all'),
    fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 4 }).filter((s) => s.some((x, i) => i > 0 && x <= s[i - 1])),
  ], (p, steps) => ({ ...p, steps })),
];

export const meshRouteMutations: MutationKind[] = [
  ...kinds('meshRoute', 'mesh route namespace', [
    fc.constant<unknown>(undefined),
    fc.constant<unknown>({ name: 'x' }),
    fc.constant<unknown>('@badname'),
  ], (p, v) => ({
    ...p, namespace: v === '@badname' ? { istiod: p.namespace.istiod, name: 'Bad_NS' } : v,
  })),
  ...kinds('meshRoute', 'mesh route hosts', [
    fc.constant<unknown>([]),
    fc.constant<unknown>(undefined),
    fc.constant<unknown>('a.com'),
    fc.constant<unknown>(['a.com', 'a.com']),
    fc.constant<unknown>(['a.example.com', '*.example.com']),
    fc.constant<unknown>(['*.example.com', '*.api.example.com']),
    badHost.map((h) => [h]),
  ], (p, hosts) => ({ ...p, hosts })),
  kind('meshRoute', 'mesh route "*" with another host behind a gateway', fc.constant(['*', 'a.example.com']), (p, hosts) => ({ ...p, hosts, gateways: ['ns/gw'], mesh: false })),
  kind('meshRoute', 'mesh route "*" in the mesh', fc.constant(['*']), (p, hosts) => ({ ...p, hosts, gateways: undefined, mesh: undefined })),
  kind('meshRoute', 'mesh route mesh off without gateways', fc.constant(false), (p, mesh) => ({ ...p, mesh, gateways: undefined })),
  ...kinds('meshRoute', 'mesh route gateways', [
    fc.constant<unknown>([]),
    fc.constant<unknown>(['mesh']),
    fc.constant<unknown>(['a/b/c']),
    fc.constant<unknown>(['Bad_NS/gw']),
    fc.constant<unknown>(['ns/gw.b0']),
    fc.constant<unknown>(['gw.ns']),
    fc.constant<unknown>([{ gatewayRef: 'ns/gw.b0', hosts: ['*'] }]),
    fc.constant<unknown>([5]),
  ], (p, gateways) => ({ ...p, gateways })),
  ...kinds('meshRoute', 'mesh route routes', [
    fc.constant<unknown>([]),
    fc.constant<unknown>(undefined),
    fc.constant<unknown>([null]),
    fc.constant('@catch-all-first'),
    badHost.map((host) => [{ destination: { host } }]),
    fc.constant('*.svc').map((host) => [{ destination: { host } }]),
    fc.constant('*').map((host) => [{ destination: { host } }]),
    badPort.map((port) => [{ destination: { host: 'svc', port } }]),
    fc.constant<unknown>('v1').map((rewriteUri) => [{ destination: { host: 'svc' }, rewriteUri }]),
    fc.constant<unknown>('').map((rewriteUri) => [{ destination: { host: 'svc' }, rewriteUri }]),
    fc.constant<unknown>(5).map((rewriteUri) => [{ destination: { host: 'svc' }, rewriteUri }]),
    fc.constant<unknown>({}).map((match) => [{ match, destination: { host: 'svc' } }]),
    fc.constant<unknown>({ uri: { prefix: 'v1' } }).map((match) => [{ match, destination: { host: 'svc' } }]),
    fc.constant<unknown>({ uri: 'x' }).map((match) => [{ match, destination: { host: 'svc' } }]),
    badDuration.map((timeout) => [{ destination: { host: 'svc' }, timeout }]),
    fc.constant([{ destination: undefined }]),
  ], (p, v) => ({
    ...p,
    routes: v === '@catch-all-first' ? [{ destination: { host: 'svc' } }, { match: { uri: { prefix: '/' } }, destination: { host: 'svc' } }] : v,
  })),
  ...kinds('meshRoute', 'mesh route name', [
    fc.constant('Bad_Name'),
    fc.constant('a b'),
    fc.constant('-x'),
    fc.constant(''),
  ], (p, name) => ({ ...p, name })),
];

/** A random mutation among `kinds`. */
export function mutation(kinds: MutationKind[]): fc.Arbitrary<Mutation> {
  return fc.oneof(...kinds.map((k) => fc.record({ index: fc.nat(7), mutate: k.mutate }).map(({ index, mutate }): Mutation => ({
    label: String(mutate),
    target: k.target,
    index,
    mutate,
  }))));
}

/** All mutation kinds, by family. */
export const MUTATIONS = {
  versionAndBase: versionMutations,
  istiod: istiodMutations,
  gateways: [...gatewayMutations, ...bindingMutations, ...egressRouteMutations],
  zeroTrust: [...zeroTrustMutations, ...allowMutations, ...otherPolicyMutations],
  routes: [...canaryMutations, ...meshRouteMutations],
};

// ---- wrong types anywhere ---------------------------------------------------------------------------------------------

/** Values of the wrong type (or null) that a JavaScript caller or a parsed config file could pass for any prop. */
export const wrongTypes: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(null, 'x', '', 7, -1, 1.5, true, [], {}, [null], { a: null }, ['x']);

/** Prop paths (dots and `[n]`) per target that the wrong-type property overwrites. */
export const PROP_PATHS: Record<MutationTarget, string[]> = {
  version: [''],
  base: ['', 'namespace', 'kubernetesVersion', 'createNamespace', 'namespaceLabels', 'crds', 'defaultRevision', 'defaultValidator', 'validateGateway'],
  istiod: ['', 'revision', 'replicas', 'autoscaling', 'autoscaling.minReplicas', 'podDisruptionBudget', 'podDisruptionBudget.minAvailable', 'resources', 'image', 'image.hub',
    'logLevel', 'env', 'meshConfig', 'meshConfig.trustDomain', 'meshConfig.defaultConfig', 'meshConfig.defaultConfig.tracing', 'meshConfig.defaultConfig.proxyMetadata',
    'meshConfig.extensionProviders', 'meshConfig.defaultProviders', 'meshConfig.defaultProviders.metrics', 'cni', 'nativeSidecars', 'clusterName', 'nodeSelector', 'tolerations',
    'tolerations[0].key'],
  gateway: ['', 'name', 'namespace', 'createNamespace', 'service', 'ports', 'ports[0].name', 'ports[0].port', 'replicas', 'autoscaling', 'podDisruptionBudget', 'resources',
    'labels', 'podLabels', 'podAnnotations', 'serviceLabels', 'serviceAnnotations', 'selectorLabels', 'terminationGracePeriodSeconds', 'tolerations', 'nodeSelector'],
  binding: ['', 'name', 'namespace', 'labels', 'servers', 'servers[0]', 'servers[0].port', 'servers[0].port.number', 'servers[0].port.name', 'servers[0].hosts',
    'servers[0].hosts[0]', 'servers[0].tls', 'servers[0].tls.mode', 'servers[0].tls.credentialName', 'servers[0].tls.subjectAltNames', 'servers[0].httpsRedirect', 'servers[0].name'],
  egressRoute: ['', 'host', 'protocol', 'port', 'name', 'tls', 'tls.port', 'tls.sni', 'tls.credentialName'],
  zeroTrust: ['', 'name', 'podSecurity', 'podSecurity.warn', 'podSecurity.auditVersion', 'allowedNamespaces', 'ingressGatewayNamespaces', 'networkPolicy',
    'networkPolicy.egressNamespaces', 'networkPolicy.egressCidrs', 'sidecar', 'sidecar.hosts', 'labels', 'annotations'],
  allow: ['', 'name', 'selector', 'rules', 'rules[0]', 'rules[0].from', 'rules[0].from[0].namespaces', 'rules[0].from[0].serviceAccounts', 'rules[0].from[0].serviceAccounts[0]',
    'rules[0].from[0].principals', 'rules[0].from[0].ipBlocks', 'rules[0].to', 'rules[0].to[0].ports', 'rules[0].to[0].methods', 'rules[0].to[0].paths', 'rules[0].to[0].hosts',
    'rules[0].when', 'rules[0].when[0]', 'rules[0].when[0].values'],
  permissive: ['', 'selector', 'name'],
  monitoring: ['', 'namespace', 'serviceAccount', 'ports', 'selector', 'name'],
  meshWideMtls: ['', 'mode'],
  canary: ['', 'namespace', 'host', 'port', 'name', 'stable', 'stable.version', 'stable.labels', 'stable.weight', 'canary', 'canary.name', 'matches', 'matches[0]',
    'matches[0].uri', 'matches[0].headers', 'matches[0].queryParams', 'trafficPolicy', 'trafficPolicy.connectionPool', 'trafficPolicy.connectionPool.tcp',
    'trafficPolicy.connectionPool.http', 'trafficPolicy.outlierDetection', 'trafficPolicy.tls', 'trafficPolicy.loadBalancer', 'retries', 'retries.retryOn', 'timeout',
    'fault', 'fault.delay', 'fault.abort', 'mirror', 'mirror.percentage', 'gateways', 'gateways[0]', 'externalHosts', 'meshTraffic', 'steps', 'steps[0]'],
  meshRoute: ['', 'namespace', 'hosts', 'hosts[0]', 'gateways', 'gateways[0]', 'mesh', 'name', 'routes', 'routes[0]', 'routes[0].match', 'routes[0].match.uri',
    'routes[0].match.headers', 'routes[0].destination', 'routes[0].destination.host', 'routes[0].destination.port', 'routes[0].rewriteUri', 'routes[0].retries',
    'routes[0].fault'],
};

/** A copy of `obj` with `path` (`a.b[0].c`; `''` = the whole value) set to `value`, creating what is missing. */
export function setPath(obj: unknown, path: string, value: unknown): unknown {
  if (path === '') return value;
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  const set = (o: unknown, i: number): unknown => {
    const k = keys[i];
    const isIndex = /^\d+$/.test(k);
    const base: any = Array.isArray(o) ? [...o] : o && typeof o === 'object' ? { ...o } : isIndex ? [] : {};
    base[isIndex ? Number(k) : k] = i === keys.length - 1 ? value : set(base[isIndex ? Number(k) : k], i + 1);
    return base;
  };
  return set(obj, 0);
}

/** Wrong-type mutations of every listed prop path of the given targets. */
export function wrongTypeMutation(targets: MutationTarget[]): fc.Arbitrary<Mutation> {
  const paths = targets.flatMap((t) => PROP_PATHS[t].map((path) => ({ target: t, path })));
  return fc.record({ at: fc.constantFrom(...paths), value: wrongTypes, index: fc.nat(7) }).map(({ at, value, index }): Mutation => {
    const label = `${at.target} ${at.path || '(props)'} = ${JSON.stringify(value)}`;
    const mutate = Object.assign((p: Props) => {
      if (at.target === 'version' && typeof value !== 'string') return value;
      // createNamespace is pinned to false for a gateway in app-trading, which a zero-trust namespace of the configuration
      // may emit after it (arbitraries.ts): any other value makes the gateway emit that Namespace, and the library then
      // refuses the later ZeroTrustNamespace (by design, see docs/bad-input-catalog.md), not the gateway. Leave it alone.
      if (at.target === 'gateway' && at.path === 'createNamespace' && p?.namespace === 'app-trading' && p?.createNamespace === false) return p;
      return setPath(p, at.path, value);
    }, { toString: () => label });
    return { label, target: at.target, index, mutate };
  });
}
