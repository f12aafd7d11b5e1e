import { IConstruct } from 'constructs';
import { checkInt, checkList, checkObject, checkPort, fail, isDnsLabel } from '../validation';

/**
 * Protocol prefixes Istio reads from a Service port name (`<protocol>[-<suffix>]`) to pick the
 * protocol of the port. Longer prefixes come first so `grpc-web` is not read as `grpc`.
 */
export const ISTIO_PORT_NAME_PROTOCOLS: readonly string[] = [
  'grpc-web', 'grpc', 'http2', 'https', 'http', 'mongo', 'mysql', 'redis', 'tcp', 'tls', 'udp',
];

/** True when `name` follows Istio's port naming convention, e.g. `http`, `tcp-postgres`, `grpc-web`. */
export function isIstioPortName(name: string): boolean {
  if (typeof name !== 'string' || !isDnsLabel(name)) return false;
  return ISTIO_PORT_NAME_PROTOCOLS.some((p) => name === p || name.startsWith(`${p}-`));
}

/** An extra port of a gateway's Service. */
export interface GatewayPort {
  /**
   * Port name; must follow Istio's protocol-prefix convention `<protocol>[-<suffix>]`
   * (grpc, grpc-web, http, http2, https, mongo, mysql, redis, tcp, tls, udp), e.g. `tcp-postgres`.
   */
  readonly name: string;
  /** Port the Service exposes. */
  readonly port: number;
  /** Port of the gateway pod the Service forwards to. @default - the same as `port` */
  readonly targetPort?: number;
  /** Transport protocol. @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
  /**
   * Node port (30000-32767), for NodePort and LoadBalancer Services only.
   * @default - Kubernetes assigns one (NodePort/LoadBalancer), none for ClusterIP
   */
  readonly nodePort?: number;
}

/** A Service port after validation. @internal */
export interface ResolvedServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly nodePort?: number;
}

/** Lowest and highest node port of Kubernetes' default service-node-port-range. */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/** Checks a node port against Kubernetes' default range 30000-32767. @internal */
export function checkNodePort(scope: IConstruct, field: string, value: number): number {
  return checkInt(scope, field, value, NODE_PORT_MIN, NODE_PORT_MAX);
}

/**
 * Validates the gateway's default ports plus the user's extra ports: names follow Istio's
 * convention, numbers and names are unique, node ports are in range and do not clash.
 * @internal
 */
export function resolveServicePorts(
  scope: IConstruct,
  defaults: ResolvedServicePort[],
  extra: GatewayPort[] | undefined,
  nodePortsAllowed: boolean,
): ResolvedServicePort[] {
  const out: ResolvedServicePort[] = [...defaults];
  const names = new Map<string, string>(defaults.map((p) => [p.name, `the default port ${p.port}`]));
  const numbers = new Map<number, string>(defaults.map((p) => [p.port, `the default port "${p.name}"`]));
  const nodePorts = new Map<number, string>();
  for (const p of defaults) if (p.nodePort !== undefined) nodePorts.set(p.nodePort, `the default port "${p.name}"`);

  checkList(scope, 'ports', extra, 'must be a list of ports { name, port, targetPort?, protocol?, nodePort? }');
  (extra ?? []).forEach((p, i) => {
    const f = `ports[${i}]`;
    checkObject(scope, f, p, 'must be a port { name, port, targetPort?, protocol?, nodePort? }');
    if (!isIstioPortName(p.name)) {
      fail(scope, `${f}.name`, p.name, `must follow Istio's port naming convention "<protocol>[-<suffix>]" with protocol one of ${ISTIO_PORT_NAME_PROTOCOLS.join(', ')} (e.g. "tcp-postgres"), and be a DNS-1123 label`);
    }
    const clashName = names.get(p.name);
    if (clashName) fail(scope, `${f}.name`, p.name, `must be unique among the Service's ports; it is already used by ${clashName}`);
    checkPort(scope, `${f}.port`, p.port);
    const clashNumber = numbers.get(p.port);
    if (clashNumber) fail(scope, `${f}.port`, p.port, `must be unique among the Service's ports; it is already used by ${clashNumber}`);
    const targetPort = p.targetPort === undefined ? p.port : checkPort(scope, `${f}.targetPort`, p.targetPort);
    const protocol = p.protocol ?? 'TCP';
    if (protocol !== 'TCP' && protocol !== 'UDP') fail(scope, `${f}.protocol`, protocol, 'must be "TCP" or "UDP"');
    if (p.nodePort !== undefined) {
      if (!nodePortsAllowed) fail(scope, `${f}.nodePort`, p.nodePort, 'can only be set when the Service is of type NodePort or LoadBalancer');
      checkNodePort(scope, `${f}.nodePort`, p.nodePort);
      const clashNode = nodePorts.get(p.nodePort);
      if (clashNode) fail(scope, `${f}.nodePort`, p.nodePort, `must be unique among the Service's node ports; it is already used by ${clashNode}`);
      nodePorts.set(p.nodePort, `port "${p.name}"`);
    }
    names.set(p.name, `ports[${i}]`);
    numbers.set(p.port, `port "${p.name}"`);
    out.push({ name: p.name, port: p.port, targetPort, protocol, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}) });
  });
  return out;
}
