import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkMeshNamespace, IMeshNamespace } from '../resource/mesh-namespace';
import { AMBIENT_LABELS } from '../base/labels';
import { fail, findNamespaceObject } from '../validation';
import { IstioVersion } from '../version';
import { checkKnownKeys, Shape } from '../resource/keys';
import { GATEWAY_API_GROUP, gatewayApiObject } from './object';
import { checkObjectName, serviceApiObject, ServiceObject } from './refs';

/** The GatewayClass istiod runs waypoints with. */
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';
/** The port of a waypoint's HBONE listener. */
export const WAYPOINT_HBONE_PORT = 15008;
/** Label on a waypoint: which traffic it processes. */
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
/** Label next to `istio.io/use-waypoint` when the waypoint is in another namespace. */
export const USE_WAYPOINT_NAMESPACE_LABEL = 'istio.io/use-waypoint-namespace';

/** Which traffic a waypoint processes. */
export type WaypointFor = 'service' | 'workload' | 'all' | 'none';

/** Props of {@link Waypoint}. */
export interface WaypointProps {
  /** Namespace of the waypoint, in ambient mode (labelled `istio.io/dataplane-mode: ambient`). */
  readonly namespace: IMeshNamespace;
  /** Object name. @default 'waypoint' */
  readonly name?: string;
  /** Traffic it processes: addressed to Services, to workloads, both, or none. @default 'service' */
  readonly for?: WaypointFor;
}

/**
 * An ambient-mode waypoint: a Gateway API `Gateway` of class `istio-waypoint` with one HBONE listener on
 * 15008, which istiod deploys as a waypoint proxy. L7 policy of a namespace in ambient mode runs there; traffic
 * goes through it once a namespace or Service uses it ({@link Waypoint.useFor}, label `istio.io/use-waypoint`).
 *
 * Ambient mode (and so waypoints) needs Istio 1.30 in this library: Istio 1.20's ambient was alpha, with a
 * waypoint API that differs (`istio.io/for-service-account` instead of `istio.io/waypoint-for`).
 */
export class Waypoint extends Construct {
  /** Istio release. */
  public readonly version: IstioVersion;
  /** Namespace. */
  public readonly namespace: string;
  /** Object name. */
  public readonly name: string;
  /** Which traffic it processes. */
  public readonly for: WaypointFor;
  /** The Gateway object. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: WaypointProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, { namespace: 'ref', name: true, for: true } satisfies Shape<WaypointProps>);
    const ns = checkMeshNamespace(this, 'namespace', props?.namespace);
    this.version = ns.istiod.version;
    if (!this.version.atLeast('1.30')) {
      fail(this, 'namespace.istiod.version', this.version.tag, 'must be Istio 1.30 or later: ambient mode (and its waypoints) was alpha in Istio 1.20, with another waypoint API; use IstioVersion.V1_30_3');
    }
    this.namespace = ns.name;
    this.name = checkObjectName(this, 'name', props.name ?? 'waypoint');
    this.for = props.for ?? 'service';
    if (!['service', 'workload', 'all', 'none'].includes(this.for)) fail(this, 'for', props.for, 'must be "service", "workload", "all" or "none"');
    checkAmbientNamespace(this, 'namespace', this.namespace);
    this.apiObject = gatewayApiObject(this, 'gateway', this.version, 'Gateway', {
      name: this.name,
      namespace: this.namespace,
      labels: { [WAYPOINT_FOR_LABEL]: this.for },
    }, {
      gatewayClassName: WAYPOINT_GATEWAY_CLASS,
      listeners: [{ name: 'mesh', port: WAYPOINT_HBONE_PORT, protocol: 'HBONE' }],
    });
  }

  /** The ServiceAccount (and Deployment) istiod creates for the waypoint: its name (no class suffix for waypoints). */
  public get serviceAccountName(): string {
    return this.name;
  }

  /** A policy `targetRefs` entry naming this waypoint (for L7 AuthorizationPolicies enforced by it). */
  public get targetRef(): { readonly group: string; readonly kind: string; readonly name: string } {
    return { group: GATEWAY_API_GROUP, kind: 'Gateway', name: this.name };
  }

  /**
   * Sends the traffic of a namespace (by name; its Namespace object must be in this app) or of a Service (an
   * object of this app) through this waypoint: label `istio.io/use-waypoint: <name>` (plus
   * `istio.io/use-waypoint-namespace` when the waypoint is in another namespace).
   */
  public useFor(target: string | ServiceObject): void {
    const labels: Record<string, string> = { [AMBIENT_LABELS.useWaypoint]: this.name };
    let obj: ApiObject;
    let targetNamespace: string;
    if (typeof target === 'string') {
      const found = findNamespaceObject(this, target);
      if (!found) fail(this, 'useFor', target, 'must name a Namespace this app emits (e.g. a ZeroTrustNamespace); for a namespace managed elsewhere, label it istio.io/use-waypoint there');
      obj = found;
      targetNamespace = target;
      checkAmbientNamespace(this, 'useFor', target);
    } else {
      obj = serviceApiObject(target);
      if (!(obj instanceof ApiObject) || obj.kind !== 'Service') fail(this, 'useFor', '(not a Service)', 'must be a namespace name or a Service of this app (ApiObject of kind Service or a cdk8s-plus Service)');
      targetNamespace = obj.metadata.namespace ?? obj.chart.namespace ?? 'default';
      checkAmbientNamespace(this, 'useFor', targetNamespace);
    }
    if (targetNamespace !== this.namespace) labels[USE_WAYPOINT_NAMESPACE_LABEL] = this.namespace;
    for (const [k, v] of Object.entries(labels)) {
      const had = obj.metadata.getLabel(k);
      if (had !== undefined && had !== v) fail(this, 'useFor', typeof target === 'string' ? target : obj.metadata.name, `must not already use another waypoint: it carries ${k}: ${had}`);
      obj.metadata.addLabel(k, v);
    }
  }
}

/**
 * A namespace this app emits must be in ambient mode for a waypoint to serve it. A namespace emitted elsewhere
 * cannot be checked here.
 */
function checkAmbientNamespace(scope: Construct, field: string, name: string): void {
  const nsObj = findNamespaceObject(scope, name);
  if (!nsObj) return;
  const mode = nsObj.metadata.getLabel(AMBIENT_LABELS.dataplaneMode);
  if (mode !== AMBIENT_LABELS.ambient) {
    fail(scope, field, name, `must be a namespace in ambient mode (label ${AMBIENT_LABELS.dataplaneMode}: ambient): it carries ${mode === undefined ? 'no such label' : `${AMBIENT_LABELS.dataplaneMode}: ${mode}`}, so its pods bypass ztunnel and no waypoint sees their traffic`);
  }
}
