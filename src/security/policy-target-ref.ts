import { IConstruct } from 'constructs';
import type { IRouteParent } from '../gateway-api/refs';
import type { Waypoint } from '../gateway-api/waypoint';
import type { IstioResource } from '../resource/istio-resource';
import { fail, IstioValidationError } from '../validation';

/**
 * What a policy's `targetRef` can be made from: a `KubernetesGateway` or `Waypoint` (Gateway API Gateway), a
 * `BackendService` (a Kubernetes Service), or a `ServiceEntry` construct.
 */
export type PolicyTargetSource = IRouteParent | Waypoint | IstioResource<object>;

/** A `targetRef` / `targetRefs` entry as {@link policyTargetRef} makes it: group, kind and name, no namespace. */
export interface PolicyTargetReference {
  /** API group (`""` for a Service). */
  readonly group: string;
  /** Kind: `Gateway`, `Service` or `ServiceEntry`. */
  readonly kind: string;
  /** Name of the target, in the policy's own namespace. */
  readonly name: string;
}

/** Namespaces of the targets {@link policyTargetRef} made, for the policy's check (the reference itself carries none). */
const targetNamespaces = new WeakMap<object, string>();

/**
 * The `targetRef` of a RequestAuthentication, Telemetry or WasmPlugin naming `target`, typed instead of spelled: the
 * group, kind and name come from the construct, and the policy checks at construction that the target lives in its
 * own namespace (Istio has no cross-namespace target references). Which kinds a release accepts is checked there too
 * (1.20: a Gateway only).
 *
 * @example
 * const gw = new KubernetesGateway(chart, 'web', { namespace: { istiod, name: 'shop' }, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] });
 * new RequestAuthentication(chart, 'jwt', {
 *   namespace: { istiod, name: 'shop' },
 *   spec: { targetRef: policyTargetRef(gw), jwtRules: [{ issuer: 'https://accounts.example.com' }] },
 * });
 */
export function policyTargetRef(target: PolicyTargetSource): PolicyTargetReference {
  let ref: PolicyTargetReference;
  let namespace: string | undefined;
  if (target && typeof target === 'object' && 'parentRef' in target && target.parentRef) {
    const p = target.parentRef;
    if (p.sectionName !== undefined || p.port !== undefined) {
      throw new IstioValidationError('policyTargetRef', 'target', `${p.kind} ${p.name} ${p.sectionName ?? p.port}`, `must be a whole ${p.kind}: a policy targets a ${p.kind}, not one listener or port of it; pass the ${p.kind} itself`);
    }
    ref = { group: p.group, kind: p.kind, name: p.name };
    namespace = p.namespace;
  } else if (target && typeof target === 'object' && 'targetRef' in target && target.targetRef) {
    ref = { group: target.targetRef.group, kind: target.targetRef.kind, name: target.targetRef.name };
    namespace = target.namespace;
  } else if (target && typeof target === 'object' && 'kind' in target && target.kind === 'ServiceEntry') {
    ref = { group: 'networking.istio.io', kind: 'ServiceEntry', name: target.name };
    namespace = target.namespace;
  } else {
    throw new IstioValidationError('policyTargetRef', 'target', target === null || typeof target !== 'object' ? target : (target as { kind?: string }).kind ?? '(an object)',
      'must be a KubernetesGateway, a Waypoint, a BackendService or a ServiceEntry');
  }
  if (!ref.name) throw new IstioValidationError('policyTargetRef', 'target', ref, `must be a ${ref.kind} with a name`);
  if (namespace !== undefined) targetNamespaces.set(ref, namespace);
  return ref;
}

/**
 * Checks that the target references of `spec` made by {@link policyTargetRef} name objects of `namespace`, the
 * policy's namespace.
 * @internal
 */
export function checkTargetNamespaces(scope: IConstruct, spec: { readonly targetRef?: object; readonly targetRefs?: readonly object[] }, namespace: string): void {
  const refs: Array<[string, object | undefined]> = [['spec.targetRef', spec.targetRef], ...(spec.targetRefs ?? []).map((r, i) => [`spec.targetRefs[${i}]`, r] as [string, object])];
  for (const [field, ref] of refs) {
    const ns = ref === undefined ? undefined : targetNamespaces.get(ref);
    if (ns !== undefined && ns !== namespace) {
      const r = ref as PolicyTargetReference;
      fail(scope, field, `${r.kind} ${ns}/${r.name}`, `must name a ${r.kind} of the policy's namespace ${namespace} (Istio has no cross-namespace target references); put the policy in ${ns}`);
    }
  }
}
