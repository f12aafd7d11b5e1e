/**
 * The bad-input catalog: one row per rejected input, across every construct. Each row becomes one test asserting
 * that the input throws an IstioValidationError naming the construct path, the field, the value given and what is
 * valid, and that nothing was emitted for it (the chart's objects are exactly those that existed before the
 * rejected construct or call, and they are still schema-valid).
 *
 * docs/bad-input-catalog.md shows the same table to users; the last tests keep the two in sync.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart } from 'cdk8s';
import { IstioBase, IstioBaseProps, IstioCrds } from '../../src/base';
import { EgressGateway, GatewayService, IngressGateway, IngressGatewayProps, MeshGatewayOptions } from '../../src/gateway';
import { Istiod, IstiodProps } from '../../src/istiod';
import { AuthorizationCondition, MeshWideMtls, ZeroTrustNamespace, ZeroTrustNamespaceProps } from '../../src/policy';
import { CanaryRoute, CanaryRouteProps, MeshRoute, MeshRouteProps } from '../../src/traffic';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { ResourcePreset } from '../../src/workload';
import { apiObjectPaths } from '../properties/model';
import { newChart, synthValid } from '../support/synth';

/** Construct families of the catalog. */
type Family = 'version' | 'base' | 'istiod' | 'gateways' | 'zero-trust' | 'routes';

/** What a row builds before the rejected step (so the test can tell what the step itself emitted). */
type Arrange = 'nothing' | 'base' | 'base-1.20-k8s-1.20' | 'istiod' | 'ingress' | 'egress' | 'trading' | 'trading-1.20';

/** The constructs an arrangement made (only those of the chosen arrangement are set). */
interface Ctx {
  readonly base: IstioBase;
  readonly istiod: Istiod;
  readonly ingress: IngressGateway;
  readonly egress: EgressGateway;
  readonly trading: ZeroTrustNamespace;
}

/** One catalogued bad input. */
interface BadInput {
  /** Stable id, also the first column of the doc table. */
  readonly id: string;
  readonly family: Family;
  /** What the user calls (construct or method). */
  readonly construct: string;
  /** Construct path the message names (the chart is called `mesh`). */
  readonly path: string;
  /** Field the message names. */
  readonly field: string;
  /** The bad value as the message shows it (JSON form; `(undefined)` for a missing value). */
  readonly value: string;
  /** An excerpt of what is valid, as the message says it. */
  readonly valid: string;
  /** What to build first. */
  readonly arrange: Arrange;
  /** The rejected step. */
  readonly act: (chart: Chart, ctx: Ctx) => unknown;
}

const noCrds = { crds: IstioCrds.none() };

function arrange(chart: Chart, what: Arrange): Ctx {
  const ctx: { -readonly [K in keyof Ctx]?: Ctx[K] } = {};
  if (what === 'nothing') return ctx as Ctx;
  const base = new IstioBase(chart, 'base', what === 'base-1.20-k8s-1.20'
    ? { ...noCrds, version: IstioVersion.V1_20_3, kubernetesVersion: '1.20' }
    : what === 'trading-1.20' ? { ...noCrds, version: IstioVersion.V1_20_3 } : noCrds);
  ctx.base = base;
  if (what === 'base' || what === 'base-1.20-k8s-1.20') return ctx as Ctx;
  const istiod = new Istiod(chart, 'istiod', { base });
  ctx.istiod = istiod;
  if (what === 'ingress') ctx.ingress = new IngressGateway(chart, 'ingress', { istiod });
  if (what === 'egress') ctx.egress = new EgressGateway(chart, 'egress', { istiod });
  if (what === 'trading' || what === 'trading-1.20') ctx.trading = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
  return ctx as Ctx;
}

const base = (c: Chart, props: IstioBaseProps) => new IstioBase(c, 'base', { ...noCrds, ...props });
const istiod = (c: Chart, x: Ctx, props: Omit<IstiodProps, 'base'>) => new Istiod(c, 'istiod', { base: x.base, ...props });
const ingress = (c: Chart, x: Ctx, props: Omit<IngressGatewayProps, 'istiod'>) => new IngressGateway(c, 'ingress', { istiod: x.istiod, ...props });
const bind = (x: Ctx, servers: MeshGatewayOptions['servers']) => x.ingress.addGateway('public', { servers });
const trading = (c: Chart, x: Ctx, props: Omit<ZeroTrustNamespaceProps, 'istiod' | 'name'>, name = 'trading') =>
  new ZeroTrustNamespace(c, 'trading', { istiod: x.istiod, name, ...props });
const canary = (c: Chart, x: Ctx, props: Partial<CanaryRouteProps>) => new CanaryRoute(c, 'trading-agent', {
  namespace: { istiod: x.istiod, name: 'trading' },
  host: 'trading-agent-service',
  stable: { version: 'v1' },
  canary: { version: 'v2', weight: 10 },
  ...props,
});
const route = (c: Chart, x: Ctx, props: Partial<MeshRouteProps>) => new MeshRoute(c, 'fraud-api', {
  namespace: { istiod: x.istiod, name: 'fraud-detection' },
  hosts: ['fraud-api.local'],
  routes: [{ match: { uri: { prefix: '/v1/' } }, destination: { host: 'fraud-service', port: 8080 } }],
  ...props,
});

const DNS_LABEL = 'must be a DNS-1123 label: at most 63 characters, lower-case letters, digits and "-"';
/** An allow call of the `trading` arrangement with one rule of one condition. */
const when = (x: Ctx, condition: AuthorizationCondition) => x.trading.allow('agent', { rules: [{ when: [condition] }] });
const WHEN = 'allow(agent).rules[0].when[0]';
const VERSION_RANGE = 'must be an Istio release of a supported line: "1.30.x" (default 1.30.3) or "1.20.x" (e.g. 1.20.3), without a suffix';
const CONFLICT = 'conflicts with autoscaling: give replicas for a fixed count (no HPA), or autoscaling for an HPA that owns the count, not both';

// ---- the catalog ---------------------------------------------------------------------------------------------------

const CATALOG: BadInput[] = [
  // IstioVersion
  { id: 'version-unsupported-line', family: 'version', construct: 'IstioVersion.of', path: 'IstioVersion.of', field: 'version', value: '"1.25.0"', valid: VERSION_RANGE,
    arrange: 'nothing', act: () => IstioVersion.of('1.25.0') },
  { id: 'version-malformed', family: 'version', construct: 'IstioVersion.of', path: 'IstioVersion.of', field: 'version', value: '"1.30"', valid: VERSION_RANGE,
    arrange: 'nothing', act: () => IstioVersion.of('1.30') },
  { id: 'version-suffix', family: 'version', construct: 'IstioVersion.of', path: 'IstioVersion.of', field: 'version', value: '"1.30.3-rc.1"', valid: VERSION_RANGE,
    arrange: 'nothing', act: () => IstioVersion.of('1.30.3-rc.1') },
  { id: 'version-not-a-release', family: 'version', construct: 'IstioVersion.of', path: 'IstioVersion.of', field: 'version', value: '"latest"', valid: VERSION_RANGE,
    arrange: 'nothing', act: () => IstioVersion.of('latest') },
  { id: 'version-string-instead-of-object', family: 'version', construct: 'IstioBase', path: 'mesh/base', field: 'version', value: '"1.30.3"',
    valid: 'must be an IstioVersion, e.g. IstioVersion.V1_30_3 or IstioVersion.of("1.20.3")',
    arrange: 'nothing', act: (c) => base(c, { version: '1.30.3' as unknown as IstioVersion }) },

  // IstioBase
  { id: 'base-namespace', family: 'base', construct: 'IstioBase', path: 'mesh/base', field: 'namespace', value: '"Istio_System"', valid: DNS_LABEL,
    arrange: 'nothing', act: (c) => base(c, { namespace: 'Istio_System' }) },
  { id: 'base-namespace-dot', family: 'base', construct: 'IstioBase', path: 'mesh/base', field: 'namespace', value: '"istio.system"', valid: DNS_LABEL,
    arrange: 'nothing', act: (c) => base(c, { namespace: 'istio.system' }) },
  { id: 'base-kubernetes-too-old', family: 'base', construct: 'IstioBase', path: 'mesh/base', field: 'kubernetesVersion', value: '"1.15"',
    valid: 'must be a Kubernetes version "1.<minor>" with minor >= 23 for Istio 1.30.3, e.g. "1.28"',
    arrange: 'nothing', act: (c) => base(c, { kubernetesVersion: '1.15' }) },
  { id: 'base-kubernetes-malformed', family: 'base', construct: 'IstioBase', path: 'mesh/base', field: 'kubernetesVersion', value: '"v1.28"',
    valid: 'must be a Kubernetes version "1.<minor>" with minor >= 23 for Istio 1.30.3, e.g. "1.28"',
    arrange: 'nothing', act: (c) => base(c, { kubernetesVersion: 'v1.28' }) },
  { id: 'base-namespace-name-label', family: 'base', construct: 'IstioBase', path: 'mesh/base', field: 'namespaceLabels.name', value: '"control-plane"',
    valid: 'must equal the namespace "istio-system"',
    arrange: 'nothing', act: (c) => base(c, { namespaceLabels: { name: 'control-plane' } }) },
  { id: 'base-default-revision', family: 'base', construct: 'IstioBase', path: 'mesh/base', field: 'defaultRevision', value: '"Canary"', valid: DNS_LABEL,
    arrange: 'nothing', act: (c) => base(c, { defaultRevision: 'Canary' }) },
  { id: 'base-validate-gateway-on-1.30', family: 'base', construct: 'IstioBase', path: 'mesh/base', field: 'validateGateway', value: 'true',
    valid: 'must be unset on Istio 1.30.3: only the 1.20 base chart validates gateway.networking.k8s.io',
    arrange: 'nothing', act: (c) => base(c, { validateGateway: true }) },
  { id: 'base-crd-file-missing', family: 'base', construct: 'IstioBase', path: 'mesh/base', field: 'crds', value: '"missing/crd-all.gen.yaml"',
    valid: 'must be a readable YAML file of Istio CRDs (ENOENT)',
    arrange: 'nothing', act: (c) => base(c, { crds: IstioCrds.fromFile('missing/crd-all.gen.yaml') }) },

  // Istiod
  { id: 'istiod-revision', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'revision', value: '"Canary_1"', valid: DNS_LABEL,
    arrange: 'base', act: (c, x) => istiod(c, x, { revision: 'Canary_1' }) },
  { id: 'istiod-revision-default', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'revision', value: '"default"',
    valid: '"default" names the default revision; omit revision instead',
    arrange: 'base', act: (c, x) => istiod(c, x, { revision: 'default' }) },
  { id: 'istiod-replicas-negative', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'replicas', value: '-1', valid: 'must be an integer >= 0',
    arrange: 'base', act: (c, x) => istiod(c, x, { replicas: -1 }) },
  { id: 'istiod-replicas-with-autoscaling', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'replicas', value: '2', valid: CONFLICT,
    arrange: 'base', act: (c, x) => istiod(c, x, { replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 3 } }) },
  { id: 'istiod-hpa-min-above-max', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'autoscaling.minReplicas', value: '6',
    valid: 'must not exceed autoscaling.maxReplicas (5)',
    arrange: 'base', act: (c, x) => istiod(c, x, { autoscaling: { minReplicas: 6, maxReplicas: 5 } }) },
  { id: 'istiod-hpa-cpu-target', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'autoscaling.targetCpuUtilization', value: '0',
    valid: 'must be an integer from 1 to 100',
    arrange: 'base', act: (c, x) => istiod(c, x, { autoscaling: { targetCpuUtilization: 0 } }) },
  { id: 'istiod-cpu-quantity', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'resources.requests.cpu', value: '"1 core"',
    valid: 'must be a CPU quantity such as "100m", "0.5" or "2"',
    arrange: 'base', act: (c, x) => istiod(c, x, { resources: ResourcePreset.of({ requests: { cpu: '1 core' } }) }) },
  { id: 'istiod-memory-request-above-limit', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'resources.requests.memory', value: '"1Gi"',
    valid: 'must not exceed the memory limit 512Mi',
    arrange: 'base', act: (c, x) => istiod(c, x, { resources: ResourcePreset.of({ requests: { memory: '1Gi' }, limits: { memory: '512Mi' } }) }) },
  { id: 'istiod-log-level', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'logLevel', value: '"verbose"',
    valid: 'must be one of "debug", "info", "warn", "error", "none"',
    arrange: 'base', act: (c, x) => istiod(c, x, { logLevel: 'verbose' as 'info' }) },
  { id: 'istiod-trust-domain', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'meshConfig.trustDomain', value: '"Cluster.Local"',
    valid: 'must be a DNS name such as "cluster.local" or "example.org"',
    arrange: 'base', act: (c, x) => istiod(c, x, { meshConfig: { trustDomain: 'Cluster.Local' } }) },
  { id: 'istiod-toleration-effect', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'tolerations[0].effect', value: '"Sometimes"',
    valid: 'must be "NoSchedule", "PreferNoSchedule" or "NoExecute"',
    arrange: 'base', act: (c, x) => istiod(c, x, { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'Sometimes' as 'NoSchedule' }] }) },
  { id: 'istiod-node-selector-key', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'nodeSelector key', value: '"node role"',
    valid: 'must be a label key',
    arrange: 'base', act: (c, x) => istiod(c, x, { nodeSelector: { 'node role': 'infra' } }) },
  { id: 'istiod-env-reserved', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'env key', value: '"REVISION"',
    valid: 'is set by Istiod itself',
    arrange: 'base', act: (c, x) => istiod(c, x, { env: { REVISION: 'canary' } }) },
  { id: 'istiod-pdb-both-bounds', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'podDisruptionBudget.maxUnavailable', value: '1',
    valid: 'conflicts with podDisruptionBudget.minAvailable; give only one of them',
    arrange: 'base', act: (c, x) => istiod(c, x, { podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }) },
  { id: 'istiod-pdb-eviction-policy-old-kubernetes', family: 'istiod', construct: 'Istiod', path: 'mesh/istiod', field: 'podDisruptionBudget.unhealthyPodEvictionPolicy',
    value: '"AlwaysAllow"', valid: 'needs policy/v1; this cluster (Kubernetes 1.20) gets policy/v1beta1',
    arrange: 'base-1.20-k8s-1.20', act: (c, x) => istiod(c, x, { podDisruptionBudget: { unhealthyPodEvictionPolicy: 'AlwaysAllow' } }) },

  // IngressGateway / EgressGateway / GatewayService / addGateway
  { id: 'gateway-ip', family: 'gateways', construct: 'IngressGateway', path: 'mesh/ingress', field: 'service.ip', value: '"192.168.1.300"',
    valid: 'must be an IPv4 address such as "192.168.1.240" or an IPv6 address',
    arrange: 'istiod', act: (c, x) => ingress(c, x, { service: GatewayService.loadBalancer({ ip: '192.168.1.300' }) }) },
  { id: 'gateway-node-port-range', family: 'gateways', construct: 'IngressGateway', path: 'mesh/ingress', field: 'service.nodePort.http', value: '29999',
    valid: 'must be an integer from 30000 to 32767',
    arrange: 'istiod', act: (c, x) => ingress(c, x, { service: GatewayService.nodePort({ http: 29999 }) }) },
  { id: 'gateway-service-options-not-object', family: 'gateways', construct: 'IngressGateway', path: 'mesh/ingress', field: 'service', value: 'null',
    valid: 'must come from GatewayService.loadBalancer() with an options object, or no argument',
    arrange: 'istiod', act: (c, x) => ingress(c, x, { service: GatewayService.loadBalancer(null as unknown as {}) }) },
  { id: 'gateway-node-port-duplicate', family: 'gateways', construct: 'IngressGateway', path: 'mesh/ingress', field: 'service.nodePort.https', value: '31080',
    valid: 'must be unique among the Service\'s node ports; it is already used by nodePort.http',
    arrange: 'istiod', act: (c, x) => ingress(c, x, { service: GatewayService.nodePort({ http: 31080, https: 31080 }) }) },
  { id: 'gateway-port-name-prefix', family: 'gateways', construct: 'IngressGateway', path: 'mesh/ingress', field: 'ports[0].name', value: '"postgres"',
    valid: 'must follow Istio\'s port naming convention "<protocol>[-<suffix>]"',
    arrange: 'istiod', act: (c, x) => ingress(c, x, { ports: [{ name: 'postgres', port: 5432 }] }) },
  { id: 'gateway-port-range', family: 'gateways', construct: 'IngressGateway', path: 'mesh/ingress', field: 'ports[0].port', value: '70000',
    valid: 'must be an integer from 1 to 65535',
    arrange: 'istiod', act: (c, x) => ingress(c, x, { ports: [{ name: 'tcp-db', port: 70000 }] }) },
  { id: 'gateway-hpa-min-above-max', family: 'gateways', construct: 'IngressGateway', path: 'mesh/ingress', field: 'autoscaling.minReplicas', value: '6',
    valid: 'must not exceed autoscaling.maxReplicas (5)',
    arrange: 'istiod', act: (c, x) => ingress(c, x, { autoscaling: { minReplicas: 6, maxReplicas: 5 } }) },
  { id: 'gateway-replicas-with-autoscaling', family: 'gateways', construct: 'IngressGateway', path: 'mesh/ingress', field: 'replicas', value: '2', valid: CONFLICT,
    arrange: 'istiod', act: (c, x) => ingress(c, x, { replicas: 2, autoscaling: { maxReplicas: 3 } }) },
  { id: 'gateway-namespace', family: 'gateways', construct: 'IngressGateway', path: 'mesh/ingress', field: 'namespace', value: '"Istio_Ingress"', valid: DNS_LABEL,
    arrange: 'istiod', act: (c, x) => ingress(c, x, { namespace: 'Istio_Ingress' }) },
  { id: 'gateway-host-pattern', family: 'gateways', construct: 'IngressGateway.addGateway', path: 'mesh/ingress/public', field: 'servers[0].hosts[0]', value: '"shop api.example.com"',
    valid: 'must be "[<namespace>/]<host>"',
    arrange: 'ingress', act: (_c, x) => bind(x, [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['shop api.example.com'] }]) },
  { id: 'gateway-tls-simple-without-credential', family: 'gateways', construct: 'IngressGateway.addGateway', path: 'mesh/ingress/public',
    field: 'servers[0].tls.credentialName', value: '(undefined)', valid: 'is required for TLS mode SIMPLE',
    arrange: 'ingress', act: (_c, x) => bind(x, [{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE' } }]) },
  { id: 'gateway-server-port-not-exposed', family: 'gateways', construct: 'IngressGateway.addGateway', path: 'mesh/ingress/public', field: 'servers[0].port.number',
    value: '8080', valid: 'must be a port the Service of gateway istio-ingress/istio-ingressgateway exposes: 80, 443',
    arrange: 'ingress', act: (_c, x) => bind(x, [{ port: { number: 8080, protocol: 'HTTP' }, hosts: ['shop.example.com'] }]) },
  { id: 'gateway-name-dot', family: 'gateways', construct: 'IngressGateway.addGateway', path: 'mesh/ingress/public', field: 'name', value: '"public.b0"',
    valid: 'must be a DNS-1123 label (no dots)',
    arrange: 'ingress', act: (_c, x) => x.ingress.addGateway('public', { name: 'public.b0', servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['shop.example.com'] }] }) },
  { id: 'egress-host-wildcard', family: 'gateways', construct: 'EgressGateway.routeExternalHost', path: 'mesh/egress/github', field: 'host', value: '"*.github.com"',
    valid: '(no wildcard here)',
    arrange: 'egress', act: (_c, x) => x.egress.routeExternalHost('github', { host: '*.github.com' }) },
  { id: 'egress-host-short-name', family: 'gateways', construct: 'EgressGateway.routeExternalHost', path: 'mesh/egress/github', field: 'host', value: '"github"',
    valid: 'must be a fully qualified external host such as "api.github.com"',
    arrange: 'egress', act: (_c, x) => x.egress.routeExternalHost('github', { host: 'github' }) },

  // ZeroTrustNamespace / MeshWideMtls
  { id: 'zero-trust-name', family: 'zero-trust', construct: 'ZeroTrustNamespace', path: 'mesh/trading', field: 'name', value: '"Trading"', valid: DNS_LABEL,
    arrange: 'istiod', act: (c, x) => trading(c, x, {}, 'Trading') },
  { id: 'zero-trust-kube-system', family: 'zero-trust', construct: 'ZeroTrustNamespace', path: 'mesh/trading', field: 'name', value: '"kube-system"',
    valid: "must not be one of Kubernetes' own namespaces (kube-system, kube-public, kube-node-lease)",
    arrange: 'istiod', act: (c, x) => trading(c, x, {}, 'kube-system') },
  { id: 'zero-trust-pod-security-without-cni', family: 'zero-trust', construct: 'ZeroTrustNamespace', path: 'mesh/trading', field: 'podSecurity.enforce',
    value: '"restricted"', valid: 'must be "privileged" while mesh/istiod injects the istio-init container (Istio CNI off)',
    arrange: 'istiod', act: (c, x) => trading(c, x, { podSecurity: { enforce: 'restricted' } }) },
  { id: 'zero-trust-allowed-namespace', family: 'zero-trust', construct: 'ZeroTrustNamespace', path: 'mesh/trading', field: 'allowedNamespaces[0]', value: '"Argo_CD"',
    valid: DNS_LABEL,
    arrange: 'istiod', act: (c, x) => trading(c, x, { allowedNamespaces: ['Argo_CD'] }) },
  { id: 'zero-trust-egress-cidr', family: 'zero-trust', construct: 'ZeroTrustNamespace', path: 'mesh/trading', field: 'networkPolicy.egressCidrs[0]', value: '"10.0.0.0/33"',
    valid: 'must be a CIDR block such as "10.0.0.0/8" or "fd00::/8"',
    arrange: 'istiod', act: (c, x) => trading(c, x, { networkPolicy: { egressCidrs: ['10.0.0.0/33'] } }) },
  { id: 'zero-trust-namespaces-without-network-policy', family: 'zero-trust', construct: 'ZeroTrustNamespace', path: 'mesh/trading', field: 'networkPolicy', value: 'false',
    valid: 'must be on (true or options) when allowedNamespaces or ingressGatewayNamespaces are given',
    arrange: 'istiod', act: (c, x) => trading(c, x, { networkPolicy: false, allowedNamespaces: ['argocd'] }) },
  { id: 'zero-trust-sidecar-host', family: 'zero-trust', construct: 'ZeroTrustNamespace', path: 'mesh/trading', field: 'sidecar.hosts[0]', value: '"api.example.com"',
    valid: 'must be "<namespace>/<host>"',
    arrange: 'istiod', act: (c, x) => trading(c, x, { sidecar: { hosts: ['api.example.com'] } }) },
  { id: 'zero-trust-principal-with-scheme', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: 'allow(agent).rules[0].from[0].principals[0]',
    value: '"spiffe://cluster.local/ns/argocd/sa/argocd-server"', valid: 'must be a SPIFFE principal "<trust domain>/ns/<namespace>/sa/<service account>" without the "spiffe://" scheme',
    arrange: 'trading', act: (_c, x) => x.trading.allow('agent', { rules: [{ from: [{ principals: ['spiffe://cluster.local/ns/argocd/sa/argocd-server'] }] }] }) },
  { id: 'zero-trust-rule-port', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: 'allow(agent).rules[0].to[0].ports[0]', value: '70000',
    valid: 'must be an integer from 1 to 65535',
    arrange: 'trading', act: (_c, x) => x.trading.allow('agent', { rules: [{ to: [{ ports: [70000] }] }] }) },
  { id: 'zero-trust-rule-method', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: 'allow(agent).rules[0].to[0].methods[0]', value: '"get"',
    valid: 'must be one of GET, HEAD, POST',
    arrange: 'trading', act: (_c, x) => x.trading.allow('agent', { rules: [{ to: [{ methods: ['get' as 'GET'] }] }] }) },
  { id: 'zero-trust-empty-rule', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: 'allow(agent).rules[0]', value: '{}',
    valid: 'must name at least one of from, to or when: an empty rule allows every request',
    arrange: 'trading', act: (_c, x) => x.trading.allow('agent', { rules: [{}] }) },
  { id: 'zero-trust-condition-ip', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.values[0]`, value: '"office-lan"',
    valid: 'must be an IP address or a CIDR block',
    arrange: 'trading', act: (_c, x) => when(x, { key: 'source.ip', values: ['office-lan'] }) },
  { id: 'zero-trust-condition-port', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.notValues[0]`, value: '"65536"',
    valid: 'must be a port number from 1 to 65535 written in decimal',
    arrange: 'trading', act: (_c, x) => when(x, { key: 'destination.port', notValues: ['65536'] }) },
  { id: 'zero-trust-condition-empty-value', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.values[0]`, value: '""',
    valid: 'must be a non-empty string',
    arrange: 'trading', act: (_c, x) => when(x, { key: 'request.headers[x-tenant]', values: [''] }) },
  { id: 'zero-trust-condition-key-brackets', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.key`, value: '"request.headers"',
    valid: 'must have the form request.headers[<name>]',
    arrange: 'trading', act: (_c, x) => when(x, { key: 'request.headers', values: ['acme'] }) },
  { id: 'zero-trust-condition-key-refused', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.key`, value: '"destination.labels[app]"',
    valid: 'is refused by Istio: select the workloads with the policy\'s selector instead',
    arrange: 'trading', act: (_c, x) => when(x, { key: 'destination.labels[app]', values: ['agent'] }) },
  { id: 'zero-trust-condition-key-unknown', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.key`, value: '"source.ns"',
    valid: 'must be an Istio condition key (Istio 1.30.3 refuses any other)',
    arrange: 'trading', act: (_c, x) => when(x, { key: 'source.ns', values: ['argocd'] }) },
  { id: 'zero-trust-condition-key-1.30-only', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.key`, value: '"source.serviceAccount"',
    valid: 'needs Istio 1.30: Istio 1.20.3 does not know this condition key',
    arrange: 'trading-1.20', act: (_c, x) => when(x, { key: 'source.serviceAccount', values: ['argocd/argocd-server'] }) },
  { id: 'zero-trust-condition-service-account', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.values[0]`, value: '"argocd/*"',
    valid: 'must be "<serviceAccount>" or "<namespace>/<serviceAccount>" without wildcards',
    arrange: 'trading', act: (_c, x) => when(x, { key: 'source.serviceAccount', values: ['argocd/*'] }) },
  { id: 'zero-trust-condition-service-account-limit', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.values`,
    value: JSON.stringify('abcdefghijklmnopq'.split('')), valid: 'must list at most 16 values for source.serviceAccount',
    arrange: 'trading', act: (_c, x) => when(x, { key: 'source.serviceAccount', values: 'abcdefghijklmnopq'.split('') }) },
  { id: 'zero-trust-condition-trust-domain', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: `${WHEN}.values[0]`, value: '"prod.*.example.org"',
    valid: 'must be a trust domain such as "cluster.local", with at most one "*" and only at its start or end',
    arrange: 'trading', act: (_c, x) => when(x, { key: 'source.trustDomain', values: ['prod.*.example.org'] }) },
  { id: 'zero-trust-policy-name-taken', family: 'zero-trust', construct: 'ZeroTrustNamespace.allow', path: 'mesh/trading', field: 'allow(baseline).name', value: '"allow-baseline"',
    valid: 'is reserved: the namespace\'s own NetworkPolicies are called "default-deny" and "allow-baseline"',
    arrange: 'trading', act: (_c, x) => x.trading.allow('baseline', { name: 'allow-baseline', rules: [{ from: [{ namespaces: ['argocd'] }] }] }) },
  { id: 'zero-trust-permissive-without-selector', family: 'zero-trust', construct: 'ZeroTrustNamespace.permissive', path: 'mesh/trading', field: 'permissive(legacy).selector',
    value: '{}', valid: 'must select the workloads by at least one pod label',
    arrange: 'trading', act: (_c, x) => x.trading.permissive('legacy', { selector: {} }) },
  { id: 'mesh-wide-mtls-mode', family: 'zero-trust', construct: 'MeshWideMtls', path: 'mesh/mtls', field: 'mode', value: '"DISABLE"', valid: 'must be "STRICT" or "PERMISSIVE"',
    arrange: 'istiod', act: (c, x) => new MeshWideMtls(c, 'mtls', { istiod: x.istiod, mode: 'DISABLE' as 'STRICT' }) },

  // CanaryRoute / MeshRoute
  { id: 'canary-weight-range', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'canary.weight', value: '120',
    valid: 'must be an integer from 0 to 100',
    arrange: 'istiod', act: (c, x) => canary(c, x, { canary: { version: 'v2', weight: 120 } }) },
  { id: 'canary-weight-fraction', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'canary.weight', value: '12.5',
    valid: 'must be an integer from 0 to 100',
    arrange: 'istiod', act: (c, x) => canary(c, x, { canary: { version: 'v2', weight: 12.5 } }) },
  { id: 'canary-weights-not-100', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'stable.weight', value: '80',
    valid: 'must make the weights sum to 100 with canary.weight 10',
    arrange: 'istiod', act: (c, x) => canary(c, x, { stable: { version: 'v1', weight: 80 } }) },
  { id: 'canary-duplicate-subset', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'canary.name', value: '"v1"',
    valid: 'subset names must be unique',
    arrange: 'istiod', act: (c, x) => canary(c, x, { canary: { version: 'v1', weight: 10 } }) },
  { id: 'canary-match-unknown-subset', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'matches[0].subset', value: '"v3"',
    valid: 'must name a subset of this route: "v1" or "v2"',
    arrange: 'istiod', act: (c, x) => canary(c, x, { matches: [{ uri: { prefix: '/api/v2' }, subset: 'v3' }] }) },
  { id: 'canary-host-wildcard', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'host', value: '"*.trading"',
    valid: '(no wildcard here)',
    arrange: 'istiod', act: (c, x) => canary(c, x, { host: '*.trading' }) },
  { id: 'canary-port', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'port', value: '0', valid: 'must be an integer from 1 to 65535',
    arrange: 'istiod', act: (c, x) => canary(c, x, { port: 0 }) },
  { id: 'canary-duration', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'trafficPolicy.outlierDetection.interval', value: '"30"',
    valid: 'must be a duration of at least 1ms with a unit, such as "30s", "1m30s" or "250ms"',
    arrange: 'istiod', act: (c, x) => canary(c, x, { trafficPolicy: { outlierDetection: { interval: '30' } } }) },
  { id: 'canary-steps-decreasing', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'steps[1]', value: '5',
    valid: 'must be greater than the previous step 10',
    arrange: 'istiod', act: (c, x) => canary(c, x, { steps: [10, 5] }) },
  { id: 'canary-weight-off-plan', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'canary.weight', value: '30',
    valid: 'must be 0 (rollout not started) or one of the steps [10, 25, 50, 100]',
    arrange: 'istiod', act: (c, x) => canary(c, x, { canary: { version: 'v2', weight: 30 }, steps: [10, 25, 50, 100] }) },
  { id: 'canary-regex-lookahead', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'matches[0].headers.x-canary.regex', value: '"(?=beta)"',
    valid: 'must be an RE2 regular expression: Envoy has no lookahead, lookbehind or backreferences',
    arrange: 'istiod', act: (c, x) => canary(c, x, { matches: [{ headers: { 'x-canary': { regex: '(?=beta)' } }, subset: 'v2' }] }) },
  { id: 'canary-namespace-name', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'namespace.name', value: '"Trading"', valid: DNS_LABEL,
    arrange: 'istiod', act: (c, x) => canary(c, x, { namespace: { istiod: x.istiod, name: 'Trading' } }) },
  { id: 'canary-step-index', family: 'routes', construct: 'CanaryRoute.atStep', path: 'CanaryRoute.atStep', field: 'index', value: '4',
    valid: 'must be an integer from 0 to 1 (props.steps has 2 steps)',
    arrange: 'istiod', act: (_c, x) => CanaryRoute.atStep({ namespace: { istiod: x.istiod, name: 'trading' }, host: 'svc', stable: { version: 'v1' }, canary: { version: 'v2' }, steps: [10, 50] }, 4) },
  { id: 'route-host', family: 'routes', construct: 'MeshRoute', path: 'mesh/fraud-api', field: 'hosts[0]', value: '"fraud api.local"',
    valid: 'must be a host name such as "reviews", "reviews.prod.svc.cluster.local" or "api.example.com"',
    arrange: 'istiod', act: (c, x) => route(c, x, { hosts: ['fraud api.local'] }) },
  { id: 'route-hosts-not-a-list', family: 'routes', construct: 'MeshRoute', path: 'mesh/fraud-api', field: 'hosts', value: '"fraud-api.local"',
    valid: 'must be a list of hosts, e.g. ["api.example.com"]',
    arrange: 'istiod', act: (c, x) => route(c, x, { hosts: 'fraud-api.local' as unknown as string[] }) },
  { id: 'route-destination-port', family: 'routes', construct: 'MeshRoute', path: 'mesh/fraud-api', field: 'routes[0].destination.port', value: '70000',
    valid: 'must be an integer from 1 to 65535',
    arrange: 'istiod', act: (c, x) => route(c, x, { routes: [{ destination: { host: 'fraud-service', port: 70000 } }] }) },
  { id: 'route-catch-all-first', family: 'routes', construct: 'MeshRoute', path: 'mesh/fraud-api', field: 'routes[0].match', value: '(undefined)',
    valid: 'must be set: a route without match takes every request',
    arrange: 'istiod', act: (c, x) => route(c, x, { routes: [{ destination: { host: 'fraud-service' } }, { match: { uri: { prefix: '/v1/' } }, destination: { host: 'fraud-service-v1' } }] }) },
  { id: 'route-gateway-mesh', family: 'routes', construct: 'MeshRoute', path: 'mesh/fraud-api', field: 'gateways[0]', value: '"mesh"',
    valid: 'for in-mesh traffic use the mesh option, not "mesh"',
    arrange: 'istiod', act: (c, x) => route(c, x, { gateways: ['mesh'] }) },
  { id: 'route-gateway-dotted', family: 'routes', construct: 'MeshRoute', path: 'mesh/fraud-api', field: 'gateways[0]', value: '"istio-system/ml-gateway.b0"',
    valid: 'namespace and name are DNS-1123 labels (Istio refuses a dot in a Gateway name',
    arrange: 'istiod', act: (c, x) => route(c, x, { gateways: ['istio-system/ml-gateway.b0'] }) },
  { id: 'route-hosts-overlap', family: 'routes', construct: 'MeshRoute', path: 'mesh/fraud-api', field: 'hosts[1]', value: '"fraud-api.local"',
    valid: 'must not overlap hosts[0] "*.local": Istio refuses a VirtualService two of whose hosts match the same name',
    arrange: 'istiod', act: (c, x) => route(c, x, { hosts: ['*.local', 'fraud-api.local'] }) },
  { id: 'route-percentage-below-minimum', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'fault.delay.percentage', value: '0.00005',
    valid: 'must be a percentage from 0 to 100: 0, or a share from 0.0001 to 100',
    arrange: 'istiod', act: (c, x) => canary(c, x, { fault: { delay: { fixedDelay: '2s', percentage: 0.00005 } } }) },
  { id: 'route-retries-off-with-options', family: 'routes', construct: 'CanaryRoute', path: 'mesh/trading-agent', field: 'retries.perTryTimeout', value: '"2s"',
    valid: 'must be left out when retries.attempts is 0: attempts 0 turns retries off',
    arrange: 'istiod', act: (c, x) => canary(c, x, { retries: { attempts: 0, perTryTimeout: '2s' } }) },
];

// ---- the doc table ---------------------------------------------------------------------------------------------------

interface DocRow { readonly id: string; readonly construct: string; readonly field: string; readonly value: string; readonly excerpt: string; readonly valid: string }

const code = (cell: string) => {
  const m = /^`(.*)`$/.exec(cell.trim());
  return m ? m[1] : cell.trim();
};

/** The rows of the catalog table in docs/bad-input-catalog.md (`| id | construct | field | bad value | message | valid |`). */
function docRows(): DocRow[] {
  const text = readFileSync(join(__dirname, '..', '..', 'docs', 'bad-input-catalog.md'), 'utf8');
  return text.split('\n')
    .filter((l) => /^\|\s*`[a-z0-9.-]+`\s*\|/.test(l))
    .map((l) => {
      const cells = l.slice(1, l.lastIndexOf('|')).split(' | ').map((c) => c.trim());
      if (cells.length !== 6) throw new Error(`doc row does not have 6 cells: ${l}`);
      const [id, construct, field, value, excerpt, valid] = cells;
      // A message excerpt ending in "…" is the start of a longer message.
      return { id: code(id), construct: code(construct), field: code(field), value: code(value), excerpt: code(excerpt.replace(/\s*…$/, '')), valid };
    });
}

const DOC = new Map(docRows().map((r) => [r.id, r]));

// ---- tests -----------------------------------------------------------------------------------------------------------

describe('bad-input catalog: each input is rejected at construction, naming path, field, value and what is valid', () => {
  test.each(CATALOG.map((row) => [row.id, row] as const))('%s', (_id, row) => {
    const chart = newChart('mesh');
    const ctx = arrange(chart, row.arrange);
    const before = apiObjectPaths(chart);
    let error: unknown;
    try {
      row.act(chart, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IstioValidationError);
    const err = error as IstioValidationError;
    expect(err.message).toContain(`${row.path}: invalid ${row.field} ${row.value}: `);
    expect(err.message).toContain(row.valid);
    expect([err.constructPath, err.field, err.value]).toEqual([row.path, row.field, row.value]);

    // Nothing was emitted for it: the chart holds exactly the objects of the arrangement, all complete and valid.
    expect(apiObjectPaths(chart)).toEqual(before);
    expect(synthValid(chart).length).toBe(before.length);

    // The doc shows this row with the same construct, field and value, and its message excerpt is the real one.
    const doc = DOC.get(row.id);
    expect(doc).toBeDefined();
    expect([doc!.construct, doc!.field, doc!.value]).toEqual([row.construct, row.field, row.value]);
    expect(err.message).toContain(doc!.excerpt);
  });
});

describe('the catalog and its doc', () => {
  test('row ids are unique, and the doc lists exactly the rows of the test table (no row missing, none stale)', () => {
    const ids = CATALOG.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...DOC.keys()].sort()).toEqual([...ids].sort());
  });

  test('at least 30 bad inputs, at least 4 for every construct family', () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(30);
    const perFamily = new Map<Family, number>();
    for (const r of CATALOG) perFamily.set(r.family, (perFamily.get(r.family) ?? 0) + 1);
    const families: Family[] = ['version', 'base', 'istiod', 'gateways', 'zero-trust', 'routes'];
    expect(families.filter((f) => (perFamily.get(f) ?? 0) < 4)).toEqual([]);
  });

  test('the doc explains the message shape with the parts the error carries', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'docs', 'bad-input-catalog.md'), 'utf8');
    expect(text).toContain('<construct path>: invalid <field> <value given>: <what is valid>');
    for (const prop of ['constructPath', 'field', 'value', 'expected']) expect(text).toContain(`\`${prop}\``);
  });
});

