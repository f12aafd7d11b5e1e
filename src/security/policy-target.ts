/**
 * What the policy kinds (AuthorizationPolicy, RequestAuthentication, Telemetry, WasmPlugin; PeerAuthentication
 * has a selector only) say about the workloads they apply to: a workload `selector`, or a `targetRef` /
 * `targetRefs` naming a Service, ServiceEntry or Kubernetes Gateway. Istio's validating webhook and the kinds' CRD
 * rules apply the same checks to every one of them; they live here once.
 *
 * @internal
 */
import { IConstruct } from 'constructs';
import { checkLabels, fail, isDnsSubdomain } from '../validation';
import { IstioLine, IstioVersion } from '../version';

/** A `spec.selector` as every policy kind writes it. */
export interface PolicySelector {
  readonly matchLabels?: { readonly [key: string]: string };
}

/** A `spec.targetRef` / `spec.targetRefs[]` entry as every policy kind writes it. */
export interface PolicyTargetRef {
  readonly group?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** The parts of a policy spec that say where it applies. */
export interface PolicyTargeting {
  readonly selector?: PolicySelector;
  readonly targetRef?: PolicyTargetRef;
  readonly targetRefs?: readonly PolicyTargetRef[];
}

/** A kind a policy may target, as `group/kind` (the core group written `core`). */
interface TargetKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * The kinds a policy's targetRef may name, per release line (facts of Istio's webhook: 1.20 accepts only a
 * Kubernetes Gateway; 1.30 also a Service, a ServiceEntry and a GatewayClass).
 */
const TARGET_KINDS: Record<IstioLine, readonly TargetKind[]> = {
  '1.20': [{ group: 'gateway.networking.k8s.io', kind: 'Gateway' }],
  '1.30': [
    { group: 'core', kind: 'Service' },
    { group: 'networking.istio.io', kind: 'ServiceEntry' },
    { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
    { group: 'gateway.networking.k8s.io', kind: 'GatewayClass' },
  ],
};

/** The kinds a policy of `version` may target, for messages: `Service (group ""), ...`. */
export function policyTargetKinds(version: IstioVersion): string[] {
  return TARGET_KINDS[version.line].map((t) => `${t.kind} (group ${t.group === 'core' ? '""' : `"${t.group}"`})`);
}

/**
 * Checks a workload selector at `field` (`spec.selector`): it needs labels (an empty selector is a policy for every
 * workload, which leaving the selector out says plainly; Istio warns), no empty key, no `*` in a key or value (Istio
 * matches labels exactly), and valid Kubernetes label keys and values.
 */
export function checkPolicySelector(scope: IConstruct, field: string, selector: PolicySelector | undefined): void {
  if (selector === undefined) return;
  const labels = selector.matchLabels ?? {};
  if (Object.keys(labels).length === 0) {
    fail(scope, `${field}.matchLabels`, selector.matchLabels, 'must name at least one label: a selector without labels selects every workload of the namespace (Istio warns); leave `selector` out to say that');
  }
  for (const [k, v] of Object.entries(labels)) {
    if (k === '') fail(scope, `${field}.matchLabels`, `${k}=${v}`, 'must not have an empty label key');
    if (k.includes('*') || String(v).includes('*')) {
      fail(scope, `${field}.matchLabels.${k}`, v, 'must not contain "*": Istio matches workload labels exactly (no wildcards in keys or values)');
    }
  }
  checkLabels(scope, `${field}.matchLabels`, labels as Record<string, string>);
}

/**
 * Checks where a policy applies: at most one of `selector`, `targetRef`, `targetRefs` (1.20 has no `targetRefs`;
 * the schema check refuses it there), the selector's labels, and each target reference: a name, no namespace (Istio
 * refuses cross-namespace references) and a kind the release accepts.
 */
export function checkPolicyTargeting(scope: IConstruct, spec: PolicyTargeting, version: IstioVersion): void {
  const set = (['selector', 'targetRef', 'targetRefs'] as const).filter((k) => spec[k] !== undefined && !(k === 'targetRefs' && spec.targetRefs!.length === 0));
  if (set.length > 1) {
    fail(scope, 'spec', set.join(', '), 'must set only one of `selector`, `targetRef` or `targetRefs` (a policy applies to selected workloads or to referenced targets, not both)');
  }
  checkPolicySelector(scope, 'spec.selector', spec.selector);
  if (spec.targetRef) checkTargetRef(scope, 'spec.targetRef', spec.targetRef, version);
  (spec.targetRefs ?? []).forEach((r, i) => checkTargetRef(scope, `spec.targetRefs[${i}]`, r, version));
}

function checkTargetRef(scope: IConstruct, field: string, ref: PolicyTargetRef, version: IstioVersion): void {
  if (!ref.name) fail(scope, `${field}.name`, ref.name, 'must name the target (a Service, ServiceEntry or Gateway of the policy\'s namespace)');
  if (ref.namespace !== undefined && ref.namespace !== '') {
    fail(scope, `${field}.namespace`, ref.namespace, 'must be left out: Istio does not support cross-namespace target references; put the policy in the target\'s namespace');
  }
  const group = ref.group ?? '';
  if (group !== '' && !isDnsSubdomain(group)) fail(scope, `${field}.group`, group, 'must be an API group (DNS-1123 subdomain), or "" for the core group');
  const canonical = group === '' ? 'core' : group;
  if (!TARGET_KINDS[version.line].some((t) => t.kind === ref.kind && t.group === canonical)) {
    fail(scope, field, `${group}/${ref.kind}`, `must reference one of ${policyTargetKinds(version).join(', ')} on Istio ${version.tag}`);
  }
}
