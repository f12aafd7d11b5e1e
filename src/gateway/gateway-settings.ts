/**
 * Resolve and plan steps of a gateway: every check and default of {@link GatewayWorkloadProps}, and the labels
 * the objects carry. Nothing here emits an object; `gateway-emit.ts` builds the objects from the result.
 *
 * @internal
 */
import type { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { chartLabels, helmLabels, sortLabels } from '../base/labels';
import { Istiod } from '../istiod/istiod';
import { KubeJson } from '../kube';
import { checkKnownKeys } from '../resource/keys';
import { checkAnnotations, checkDnsLabel, checkInt, checkLabels, fail } from '../validation';
import { IstioVersion } from '../version';
import { ResourcePreset, ScalingPlan, SchedulingOptions, planScaling, renderPodPlacement, renderTolerations } from '../workload';
import { GATEWAY_STATUS_PORT, NETWORK_GATEWAY_PORTS } from './gateway-workload';
import type { GatewayWorkloadDefaults, GatewayWorkloadProps } from './gateway-workload';
import { ResolvedServicePort, resolveServicePorts } from './ports';
import { GatewayService, ResolvedGatewayService } from './service';
import { GATEWAY_WORKLOAD_PROPS } from './shapes';

/** Name of the upstream chart these gateways follow (gives `helm.sh/chart: gateway-<tag>`). */
const CHART = 'gateway';

/**
 * Labels, annotations and keys a user may not set, because the gateway's injection or selection
 * depends on them.
 */
const RESERVED_LABELS = ['app', 'istio', 'sidecar.istio.io/inject', 'istio.io/rev'];
const RESERVED_POD_ANNOTATIONS = ['inject.istio.io/templates', 'sidecar.istio.io/inject'];

/** Everything a gateway is built from, checked and defaulted. */
export interface GatewaySettings {
  readonly istiod: Istiod;
  readonly version: IstioVersion;
  readonly kubernetesMinor: number;
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly serviceHost: string;
  /** Emit a Namespace object (unless another construct of the chart already does). */
  readonly createNamespace: boolean;
  /** Selector labels, unsorted: chart defaults with the user's `selectorLabels` over them. */
  readonly selectorLabels: Record<string, string>;
  /** Labels of every object (`objectLabels`), sorted. */
  readonly objectLabels: Record<string, string>;
  /** Pod template labels, sorted. */
  readonly podLabels: Record<string, string>;
  /** Pod template annotations, sorted. */
  readonly podAnnotations: Record<string, string>;
  /** The Service's extra labels (user's `serviceLabels` and the network label). */
  readonly serviceLabels: Record<string, string>;
  /** The Service's annotations (user's, then the `service`'s own), unsorted. */
  readonly serviceAnnotations: Record<string, string>;
  readonly service: ResolvedGatewayService;
  /** The network of a network gateway (`networkGateway`), else undefined. */
  readonly network?: string;
  readonly ports: ResolvedServicePort[];
  readonly scaling: ScalingPlan;
  readonly resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly terminationGracePeriodSeconds: number;
  /** nodeSelector, affinity, tolerations and topology spread of the pod spec. */
  readonly scheduling: Partial<KubeJson<k8s.PodSpec>>;
}

/**
 * Checks `props` in the order the errors are reported (the first bad field is the one named) and fills in the
 * defaults. `scope` is the gateway construct: errors name its path.
 */
export function resolveGatewaySettings(scope: IConstruct, props: GatewayWorkloadProps, defaults: GatewayWorkloadDefaults): GatewaySettings {
  checkKnownKeys(scope, '', props, defaults.propsShape ?? GATEWAY_WORKLOAD_PROPS);
  if (!props || !(props.istiod instanceof Istiod)) {
    fail(scope, 'istiod', props?.istiod, 'must be an Istiod construct');
  }
  const istiod = props.istiod;
  const version = istiod.version;
  const kubernetesMinor = istiod.base.kubernetesMinor;

  const name = checkDnsLabel(scope, 'name', props.name ?? defaults.name);
  if (!/^[a-z]/.test(name)) fail(scope, 'name', name, 'must start with a letter: it names a Service (DNS-1035 label)');
  const namespace = checkDnsLabel(scope, 'namespace', props.namespace ?? defaults.namespace);

  // ---- labels -----------------------------------------------------------------------------
  checkLabels(scope, 'selectorLabels', props.selectorLabels);
  for (const key of ['sidecar.istio.io/inject', 'istio.io/rev']) {
    if (props.selectorLabels && key in props.selectorLabels) {
      fail(scope, `selectorLabels.${key}`, props.selectorLabels[key], 'is set by the gateway from istiod (injection must stay on: the proxy container is "image: auto"); select on other labels');
    }
  }
  const selectorLabels: Record<string, string> = {
    app: name,
    istio: name.replace(/^istio-/, ''),
    ...(props.selectorLabels ?? {}),
  };
  for (const [field, labels] of [['labels', props.labels], ['podLabels', props.podLabels], ['serviceLabels', props.serviceLabels]] as const) {
    checkLabels(scope, field, labels);
    for (const key of Object.keys(labels ?? {})) {
      if (RESERVED_LABELS.includes(key)) {
        fail(scope, `${field}.${key}`, labels![key], 'is set by the gateway itself (use selectorLabels for app/istio; revision and injection follow istiod)');
      }
      if (field !== 'serviceLabels' && key in selectorLabels) {
        fail(scope, `${field}.${key}`, labels![key], `is a selector label of the gateway (${key}=${selectorLabels[key]}); set it through selectorLabels so the selector keeps matching the pods`);
      }
    }
  }
  checkAnnotations(scope, 'podAnnotations', props.podAnnotations);
  checkAnnotations(scope, 'serviceAnnotations', props.serviceAnnotations);
  for (const key of Object.keys(props.podAnnotations ?? {})) {
    if (RESERVED_POD_ANNOTATIONS.includes(key)) {
      fail(scope, `podAnnotations.${key}`, props.podAnnotations![key], 'is set by the gateway itself: the pod must be injected with the "gateway" template');
    }
  }
  const userLabels = props.labels ?? {};

  // ---- service ----------------------------------------------------------------------------
  const svc = props.service ?? defaults.service;
  if (!(svc instanceof GatewayService)) {
    fail(scope, 'service', svc, 'must be a GatewayService, e.g. GatewayService.loadBalancer({ ip: "192.168.1.240" })');
  }
  const service = svc._resolve(scope, 'service');
  const np = service.nodePorts;
  const withNode = (nodePort: number | undefined) => (nodePort !== undefined ? { nodePort } : {});
  const network = defaults.networkGateway;
  if (network !== undefined) {
    for (const [field, labels] of [['labels', props.labels], ['podLabels', props.podLabels], ['serviceLabels', props.serviceLabels]] as const) {
      if (labels && 'topology.istio.io/network' in labels) {
        fail(scope, `${field}.topology.istio.io/network`, labels['topology.istio.io/network'], 'is set by the network gateway from its network');
      }
    }
  }
  const networkLabel: Record<string, string> = network !== undefined ? { 'topology.istio.io/network': network } : {};
  const ports = resolveServicePorts(scope, network !== undefined
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
  const scaling = planScaling(scope, props, { version, kubernetesMinor, defaultPdb: () => false });

  const preset = (props.resources ?? ResourcePreset.proxyDefault());
  if (!(preset instanceof ResourcePreset)) {
    fail(scope, 'resources', preset, 'must be a ResourcePreset, e.g. ResourcePreset.raspberryPi() or ResourcePreset.of({...})');
  }
  const resources = preset.render(scope, 'resources');
  const terminationGracePeriodSeconds = checkInt(scope, 'terminationGracePeriodSeconds', props.terminationGracePeriodSeconds ?? 30, 0);
  const scheduling = schedulingSpec(scope, props);
  // Everything is checked: what follows only derives values.

  // ---- plan: labels and annotations of the objects ------------------------------------------
  const labelInput = { version, name, selectorLabels, userLabels };
  return {
    istiod,
    version,
    kubernetesMinor,
    name,
    namespace,
    serviceAccountName: name,
    serviceHost: `${name}.${namespace}.svc.cluster.local`,
    createNamespace: (props.createNamespace ?? true) && namespace !== istiod.namespace,
    selectorLabels,
    objectLabels: objectLabels(labelInput),
    podLabels: sortLabels({
      ...istiod.podInjectionLabels(),
      ...podChartLabels(labelInput),
      ...(props.podLabels ?? {}),
      ...networkLabel,
    }),
    podAnnotations: sortLabels({
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/stats/prometheus',
      ...(props.podAnnotations ?? {}),
      'inject.istio.io/templates': 'gateway',
      'sidecar.istio.io/inject': 'true',
    }),
    serviceLabels: { ...(props.serviceLabels ?? {}), ...networkLabel },
    serviceAnnotations: { ...(props.serviceAnnotations ?? {}), ...service.annotations },
    service,
    network,
    ports,
    scaling,
    resources,
    terminationGracePeriodSeconds,
    scheduling,
  };
}

interface LabelInput {
  readonly version: IstioVersion;
  readonly name: string;
  readonly selectorLabels: Record<string, string>;
  readonly userLabels: Record<string, string>;
}

/**
 * Labels of every chart object: selector labels, the chart's `app.kubernetes.io/*` and `helm.sh/chart`
 * labels (the 1.20 gateway chart carries name/version/managed-by and the chart label; 1.30 adds
 * instance and part-of), `istio.io/dataplane-mode: none` on 1.30, and the user's labels.
 */
function objectLabels(s: LabelInput): Record<string, string> {
  return sortLabels({
    'app.kubernetes.io/name': s.name,
    ...helmLabels(s.version, CHART),
    ...chartLabels(s.version, { release: s.name, chart: CHART }),
    ...dataplaneLabel(s.version),
    ...s.userLabels,
    ...s.selectorLabels,
  });
}

/**
 * Pod template labels the chart sets besides the injection labels: selector labels and user labels,
 * plus on 1.30 `app.kubernetes.io/name`, the chart label set and `istio.io/dataplane-mode: none`.
 */
function podChartLabels(s: LabelInput): Record<string, string> {
  const chart = chartLabels(s.version, { release: s.name, chart: CHART });
  return {
    ...(Object.keys(chart).length ? { 'app.kubernetes.io/name': s.name, ...chart } : {}),
    ...dataplaneLabel(s.version),
    ...s.userLabels,
    ...s.selectorLabels,
  };
}

function dataplaneLabel(version: IstioVersion): Record<string, string> {
  return version.dataplaneModeNoneLabel ? { 'istio.io/dataplane-mode': 'none' } : {};
}

function schedulingSpec(scope: IConstruct, props: SchedulingOptions): Partial<KubeJson<k8s.PodSpec>> {
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
