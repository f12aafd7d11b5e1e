/** DestinationRule checks: structure, TLS origination without verification, subsets, unknown hosts. */
import { isWildcardHost as isWildcard } from '../../internal/host-match';
import { Entry, Json, MeshModel, Reporter, Workload, arr, rec, ref, str, strMap } from '../model';

const TOPOLOGY_KEYS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

/** The labels Istio adds to a pod's endpoint from its node: non-empty region, zone and subzone, and the hostname. */
function nodeTopologyLabels(nodes: Map<string, Record<string, string>>, w: Workload): Record<string, string> {
  const nodeName = str(w.podSpec.nodeName);
  if (!nodeName) return {};
  const out: Record<string, string> = { 'kubernetes.io/hostname': nodeName };
  const labels = nodes.get(nodeName) ?? {};
  for (const k of TOPOLOGY_KEYS) if (labels[k]) out[k] = labels[k];
  return out;
}

export function checkDestinationRules(m: MeshModel, r: Reporter): void {
  const nodes = new Map<string, Record<string, string>>();
  for (const n of m.k8s('Node')) nodes.set(n.name, strMap(rec(n.obj.metadata)?.labels));
  for (const dr of m.istio('DestinationRule')) {
    if (dr.group !== 'networking.istio.io') continue;
    const ns = dr.ns!;
    const host = str(dr.spec.host);
    if (!host) {
      r.report('IST0106', dr, 'spec.host', 'Schema validation error: DestinationRule has no host.', 'Set spec.host to the Service or ServiceEntry host the rule applies to.');
    }

    // Subset names: present and unique.
    const names = new Map<string, number>();
    arr(dr.spec.subsets).forEach((sRaw, i) => {
      const name = str(rec(sRaw)?.name);
      if (!name) {
        r.report('IST0106', dr, `spec.subsets[${i}].name`, 'Schema validation error: subset has no name.', 'Name every subset.');
      } else if (names.has(name)) {
        r.report('IST0106', dr, `spec.subsets[${i}].name`, `Schema validation error: duplicate subset name "${name}" (also subset ${names.get(name)}).`,
          'Give every subset a distinct name.');
      } else {
        names.set(name, i);
      }
    });

    // TLS origination without server certificate verification.
    const shownHost = host ?? '(none)';
    checkTrafficPolicy(r, dr, rec(dr.spec.trafficPolicy), 'spec.trafficPolicy', shownHost);
    arr(dr.spec.subsets).forEach((s, i) => checkTrafficPolicy(r, dr, rec(rec(s)?.trafficPolicy), `spec.subsets[${i}].trafficPolicy`, shownHost));

    if (!host || isWildcard(host)) continue;

    // IST0174: the host names nothing.
    if (!m.destination(host, ns, arr(dr.spec.exportTo)) && m.canConcludeHostMissing(host, ns)) {
      r.report('IST0174', dr, 'spec.host', `The host ${host} defined in the DestinationRule does not match any Service or ServiceEntry.`,
        `Correct the host (for another namespace use name.namespace.svc.${m.domain}), or create the Service/ServiceEntry.`);
    }

    // IST0173: subsets that select no pod of the Service.
    const svc = m.serviceFor(host, ns);
    if (!svc) continue;
    const selector = strMap(svc.spec.selector);
    if (Object.keys(selector).length === 0 || !m.workloadsDescribed(svc.ns!)) continue;
    arr(dr.spec.subsets).forEach((sRaw, i) => {
      const subset = rec(sRaw) ?? {};
      const labels = strMap(subset.labels);
      if (Object.keys(labels).length === 0) return;
      const clash = Object.keys(labels).some((k) => k in selector && selector[k] !== labels[k]);
      const wanted = { ...selector, ...labels };
      const pods = clash ? [] : m.select(wanted, svc.ns!);
      // Istio also gives endpoints the topology labels of their node (region, zone, subzone, hostname)
      const byTopology = !clash && pods.length === 0 && (m.workloadsByNs.get(svc.ns!) ?? []).some((w) => {
        const augmented = { ...w.labels, ...nodeTopologyLabels(nodes, w) };
        return Object.keys(wanted).every((k) => augmented[k] === wanted[k]);
      });
      // in a fleet, the Service's endpoints are those of every cluster: pods of the same namespace elsewhere count
      const elsewhere = !clash && pods.length === 0 && !byTopology && m.peers.some((p) => p.model.select(wanted, svc.ns!).length > 0);
      if (pods.length === 0 && !byTopology && !elsewhere) {
        const shown = Object.keys(labels).map((k) => `${k}=${labels[k]}`).join(',');
        r.report('IST0173', dr, `spec.subsets[${i}].labels`,
          `The subset ${str(subset.name) ?? i} (${shown}) selects no pod of Service ${ref(svc)}; requests routed to it fail with 503 UH (no healthy upstream).`,
          `Change the subset labels to those of the pods behind ${ref(svc)}, deploy the workload they name, or remove the subset.`);
      }
    });
  }
}

function checkTrafficPolicy(r: Reporter, dr: Entry, tp: Json | undefined, base: string, host: string): void {
  if (!tp) return;
  checkTls(r, dr, rec(tp.tls), `${base}.tls`, host, undefined);
  arr(tp.portLevelSettings).forEach((pRaw, k) => {
    const p = rec(pRaw) ?? {};
    const port = rec(p.port)?.number;
    checkTls(r, dr, rec(p.tls), `${base}.portLevelSettings[${k}].tls`, host, typeof port === 'number' ? port : undefined);
  });
}

function checkTls(r: Reporter, dr: Entry, tls: Json | undefined, field: string, host: string, port: number | undefined): void {
  if (!tls) return;
  const mode = str(tls.mode);
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return;
  // credentialName verifies only for the workloads a workloadSelector picks (gateways); sidecars ignore it
  if (str(tls.caCertificates) || (str(tls.credentialName) && rec(dr.spec.workloadSelector)) || tls.insecureSkipVerify === true) return;
  if (field.includes('portLevelSettings')) {
    r.report('IST0129', dr, field,
      `DestinationRule ${ref(dr)} has TLS mode ${mode} but no caCertificates to validate the server identity for host ${host} at port ${port ?? '(unset)'}.`,
      `Set ${field}.caCertificates (or credentialName); set insecureSkipVerify: true only if skipping verification is intended.`);
  } else {
    r.report('IST0128', dr, field,
      `DestinationRule ${ref(dr)} has TLS mode ${mode} but no caCertificates to validate the server identity for host ${host}.`,
      `Set ${field}.caCertificates (or credentialName); set insecureSkipVerify: true only if skipping verification is intended.`);
  }
}
