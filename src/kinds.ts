/**
 * Facts about Kubernetes object identities shared by the emitters' duplicate check (validation.ts) and the
 * mesh analyzer (analyzer/model.ts).
 *
 * @internal
 */

/** Kinds without a namespace (their identity is group, kind and name). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'StorageClass', 'PriorityClass', 'IngressClass', 'APIService',
  'CSIDriver', 'CSINode', 'RuntimeClass', 'PodSecurityPolicy', 'VolumeAttachment', 'ClusterIssuer',
  'GatewayClass', 'FlowSchema', 'PriorityLevelConfiguration',
]);

/** The API group of an apiVersion (`''` for the core group: `v1`). */
export function apiGroupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/**
 * The identity of an object in a cluster, as one string: API group, kind, namespace (none for cluster-scoped
 * kinds) and name. Two objects with the same identity replace each other when applied.
 */
export function objectIdentity(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${group}\u0000${kind}\u0000${CLUSTER_SCOPED_KINDS.has(kind) ? '' : namespace ?? ''}\u0000${name}`;
}
