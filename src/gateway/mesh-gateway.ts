import { Construct } from 'constructs';
import type * as net from '../../imports/networking.istio.io';
import { istioObject } from '../istio-object';
import { checkDnsLabel, checkDnsSubdomain, checkLabels, checkObject, fail, isDnsLabel, isHost } from '../validation';
import type { GatewayWorkload } from './gateway-workload';
import { checkKnownKeys } from '../resource/keys';
import { MESH_GATEWAY_PROPS } from './shapes';

/** Protocols a Gateway server can speak. */
export type GatewayServerProtocol = 'HTTP' | 'HTTPS' | 'HTTP2' | 'GRPC' | 'TCP' | 'TLS';

/** TLS modes of a Gateway server. */
export type GatewayTlsMode = 'SIMPLE' | 'MUTUAL' | 'PASSTHROUGH' | 'ISTIO_MUTUAL' | 'AUTO_PASSTHROUGH' | 'OPTIONAL_MUTUAL';

/** TLS protocol versions. */
export type TlsProtocolVersion = 'TLS_AUTO' | 'TLSV1_0' | 'TLSV1_1' | 'TLSV1_2' | 'TLSV1_3';

/** The port a Gateway server listens on. */
export interface GatewayServerPort {
  /** Port number; must be a port the gateway's Service exposes (80, 443 or an extra port). */
  readonly number: number;
  /** Protocol of the port. */
  readonly protocol: GatewayServerProtocol;
  /**
   * Port name, unique within the Gateway.
   * @default - `<protocol in lower case>-<number>` (with the server's index appended when taken)
   */
  readonly name?: string;
}

/** TLS settings of a Gateway server. */
export interface GatewayServerTls {
  /**
   * `SIMPLE` (terminate TLS), `MUTUAL`/`OPTIONAL_MUTUAL` (also verify client certificates),
   * `PASSTHROUGH`/`AUTO_PASSTHROUGH` (route on SNI without terminating), `ISTIO_MUTUAL` (mesh mTLS).
   */
  readonly mode: GatewayTlsMode;
  /**
   * Secret (in the gateway's namespace) holding the server certificate, key and, for MUTUAL, the CA.
   * Required for SIMPLE, MUTUAL and OPTIONAL_MUTUAL; not allowed for the other modes.
   * @default - none
   */
  readonly credentialName?: string;
  /** Lowest TLS version accepted. @default - Envoy's default (TLS 1.2) */
  readonly minProtocolVersion?: TlsProtocolVersion;
  /** Highest TLS version accepted. @default - Envoy's default (TLS 1.3) */
  readonly maxProtocolVersion?: TlsProtocolVersion;
  /** Client certificate SANs accepted (MUTUAL modes). @default - any */
  readonly subjectAltNames?: string[];
}

/** One server (listener) of a Gateway. */
export interface GatewayServer {
  /** Port, protocol and name. */
  readonly port: GatewayServerPort;
  /**
   * Hosts exposed, e.g. `api.example.com`, `*.example.com`, `*`, optionally prefixed with the
   * namespace whose VirtualServices may bind (`prod/api.example.com`, `./api.example.com`, `*\/...`).
   */
  readonly hosts: string[];
  /** TLS settings; required for HTTPS and TLS, not allowed for other protocols. @default - none */
  readonly tls?: GatewayServerTls;
  /** Answer plain HTTP requests with a 301 redirect to HTTPS (HTTP servers only). @default false */
  readonly httpsRedirect?: boolean;
  /** Server name (shows up in stats). @default - none */
  readonly name?: string;
}

/** Options of {@link GatewayWorkload.addGateway}. */
export interface MeshGatewayOptions {
  /**
   * Name of the Gateway resource.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the Gateway resource.
   * @default - the gateway workload's namespace
   */
  readonly namespace?: string;
  /** Servers (at least one). */
  readonly servers: GatewayServer[];
  /** Labels of the Gateway resource. @default - none */
  readonly labels?: Record<string, string>;
}

/** Props of {@link MeshGateway}. */
export interface MeshGatewayProps extends MeshGatewayOptions {
  /** The ingress or egress gateway whose pods this Gateway configures. */
  readonly gateway: GatewayWorkload;
}

const PROTOCOLS: GatewayServerProtocol[] = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'TCP', 'TLS'];
// Our option names are Istio's own values, so a valid option is emitted as it is.
const TLS_MODES: readonly GatewayTlsMode[] = ['SIMPLE', 'MUTUAL', 'PASSTHROUGH', 'ISTIO_MUTUAL', 'AUTO_PASSTHROUGH', 'OPTIONAL_MUTUAL'];
const TLS_VERSIONS: readonly TlsProtocolVersion[] = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'];
const TLS_VERSION_ORDER: TlsProtocolVersion[] = ['TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'];
const NEEDS_CREDENTIAL: GatewayTlsMode[] = ['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'];

/**
 * An Istio `Gateway` resource bound to an {@link IngressGateway} or {@link EgressGateway}: its selector
 * is the gateway's selector labels, so the two cannot disagree. Routes (VirtualServices) bind to it
 * through {@link MeshGateway.gatewayRef} and may only use its {@link MeshGateway.hosts}.
 */
export class MeshGateway extends Construct {
  /** Name of the Gateway resource. */
  public readonly name: string;
  /** Namespace of the Gateway resource. */
  public readonly namespace: string;
  /** Reference VirtualServices put in `spec.gateways`: `<namespace>/<name>`. */
  public readonly gatewayRef: string;
  /** Host names the Gateway serves (namespace prefixes removed, duplicates dropped, in order). */
  public readonly hosts: string[];
  /** The gateway workload this Gateway configures. */
  public readonly gateway: GatewayWorkload;
  /** Service port numbers the Gateway listens on, in server order without duplicates. */
  public readonly ports: number[];

  public constructor(scope: Construct, id: string, props: MeshGatewayProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, MESH_GATEWAY_PROPS);
    const gw = props.gateway;
    this.gateway = gw;
    this.name = props.name ?? id;
    if (!isDnsLabel(this.name)) {
      // Istio refuses a Gateway whose name is not a label, and reads "<a>.<b>" in a route's gateways as name a in namespace b.
      fail(this, 'name', this.name, 'must be a DNS-1123 label (no dots): at most 63 characters, lower-case letters, digits and "-", starting and ending with a letter or digit; Istio refuses a Gateway whose name has a dot');
    }
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? gw.namespace);
    this.gatewayRef = `${this.namespace}/${this.name}`;
    checkLabels(this, 'labels', props.labels);

    if (!Array.isArray(props.servers) || props.servers.length === 0) {
      fail(this, 'servers', props.servers, 'must list at least one server');
    }
    const allowedPorts = gw.gatewayPorts;
    const hosts: string[] = [];
    const ports: number[] = [];
    const portNames = new Set<string>();
    const protocolOfPort = new Map<number, { protocol: GatewayServerProtocol; index: number }>();
    const hostsOfPort = new Map<number, Set<string>>();

    const servers: net.GatewaySpecServers[] = props.servers.map((s, i) => {
      const f = `servers[${i}]`;
      if (!s || typeof s !== 'object') fail(this, f, s, 'must be a server: { port: { number, protocol }, hosts, tls? }');
      const port = s.port ?? ({} as GatewayServerPort);
      if (!PROTOCOLS.includes(port.protocol)) fail(this, `${f}.port.protocol`, port.protocol, `must be one of ${PROTOCOLS.join(', ')}`);
      if (!allowedPorts.includes(port.number)) {
        fail(this, `${f}.port.number`, port.number, `must be a port the Service of gateway ${gw.namespace}/${gw.name} exposes: ${allowedPorts.join(', ')} (add others with the gateway's ports prop)`);
      }
      const earlier = protocolOfPort.get(port.number);
      if (earlier && earlier.protocol !== port.protocol) {
        fail(this, `${f}.port.protocol`, port.protocol, `must match servers[${earlier.index}] on port ${port.number} (${earlier.protocol}): one port speaks one protocol`);
      }
      protocolOfPort.set(port.number, { protocol: port.protocol, index: i });

      let name = port.name;
      if (name === undefined) {
        name = `${port.protocol.toLowerCase()}-${port.number}`;
        if (portNames.has(name)) name = `${name}-${i}`;
      } else if (!isDnsLabel(name)) {
        fail(this, `${f}.port.name`, name, 'must be a DNS-1123 label, e.g. "https-api"');
      }
      if (portNames.has(name)) fail(this, `${f}.port.name`, name, 'must be unique among the Gateway\'s servers');
      portNames.add(name);

      if (!Array.isArray(s.hosts) || s.hosts.length === 0) fail(this, `${f}.hosts`, s.hosts, Array.isArray(s.hosts) ? 'must list at least one host' : 'must be a list of hosts, e.g. ["api.example.com"]');
      const seenOnPort = hostsOfPort.get(port.number) ?? new Set<string>();
      hostsOfPort.set(port.number, seenOnPort);
      s.hosts.forEach((h, j) => {
        const host = checkGatewayHost(this, `${f}.hosts[${j}]`, h);
        if (seenOnPort.has(h)) fail(this, `${f}.hosts[${j}]`, h, `is already served on port ${port.number} by another server of this Gateway`);
        seenOnPort.add(h);
        if (!hosts.includes(host)) hosts.push(host);
      });
      if (!ports.includes(port.number)) ports.push(port.number);

      const tls = this.renderTls(f, port.protocol, s);
      if (s.name !== undefined && (typeof s.name !== 'string' || s.name.length === 0)) fail(this, `${f}.name`, s.name, 'must be a non-empty string');
      return {
        ...(s.name !== undefined ? { name: s.name } : {}),
        port: { number: port.number, name, protocol: port.protocol },
        hosts: [...s.hosts],
        ...(tls ? { tls } : {}),
      };
    });
    this.hosts = hosts;
    this.ports = ports;

    istioObject(this, 'resource', gw.version, 'Gateway', {
      name: this.name,
      namespace: this.namespace,
      ...(props.labels && Object.keys(props.labels).length ? { labels: { ...props.labels } } : {}),
    }, {
      selector: gw.selector,
      servers,
    });
  }

  private renderTls(f: string, protocol: GatewayServerProtocol, s: GatewayServer): net.GatewaySpecServersTls | undefined {
    if (s.httpsRedirect !== undefined && typeof s.httpsRedirect !== 'boolean') fail(this, `${f}.httpsRedirect`, s.httpsRedirect, 'must be true or false');
    if (s.httpsRedirect && protocol !== 'HTTP') {
      fail(this, `${f}.httpsRedirect`, s.httpsRedirect, `only applies to HTTP servers; this server is ${protocol}`);
    }
    const t = checkObject(this, `${f}.tls`, s.tls, 'must be TLS settings { mode, credentialName?, ... }');
    if (t === undefined) {
      if (protocol === 'HTTPS' || protocol === 'TLS') {
        fail(this, `${f}.tls`, t, `is required for protocol ${protocol}: give a mode (SIMPLE with credentialName to terminate, PASSTHROUGH to route on SNI)`);
      }
      return s.httpsRedirect ? { httpsRedirect: true } : undefined;
    }
    if (protocol !== 'HTTPS' && protocol !== 'TLS') {
      fail(this, `${f}.tls`, t, `only applies to HTTPS and TLS servers; this server is ${protocol}`);
    }
    if (!TLS_MODES.includes(t.mode)) fail(this, `${f}.tls.mode`, t.mode, `must be one of ${TLS_MODES.join(', ')}`);
    if (t.mode === 'AUTO_PASSTHROUGH' && protocol !== 'TLS') {
      fail(this, `${f}.tls.mode`, t.mode, 'AUTO_PASSTHROUGH needs protocol TLS');
    }
    if (NEEDS_CREDENTIAL.includes(t.mode)) {
      if (t.credentialName === undefined || t.credentialName === '') {
        fail(this, `${f}.tls.credentialName`, t.credentialName, `is required for TLS mode ${t.mode}: name the Secret in namespace ${this.gateway.namespace} holding the certificate and key`);
      }
      checkDnsSubdomain(this, `${f}.tls.credentialName`, t.credentialName);
    } else if (t.credentialName !== undefined) {
      fail(this, `${f}.tls.credentialName`, t.credentialName, `must not be set for TLS mode ${t.mode}: only SIMPLE, MUTUAL and OPTIONAL_MUTUAL use a credential`);
    }
    for (const key of ['minProtocolVersion', 'maxProtocolVersion'] as const) {
      const v = t[key];
      if (v !== undefined && !TLS_VERSIONS.includes(v)) fail(this, `${f}.tls.${key}`, v, `must be one of ${TLS_VERSIONS.join(', ')}`);
    }
    if (t.minProtocolVersion && t.maxProtocolVersion && t.minProtocolVersion !== 'TLS_AUTO' && t.maxProtocolVersion !== 'TLS_AUTO'
      && TLS_VERSION_ORDER.indexOf(t.minProtocolVersion) > TLS_VERSION_ORDER.indexOf(t.maxProtocolVersion)) {
      fail(this, `${f}.tls.minProtocolVersion`, t.minProtocolVersion, `must not be above maxProtocolVersion (${t.maxProtocolVersion})`);
    }
    if (t.subjectAltNames !== undefined && !['MUTUAL', 'OPTIONAL_MUTUAL'].includes(t.mode)) {
      fail(this, `${f}.tls.subjectAltNames`, t.subjectAltNames, 'only applies to MUTUAL and OPTIONAL_MUTUAL');
    }
    if (t.subjectAltNames !== undefined && (!Array.isArray(t.subjectAltNames) || t.subjectAltNames.some((n) => typeof n !== 'string' || n === ''))) {
      fail(this, `${f}.tls.subjectAltNames`, t.subjectAltNames, 'must be a list of subject alternative names (non-empty strings)');
    }
    return {
      mode: t.mode as net.GatewaySpecServersTlsMode,
      ...(t.credentialName !== undefined ? { credentialName: t.credentialName } : {}),
      ...(s.httpsRedirect ? { httpsRedirect: true } : {}),
      ...(t.minProtocolVersion ? { minProtocolVersion: t.minProtocolVersion as net.GatewaySpecServersTlsMinProtocolVersion } : {}),
      ...(t.maxProtocolVersion ? { maxProtocolVersion: t.maxProtocolVersion as net.GatewaySpecServersTlsMaxProtocolVersion } : {}),
      ...(t.subjectAltNames?.length ? { subjectAltNames: [...t.subjectAltNames] } : {}),
    };
  }
}

/**
 * Checks a Gateway server host `[<namespace>/]<host>` and returns the host part. The namespace part
 * is `*`, `.` or a namespace name; the host part a DNS name with an optional leading wildcard, or `*`.
 */
function checkGatewayHost(scope: Construct, field: string, value: string): string {
  const expected = 'must be "[<namespace>/]<host>": host a DNS name such as "api.example.com", optionally starting with "*." (or "*" alone); namespace "*", "." or a namespace name';
  if (typeof value !== 'string') fail(scope, field, value, expected);
  const parts = value.split('/');
  if (parts.length > 2) fail(scope, field, value, expected);
  const [ns, host] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (ns !== undefined && ns !== '*' && ns !== '.' && !isDnsLabel(ns)) fail(scope, field, value, expected);
  if (!isHost(host)) fail(scope, field, value, expected);
  return host;
}
