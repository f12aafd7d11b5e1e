/**
 * The Helm-values view of an istiod install (for the informational `values` ConfigMap of 1.30): the values a user
 * would have passed to the upstream chart for the same result, and those merged over the chart's defaults.
 *
 * @internal
 */
import type { IstiodProps } from './istiod';
import { deepMerge, HelmValues } from './config-maps';
import { ScalingPlan } from '../workload';

/** Resolved settings the values are described from. */
export interface ResolvedIstiodSettings {
  readonly hub: string;
  readonly tag: string;
  readonly variant?: string;
  /** The CNI agent is rendered (injection in CNI mode). */
  readonly cni: boolean;
  /** Ambient mode (upstream's `ambient` profile). */
  readonly ambient: boolean;
  readonly logLevel: string;
  readonly plan: ScalingPlan;
  readonly resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly clusterName: string;
  /** The container's user env (including `ENABLE_NATIVE_SIDECARS` from `nativeSidecars`). */
  readonly env: Record<string, string>;
  readonly mesh: Record<string, unknown>;
  /** The injector ConfigMap's `values` (parsed): its `global` and `sidecarInjectorWebhook` are the chart's. */
  readonly injectorValues: Record<string, unknown>;
}

/**
 * The istiod chart's own defaults (1.30) for the keys outside `global` and `sidecarInjectorWebhook`, which the
 * injector values already carry.
 */
const CHART_DEFAULTS: Record<string, unknown> = {
  affinity: {},
  autoscaleBehavior: {},
  autoscaleEnabled: true,
  autoscaleMax: 5,
  autoscaleMin: 1,
  base: { enableIstioConfigCRDs: true },
  cni: { enabled: false, provider: 'default' },
  configMap: true,
  cpu: { targetAverageUtilization: 80 },
  deploymentAnnotations: {},
  deploymentLabels: {},
  env: {},
  envVarFrom: [],
  experimental: { stableValidationPolicy: false },
  extraContainerArgs: [],
  gatewayClasses: {},
  gateways: { seccompProfile: {}, securityContext: {} },
  hub: '',
  image: 'pilot',
  initContainers: [],
  ipFamilies: [],
  ipFamilyPolicy: '',
  istiodRemote: { enabled: false, enabledLocalInjectorIstiod: false, injectionCABundle: '', injectionPath: '/inject', injectionURL: '' },
  jwksResolverExtraRootCA: '',
  keepaliveMaxServerConnectionAge: '30m',
  memory: {},
  meshConfig: { enablePrometheusMerge: true },
  nodeSelector: {},
  ownerName: '',
  pdb: { minAvailable: 1, unhealthyPodEvictionPolicy: '' },
  podAnnotations: {},
  podLabels: {},
  replicaCount: 1,
  resources: { requests: { cpu: '500m', memory: '2048Mi' } },
  revision: '',
  revisionTags: [],
  rollingMaxSurge: '100%',
  rollingMaxUnavailable: '25%',
  seccompProfile: {},
  serviceAccountAnnotations: {},
  serviceAnnotations: {},
  sidecarInjectorWebhookAnnotations: {},
  tag: '',
  taint: { enabled: false, name: 'cni.istio.io/not-ready', namespace: '' },
  telemetry: { enabled: true, v2: { enabled: true, prometheus: { enabled: true }, stackdriver: { enabled: false } } },
  tolerations: [],
  topologySpreadConstraints: [],
  traceSampling: 1,
  trustedZtunnelName: '',
  trustedZtunnelNamespace: '',
  variant: '',
  volumeMounts: [],
  volumes: [],
};

/** Builds `original` (only what `props` set) and `merged` (chart defaults overlaid with it). */
export function helmValues(props: IstiodProps, s: ResolvedIstiodSettings): HelmValues {
  const original: Record<string, unknown> = {};
  const set = (path: string, value: unknown) => {
    if (value === undefined) return;
    const keys = path.split('.');
    let node = original;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1]] = value;
  };

  set('revision', props.revision);
  if (props.revisionTags !== undefined && props.revisionTags.length > 0) set('revisionTags', [...props.revisionTags]);
  set('replicaCount', props.replicas);
  if (props.autoscaling === false) set('autoscaleEnabled', false);
  else if (props.autoscaling !== undefined) {
    set('autoscaleMin', s.plan.autoscaling?.minReplicas);
    set('autoscaleMax', s.plan.autoscaling?.maxReplicas);
    set('cpu.targetAverageUtilization', s.plan.autoscaling?.targetCpuUtilization);
  } else if (props.replicas !== undefined) set('autoscaleEnabled', false);
  if (props.podDisruptionBudget === false) set('global.defaultPodDisruptionBudget.enabled', false);
  else if (props.podDisruptionBudget !== undefined) set('pdb', s.plan.pdb);
  if (props.resources !== undefined) set('resources', s.resources);
  set('hub', props.image?.hub);
  set('tag', props.image?.tag);
  set('variant', props.image?.variant);
  if (props.logLevel !== undefined) set('global.logging.level', `default:${s.logLevel}`);
  if (props.env !== undefined || props.nativeSidecars !== undefined) set('env', s.env);
  set('nodeSelector', props.nodeSelector);
  set('tolerations', props.tolerations);
  set('affinity', props.affinity);
  set('topologySpreadConstraints', props.topologySpreadConstraints);
  if (props.meshConfig !== undefined) set('meshConfig', s.mesh);
  set('global.multiCluster.clusterName', props.clusterName);
  set('global.meshID', props.meshId);
  set('global.network', props.network);
  if (s.ambient) {
    // the profile, plus the CNI mode of injection istioctl's ambient profile turns on
    set('profile', 'ambient');
    set('cni.enabled', true);
  } else if (props.cni !== undefined) set('cni.enabled', s.cni);

  // The injector's values are the chart's `global` and `sidecarInjectorWebhook` (less our template switches).
  const { templateFeatures: _features, ...webhook } = s.injectorValues.sidecarInjectorWebhook as Record<string, unknown>;
  const defaults = deepMerge(CHART_DEFAULTS, {
    global: s.injectorValues.global,
    sidecarInjectorWebhook: webhook,
  });
  const { profile: _profile, ...originalWithoutProfile } = original;
  return { original, merged: deepMerge(deepMerge(defaults, s.ambient ? ambientProfile(s) : {}), { ...originalWithoutProfile, ...(s.ambient ? { profile: 'ambient' } : {}) }) };
}

/** What upstream's `ambient` profile sets in the istiod chart's values. */
function ambientProfile(s: ResolvedIstiodSettings): Record<string, unknown> {
  const defaultConfig = (s.mesh.defaultConfig ?? {}) as Record<string, unknown>;
  return {
    cni: { ambient: { enabled: true } },
    env: { PILOT_ENABLE_AMBIENT: 'true' },
    global: { variant: s.variant ?? '' },
    meshConfig: { defaultConfig: { proxyMetadata: defaultConfig.proxyMetadata }, serviceScopeConfigs: s.mesh.serviceScopeConfigs },
    pilot: { env: { PILOT_ENABLE_AMBIENT: 'true' } },
  };
}
