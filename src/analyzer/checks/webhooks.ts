/**
 * Istio's admission webhooks: injection webhooks that overlap or name a missing Service (IST0139), and webhooks of
 * an external control plane without a usable address (IST0163, IST0164).
 */
import { isIP } from 'net';
import { Entry, Json, MeshModel, Reporter, arr, labelSelectorMatches, rec, str, strMap } from '../model';

const REV = 'istio.io/rev';

function webhooksOf(e: Entry): Json[] {
  return arr(e.obj.webhooks).map((w) => rec(w) ?? {});
}

/** The revisions an injection webhook configuration serves (its label, and istio.io/rev in its selectors). */
function revisionsOf(e: Entry): string[] {
  const out = new Set<string>();
  const own = strMap(rec(e.obj.metadata)?.labels)[REV];
  if (own !== undefined) out.add(own);
  for (const wh of webhooksOf(e)) {
    for (const selector of [rec(wh.namespaceSelector), rec(wh.objectSelector)]) {
      if (!selector) continue;
      const v = strMap(selector.matchLabels)[REV];
      if (v !== undefined) out.add(v);
      for (const ex of arr(selector.matchExpressions)) {
        if (str(rec(ex)?.key) === REV) for (const x of arr(rec(ex)?.values)) if (typeof x === 'string') out.add(x);
      }
    }
  }
  return [...out];
}

export function checkWebhooks(m: MeshModel, r: Reporter): void {
  const reported = new Set<string>();
  const report = (code: string, e: Entry, field: string, message: string, fix?: string) => {
    const key = `${e.index}|${code}|${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    r.report(code, e, field, message, fix);
  };

  // IST0139: injection webhooks that both match a namespace/pod labelling, or name a Service not in the input.
  const configs = m.entries.filter((e) => e.kind === 'MutatingWebhookConfiguration' && e.group === 'admissionregistration.k8s.io');
  const injection = configs.filter((e) => revisionsOf(e).length > 0 || webhooksOf(e).some((w) => (str(w.name) ?? '').endsWith('istio.io')));
  const revisions = new Set(injection.flatMap(revisionsOf));
  const withRevisions = (bases: Array<Record<string, string>>) => [
    ...bases, ...[...revisions].flatMap((rev) => bases.map((b) => ({ ...b, [REV]: rev }))),
  ];
  const nsLabelSets = withRevisions([{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }]);
  const podLabelSets = withRevisions([{}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }]);
  for (const nl of nsLabelSets) {
    for (const pl of podLabelSets) {
      const matches: Array<{ config: Entry; name: string }> = [];
      for (const config of injection) {
        for (const wh of webhooksOf(config)) {
          if (labelSelectorMatches(wh.namespaceSelector, nl) && labelSelectorMatches(wh.objectSelector, pl)) {
            matches.push({ config, name: `${config.name}/${str(wh.name) ?? ''}` });
          }
        }
      }
      if (matches.length < 2) continue;
      for (const x of matches) {
        const others = matches.filter((o) => o !== x).map((o) => o.name).sort();
        report('IST0139', x.config, 'webhooks', `Webhook ${x.name} overlaps with others: ${others.join(', ')}. This may cause injection to occur twice.`,
          'Make the webhooks select disjoint namespaces and pods (one revision per namespace), or remove the stale webhook configuration.');
      }
    }
  }
  for (const config of injection) {
    webhooksOf(config).forEach((wh, i) => {
      const svc = rec(rec(wh.clientConfig)?.service);
      if (!svc) return;
      const [ns, name] = [str(svc.namespace) ?? '', str(svc.name) ?? ''];
      if (m.servicesByFqdn.has(`${name}.${ns}.svc.${m.domain}`)) return;
      if (!m.assumeComplete && (m.serviceCountByNs.get(ns) ?? 0) === 0) return;
      report('IST0139', config, `webhooks[${i}].clientConfig.service`, `Injector refers to a control plane service that does not exist: ${ns}/${name}.`,
        `Create Service ${ns}/${name} (istiod), or point the webhook at the istiod Service of this revision.`);
    });
  }

  // IST0163/IST0164: Istio's webhooks reaching an external istiod by URL.
  for (const e of m.entries) {
    if (e.group !== 'admissionregistration.k8s.io') continue;
    const istioWebhook = e.kind === 'ValidatingWebhookConfiguration'
      ? e.name === 'istiod-default-validator' || e.name.startsWith('istio-validator')
      : e.kind === 'MutatingWebhookConfiguration' && e.name.startsWith('istio-sidecar-injector');
    if (!istioWebhook) continue;
    webhooksOf(e).forEach((wh, i) => {
      const cc = rec(wh.clientConfig) ?? {};
      const url = str(cc.url);
      const hook = str(wh.name) ?? '';
      const field = `webhooks[${i}].clientConfig`;
      if (url !== undefined) {
        let host: string;
        try {
          host = new URL(url).hostname.replace(/^\[|\]$/g, '');
        } catch {
          report('IST0163', e, `${field}.url`, `The address (${url}) of webhook ${hook} to reach the external control plane is not a valid URL.`,
            'Set clientConfig.url to https://<istiod hostname>:15017/<path>.');
          return;
        }
        if (isIP(host)) {
          report('IST0164', e, `${field}.url`, `The address (${url}) of webhook ${hook} to reach the external control plane is an IP address; a hostname is recommended in production.`,
            'Use a hostname in clientConfig.url.');
        }
      } else if (!rec(cc.service)) {
        report('IST0163', e, field, `The address of webhook ${hook} to reach the external control plane is blank (no url, no service).`,
          'Set clientConfig.url to the external istiod\'s address (or clientConfig.service for an in-cluster istiod).');
      }
    });
  }
}
