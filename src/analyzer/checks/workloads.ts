/**
 * Workload checks: the proxy's UID taken by the application (IST0144), and Services that disagree about a
 * Deployment's ports (IST0116, IST0137).
 */
import { Entry, MeshModel, Reporter, Workload, arr, rec, ref, str, strMap } from '../model';

/** The UID the sidecar proxy runs as; traffic of processes with this UID is not intercepted. */
const PROXY_UID = 1337;

/** Istio's own workloads (label `istio`, or `release: istio`), which Istio's analyzers leave alone. */
export function isIstioControlPlane(labels: Record<string, string>): boolean {
  return labels.istio !== undefined || labels.release === 'istio';
}

export function checkApplicationUid(m: MeshModel, r: Reporter): void {
  for (const w of m.workloads) {
    if (w.entry.kind !== 'Pod' && w.entry.kind !== 'Deployment') continue;
    if (isIstioControlPlane(strMap(rec(w.entry.obj.metadata)?.labels))) continue;
    const specPath = w.podMetaPath === 'metadata' ? 'spec' : w.podMetaPath.replace(/metadata$/, 'spec');
    // One finding per workload (Istio reports the same message once), naming every place that sets the UID.
    const places: string[] = [];
    if (rec(w.podSpec.securityContext)?.runAsUser === PROXY_UID) places.push(`${specPath}.securityContext.runAsUser`);
    arr(w.podSpec.containers).forEach((cRaw, i) => {
      const c = rec(cRaw) ?? {};
      const name = str(c.name);
      if (name !== 'istio-proxy' && name !== 'istio-operator' && rec(c.securityContext)?.runAsUser === PROXY_UID) {
        places.push(`${specPath}.containers[${i}].securityContext.runAsUser`);
      }
    });
    if (places.length > 0) {
      r.report('IST0144', w.entry, places[0],
        `User ID (UID) ${PROXY_UID} is reserved for the sidecar proxy, but ${places.join(' and ')} set${places.length === 1 ? 's' : ''} it: the application's traffic bypasses the proxy.`,
        'Run the application under another UID.');
    }
  }
}

/** Whether a Deployment's pods get a proxy, as Istio's analyzers tell: a proxy container, the pod's choice, or the namespace label. */
function deploymentInMesh(m: MeshModel, w: Workload): boolean {
  if (arr(w.podSpec.containers).some((c) => str(rec(c)?.name) === 'istio-proxy' && str(rec(c)?.image))) return true;
  const inject = w.labels['sidecar.istio.io/inject'] ?? w.annotations['sidecar.istio.io/inject'];
  if (inject !== undefined) return inject === 'true';
  const ns = m.namespaces.get(w.ns);
  return ns !== undefined && strMap(rec(ns.obj.metadata)?.labels)['istio-injection'] === 'enabled';
}

export function checkServiceAssociation(m: MeshModel, r: Reporter): void {
  for (const w of m.workloads) {
    if (w.entry.kind !== 'Deployment') continue;
    if (strMap(rec(w.entry.obj.metadata)?.labels)['gateway.istio.io/managed'] === 'istio.io-mesh-controller') continue;
    if (!deploymentInMesh(m, w)) continue;
    const services = m.servicesSelecting(w).sort((a, b) => ref(a).localeCompare(ref(b)));
    if (services.length < 2) continue;
    // IST0116: one port, several protocols.
    const protocols = new Map<number, Map<string, Entry[]>>();
    // IST0137: one targetPort, several ports.
    const targets = new Map<string, Map<number, Entry>>();
    for (const svc of services) {
      for (const pRaw of arr(svc.spec.ports)) {
        const p = rec(pRaw) ?? {};
        if (typeof p.port !== 'number') continue;
        const protocol = str(p.protocol) ?? 'TCP';
        let byProtocol = protocols.get(p.port);
        if (!byProtocol) protocols.set(p.port, (byProtocol = new Map()));
        byProtocol.set(protocol, [...(byProtocol.get(protocol) ?? []), svc]);
        const target = p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '' ? String(p.port) : String(p.targetPort);
        let byPort = targets.get(target);
        if (!byPort) targets.set(target, (byPort = new Map()));
        byPort.set(p.port, svc);
      }
    }
    for (const [port, byProtocol] of protocols) {
      if (byProtocol.size < 2) continue;
      const names = [...byProtocol.values()].flat().map(ref).sort();
      r.report('IST0116', w.entry, 'metadata.name',
        `This deployment ${w.entry.name} is associated with multiple services using port ${port} but different protocols: ${names.join(', ')}.`,
        `Use one protocol for port ${port} in every Service that selects the Deployment's pods.`);
    }
    for (const [target, byPort] of targets) {
      if (byPort.size < 2) continue;
      const names = [...new Set([...byPort.values()].map(ref))].sort();
      const ports = [...byPort.keys()].sort((a, b) => a - b);
      r.report('IST0137', w.entry, 'metadata.name',
        `This deployment ${w.entry.name} is associated with multiple services ${names.join(', ')} using targetPort "${target}" but different ports: ${ports.join(', ')}.`,
        `Use one port for targetPort ${target} in every Service.`);
    }
  }
}
