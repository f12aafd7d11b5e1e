import { Chart } from 'cdk8s';
import type { Deployment, StatefulSet } from 'cdk8s-plus-28';
import type { IConstruct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkLabels, fail } from '../validation';

/**
 * A cdk8s-plus workload the mesh policies and routes accept where they expect a principal or a selector: its pods
 * run as its ServiceAccount (`default` when it names none) in its namespace, and carry its pod labels.
 */
export type MeshWorkload = Deployment | StatefulSet;

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
export function workloadPrincipal(trustDomain: string, id: WorkloadIdentity): string {
  return `${trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}`;
}
