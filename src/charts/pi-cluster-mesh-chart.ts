import { Waypoint } from '../gateway-api/waypoint';
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioBase } from '../base/istio-base';
import { EgressGateway } from '../gateway/egress-gateway';
import { IngressGateway } from '../gateway/ingress-gateway';
import { MeshGateway } from '../gateway/mesh-gateway';
import { GatewayService } from '../gateway/service';
import { Istiod } from '../istiod/istiod';
import { MeshWideMtls } from '../policy/mesh-wide-mtls';
import { PodSecurityOptions, ZeroTrustNamespace } from '../policy/zero-trust-namespace';
import { CanaryRoute } from '../traffic/canary-route';
import { MeshRoute } from '../traffic/mesh-route';
import { TrafficPolicyOptions } from '../traffic/traffic-policy';
import { checkDnsLabel, checkDnsSubdomain, checkInt, checkLabels, checkPort, fail } from '../validation';
import { IstioVersion } from '../version';
import { AutoscalingOptions, ResourcePreset } from '../workload';
import { checkBoolean, checkMtlsMode, MeshMtlsMode } from './common';
import { MeshObservabilityOptions, MeshTelemetry, observabilityMeshConfig, resolveObservability } from './observability';
import { VaultIstioCa, VaultPkiOptions } from './vault-ca';
import { checkKnownKeys } from '../resource/keys';
import { PI_CLUSTER_MESH_CHART_PROPS } from './shapes';

/** The `trading-gateway` Gateway resource: HTTP on port 80 of the ingress gateway. */
export interface TradingGatewayOptions {
  /** Gateway name. @default 'trading-gateway' */
  readonly name?: string;
  /** Hosts. @default ['*'] */
  readonly hosts?: string[];
}

/** The `trading-app` VirtualService: everything arriving through `trading-gateway` to one Service. */
export interface TradingAppRouteOptions {
  /** VirtualService name. @default 'trading-app' */
  readonly name?: string;
  /** Destination Service. @default 'trading-app-service' */
  readonly service?: string;
  /** Destination port. @default 80 */
  readonly port?: number;
}

/** The `trading-agent-policy` AuthorizationPolicy. */
export interface TradingAgentPolicyOptions {
  /** Policy name. @default 'trading-agent-policy' */
  readonly name?: string;
  /** Pods it applies to. @default { app: 'trading-agent' } */
  readonly selector?: Record<string, string>;
  /** Namespaces allowed in on any port. @default ['argocd'] */
  readonly fromNamespaces?: string[];
  /**
   * Principal allowed to scrape metrics.
   * @default - Prometheus's SPIFFE principal in this mesh: `<trust domain>/ns/<observability.prometheus.namespace>/sa/<its
   * serviceAccount>`, without observability the control-plane namespace and `prometheus` (`cluster.local/ns/istio-system/sa/prometheus`
   * with the defaults)
   */
  readonly metricsPrincipal?: string;
  /** Metrics port it may reach. @default 8888 */
  readonly metricsPort?: number;
}

/** The `legacy-service-permissive` PeerAuthentication. */
export interface LegacyPermissiveOptions {
  /** PeerAuthentication name. @default 'legacy-service-permissive' */
  readonly name?: string;
  /** Pods that accept plain text as well as mTLS. @default { legacy: 'true' } */
  readonly selector?: Record<string, string>;
}

/** The circuit breaker (`circuit-breaker` DestinationRule) and the 90/10 canary (`trading-canary` VirtualService). */
export interface TradingCanaryOptions {
  /** Service host. @default 'trading-agent-service' */
  readonly host?: string;
  /** Stable version (subset and `version` label). @default 'v1' */
  readonly stableVersion?: string;
  /** Canary version. @default 'v2' */
  readonly canaryVersion?: string;
  /** Canary share, an integer 0-100. @default 10 */
  readonly canaryWeight?: number;
  /** Requests under this URI prefix always go to the canary. @default '/api/v2' */
  readonly canaryPathPrefix?: string;
  /** DestinationRule name. @default 'circuit-breaker' */
  readonly destinationRuleName?: string;
  /** VirtualService name. @default 'trading-canary' */
  readonly virtualServiceName?: string;
  /**
   * Circuit breaker.
   * @default - TCP maxConnections 100; HTTP http1MaxPendingRequests 100, maxRequestsPerConnection 2;
   * outlier detection after 5 consecutive 5xx, interval 30s, base ejection time 30s
   */
  readonly trafficPolicy?: TrafficPolicyOptions;
  /** Rollout plan of canary weights (see `CanaryRoute.chartAtStep`). @default [10, 25, 50, 100] */
  readonly steps?: number[];
}

/** Props of {@link PiClusterMeshChart}. Every default is the Raspberry-Pi cluster's value (`pi-cluster-istio-role.md`). */
export interface PiClusterMeshChartProps extends ChartProps {
  /** Istio release (`istio_version`, stable ARM64 support). @default IstioVersion.V1_20_3 */
  readonly version?: IstioVersion;
  /** Control-plane namespace (`istio_namespace`). @default 'istio-system' */
  readonly istioNamespace?: string;
  /** Kubernetes version of the cluster ("tested on v1.31+"); Istio 1.20 picks PDB/HPA API versions from it. @default '1.31' */
  readonly kubernetesVersion?: string;
  /** istiod replicas (`istio_pilot_replicas`); a fixed count, no HPA. @default 1 */
  readonly pilotReplicas?: number;
  /**
   * istiod PodDisruptionBudget (minAvailable 1). Istio 1.20's chart renders it even for one replica, where it
   * blocks `kubectl drain` of istiod's node until istiod runs elsewhere; `false` drops it.
   * @default - the version's rule (on for 1.20, off for one replica on 1.30)
   */
  readonly pilotPodDisruptionBudget?: boolean;
  /** istiod resources. @default ResourcePreset.raspberryPi() (requests 100m/128Mi, limits 500m/256Mi) */
  readonly pilotResources?: ResourcePreset;
  /** Sidecar resources (injector values). @default ResourcePreset.raspberryPiSidecar() (requests 50m/128Mi, limits 200m/256Mi) */
  readonly sidecarResources?: ResourcePreset;
  /** Ingress and egress gateway resources. @default ResourcePreset.raspberryPi() (requests 100m/128Mi, limits 500m/256Mi) */
  readonly gatewayResources?: ResourcePreset;
  /** Gateway HPAs. @default { minReplicas: 1, maxReplicas: 5, targetCpuUtilization: 80 } */
  readonly gatewayAutoscaling?: AutoscalingOptions;
  /** Ingress gateway `istio-ingressgateway` in the control-plane namespace (`istio_ingress_enabled`). @default true */
  readonly ingressEnabled?: boolean;
  /** How the ingress gateway is exposed. @default GatewayService.loadBalancer() */
  readonly ingressService?: GatewayService;
  /** Egress gateway `istio-egressgateway` in the control-plane namespace (`istio_egress_enabled`). @default true */
  readonly egressEnabled?: boolean;
  /** Mesh-wide mTLS mode (`istio_mtls_mode`); the application namespace is STRICT regardless. @default 'STRICT' */
  readonly mtlsMode?: MeshMtlsMode;
  /** Application namespace with injection, as a {@link ZeroTrustNamespace}. @default 'trading' */
  readonly appNamespace?: string;
  /**
   * Data plane of the app namespace: `sidecar` (a proxy per pod, 128Mi requested each on the Pi preset) or `ambient`
   * (ztunnel per node and a waypoint in the app namespace for its L7 routes; Istio 1.30 only, so set
   * `version: IstioVersion.V1_30_3`). docs/ambient.md compares the memory both request.
   * @default 'sidecar'
   */
  readonly dataplane?: 'sidecar' | 'ambient';
  /** Pod Security levels of the application namespace. @default - enforce `privileged` (istio-init needs NET_ADMIN), warn and audit `restricted` */
  readonly podSecurity?: PodSecurityOptions;
  /** `trading-gateway`, or `false` for none. Needs the ingress gateway. @default {} */
  readonly tradingGateway?: TradingGatewayOptions | false;
  /** `trading-app` route through `trading-gateway`, or `false`. @default {} */
  readonly tradingAppRoute?: TradingAppRouteOptions | false;
  /** `trading-agent-policy`, or `false`. @default {} */
  readonly tradingAgentPolicy?: TradingAgentPolicyOptions | false;
  /** `legacy-service-permissive`, or `false`. @default {} */
  readonly legacyPermissive?: LegacyPermissiveOptions | false;
  /** Circuit breaker and 90/10 canary, or `false`. @default {} */
  readonly tradingCanary?: TradingCanaryOptions | false;
  /** Vault PKI as the mesh CA (`vault_integration_enabled`). @default false */
  readonly vaultIntegrationEnabled?: boolean;
  /** Namespace of Vault (`vault_namespace`). @default 'vault' */
  readonly vaultNamespace?: string;
  /** Details of the Vault PKI integration (only with `vaultIntegrationEnabled`). @default {} */
  readonly vaultPki?: VaultPkiOptions;
  /** Tracing, access logs and Prometheus scraping ("Observability (Next Steps)"). @default false */
  readonly observabilityEnabled?: boolean;
  /** Details of observability (only with `observabilityEnabled`). @default {} */
  readonly observability?: MeshObservabilityOptions;
}

/** The circuit breaker of the Pi platform. */
const PI_CIRCUIT_BREAKER: TrafficPolicyOptions = {
  connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 2 } },
  outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s' },
};

/**
 * The Raspberry-Pi cluster's mesh (`pi-cluster-istio-role.md`) as one chart: Istio 1.20.3 sized for
 * Raspberry Pi 4 nodes, one istiod, ingress and egress gateways in `istio-system`, mesh-wide STRICT
 * mTLS, the zero-trust `trading` namespace with the role's policies, gateway, routes, circuit breaker
 * and canary. Optional: Vault PKI as the mesh CA, and observability.
 *
 * @example new PiClusterMeshChart(app, 'pi', { vaultIntegrationEnabled: true, observabilityEnabled: true })
 */
export class PiClusterMeshChart extends Chart {
  /** CRDs, namespace and base objects. */
  public readonly base: IstioBase;
  /** The control plane. */
  public readonly istiod: Istiod;
  /** The ingress gateway, when enabled. */
  public readonly ingressGateway?: IngressGateway;
  /** The egress gateway, when enabled. */
  public readonly egressGateway?: EgressGateway;
  /** Mesh-wide PeerAuthentication. */
  public readonly meshMtls: MeshWideMtls;
  /** The application namespace. */
  public readonly appNamespace: ZeroTrustNamespace;
  /** `trading-gateway`, when rendered. */
  public readonly tradingGateway?: MeshGateway;
  /** `trading-app`, when rendered. */
  public readonly tradingAppRoute?: MeshRoute;
  /** Circuit breaker and canary, when rendered. */
  public readonly tradingCanary?: CanaryRoute;
  /** The Vault CA, when enabled. */
  public readonly vaultCa?: VaultIstioCa;
  /** The app namespace's waypoint, in ambient mode. */
  public readonly waypoint?: Waypoint;
  /** The mesh-wide Telemetry, when observability is enabled. */
  public readonly telemetry?: MeshTelemetry;

  public constructor(scope: Construct, id: string, props: PiClusterMeshChartProps = {}) {
    const given: unknown = props;
    const isObject = given !== null && typeof given === 'object' && !Array.isArray(given);
    super(scope, id, { ...(isObject ? props : {}), disableResourceNameHashes: (isObject ? props.disableResourceNameHashes : undefined) ?? true });
    if (!isObject) fail(this, 'props', given, 'must be an object of PiClusterMeshChartProps, or omitted');
    checkKnownKeys(this, '', props, PI_CLUSTER_MESH_CHART_PROPS);

    // --- the chart's own props
    const version = props.version ?? IstioVersion.V1_20_3;
    const istioNamespace = checkDnsLabel(this, 'istioNamespace', props.istioNamespace ?? 'istio-system');
    const replicas = checkInt(this, 'pilotReplicas', props.pilotReplicas ?? 1, 1);
    const ingressEnabled = checkBoolean(this, 'ingressEnabled', props.ingressEnabled ?? true);
    const egressEnabled = checkBoolean(this, 'egressEnabled', props.egressEnabled ?? true);
    const mtlsMode = checkMtlsMode(this, 'mtlsMode', props.mtlsMode ?? 'STRICT');
    const appNs = checkDnsLabel(this, 'appNamespace', props.appNamespace ?? 'trading');
    const dataplane = props.dataplane ?? 'sidecar';
    if (dataplane !== 'sidecar' && dataplane !== 'ambient') fail(this, 'dataplane', dataplane, 'must be "sidecar" or "ambient"');
    if (dataplane === 'ambient' && !version.nodeAgents.ambient) {
      fail(this, 'dataplane', dataplane, `needs Istio 1.30: ambient mode was alpha in Istio ${version.tag} (the preset's default release); set version: IstioVersion.V1_30_3, or keep dataplane 'sidecar'`);
    }
    if (appNs === istioNamespace) fail(this, 'appNamespace', appNs, 'must differ from istioNamespace: the control-plane namespace gets no injection');
    const vaultEnabled = checkBoolean(this, 'vaultIntegrationEnabled', props.vaultIntegrationEnabled ?? false);
    const vaultNamespace = checkDnsLabel(this, 'vaultNamespace', props.vaultNamespace ?? 'vault');
    if (!vaultEnabled && props.vaultPki !== undefined) {
      fail(this, 'vaultPki', props.vaultPki, 'has no effect unless vaultIntegrationEnabled is true');
    }
    if (props.vaultPki?.vaultNamespace !== undefined && props.vaultNamespace !== undefined && props.vaultPki.vaultNamespace !== props.vaultNamespace) {
      fail(this, 'vaultPki.vaultNamespace', props.vaultPki.vaultNamespace, `conflicts with vaultNamespace "${props.vaultNamespace}"; set only one of them`);
    }
    const observabilityEnabled = checkBoolean(this, 'observabilityEnabled', props.observabilityEnabled ?? false);
    if (!observabilityEnabled && props.observability !== undefined) {
      fail(this, 'observability', props.observability, 'has no effect unless observabilityEnabled is true');
    }
    const observability = observabilityEnabled ? resolveObservability(this, 'observability', props.observability ?? {}, istioNamespace) : undefined;
    if (!ingressEnabled) {
      for (const key of ['tradingGateway', 'tradingAppRoute', 'ingressService'] as const) {
        const v = props[key];
        if (v !== undefined && v !== false) fail(this, key, key === 'ingressService' ? '(a GatewayService)' : v, 'needs ingressEnabled: true (it belongs to the ingress gateway)');
      }
    }
    if (props.tradingGateway === false && props.tradingAppRoute !== undefined && props.tradingAppRoute !== false) {
      fail(this, 'tradingAppRoute', props.tradingAppRoute, 'needs tradingGateway: the route is bound to it');
    }

    // --- control plane
    this.base = new IstioBase(this, 'base', {
      version, namespace: istioNamespace, kubernetesVersion: props.kubernetesVersion ?? '1.31',
      // ambient routes in-mesh L7 traffic through a waypoint, a Gateway API Gateway
      ...(dataplane === 'ambient' ? { gatewayApi: true } : {}),
    });
    this.istiod = new Istiod(this, 'istiod', {
      base: this.base,
      replicas,
      ...(props.pilotPodDisruptionBudget !== undefined ? { podDisruptionBudget: checkBoolean(this, 'pilotPodDisruptionBudget', props.pilotPodDisruptionBudget) } : {}),
      resources: props.pilotResources ?? ResourcePreset.raspberryPi(),
      proxy: { resources: props.sidecarResources ?? ResourcePreset.raspberryPiSidecar() },
      ...(dataplane === 'ambient' ? { ambient: true } : {}),
      ...(observability ? { meshConfig: observabilityMeshConfig(observability) } : {}),
    });
    if (vaultEnabled) {
      this.vaultCa = new VaultIstioCa(this, 'vault-ca', { vaultNamespace, ...(props.vaultPki ?? {}), istiod: this.istiod });
    }
    if (observability) {
      this.telemetry = new MeshTelemetry(this, 'telemetry', {
        istiod: this.istiod,
        name: observability.telemetryName,
        tracingProvider: observability.tracer.name,
        samplingPercentage: observability.samplingPercentage,
        accessLogging: observability.accessLogging,
      });
    }

    // --- gateways
    const gatewayResources = props.gatewayResources ?? ResourcePreset.raspberryPi();
    const autoscaling = props.gatewayAutoscaling ?? {};
    if (ingressEnabled) {
      this.ingressGateway = new IngressGateway(this, 'ingress-gateway', {
        istiod: this.istiod,
        namespace: istioNamespace,
        resources: gatewayResources,
        autoscaling,
        ...(props.ingressService ? { service: props.ingressService } : {}),
      });
    }
    if (egressEnabled) {
      this.egressGateway = new EgressGateway(this, 'egress-gateway', {
        istiod: this.istiod,
        namespace: istioNamespace,
        resources: gatewayResources,
        autoscaling,
      });
    }

    // --- mesh policy
    this.meshMtls = new MeshWideMtls(this, 'mesh-mtls', { istiod: this.istiod, mode: mtlsMode });
    const app = new ZeroTrustNamespace(this, `ns-${appNs}`, {
      istiod: this.istiod,
      name: appNs,
      podSecurity: props.podSecurity,
      // workloads reach the egress gateway in the control-plane namespace
      networkPolicy: egressEnabled ? { egressNamespaces: [istioNamespace] } : true,
    });
    this.appNamespace = app;
    if (dataplane === 'ambient') {
      // L7 routing (the canary's VirtualService) of an ambient namespace runs in its waypoint
      this.waypoint = new Waypoint(this, 'waypoint', { namespace: app });
      this.waypoint.useFor(appNs);
    }

    if (props.tradingAgentPolicy !== false) {
      const p = props.tradingAgentPolicy ?? {};
      const selector = checkLabels(this, 'tradingAgentPolicy.selector', p.selector ?? { app: 'trading-agent' })!;
      // Prometheus's identity in this mesh: derived from the trust domain and where Prometheus runs, never spelled out.
      const prometheusPrincipal = `${this.istiod.trustDomain}/ns/${observability?.prometheusNamespace ?? this.istiod.namespace}/sa/${observability?.prometheusServiceAccount ?? 'prometheus'}`;
      app.allow('trading-agent-policy', {
        name: p.name ?? 'trading-agent-policy',
        selector,
        rules: [
          { from: [{ namespaces: p.fromNamespaces ?? ['argocd'] }] },
          {
            from: [{ principals: [p.metricsPrincipal ?? prometheusPrincipal] }],
            to: [{ ports: [checkPort(this, 'tradingAgentPolicy.metricsPort', p.metricsPort ?? 8888)] }],
          },
        ],
      });
    }

    if (props.legacyPermissive !== false) {
      const l = props.legacyPermissive ?? {};
      const name = checkDnsSubdomain(this, 'legacyPermissive.name', l.name ?? 'legacy-service-permissive');
      app.permissive('legacy-service', { name, selector: l.selector ?? { legacy: 'true' } });
    }

    if (this.ingressGateway && props.tradingGateway !== false) {
      const g = props.tradingGateway ?? {};
      const gatewayName = checkDnsSubdomain(this, 'tradingGateway.name', g.name ?? 'trading-gateway');
      this.tradingGateway = this.ingressGateway.addGateway('trading-gateway', {
        name: gatewayName,
        namespace: appNs,
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: g.hosts ?? ['*'] }],
      });
      if (props.tradingAppRoute !== false) {
        const r = props.tradingAppRoute ?? {};
        // The ingress gateway's own identity must be allowed in: the namespace denies everything else.
        app.allow('allow-ingress-gateway', {
          rules: [{ from: [{ serviceAccounts: [{ namespace: istioNamespace, name: this.ingressGateway.serviceAccountName }] }] }],
        });
        this.tradingAppRoute = new MeshRoute(this, 'trading-app', {
          namespace: app,
          name: r.name ?? 'trading-app',
          hosts: [...this.tradingGateway.hosts],
          // same namespace: the short name, as the role writes it
          gateways: [gatewayName],
          routes: [{ destination: { host: r.service ?? 'trading-app-service', port: r.port ?? 80 } }],
        });
      }
    }

    if (props.tradingCanary !== false) {
      const c = props.tradingCanary ?? {};
      const canaryVersion = c.canaryVersion ?? 'v2';
      this.tradingCanary = new CanaryRoute(this, 'trading-canary', {
        namespace: app,
        host: c.host ?? 'trading-agent-service',
        stable: { version: c.stableVersion ?? 'v1' },
        canary: { version: canaryVersion, weight: c.canaryWeight ?? 10 },
        matches: [{ uri: { prefix: c.canaryPathPrefix ?? '/api/v2' }, subset: canaryVersion }],
        trafficPolicy: c.trafficPolicy ?? PI_CIRCUIT_BREAKER,
        destinationRuleName: c.destinationRuleName ?? 'circuit-breaker',
        virtualServiceName: c.virtualServiceName ?? 'trading-canary',
        steps: c.steps ?? [10, 25, 50, 100],
      });
    }

    if (observability) {
      app.allowMonitoring({ namespace: observability.prometheusNamespace, serviceAccount: observability.prometheusServiceAccount });
    }
  }
}
