import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { chartLabels, helmLabels, sortLabels } from '../base/labels';
import { Istiod } from '../istiod/istiod';
import { KubeJson, kubeObject } from '../kube';
import { checkAnnotations, checkDnsLabel, checkInt, checkLabels, fail, findNamespaceObject } from '../validation';
import { IstioVersion } from '../version';
import {
  AutoscalingOptions,
  PodDisruptionBudgetOptions,
  ResourcePreset,
  SchedulingOptions,
  addHpa,
  addPdb,
  planScaling,
  renderPodPlacement,
  renderTolerations,
} from '../workload';
import { MeshGateway, MeshGatewayOptions } from './mesh-gateway';
import { GatewayPort, ResolvedServicePort, resolveServicePorts } from './ports';
import { GatewayService, GatewayServiceType } from './service';
import { checkKnownKeys, Shape } from '../resource/keys';
import { GATEWAY_WORKLOAD_PROPS } from './shapes';

/** Name of the upstream chart these gateways follow (gives `helm.sh/chart: gateway-<tag>`). */
const CHART = 'gateway';

/** Port of the gateway proxy's readiness/status endpoint. */
export const GATEWAY_STATUS_PORT = 15021;
/** Port where the proxy serves Envoy's Prometheus stats. */
export const GATEWAY_ENVOY_PROM_PORT = 15090;

/**
 * Labels, annotations and keys a user may not set, because the gateway's injection or selection
 * depends on them.
 */
const RESERVED_LABELS = ['app', 'istio', 'sidecar.istio.io/inject', 'istio.io/rev'];
const RESERVED_POD_ANNOTATIONS = ['inject.istio.io/templates', 'sidecar.istio.io/inject'];

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
    checkKnownKeys(this, '', props, defaults.propsShape ?? GATEWAY_WORKLOAD_PROPS);
    if (!props || !(props.istiod instanceof Istiod)) {
      fail(this, 'istiod', props?.istiod, 'must be an Istiod construct');
    }
    const istiod = props.istiod;
    this.istiod = istiod;
    this.version = istiod.version;
    this.revision = istiod.revision;
    const kubeMinor = istiod.base.kubernetesMinor;

    this.name = checkDnsLabel(this, 'name', props.name ?? defaults.name);
    if (!/^[a-z]/.test(this.name)) fail(this, 'name', this.name, 'must start with a letter: it names a Service (DNS-1035 label)');
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? defaults.namespace);
    this.serviceAccountName = this.name;
    this.serviceHost = `${this.name}.${this.namespace}.svc.cluster.local`;

    // ---- labels -----------------------------------------------------------------------------
    checkLabels(this, 'selectorLabels', props.selectorLabels);
    for (const key of ['sidecar.istio.io/inject', 'istio.io/rev']) {
      if (props.selectorLabels && key in props.selectorLabels) {
        fail(this, `selectorLabels.${key}`, props.selectorLabels[key], 'is set by the gateway from istiod (injection must stay on: the proxy container is "image: auto"); select on other labels');
      }
    }
    this.selectorLabelSet = {
      app: this.name,
      istio: this.name.replace(/^istio-/, ''),
      ...(props.selectorLabels ?? {}),
    };
    for (const [field, labels] of [['labels', props.labels], ['podLabels', props.podLabels], ['serviceLabels', props.serviceLabels]] as const) {
      checkLabels(this, field, labels);
      for (const key of Object.keys(labels ?? {})) {
        if (RESERVED_LABELS.includes(key)) {
          fail(this, `${field}.${key}`, labels![key], 'is set by the gateway itself (use selectorLabels for app/istio; revision and injection follow istiod)');
        }
        if (field !== 'serviceLabels' && key in this.selectorLabelSet) {
          fail(this, `${field}.${key}`, labels![key], `is a selector label of the gateway (${key}=${this.selectorLabelSet[key]}); set it through selectorLabels so the selector keeps matching the pods`);
        }
      }
    }
    checkAnnotations(this, 'podAnnotations', props.podAnnotations);
    checkAnnotations(this, 'serviceAnnotations', props.serviceAnnotations);
    for (const key of Object.keys(props.podAnnotations ?? {})) {
      if (RESERVED_POD_ANNOTATIONS.includes(key)) {
        fail(this, `podAnnotations.${key}`, props.podAnnotations![key], 'is set by the gateway itself: the pod must be injected with the "gateway" template');
      }
    }
    const userLabels = props.labels ?? {};
    const objectLabels = this.objectLabels(userLabels);

    // ---- service ----------------------------------------------------------------------------
    const svc = props.service ?? defaults.service;
    if (!(svc instanceof GatewayService)) {
      fail(this, 'service', svc, 'must be a GatewayService, e.g. GatewayService.loadBalancer({ ip: "192.168.1.240" })');
    }
    const resolvedSvc = svc._resolve(this, 'service');
    this.serviceType = resolvedSvc.type;
    const np = resolvedSvc.nodePorts;
    const withNode = (nodePort: number | undefined) => (nodePort !== undefined ? { nodePort } : {});
    const network = defaults.networkGateway;
    if (network !== undefined) {
      for (const [field, labels] of [['labels', props.labels], ['podLabels', props.podLabels], ['serviceLabels', props.serviceLabels]] as const) {
        if (labels && 'topology.istio.io/network' in labels) {
          fail(this, `${field}.topology.istio.io/network`, labels['topology.istio.io/network'], 'is set by the network gateway from its network');
        }
      }
    }
    const networkLabel: Record<string, string> = network !== undefined ? { 'topology.istio.io/network': network } : {};
    this.ports = resolveServicePorts(this, network !== undefined
      ? [
        { name: 'status-port', port: GATEWAY_STATUS_PORT, targetPort: GATEWAY_STATUS_PORT, protocol: 'TCP', ...withNode(np.status) },
        { name: 'tls', port: NETWORK_GATEWAY_PORTS.tls, targetPort: NETWORK_GATEWAY_PORTS.tls, protocol: 'TCP' },
        { name: 'tls-istiod', port: NETWORK_GATEWAY_PORTS.tlsIstiod, targetPort: NETWORK_GATEWAY_PORTS.tlsIstiod, protocol: 'TCP' },
        { name: 'tls-webhook', port: NETWORK_GATEWAY_PORTS.tlsWebhook, targetPort: NETWORK_GATEWAY_PORTS.tlsWebhook, protocol: 'TCP' },
      ]
      : [
        { name: 'status-port', port: GATEWAY_STATUS_PORT, targetPort: GATEWAY_STATUS_PORT, protocol: 'TCP', ...withNode(np.status) },
        { name: 'http2', port: 80, targetPort: 80, protocol: 'TCP', ...withNode(np.http) },
        { name: 'https', port: 443, targetPort: 443, protocol: 'TCP', ...withNode(np.https) },
      ], props.ports, svc.hasNodePorts);

    // ---- replicas / HPA / PDB (the gateway chart renders a PDB only when asked) ----------------
    const scaling = planScaling(this, props, { version: this.version, kubernetesMinor: kubeMinor, defaultPdb: () => false });

    const resources = (props.resources ?? ResourcePreset.proxyDefault());
    if (!(resources instanceof ResourcePreset)) {
      fail(this, 'resources', resources, 'must be a ResourcePreset, e.g. ResourcePreset.raspberryPi() or ResourcePreset.of({...})');
    }
    const renderedResources = resources.render(this, 'resources');
    const grace = checkInt(this, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? 30, 0);
    const scheduling = schedulingSpec(this, props);
    // Everything is checked: from here on objects are emitted.

    // ---- objects ----------------------------------------------------------------------------
    const meta = (extraLabels: Record<string, string> = {}) => ({
      name: this.name,
      namespace: this.namespace,
      labels: sortLabels({ ...objectLabels, ...extraLabels }),
    });

    const createNs = (props.createNamespace ?? true) && this.namespace !== istiod.namespace;
    if (createNs) {
      // Another construct of the chart (a gateway, a ZeroTrustNamespace) may already emit it.
      if (!findNamespaceObject(this, this.namespace)) {
        kubeObject(this, 'namespace', 'Namespace', {
          metadata: { name: this.namespace, labels: sortLabels(istiod.namespaceInjectionLabels()) },
        });
      }
    }

    kubeObject(this, 'service-account', 'ServiceAccount', { metadata: meta() });

    kubeObject(this, 'role', 'Role', {
      metadata: meta(),
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
    });

    kubeObject(this, 'role-binding', 'RoleBinding', {
      metadata: meta(),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName }],
    });

    const serviceAnnotations = { ...(props.serviceAnnotations ?? {}), ...resolvedSvc.annotations };
    kubeObject(this, 'service', 'Service', {
      metadata: {
        ...meta({ ...(props.serviceLabels ?? {}), ...networkLabel }),
        ...(Object.keys(serviceAnnotations).length ? { annotations: sortLabels(serviceAnnotations) } : {}),
      },
      spec: {
        type: resolvedSvc.type,
        ...(resolvedSvc.externalTrafficPolicy ? { externalTrafficPolicy: resolvedSvc.externalTrafficPolicy } : {}),
        ...(resolvedSvc.loadBalancerSourceRanges?.length ? { loadBalancerSourceRanges: resolvedSvc.loadBalancerSourceRanges } : {}),
        ports: this.ports.map((p) => ({
          name: p.name,
          port: p.port,
          protocol: p.protocol,
          targetPort: p.targetPort,
          ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
        })),
        selector: this.selector,
      },
    });

    const sysctl = this.version.gatewaySysctl(kubeMinor);
    const podLabels = sortLabels({
      ...istiod.podInjectionLabels(),
      ...this.podChartLabels(userLabels),
      ...(props.podLabels ?? {}),
      ...networkLabel,
    });
    const podAnnotations = sortLabels({
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/stats/prometheus',
      ...(props.podAnnotations ?? {}),
      'inject.istio.io/templates': 'gateway',
      'sidecar.istio.io/inject': 'true',
    });
    const containerSecurityContext: KubeJson<k8s.SecurityContext> | undefined = sysctl
      ? {
        capabilities: { drop: ['ALL'] },
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        ...(this.version.gatewayRunAsUser1337 ? { runAsUser: 1337, runAsGroup: 1337 } : {}),
        runAsNonRoot: true,
      }
      : undefined;
    kubeObject(this, 'deployment', 'Deployment', {
      metadata: meta(),
      spec: {
        ...(scaling.replicas !== undefined ? { replicas: scaling.replicas } : {}),
        selector: { matchLabels: this.selector },
        template: {
          metadata: { annotations: podAnnotations, labels: podLabels },
          spec: {
            serviceAccountName: this.serviceAccountName,
            securityContext: {
              ...(sysctl ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [{
              name: 'istio-proxy',
              image: 'auto',
              ...(containerSecurityContext ? { securityContext: containerSecurityContext } : {}),
              ...(network !== undefined ? { env: [{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: network }] } : {}),
              ports: [{ containerPort: GATEWAY_ENVOY_PROM_PORT, protocol: 'TCP', name: 'http-envoy-prom' }],
              resources: toKubeResources(renderedResources),
            }],
            ...scheduling,
            terminationGracePeriodSeconds: grace,
          },
        },
      },
    });

    addHpa(this, 'Hpa', scaling, meta());
    addPdb(this, 'Pdb', scaling, meta(), this.selector);
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

  /**
   * Labels of every chart object: selector labels, the chart's `app.kubernetes.io/*` and `helm.sh/chart`
   * labels (the 1.20 gateway chart carries name/version/managed-by and the chart label; 1.30 adds
   * instance and part-of), `istio.io/dataplane-mode: none` on 1.30, and the user's labels.
   */
  private objectLabels(userLabels: Record<string, string>): Record<string, string> {
    return sortLabels({
      'app.kubernetes.io/name': this.name,
      ...helmLabels(this.version, CHART),
      ...chartLabels(this.version, { release: this.name, chart: CHART }),
      ...this.dataplaneLabel(),
      ...userLabels,
      ...this.selectorLabelSet,
    });
  }

  /**
   * Pod template labels the chart sets besides the injection labels: selector labels and user labels,
   * plus on 1.30 `app.kubernetes.io/name`, the chart label set and `istio.io/dataplane-mode: none`.
   */
  private podChartLabels(userLabels: Record<string, string>): Record<string, string> {
    const chart = chartLabels(this.version, { release: this.name, chart: CHART });
    return {
      ...(Object.keys(chart).length ? { 'app.kubernetes.io/name': this.name, ...chart } : {}),
      ...this.dataplaneLabel(),
      ...userLabels,
      ...this.selectorLabelSet,
    };
  }

  private dataplaneLabel(): Record<string, string> {
    return this.version.dataplaneModeNoneLabel ? { 'istio.io/dataplane-mode': 'none' } : {};
  }
}

function toKubeResources(r: { requests?: Record<string, string>; limits?: Record<string, string> }): KubeJson<k8s.ResourceRequirements> {
  return {
    ...(r.limits ? { limits: { ...r.limits } } : {}),
    ...(r.requests ? { requests: { ...r.requests } } : {}),
  };
}

function schedulingSpec(scope: Construct, props: SchedulingOptions): Partial<KubeJson<k8s.PodSpec>> {
  checkLabels(scope, 'nodeSelector', props.nodeSelector);
  const tolerations = renderTolerations(scope, 'tolerations', props.tolerations ?? []);
  const out: { -readonly [K in keyof KubeJson<k8s.PodSpec>]?: KubeJson<k8s.PodSpec>[K] } = {};
  if (props.nodeSelector && Object.keys(props.nodeSelector).length) out.nodeSelector = sortLabels(props.nodeSelector);
  const placement = renderPodPlacement(scope, props);
  if (placement.affinity) out.affinity = placement.affinity;
  if (tolerations.length) out.tolerations = tolerations;
  if (placement.topologySpreadConstraints) out.topologySpreadConstraints = placement.topologySpreadConstraints;
  return out;
}
