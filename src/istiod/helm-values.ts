/**
 * The Helm-values view of an istiod install (for the informational `values` ConfigMap of 1.30): the values a user
 * would have passed to the upstream chart for the same result, and those merged over the chart's defaults.
 *
 * @internal
 */
import type { IstiodProps } from './istiod';
import { deepMerge, HelmValues } from './config-maps';
import { IstiodContext } from './context';
import { ScalingPlan } from '../workload';

/** Resolved settings the values are described from. */
export interface ResolvedIstiodSettings {
  readonly hub: string;
  readonly tag: string;
  readonly logLevel: string;
  readonly plan: ScalingPlan;
  readonly resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly clusterName: string;
  /** The container's user env (including `ENABLE_NATIVE_SIDECARS` from `nativeSidecars`). */
  readonly env: Record<string, string>;
  readonly mesh: Record<string, unknown>;
}

/** Builds `original` (only what `props` set) and `merged` (chart defaults overlaid with it). */
export function helmValues(ctx: IstiodContext, props: IstiodProps, s: ResolvedIstiodSettings): HelmValues {
  const original: Record<string, unknown> = {};
  const set = (path: string, value: unknown) => {
    if (value === undefined) return;
    const keys = path.split('.');
    let node = original;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1]] = value;
  };

  set('revision', props.revision);
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
  if (props.cni !== undefined) set('pilot.cni.enabled', props.cni);

  const defaults: Record<string, unknown> = {
    affinity: {},
    autoscaleEnabled: true,
    autoscaleMax: 5,
    autoscaleMin: 1,
    cpu: { targetAverageUtilization: 80 },
    env: {},
    global: {
      defaultPodDisruptionBudget: { enabled: true },
      hub: s.hub,
      istioNamespace: ctx.namespace,
      logging: { level: 'default:info' },
      meshID: '',
      multiCluster: { clusterName: s.clusterName },
      network: '',
      pilotCertProvider: 'istiod',
      tag: s.tag,
    },
    hub: '',
    image: 'pilot',
    keepaliveMaxServerConnectionAge: '30m',
    meshConfig: s.mesh,
    nodeSelector: {},
    pdb: { minAvailable: 1 },
    pilot: { cni: { enabled: false } },
    replicaCount: 1,
    resources: { requests: { cpu: '500m', memory: '2048Mi' } },
    revision: '',
    tag: '',
    tolerations: [],
    topologySpreadConstraints: [],
    traceSampling: 1,
    variant: '',
  };
  return { original, merged: deepMerge(defaults, original) };
}
