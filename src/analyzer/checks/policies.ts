/**
 * Checks of objects that select workloads (policies, Sidecars, Telemetry, EnvoyFilters) and generic
 * structure of every Istio object.
 */
import { Entry, MeshModel, Reporter, Workload, isIstio, rec, ref, strMap } from '../model';
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

export function checkWorkloadSelectors(m: MeshModel, r: Reporter): void {
  for (const kind of Object.keys(SELECTORS)) {
    for (const e of m.istio(kind)) {
      const sel = selectorOf(e);
      if (Object.keys(sel).length === 0) continue;
      const meshWide = e.ns === m.rootNamespace;
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
