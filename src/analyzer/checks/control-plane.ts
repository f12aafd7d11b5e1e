/**
 * Control plane checks: istiod without BLOCKED_CIDRS_IN_JWKS_URIS while RequestAuthentications exist (IST0175),
 * mesh networks naming unknown service registries (IST0126).
 */
import { Entry, MeshModel, Reporter, arr, rec, ref, str, strMap } from '../model';
import { listNames } from './routing';

export function checkControlPlane(m: MeshModel, r: Reporter): void {
  const requestAuthns = m.istio('RequestAuthentication').filter((e) => e.group === 'security.istio.io');
  if (requestAuthns.length > 0) {
    for (const w of m.workloads) {
      if (w.entry.kind !== 'Deployment' || strMap(rec(w.entry.obj.metadata)?.labels).app !== 'istiod') continue;
      const set = arr(w.podSpec.containers).some((c) => arr(rec(c)?.env).some((e) => str(rec(e)?.name) === 'BLOCKED_CIDRS_IN_JWKS_URIS' && (str(rec(e)?.value) ?? '') !== ''));
      if (set) continue;
      r.report('IST0175', w.entry, `${w.podMetaPath.replace(/metadata$/, 'spec')}.containers`,
        `BLOCKED_CIDRS_IN_JWKS_URIS is not configured but ${requestAuthns.length} RequestAuthentication resource(s) exist (${listNames(requestAuthns.map(ref))}): istiod may fetch JWKS URIs from any network.`,
        'Set BLOCKED_CIDRS_IN_JWKS_URIS on istiod (e.g. the cluster\'s pod and service CIDRs and 169.254.169.254/32).');
    }
  }

  const networks = m.meshNetworks?.networks;
  if (!networks) return;
  // Registries istiod knows: its own, and one per cluster of a remote secret (label istio/multiCluster=true).
  const registries = new Set(['Mock', 'Kubernetes', 'External']);
  for (const s of m.k8s('Secret')) {
    if (strMap(rec(s.obj.metadata)?.labels)['istio/multiCluster'] !== 'true') continue;
    for (const k of [...Object.keys(rec(s.obj.data) ?? {}), ...Object.keys(rec(s.obj.stringData) ?? {})]) registries.add(k);
  }
  const target = meshNetworksEntry(m);
  for (const network of Object.keys(networks).sort()) {
    (networks[network].endpoints ?? []).forEach((e, j) => {
      if (e.fromRegistry === undefined || registries.has(e.fromRegistry)) return;
      r.report('IST0126', target, `networks.${network}.endpoints[${j}].fromRegistry`,
        `Unknown service registry ${e.fromRegistry} in network ${network} (known: ${[...registries].sort().join(', ')}).`,
        'Name a registry istiod has: Kubernetes for this cluster, or the cluster name of a remote secret (registry names are case-sensitive).');
    });
  }
}

/** What IST0126 is reported on: the input's istio ConfigMap, else Istio's MeshNetworks resource name. */
function meshNetworksEntry(m: MeshModel): Entry {
  const cm = m.k8s('ConfigMap').find((e) => e.name === 'istio' && e.ns === m.rootNamespace && str(rec(e.obj.data)?.meshNetworks) !== undefined);
  if (cm) return cm;
  const obj = { apiVersion: 'v1alpha1', kind: 'MeshNetworks', metadata: { name: 'meshnetworks', namespace: m.rootNamespace } };
  return { index: -1, obj, apiVersion: obj.apiVersion, group: '', kind: obj.kind, name: 'meshnetworks', ns: m.rootNamespace, spec: {} };
}
