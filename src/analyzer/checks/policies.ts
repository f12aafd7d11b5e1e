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
        r.report('IST0127', e, SELECTORS[kind].field,
          `No matching workloads for this ${kind} with the labels ${shown}${meshWide ? ' (mesh-wide, root namespace)' : ` in namespace ${e.ns}`}.`,
          'Correct the selector to the pod labels of the workload it is for, or deploy that workload.');
      }
    }
  }
  checkSidecars(m, r);
}

function checkSidecars(m: MeshModel, r: Reporter): void {
  const byNs = new Map<string, Entry[]>();
  for (const sc of m.istio('Sidecar')) {
    const l = byNs.get(sc.ns!);
    if (l) l.push(sc);
    else byNs.set(sc.ns!, [sc]);
  }
  for (const [ns, sidecars] of byNs) {
    const unselected = sidecars.filter((s) => Object.keys(selectorOf(s)).length === 0);
    if (unselected.length > 1) {
      const names = listNames(unselected.map(ref));
      for (const s of unselected) {
        r.report('IST0111', s, 'spec.workloadSelector',
          `The Sidecars ${names} in namespace ${ns} have no workload selector; which one applies is undefined.`,
          'Keep one namespace-wide Sidecar and give the others a workloadSelector.');
      }
    }
    const byWorkload = new Map<Workload, Entry[]>();
    for (const s of sidecars) {
      const sel = selectorOf(s);
      if (Object.keys(sel).length === 0) continue;
      for (const w of m.select(sel, ns)) {
        const l = byWorkload.get(w);
        if (l) l.push(s);
        else byWorkload.set(w, [s]);
      }
    }
    const reported = new Set<Entry>();
    for (const [w, list] of byWorkload) {
      if (list.length < 2) continue;
      const names = listNames(list.map(ref));
      for (const s of list) {
        if (reported.has(s)) continue;
        reported.add(s);
        r.report('IST0110', s, 'spec.workloadSelector.labels',
          `The Sidecars ${names} in namespace ${ns} select the same workload ${w.entry.kind} ${w.entry.name}; which one applies is undefined.`,
          'Make the workload selectors select disjoint workloads, or merge the Sidecars.');
      }
    }
  }
}
