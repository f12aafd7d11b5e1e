import { IConstruct } from 'constructs';
import { IIstiod, isIstiod } from '../istiod/istiod-ref';
import { checkDnsLabel, fail } from '../validation';

/**
 * A namespace of the mesh: its name and the control plane that serves it.
 *
 * Routes and policies that do not hang off the control plane directly (`CanaryRoute`, `MeshRoute`)
 * take one of these as their `namespace` prop and read the Istio version (and so the apiVersion of
 * every object) from `istiod`. A {@link ZeroTrustNamespace} is one; for a namespace you manage
 * elsewhere, pass a literal: `{ istiod, name: 'fraud-detection' }`.
 */
export interface IMeshNamespace {
  /** Namespace name (a DNS-1123 label). */
  readonly name: string;
  /** The control plane serving the namespace; its version decides every apiVersion. */
  readonly istiod: IIstiod;
}

/**
 * Checks a {@link IMeshNamespace} given as prop `field` of `scope`.
 * @internal
 */
export function checkMeshNamespace(scope: IConstruct, field: string, ns: IMeshNamespace): IMeshNamespace {
  if (!ns || typeof ns !== 'object') {
    fail(scope, field, ns, 'must be a ZeroTrustNamespace or { istiod, name } naming a namespace served by an Istiod');
  }
  if (!isIstiod(ns.istiod)) {
    fail(scope, `${field}.istiod`, ns.istiod === undefined ? undefined : '(not an Istiod)', 'must be the Istiod serving the namespace, or Istiod.fromAttributes(...) for one installed elsewhere (it carries the Istio version)');
  }
  checkDnsLabel(scope, `${field}.name`, ns.name);
  return ns;
}
