import { IConstruct } from 'constructs';
import { Istiod } from '../istiod/istiod';
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
  readonly istiod: Istiod;
}

/**
 * Checks a {@link IMeshNamespace} given as prop `field` of `scope`.
 * @internal
 */
export function checkMeshNamespace(scope: IConstruct, field: string, ns: IMeshNamespace): IMeshNamespace {
  if (!ns || typeof ns !== 'object') {
    fail(scope, field, ns, 'must be a ZeroTrustNamespace or { istiod, name } naming a namespace served by an Istiod');
  }
  if (!(ns.istiod instanceof Istiod)) {
    fail(scope, `${field}.istiod`, ns.istiod === undefined ? undefined : '(not an Istiod)', 'must be the Istiod construct serving the namespace (it carries the Istio version)');
  }
  checkDnsLabel(scope, `${field}.name`, ns.name);
  return ns;
}
