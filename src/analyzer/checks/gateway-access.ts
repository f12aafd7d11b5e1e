/**
 * CIS0005: a VirtualService bound to a Gateway routes to a namespace whose AuthorizationPolicies let the
 * gateway's pods in nowhere: every request through the gateway gets 403.
 *
 * Conservative by design (a warning only when it is certain enough):
 * - the gateway's pods (and so their identity) must be in the input;
 * - the destination namespace must be in allow-list mode for every workload: an ALLOW policy without a
 *   selector there or in the root namespace (`spec: {}`, the zero-trust default-deny, is one);
 * - any ALLOW policy of that namespace or the root namespace, whatever its selector, with a rule that could
 *   admit the gateway (no `from`, or a source whose namespaces and principals match the gateway's, or a
 *   source this check cannot judge, such as ipBlocks or negations) silences the warning.
 */
import { Entry, MeshModel, Reporter, Workload, arr, rec, str, strMap } from '../model';
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
  const verdicts = new Map<string, Entry[] | undefined>();

  /** The namespace-wide ALLOW policies that put `ns` in allow-list mode, or undefined when none do. */
  const lockingPolicies = (ns: string): Entry[] | undefined => {
    const scoped = [...(byNs.get(ns) ?? []), ...(ns === m.rootNamespace ? [] : byNs.get(m.rootNamespace) ?? [])];
    // no selector (or an empty one) and no targetRef (those attach to gateways, not to the namespace's pods)
    const locking = scoped.filter((p) => Object.keys(strMap(rec(p.spec.selector)?.matchLabels)).length === 0
      && p.spec.targetRef === undefined && p.spec.targetRefs === undefined);
    return locking.length > 0 ? locking : undefined;
  };

  /** The policies denying `id` into `ns` (for the message), or undefined when it is let in or unknown. */
  const denied = (ns: string, id: Identity): Entry[] | undefined => {
    const key = `${ns}\u0000${id.ns}\u0000${id.sa}`;
    if (verdicts.has(key)) return verdicts.get(key);
    let verdict: Entry[] | undefined;
    const locking = lockingPolicies(ns);
    if (locking) {
      const scoped = [...(byNs.get(ns) ?? []), ...(ns === m.rootNamespace ? [] : byNs.get(m.rootNamespace) ?? [])];
      if (!scoped.some((p) => policyAdmits(p, id))) verdict = scoped;
    }
    verdicts.set(key, verdict);
    return verdict;
  };

  const gatewayIdentities = (gw: Entry): Identity[] => {
    let ids = identitiesOf.get(gw);
    if (!ids) {
      const selector = strMap(gw.spec.selector);
      ids = Object.keys(selector).length === 0 ? [] : m.select(selector, undefined).map((w) => ({
        ns: w.ns,
        sa: str(w.podSpec.serviceAccountName) ?? str(w.podSpec.serviceAccount) ?? 'default',
        workload: w,
      }));
      identitiesOf.set(gw, ids);
    }
    return ids;
  };

  for (const vs of m.istio('VirtualService')) {
    const vsNs = vs.ns!;
    const gateways = arr(vs.spec.gateways).filter((g): g is string => typeof g === 'string' && g !== 'mesh')
      .map((g) => m.gateways.get((({ ns, name }) => `${ns}/${name}`)(parseGatewayRef(g, vsNs))))
      .filter((g): g is Entry => g !== undefined);
    if (gateways.length === 0) continue;
    const ids = gateways.flatMap(gatewayIdentities);
    if (ids.length === 0) continue;
    const reported = new Set<string>();
    for (const kind of ROUTE_KINDS) {
      arr(vs.spec[kind]).forEach((rule, i) => {
        arr(rec(rule)?.route).forEach((route, j) => {
          const host = str(rec(rec(route)?.destination)?.host);
          if (!host) return;
          const fqdn = m.resolve(host, vsNs);
          const parts = fqdn.split('.');
          if (parts.length < 3 || parts[2] !== 'svc') return; // not a cluster Service host
          const ns = parts[1];
          for (const id of ids) {
            const deniedBy = denied(ns, id);
            const key = `${ns}\u0000${id.ns}\u0000${id.sa}`;
            if (!deniedBy || reported.has(key)) continue;
            reported.add(key);
            const w = id.workload.entry;
            r.report('CIS0005', vs, `spec.${kind}[${i}].route[${j}].destination.host`,
              `Requests through the gateway (${w.kind} ${w.ns}/${w.name}, service account ${id.ns}/${id.sa}) to "${host}" are denied: namespace ${ns} allows only what its AuthorizationPolicies list (${deniedBy.map((p) => `${p.ns}/${p.name}`).sort().join(', ')}), and no rule admits namespace ${id.ns} or that service account.`,
              `Add an ALLOW rule for the gateway's identity in namespace ${ns}, e.g. ZeroTrustNamespace.allow(id, { rules: [{ from: [{ serviceAccounts: [{ namespace: '${id.ns}', name: '${id.sa}' }] }] }] }).`);
          }
        });
      });
    }
  }
}
