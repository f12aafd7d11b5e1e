import { App, Chart } from 'cdk8s';
import type { Service } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DestinationRule } from '../networking/destination-rule';
import { MeshWorkload, workloadIdentity } from '../policy/workload-identity';
import { VirtualService } from '../networking/virtual-service';
import { checkMeshNamespace, IMeshNamespace } from '../resource/mesh-namespace';
import type { VirtualServiceSpecHttp } from '../resource/specs.generated';
import { callScope, checkDnsLabel, checkDnsSubdomain, checkHost, checkInt, checkLabels, checkList, checkPort, checkUnique, fail, IstioValidationError } from '../validation';
import { IstioVersion } from '../version';
import { checkRouteHosts, GatewayRef, resolveGateways } from './gateway-binding';
import { checkPercent, HttpMatch, renderHttpMatch, renderRouteOptions, RouteOptions } from './http';
import { renderTrafficPolicy, TrafficPolicyOptions } from './traffic-policy';
import { checkKnownKeys } from '../resource/keys';
import { CANARY_ROUTE_PROPS } from './shapes';

/** One version of the service: a DestinationRule subset. */
export interface CanarySubset {
  /** Version, the default subset name and `version` label value. */
  readonly version: string;
  /** Subset name (DNS-1123 label). @default - the version */
  readonly name?: string;
  /** Pod labels selecting this version. @default { version: <version> }, or the `workload`'s pod labels */
  readonly labels?: Record<string, string>;
  /**
   * The cdk8s-plus Deployment or StatefulSet running this version: its pod labels (`matchLabels`) select the subset.
   * It must run in the route's namespace; not with `labels`.
   * @default - `labels`
   */
  readonly workload?: MeshWorkload;
  /**
   * Share of traffic, an integer 0-100. Stable and canary must sum to 100.
   * @default - canary: 0; stable: 100 minus the canary weight
   */
  readonly weight?: number;
}

/**
 * Requests matching go to one subset, whatever the weights. The criteria of the match itself are ANDed; `anyOf`
 * adds alternatives (ORed with it). Route options given here replace the route's shared ones for these requests.
 */
export interface CanaryMatch extends HttpMatch, RouteOptions {
  /** Name of the subset matching requests go to. */
  readonly subset: string;
  /** Further alternatives: a request matching any of them (or this match's own criteria) takes this route. @default - none */
  readonly anyOf?: HttpMatch[];
  /** Mirroring for these requests. @default - the route's `mirror` */
  readonly mirror?: MirrorOptions;
}

/** Mirroring (shadow traffic) to a subset; responses of the mirror are dropped. */
export interface MirrorOptions {
  /** Subset receiving the copies. */
  readonly subset: string;
  /** Share of requests mirrored (0-100). @default 100 */
  readonly percentage?: number;
}

/** Props of {@link CanaryRoute}. */
export interface CanaryRouteProps extends RouteOptions {
  /** Namespace of the route: a ZeroTrustNamespace or `{ istiod, name }`; the Istio version comes from its Istiod. */
  readonly namespace: IMeshNamespace;
  /** The service host, e.g. `trading-agent-service` (no wildcard). @default - the name of `service` */
  readonly host?: string;
  /**
   * The cdk8s-plus Service in front of the versions (in the route's namespace): its name is the host. Not with `host`.
   * @default - `host`
   */
  readonly service?: Service;
  /** Service port of the destinations. @default - none (Istio picks the only port) */
  readonly port?: number;
  /** The current version (with `canary`; or give `subsets`). @default - see `subsets` */
  readonly stable?: CanarySubset;
  /** The new version (with `stable`; or give `subsets`). @default - see `subsets` */
  readonly canary?: CanarySubset;
  /**
   * Any number of versions (one or more), instead of `stable` and `canary`: weights, when given, are given for all
   * and sum to 100; when none is given the first version takes all traffic. `steps` needs `stable` and `canary`.
   * @default - see `stable` and `canary`
   */
  readonly subsets?: CanarySubset[];
  /** Request overrides, tried in order before the weighted split. @default - none */
  readonly matches?: CanaryMatch[];
  /** Traffic policy of the DestinationRule (applies to both subsets). @default - none */
  readonly trafficPolicy?: TrafficPolicyOptions;
  /** Mirroring. @default - none */
  readonly mirror?: MirrorOptions;
  /** Ingress gateways exposing the route (north-south). @default - none: in-mesh only */
  readonly gateways?: GatewayRef[];
  /** External hosts served through the gateways, e.g. `trading.example.com`. @default - none */
  readonly externalHosts?: string[];
  /** Route in-mesh (east-west) traffic too. @default true */
  readonly meshTraffic?: boolean;
  /**
   * Rollout plan: canary weights of successive steps, strictly increasing integers 0-100
   * (e.g. `[10, 25, 50, 100]`). Documentation and input of {@link CanaryRoute.chartAtStep}; the
   * rendered weights are always `canary.weight`.
   * @default - none
   */
  readonly steps?: number[];
  /** Name of both objects. @default - the construct id */
  readonly name?: string;
  /** Name of the DestinationRule. @default - `name` */
  readonly destinationRuleName?: string;
  /** Name of the VirtualService. @default - `name` */
  readonly virtualServiceName?: string;
}

/** One step of a rollout plan. */
export interface CanaryStep {
  /** Index in `steps`. */
  readonly index: number;
  /** Weight of the stable subset. */
  readonly stableWeight: number;
  /** Weight of the canary subset. */
  readonly canaryWeight: number;
}

/**
 * Weighted canary (or A/B) routing between two versions of a service: a DestinationRule with one
 * subset per version and a VirtualService that splits by weight after the match overrides.
 */
export class CanaryRoute extends Construct {
  /**
   * The props of step `index` of `props.steps`: the canary weight becomes `steps[index]`, the
   * stable weight `100 - steps[index]`; everything else is unchanged.
   */
  public static atStep(props: CanaryRouteProps, index: number): CanaryRouteProps {
    checkKnownKeys(callScope('CanaryRoute.atStep'), 'props', props, CANARY_ROUTE_PROPS);
    const steps = props.steps ?? [];
    if (!Number.isInteger(index) || index < 0 || index >= steps.length) {
      throw new IstioValidationError('CanaryRoute.atStep', 'index', index,
        steps.length === 0 ? 'needs props.steps: the route has no rollout plan' : `must be an integer from 0 to ${steps.length - 1} (props.steps has ${steps.length} steps)`);
    }
    if (props.stable === undefined || props.canary === undefined) {
      throw new IstioValidationError('CanaryRoute.atStep', 'props', '(subsets)', 'needs stable and canary: a rollout plan moves traffic between two versions');
    }
    return { ...props, stable: { ...props.stable, weight: undefined }, canary: { ...props.canary, weight: steps[index] } };
  }

  /** Istio release (from the namespace's Istiod). */
  public readonly version: IstioVersion;
  /** The DestinationRule. */
  public readonly destinationRule: DestinationRule;
  /** The VirtualService. */
  public readonly virtualService: VirtualService;
  /** Rendered stable weight (the first subset's weight). */
  public readonly stableWeight: number;
  /** Rendered canary weight (the second subset's; 0 with a single subset). */
  public readonly canaryWeight: number;
  /** Rendered weight of every subset, by subset name, in order. */
  public readonly weights: Readonly<Record<string, number>>;
  /** The rollout plan. */
  public readonly plan: CanaryStep[];

  private readonly props: CanaryRouteProps;

  public constructor(scope: Construct, id: string, props: CanaryRouteProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, CANARY_ROUTE_PROPS);
    this.props = props;
    const ns = checkMeshNamespace(this, 'namespace', props?.namespace);
    this.version = ns.istiod.version;
    if (props.service !== undefined && props.host !== undefined) fail(this, 'service', props.service?.node?.path, 'cannot be given with host: the Service\'s name is the host');
    const host = checkHost(this, props.service !== undefined ? 'service' : 'host', props.service !== undefined ? this.serviceHost(props.service, ns.name) : props.host!, { allowWildcard: false });
    const port = props.port === undefined ? undefined : checkPort(this, 'port', props.port);
    const name = checkDnsSubdomain(this, 'name', props.name ?? id);
    const drName = checkDnsSubdomain(this, 'destinationRuleName', props.destinationRuleName ?? name);
    const vsName = checkDnsSubdomain(this, 'virtualServiceName', props.virtualServiceName ?? name);

    // Subsets and weights.
    const subsets = this.resolveSubsets(props);
    this.weights = Object.fromEntries(subsets.map((x) => [x.name, x.weight]));
    this.stableWeight = subsets[0].weight;
    this.canaryWeight = subsets[1]?.weight ?? 0;
    const canaryWeight = this.canaryWeight;
    this.plan = this.checkSteps(props.steps);
    if (this.plan.length > 0 && canaryWeight !== 0 && !this.plan.some((x) => x.canaryWeight === canaryWeight)) {
      fail(this, 'canary.weight', canaryWeight, `must be 0 (rollout not started) or one of the steps [${this.plan.map((x) => x.canaryWeight).join(', ')}]: the route renders canary.weight, and it should stand at a step of its plan`);
    }
    const subsetNames = subsets.map((x) => x.name);
    const knownSubset = (field: string, s: string) => {
      if (!subsetNames.includes(s)) fail(this, field, s, `must name a subset of this route: ${subsetNames.map((n) => `"${n}"`).join(' or ')}`);
      return s;
    };

    // Hosts and gateways.
    const mesh = props.meshTraffic ?? true;
    const external = checkList(this, 'externalHosts', props.externalHosts, 'must be a list of host names') ?? [];
    if (props.externalHosts !== undefined && !props.gateways) fail(this, 'externalHosts', props.externalHosts, 'needs gateways: external hosts are only reachable through an ingress gateway');
    if (!mesh && !props.gateways) fail(this, 'meshTraffic', false, 'must be true when no gateways are given: the route would apply nowhere');
    // In-mesh, the VirtualService lists host first, then the external hosts: none may repeat or overlap it.
    if (external.length > 0) checkRouteHosts(this, 'externalHosts', external, mesh, mesh ? { field: 'host', host } : undefined);
    const hosts = mesh ? [host, ...external] : external;
    const gateways = props.gateways === undefined ? undefined : resolveGateways(this, 'gateways', props.gateways, ns.name, 'externalHosts', external);
    if (gateways && external.length === 0) fail(this, 'externalHosts', props.externalHosts, 'must list the external hosts served through the gateways');

    // Route options shared by every HTTP route.
    const options = renderRouteOptions(this, props);
    const dest = (subset: string) => ({ host, subset, ...(port ? { port: { number: port } } : {}) });
    const renderMirror = (field: string, m: MirrorOptions | undefined) => (m === undefined ? {} : {
      mirror: dest(knownSubset(`${field}.subset`, m?.subset)),
      ...(m.percentage !== undefined ? { mirrorPercentage: { value: checkPercent(this, `${field}.percentage`, m.percentage) } } : {}),
    });
    const mirror = renderMirror('mirror', props.mirror);

    checkList(this, 'matches', props.matches, 'must be a list of matches, each with a subset');
    const http: VirtualServiceSpecHttp[] = (props.matches ?? []).map((m, i) => {
      const f = `matches[${i}]`;
      const subset = knownSubset(`${f}.subset`, m?.subset);
      const { subset: _subset, anyOf, retries, timeout, fault, mirror: ownMirror, ...criteria } = m;
      const hasOwn = criteria.uri !== undefined || criteria.headers !== undefined || criteria.queryParams !== undefined || criteria.port !== undefined;
      checkList(this, `${f}.anyOf`, anyOf, 'must be a list of matches');
      if (anyOf !== undefined && anyOf.length === 0) fail(this, `${f}.anyOf`, anyOf, 'must be a non-empty list when given');
      const match = [
        ...(hasOwn || anyOf === undefined ? [renderHttpMatch(this, f, criteria)] : []),
        ...(anyOf ?? []).map((alt, j) => renderHttpMatch(this, `${f}.anyOf[${j}]`, alt)),
      ];
      const own = renderRouteOptions(this, { retries, timeout, fault }, `${f}.`);
      return { match, route: [{ destination: dest(subset) }], ...options, ...own, ...mirror, ...renderMirror(`${f}.mirror`, ownMirror) };
    });
    http.push({
      route: subsets.map((x) => ({ destination: dest(x.name), weight: x.weight })),
      ...options,
      ...mirror,
    });

    this.destinationRule = new DestinationRule(this, 'destination-rule', {
      namespace: ns,
      name: drName,
      spec: {
        host,
        ...(props.trafficPolicy !== undefined ? { trafficPolicy: renderTrafficPolicy(this, 'trafficPolicy', props.trafficPolicy) } : {}),
        subsets: subsets.map((x) => ({ name: x.name, labels: x.labels })),
      },
    });
    this.virtualService = new VirtualService(this, 'virtual-service', {
      namespace: ns,
      name: vsName,
      spec: {
        hosts,
        ...(gateways ? { gateways: mesh ? [...gateways, 'mesh'] : gateways } : {}),
        http,
      },
    });
  }

  /**
   * A new chart holding this route at step `index` of its plan (weights `100 - steps[index]` and
   * `steps[index]`), so a GitOps pipeline can commit the rollout one step at a time.
   *
   * The chart holds the same DestinationRule and VirtualService (same names) with other weights: it
   * replaces this route's chart for that step, it does not go next to it. By default it is created in a new
   * App of its own (synthesize it with that App, e.g. `synthYaml(chart.node.root as App)`), so the app
   * holding this route never writes both; given `scope`, both would land in `scope`'s app, and applying
   * the two charts to one cluster would make them fight over the objects.
   * @param index index in `steps`
   * @param scope where to create the chart @default - a new App
   */
  public chartAtStep(index: number, scope?: Construct): Chart {
    const props = CanaryRoute.atStep(this.props, index);
    const chart = new Chart(scope ?? new App(), `${this.node.id}-step-${index}`, { disableResourceNameHashes: true });
    new CanaryRoute(chart, this.node.id, { ...props, name: this.props.name ?? this.node.id });
    return chart;
  }

  /** The subsets with their rendered weights, from `stable` and `canary` or from `subsets`. */
  private resolveSubsets(props: CanaryRouteProps): Array<{ name: string; labels: Record<string, string>; weight: number }> {
    if (props.subsets !== undefined) {
      if (props.stable !== undefined || props.canary !== undefined) {
        fail(this, 'subsets', props.subsets, 'must not be given with stable and canary: give either stable and canary, or subsets');
      }
      if (!Array.isArray(props.subsets) || props.subsets.length === 0) fail(this, 'subsets', props.subsets, 'must list at least one version');
      if (props.steps !== undefined) fail(this, 'steps', props.steps, 'needs stable and canary: a rollout plan moves traffic between two versions');
      const list = props.subsets.map((x, i) => this.subset(`subsets[${i}]`, x));
      const seen = new Set<string>();
      list.forEach((x, i) => checkUnique(this, `subsets[${i}].name`, x.name, seen, 'subset names'));
      const given = props.subsets.filter((x) => x?.weight !== undefined).length;
      if (given !== 0 && given !== list.length) fail(this, 'subsets', props.subsets.map((x) => x.weight ?? null), 'must give a weight for every subset, or for none (then the first takes all traffic)');
      const weights = props.subsets.map((x, i) => (given === 0 ? (i === 0 ? 100 : 0) : checkInt(this, `subsets[${i}].weight`, x.weight!, 0, 100)));
      const total = weights.reduce((a, w) => a + w, 0);
      if (total !== 100) fail(this, 'subsets[0].weight', weights.join('+'), `weights must sum to 100 (they sum to ${total})`);
      return list.map((x, i) => ({ ...x, weight: weights[i] }));
    }
    if (props.stable === undefined || props.canary === undefined) {
      fail(this, props.stable === undefined ? 'stable' : 'canary', undefined, 'is required: give stable and canary, or subsets (one or more versions)');
    }
    const stable = this.subset('stable', props.stable);
    const canary = this.subset('canary', props.canary);
    if (canary.name === stable.name) fail(this, 'canary.name', canary.name, `subset names must be unique; stable is already "${stable.name}" (set name or version)`);
    const canaryWeight = props.canary.weight === undefined ? 0 : checkInt(this, 'canary.weight', props.canary.weight, 0, 100);
    const stableWeight = props.stable.weight === undefined ? 100 - canaryWeight : checkInt(this, 'stable.weight', props.stable.weight, 0, 100);
    if (stableWeight + canaryWeight !== 100) {
      fail(this, 'stable.weight', stableWeight, `must make the weights sum to 100 with canary.weight ${canaryWeight} (our policy; Istio only needs a non-zero total): use ${100 - canaryWeight} or omit it`);
    }
    return [{ ...stable, weight: stableWeight }, { ...canary, weight: canaryWeight }];
  }

  /** The host of a cdk8s-plus Service of the route's namespace: its name. */
  private serviceHost(svc: Service, routeNs: string): string {
    if (!svc || typeof svc !== 'object' || !('metadata' in svc) || !('ports' in svc) || !('node' in svc)) fail(this, 'service', svc, 'must be a cdk8s-plus Service (kplus.Service)');
    const svcNs = svc.metadata.namespace ?? Chart.of(svc).namespace ?? 'default';
    if (svcNs !== routeNs) fail(this, 'service', svc.node.path, `must be in the route's namespace ${routeNs} (it is in ${svcNs}): subsets and routes apply to the Services of their namespace`);
    return svc.name;
  }

  private subset(field: string, s: CanarySubset): { name: string; labels: Record<string, string> } {
    if (!s || typeof s.version !== 'string' || s.version.length === 0) fail(this, `${field}.version`, s?.version, 'must be a non-empty version such as "v1"');
    let workloadLabels: Record<string, string> | undefined;
    if (s.workload !== undefined) {
      if (s.labels !== undefined) fail(this, `${field}.workload`, s.workload?.node?.path, 'cannot be given with labels: the workload\'s pod labels select the subset');
      const w = workloadIdentity(this, `${field}.workload`, s.workload);
      const routeNs = this.props.namespace.name;
      if (w.namespace !== routeNs) fail(this, `${field}.workload`, w.path, `must run in the route's namespace ${routeNs} (it runs in ${w.namespace})`);
      workloadLabels = w.podLabels;
    }
    const labels = workloadLabels ?? s.labels ?? { version: s.version };
    if (Object.keys(labels).length === 0) fail(this, `${field}.labels`, labels, 'must select the version\'s pods by at least one label');
    checkLabels(this, `${field}.labels`, labels);
    const name = s.name ?? s.version;
    if (s.name === undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      fail(this, `${field}.version`, name, 'must be a DNS-1123 label to serve as subset name, or set name');
    }
    return { name: checkDnsLabel(this, `${field}.name`, name), labels: { ...labels } };
  }

  private checkSteps(steps: number[] | undefined): CanaryStep[] {
    if (steps === undefined) return [];
    if (!Array.isArray(steps) || steps.length === 0) fail(this, 'steps', steps, 'must be a non-empty list of canary weights when given');
    steps.forEach((s, i) => {
      checkInt(this, `steps[${i}]`, s, 0, 100);
      if (i > 0 && s <= steps[i - 1]) fail(this, `steps[${i}]`, s, `must be greater than the previous step ${steps[i - 1]}: steps are strictly increasing canary weights`);
    });
    return steps.map((s, index) => ({ index, stableWeight: 100 - s, canaryWeight: s }));
  }
}
