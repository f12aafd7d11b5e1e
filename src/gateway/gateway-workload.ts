import { Construct } from 'constructs';
import { sortLabels } from '../base/labels';
import { Istiod } from '../istiod/istiod';
import { IstioVersion } from '../version';
import { AutoscalingOptions, PodDisruptionBudgetOptions, ResourcePreset, SchedulingOptions } from '../workload';
import { addGatewayDeployment, addGatewayNamespace, addGatewayRbac, addGatewayScaling, addGatewayService } from './gateway-emit';
import { resolveGatewaySettings } from './gateway-settings';
import { MeshGateway, MeshGatewayOptions } from './mesh-gateway';
import { GatewayPort, ResolvedServicePort } from './ports';
import { GatewayService, GatewayServiceType } from './service';
import { Shape } from '../resource/keys';

/** Port of the gateway proxy's readiness/status endpoint. */
export const GATEWAY_STATUS_PORT = 15021;
/** Port where the proxy serves Envoy's Prometheus stats. */
export const GATEWAY_ENVOY_PROM_PORT = 15090;

/** Props shared by {@link IngressGateway} and {@link EgressGateway}. */
export interface GatewayWorkloadProps extends SchedulingOptions {
  /** The control plane that injects this gateway; version, revision and injection labels come from it. */
  readonly istiod: Istiod;

  /**
   * Name of the Deployment, Service, ServiceAccount, Role, RoleBinding and HPA (the Helm release name
   * upstream). A DNS-1123 label that starts with a letter (it names a Service).
   * @default 'istio-ingressgateway' (IngressGateway) / 'istio-egressgateway' (EgressGateway)
   */
  readonly name?: string;

  /**
   * Namespace the gateway runs in.
   * @default 'istio-ingress' (IngressGateway) / 'istio-egress' (EgressGateway)
   */
  readonly namespace?: string;

  /**
   * Emit a Namespace object for `namespace`, labelled for injection by `istiod`. Never emitted when
   * `namespace` is the control plane's namespace (the base owns that one), nor twice in one chart.
   * @default true
   */
  readonly createNamespace?: boolean;

  /**
   * Selector labels of the gateway pods, merged over the chart's defaults `app: <name>` and
   * `istio: <name without an "istio-" prefix>`. Istio `Gateway` resources bound with
   * {@link GatewayWorkload.addGateway} select on exactly these.
   * @default { app: <name>, istio: <name without "istio-"> }
   */
  readonly selectorLabels?: Record<string, string>;

  /**
   * How the gateway is exposed.
   * @default GatewayService.loadBalancer() (IngressGateway) / GatewayService.clusterIP() (EgressGateway)
   */
  readonly service?: GatewayService;

  /**
   * Ports the Service exposes besides `status-port` 15021, `http2` 80 and `https` 443.
   * Names follow Istio's protocol-prefix convention (`tcp-postgres`).
   * @default - none
   */
  readonly ports?: GatewayPort[];

  /**
   * Fixed replica count; turns the HPA off (giving both `replicas` and `autoscaling` is an error).
   * @default - no replicas field; the HPA scales 1-5
   */
  readonly replicas?: number;

  /**
   * Horizontal pod autoscaling, or `false` for none (then the Deployment runs 1 replica unless
   * `replicas` says otherwise).
   * @default { minReplicas: 1, maxReplicas: 5, targetCpuUtilization: 80 }
   */
  readonly autoscaling?: AutoscalingOptions | false;

  /**
   * PodDisruptionBudget: `true` (minAvailable 1) or options to render one.
   * @default false (the chart renders none)
   */
  readonly podDisruptionBudget?: PodDisruptionBudgetOptions | boolean;

  /** Resources of the proxy container. @default ResourcePreset.proxyDefault() (100m/128Mi, limits 2000m/1024Mi) */
  readonly resources?: ResourcePreset;

  /**
   * Labels added to every object and to the pods (`app` and `istio` belong to `selectorLabels`).
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /** Extra labels of the pods only. @default - none */
  readonly podLabels?: Record<string, string>;

  /**
   * Extra pod annotations, merged over the chart's (Prometheus scraping, injection template `gateway`);
   * the injection annotations themselves cannot be changed.
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;

  /** Extra labels of the Service. @default - none */
  readonly serviceLabels?: Record<string, string>;

  /** Extra annotations of the Service (besides MetalLB's, which `service` sets). @default - none */
  readonly serviceAnnotations?: Record<string, string>;

  /** Seconds a terminating gateway pod gets to drain. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
}

/** Per-kind defaults a subclass passes to {@link GatewayWorkload}. @internal */
export interface GatewayWorkloadDefaults {
  readonly name: string;
  readonly namespace: string;
  readonly service: GatewayService;
  /**
   * The gateway chart's network-gateway mode (`networkGateway: <network>`): the Service exposes status-port 15021,
   * tls 15443, tls-istiod 15012 and tls-webhook 15017 instead of http2/https; the Service and the pods carry
   * `topology.istio.io/network`, and the proxy asks for its network's view (`ISTIO_META_REQUESTED_NETWORK_VIEW`).
   */
  readonly networkGateway?: string;
  /** The keys the subclass's props may have (its own on top of these). @default the keys of GatewayWorkloadProps */
  readonly propsShape?: Shape<GatewayWorkloadProps>;
}

/** The ports of the gateway chart's network-gateway Service (`networkGatewayPorts`), after status-port. */
export const NETWORK_GATEWAY_PORTS = { tls: 15443, tlsIstiod: 15012, tlsWebhook: 15017 } as const;

/**
 * An Istio gateway as Istio's `gateway` chart renders it for the chosen version: ServiceAccount,
 * Role and RoleBinding (secret access for TLS credentials), Service, a Deployment whose `istio-proxy`
 * container is `image: auto` and is filled in by the control plane's `gateway` injection template,
 * HPA and an optional PDB.
 *
 * Deliberate difference from upstream: the pod sets `seccompProfile: RuntimeDefault`, so the injected
 * pod meets the Pod Security Standard `restricted` (upstream stops at `baseline`).
 */
export abstract class GatewayWorkload extends Construct {
  /** The control plane that injects this gateway. */
  public readonly istiod: Istiod;
  /** Istio release (from istiod). */
  public readonly version: IstioVersion;
  /** Name of the Deployment, Service and the other chart objects. */
  public readonly name: string;
  /** Namespace of the gateway. */
  public readonly namespace: string;
  /** Revision of the control plane that injects the gateway, or undefined for the default revision. */
  public readonly revision?: string;
  /** Service type. */
  public readonly serviceType: GatewayServiceType;
  /** In-cluster DNS name of the Service, `<name>.<namespace>.svc.cluster.local`. */
  public readonly serviceHost: string;
  /** ServiceAccount the gateway pods run as. */
  public readonly serviceAccountName: string;

  private readonly selectorLabelSet: Record<string, string>;
  private readonly ports: ResolvedServicePort[];

  protected constructor(scope: Construct, id: string, props: GatewayWorkloadProps, defaults: GatewayWorkloadDefaults) {
    super(scope, id);
    // resolve: every check and default, before any object is emitted
    const s = resolveGatewaySettings(this, props, defaults);
    this.istiod = s.istiod;
    this.version = s.version;
    this.revision = s.istiod.revision;
    this.name = s.name;
    this.namespace = s.namespace;
    this.serviceAccountName = s.serviceAccountName;
    this.serviceHost = s.serviceHost;
    this.serviceType = s.service.type;
    this.selectorLabelSet = s.selectorLabels;
    this.ports = s.ports;

    // emit: the chart's objects, in the chart's order
    addGatewayNamespace(this, s);
    addGatewayRbac(this, s);
    addGatewayService(this, s);
    addGatewayDeployment(this, s);
    addGatewayScaling(this, s);
  }

  /** Selector labels of the gateway pods (a copy); bound Istio `Gateway`s select on these. */
  public get selector(): Record<string, string> {
    return sortLabels(this.selectorLabelSet);
  }

  /** Ports of the Service (status port first), as rendered. */
  public get servicePorts(): ResolvedServicePort[] {
    return this.ports.map((p) => ({ ...p }));
  }

  /**
   * Service port numbers an Istio `Gateway` server may listen on: every Service port except the
   * status port.
   */
  public get gatewayPorts(): number[] {
    return this.ports.filter((p) => p.port !== GATEWAY_STATUS_PORT).map((p) => p.port);
  }

  /**
   * Binds an Istio `Gateway` resource to this gateway: its selector is this gateway's selector labels,
   * and every server port must be one the Service exposes.
   */
  public addGateway(id: string, options: MeshGatewayOptions): MeshGateway {
    return new MeshGateway(this, id, { ...options, gateway: this });
  }
}
