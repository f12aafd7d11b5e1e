import type { k8s } from 'cdk8s-plus-28';
import type { KubeJson } from '../kube';

/** Label the API server sets on every namespace (Kubernetes 1.22+); it always equals the name. */
export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Peers that select namespace `ns`: one by the conventional `name` label (what the platforms and
 * our own Namespaces carry), one by `kubernetes.io/metadata.name` (set by the API server, so it also
 * matches namespaces nobody labelled, e.g. `kube-system`). Peers are ORed.
 * @internal
 */
export function namespacePeers(ns: string, podLabels?: Record<string, string>): Array<KubeJson<k8s.NetworkPolicyPeer>> {
  const pod = podLabels ? { podSelector: { matchLabels: { ...podLabels } } } : {};
  return [
    { namespaceSelector: { matchLabels: { name: ns } }, ...pod },
    { namespaceSelector: { matchLabels: { [METADATA_NAME_LABEL]: ns } }, ...pod },
  ];
}

/** @internal */
export function tcpPorts(ports: number[]): Array<KubeJson<k8s.NetworkPolicyPort>> {
  return ports.map((p) => ({ protocol: 'TCP', port: p }));
}

/** Unique values, first occurrence order. @internal */
export function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
