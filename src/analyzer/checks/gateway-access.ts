/**
 * CIS0005: a VirtualService bound to a Gateway routes to a namespace whose AuthorizationPolicies let the
 * gateway's pods in nowhere: every request through the gateway gets 403.
 *
 * Conservative by design (a warning only when it is certain enough):
 * - the gateway's pods (and so their identity) must be in the input, and only the rules that carry the
 *   gateway's traffic count (a rule whose `match[].gateways` leaves the gateway out does not);
 * - the destination namespace must be in the input with sidecar injection on (`istio-injection=enabled` or
 *   `istio.io/rev`): pods without a sidecar enforce no AuthorizationPolicy;
 * - the destination namespace must be in allow-list mode for every workload: an ALLOW policy without a
 *   selector there or in the root namespace (`spec: {}`, the zero-trust default-deny, is one);
 * - any ALLOW policy of that namespace or the root namespace, whatever its selector, with a rule that could
 *   admit the gateway (no `from`, or a source whose namespaces and principals match the gateway's, or a
 *   source this check cannot judge, such as ipBlocks, negations or a principal pattern without `/ns/`)
 *   silences the warning.
 */
import { clusterLocalNamespace } from '../hosts';
import { Entry, MeshModel, Reporter, Workload, arr, namespaceRevision, rec, str, strMap } from '../model';
import { parseGatewayRef } from './routing';

const ROUTE_KINDS = ['http', 'tcp', 'tls'] as const;

/** A gateway identity: the namespace and service account of its pods. */
interface Identity {
  readonly ns: string;
  readonly sa: string;
  /** Where it comes from, for the message. */
  readonly workload: Workload;
}

/** Istio's string match for principals and namespaces: exact, `*`, `prefix*` or `*suffix`. */
function matches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

/** Whether one `from[].source` could admit `id` (fields are ANDed; unknown kinds of source count as yes). */
function sourceAdmits(source: Record<string, unknown>, id: Identity): boolean {
  const namespaces = arr(source.namespaces).filter((x): x is string => typeof x === 'string');
  const principals = arr(source.principals).filter((x): x is string => typeof x === 'string');
  if (namespaces.length > 0 && !namespaces.some((n) => matches(n, id.ns))) return false;
  // `<trust domain>/ns/<ns>/sa/<sa>`, in the trust domain the pattern names (the mesh's may differ from cluster.local)
  const suffix = `/ns/${id.ns}/sa/${id.sa}`;
  const principalMatches = (p: string): boolean => {
    if (p.includes('*') && !p.includes('/ns/')) return true; // e.g. "example.org/*": the trust domain is unknown here
    const at = p.indexOf('/ns/');
    const td = at > 0 && !p.slice(0, at).includes('*') ? p.slice(0, at) : 'cluster.local';
    return matches(p, `${td}${suffix}`);
  };
  if (principals.length > 0 && !principals.some(principalMatches)) return false;
  return true;
}

/** Whether an ALLOW AuthorizationPolicy has a rule that could admit `id`. */
function policyAdmits(policy: Entry, id: Identity): boolean {
  for (const rule of arr(policy.spec.rules)) {
    const from = arr(rec(rule)?.from);
    if (from.length === 0) return true;
    if (from.some((f) => sourceAdmits(rec(rec(f)?.source) ?? {}, id))) return true;
  }
  return false;
}

function isAllow(policy: Entry): boolean {
  const action = str(policy.spec.action);
  return action === undefined || action === 'ALLOW';
}

export function checkGatewayAccess(m: MeshModel, r: Reporter): void {
  const policies = m.istio('AuthorizationPolicy');
  if (policies.length === 0) return;
  const byNs = new Map<string, Entry[]>();
  for (const p of policies) {
    if (!isAllow(p)) continue;
    const l = byNs.get(p.ns!);
    if (l) l.push(p);
    else byNs.set(p.ns!, [p]);
  }
  const identitiesOf = new Map<Entry, Identity[]>();
  const scopes = new Map<string, Entry[] | undefined>();
  const verdicts = new Map<string, Entry[] | undefined>();

  /**
   * The ALLOW policies that apply in `ns` (its own and the root namespace's) when `ns` has sidecar injection
   * (else its pods may enforce nothing) and one of them, namespace-wide, puts it in allow-list mode; else
   * undefined. Namespace-wide: no selector (or an empty one) and no targetRef (those attach to gateways).
   */
  const allowListScope = (ns: string): Entry[] | undefined => {
    if (scopes.has(ns)) return scopes.get(ns);
    let scope: Entry[] | undefined;
    if (namespaceRevision(strMap(rec(m.namespaces.get(ns)?.obj.metadata)?.labels)) !== undefined) {
      const scoped = [...(byNs.get(ns) ?? []), ...(ns === m.rootNamespace ? [] : byNs.get(m.rootNamespace) ?? [])];
      const locked = scoped.some((p) => Object.keys(strMap(rec(p.spec.selector)?.matchLabels)).length === 0
        && p.spec.targetRef === undefined && p.spec.targetRefs === undefined);
      if (locked) scope = scoped;
    }
    scopes.set(ns, scope);
    return scope;
  };

  /** The policies denying `id` into `ns` (for the message), or undefined when it is let in or unknown. */
  const denied = (ns: string, id: Identity): Entry[] | undefined => {
    const key = `${ns}\u0000${id.ns}\u0000${id.sa}`;
    if (verdicts.has(key)) return verdicts.get(key);
    const scope = allowListScope(ns);
    const verdict = scope && !scope.some((p) => policyAdmits(p, id)) ? scope : undefined;
    verdicts.set(key, verdict);
    return verdict;
  };

  const gatewayIdentities = (gw: Entry): Identity[] => {
    let ids = identitiesOf.get(gw);
    if (!ids) {
      const selector = strMap(gw.spec.selector);
      const unique = new Map<string, Identity>();
      if (Object.keys(selector).length > 0) {
        for (const w of m.select(selector, undefined)) {
          const sa = str(w.podSpec.serviceAccountName) ?? str(w.podSpec.serviceAccount) ?? 'default';
          if (!unique.has(`${w.ns}/${sa}`)) unique.set(`${w.ns}/${sa}`, { ns: w.ns, sa, workload: w });
        }
      }
      ids = [...unique.values()];
      identitiesOf.set(gw, ids);
    }
    return ids;
  };

  for (const vs of m.istio('VirtualService')) {
    const vsNs = vs.ns!;
    const gatewayOf = (ref: string): Entry | undefined => {
      const { ns, name } = parseGatewayRef(ref, vsNs);
      return m.gateways.get(`${ns}/${name}`);
    };
    const vsGateways = arr(vs.spec.gateways).filter((g): g is string => typeof g === 'string' && g !== 'mesh');
    if (vsGateways.length === 0) continue;
    const reported = new Set<string>();
    for (const kind of ROUTE_KINDS) {
      arr(vs.spec[kind]).forEach((rule, i) => {
        // the gateways whose traffic this rule carries: match[].gateways narrows the VirtualService's list
        const matches = arr(rec(rule)?.match);
        const narrowed = matches.length > 0 && matches.every((mt) => Array.isArray(rec(mt)?.gateways));
        const refs = narrowed
          ? [...new Set(matches.flatMap((mt) => arr(rec(mt)?.gateways)).filter((g): g is string => typeof g === 'string' && g !== 'mesh'))]
          : vsGateways;
        const ids = refs.map(gatewayOf).filter((g): g is Entry => g !== undefined).flatMap(gatewayIdentities);
        if (ids.length === 0) return;
        arr(rec(rule)?.route).forEach((route, j) => {
          const host = str(rec(rec(route)?.destination)?.host);
          if (!host) return;
          const ns = clusterLocalNamespace(m.resolve(host, vsNs), m.domain);
          if (ns === undefined) return; // not a cluster Service host
          for (const id of ids) {
            const deniedBy = denied(ns, id);
            const key = `${ns}\u0000${id.ns}\u0000${id.sa}`;
            if (!deniedBy || reported.has(key)) continue;
            reported.add(key);
            const w = id.workload.entry;
            r.report('CIS0005', vs, `spec.${kind}[${i}].route[${j}].destination.host`,
              `Requests through the gateway (${w.kind} ${w.ns}/${w.name}, service account ${id.ns}/${id.sa}) to "${host}" are denied: namespace ${ns} has sidecar injection and is in allow-list mode, and none of the ALLOW policies there or in the root namespace (${deniedBy.map((p) => `${p.ns}/${p.name}`).sort().join(', ')}) admits namespace ${id.ns} or that service account.`,
              `Add an ALLOW rule for the gateway's identity in namespace ${ns}, e.g. ZeroTrustNamespace.allow(id, { rules: [{ from: [{ serviceAccounts: [{ namespace: '${id.ns}', name: '${id.sa}' }] }] }] }).`);
          }
        });
      });
    }
  }
}
