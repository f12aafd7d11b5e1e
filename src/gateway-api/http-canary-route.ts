import { Construct } from 'constructs';
import { checkInt, checkList, fail } from '../validation';
import { IMeshNamespace } from '../resource/mesh-namespace';
import { HTTP_MATCH_SHAPE, HttpRoute, HttpRouteMatch } from './http-route';
import { checkKnownKeys, Shape } from '../resource/keys';
import { BackendService, IRouteParent } from './refs';

/** Props of {@link HttpCanaryRoute}. */
export interface HttpCanaryRouteProps {
  /** Namespace of the route. */
  readonly namespace: IMeshNamespace;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /**
   * What the route attaches to: KubernetesGateways for traffic entering through them, and/or the Service
   * clients call (`BackendService.fromService(front)`) for mesh traffic (GAMMA).
   */
  readonly parents: IRouteParent[];
  /** Host names. @default - every host the parents accept */
  readonly hostnames?: string[];
  /** The current version's Service (e.g. `reviews-v1`). */
  readonly stable: BackendService;
  /** The new version's Service (e.g. `reviews-v2`). */
  readonly canary: BackendService;
  /** Percentage of requests for the canary, an integer 0-100; the stable Service gets the rest. */
  readonly canaryWeight: number;
  /** Requests matching any of these always go to the canary (e.g. a header), before the split. @default - none */
  readonly canaryMatches?: HttpRouteMatch[];
  /**
   * Rollout plan: canary weights of successive steps, strictly increasing integers 0-100. When given,
   * `canaryWeight` must be 0 or one of them; {@link HttpCanaryRoute.atStep} gives the props of a step.
   * @default - none
   */
  readonly steps?: number[];
}

const SHAPE: Shape<HttpCanaryRouteProps> = {
  namespace: 'ref', name: true, parents: ['ref'], hostnames: true, stable: 'ref', canary: 'ref', canaryWeight: true,
  canaryMatches: [HTTP_MATCH_SHAPE], steps: true,
};

/**
 * A canary as a weighted Gateway API `HTTPRoute`: requests split between a stable and a canary Service by
 * percentage, optionally with matches pinned to the canary. Attached to a Service (GAMMA), it splits the mesh
 * traffic addressed to that Service; attached to a KubernetesGateway, the traffic entering through it.
 */
export class HttpCanaryRoute extends Construct {
  /** The props of step `index` of `props.steps` (canaryWeight = steps[index]). */
  public static atStep(props: HttpCanaryRouteProps, index: number): HttpCanaryRouteProps {
    const steps = props.steps ?? [];
    if (!Number.isInteger(index) || index < 0 || index >= steps.length) {
      fail({ node: { path: 'HttpCanaryRoute.atStep' } } as unknown as Construct, 'index', index,
        steps.length === 0 ? 'needs props.steps: the route has no rollout plan' : `must be an integer from 0 to ${steps.length - 1}`);
    }
    return { ...props, canaryWeight: steps[index] };
  }

  /** The HTTPRoute. */
  public readonly route: HttpRoute;
  /** Rendered weights (percent). */
  public readonly stableWeight: number;
  /** Rendered canary weight (percent). */
  public readonly canaryWeight: number;

  public constructor(scope: Construct, id: string, props: HttpCanaryRouteProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, SHAPE);
    this.canaryWeight = checkInt(this, 'canaryWeight', props.canaryWeight, 0, 100);
    this.stableWeight = 100 - this.canaryWeight;
    if (props.steps !== undefined) {
      checkList(this, 'steps', props.steps, 'must be a list of canary weights');
      if (props.steps.length === 0) fail(this, 'steps', props.steps, 'must be a non-empty list of canary weights when given');
      props.steps.forEach((s, i) => {
        checkInt(this, `steps[${i}]`, s, 0, 100);
        if (i > 0 && s <= props.steps![i - 1]) fail(this, `steps[${i}]`, s, `must be greater than the previous step ${props.steps![i - 1]}: steps are strictly increasing canary weights`);
      });
      if (this.canaryWeight !== 0 && !props.steps.includes(this.canaryWeight)) {
        fail(this, 'canaryWeight', this.canaryWeight, `must be 0 (rollout not started) or one of the steps [${props.steps.join(', ')}]`);
      }
    }
    for (const k of ['stable', 'canary'] as const) {
      if (!(props[k] instanceof BackendService)) fail(this, k, props[k], 'must be a BackendService (BackendService.fromService(svc, port), fromName or external)');
    }
    if (props.stable.parentRef.name === props.canary.parentRef.name && props.stable.parentRef.namespace === props.canary.parentRef.namespace) {
      fail(this, 'canary', props.canary.parentRef.name, 'must be another Service than stable: the split needs one Service per version');
    }
    const pins = props.canaryMatches === undefined ? [] : [{ matches: props.canaryMatches, backends: [{ service: props.canary }] }];
    this.route = new HttpRoute(this, 'resource', {
      namespace: props.namespace,
      name: props.name ?? id,
      parents: props.parents,
      ...(props.hostnames !== undefined ? { hostnames: props.hostnames } : {}),
      rules: [
        ...pins,
        { backends: [{ service: props.stable, weight: this.stableWeight }, { service: props.canary, weight: this.canaryWeight }] },
      ],
    });
  }
}
