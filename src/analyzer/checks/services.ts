/** Service port naming and ServiceEntry checks. */
import { MeshModel, Reporter, SYSTEM_NAMESPACES, arr, rec, str } from '../model';

/** Protocols Istio recognises in a port name prefix (`<protocol>[-<suffix>]`). */
const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'http_proxy', 'tcp', 'tls', 'udp', 'mongo', 'mysql', 'redis'];

/** True when a Service port name follows Istio's naming convention. */
export function followsPortNaming(name: string): boolean {
  const n = name.toLowerCase();
  return PROTOCOLS.some((p) => n === p || n.startsWith(`${p}-`));
}

export function checkServices(m: MeshModel, r: Reporter): void {
  for (const svc of m.k8s('Service')) {
    if (svc.group !== '' || SYSTEM_NAMESPACES.has(svc.ns!)) continue;
    arr(svc.spec.ports).forEach((pRaw, i) => {
      const p = rec(pRaw) ?? {};
      const port = p.port;
      if (typeof port === 'number' && port >= 15000 && port <= 15099) return; // Istio's own ports
      const protocol = str(p.protocol) ?? 'TCP';
      if (protocol !== 'TCP') return; // UDP/SCTP are not proxied by protocol
      if (str(p.appProtocol)) return;
      const name = str(p.name) ?? '';
      if (followsPortNaming(name)) return;
      const target = p.targetPort === undefined ? String(port) : String(p.targetPort);
      r.report('IST0118', svc, `spec.ports[${i}].name`,
        `Port name ${name ? `"${name}"` : '(unnamed)'} (port: ${port}, targetPort: ${target}) does not follow Istio's naming convention; the protocol will be sniffed.`,
        `Name the port <protocol>[-<suffix>] (e.g. "http-${name || 'web'}" or "tcp-${name || 'data'}"), or set appProtocol.`);
    });
  }
}

export function checkServiceEntries(m: MeshModel, r: Reporter): void {
  for (const se of m.istio('ServiceEntry')) {
    if (se.group !== 'networking.istio.io') continue;
    const hosts = arr(se.spec.hosts);
    if (hosts.length === 0) {
      r.report('IST0106', se, 'spec.hosts', 'Schema validation error: ServiceEntry has no hosts.', 'List the host names the entry describes.');
    }
    const ports = arr(se.spec.ports);
    let needsAddress = -1;
    ports.forEach((pRaw, i) => {
      const p = rec(pRaw) ?? {};
      const n = p.number;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
        r.report('IST0106', se, `spec.ports[${i}].number`, `Schema validation error: port number ${JSON.stringify(n)} is not 1-65535.`,
          'Set the port number to a port from 1 to 65535.');
      }
      const protocol = (str(p.protocol) ?? '').toUpperCase();
      if (needsAddress < 0 && (protocol === '' || protocol === 'TCP')) needsAddress = i;
    });
    if (needsAddress >= 0 && arr(se.spec.addresses).length === 0) {
      r.report('IST0134', se, `spec.ports[${needsAddress}]`,
        'ServiceEntry addresses are required for this protocol: a port with protocol TCP (or none) and no addresses cannot be told apart from other traffic on that port.',
        'Add spec.addresses (a VIP or CIDR), set the port protocol to HTTP/HTTPS/TLS when it is one, or enable Istio DNS proxying with address auto-allocation.');
    }
  }
}
