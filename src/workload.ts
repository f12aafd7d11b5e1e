import type { k8s } from 'cdk8s-plus-28';
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { KubeJson, kubeObject } from './kube';
import { checkCpu, checkInt, checkList, checkMemory, checkObject, fail, isLabelKey, parseCpu, parseMemory } from './validation';
import { IstioVersion } from './version';
import { checkKnownKeys } from './resource/keys';
import { AUTOSCALING, POD_DISRUPTION_BUDGET, RESOURCE_REQUIREMENTS } from './workload-shapes';

/** CPU and memory quantities. */
export interface ResourceQuantities {
  /** CPU, e.g. `100m` or `0.5`. @default - none */
  readonly cpu?: string;
  /** Memory, e.g. `128Mi`. @default - none */
  readonly memory?: string;
}

/** Requests and limits of a container. */
export interface ResourceRequirements {
  /** @default - none */
  readonly requests?: ResourceQuantities;
  /** @default - none */
  readonly limits?: ResourceQuantities;
}

/**
 * Named resource presets for istiod, gateways and sidecars.
 */
export class ResourcePreset {
  /** istiod's upstream default: requests 500m CPU / 2048Mi memory, no limits. */
  public static upstreamDefault(): ResourcePreset {
    return new ResourcePreset({ requests: { cpu: '500m', memory: '2048Mi' } });
  }

  /** Gateway and sidecar upstream default: requests 100m/128Mi, limits 2000m/1024Mi. */
  public static proxyDefault(): ResourcePreset {
    return new ResourcePreset({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
  }

  /** Raspberry-Pi control plane and gateways: requests 100m/128Mi, limits 500m/256Mi. */
  public static raspberryPi(): ResourcePreset {
    return new ResourcePreset({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  }

  /** Raspberry-Pi sidecars: requests 50m/128Mi, limits 200m/256Mi. */
  public static raspberryPiSidecar(): ResourcePreset {
    return new ResourcePreset({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } });
  }

  /** Any requests/limits; checked when a construct uses it. */
  public static of(requirements: ResourceRequirements): ResourcePreset {
    return new ResourcePreset(requirements);
  }

  private constructor(public readonly requirements: ResourceRequirements) {}

  /**
   * Validates the quantities (well-formed, request <= limit) for `scope`/`field`, and returns them
   * in Kubernetes form, keys sorted (cpu, memory).
   */
  public render(scope: IConstruct, field: string): { requests?: Record<string, string>; limits?: Record<string, string> } {
    checkKnownKeys(scope, field, this.requirements, RESOURCE_REQUIREMENTS);
    const out: { requests?: Record<string, string>; limits?: Record<string, string> } = {};
    for (const kind of ['requests', 'limits'] as const) {
      const q = this.requirements[kind];
      if (!q) continue;
      const r: Record<string, string> = {};
      if (q.cpu !== undefined) r.cpu = checkCpu(scope, `${field}.${kind}.cpu`, q.cpu);
      if (q.memory !== undefined) r.memory = checkMemory(scope, `${field}.${kind}.memory`, q.memory);
      if (Object.keys(r).length) out[kind] = r;
    }
    const rq = this.requirements.requests;
    const lm = this.requirements.limits;
    if (rq?.cpu && lm?.cpu && parseCpu(rq.cpu)! > parseCpu(lm.cpu)!) {
      fail(scope, `${field}.requests.cpu`, rq.cpu, `must not exceed the CPU limit ${lm.cpu}`);
    }
    if (rq?.memory && lm?.memory && parseMemory(rq.memory)! > parseMemory(lm.memory)!) {
      fail(scope, `${field}.requests.memory`, rq.memory, `must not exceed the memory limit ${lm.memory}`);
    }
    return out;
  }
}

/** Horizontal pod autoscaling. */
export interface AutoscalingOptions {
  /** @default 1 */
  readonly minReplicas?: number;
  /** @default 5 */
  readonly maxReplicas?: number;
  /** Target average CPU utilization, percent of the request. @default 80 */
  readonly targetCpuUtilization?: number;
}

/** Resolved autoscaling bounds. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilization: number;
}

/** Validates autoscaling options, filling upstream defaults (1 / 5 / 80%). */
export function resolveAutoscaling(scope: IConstruct, field: string, o: AutoscalingOptions): ResolvedAutoscaling {
  checkKnownKeys(scope, field, o, AUTOSCALING);
  const minReplicas = checkInt(scope, `${field}.minReplicas`, o.minReplicas ?? 1, 1);
  const maxReplicas = checkInt(scope, `${field}.maxReplicas`, o.maxReplicas ?? 5, 1);
  if (minReplicas > maxReplicas) {
    fail(scope, `${field}.minReplicas`, minReplicas, `must not exceed ${field}.maxReplicas (${maxReplicas})`);
  }
  const targetCpuUtilization = checkInt(scope, `${field}.targetCpuUtilization`, o.targetCpuUtilization ?? 80, 1, 100);
  return { minReplicas, maxReplicas, targetCpuUtilization };
}

/** PodDisruptionBudget settings; give exactly one of `minAvailable` / `maxUnavailable`. */
export interface PodDisruptionBudgetOptions {
  /** Pods that must stay available (count or percentage such as "50%"). @default 1 when neither is given */
  readonly minAvailable?: number | string;
  /** Pods that may be unavailable (count or percentage). @default - not set */
  readonly maxUnavailable?: number | string;
  /** `IfHealthyBudget` or `AlwaysAllow`. @default - not set (Kubernetes default) */
  readonly unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

/** Validates PDB options and returns the PDB spec fields (without selector). */
export function resolvePdb(scope: IConstruct, field: string, o: PodDisruptionBudgetOptions): Record<string, number | string> {
  checkKnownKeys(scope, field, o, POD_DISRUPTION_BUDGET);
  if (o.minAvailable !== undefined && o.maxUnavailable !== undefined) {
    fail(scope, `${field}.maxUnavailable`, o.maxUnavailable, `conflicts with ${field}.minAvailable; give only one of them`);
  }
  const check = (name: string, v: number | string) => {
    if (typeof v === 'number') checkInt(scope, `${field}.${name}`, v, 0);
    else if (!/^(100|[1-9]?[0-9])%$/.test(v)) fail(scope, `${field}.${name}`, v, 'must be a non-negative integer or a percentage from "0%" to "100%"');
  };
  const out: Record<string, number | string> = {};
  if (o.maxUnavailable !== undefined) {
    check('maxUnavailable', o.maxUnavailable);
    out.maxUnavailable = o.maxUnavailable;
  } else {
    const v = o.minAvailable ?? 1;
    check('minAvailable', v);
    out.minAvailable = v;
  }
  if (o.unhealthyPodEvictionPolicy !== undefined) {
    if (!['IfHealthyBudget', 'AlwaysAllow'].includes(o.unhealthyPodEvictionPolicy)) {
      fail(scope, `${field}.unhealthyPodEvictionPolicy`, o.unhealthyPodEvictionPolicy, 'must be "IfHealthyBudget" or "AlwaysAllow"');
    }
    out.unhealthyPodEvictionPolicy = o.unhealthyPodEvictionPolicy;
  }
  return out;
}

/** A toleration (Kubernetes form). */
export interface Toleration {
  /** Taint key to tolerate (a label key); required with operator `Equal`. @default - every key (operator `Exists` only) */
  readonly key?: string;
  /** @default 'Equal' when a value is given, else 'Exists' */
  readonly operator?: 'Equal' | 'Exists';
  /** Taint value, with operator `Equal`. @default - none */
  readonly value?: string;
  /** Taint effect to tolerate. @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** Seconds a `NoExecute` taint is tolerated before eviction. @default - forever */
  readonly tolerationSeconds?: number;
}

/** Where pods may run. */
export interface SchedulingOptions {
  /** @default - none */
  readonly nodeSelector?: Record<string, string>;
  /** @default - none */
  readonly tolerations?: Toleration[];
  /**
   * Affinity (`nodeAffinity`, `podAffinity`, `podAntiAffinity`), cdk8s-plus's `k8s.Affinity` (the Kubernetes field
   * names), emitted as given.
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
  /**
   * Topology spread constraints, cdk8s-plus's `k8s.TopologySpreadConstraint` (the Kubernetes field names), emitted as given.
   * @default - none
   */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
}

/**
 * Checks `affinity` and `topologySpreadConstraints` (an object, a list of objects) and returns them in Kubernetes
 * form: cdk8s-plus's `k8s.Affinity` and `k8s.TopologySpreadConstraint` use Kubernetes' field names and hold no
 * quantity or int-or-string values, so their JSON is the value itself. Empty ones give undefined. @internal
 */
export function renderPodPlacement(scope: IConstruct, props: Pick<SchedulingOptions, 'affinity' | 'topologySpreadConstraints'>): {
  affinity?: KubeJson<k8s.Affinity>;
  topologySpreadConstraints?: Array<KubeJson<k8s.TopologySpreadConstraint>>;
} {
  const out: { affinity?: KubeJson<k8s.Affinity>; topologySpreadConstraints?: Array<KubeJson<k8s.TopologySpreadConstraint>> } = {};
  if (props.affinity !== undefined) {
    checkObject(scope, 'affinity', props.affinity, 'must be an affinity object { nodeAffinity?, podAffinity?, podAntiAffinity? }');
    if (Object.keys(props.affinity).length) out.affinity = props.affinity as KubeJson<k8s.Affinity>;
  }
  if (props.topologySpreadConstraints !== undefined) {
    checkList(scope, 'topologySpreadConstraints', props.topologySpreadConstraints, 'must be a list of topology spread constraints');
    props.topologySpreadConstraints.forEach((c, i) => checkObject(scope, `topologySpreadConstraints[${i}]`, c, 'must be a topology spread constraint { maxSkew, topologyKey, whenUnsatisfiable, ... }'));
    if (props.topologySpreadConstraints.length) out.topologySpreadConstraints = props.topologySpreadConstraints as Array<KubeJson<k8s.TopologySpreadConstraint>>;
  }
  return out;
}

/** Validates tolerations and returns them in Kubernetes form. @internal */
export function renderTolerations(scope: IConstruct, field: string, list: Toleration[]): KubeJson<k8s.Toleration>[] {
  checkList(scope, field, list, 'must be a list of tolerations');
  return list.map((t, i) => {
    const f = `${field}[${i}]`;
    checkObject(scope, f, t, 'must be a toleration { key, operator, value, effect }');
    const operator = t.operator ?? (t.value !== undefined ? 'Equal' : 'Exists');
    if (operator !== 'Equal' && operator !== 'Exists') fail(scope, `${f}.operator`, operator, 'must be "Equal" or "Exists"');
    if (t.key !== undefined && !isLabelKey(t.key)) fail(scope, `${f}.key`, t.key, 'must be a label key such as "node-role.kubernetes.io/control-plane"');
    if (operator === 'Exists' && t.value !== undefined) fail(scope, `${f}.value`, t.value, 'must be unset when operator is "Exists"');
    if (operator === 'Equal' && t.key === undefined) fail(scope, `${f}.key`, t.key, 'is required when operator is "Equal"');
    if (t.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      fail(scope, `${f}.effect`, t.effect, 'must be "NoSchedule", "PreferNoSchedule" or "NoExecute"');
    }
    if (t.tolerationSeconds !== undefined) {
      checkInt(scope, `${f}.tolerationSeconds`, t.tolerationSeconds, 0);
      if (t.effect !== 'NoExecute') fail(scope, `${f}.tolerationSeconds`, t.tolerationSeconds, 'is only allowed with effect "NoExecute"');
    }
    return { key: t.key, operator, value: t.value, effect: t.effect, tolerationSeconds: t.tolerationSeconds };
  });
}

/** Why `replicas` and `autoscaling` options cannot be combined (istiod and gateways alike). */
const REPLICAS_WITH_AUTOSCALING = 'conflicts with autoscaling: give replicas for a fixed count (no HPA), or autoscaling for an HPA that owns the count, not both';

/** How many replicas a workload runs: replicas, autoscaling and PodDisruptionBudget props. @internal */
export interface ScalingInput {
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingOptions | false;
  readonly podDisruptionBudget?: PodDisruptionBudgetOptions | boolean;
}

/** What {@link planScaling} decided. @internal */
export interface ScalingPlan {
  /** `spec.replicas` of the Deployment; undefined while the HPA owns the count. */
  readonly replicas?: number;
  /** The HPA bounds, when an HPA is rendered. */
  readonly autoscaling?: ResolvedAutoscaling;
  /** PDB spec fields (without selector), when a PDB is rendered. */
  readonly pdb?: Record<string, number | string>;
  /** apiVersion of the HPA (autoscaling/v2, or v2beta2 for Istio 1.20 on Kubernetes < 1.23). */
  readonly hpaApiVersion: string;
  /** apiVersion of the PDB (policy/v1, or v1beta1 for Istio 1.20 on Kubernetes < 1.21). */
  readonly pdbApiVersion: string;
}

/**
 * Resolves replicas, HPA and PDB the same way for istiod and gateways:
 * - neither `replicas` nor `autoscaling`: an HPA (1-5 replicas at 80% CPU) owns the count;
 * - `replicas` alone, or `autoscaling: false`: a fixed count (default 1), no HPA;
 * - `replicas` with autoscaling options: rejected as conflicting options.
 * `podDisruptionBudget` decides the PDB when given; otherwise `defaultPdb(guaranteed replicas)` does.
 * @internal
 */
export function planScaling(
  scope: IConstruct,
  input: ScalingInput,
  target: { readonly version: IstioVersion; readonly kubernetesMinor: number; readonly defaultPdb: (guaranteedReplicas: number) => boolean },
): ScalingPlan {
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
  } else if (p === undefined && target.defaultPdb(autoscaling ? autoscaling.minReplicas : replicas ?? 1)) {
    pdb = { minAvailable: 1 };
  }
  const pdbApiVersion = target.version.pdbApiVersion(target.kubernetesMinor);
  // The field exists in policy/v1 only; a policy/v1beta1 PDB cannot carry it.
  if (pdb?.unhealthyPodEvictionPolicy !== undefined && pdbApiVersion !== 'policy/v1') {
    fail(scope, 'podDisruptionBudget.unhealthyPodEvictionPolicy', pdb.unhealthyPodEvictionPolicy,
      `needs policy/v1; this cluster (Kubernetes 1.${target.kubernetesMinor}) gets ${pdbApiVersion}`);
  }
  return { replicas, autoscaling, pdb, pdbApiVersion, hpaApiVersion: target.version.hpaApiVersion(target.kubernetesMinor) };
}

/** Adds the HPA of Deployment `metadata.name` (v2 and v2beta2 share these fields). @internal */
export function addHpa(scope: Construct, id: string, plan: ScalingPlan, metadata: { name: string; namespace: string; labels?: Record<string, string> }): ApiObject | undefined {
  const a = plan.autoscaling;
  if (!a) return undefined;
  return kubeObject(scope, id, 'HorizontalPodAutoscaler', {
    apiVersion: plan.hpaApiVersion,
    metadata,
    spec: {
      maxReplicas: a.maxReplicas,
      minReplicas: a.minReplicas,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: metadata.name },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuUtilization } } }],
    },
  });
}

/** Adds the PDB selecting `selector` (policy/v1 and v1beta1 share these fields). @internal */
export function addPdb(scope: Construct, id: string, plan: ScalingPlan, metadata: { name: string; namespace: string; labels?: Record<string, string> },
  selector: Record<string, string>): ApiObject | undefined {
  if (!plan.pdb) return undefined;
  const { minAvailable, maxUnavailable, unhealthyPodEvictionPolicy } = plan.pdb;
  return kubeObject(scope, id, 'PodDisruptionBudget', {
    apiVersion: plan.pdbApiVersion,
    metadata,
    spec: { minAvailable, maxUnavailable, unhealthyPodEvictionPolicy: unhealthyPodEvictionPolicy as string | undefined, selector: { matchLabels: selector } },
  });
}
