import { apiGroupOf } from '../kinds';
import { isIstioResource, SynthesizedObject, objectArray, stringField, stringMap } from './manifest';

/** Identifier (and file stem) of a stage of the GitOps output, in apply order. */
export type GitOpsStageId = '00-crds' | '10-control-plane' | '20-gateways' | '30-mesh-policy' | '40-other';

/** One stage of the GitOps output: one YAML file, applied after the stages before it. */
export interface GitOpsStage {
  /** Stage id, also the file stem: `00-crds`, `10-control-plane`, ... */
  readonly id: GitOpsStageId;
  /** File name inside the chart folder, e.g. `00-crds.yaml`. */
  readonly file: string;
  /** Argo CD sync wave of every object of this stage (the stage number divided by ten). */
  readonly syncWave: number;
  /** What the stage holds. */
  readonly description: string;
}

function stage(id: GitOpsStageId, description: string): GitOpsStage {
  return { id, file: `${id}.yaml`, syncWave: Number(id.slice(0, 2)) / 10, description };
}

/** The stages, in apply order. */
export const GITOPS_STAGES: readonly GitOpsStage[] = Object.freeze([
  stage('00-crds', 'CustomResourceDefinitions'),
  stage('10-control-plane', 'every Namespace, cluster RBAC and admission webhooks, and the objects of the Istio control-plane namespaces (istiod and its configuration)'),
  stage('20-gateways', 'ingress and egress gateway workloads with their ServiceAccount, RBAC, Service, HPA and PDB'),
  stage('30-mesh-policy', 'Istio custom resources (security, networking, telemetry), Gateway API routes and NetworkPolicies'),
  stage('40-other', 'everything the rules above do not place (nothing is dropped)'),
]);

const STAGE_BY_ID = new Map(GITOPS_STAGES.map((s) => [s.id, s]));

/** The stage with this id. */
export function gitOpsStage(id: GitOpsStageId): GitOpsStage {
  return STAGE_BY_ID.get(id)!;
}

/** A stage and its objects, sorted. */
export interface StagedObjects {
  /** The stage. */
  readonly stage: GitOpsStage;
  /** Its objects in a stable order: kind order, then namespace, then name. */
  readonly objects: readonly SynthesizedObject[];
}

/** Pod annotation that makes istiod inject a workload with the `gateway` template (gateway chart). */
export const GATEWAY_TEMPLATE_ANNOTATION = 'inject.istio.io/templates';

const GATEWAY_WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);
const SAME_NAME_GATEWAY_KINDS = new Set(['ServiceAccount', 'Service', 'Role', 'RoleBinding', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
const ADMISSION_KINDS = new Set(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
const MESH_POLICY_GROUPS = new Set(['gateway.networking.k8s.io']);

/**
 * Kind order inside a stage file: what others depend on first (namespaces, identities, config),
 * workloads after their config, admission webhooks last so that a file applied with
 * `kubectl apply -f` never registers a webhook before the service that answers it.
 */
const KIND_ORDER: readonly string[] = [
  'Namespace', 'ResourceQuota', 'LimitRange', 'PriorityClass', 'CustomResourceDefinition',
  'ServiceAccount', 'Secret', 'ConfigMap',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding',
  'ClusterIssuer', 'Issuer', 'Certificate',
  'Service', 'DaemonSet', 'Deployment', 'StatefulSet', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Job', 'CronJob',
  'PeerAuthentication', 'RequestAuthentication', 'AuthorizationPolicy', 'NetworkPolicy', 'Sidecar',
  'ServiceEntry', 'WorkloadEntry', 'WorkloadGroup', 'DestinationRule', 'Gateway', 'VirtualService',
  'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'ReferenceGrant',
  'Telemetry', 'ProxyConfig', 'EnvoyFilter', 'WasmPlugin', 'TrafficExtension',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
];
const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total, locale-independent order of objects inside one stage file. */
export function compareObjects(a: SynthesizedObject, b: SynthesizedObject): number {
  const ra = KIND_RANK.get(a.kind) ?? KIND_ORDER.length;
  const rb = KIND_RANK.get(b.kind) ?? KIND_ORDER.length;
  return (ra - rb)
    || cmp(a.kind, b.kind)
    || cmp(a.metadata?.namespace ?? '', b.metadata?.namespace ?? '')
    || cmp(a.metadata?.name ?? '', b.metadata?.name ?? '')
    || cmp(a.apiVersion, b.apiVersion);
}

function key(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name ?? ''}`;
}

function keyOf(obj: SynthesizedObject): string {
  return key(obj.kind, obj.metadata?.namespace, obj.metadata?.name);
}

function isSubset(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function gatewayWorkload(obj: SynthesizedObject): boolean {
  if (!GATEWAY_WORKLOAD_KINDS.has(obj.kind)) return false;
  const templates = stringMap(obj, 'spec', 'template', 'metadata', 'annotations')?.[GATEWAY_TEMPLATE_ANNOTATION];
  return templates !== undefined && templates.split(',').map((t) => t.trim()).includes('gateway');
}

/**
 * Places each object of a chart in a stage. Built once per object set: the rules that relate
 * objects to each other (which ServiceAccount a gateway runs as, which namespace istiod lives in)
 * are answered from indexes, so classification is linear in the number of objects.
 *
 * Rules, first match wins:
 * 1. `CustomResourceDefinition` → `00-crds`.
 * 2. `Namespace` → `10-control-plane` (every namespace, so that later stages can land in them).
 * 3. Gateway objects → `20-gateways`: a Deployment/DaemonSet/StatefulSet whose pod template carries the
 *    annotation `inject.istio.io/templates` with `gateway`, and in its namespace the ServiceAccount it
 *    runs as, the Services and PodDisruptionBudgets that select its pods, the HPAs that scale it, the
 *    RoleBindings (and their Roles) bound to its ServiceAccount, and any ServiceAccount, Service, Role,
 *    RoleBinding, HPA or PDB with the workload's own name.
 * 4. Istio custom resources (`*.istio.io`), Gateway API objects and NetworkPolicies → `30-mesh-policy`.
 * 5. Admission configuration (webhooks, admission policies) → `10-control-plane`; ClusterRoles and
 *    ClusterRoleBindings that bind a subject in a control-plane namespace (or are named `istio*`) →
 *    `10-control-plane`.
 * 6. Any other object in a control-plane namespace → `10-control-plane`. Control-plane namespaces are
 *    those the admission webhooks call into (`clientConfig.service.namespace`) and those running a pod
 *    labelled `app: istiod`.
 * 7. Everything else → `40-other`.
 */
export class StageClassifier {
  private readonly gatewayKeys = new Set<string>();
  private readonly controlPlaneNamespaces = new Set<string>();
  private readonly controlPlaneClusterRbac = new Set<string>();
  private readonly gatewayClusterRbac = new Set<string>();

  public constructor(objects: readonly SynthesizedObject[]) {
    const byNamespace = new Map<string, SynthesizedObject[]>();
    for (const o of objects) {
      const ns = o.metadata?.namespace;
      if (ns === undefined) continue;
      let list = byNamespace.get(ns);
      if (!list) byNamespace.set(ns, list = []);
      list.push(o);
    }

    // Control-plane namespaces.
    for (const o of objects) {
      if (o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration') {
        for (const w of objectArray(o, 'webhooks')) {
          const ns = stringField(w, 'clientConfig', 'service', 'namespace');
          if (ns) this.controlPlaneNamespaces.add(ns);
        }
      }
      if (GATEWAY_WORKLOAD_KINDS.has(o.kind) && o.metadata?.namespace
        && stringMap(o, 'spec', 'template', 'metadata', 'labels')?.app === 'istiod') {
        this.controlPlaneNamespaces.add(o.metadata.namespace);
      }
    }

    // Gateways and what belongs to them.
    const gatewayServiceAccounts = new Set<string>();
    for (const w of objects.filter(gatewayWorkload)) {
      const ns = w.metadata.namespace ?? '';
      const name = w.metadata.name;
      const podLabels = stringMap(w, 'spec', 'template', 'metadata', 'labels') ?? {};
      const sa = stringField(w, 'spec', 'template', 'spec', 'serviceAccountName') ?? name;
      this.gatewayKeys.add(keyOf(w));
      for (const kind of SAME_NAME_GATEWAY_KINDS) this.gatewayKeys.add(key(kind, ns, name));
      if (sa) {
        this.gatewayKeys.add(key('ServiceAccount', ns, sa));
        gatewayServiceAccounts.add(`${ns}/${sa}`);
      }
      for (const o of byNamespace.get(ns) ?? []) {
        const related =
          (o.kind === 'Service' && isSubset(stringMap(o, 'spec', 'selector'), podLabels))
          || (o.kind === 'PodDisruptionBudget' && isSubset(stringMap(o, 'spec', 'selector', 'matchLabels'), podLabels))
          || (o.kind === 'HorizontalPodAutoscaler'
            && stringField(o, 'spec', 'scaleTargetRef', 'kind') === w.kind
            && stringField(o, 'spec', 'scaleTargetRef', 'name') === name);
        if (related) this.gatewayKeys.add(keyOf(o));
      }
    }
    const bindsGatewaySa = (b: SynthesizedObject) => objectArray(b, 'subjects').some((s) =>
      s.kind === 'ServiceAccount' && gatewayServiceAccounts.has(`${(s.namespace as string | undefined) ?? b.metadata?.namespace ?? ''}/${String(s.name)}`));
    for (const o of objects) {
      if (o.kind === 'RoleBinding' && bindsGatewaySa(o)) {
        this.gatewayKeys.add(keyOf(o));
        if (stringField(o, 'roleRef', 'kind') === 'Role') this.gatewayKeys.add(key('Role', o.metadata.namespace, stringField(o, 'roleRef', 'name')));
      }
    }

    // Cluster-wide RBAC: follow bindings to their subjects.
    for (const o of objects) {
      if (o.kind !== 'ClusterRoleBinding') continue;
      const roleKey = key('ClusterRole', undefined, stringField(o, 'roleRef', 'name'));
      const subjects = objectArray(o, 'subjects');
      if (bindsGatewaySa(o)) {
        this.gatewayClusterRbac.add(keyOf(o));
        this.gatewayClusterRbac.add(roleKey);
      } else if (subjects.some((s) => typeof s.namespace === 'string' && this.controlPlaneNamespaces.has(s.namespace))) {
        this.controlPlaneClusterRbac.add(keyOf(o));
        this.controlPlaneClusterRbac.add(roleKey);
      }
    }
  }

  /** The stage of one object of the set this classifier was built from. */
  public stageOf(obj: SynthesizedObject): GitOpsStage {
    return gitOpsStage(this.stageIdOf(obj));
  }

  private stageIdOf(obj: SynthesizedObject): GitOpsStageId {
    const k = keyOf(obj);
    if (obj.kind === 'CustomResourceDefinition') return '00-crds';
    if (obj.kind === 'Namespace') return '10-control-plane';
    if (this.gatewayKeys.has(k) || this.gatewayClusterRbac.has(k)) return '20-gateways';
    if (isIstioResource(obj) || obj.kind === 'NetworkPolicy' || MESH_POLICY_GROUPS.has(apiGroupOf(obj.apiVersion))) return '30-mesh-policy';
    if (ADMISSION_KINDS.has(obj.kind)) return '10-control-plane';
    if (obj.kind === 'ClusterRole' || obj.kind === 'ClusterRoleBinding') {
      return this.controlPlaneClusterRbac.has(k) || (obj.metadata?.name ?? '').startsWith('istio') ? '10-control-plane' : '40-other';
    }
    const ns = obj.metadata?.namespace;
    if (ns !== undefined && this.controlPlaneNamespaces.has(ns)) return '10-control-plane';
    return '40-other';
  }
}

/**
 * Splits objects into the stages, in apply order, each sorted with {@link compareObjects}.
 * Every stage is listed, empty ones included; no object is dropped.
 */
export function stageObjects(objects: readonly SynthesizedObject[]): StagedObjects[] {
  const classifier = new StageClassifier(objects);
  const buckets = new Map<GitOpsStageId, SynthesizedObject[]>(GITOPS_STAGES.map((s) => [s.id, []]));
  for (const o of objects) buckets.get(classifier.stageOf(o).id)!.push(o);
  return GITOPS_STAGES.map((s) => ({ stage: s, objects: buckets.get(s.id)!.sort(compareObjects) }));
}
