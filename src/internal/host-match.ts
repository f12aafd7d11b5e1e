/**
 * Host-name matching, the one place the library decides whether two host patterns meet. It follows
 * Istio's `host.Name` (pkg/config/host): a name is a wildcard when it starts with `*`, and the rest of a
 * wildcard is a plain suffix, so `*.example.com` covers `a.example.com` and `.example.com` but not
 * `example.com`, and `*foo.com` covers `barfoo.com`. Comparison is exact (callers lowercase where the
 * API is case-insensitive). The analyzer, the route/gateway binding checks and the mesh picture all use it;
 * test/properties/host-match.test.ts checks that they agree, and the conformance module judges it with
 * Istio's own `host.Name` (test/conformance/istio-1.30/hostmatch).
 * @internal
 */

/** True for a wildcard host (`*`, `*.example.com`, `*foo.com`): Istio's `IsWildCarded`. */
export function isWildcardHost(host: string): boolean {
  return host.length > 0 && host[0] === '*';
}

/**
 * True when `a` and `b` share at least one concrete host (Istio's `Name.Matches`, symmetric):
 * equal names, or a wildcard whose suffix ends the other name (or the other wildcard's suffix).
 */
export function hostsMatch(a: string, b: string): boolean {
  const aw = isWildcardHost(a);
  const bw = isWildcardHost(b);
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * True when every host `host` stands for is also covered by `pattern` (Istio's `Name.SubsetOf`):
 * a wildcard is never within a concrete name, and a wildcard is within a wildcard at most as long.
 */
export function hostWithin(host: string, pattern: string): boolean {
  const hw = isWildcardHost(host);
  const pw = isWildcardHost(pattern);
  if (hw && pw) return host.length >= pattern.length && host.slice(1).endsWith(pattern.slice(1));
  if (hw) return false;
  if (pw) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

/** The narrower of two matching hosts (the one within the other), or undefined when they do not meet. */
export function narrowerHost(a: string, b: string): string | undefined {
  if (hostWithin(a, b)) return a;
  if (hostWithin(b, a)) return b;
  return undefined;
}

/** The parent domains of a name, nearest first: `a.b.c` gives `b.c`, `c`; `.b.c` gives `b.c`, `c`. */
function parents(name: string): string[] {
  const out: string[] = [];
  let i = name.indexOf('.');
  while (i >= 0) {
    out.push(name.slice(i + 1));
    i = name.indexOf('.', i + 1);
  }
  return out;
}

/**
 * Index of values by host pattern: `matching(host)` returns the values whose pattern covers `host`
 * (exactly the patterns `p` with `hostWithin(host, p)`). Look-ups cost O(labels of the host) for exact
 * names and `*.` wildcards; other wildcards (`*foo.com`) are rare and scanned.
 */
export class HostIndex<T> {
  private readonly exact = new Map<string, T[]>();
  /** `*.<domain>` wildcards by `<domain>` (possibly empty for `*.`). */
  private readonly dotted = new Map<string, T[]>();
  /** The bare `*`. */
  private readonly any: T[] = [];
  /** Other wildcards (`*foo.com`), scanned. */
  private readonly other: Array<{ pattern: string; value: T }> = [];

  /** Adds `value` under the host pattern `host`. */
  public add(host: string, value: T): void {
    if (host === '*') {
      this.any.push(value);
      return;
    }
    if (!isWildcardHost(host)) return push(this.exact, host, value);
    if (host.startsWith('*.')) return push(this.dotted, host.slice(2), value);
    this.other.push({ pattern: host, value });
  }

  /** Values whose pattern covers `host` (the pattern is `host` itself or a wildcard at least as wide). */
  public matching(host: string): T[] {
    const out: T[] = [];
    const add = (l: readonly T[] | undefined) => {
      if (l) for (const v of l) out.push(v);
    };
    const wild = isWildcardHost(host);
    const name = wild ? host.slice(1) : host;
    if (!wild) add(this.exact.get(host));
    if (wild && name.startsWith('.')) add(this.dotted.get(name.slice(1)));
    for (const p of parents(wild && name.startsWith('.') ? name.slice(1) : name)) add(this.dotted.get(p));
    for (const o of this.other) if (hostWithin(host, o.pattern)) out.push(o.value);
    add(this.any);
    return out;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
