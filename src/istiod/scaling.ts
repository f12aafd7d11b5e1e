/**
 * How many istiod replicas run: the shared replica/HPA/PDB rules of src/workload.ts with istiod's PDB rule
 * (always on 1.20; on 1.30 only when more than one replica is guaranteed) and istiod's names and selector.
 *
 * @internal
 */
import { Construct } from 'constructs';
import { addHpa as addWorkloadHpa, addPdb as addWorkloadPdb, planScaling as planWorkloadScaling, ScalingInput, ScalingPlan } from '../workload';
import { IstiodContext } from './context';

/** Resolves replicas, HPA and PDB of istiod (see {@link planWorkloadScaling}). */
export function planScaling(scope: Construct, ctx: IstiodContext, input: ScalingInput, kubernetesMinor: number): ScalingPlan {
  return planWorkloadScaling(scope, input, {
    version: ctx.version,
    kubernetesMinor,
    defaultPdb: (guaranteed) => ctx.version.istiodPdbByDefault || guaranteed > 1,
  });
}

/** Adds the HPA and PDB `istiod[-rev]` the plan asks for. */
export function addScaling(scope: Construct, ctx: IstiodContext, plan: ScalingPlan): void {
  addWorkloadHpa(scope, 'hpa', plan, ctx.meta(ctx.name, 'autoscaler'));
  addWorkloadPdb(scope, 'pdb', plan, ctx.meta(ctx.name), ctx.selectorLabels);
}
