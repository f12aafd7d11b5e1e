/**
 * fast-check arbitraries of random but VALID configurations (see model.ts for the shapes).
 *
 * Names of different roles come from disjoint pools (control-plane namespaces `istio-system`/`ctl-*`, gateway
 * namespaces `istio-ingress`/`istio-egress`/`gw-*`, zero-trust namespaces `app-*`, other route namespaces `svc-*`),
 * so that two constructs never legitimately emit the same object; within a role, uniqueness is generated.
 */
import fc from 'fast-check';
import { GatewayPort, GatewayServer, GatewayServerTls, ExternalHostOptions } from '../../src/gateway';
import { MeshConfigOptions, ExtensionProvider } from '../../src/istiod';
import { AuthorizationRule, AuthorizationSource, AuthorizationOperation, AuthorizationCondition, PodSecurityOptions, PodSecurityLevel } from '../../src/policy';
import { HttpMatch, RouteOptions, TrafficPolicyOptions } from '../../src/traffic';
import { hostsIntersect } from '../../src/traffic/gateway-binding';
import { IstioVersion } from '../../src/version';
import { AutoscalingOptions, PodDisruptionBudgetOptions, ResourceRequirements } from '../../src/workload';
import {
  BindingCfg, CanaryCfg, ControlPlaneCfg, GatewayCfg, IstiodCfg, MeshCfg, MeshRouteCfg, ServiceCfg, ZeroTrustCfg,
} from './model';

const LOWER = 'abcdefghijklmnopqrstuvwxyz'.split('');
const DIGITS = '0123456789'.split('');
const ALNUM = [...LOWER, ...DIGITS];

/** An optional value: absent (undefined) about half of the time. */
export const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

/** Removes keys whose value is undefined (keeps counterexamples short). */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A DNS-1123 label of 1..maxLength characters; starts with a letter (so it also serves as a Service name).
 * Mostly short, sometimes at the maximum length.
 */
export function dnsLabel(maxLength = 63): fc.Arbitrary<string> {
  const body = (min: number, max: number) => fc.tuple(
    fc.constantFrom(...LOWER),
    fc.string({ unit: fc.constantFrom(...ALNUM, '-'), minLength: min, maxLength: max }),
    fc.constantFrom(...ALNUM),
  ).map(([a, mid, z]) => `${a}${mid}${z}`);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...LOWER), weight: 1 },
    { arbitrary: body(0, Math.min(10, maxLength - 2)), weight: 6 },
    { arbitrary: body(Math.max(0, maxLength - 4), maxLength - 2), weight: 1 },
  );
}

/** `<prefix>-<label>` within 63 characters. */
export const prefixed = (prefix: string, max = 63) => dnsLabel(max - prefix.length - 1).map((l) => `${prefix}-${l}`);

/** A DNS-1123 subdomain of 1-3 labels. */
export const dnsSubdomain = fc.array(dnsLabel(20), { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));

/** A fully qualified host (at least two labels, no wildcard). */
export const fqdn = fc.tuple(fc.array(dnsLabel(15), { minLength: 1, maxLength: 2 }), fc.constantFrom('com', 'org', 'io', 'local', 'example.com'))
  .map(([ls, tld]) => [...ls, tld].join('.'));

/** A label value (non-empty). */
export const labelValue = fc.oneof(dnsLabel(30), fc.constantFrom('v1', 'true', 'A_b.c', 'Prod'));

/** A label key without reserved names (optional prefix). */
export const labelKey = fc.tuple(opt(fc.constantFrom('example.com', 'team.io')), dnsLabel(20))
  .map(([p, n]) => (p ? `${p}/x-${n}` : `x-${n}`));

export const labels = (maxKeys = 3) => fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys, noNullPrototype: true });

export const ipv4 = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
  .map((p) => p.join('.'));
export const ipv6 = fc.constantFrom('fd00::1', '2001:db8::10', '::1', 'fe80::1:2:3:4');
export const cidr = fc.oneof(
  fc.tuple(ipv4, fc.integer({ min: 8, max: 32 })).map(([ip, n]) => `${ip}/${n}`),
  fc.constantFrom('fd00::/8', '2001:db8::/32'),
);

// ---------------------------------------------------------------------------------------------------------------
// Quantities and durations
// ---------------------------------------------------------------------------------------------------------------

interface Quantity { readonly text: string; readonly value: number }

const cpuQuantity: fc.Arbitrary<Quantity> = fc.integer({ min: 1, max: 8000 }).chain((m) => {
  const forms = [`${m}m`];
  if (m % 1000 === 0) forms.push(String(m / 1000));
  if (m % 100 === 0) forms.push(String(m / 1000));
  return fc.constantFrom(...forms).map((text) => ({ text, value: m }));
});

const memoryQuantity: fc.Arbitrary<Quantity> = fc.oneof(
  fc.integer({ min: 16, max: 16384 }).map((n) => ({ text: `${n}Mi`, value: n * 2 ** 20 })),
  fc.integer({ min: 1, max: 16 }).map((n) => ({ text: `${n}Gi`, value: n * 2 ** 30 })),
  fc.integer({ min: 16, max: 16000 }).map((n) => ({ text: `${n}M`, value: n * 1e6 })),
  fc.integer({ min: 1, max: 4096 }).map((n) => ({ text: String(n * 1048576), value: n * 1048576 })),
);

/** Requests and limits from valid quantities, each request at most its limit. */
export const resourceRequirements: fc.Arbitrary<ResourceRequirements> = fc.record({
  cpu: fc.tuple(opt(cpuQuantity), opt(cpuQuantity)),
  memory: fc.tuple(opt(memoryQuantity), opt(memoryQuantity)),
}).map(({ cpu, memory }) => {
  const pair = ([a, b]: [Quantity | undefined, Quantity | undefined]) => (a && b && a.value > b.value ? [b, a] : [a, b]);
  const [cr, cl] = pair(cpu);
  const [mr, ml] = pair(memory);
  const side = (c?: Quantity, m?: Quantity) => (c || m ? compact({ cpu: c?.text, memory: m?.text }) : undefined);
  return compact({ requests: side(cr, mr), limits: side(cl, ml) });
});

/** A Go duration of at least 1ms. */
export const duration = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 3600 }), fc.constantFrom('s', 'ms', 'm', 'h')).map(([n, u]) => `${n}${u}`),
  fc.tuple(fc.integer({ min: 1, max: 59 }), fc.integer({ min: 1, max: 59 })).map(([m, s]) => `${m}m${s}s`),
  fc.integer({ min: 1, max: 9 }).map((n) => `${n}.5s`),
);

/** An Istio `Percent`: 0, or a share from 0.0001 to 100 (Istio refuses a share between 0 and 0.0001). */
export const percent = fc.oneof(
  fc.integer({ min: 0, max: 100 }),
  fc.double({ min: 0.0001, max: 100, noNaN: true }),
  fc.constantFrom(0, 0.0001, 100),
);

// ---------------------------------------------------------------------------------------------------------------
// Scaling
// ---------------------------------------------------------------------------------------------------------------

export const autoscalingOptions: fc.Arbitrary<AutoscalingOptions> = fc.record({
  min: fc.integer({ min: 1, max: 5 }),
  extra: fc.integer({ min: 0, max: 10 }),
  target: opt(fc.integer({ min: 1, max: 100 })),
  give: fc.constantFrom('both', 'min', 'max', 'none'),
}).map(({ min, extra, target, give }) => compact({
  minReplicas: give === 'both' || give === 'min' ? min : undefined,
  maxReplicas: give === 'both' || give === 'max' ? Math.max(min, 5) + extra - (give === 'max' ? 0 : 0) : undefined,
  targetCpuUtilization: target,
})).filter((a) => (a.minReplicas ?? 1) <= (a.maxReplicas ?? 5));

/** `replicas` and `autoscaling` never together (conflicting options); autoscaling: false may carry replicas. */
export const scaling = fc.oneof(
  fc.constant({}),
  fc.record({ replicas: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ autoscaling: autoscalingOptions }),
  fc.record({ autoscaling: fc.constant(false as const), replicas: opt(fc.integer({ min: 0, max: 7 })) }).map(compact),
);

const pdbValue = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`));
export const pdbOptions = (evictionPolicy: boolean): fc.Arbitrary<PodDisruptionBudgetOptions | boolean> => fc.oneof(
  fc.boolean(),
  fc.record({
    which: fc.constantFrom('min', 'max', 'none'),
    v: pdbValue,
    policy: evictionPolicy ? opt(fc.constantFrom('IfHealthyBudget' as const, 'AlwaysAllow' as const)) : fc.constant(undefined),
  }).map(({ which, v, policy }) => compact({
    minAvailable: which === 'min' ? v : undefined,
    maxUnavailable: which === 'max' ? v : undefined,
    unhealthyPodEvictionPolicy: policy,
  })),
);

// ---------------------------------------------------------------------------------------------------------------
// Control plane
// ---------------------------------------------------------------------------------------------------------------

export const versionString = fc.oneof(
  fc.constantFrom('1.30.3', '1.20.3'),
  fc.tuple(fc.constantFrom('1.30', '1.20'), fc.integer({ min: 0, max: 99 }), fc.boolean())
    .map(([line, patch, v]) => `${v ? 'v' : ''}${line}.${patch}`),
);

/** A revision: a DNS label of at most 56 characters (so `istiod-<rev>` stays a label), never `default`. */
export const revision = dnsLabel(56).filter((r) => r !== 'default');

export const kubernetesVersion = fc.integer({ min: 16, max: 34 }).map((m) => `1.${m}`);

const providerName = dnsLabel(20);
const extensionProviders: fc.Arbitrary<ExtensionProvider[]> = fc.uniqueArray(
  fc.record({ name: providerName, type: fc.constantFrom('prometheus', 'zipkin', 'opentelemetry', 'envoyFileAccessLog'), host: fqdn, port: fc.integer({ min: 1, max: 65535 }), tag: opt(fc.integer({ min: 1, max: 1024 })) }),
  { selector: (p) => p.name, maxLength: 4 },
).map((ps) => ps.map((p): ExtensionProvider => {
  switch (p.type) {
    case 'prometheus': return { type: 'prometheus', name: p.name };
    case 'zipkin': return compact({ type: 'zipkin' as const, name: p.name, service: p.host, port: p.port, maxTagLength: p.tag });
    case 'opentelemetry': return { type: 'opentelemetry', name: p.name, service: p.host, port: p.port };
    default: return { type: 'envoyFileAccessLog', name: p.name, path: '/dev/stdout' };
  }
}));

export const meshConfig: fc.Arbitrary<MeshConfigOptions> = fc.record({
  trustDomain: opt(dnsSubdomain),
  accessLogFile: opt(fc.constantFrom('/dev/stdout', '/var/log/envoy/access.log')),
  accessLogEncoding: opt(fc.constantFrom('TEXT' as const, 'JSON' as const)),
  outboundTrafficPolicy: opt(fc.constantFrom('ALLOW_ANY' as const, 'REGISTRY_ONLY' as const)),
  enablePrometheusMerge: opt(fc.boolean()),
  enableTracing: opt(fc.boolean()),
  hold: opt(fc.boolean()),
  proxyMetadata: opt(fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/), fc.string({ maxLength: 12 }), { maxKeys: 3, noNullPrototype: true })),
  tracing: opt(fc.oneof(fc.constant(false as const), fc.record({
    sampling: opt(fc.double({ min: 0, max: 100, noNaN: true })),
    zipkinAddress: opt(fc.tuple(fqdn, fc.integer({ min: 1, max: 65535 })).map(([h, p]) => `${h}:${p}`)),
  }).map(compact))),
  providers: opt(extensionProviders),
  defaults: fc.record({ metrics: fc.nat(), tracing: fc.nat(), accessLogging: fc.nat(), give: fc.boolean() }),
  rootNamespace: opt(prefixed('root')),
}).map((m) => {
  const declared = (m.providers ?? []).map((p) => p.name);
  const pick = (n: number) => {
    const all = [...declared, 'prometheus', 'envoy'];
    return [all[n % all.length]];
  };
  const defaultConfig = m.hold === undefined && m.proxyMetadata === undefined && m.tracing === undefined
    ? undefined
    : compact({ holdApplicationUntilProxyStarts: m.hold, proxyMetadata: m.proxyMetadata, tracing: m.tracing });
  return compact({
    trustDomain: m.trustDomain,
    accessLogFile: m.accessLogFile,
    accessLogEncoding: m.accessLogEncoding,
    outboundTrafficPolicy: m.outboundTrafficPolicy,
    enablePrometheusMerge: m.enablePrometheusMerge,
    enableTracing: m.enableTracing,
    defaultConfig,
    extensionProviders: m.providers,
    defaultProviders: m.defaults.give ? { metrics: pick(m.defaults.metrics), tracing: pick(m.defaults.tracing), accessLogging: pick(m.defaults.accessLogging) } : undefined,
    rootNamespace: m.rootNamespace,
  });
});

const toleration = fc.oneof(
  fc.record({ key: labelKey, operator: fc.constant('Exists' as const), effect: opt(fc.constantFrom('NoSchedule' as const, 'PreferNoSchedule' as const)) }).map(compact),
  fc.record({ key: labelKey, value: labelValue, effect: fc.constant('NoExecute' as const), tolerationSeconds: fc.integer({ min: 0, max: 3600 }) }),
);

export const istiodCfg = (pdbEviction: boolean): fc.Arbitrary<IstiodCfg> => fc.record({
  revision: opt(revision),
  scaling,
  podDisruptionBudget: opt(pdbOptions(pdbEviction)),
  resources: opt(resourceRequirements),
  logLevel: opt(fc.constantFrom('debug' as const, 'info' as const, 'warn' as const, 'error' as const, 'none' as const)),
  meshConfig: opt(meshConfig),
  cni: opt(fc.boolean()),
  nativeSidecars: opt(fc.boolean()),
  env: opt(fc.dictionary(fc.stringMatching(/^CUSTOM_[A-Z0-9_]{1,10}$/), fc.string({ maxLength: 10 }), { maxKeys: 3, noNullPrototype: true })),
  image: opt(fc.record({
    hub: opt(fc.constantFrom('docker.io/istio', 'gcr.io/istio-release', 'registry.example.com:5000/mesh/istio')),
    tag: opt(fc.constantFrom('1.30.3', '1.20.3-distroless', 'latest', 'sha_1234')),
    variant: opt(fc.constantFrom('distroless', 'debug')),
  }).map(compact)),
  clusterName: opt(dnsLabel(30)),
  meshId: opt(dnsLabel(30)),
  network: opt(dnsLabel(30)),
  nodeSelector: opt(labels(2)),
  tolerations: opt(fc.array(toleration, { minLength: 1, maxLength: 2 })),
}).map(({ scaling: s, ...rest }) => compact({ ...rest, ...s }));

export const controlPlane: fc.Arbitrary<ControlPlaneCfg> = fc.record({
  version: versionString,
  namespace: opt(fc.oneof(fc.constant('istio-system'), prefixed('ctl'))),
  kubernetesVersion: opt(kubernetesVersion),
  // The built-in CRDs are the same for every configuration of a version: a fifth of the runs is enough.
  crds: fc.oneof({ arbitrary: fc.constant('builtIn' as const), weight: 1 }, { arbitrary: fc.constant('none' as const), weight: 4 }),
  evictionOk: fc.boolean(),
  istiodSeed: fc.nat(),
}).map((cp) => {
  // a Kubernetes version the Istio line supports (1.30 needs autoscaling/v2 and policy/v1: 1.23+)
  const min = IstioVersion.of(cp.version).minKubernetesMinor;
  const kube = cp.kubernetesVersion;
  return kube !== undefined && Number(kube.split('.')[1]) < min ? { ...cp, kubernetesVersion: `1.${min + (Number(kube.split('.')[1]) % 5)}` } : cp;
}).chain(({ evictionOk: _e, istiodSeed: _s, ...cp }) => {
  // unhealthyPodEvictionPolicy needs policy/v1: on 1.20 with Kubernetes < 1.21 the PDB is policy/v1beta1.
  const minor = Number((cp.kubernetesVersion ?? '1.28').split('.')[1]);
  const pdbV1 = IstioVersion.of(cp.version).pdbApiVersion(minor) === 'policy/v1';
  return istiodCfg(pdbV1).map((istiod) => compact({ ...cp, istiod }) as ControlPlaneCfg);
});

// ---------------------------------------------------------------------------------------------------------------
// Gateways
// ---------------------------------------------------------------------------------------------------------------

const PORT_PROTOCOLS = ['grpc-web', 'grpc', 'http2', 'https', 'http', 'mongo', 'mysql', 'redis', 'tcp', 'tls', 'udp'];
const RESERVED_PORTS = [15021, 80, 443];

/** Node ports: distinct values in 30000-32767. */
const nodePorts = (n: number) => fc.uniqueArray(fc.integer({ min: 30000, max: 32767 }), { minLength: n, maxLength: n });

export const serviceCfg: fc.Arbitrary<ServiceCfg> = fc.oneof(
  fc.record({
    type: fc.constant('LoadBalancer' as const),
    ip: opt(fc.oneof(ipv4, ipv6)),
    pool: opt(dnsSubdomain),
    externalTrafficPolicy: opt(fc.constantFrom('Cluster' as const, 'Local' as const)),
    loadBalancerSourceRanges: opt(fc.array(cidr, { minLength: 1, maxLength: 2 })),
  }).map(compact),
  fc.record({
    type: fc.constant('NodePort' as const),
    ports: nodePorts(3),
    give: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
    externalTrafficPolicy: opt(fc.constantFrom('Cluster' as const, 'Local' as const)),
  }).map(({ ports, give, ...rest }) => compact({
    ...rest,
    http: give[0] ? ports[0] : undefined,
    https: give[1] ? ports[1] : undefined,
    status: give[2] ? ports[2] : undefined,
  })),
  fc.constant({ type: 'ClusterIP' as const }),
);

/** Extra Service ports: protocol-prefixed unique names, unique numbers (not 15021/80/443), node ports not clashing. */
const extraPorts = (service: ServiceCfg): fc.Arbitrary<GatewayPort[]> => fc.uniqueArray(
  fc.record({
    proto: fc.constantFrom(...PORT_PROTOCOLS),
    suffix: opt(dnsLabel(12)),
    port: fc.integer({ min: 1, max: 65535 }).filter((p) => !RESERVED_PORTS.includes(p)),
    targetPort: opt(fc.integer({ min: 1, max: 65535 })),
    protocol: opt(fc.constantFrom('TCP' as const, 'UDP' as const)),
    nodePort: service.type === 'ClusterIP' ? fc.constant(undefined) : opt(fc.integer({ min: 30000, max: 32767 })),
  }),
  { selector: (p) => p.port, maxLength: 3 },
).map((ps) => {
  const taken = new Set<number>(service.type === 'NodePort' ? [service.http, service.https, service.status].filter((x): x is number => x !== undefined) : []);
  const names = new Set<string>(['status-port', 'http2', 'https']);
  const out: GatewayPort[] = [];
  for (const p of ps) {
    const name = p.suffix ? `${p.proto}-${p.suffix}` : p.proto;
    if (names.has(name)) continue;
    names.add(name);
    let nodePort = p.nodePort;
    if (nodePort !== undefined) {
      if (taken.has(nodePort)) nodePort = undefined;
      else taken.add(nodePort);
    }
    out.push(compact({ name, port: p.port, targetPort: p.targetPort, protocol: p.protocol, nodePort }));
  }
  return out;
});

/** A Gateway server host: `*`, `*.domain`, a FQDN, optionally prefixed with "*" or a namespace and a slash. */
const serverHost = fc.tuple(
  fc.oneof({ arbitrary: fqdn, weight: 4 }, { arbitrary: fqdn.map((h) => `*.${h}`), weight: 2 }, { arbitrary: fc.constant('*'), weight: 1 }),
  fc.oneof({ arbitrary: fc.constant(''), weight: 4 }, { arbitrary: fc.constant('*/'), weight: 1 }, { arbitrary: prefixed('team', 40).map((n) => `${n}/`), weight: 1 }),
).map(([h, p]) => `${p}${h}`);

const TLS_VERSIONS = ['TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const;
const tlsFor = (protocol: 'HTTPS' | 'TLS'): fc.Arbitrary<GatewayServerTls> => fc.record({
  mode: fc.constantFrom(...(protocol === 'TLS'
    ? ['SIMPLE', 'MUTUAL', 'PASSTHROUGH', 'ISTIO_MUTUAL', 'AUTO_PASSTHROUGH', 'OPTIONAL_MUTUAL'] as const
    : ['SIMPLE', 'MUTUAL', 'PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'] as const)),
  credential: dnsSubdomain,
  versions: opt(fc.tuple(fc.nat(3), fc.nat(3))),
  sans: opt(fc.array(fqdn, { minLength: 1, maxLength: 2 })),
}).map(({ mode, credential, versions, sans }) => {
  const needsCred = ['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(mode);
  const mutual = mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  const [a, b] = versions ? [Math.min(...versions), Math.max(...versions)] : [];
  return compact({
    mode,
    credentialName: needsCred ? credential : undefined,
    minProtocolVersion: a === undefined ? undefined : TLS_VERSIONS[a],
    maxProtocolVersion: b === undefined ? undefined : TLS_VERSIONS[b],
    subjectAltNames: mutual ? sans : undefined,
  });
});

/** One Gateway binding on a gateway exposing `ports` (80, 443 and extras); one protocol per port. */
const bindingCfg = (gatewayName: string, index: number, ports: number[]): fc.Arbitrary<BindingCfg> => fc.record({
  protocols: fc.tuple(...ports.map((p) => fc.constantFrom(...(p === 443 ? ['HTTPS', 'TLS'] as const : p === 80 ? ['HTTP', 'HTTP2'] as const : ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'TCP', 'TLS'] as const)))),
  servers: fc.array(fc.record({
    portIndex: fc.nat(ports.length - 1),
    hosts: fc.array(serverHost, { minLength: 1, maxLength: 3 }),
    tlsHttps: tlsFor('HTTPS'),
    tlsTls: tlsFor('TLS'),
    redirect: opt(fc.boolean()),
    name: opt(fc.constantFrom('main', 'server one')),
  }), { minLength: 1, maxLength: 3 }),
  labels: opt(labels(2)),
}).map(({ protocols, servers, labels: l }) => {
  const seen = new Map<number, Set<string>>();
  const out: GatewayServer[] = [];
  for (const s of servers) {
    const number = ports[s.portIndex];
    const protocol = protocols[s.portIndex];
    const onPort = seen.get(number) ?? new Set<string>();
    seen.set(number, onPort);
    const hosts = s.hosts.filter((h) => !onPort.has(h) && (onPort.add(h), true));
    const unique = [...new Set(hosts)];
    if (unique.length === 0) continue;
    out.push(compact({
      port: { number, protocol },
      hosts: unique,
      tls: protocol === 'HTTPS' ? s.tlsHttps : protocol === 'TLS' ? s.tlsTls : undefined,
      httpsRedirect: protocol === 'HTTP' ? s.redirect : undefined,
      name: s.name,
    }) as GatewayServer);
  }
  // A Gateway name is a DNS-1123 label: Istio refuses dots in it.
  return compact({ name: `${gatewayName}-b${index}`, servers: out, labels: l });
});

/** External host routes of an egress gateway (hosts unique, also after dots become dashes). */
const egressRoutes: fc.Arbitrary<ExternalHostOptions[]> = fc.uniqueArray(
  fc.record({
    host: fqdn,
    protocol: opt(fc.constantFrom('TLS' as const, 'HTTP' as const)),
    port: opt(fc.integer({ min: 1, max: 65535 })),
    originate: opt(fc.record({ port: opt(fc.integer({ min: 1, max: 65535 })), credentialName: opt(dnsSubdomain), sni: opt(fqdn) }).map(compact)),
  }),
  { selector: (r) => r.host.replace(/\./g, '-').slice(0, 63).replace(/-+$/, ''), maxLength: 2 },
).map((rs) => rs.map(({ originate, ...r }) => {
  const protocol = r.protocol ?? 'TLS';
  const port = r.port ?? (protocol === 'TLS' ? 443 : 80);
  const tls = protocol === 'HTTP' && originate && (originate.port ?? 443) !== port ? originate : undefined;
  return compact({ ...r, tls });
}));

export const gatewayCfg = (kind: 'ingress' | 'egress', name: string, namespace: string): fc.Arbitrary<GatewayCfg> => fc.record({
  createNamespace: opt(fc.boolean()),
  service: opt(serviceCfg),
  scaling,
  podDisruptionBudget: opt(pdbOptions(false)),
  resources: opt(resourceRequirements),
  labels: opt(labels(2)),
  podAnnotations: opt(fc.dictionary(labelKey, fc.string({ maxLength: 20 }), { maxKeys: 2, noNullPrototype: true })),
  terminationGracePeriodSeconds: opt(fc.integer({ min: 0, max: 600 })),
  bindingCount: fc.integer({ min: 0, max: 2 }),
}).chain(({ scaling: s, bindingCount, ...generated }) => {
  const g = namespace === 'app-trading' ? { ...generated, createNamespace: false } : generated;
  const service = g.service ?? (kind === 'ingress' ? { type: 'LoadBalancer' as const } : { type: 'ClusterIP' as const });
  return extraPorts(service).chain((ports) => {
    const exposed = [80, 443, ...ports.map((p) => p.port)];
    return fc.record({
      bindings: fc.tuple(...Array.from({ length: bindingCount }, (_, i) => bindingCfg(name, i, exposed))),
      routes: kind === 'egress' ? egressRoutes : fc.constant([]),
    }).map(({ bindings, routes }) => compact({
      kind, name, namespace, ...g, ...s, ports: ports.length ? ports : undefined, bindings: [...bindings], routes,
    }) as GatewayCfg);
  });
});

/** 0..max gateways with unique namespace/name (namespaces `@cp`, `istio-ingress`, `istio-egress` or `gw-*`). */
export const gateways = (max: number, min = 0): fc.Arbitrary<GatewayCfg[]> => fc.uniqueArray(
  fc.record({
    kind: fc.constantFrom('ingress' as const, 'egress' as const),
    name: fc.oneof(fc.constantFrom('istio-ingressgateway', 'istio-egressgateway', 'ingressgateway', 'istio-gateway'), dnsLabel(40)),
    // `app-trading` may also be a zero-trust namespace: the gateway then must not emit the Namespace itself.
    namespace: fc.oneof(fc.constantFrom('@cp', 'istio-ingress', 'istio-egress', 'app-trading'), prefixed('gw')),
  }),
  { selector: (g) => `${g.namespace}/${g.name}`, minLength: min, maxLength: max },
).chain((gs) => (gs.length === 0 ? fc.constant([]) : fc.tuple(...gs.map((g) => gatewayCfg(g.kind, g.name, g.namespace))).map((x) => [...x])));

// ---------------------------------------------------------------------------------------------------------------
// Zero-trust namespaces
// ---------------------------------------------------------------------------------------------------------------

const LEVELS: PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];
const psaVersion = opt(fc.oneof(fc.constant('latest'), fc.integer({ min: 16, max: 34 }).map((m) => `v1.${m}`)));

/** Pod Security levels consistent with CNI: without CNI, `enforce` must be privileged (istio-init needs NET_ADMIN). */
export const podSecurity = (cni: boolean): fc.Arbitrary<PodSecurityOptions> => fc.record({
  enforce: opt(fc.constantFrom(...(cni ? LEVELS : ['privileged' as const]))),
  enforceVersion: psaVersion,
  warn: opt(fc.constantFrom(...LEVELS)),
  warnVersion: psaVersion,
  audit: opt(fc.constantFrom(...LEVELS)),
  auditVersion: psaVersion,
}).map(compact);

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'] as const;
const WHEN_KEYS = [
  'request.headers[x-tenant]', 'source.ip', 'remote.ip', 'source.namespace', 'source.principal', 'request.auth.principal',
  'request.auth.audiences', 'request.auth.presenter', 'request.auth.claims[iss]', 'request.auth.claims[groups][admin]', 'destination.ip',
  'destination.port', 'connection.sni', 'experimental.envoy.filters.network.mysql_proxy[db.table]',
];
/** Condition keys only the 1.30 line knows. */
const WHEN_KEYS_1_30 = ['source.serviceAccount', 'source.trustDomain'];

/** Values Istio accepts for a condition key: addresses for the address keys, port numbers for destination.port, ... */
const conditionValue = (key: string): fc.Arbitrary<string> => {
  switch (key) {
    case 'source.ip': case 'remote.ip': case 'destination.ip':
      return fc.oneof(ipv4, ipv6, cidr);
    case 'destination.port':
      return fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(1, 65535)).map(String);
    case 'source.serviceAccount':
      return fc.oneof(dnsSubdomain, fc.tuple(dnsLabel(20), dnsSubdomain).map(([ns, sa]) => `${ns}/${sa}`));
    case 'source.trustDomain':
      return fc.oneof(dnsSubdomain, dnsSubdomain.map((d) => `*.${d}`), dnsLabel(10).map((d) => `${d}-*`), fc.constant('*'));
    default:
      return dnsLabel(10);
  }
};

const source = (trustDomain: fc.Arbitrary<string>): fc.Arbitrary<AuthorizationSource> => fc.record({
  namespaces: opt(fc.array(dnsLabel(30), { minLength: 1, maxLength: 2 })),
  serviceAccounts: opt(fc.array(fc.record({ namespace: dnsLabel(30), name: dnsSubdomain }), { minLength: 1, maxLength: 2 })),
  principals: opt(fc.array(fc.tuple(trustDomain, dnsLabel(30), dnsLabel(30)).map(([td, ns, sa]) => `${td}/ns/${ns}/sa/${sa}`), { minLength: 1, maxLength: 2 })),
  ipBlocks: opt(fc.array(fc.oneof(ipv4, cidr, ipv6), { minLength: 1, maxLength: 2 })),
}).map(compact).filter((s) => Object.keys(s).length > 0);

const operation: fc.Arbitrary<AuthorizationOperation> = fc.record({
  ports: opt(fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 })),
  methods: opt(fc.uniqueArray(fc.constantFrom(...METHODS), { minLength: 1, maxLength: 3 })),
  paths: opt(fc.array(fc.oneof(dnsLabel(10).map((p) => `/${p}`), dnsLabel(10).map((p) => `/${p}/*`), dnsLabel(10).map((p) => `*/${p}`), fc.constant('/')), { minLength: 1, maxLength: 2 })),
  hosts: opt(fc.array(fc.oneof(fqdn, fqdn.map((h) => `*.${h}`)), { minLength: 1, maxLength: 2 })),
}).map(compact).filter((o) => Object.keys(o).length > 0);

/** A `when` condition valid on Istio 1.<minor>: a key that release knows, with values of that key's form. */
const condition = (minor: number): fc.Arbitrary<AuthorizationCondition> => fc.constantFrom(...WHEN_KEYS, ...(minor >= 30 ? WHEN_KEYS_1_30 : []))
  .chain((key) => fc.record({
    key: fc.constant(key),
    values: opt(fc.array(conditionValue(key), { minLength: 1, maxLength: 2 })),
    notValues: opt(fc.array(conditionValue(key), { minLength: 1, maxLength: 2 })),
  }))
  .map(compact).filter((c) => c.values !== undefined || c.notValues !== undefined);

export const authorizationRule = (trustDomain: fc.Arbitrary<string>, minor = 20): fc.Arbitrary<AuthorizationRule> => fc.record({
  from: opt(fc.array(source(trustDomain), { minLength: 1, maxLength: 2 })),
  to: opt(fc.array(operation, { minLength: 1, maxLength: 2 })),
  when: opt(fc.array(condition(minor), { minLength: 1, maxLength: 2 })),
}).map(compact).filter((r) => Object.keys(r).length > 0);

/** A zero-trust namespace on Istio 1.<minor> (`minor` decides the condition keys its rules may use). */
export const zeroTrustCfg = (name: string, cni: boolean, gatewayCount: number, minor = 20): fc.Arbitrary<ZeroTrustCfg> => {
  const otherNs = prefixed('peer', 40).filter((n) => n !== name);
  const nsList = opt(fc.uniqueArray(otherNs, { minLength: 1, maxLength: 2 }));
  return fc.record({
    podSecurity: opt(podSecurity(cni)),
    np: fc.oneof(
      fc.constant<'on' | 'off'>('on'),
      fc.constant<'on' | 'off'>('off'),
      fc.record({ restrictEgress: opt(fc.boolean()), egressNamespaces: nsList, egressCidrs: opt(fc.array(cidr, { minLength: 1, maxLength: 2 })) }).map(compact),
    ),
    allowedNamespaces: nsList,
    ingressGatewayNamespaces: opt(fc.uniqueArray(fc.oneof(
      gatewayCount > 0 ? fc.integer({ min: 0, max: gatewayCount - 1 }).map((i) => `@gw${i}`) : fc.constant('istio-ingress'),
      fc.constant('istio-ingress'),
    ), { minLength: 1, maxLength: 2 })),
    sidecar: opt(fc.oneof(fc.boolean(), fc.record({
      hosts: opt(fc.array(fc.tuple(fc.oneof(fc.constantFrom('.', '*', '~'), dnsLabel(20)), fc.oneof(fqdn, fc.constant('*'), fqdn.map((h) => `*.${h}`))).map(([n, h]) => `${n}/${h}`), { minLength: 1, maxLength: 2 })),
    }).map(compact))),
    labels: opt(labels(2)),
    allows: fc.uniqueArray(fc.record({
      id: prefixed('p', 40),
      selector: opt(labels(2)),
      rules: fc.array(authorizationRule(fc.oneof(fc.constant('cluster.local'), dnsSubdomain), minor), { minLength: 1, maxLength: 3 }),
    }), { selector: (a) => a.id, maxLength: 3 }),
    permissives: fc.uniqueArray(fc.record({ id: prefixed('legacy', 40), selector: labels(2) }), { selector: (p) => p.id, maxLength: 2 }),
    monitoring: opt(fc.record({
      namespace: opt(prefixed('monitoring', 40)),
      serviceAccount: opt(dnsSubdomain),
      ports: opt(fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 2 })),
      selector: opt(labels(1)),
    }).map(compact)),
  }).map(({ np, allowedNamespaces, ingressGatewayNamespaces, allows, permissives, ...z }) => {
    const off = np === 'off';
    let networkPolicy: ZeroTrustCfg['networkPolicy'] = np === 'on' ? undefined : off ? false : np;
    if (typeof networkPolicy === 'object' && networkPolicy.restrictEgress === false) networkPolicy = { restrictEgress: false };
    return compact({
      ...z,
      name,
      networkPolicy,
      allowedNamespaces: off ? undefined : allowedNamespaces,
      ingressGatewayNamespaces: off ? undefined : ingressGatewayNamespaces,
      allows: allows.map((a) => ({ id: a.id, options: compact({ selector: a.selector, rules: a.rules }) })),
      permissives: permissives.map((p) => ({ id: p.id, options: { selector: p.selector } })),
    }) as ZeroTrustCfg;
  });
};

// ---------------------------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------------------------

const stringMatch = (path: boolean, prefixAllowed = true) => fc.oneof(
  (path ? dnsLabel(10).map((s) => `/${s}`) : dnsLabel(10)).map((exact) => ({ exact })),
  ...(prefixAllowed ? [(path ? dnsLabel(10).map((s) => `/${s}/`) : dnsLabel(10)).map((prefix) => ({ prefix }))] : []),
  fc.constantFrom('^/api/v[0-9]+$', '.*', 'v[12]', '(canary|beta)').map((regex) => ({ regex })),
);

export const httpMatch: fc.Arbitrary<HttpMatch> = fc.record({
  uri: opt(stringMatch(true)),
  headers: opt(fc.dictionary(fc.oneof(fc.constant('x-canary'), dnsLabel(15).map((h) => `x-${h}`)), stringMatch(false), { minKeys: 1, maxKeys: 2, noNullPrototype: true })),
  queryParams: opt(fc.dictionary(dnsLabel(10), stringMatch(false, false), { minKeys: 1, maxKeys: 2, noNullPrototype: true })),
}).map(compact).filter((m) => Object.keys(m).length > 0);

const RETRY_ON = ['5xx', 'gateway-error', 'reset', 'connect-failure', 'refused-stream', 'retriable-4xx', 'unavailable', '503'];
/** Retries: attempts 0 (off) stands alone, Istio refuses it with perTryTimeout or retryOn. */
const retries = fc.oneof(
  fc.constant({ attempts: 0 }),
  fc.record({ attempts: fc.integer({ min: 1, max: 10 }), perTryTimeout: opt(duration), retryOn: opt(fc.uniqueArray(fc.constantFrom(...RETRY_ON), { minLength: 1, maxLength: 3 })) }).map(compact),
);
export const routeOptions: fc.Arbitrary<RouteOptions> = fc.record({
  retries: opt(retries),
  timeout: opt(duration),
  fault: opt(fc.record({
    delay: opt(fc.record({ fixedDelay: duration, percentage: percent })),
    abort: opt(fc.record({ httpStatus: fc.integer({ min: 200, max: 599 }), percentage: percent })),
  }).map(compact).filter((f) => Object.keys(f).length > 0)),
}).map(compact);

export const trafficPolicy: fc.Arbitrary<TrafficPolicyOptions> = fc.record({
  connectionPool: opt(fc.record({
    tcp: opt(fc.record({ maxConnections: opt(fc.integer({ min: 1, max: 10000 })), connectTimeout: opt(duration) }).map(compact)),
    http: opt(fc.record({
      http1MaxPendingRequests: opt(fc.integer({ min: 1, max: 10000 })),
      http2MaxRequests: opt(fc.integer({ min: 1, max: 10000 })),
      maxRequestsPerConnection: opt(fc.integer({ min: 0, max: 100 })),
      maxRetries: opt(fc.integer({ min: 0, max: 10 })),
      idleTimeout: opt(duration),
    }).map(compact)),
  }).map(compact)),
  outlierDetection: opt(fc.record({
    consecutive5xxErrors: opt(fc.integer({ min: 0, max: 100 })),
    consecutiveGatewayErrors: opt(fc.integer({ min: 0, max: 100 })),
    interval: opt(duration),
    baseEjectionTime: opt(duration),
    maxEjectionPercent: opt(fc.integer({ min: 0, max: 100 })),
    minHealthPercent: opt(fc.integer({ min: 0, max: 100 })),
  }).map(compact)),
  tls: opt(fc.oneof(
    fc.constant({ mode: 'ISTIO_MUTUAL' as const }),
    fc.constant({ mode: 'DISABLE' as const }),
    fc.record({ mode: fc.constant('SIMPLE' as const), sni: opt(fqdn), credentialName: opt(dnsSubdomain) }).map(compact),
    fc.record({ mode: fc.constant('MUTUAL' as const), credentialName: dnsSubdomain, subjectAltNames: opt(fc.array(fqdn, { minLength: 1, maxLength: 2 })) }).map(compact),
  )),
  loadBalancer: opt(fc.constantFrom('ROUND_ROBIN' as const, 'LEAST_REQUEST' as const, 'RANDOM' as const, 'PASSTHROUGH' as const)),
}).map(compact).filter((t) => {
  // renderTrafficPolicy drops empty parts and refuses a policy with nothing left.
  const some = (o: object | undefined) => o !== undefined && Object.keys(o).length > 0;
  return some(t.connectionPool?.tcp) || some(t.connectionPool?.http) || some(t.outlierDetection) || t.tls !== undefined || t.loadBalancer !== undefined;
});

/** The Gateway bindings of a mesh as `@binding<g>.<b>` references, with the hosts they expose to every namespace. */
export interface BindingRef { readonly ref: string; readonly hosts: string[] }

export function bindingRefs(gws: GatewayCfg[]): BindingRef[] {
  const out: BindingRef[] = [];
  gws.forEach((g, gi) => g.bindings.forEach((b, bi) => {
    // Generated hosts are unprefixed, prefixed "*" + slash, or prefixed with a team-* namespace that no route uses:
    // only the first two are exposed to the routes.
    const hosts = b.servers.flatMap((s) => s.hosts).flatMap((h) => (h.includes('/') ? (h.startsWith('*/') ? [h.slice(2)] : []) : [h]));
    if (hosts.length > 0) out.push({ ref: `@binding${gi}.${bi}`, hosts: [...new Set(hosts)] });
  }));
  return out;
}

/** A concrete host matching the exposed pattern `p` (`*` -> a FQDN, `*.d` / `*d` -> `<label>.d` / `<label>d`). */
const concreteHost = (p: string) => fc.oneof(dnsLabel(10), fqdn).map((x) => (p === '*' ? `${x}.example.net` : p.startsWith('*') ? `${x.split('.')[0]}${p.slice(1)}` : p));

/** Drops every host that overlaps one kept before it (Istio refuses a VirtualService with overlapping hosts). */
export const disjointHosts = (hosts: string[], taken: string[] = []): string[] => {
  const kept: string[] = [];
  for (const h of hosts) if (![...taken, ...kept].some((k) => hostsIntersect(k, h))) kept.push(h);
  return kept;
};

/** Gateways and external hosts of a route: bound Gateways with matching hosts, or reference strings. */
const northSouth = (refs: BindingRef[], allowStar: boolean) => fc.oneof(
  fc.record({
    // Namespaces no generated Gateway lives in (a reference into a namespace that has Gateways must name one of them).
    gateways: fc.uniqueArray(prefixed('edge', 30).map((n) => `${n}/public`), { minLength: 1, maxLength: 2 }),
    hosts: fc.uniqueArray(fc.oneof(fqdn, fqdn.map((h) => `*.${h}`), ...(allowStar ? [fc.constant('*')] : [])), { minLength: 1, maxLength: 2 }),
  }),
  ...(refs.length === 0 ? [] : [
    fc.uniqueArray(fc.constantFrom(...refs), { selector: (r) => r.ref, minLength: 1, maxLength: 2 }).chain((chosen) => {
      const patterns = chosen.flatMap((r) => r.hosts).filter((h) => allowStar || h !== '*');
      const hosts = patterns.length === 0 ? fc.constant([] as string[]) : fc.uniqueArray(fc.constantFrom(...patterns).chain(concreteHost), { minLength: 1, maxLength: 2 });
      return hosts.map((h) => ({ gateways: chosen.map((r) => r.ref), hosts: h }));
    }),
  ]),
).map((ns) => ({ ...ns, hosts: disjointHosts(ns.hosts) })).filter((ns) => ns.hosts.length > 0);

const versionName = fc.oneof(fc.constantFrom('v1', 'v2', 'v3', 'blue', 'green'), dnsLabel(20));

export const canaryCfg = (name: string, namespace: string, refs: BindingRef[]): fc.Arbitrary<CanaryCfg> => fc.record({
  host: fc.oneof(dnsLabel(30), fqdn),
  port: opt(fc.integer({ min: 1, max: 65535 })),
  versions: fc.uniqueArray(versionName, { minLength: 2, maxLength: 2 }),
  customNames: fc.boolean(),
  subsetLabels: fc.tuple(opt(labels(2)), opt(labels(2))),
  canaryWeight: opt(fc.integer({ min: 0, max: 100 })),
  giveStable: fc.boolean(),
  matches: opt(fc.array(fc.tuple(httpMatch, fc.boolean()), { minLength: 1, maxLength: 3 })),
  trafficPolicy: opt(trafficPolicy),
  options: routeOptions,
  mirror: opt(fc.tuple(fc.boolean(), opt(percent))),
  north: opt(northSouth(refs, false)),
  meshTraffic: opt(fc.boolean()),
  steps: opt(fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 5 }).map((s) => [...s].sort((a, b) => a - b))),
  separateNames: fc.boolean(),
}).map((c) => {
  const [v1, v2] = c.versions;
  const stableName = c.customNames ? `stable-${v1}`.slice(0, 63).replace(/-+$/, '') : undefined;
  const canaryName = c.customNames ? `canary-${v2}`.slice(0, 63).replace(/-+$/, '') : undefined;
  const subsets = [stableName ?? v1, canaryName ?? v2];
  // with a rollout plan, the rendered weight stands at 0 (not started) or at one of its steps
  const w = c.steps && c.canaryWeight !== undefined && c.canaryWeight !== 0 && !c.steps.includes(c.canaryWeight)
    ? c.steps[c.canaryWeight % c.steps.length] : c.canaryWeight;
  const hosts = disjointHosts(c.north?.hosts ?? [], [c.host]);
  const north = c.north && hosts.length > 0 ? { gateways: c.north.gateways, externalHosts: hosts } : undefined;
  return compact({
    namespace,
    name,
    host: c.host,
    port: c.port,
    stable: compact({ version: v1, name: stableName, labels: c.subsetLabels[0], weight: c.giveStable && w !== undefined ? 100 - w : undefined }),
    canary: compact({ version: v2, name: canaryName, labels: c.subsetLabels[1], weight: w }),
    matches: c.matches?.map(([m, which]) => ({ ...m, subset: subsets[which ? 1 : 0] })),
    trafficPolicy: c.trafficPolicy,
    ...c.options,
    mirror: c.mirror ? compact({ subset: subsets[c.mirror[0] ? 1 : 0], percentage: c.mirror[1] }) : undefined,
    ...(north ?? {}),
    meshTraffic: north ? c.meshTraffic : undefined,
    steps: c.steps,
    destinationRuleName: c.separateNames ? `${name}-dr` : undefined,
    virtualServiceName: c.separateNames ? `${name}-vs` : undefined,
  }) as CanaryCfg;
});

export const meshRouteCfg = (name: string, namespace: string, refs: BindingRef[]): fc.Arbitrary<MeshRouteCfg> => fc.record({
  north: opt(northSouth(refs, true)),
  mesh: opt(fc.boolean()),
  meshHosts: fc.uniqueArray(fc.oneof(fqdn, dnsLabel(20), fqdn.map((h) => `*.${h}`)), { minLength: 1, maxLength: 2 }).map((hs) => disjointHosts(hs)),
  routes: fc.array(fc.record({
    match: httpMatch,
    host: fc.oneof(dnsLabel(30), fqdn),
    port: opt(fc.integer({ min: 1, max: 65535 })),
    rewriteUri: opt(fc.constantFrom('/', '/v1/', '/api')),
    options: routeOptions,
  }), { minLength: 1, maxLength: 3 }),
  catchAll: fc.boolean(),
}).map((r) => {
  let hosts = r.meshHosts;
  let gateways: string[] | undefined;
  let mesh: boolean | undefined;
  if (r.north) {
    gateways = r.north.gateways;
    mesh = r.mesh;
    hosts = mesh ? r.north.hosts.filter((h) => h !== '*') : r.north.hosts;
    if (hosts.length === 0) { gateways = undefined; mesh = undefined; hosts = r.meshHosts; }
  }
  const routes = r.routes.map((x, i) => compact({
    match: r.catchAll && i === r.routes.length - 1 ? undefined : x.match,
    destination: compact({ host: x.host, port: x.port }),
    rewriteUri: x.rewriteUri,
    ...x.options,
  }));
  return compact({ namespace, name, hosts, gateways, mesh, routes }) as MeshRouteCfg;
});

// ---------------------------------------------------------------------------------------------------------------
// Whole meshes
// ---------------------------------------------------------------------------------------------------------------

export interface MeshShape {
  readonly maxGateways: number;
  readonly maxZeroTrust: number;
  readonly maxCanaries: number;
  readonly maxMeshRoutes: number;
  /** Generate at least one of each part (for the invalid-input properties). */
  readonly atLeastOne?: boolean;
}

/** A whole mesh: control plane, gateways, zero-trust namespaces, mesh-wide mTLS, canaries and mesh routes. */
export function meshCfg(shape: MeshShape): fc.Arbitrary<MeshCfg> {
  const min = shape.atLeastOne ? 1 : 0;
  const cap = (n: number) => Math.max(min, n);
  return fc.record({
    controlPlane,
    gateways: gateways(cap(shape.maxGateways), min),
    ztnNames: fc.uniqueArray(fc.oneof(fc.constantFrom('app-trading', 'app-fraud-detection'), prefixed('app')), { minLength: Math.min(min, shape.maxZeroTrust), maxLength: shape.maxZeroTrust }),
    meshWideMtls: opt(fc.constantFrom('STRICT' as const, 'PERMISSIVE' as const)),
    canaryCount: fc.integer({ min: Math.min(min, shape.maxCanaries), max: shape.maxCanaries }),
    routeCount: fc.integer({ min: Math.min(min, shape.maxMeshRoutes), max: shape.maxMeshRoutes }),
  }).chain(({ controlPlane: cp, gateways: generated, ztnNames, meshWideMtls, canaryCount, routeCount }) => {
    // options (an object) turn the CNI agent on as `true` does
    const cni = cp.istiod.cni !== undefined && cp.istiod.cni !== false;
    const gws = separateGatewayHosts(generated);
    const refs = bindingRefs(gws);
    const routeNs = fc.oneof(
      ztnNames.length > 0 ? fc.integer({ min: 0, max: ztnNames.length - 1 }).map((i) => `@ztn${i}`) : fc.constant('svc-apps'),
      prefixed('svc', 40),
    );
    const named = (prefix: string, i: number) => dnsLabel(40).map((l) => `${l}-${prefix}${i}`);
    return fc.record({
      zeroTrust: ztnNames.length === 0 ? fc.constant([]) : fc.tuple(...ztnNames.map((n) => zeroTrustCfg(n, cni, gws.length, IstioVersion.of(cp.version).minor))).map((x) => [...x]),
      canaries: canaryCount === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: canaryCount }, (_, i) => fc.tuple(named('c', i), routeNs).chain(([n, ns]) => canaryCfg(n, ns, refs)))).map((x) => [...x]),
      meshRoutes: routeCount === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: routeCount }, (_, i) => fc.tuple(named('m', i), routeNs).chain(([n, ns]) => meshRouteCfg(n, ns, refs)))).map((x) => [...x]),
    }).map((rest) => separateMeshHosts(compact({ controlPlane: cp, gateways: gws, meshWideMtls, ...rest }) as MeshCfg));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Mesh-level consistency: what Istio (and the analyzer that runs at synth) refuses across constructs
// ---------------------------------------------------------------------------------------------------------------

const hostPart = (h: string) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h);

/**
 * Two Gateways of the same workload must not serve overlapping hosts on one port (IST0145), and two egress routes
 * must not route the same host. Egress routes keep their hosts (first one wins); binding servers drop hosts that
 * overlap a host another Gateway already serves on that port (a server left without hosts is dropped, and so is a
 * binding left without servers). Conservative: any two gateways are treated as one workload.
 */
export function separateGatewayHosts(gws: GatewayCfg[]): GatewayCfg[] {
  const claimed = new Map<number, Array<{ owner: string; host: string }>>();
  const claim = (port: number, owner: string, host: string) => {
    const list = claimed.get(port) ?? [];
    claimed.set(port, list);
    if (list.some((c) => c.owner !== owner && hostsIntersect(c.host, host))) return false;
    list.push({ owner, host });
    return true;
  };
  const routedHosts = new Set<string>();
  const withRoutes = gws.map((g, gi) => ({
    ...g,
    routes: g.routes.filter((r) => {
      if (routedHosts.has(r.host)) return false;
      routedHosts.add(r.host);
      return claim((r.protocol ?? 'TLS') === 'TLS' ? 443 : 80, `route ${gi}/${r.host}`, r.host);
    }),
  }));
  return withRoutes.map((g, gi) => ({
    ...g,
    bindings: g.bindings.map((b, bi) => ({
      ...b,
      servers: b.servers
        .map((s) => ({ ...s, hosts: s.hosts.filter((h) => claim(s.port.number, `binding ${gi}.${bi}`, hostPart(h))) }))
        .filter((s) => s.hosts.length > 0),
    })).filter((b) => b.servers.length > 0),
  }));
}

/**
 * VirtualServices bound to the mesh must not define the same (namespace-qualified) host (IST0109): egress routes
 * keep theirs, then canaries and mesh routes in order; a canary whose host is taken gets a unique one, external
 * hosts already taken are dropped (and with them the gateways when none is left), a mesh route whose hosts are all
 * taken gets a unique host.
 */
export function separateMeshHosts(cfg: MeshCfg): MeshCfg {
  const ztn = cfg.zeroTrust.map((z) => z.name);
  const nsOf = (n: string) => (n.startsWith('@ztn') ? (ztn.length ? ztn[Number(n.slice(4)) % ztn.length] : 'apps') : n);
  const resolve = (h: string, ns: string) => (h.includes('.') || h.includes('*') ? h : `${h}.${ns}.svc.cluster.local`);
  const taken = new Set<string>();
  const take = (h: string, ns: string) => {
    const key = resolve(h, ns);
    if (taken.has(key)) return false;
    taken.add(key);
    return true;
  };
  for (const g of cfg.gateways) for (const r of g.routes) take(r.host, '');
  // A namespace holding a gateway has Services in the output, so the analyzer checks that short destination hosts
  // there exist (IST0101): routes that landed in such a namespace move to one without Services.
  const gatewayNs = new Set(cfg.gateways.map((g) => g.namespace));
  const away = <T extends { namespace: string }>(r: T): T => (gatewayNs.has(nsOf(r.namespace)) ? { ...r, namespace: 'svc-shared' } : r);
  const canaries = cfg.canaries.map(away).map((c, i) => {
    const ns = nsOf(c.namespace);
    const host = take(c.host!, ns) ? c.host! : (take(`unique-c${i}`, ns), `unique-c${i}`);
    const mesh = c.meshTraffic ?? true;
    if (!c.gateways || !mesh) return { ...c, host };
    const externalHosts = (c.externalHosts ?? []).filter((h) => !hostsIntersect(h, host) && take(h, ns));
    if (externalHosts.length > 0) return { ...c, host, externalHosts };
    const { gateways: _g, externalHosts: _e, meshTraffic: _m, ...rest } = c;
    return { ...rest, host };
  });
  const meshRoutes = cfg.meshRoutes.map(away).map((r, i) => {
    const ns = nsOf(r.namespace);
    if (!(r.mesh ?? r.gateways === undefined)) return r;
    const hosts = r.hosts.filter((h) => take(h, ns));
    if (hosts.length === r.hosts.length) return r;
    if (hosts.length > 0) return { ...r, hosts };
    // With gateways, every host must match a gateway host: fall back to an in-mesh route on a unique host.
    take(`unique-m${i}`, ns);
    const { gateways: _g, mesh: _m, ...rest } = r;
    return { ...rest, hosts: [`unique-m${i}`] };
  });
  return { ...cfg, canaries, meshRoutes };
}
