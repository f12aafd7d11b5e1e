/**
 * CIS0007: a call an ALLOW AuthorizationPolicy admits from another namespace that a Kubernetes NetworkPolicy blocks
 * before it reaches the proxy: the callee's ingress, or (often forgotten) the caller's egress.
 *
 * Conservative: only callers named exactly (`source.namespaces` without wildcards, or principals
 * `<trust domain>/ns/<ns>/sa/<sa>`); NetworkPolicies apply only to pods they certainly select (`podSelector: {}`, or
 * labels of workloads in the input); peers this check cannot judge (ipBlock, pod labels not in the input) and
 * ports count as admitting.
 */
import { Entry, Json, MeshModel, Reporter, Workload, arr, labelSelectorMatches, rec, str, strMap } from '../model';

const NAME_LABEL = 'kubernetes.io/metadata.name';

interface Side {
  readonly ns: string;
  /** Pod label sets of the pods concerned; undefined when the input does not hold them. */
  readonly pods?: ReadonlyArray<Record<string, string>>;
}

function types(np: Entry): Set<string> {
  const t = arr(np.spec.policyTypes).filter((x): x is string => typeof x === 'string');
  if (t.length > 0) return new Set(t);
  return new Set(['Ingress', ...(np.spec.egress !== undefined ? ['Egress'] : [])]);
}

/** Whether the NetworkPolicy certainly applies to the pods of `side`. */
function applies(np: Entry, side: Side): boolean {
  const sel = rec(np.spec.podSelector) ?? {};
  const empty = Object.keys(strMap(sel.matchLabels)).length === 0 && arr(sel.matchExpressions).length === 0;
  if (empty) return true;
  return side.pods !== undefined && side.pods.some((labels) => labelSelectorMatches(sel, labels));
}

/** Whether one peer of a rule admits `other` (in another namespace than the policy's). */
function peerAdmits(m: MeshModel, peer: Json, other: Side): boolean {
  if (rec(peer.ipBlock)) return true; // not judged
  const nsSel = peer.namespaceSelector;
  if (nsSel === undefined) return false; // a podSelector alone means the policy's own namespace
  const nsLabels = { ...strMap(rec(m.namespaces.get(other.ns)?.obj.metadata)?.labels), [NAME_LABEL]: other.ns };
  if (!labelSelectorMatches(nsSel, nsLabels)) return false;
  const podSel = peer.podSelector;
  if (podSel === undefined || other.pods === undefined) return true;
  return other.pods.some((labels) => labelSelectorMatches(podSel, labels));
}

/** The NetworkPolicy of `side`'s namespace that blocks traffic with `other` in `direction`, if any. */
function blocking(m: MeshModel, byNs: Map<string, Entry[]>, side: Side, other: Side, direction: 'Ingress' | 'Egress'): Entry | undefined {
  const relevant = (byNs.get(side.ns) ?? []).filter((np) => types(np).has(direction) && applies(np, side));
  if (relevant.length === 0) return undefined;
  const key = direction === 'Ingress' ? 'ingress' : 'egress';
  const peersKey = direction === 'Ingress' ? 'from' : 'to';
  const admitted = relevant.some((np) => arr(np.spec[key]).some((ruleRaw) => {
    const peers = arr(rec(ruleRaw)?.[peersKey]);
    return peers.length === 0 || peers.some((p) => peerAdmits(m, rec(p) ?? {}, other));
  }));
  return admitted ? undefined : relevant[0];
}

function podsOf(m: MeshModel, ns: string, filter: (w: Workload) => boolean): Array<Record<string, string>> | undefined {
  const pods = (m.workloadsByNs.get(ns) ?? []).filter(filter).map((w) => w.labels);
  return pods.length > 0 ? pods : undefined;
}

export function checkNetworkPolicies(m: MeshModel, r: Reporter): void {
  const byNs = new Map<string, Entry[]>();
  for (const np of m.entries) {
    if (np.kind !== 'NetworkPolicy' || np.group !== 'networking.k8s.io') continue;
    byNs.set(np.ns!, [...(byNs.get(np.ns!) ?? []), np]);
  }
  if (byNs.size === 0) return;
  for (const ap of m.istio('AuthorizationPolicy')) {
    if (ap.group !== 'security.istio.io' || (str(ap.spec.action) ?? 'ALLOW') !== 'ALLOW' || ap.ns === m.rootNamespace) continue;
    const selector = strMap(rec(ap.spec.selector)?.matchLabels);
    const calleePods = podsOf(m, ap.ns!, (w) => Object.keys(selector).every((k) => w.labels[k] === selector[k]))
      ?? (Object.keys(selector).length > 0 ? [selector] : undefined);
    const callee: Side = { ns: ap.ns!, pods: calleePods };
    arr(ap.spec.rules).forEach((rule, i) => {
      arr(rec(rule)?.from).forEach((from, j) => {
        const source = rec(rec(from)?.source) ?? {};
        const callers = new Map<string, Set<string> | undefined>(); // namespace -> service accounts (undefined = any)
        for (const n of arr(source.namespaces)) if (typeof n === 'string' && !n.includes('*')) callers.set(n, undefined);
        for (const p of arr(source.principals)) {
          const mm = typeof p === 'string' ? /\/ns\/([^/*]+)\/sa\/([^/*]+)$/.exec(p) : null;
          if (!mm || callers.get(mm[1]) === undefined && callers.has(mm[1])) continue;
          callers.set(mm[1], new Set([...(callers.get(mm[1]) ?? []), mm[2]]));
        }
        for (const [ns, accounts] of callers) {
          if (ns === callee.ns) continue;
          const caller: Side = {
            ns, pods: podsOf(m, ns, (w) => accounts === undefined || accounts.has(str(w.podSpec.serviceAccountName) ?? 'default')),
          };
          const field = `spec.rules[${i}].from[${j}].source`;
          const inbound = blocking(m, byNs, callee, caller, 'Ingress');
          if (inbound) {
            r.report('CIS0007', ap, field,
              `This policy allows calls from namespace ${ns}, but NetworkPolicy ${inbound.ns}/${inbound.name} (and any other NetworkPolicy selecting the same pods in ${callee.ns}) admits no ingress from ${ns}: the calls never reach the proxy.`,
              `Add an ingress rule from namespaceSelector {${NAME_LABEL}: ${ns}} to a NetworkPolicy of namespace ${callee.ns} (ZeroTrustNamespace.allow opens both sides when both namespaces are its own).`);
          }
          const outbound = blocking(m, byNs, caller, callee, 'Egress');
          if (outbound) {
            r.report('CIS0007', ap, field,
              `This policy allows calls from namespace ${ns}, but the caller's egress NetworkPolicy ${outbound.ns}/${outbound.name} admits no traffic to namespace ${callee.ns}: the calls are dropped before they leave ${ns}.`,
              `Add an egress rule to namespaceSelector {${NAME_LABEL}: ${callee.ns}} to a NetworkPolicy of namespace ${ns}.`);
          }
        }
      });
    });
  }
}
