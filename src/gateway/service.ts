import { IConstruct } from 'constructs';
import { checkCidr, checkDnsSubdomain, checkIP, fail } from '../validation';
import { checkNodePort } from './ports';
import { checkKnownKeys } from '../resource/keys';
import { LOAD_BALANCER_SERVICE_OPTIONS, NODE_PORT_SERVICE_OPTIONS } from './shapes';

/** Kubernetes Service types a gateway can use. */
export type GatewayServiceType = 'LoadBalancer' | 'NodePort' | 'ClusterIP';

/** How external traffic is spread over nodes: `Local` keeps the client source IP. */
export type ExternalTrafficPolicy = 'Cluster' | 'Local';

/** MetalLB annotation that requests specific addresses (current name; `metallb.universe.tf/*` is deprecated). */
export const METALLB_IPS_ANNOTATION = 'metallb.io/loadBalancerIPs';
/** MetalLB annotation that picks the IPAddressPool to allocate from. */
export const METALLB_POOL_ANNOTATION = 'metallb.io/address-pool';

/** Options of {@link GatewayService.loadBalancer}. */
export interface LoadBalancerServiceOptions {
  /**
   * Address to request from MetalLB, set as the `metallb.io/loadBalancerIPs` annotation
   * (`spec.loadBalancerIP` is deprecated and left unset).
   * @default - MetalLB (or the cloud) picks an address
   */
  readonly ip?: string;
  /**
   * MetalLB IPAddressPool to allocate from (`metallb.io/address-pool` annotation).
   * @default - any pool that allows automatic assignment
   */
  readonly pool?: string;
  /** `Local` preserves client source IPs. @default - not set (Kubernetes default `Cluster`) */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /** Client CIDRs allowed to reach the load balancer. @default - all */
  readonly loadBalancerSourceRanges?: string[];
}

/** Options of {@link GatewayService.nodePort}: fixed node ports (30000-32767) for the default ports. */
export interface NodePortServiceOptions {
  /** Node port of the `http2` port 80. @default - assigned by Kubernetes */
  readonly http?: number;
  /** Node port of the `https` port 443. @default - assigned by Kubernetes */
  readonly https?: number;
  /** Node port of the `status-port` 15021. @default - assigned by Kubernetes */
  readonly status?: number;
  /** `Local` preserves client source IPs. @default - not set (Kubernetes default `Cluster`) */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
}

/** The validated Service settings a gateway renders. @internal */
export interface ResolvedGatewayService {
  readonly type: GatewayServiceType;
  readonly annotations: Record<string, string>;
  readonly nodePorts: { readonly http?: number; readonly https?: number; readonly status?: number };
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  readonly loadBalancerSourceRanges?: string[];
}

/**
 * How a gateway is exposed: a MetalLB/cloud `LoadBalancer`, a `NodePort` Service with fixed node
 * ports, or an in-cluster `ClusterIP` Service. Checked when the gateway that uses it is built, so
 * errors name that gateway's construct path.
 */
export class GatewayService {
  /** A LoadBalancer Service (the gateway chart's default), optionally pinned to a MetalLB address or pool. */
  public static loadBalancer(options: LoadBalancerServiceOptions = {}): GatewayService {
    return new GatewayService('LoadBalancer', options, {}, options);
  }

  /** A NodePort Service; node ports must lie in 30000-32767 and must not clash. */
  public static nodePort(options: NodePortServiceOptions = {}): GatewayService {
    return new GatewayService('NodePort', {}, options, options);
  }

  /** A ClusterIP Service (reachable from inside the cluster only; the egress gateway's default). */
  public static clusterIP(): GatewayService {
    return new GatewayService('ClusterIP', {}, {});
  }

  /** The Service type. */
  public readonly type: GatewayServiceType;
  /** Requested load-balancer address (LoadBalancer only). */
  public readonly ip?: string;
  /** MetalLB pool (LoadBalancer only). */
  public readonly pool?: string;
  /** External traffic policy (LoadBalancer and NodePort). */
  public readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /** Source ranges (LoadBalancer only). */
  public readonly loadBalancerSourceRanges?: string[];
  /** Fixed node ports of the default ports (NodePort only). */
  public readonly nodePorts: { readonly http?: number; readonly https?: number; readonly status?: number };

  /** Options that were not an object (from JavaScript or a parsed file): refused when the Service is resolved. */
  private readonly badOptions?: { readonly value: unknown };
  /** The options object as given, for the unknown-key check. */
  private readonly given?: LoadBalancerServiceOptions & NodePortServiceOptions;

  private constructor(type: GatewayServiceType, lbGiven: LoadBalancerServiceOptions, npGiven: NodePortServiceOptions, given?: unknown) {
    const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (given !== undefined && !isObject(given)) this.badOptions = { value: given };
    const lb = isObject(lbGiven) ? lbGiven : {};
    const np = isObject(npGiven) ? npGiven : {};
    this.type = type;
    if (isObject(given)) this.given = given as LoadBalancerServiceOptions & NodePortServiceOptions;
    this.ip = lb.ip;
    this.pool = lb.pool;
    this.loadBalancerSourceRanges = lb.loadBalancerSourceRanges ? [...lb.loadBalancerSourceRanges] : undefined;
    this.externalTrafficPolicy = lb.externalTrafficPolicy ?? np.externalTrafficPolicy;
    this.nodePorts = { http: np.http, https: np.https, status: np.status };
  }

  /** True when Kubernetes allocates node ports for this Service (NodePort and LoadBalancer). */
  public get hasNodePorts(): boolean {
    return this.type !== 'ClusterIP';
  }

  /**
   * Validates the settings for `scope` (errors name `field.*`) and returns what the Service needs.
   * @internal
   */
  public _resolve(scope: IConstruct, field: string): ResolvedGatewayService {
    if (this.badOptions) {
      const call = this.type === 'LoadBalancer' ? 'GatewayService.loadBalancer' : 'GatewayService.nodePort';
      fail(scope, field, this.badOptions.value, `must come from ${call}() with an options object, or no argument`);
    }
    if (this.type === 'NodePort') checkKnownKeys(scope, field, this.given, NODE_PORT_SERVICE_OPTIONS);
    else checkKnownKeys(scope, field, this.given, LOAD_BALANCER_SERVICE_OPTIONS);
    const annotations: Record<string, string> = {};
    if (this.ip !== undefined) annotations[METALLB_IPS_ANNOTATION] = checkIP(scope, `${field}.ip`, this.ip);
    if (this.pool !== undefined) annotations[METALLB_POOL_ANNOTATION] = checkDnsSubdomain(scope, `${field}.pool`, this.pool);
    for (const [i, r] of (this.loadBalancerSourceRanges ?? []).entries()) checkCidr(scope, `${field}.loadBalancerSourceRanges[${i}]`, r);
    if (this.externalTrafficPolicy !== undefined && !['Cluster', 'Local'].includes(this.externalTrafficPolicy)) {
      fail(scope, `${field}.externalTrafficPolicy`, this.externalTrafficPolicy, 'must be "Cluster" or "Local"');
    }
    const seen = new Map<number, string>();
    for (const key of ['status', 'http', 'https'] as const) {
      const v = this.nodePorts[key];
      if (v === undefined) continue;
      checkNodePort(scope, `${field}.nodePort.${key}`, v);
      const clash = seen.get(v);
      if (clash) fail(scope, `${field}.nodePort.${key}`, v, `must be unique among the Service's node ports; it is already used by ${clash}`);
      seen.set(v, `nodePort.${key}`);
    }
    return {
      type: this.type,
      annotations,
      nodePorts: { ...this.nodePorts },
      externalTrafficPolicy: this.externalTrafficPolicy,
      loadBalancerSourceRanges: this.loadBalancerSourceRanges,
    };
  }
}
