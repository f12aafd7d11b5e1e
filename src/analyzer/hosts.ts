import { isWildcardHost } from '../internal/host-match';

/**
 * Host names as the analyzer reads them: short names expanded in a namespace and the Service names
 * Kubernetes DNS answers. Matching and the host index are the library's one host rule, src/internal/host-match.ts.
 */
/**
 * Expands a host the way Istio does for routing objects: a name without a dot is a Service short
 * name in namespace `ns`; anything else is taken as written.
 */
export function resolveHost(host: string, ns: string, domain: string): string {
  if (isWildcardHost(host) || host.includes('.')) return host;
  return `${host}.${ns}.svc.${domain}`;
}

/**
 * The FQDNs a host may stand for when looking up a Kubernetes Service: the resolved host, plus the
 * DNS search forms `name.ns` and `name.ns.svc` that Kubernetes DNS also answers.
 */
export function serviceCandidates(host: string, ns: string, domain: string): string[] {
  const resolved = resolveHost(host, ns, domain);
  const out = [resolved];
  const labels = host.split('.');
  if (labels.length === 2) out.push(`${host}.svc.${domain}`);
  else if (labels.length === 3 && labels[2] === 'svc') out.push(`${host}.${domain}`);
  return out;
}

/** Namespace of a cluster-local FQDN (`name.ns.svc.<domain>`), else undefined. */
export function clusterLocalNamespace(fqdn: string, domain: string): string | undefined {
  const suffix = `.svc.${domain}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const head = fqdn.slice(0, -suffix.length).split('.');
  return head.length === 2 && head[0] !== '*' ? head[1] : undefined;
}
