/**
 * The configurations the property tests generate, as plain data (so fast-check prints a readable counterexample),
 * and the one function that turns such a configuration into constructs.
 *
 * `build` takes an optional {@link Mutation}: just before the targeted construct (or method call) is made, its props
 * are passed through `mutate`. The invalid-input properties use it to break exactly one field.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Finding, MeshAnalyzer } from '../../src/analyzer';
import { IstioBase, IstioCrds } from '../../src/base';
import {
  EgressGateway,
  ExternalHostOptions,
  GatewayPort,
  GatewayServer,
  GatewayService,
  IngressGateway,
  MeshGateway,
  MeshGatewayOptions,
} from '../../src/gateway';
import { Istiod, IstiodProps } from '../../src/istiod';
import {
  AllowMonitoringOptions,
  AllowOptions,
  MeshWideMtls,
  PermissiveOptions,
  PodSecurityOptions,
  ZeroTrustNamespace,
  ZeroTrustNetworkPolicyOptions,
  ZeroTrustSidecarOptions,
} from '../../src/policy';
import { IMeshNamespace } from '../../src/resource/mesh-namespace';
import { CanaryRoute, CanaryRouteProps, GatewayRef, MeshRoute, MeshRouteProps } from '../../src/traffic';
import { isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { AutoscalingOptions, PodDisruptionBudgetOptions, ResourcePreset, ResourceRequirements } from '../../src/workload';
import { K8sObject, validateAll } from '../support/schema';

// ---------------------------------------------------------------------------------------------------------------
// Configuration data
// ---------------------------------------------------------------------------------------------------------------

/** Istiod props as data: `resources` as plain requirements instead of a ResourcePreset. */
export type IstiodCfg = Omit<IstiodProps, 'base' | 'resources' | 'proxy' | 'injection'> & { resources?: ResourceRequirements };

export interface ControlPlaneCfg {
  /** Passed to `IstioVersion.of`. */
  readonly version: string;
  readonly namespace?: string;
  readonly kubernetesVersion?: string;
  readonly crds: 'builtIn' | 'none';
  readonly istiod: IstiodCfg;
}

export type ServiceCfg =
  | { readonly type: 'LoadBalancer'; readonly ip?: string; readonly pool?: string; readonly externalTrafficPolicy?: 'Cluster' | 'Local'; readonly loadBalancerSourceRanges?: string[] }
  | { readonly type: 'NodePort'; readonly http?: number; readonly https?: number; readonly status?: number; readonly externalTrafficPolicy?: 'Cluster' | 'Local' }
  | { readonly type: 'ClusterIP' };

/** An Istio Gateway bound with `addGateway`. */
export interface BindingCfg {
  readonly name: string;
  readonly servers: GatewayServer[];
  readonly labels?: Record<string, string>;
}

export interface GatewayCfg {
  readonly kind: 'ingress' | 'egress';
  readonly name: string;
  /** A namespace, or `@cp` for the control plane's namespace. */
  readonly namespace: string;
  readonly createNamespace?: boolean;
  readonly service?: ServiceCfg;
  readonly ports?: GatewayPort[];
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingOptions | false;
  readonly podDisruptionBudget?: PodDisruptionBudgetOptions | boolean;
  readonly resources?: ResourceRequirements;
  readonly labels?: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
  readonly terminationGracePeriodSeconds?: number;
  readonly bindings: BindingCfg[];
  /** Egress only. */
  readonly routes: ExternalHostOptions[];
}

export interface ZeroTrustCfg {
  readonly name: string;
  readonly podSecurity?: PodSecurityOptions;
  readonly allowedNamespaces?: string[];
  /** Namespaces, or `@gw<i>` for the namespace of gateway i. */
  readonly ingressGatewayNamespaces?: string[];
  readonly networkPolicy?: boolean | ZeroTrustNetworkPolicyOptions;
  readonly sidecar?: boolean | ZeroTrustSidecarOptions;
  readonly labels?: Record<string, string>;
  readonly allows: Array<{ readonly id: string; readonly options: AllowOptions }>;
  readonly permissives: Array<{ readonly id: string; readonly options: PermissiveOptions }>;
  readonly monitoring?: AllowMonitoringOptions;
}

/** Where a route lives: ZeroTrustNamespace i (`@ztn<i>`), or a namespace managed elsewhere. */
export type RouteNamespaceCfg = string;

/** A gateway of a route: `@binding<g>.<b>` (a bound MeshGateway), or a reference string. */
export type RouteGatewayCfg = string;

export type CanaryCfg = Omit<CanaryRouteProps, 'namespace' | 'gateways'> & {
  readonly namespace: RouteNamespaceCfg;
  readonly gateways?: RouteGatewayCfg[];
};

export type MeshRouteCfg = Omit<MeshRouteProps, 'namespace' | 'gateways'> & {
  readonly namespace: RouteNamespaceCfg;
  readonly gateways?: RouteGatewayCfg[];
};

export interface MeshCfg {
  readonly controlPlane: ControlPlaneCfg;
  readonly gateways: GatewayCfg[];
  readonly zeroTrust: ZeroTrustCfg[];
  readonly meshWideMtls?: 'STRICT' | 'PERMISSIVE';
  readonly canaries: CanaryCfg[];
  readonly meshRoutes: MeshRouteCfg[];
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations (one broken field)
// ---------------------------------------------------------------------------------------------------------------

/** What a mutation targets; `index` picks among several. */
export type MutationTarget =
  | 'version' | 'base' | 'istiod' | 'gateway' | 'binding' | 'egressRoute'
  | 'zeroTrust' | 'allow' | 'permissive' | 'monitoring' | 'meshWideMtls' | 'canary' | 'meshRoute';

export interface Mutation {
  /** Description, shown in counterexamples. */
  readonly label: string;
  readonly target: MutationTarget;
  /** Which one of the targets (modulo how many there are). */
  readonly index: number;
  /** Breaks one field of the props. */
  readonly mutate: (props: any) => any;
}

/** What `build` reports about the mutated step. */
export interface MutationRecord {
  /** Whether the mutation was applied (false when the config has no such target). */
  applied: boolean;
  /** Construct path the error must name. */
  expectedPath?: string;
  /** Paths of every ApiObject of the app just before the mutated step. */
  objectsBefore?: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------------------------

export interface Built {
  readonly app: App;
  readonly chart: Chart;
  readonly record: MutationRecord;
}

/** Node paths of every ApiObject below `scope`, in tree order. */
export function apiObjectPaths(scope: IConstruct): string[] {
  return scope.node.findAll().filter((c) => ApiObject.isApiObject(c)).map((c) => c.node.path);
}

const resources = (r: ResourceRequirements | undefined) => (r === undefined ? undefined : ResourcePreset.of(r));

function gatewayService(s: ServiceCfg | undefined): GatewayService | undefined {
  if (s === undefined) return undefined;
  switch (s.type) {
    case 'LoadBalancer': {
      const { type: _t, ...o } = s;
      return GatewayService.loadBalancer(o);
    }
    case 'NodePort': {
      const { type: _t, ...o } = s;
      return GatewayService.nodePort(o);
    }
    default:
      return GatewayService.clusterIP();
  }
}

/**
 * Builds the configuration into a fresh app and chart `mesh`. With a mutation, the targeted props are broken just
 * before that step; everything before it is built normally and the error propagates.
 */
export function build(cfg: MeshCfg, mutation?: Mutation, record: MutationRecord = { applied: false }, analyzer = true): Built {
  const app = Testing.app();
  const chart = new Chart(app, 'mesh', { disableResourceNameHashes: true });
  const counters = new Map<MutationTarget, number>();
  const total = countTargets(cfg);

  /** Passes the props of the next `target` step through the mutation when it is the chosen one. */
  function step<T>(target: MutationTarget, props: T, path: () => string): T {
    const n = counters.get(target) ?? 0;
    counters.set(target, n + 1);
    if (!mutation || mutation.target !== target || record.applied) return props;
    if (n !== mutation.index % total[target]) return props;
    record.applied = true;
    record.expectedPath = path();
    record.objectsBefore = apiObjectPaths(app);
    return mutation.mutate(props);
  }

  const cp = cfg.controlPlane;
  const versionString = step('version', cp.version, () => 'IstioVersion.of');
  const version = IstioVersion.of(versionString);
  const baseProps = step('base', {
    version,
    namespace: cp.namespace,
    kubernetesVersion: cp.kubernetesVersion,
    crds: cp.crds === 'none' ? IstioCrds.none() : IstioCrds.builtIn(),
  }, () => 'mesh/base');
  const base = new IstioBase(chart, 'base', baseProps);
  const istiodProps = step('istiod', { ...cp.istiod, base, resources: resources(cp.istiod.resources) } as IstiodProps, () => 'mesh/istiod');
  const istiod = new Istiod(chart, 'istiod', istiodProps);

  const gateways: Array<IngressGateway | EgressGateway> = [];
  const bindings: MeshGateway[][] = [];
  cfg.gateways.forEach((g, gi) => {
    const id = `${g.kind}-${gi}`;
    const props = step('gateway', {
      istiod,
      name: g.name,
      namespace: g.namespace === '@cp' ? istiod.namespace : g.namespace,
      createNamespace: g.createNamespace,
      service: gatewayService(g.service),
      ports: g.ports,
      replicas: g.replicas,
      autoscaling: g.autoscaling,
      podDisruptionBudget: g.podDisruptionBudget,
      resources: resources(g.resources),
      labels: g.labels,
      podAnnotations: g.podAnnotations,
      terminationGracePeriodSeconds: g.terminationGracePeriodSeconds,
    }, () => `mesh/${id}`);
    const gw = g.kind === 'ingress' ? new IngressGateway(chart, id, props) : new EgressGateway(chart, id, props);
    gateways.push(gw);
    bindings.push(g.bindings.map((b, bi) => {
      const bid = `binding-${bi}`;
      const opts: MeshGatewayOptions = step('binding', { name: b.name, servers: b.servers, labels: b.labels }, () => `mesh/${id}/${bid}`);
      return gw.addGateway(bid, opts);
    }));
    if (gw instanceof EgressGateway) {
      g.routes.forEach((r, ri) => {
        const rid = `route-${ri}`;
        gw.routeExternalHost(rid, step('egressRoute', r, () => `mesh/${id}/${rid}`));
      });
    }
  });

  const zeroTrust = cfg.zeroTrust.map((z, zi) => {
    const id = `ztn-${zi}`;
    const path = `mesh/${id}`;
    const props = step('zeroTrust', {
      istiod,
      name: z.name,
      podSecurity: z.podSecurity,
      allowedNamespaces: z.allowedNamespaces,
      ingressGatewayNamespaces: z.ingressGatewayNamespaces?.map((n) => (n.startsWith('@gw') ? gateways[Number(n.slice(3)) % gateways.length]?.namespace ?? 'istio-ingress' : n)),
      networkPolicy: z.networkPolicy,
      sidecar: z.sidecar,
      labels: z.labels,
    }, () => path);
    const ztn = new ZeroTrustNamespace(chart, id, props);
    for (const a of z.allows) ztn.allow(a.id, step('allow', a.options, () => path));
    for (const p of z.permissives) ztn.permissive(p.id, step('permissive', p.options, () => path));
    if (z.monitoring) ztn.allowMonitoring(step('monitoring', z.monitoring, () => path));
    return ztn;
  });

  if (cfg.meshWideMtls) new MeshWideMtls(chart, 'mtls', step('meshWideMtls', { istiod, mode: cfg.meshWideMtls }, () => 'mesh/mtls'));

  const routeNamespace = (n: string): IMeshNamespace => (n.startsWith('@ztn') && zeroTrust.length > 0
    ? zeroTrust[Number(n.slice(4)) % zeroTrust.length]
    : { istiod, name: n.startsWith('@ztn') ? 'apps' : n });
  const routeGateways = (refs: string[] | undefined): GatewayRef[] | undefined => refs?.map((r) => {
    const m = /^@binding(\d+)\.(\d+)$/.exec(r);
    if (!m) return r;
    const list = bindings[Number(m[1])] ?? [];
    return list[Number(m[2])] ?? r;
  });

  cfg.canaries.forEach((c, i) => {
    const id = `canary-${i}`;
    const props = step('canary', { ...c, namespace: routeNamespace(c.namespace), gateways: routeGateways(c.gateways) } as CanaryRouteProps, () => `mesh/${id}`);
    new CanaryRoute(chart, id, props);
  });
  cfg.meshRoutes.forEach((r, i) => {
    const id = `route-${i}`;
    const props = step('meshRoute', { ...r, namespace: routeNamespace(r.namespace), gateways: routeGateways(r.gateways) } as MeshRouteProps, () => `mesh/${id}`);
    new MeshRoute(chart, id, props);
  });
  // The analyzer Istiod attaches runs at every synthesis; findings below Error are collected instead of printed.
  MeshAnalyzer.attach(app, analyzer ? { reporter: (f) => findings.push(f) } : { enabled: false });
  return { app, chart, record };
}

/** Analyzer findings below the failure threshold, collected from every synthesis (not printed). */
export const findings: Finding[] = [];

/** How many steps of each target a configuration has. */
export function countTargets(cfg: MeshCfg): Record<MutationTarget, number> {
  return {
    version: 1,
    base: 1,
    istiod: 1,
    gateway: cfg.gateways.length,
    binding: cfg.gateways.reduce((n, g) => n + g.bindings.length, 0),
    egressRoute: cfg.gateways.reduce((n, g) => n + (g.kind === 'egress' ? g.routes.length : 0), 0),
    zeroTrust: cfg.zeroTrust.length,
    allow: cfg.zeroTrust.reduce((n, z) => n + z.allows.length, 0),
    permissive: cfg.zeroTrust.reduce((n, z) => n + z.permissives.length, 0),
    monitoring: cfg.zeroTrust.filter((z) => z.monitoring).length,
    meshWideMtls: cfg.meshWideMtls ? 1 : 0,
    canary: cfg.canaries.length,
    meshRoute: cfg.meshRoutes.length,
  };
}

/** Adds a minimal instance of `target` when the configuration has none, so every mutation has something to break. */
export function withTarget(cfg: MeshCfg, target: MutationTarget): MeshCfg {
  if (countTargets(cfg)[target] > 0) return cfg;
  const gateways = [...cfg.gateways];
  const zeroTrust = [...cfg.zeroTrust];
  switch (target) {
    case 'binding':
      gateways[0] = { ...gateways[0], bindings: [{ name: 'probe-b9', servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['probe.example.net'] }] }] };
      break;
    case 'egressRoute':
      gateways.push({ kind: 'egress', name: 'probe-egress', namespace: 'gw-probe-egress', bindings: [], routes: [{ host: 'probe.example.net' }] });
      break;
    case 'allow':
      zeroTrust[0] = { ...zeroTrust[0], allows: [{ id: 'probe', options: { rules: [{ to: [{ ports: [8080] }] }] } }] };
      break;
    case 'permissive':
      zeroTrust[0] = { ...zeroTrust[0], permissives: [{ id: 'probe', options: { selector: { app: 'legacy' } } }] };
      break;
    case 'monitoring':
      zeroTrust[0] = { ...zeroTrust[0], monitoring: {} };
      break;
    case 'meshWideMtls':
      return { ...cfg, meshWideMtls: 'STRICT' };
    default:
      throw new Error(`the generated configuration has no ${target} (atLeastOne should guarantee one)`);
  }
  return { ...cfg, gateways, zeroTrust };
}

// ---------------------------------------------------------------------------------------------------------------
// Output checks
// ---------------------------------------------------------------------------------------------------------------

const CLUSTER_SCOPED = new Set([
  'Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
]);
/** Kinds whose names must be DNS-1123 labels (the rest: DNS-1123 subdomains). */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

/**
 * Checks one synthesized object set: every object passes its schema, has a DNS-valid name (a label for Namespaces
 * and Services, a subdomain otherwise), a namespace exactly when namespaced, valid label keys and values, and no two
 * objects share kind, namespace and name. Returns the problems (empty when all is well); throws on schema errors.
 */
export function checkObjects(objs: K8sObject[]): string[] {
  validateAll(objs);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const o of objs) {
    const { name, namespace, labels } = o.metadata ?? ({} as K8sObject['metadata']);
    const id = `${o.kind} ${namespace ? namespace + '/' : ''}${name}`;
    if (LABEL_NAMED.has(o.kind) ? !isDnsLabel(name) : !isDnsSubdomain(name)) problems.push(`${id}: name is not DNS-valid`);
    if (o.kind === 'Service' && !/^[a-z]/.test(name)) problems.push(`${id}: Service name must start with a letter`);
    if (CLUSTER_SCOPED.has(o.kind) ? namespace !== undefined : !isDnsLabel(namespace ?? '')) problems.push(`${id}: namespace missing, invalid or misplaced`);
    for (const [k, v] of Object.entries(labels ?? {})) {
      if (!isLabelKey(k) || !isLabelValue(v)) problems.push(`${id}: invalid label ${k}=${v}`);
    }
    if (seen.has(id)) problems.push(`${id}: emitted twice`);
    seen.add(id);
  }
  return problems;
}

/** Synthesizes a chart to JSON text (stable key order is part of what is compared). */
export function synthJson(chart: Chart): { objs: K8sObject[]; json: string } {
  const objs = Testing.synth(chart) as K8sObject[];
  return { objs, json: JSON.stringify(objs) };
}
