import { Chart } from 'cdk8s';
import type { Deployment, ServiceAccount, StatefulSet } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkLabels, fail } from '../validation';

/**
 * A cdk8s-plus workload the mesh policies and routes accept where they expect a principal or a selector: its pods
 * run as its ServiceAccount (`default` when it names none) in its namespace, and carry its pod labels.
 */
export type MeshWorkload = Deployment | StatefulSet;

/** A caller a policy names by its identity: a cdk8s-plus workload (its pods' ServiceAccount) or a cdk8s-plus ServiceAccount. */
export type MeshIdentity = MeshWorkload | ServiceAccount;

/**
 * The ServiceAccount (namespace and name) a cdk8s-plus workload's pods run as, or a cdk8s-plus ServiceAccount itself.
 * @internal
 */
export function identityOf(scope: IConstruct, field: string, x: MeshIdentity): { namespace: string; serviceAccount: string } {
  const isServiceAccount = x !== null && typeof x === 'object' && 'node' in x && 'metadata' in x && !('podMetadata' in x)
    && (x as { kind?: string }).kind === 'ServiceAccount';
  if (!isServiceAccount) return workloadIdentity(scope, field, x as MeshWorkload);
  const sa = x as ServiceAccount;
  const path = sa.node.path;
  return {
    namespace: checkDnsLabel(scope, `${field} (${path}).metadata.namespace`, sa.metadata.namespace ?? Chart.of(sa).namespace ?? 'default'),
    serviceAccount: checkDnsSubdomain(scope, `${field} (${path}).name`, sa.name),
  };
}

/** What the mesh reads of a cdk8s-plus workload. @internal */
export interface WorkloadIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The pod labels its selector matches (cdk8s-plus's `matchLabels`). */
  readonly podLabels: Record<string, string>;
  readonly path: string;
}

/**
 * Reads a cdk8s-plus Deployment or StatefulSet (by its shape: cdk8s-plus is a peer dependency the library does not
 * load): its namespace (its own, else its chart's, else `default`, as `kubectl apply` would place it), the ServiceAccount
 * its pods run as and its pod labels. Anything else is refused naming the field.
 * @internal
 */
export function workloadIdentity(scope: IConstruct, field: string, w: MeshWorkload): WorkloadIdentity {
  const looksLikeWorkload = w !== null && typeof w === 'object' && 'podMetadata' in w && 'matchLabels' in w && 'metadata' in w && 'node' in w;
  if (!looksLikeWorkload) fail(scope, field, w, 'must be a cdk8s-plus Deployment or StatefulSet (kplus.Deployment, kplus.StatefulSet)');
  const path = w.node.path;
  const namespace = checkDnsLabel(scope, `${field} (${path}).metadata.namespace`, w.metadata.namespace ?? Chart.of(w).namespace ?? 'default');
  const serviceAccount = checkDnsSubdomain(scope, `${field} (${path}).serviceAccount`, w.serviceAccount?.name ?? 'default');
  const podLabels = { ...w.matchLabels };
  checkLabels(scope, `${field} (${path}).matchLabels`, podLabels);
  if (Object.keys(podLabels).length === 0) fail(scope, field, path, 'must select its pods by at least one label (cdk8s-plus adds cdk8s.io/metadata.addr unless select: false)');
  return { namespace, serviceAccount, podLabels, path };
}

/** The SPIFFE principal (without `spiffe://`) of a workload's pods in a mesh of `trustDomain`. @internal */
export function workloadPrincipal(trustDomain: string, id: { namespace: string; serviceAccount: string }): string {
  return `${trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}`;
}
