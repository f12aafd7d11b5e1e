/**
 * How many istiod replicas run: the replica count, the HorizontalPodAutoscaler and the PodDisruptionBudget.
 *
 * @internal
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { kubeObject } from '../kube';
import { checkInt, checkObject, fail } from '../validation';
import { AutoscalingOptions, PodDisruptionBudgetOptions, ResolvedAutoscaling, resolveAutoscaling, resolvePdb } from '../workload';
import { IstiodContext } from './context';

/** Why `replicas` and `autoscaling` options cannot be combined (the same rule and wording as gateways). */
const REPLICAS_WITH_AUTOSCALING = 'conflicts with autoscaling: give replicas for a fixed count (no HPA), or autoscaling for an HPA that owns the count, not both';

/** Scaling inputs, as given on `IstiodProps`. */
export interface ScalingInput {
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingOptions | false;
  readonly podDisruptionBudget?: PodDisruptionBudgetOptions | boolean;
}

/** What gets rendered. */
export interface ScalingPlan {
  /** `spec.replicas` of the Deployment; undefined while the HPA owns the count. */
  readonly replicas?: number;
  /** The HPA bounds, when an HPA is rendered. */
  readonly autoscaling?: ResolvedAutoscaling;
  /** PDB spec fields (without selector), when a PDB is rendered. */
  readonly pdb?: Record<string, number | string>;
}

/**
 * Resolves replicas, HPA and PDB:
 * - no `replicas`, no `autoscaling`: HPA 1-5 at 80% CPU, no replica count (upstream default);
 * - `replicas` alone: that count, no HPA;
 * - `autoscaling: false`: no HPA, `replicas` (default 1);
 * - both `replicas` and `autoscaling` (options): rejected as conflicting, as gateways do (the HPA would own the
 *   count, so a fixed count beside it means nothing).
 * PDB: `podDisruptionBudget` decides when given; otherwise the version's rule (always on 1.20; on 1.30 only
 * when more than one replica is guaranteed).
 */
export function planScaling(scope: Construct, ctx: IstiodContext, input: ScalingInput, kubernetesMinor: number): ScalingPlan {
  if (input.replicas !== undefined) checkInt(scope, 'replicas', input.replicas, 0);
  let replicas: number | undefined;
  let autoscaling: ResolvedAutoscaling | undefined;
  if (input.autoscaling === false) {
    replicas = input.replicas ?? 1;
  } else if (input.autoscaling !== undefined) {
    if (input.replicas !== undefined) fail(scope, 'replicas', input.replicas, REPLICAS_WITH_AUTOSCALING);
    checkObject(scope, 'autoscaling', input.autoscaling, 'must be autoscaling options { minReplicas, maxReplicas, targetCpuUtilization } or false');
    autoscaling = resolveAutoscaling(scope, 'autoscaling', input.autoscaling);
  } else if (input.replicas !== undefined) {
    replicas = input.replicas;
  } else {
    autoscaling = resolveAutoscaling(scope, 'autoscaling', {});
  }

  let pdb: Record<string, number | string> | undefined;
  const p = input.podDisruptionBudget;
  if (p === true || (p !== undefined && p !== null && p !== false && typeof p === 'object')) {
    pdb = resolvePdb(scope, 'podDisruptionBudget', p === true ? {} : p);
  } else if (p !== undefined && p !== false) {
    fail(scope, 'podDisruptionBudget', p, 'must be true, false or PodDisruptionBudgetOptions');
  } else if (p === undefined) {
    const guaranteed = autoscaling ? autoscaling.minReplicas : replicas ?? 1;
    if (ctx.version.istiodPdbByDefault || guaranteed > 1) pdb = { minAvailable: 1 };
  }
  // The field exists in policy/v1 only (Kubernetes 1.26+); a policy/v1beta1 PDB cannot carry it.
  const pdbApiVersion = ctx.version.pdbApiVersion(kubernetesMinor);
  if (pdb?.unhealthyPodEvictionPolicy !== undefined && pdbApiVersion !== 'policy/v1') {
    fail(scope, 'podDisruptionBudget.unhealthyPodEvictionPolicy', pdb.unhealthyPodEvictionPolicy,
      `needs policy/v1; this cluster (Kubernetes 1.${kubernetesMinor}) gets ${pdbApiVersion}`);
  }
  return { replicas, autoscaling, pdb };
}

/** Adds the HPA `istiod[-rev]` (autoscaling/v2, or v2beta2 for 1.20 on Kubernetes < 1.23). */
export function addHpa(scope: Construct, ctx: IstiodContext, kubernetesMinor: number, a: ResolvedAutoscaling): ApiObject {
  const metadata = ctx.meta(ctx.name);
  const spec = {
    maxReplicas: a.maxReplicas,
    minReplicas: a.minReplicas,
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: ctx.name },
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuUtilization } } }],
  };
  // autoscaling/v2beta2 has the same shape as v2 for these fields.
  return kubeObject(scope, 'hpa', 'HorizontalPodAutoscaler', { apiVersion: ctx.version.hpaApiVersion(kubernetesMinor), metadata, spec });
}

/** Adds the PDB `istiod[-rev]` selecting istiod's pods (policy/v1, or v1beta1 for 1.20 on Kubernetes < 1.21). */
export function addPdb(scope: Construct, ctx: IstiodContext, kubernetesMinor: number, fields: Record<string, number | string>): ApiObject {
  const metadata = ctx.meta(ctx.name);
  // fields (from resolvePdb): minAvailable or maxUnavailable, and unhealthyPodEvictionPolicy (policy/v1 only,
  // checked by planScaling). Unset ones are undefined and left out of the output.
  const { minAvailable, maxUnavailable, unhealthyPodEvictionPolicy } = fields;
  const spec = {
    minAvailable,
    maxUnavailable,
    unhealthyPodEvictionPolicy: unhealthyPodEvictionPolicy as string | undefined,
    selector: { matchLabels: ctx.selectorLabels },
  };
  // policy/v1beta1 has the same shape as policy/v1 for these fields.
  return kubeObject(scope, 'pdb', 'PodDisruptionBudget', { apiVersion: ctx.version.pdbApiVersion(kubernetesMinor), metadata, spec });
}
