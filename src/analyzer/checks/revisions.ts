/**
 * Revisions and revision tags: a namespace labelled `istio.io/rev: <name>` is injected only when an injection
 * webhook selects namespaces with that value (a revision's own `rev.namespace` webhook, or a revision tag's
 * `istio-revision-tag-<tag>`). A namespace pointing at a revision or tag no webhook serves gets no sidecars, silently
 * (CIS0006): the usual cause is a canary upgrade that removed the old revision while namespaces still named it, or a
 * tag that was never created. Checked when the input holds at least one injection webhook configuration (otherwise
 * the control plane is elsewhere and its revisions are unknown).
 */
import { Entry, MeshModel, Reporter, arr, rec, str, strMap } from '../model';

const REV = 'istio.io/rev';

/** Values of `istio.io/rev` an injection webhook configuration admits namespaces for (`In` on its namespace selectors). */
function servedRevisions(e: Entry): string[] {
  const out: string[] = [];
  for (const wh of arr(e.obj.webhooks)) {
    if (!(str(rec(wh)?.name) ?? '').endsWith('sidecar-injector.istio.io')) continue;
    const selector = rec(rec(wh)?.namespaceSelector);
    if (!selector) continue;
    const v = strMap(selector.matchLabels)[REV];
    if (v !== undefined) out.push(v);
    for (const ex of arr(selector.matchExpressions)) {
      if (str(rec(ex)?.key) === REV && str(rec(ex)?.operator) === 'In') {
        for (const x of arr(rec(ex)?.values)) if (typeof x === 'string') out.push(x);
      }
    }
  }
  return out;
}

export function checkRevisions(m: MeshModel, r: Reporter): void {
  const injectors = m.entries.filter((e) => e.kind === 'MutatingWebhookConfiguration' && e.group === 'admissionregistration.k8s.io'
    && arr(e.obj.webhooks).some((w) => (str(rec(w)?.name) ?? '').endsWith('sidecar-injector.istio.io')));
  if (injectors.length === 0) return;
  // revision or tag -> the webhook configurations serving it
  const served = new Map<string, string[]>();
  for (const e of injectors) {
    for (const rev of servedRevisions(e)) served.set(rev, [...(served.get(rev) ?? []), e.name]);
  }
  for (const ns of m.namespaces.values()) {
    const labels = strMap(rec(ns.obj.metadata)?.labels);
    const rev = labels[REV];
    // istio-injection wins over istio.io/rev (any value but enabled turns injection off; enabled selects the default revision)
    if (rev === undefined || labels['istio-injection'] !== undefined) continue;
    if (labels['istio.io/dataplane-mode'] === 'ambient') continue;
    if (served.has(rev)) continue;
    const known = [...served.keys()].sort();
    r.report('CIS0006', ns, `metadata.labels.${REV}`,
      `The namespace points at revision or tag "${rev}", which no injection webhook of the input serves (served: ${known.join(', ') || 'none'}): its pods get no sidecar.`,
      `Point the namespace at a served revision or tag (${known.map((k) => `istio.io/rev=${k}`).join(', ')}), or create the tag (RevisionTag, Istiod revisionTags) or the revision first.`);
  }
}
