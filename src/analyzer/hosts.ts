/**
 * Host names as Istio reads them: short names expanded in a namespace, wildcards (`*`, `*.example.com`)
 * and an index that answers "which patterns match this host" without scanning every entry.
 */

/** True for a wildcard host (`*` or `*.suffix`). */
export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/**
 * Expands a host the way Istio does for routing objects: a name without a dot is a Service short
 * name in namespace `ns`; anything else is taken as written.
 */
export function resolveHost(host: string, ns: string, domain: string): string {
  if (isWildcard(host) || host.includes('.')) return host;
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

/** True when wildcard-aware `pattern` matches the concrete or wildcard `host` (host within pattern). */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (!isWildcard(pattern)) return pattern === host;
  const suffix = pattern.slice(1); // ".example.com"
  if (isWildcard(host)) return host !== '*' && host.slice(1).endsWith(suffix);
  return host.endsWith(suffix) && host.length > suffix.length;
}

/** True when the two host patterns share at least one concrete host. */
export function hostsIntersect(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

/** The parent domains of a host, nearest first: `a.b.c` gives `b.c`, `c`. */
function parents(host: string): string[] {
  const out: string[] = [];
  let i = host.indexOf('.');
  while (i >= 0) {
    out.push(host.slice(i + 1));
    i = host.indexOf('.', i + 1);
  }
  return out;
}

/**
 * Index of values by host pattern. Look-ups cost O(number of labels of the host), whatever the
 * number of entries.
 */
export class HostIndex<T> {
  private readonly exact = new Map<string, T[]>();
  /** Wildcards by the domain after `*.`; the bare `*` under ''. */
  private readonly wild = new Map<string, T[]>();

  /** Adds `value` under the host pattern `host`. */
  public add(host: string, value: T): void {
    const [map, key] = isWildcard(host) ? [this.wild, host === '*' ? '' : host.slice(2)] : [this.exact, host];
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }

  /**
   * Values whose pattern matches `host` (the pattern is `host` itself or a wildcard covering it).
   * For a wildcard `host`, wildcard patterns at least as wide are returned.
   */
  public matching(host: string): T[] {
    const out: T[] = [];
    const push = (l: readonly T[] | undefined) => {
      if (l) for (const v of l) out.push(v);
    };
    if (host === '*') {
      push(this.wild.get(''));
      return out;
    }
    if (isWildcard(host)) {
      const domain = host.slice(2);
      push(this.wild.get(domain));
      for (const p of parents(domain)) push(this.wild.get(p));
      push(this.wild.get(''));
      return out;
    }
    push(this.exact.get(host));
    for (const p of parents(host)) push(this.wild.get(p));
    push(this.wild.get(''));
    return out;
  }
}
