/**
 * The keys of the workload option interfaces (src/workload.ts), checked at run time by `checkKnownKeys` so that a key
 * the interface does not have is an error instead of vanishing. The compiler keeps each shape equal to its interface.
 *
 * @internal
 */
import type { Shape } from './resource/keys';
import type { AutoscalingOptions, PodDisruptionBudgetOptions, ResourceRequirements, SchedulingOptions, Toleration } from './workload';

export const RESOURCE_REQUIREMENTS: Shape<ResourceRequirements> = {
  requests: { cpu: true, memory: true },
  limits: { cpu: true, memory: true },
};

export const AUTOSCALING: Shape<AutoscalingOptions> = { minReplicas: true, maxReplicas: true, targetCpuUtilization: true };

export const POD_DISRUPTION_BUDGET: Shape<PodDisruptionBudgetOptions> = { minAvailable: true, maxUnavailable: true, unhealthyPodEvictionPolicy: true };

export const TOLERATION: Shape<Toleration> = { key: true, operator: true, value: true, effect: true, tolerationSeconds: true };

/** Affinity and topology spread constraints are Kubernetes' own forms, emitted as given: not ours to check. */
export const SCHEDULING: Shape<SchedulingOptions> = {
  nodeSelector: true,
  tolerations: [TOLERATION],
  affinity: 'ref',
  topologySpreadConstraints: 'ref',
};
