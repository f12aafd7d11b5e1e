/**
 * Checks of objects that select workloads (policies, Sidecars, Telemetry, EnvoyFilters) and generic
 * structure of every Istio object.
 */
import { Entry, MeshModel, Reporter, Workload, arr, isIstio, namespaceRevision, rec, ref, strMap } from '../model';
import { listNames } from './routing';

/** Kinds that select workloads, and where their labels are. */
const SELECTORS: Record<string, { path: string[]; field: string }> = {
  AuthorizationPolicy: { path: ['selector', 'matchLabels'], field: 'spec.selector.matchLabels' },
  PeerAuthentication: { path: ['selector', 'matchLabels'], field: 'spec.selector.matchLabels' },
  RequestAuthentication: { path: ['selector', 'matchLabels'], field: 'spec.selector.matchLabels' },
  Telemetry: { path: ['selector', 'matchLabels'], field: 'spec.selector.matchLabels' },
  WasmPlugin: { path: ['selector', 'matchLabels'], field: 'spec.selector.matchLabels' },
  Sidecar: { path: ['workloadSelector', 'labels'], field: 'spec.workloadSelector.labels' },
  EnvoyFilter: { path: ['workloadSelector', 'labels'], field: 'spec.workloadSelector.labels' },
};

function selectorOf(e: Entry): Record<string, string> {
  const s = SELECTORS[e.kind];
  let v: unknown = e.spec;
  for (const p of s.path) v = rec(v)?.[p];
  return strMap(v);
}

export function checkIstioStructure(m: MeshModel, r: Reporter): void {
  for (const e of m.entries) {
    if (!isIstio(e)) continue;
    if (!e.name) r.report('IST0106', e, 'metadata.name', `Schema validation error: ${e.kind} has no metadata.name.`, 'Give the object a name.');
  }
  for (const pa of m.istio('PeerAuthentication')) {
    if (rec(pa.spec.portLevelMtls) && Object.keys(rec(pa.spec.portLevelMtls)!).length > 0 && Object.keys(selectorOf(pa)).length === 0) {
      r.report('IST0106', pa, 'spec.portLevelMtls', 'Schema validation error: portLevelMtls requires a workload selector.',
        'Add spec.selector.matchLabels for the workload whose ports the settings are for.');
    }
  }
}

/**
 * Whether a workload's pods get a proxy (sidecar, or ambient redirection), as Istio's analyzers tell: a proxy
 * container, the pod's own `sidecar.istio.io/inject`, else its namespace's labels. Undefined when the input
 * cannot tell (the namespace is not in it, and the input is not complete).
 */
export function workloadInMesh(m: MeshModel, w: Workload): boolean | undefined {
  const containers = [...arr(w.podSpec.containers), ...arr(w.podSpec.initContainers)];
  if (containers.some((c) => rec(c)?.name === 'istio-proxy' && typeof rec(c)?.image === 'string')) return true;
  if (w.annotations['ambient.istio.io/redirection'] === 'enabled') return true;
  const choice = w.labels['sidecar.istio.io/inject'] ?? w.annotations['sidecar.istio.io/inject'];
  if (choice !== undefined) return choice === 'true';
  return namespaceInMesh(m, w.ns);
}

/** Whether a namespace's labels put its pods in the mesh (injection or ambient); undefined when the input cannot tell. */
function namespaceInMesh(m: MeshModel, ns: string): boolean | undefined {
  const nsEntry = m.namespaces.get(ns);
  if (!nsEntry) return m.assumeComplete ? false : undefined;
  const labels = strMap(rec(nsEntry.obj.metadata)?.labels);
  return namespaceRevision(labels) !== undefined || labels['istio.io/dataplane-mode'] === 'ambient';
}

export function checkWorkloadSelectors(m: MeshModel, r: Reporter): void {
  for (const kind of Object.keys(SELECTORS)) {
    for (const e of m.istio(kind)) {
      const sel = selectorOf(e);
      const meshWide = e.ns === m.rootNamespace;
      if (kind === 'AuthorizationPolicy') {
        checkPolicyWorkloads(m, r, e, sel, meshWide);
        continue;
      }
      if (Object.keys(sel).length === 0) continue;
      const scope = meshWide ? undefined : e.ns!;
      const conclude = m.assumeComplete || (!meshWide && m.workloadsDescribed(e.ns!));
      if (!conclude) continue;
      if (m.select(sel, scope).length === 0) {
        const shown = Object.keys(sel).map((k) => `${k}=${sel[k]}`).join(',');
        if (kind === 'Sidecar' || kind === 'Telemetry') {
          // Istio reports these as a reference to a selector that does not resolve
          r.report('IST0101', e, SELECTORS[kind].field, `Referenced selector not found: "${shown}" (no workload of namespace ${e.ns} carries these labels).`,
            'Correct the selector to the pod labels of the workload it is for, or deploy that workload.',
            kind === 'Sidecar' ? 'sidecar.SelectorAnalyzer' : 'telemetry.SelectorAnalyzer');
          continue;
        }
        r.report('IST0127', e, SELECTORS[kind].field,
          `No matching workloads for this ${kind} with the labels ${shown}${meshWide ? ' (mesh-wide, root namespace)' : ` in namespace ${e.ns}`}.`,
          'Correct the selector to the pod labels of the workload it is for, or deploy that workload.');
      }
    }
  }
  checkSelectorOverlaps(m, r, 'Sidecar');
  checkSelectorOverlaps(m, r, 'Telemetry');
}

/** Pods of ambient mode (no sidecar): the annotation ztunnel's CNI sets on them. */
function ambientPod(w: Workload): boolean {
  return w.annotations['ambient.istio.io/redirection'] === 'enabled';
}

/** A namespace in ambient mode (and not also labelled for sidecar injection). */
function ambientNamespace(m: MeshModel, ns: string): boolean {
  const labels = strMap(rec(m.namespaces.get(ns)?.obj.metadata)?.labels);
  if (labels['istio-injection'] === 'enabled' || (labels['istio.io/rev'] ?? '') !== '') return false;
  return labels['istio.io/dataplane-mode'] === 'ambient';
}

/**
 * Sidecars and Telemetries of one namespace that overlap: several without selector (IST0111/IST0160), several
 * selecting one workload (IST0110/IST0159); Sidecars where there is no sidecar (ambient mode, IST0167).
 */
function checkSelectorOverlaps(m: MeshModel, r: Reporter, kind: 'Sidecar' | 'Telemetry'): void {
  const codes = kind === 'Sidecar'
    ? { none: 'IST0111', overlap: 'IST0110', plural: 'Sidecars' }
    : { none: 'IST0160', overlap: 'IST0159', plural: 'Telemetries' };
  const byNs = new Map<string, Entry[]>();
  for (const e of m.istio(kind)) {
    const l = byNs.get(e.ns!);
    if (l) l.push(e);
    else byNs.set(e.ns!, [e]);
  }
  for (const [ns, list] of byNs) {
    const ineffective = new Set<Entry>();
    // a Telemetry with `selector: {}` is not namespace-wide for Istio's check; a Sidecar with empty labels is
    const unselected = list.filter((s) => (kind === 'Sidecar' ? Object.keys(selectorOf(s)).length === 0 : !rec(s.spec.selector)));
    if (kind === 'Sidecar' && ambientNamespace(m, ns)) {
      for (const s of unselected) {
        ineffective.add(s);
        r.report('IST0167', s, 'spec', `The policy has no impact: namespace ${ns} is in ambient mode, where pods have no sidecar.`);
      }
    } else if (unselected.length > 1) {
      const names = listNames(unselected.map(ref));
      for (const s of unselected) {
        r.report(codes.none, s, kind === 'Sidecar' ? 'spec.workloadSelector' : 'spec.selector',
          `The ${codes.plural} ${names} in namespace ${ns} have no workload selector; which one applies is undefined.`,
          `Keep one namespace-wide ${kind} and give the others a ${kind === 'Sidecar' ? 'workloadSelector' : 'selector'}.`);
      }
    }
    const byWorkload = new Map<Workload, Entry[]>();
    for (const s of list) {
      const sel = selectorOf(s);
      if (Object.keys(sel).length === 0) continue;
      for (const w of m.select(sel, ns)) {
        const l = byWorkload.get(w);
        if (l) l.push(s);
        else byWorkload.set(w, [s]);
      }
    }
    const reported = new Set<Entry>();
    for (const [w, selecting] of byWorkload) {
      if (kind === 'Sidecar' && ambientPod(w)) {
        for (const s of selecting) {
          if (ineffective.has(s)) continue;
          ineffective.add(s);
          r.report('IST0167', s, 'spec.workloadSelector', `The policy has no impact: the selected workload ${w.entry.kind} ${w.entry.name} is in ambient mode, where there is no sidecar.`);
        }
        continue;
      }
      if (selecting.length < 2) continue;
      const names = listNames(selecting.map(ref));
      for (const s of selecting) {
        if (reported.has(s)) continue;
        reported.add(s);
        r.report(codes.overlap, s, kind === 'Sidecar' ? 'spec.workloadSelector.labels' : 'spec.selector.matchLabels',
          `The ${codes.plural} ${names} in namespace ${ns} select the same workload ${w.entry.kind} ${w.entry.name}; which one applies is undefined.`,
          `Make the selectors select disjoint workloads, or merge the ${codes.plural}.`);
      }
    }
  }
}

/**
 * IST0127 for an AuthorizationPolicy: no workload with a proxy that it applies to (pods without a proxy enforce
 * no policy). Concluded on a complete input, for a namespace whose workloads are in the input, or for a
 * namespace the input labels without injection (then no pod there has a proxy unless it asks for one).
 * IST0101 for `from.source.namespaces`/`notNamespaces` that match no Namespace (complete input only).
 */
function checkPolicyWorkloads(m: MeshModel, r: Reporter, ap: Entry, sel: Record<string, string>, meshWide: boolean): void {
  const ns = ap.ns!;
  const selected = Object.keys(sel).length === 0 && !meshWide ? [...(m.workloadsByNs.get(ns) ?? [])] : m.select(sel, meshWide ? undefined : ns);
  const withProxy = selected.filter((w) => workloadInMesh(m, w) !== false);
  const nsWithoutMesh = !meshWide && namespaceInMesh(m, ns) === false;
  const conclude = m.assumeComplete || nsWithoutMesh || (!meshWide && Object.keys(sel).length > 0 && m.workloadsDescribed(ns));
  const applies = Object.keys(sel).length > 0 || !meshWide;
  if (applies && conclude && withProxy.length === 0) {
    const shown = Object.keys(sel).map((k) => `${k}=${sel[k]}`).join(',');
    const why = selected.length > 0
      ? `the workloads it selects (${listNames(selected.map((w) => `${w.entry.kind} ${w.entry.name}`))}) have no proxy${nsWithoutMesh ? ` (namespace ${ns} is not labelled for injection)` : ''}, so they enforce no policy`
      : nsWithoutMesh ? `namespace ${ns} is not labelled for injection or ambient mode, so its pods have no proxy to enforce the policy`
        : `no workload ${shown ? `with the labels ${shown} ` : ''}${meshWide ? 'in the mesh' : `in namespace ${ns}`}`;
    r.report('IST0127', ap, shown ? SELECTORS.AuthorizationPolicy.field : 'spec',
      `No matching workloads for this AuthorizationPolicy: ${why}.`,
      nsWithoutMesh
        ? `Label namespace ${ns} istio-injection=enabled (or istio.io/rev, or istio.io/dataplane-mode=ambient) and restart its pods, or remove the policy.`
        : 'Correct the selector to the pod labels of the workload it is for, or deploy that workload.');
  }
  if (!m.assumeComplete) return;
  arr(ap.spec.rules).forEach((rule, i) => {
    arr(rec(rule)?.from).forEach((from, j) => {
      const source = rec(rec(from)?.source) ?? {};
      for (const field of ['namespaces', 'notNamespaces'] as const) {
        arr(source[field]).forEach((n, k) => {
          if (typeof n !== 'string' || [...m.namespaces.keys()].some((name) => namespaceMatches(n, name))) return;
          r.report('IST0101', ap, `spec.rules[${i}].from[${j}].source.${field}[${k}]`, `Referenced namespace not found: "${n}".`,
            'Correct the namespace name, or create the namespace.', 'auth.AuthorizationPoliciesAnalyzer');
        });
      }
    });
  });
}

/** Istio's namespace match in policies: exact (case-insensitive), `*`, `prefix*` or `*suffix`. */
function namespaceMatches(pattern: string, ns: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return ns.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return ns.startsWith(pattern.slice(0, -1));
  return pattern.toLowerCase() === ns.toLowerCase();
}
