/** Service port naming and ServiceEntry checks. */
import { MeshModel, Reporter, SYSTEM_NAMESPACES, arr, rec, str, strMap } from '../model';
import { isIstioControlPlane } from './workloads';

/** Protocols Istio recognises in a port name prefix (`<protocol>[-<suffix>]`). */
const PROTOCOLS = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'http_proxy', 'tcp', 'tls', 'udp', 'mongo', 'mysql', 'redis'];

/** True when a Service port name follows Istio's naming convention. */
export function followsPortNaming(name: string): boolean {
  const n = name.toLowerCase();
  return PROTOCOLS.some((p) => n === p || n.startsWith(`${p}-`));
}

/** Ports Istio takes as TCP when their name says nothing (SMTP, DNS, MySQL). */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306]);

/** Gateway controllers whose generated Services Istio's analyzers leave alone. */
const MANAGED_GATEWAY = new Set(['istio.io-gateway-controller', 'istio.io-mesh-controller', 'istio.io-eastwest-controller']);

/** The protocol Istio reads from a port (appProtocol, else the name's prefix), or undefined when it reads none. */
function portProtocol(name: string, appProtocol: string | undefined, port: unknown): string | undefined {
  if (appProtocol !== undefined && ['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss'].includes(appProtocol)) return appProtocol;
  const n = (appProtocol ?? name).toLowerCase();
  if (n.startsWith('grpc-web')) return 'grpc-web';
  const prefix = n.split('-')[0];
  if (PROTOCOLS.includes(prefix)) return prefix;
  return typeof port === 'number' && WELL_KNOWN_TCP_PORTS.has(port) ? 'tcp' : undefined;
}

export function checkServices(m: MeshModel, r: Reporter): void {
  for (const svc of m.k8s('Service')) {
    if (svc.group !== '' || SYSTEM_NAMESPACES.has(svc.ns!)) continue;
    const labels = strMap(rec(svc.obj.metadata)?.labels);
    if (isIstioControlPlane(labels) || MANAGED_GATEWAY.has(labels['gateway.istio.io/managed'] ?? '')) continue;
    const externalName = str(svc.spec.type) === 'ExternalName';
    arr(svc.spec.ports).forEach((pRaw, i) => {
      const p = rec(pRaw) ?? {};
      const port = p.port;
      if (typeof port === 'number' && port >= 15000 && port <= 15099 && !externalName) return; // Istio's own ports
      const transport = str(p.protocol) ?? 'TCP';
      if (transport === 'UDP' || transport === 'SCTP') return;
      const name = str(p.name) ?? '';
      const protocol = portProtocol(name, str(p.appProtocol), port);
      if (protocol !== undefined && !(externalName && name === 'tcp')) return;
      if (externalName) {
        r.report('IST0150', svc, `spec.ports[${i}].name`,
          `Port name ${name ? `"${name}"` : '(unnamed)'} of ExternalName Service ${svc.name} gives no protocol (or tcp): the proxy may not forward its traffic correctly.`,
          `Name the port with the protocol it serves (e.g. "http-${name || 'web'}" or "https"), or set appProtocol.`);
        return;
      }
      const target = p.targetPort === undefined ? String(port) : String(p.targetPort);
      r.report('IST0118', svc, `spec.ports[${i}].name`,
        `Port name ${name ? `"${name}"` : '(unnamed)'} (port: ${port}, targetPort: ${target}) does not follow Istio's naming convention; the protocol will be sniffed.`,
        `Name the port <protocol>[-<suffix>] (e.g. "http-${name || 'web'}" or "tcp-${name || 'data'}"), or set appProtocol.`);
    });
  }
}

/**
 * True when the mesh config has the proxies capture DNS and allocate ServiceEntry addresses
 * (`ISTIO_META_DNS_CAPTURE` with `ISTIO_META_DNS_AUTO_ALLOCATE` or `PILOT_ENABLE_IP_AUTOALLOCATE`).
 */
function addressesAutoAllocated(m: MeshModel): boolean {
  const meta = m.mesh.defaultConfig?.proxyMetadata ?? {};
  return meta.ISTIO_META_DNS_CAPTURE === 'true' && (meta.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || meta.PILOT_ENABLE_IP_AUTOALLOCATE === 'true');
}

export function checkServiceEntries(m: MeshModel, r: Reporter): void {
  const autoAllocated = addressesAutoAllocated(m);
  for (const se of m.istio('ServiceEntry')) {
    if (se.group !== 'networking.istio.io') continue;
    const hosts = arr(se.spec.hosts);
    if (hosts.length === 0) {
      r.report('IST0106', se, 'spec.hosts', 'Schema validation error: ServiceEntry has no hosts.', 'List the host names the entry describes.');
    }
    const ports = arr(se.spec.ports);
    const addressed = arr(se.spec.addresses).length > 0 || arr(rec(se.obj.status)?.addresses).length > 0 || autoAllocated;
    ports.forEach((pRaw, i) => {
      const p = rec(pRaw) ?? {};
      const n = p.number;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
        r.report('IST0106', se, `spec.ports[${i}].number`, `Schema validation error: port number ${JSON.stringify(n)} is not 1-65535.`,
          'Set the port number to a port from 1 to 65535.');
      }
      const protocol = (str(p.protocol) ?? '').toUpperCase();
      if (!addressed && (protocol === '' || protocol === 'TCP')) {
        r.report('IST0134', se, `spec.ports[${i}]`,
          'ServiceEntry addresses are required for this protocol: a port with protocol TCP (or none) and no addresses cannot be told apart from other traffic on that port.',
          'Add spec.addresses (a VIP or CIDR), set the port protocol to HTTP/HTTPS/TLS when it is one, or enable Istio DNS proxying with address auto-allocation.');
      }
    });
  }
}
