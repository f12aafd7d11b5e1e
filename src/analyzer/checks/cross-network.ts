/**
 * CIS0008: in a multi-network mesh, a route to a host that only clusters on other networks serve. Istio sends such
 * requests to the serving network's east-west gateway (port 15443, TLS AUTO_PASSTHROUGH, routed on SNI). For a network
 * without one, istiod hands sidecars the remote pods' own addresses as if they were on the caller's network
 * (pilot/pkg/xds/endpoints EndpointsByNetworkFilter; ambient proxies get no endpoint at all), which another network
 * cannot reach: requests fail with connection errors (503 UF, connect timeouts).
 *
 * Checked in fleet analysis (mesh peers known) when the networks of this cluster and of the serving clusters are known.
 */
import { Entry, MeshModel, Reporter, ref } from '../model';

/**
 * Reports CIS0008 on `vs` at `field` when `host` (in namespace `ns`, with the VirtualService's `exportTo`) is served by
 * no cluster on this cluster's network and by no cluster on another network whose east-west gateway exposes it.
 */
export function checkCrossNetworkDestination(m: MeshModel, r: Reporter, vs: Entry, host: string, exportTo: readonly unknown[], field: string): void {
  if (m.peers.length === 0 || m.network === undefined) return;
  const ns = vs.ns!;
  if (m.localDestination(host, ns, exportTo)) return;
  const serving = m.servingPeers(host, ns, exportTo);
  if (serving.length === 0) return;
  // a serving cluster of unknown network may be on ours: stay silent
  if (serving.some((s) => s.peer.model.network === undefined || s.peer.model.network === m.network)) return;
  const fqdn = m.resolve(host, ns);
  const exposed = serving.filter((s) => s.peer.model.eastWestGatewaysFor(fqdn).length > 0);
  if (exposed.length > 0) return;
  const where = serving.map((s) => `${s.peer.name} (network ${s.peer.model.network}, ${s.target.kind} ${ref(s.target)})`).join(', ');
  r.report('CIS0008', vs, field,
    `Host "${host}" is served only by ${where}, on other networks than this cluster (network ${m.network}), and no east-west gateway there exposes it (a Gateway server on port 15443 with TLS AUTO_PASSTHROUGH whose hosts cover ${fqdn}): istiod gives this network's sidecars the pod addresses of the other network, which they cannot reach (503 UF, connect timeouts).`,
    `Add the east-west gateway to ${serving.map((s) => s.peer.name).join(', ')} (MeshFleet renders it on multi-network fleets; or EastWestGateway with exposeServices), or serve the host in a cluster on network ${m.network}.`);
}
