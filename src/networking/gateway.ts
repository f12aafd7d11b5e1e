import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { GatewaySpec, GatewaySpecServer } from '../resource/specs.generated';
import { IGatewayBinding } from '../traffic/gateway-binding';
import { checkLabels, checkPort, fail, isDnsLabel, isIP } from '../validation';
import { checkNamespacedHost, checkProtocol, checkServerTls, checkUnixAddress, isHttpProtocol, isTlsProtocol, parseProtocol, tlsMode, UNIX_PREFIX } from './rules';

/** Props of {@link Gateway}. */
export interface GatewayProps extends IstioResourceProps<GatewaySpec> {}

/**
 * An Istio networking `Gateway` (networking.istio.io, not the Kubernetes Gateway API's): the servers (port, protocol,
 * hosts, TLS) a gateway deployment selected by `selector` listens with. The spec is Istio's, field for field; it is
 * checked against the release's CRD schema and the rules Istio's validating webhook applies: at least one server,
 * ports, protocols and unique port names, hosts as `[namespace/]host`, TLS settings per protocol and mode, bind
 * addresses; the name is a DNS-1123 label (routes read a dot as `<name>.<namespace>`).
 *
 * It is an {@link IGatewayBinding}: pass it where a route takes a gateway.
 *
 * @example
 * // Istio's Bookinfo sample (samples/bookinfo/networking/bookinfo-gateway.yaml)
 * new Gateway(chart, 'bookinfo-gateway', {
 *   namespace: { istiod, name: 'bookinfo' },
 *   spec: {
 *     selector: { istio: 'ingressgateway' },
 *     servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
 *   },
 * });
 */
export class Gateway extends IstioResource<GatewaySpec> implements IGatewayBinding {
  public constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id, 'Gateway', props, checkGateway);
    if (!isDnsLabel(this.name)) {
      fail(this, 'name', this.name, 'must be a DNS-1123 label (no dots): Istio refuses a Gateway whose name has a dot, and routes read "<a>.<b>" as Gateway a in namespace b');
    }
  }

  /** `<namespace>/<name>`: what a route lists in its `gateways`. */
  public get gatewayRef(): string {
    return `${this.namespace}/${this.name}`;
  }

  /** The hosts the servers accept, as written (`ns/host` forms kept, so a route's namespace can be matched), in order, without repeats. */
  public get hosts(): string[] {
    const out: string[] = [];
    for (const s of this.spec.servers ?? []) for (const h of s.hosts) if (!out.includes(h)) out.push(h);
    return out;
  }
}

function checkGateway(scope: Construct, spec: GatewaySpec, _ctx: IstioRuleContext): void {
  checkLabels(scope, 'spec.selector', spec.selector as Record<string, string> | undefined);
  if (!spec.servers?.length) fail(scope, 'spec.servers', spec.servers, 'must list at least one server: { port: { number, name, protocol }, hosts }');
  const portNames = new Map<string, number>();
  spec.servers.forEach((s, i) => {
    const at = `spec.servers[${i}]`;
    checkServer(scope, at, s);
    const earlier = portNames.get(s.port.name);
    if (earlier !== undefined) fail(scope, `${at}.port.name`, s.port.name, `must be unique among the Gateway's servers (spec.servers[${earlier}] has it)`);
    portNames.set(s.port.name, i);
  });
}

function checkServer(scope: Construct, at: string, s: GatewaySpecServer): void {
  if (!s.hosts?.length) fail(scope, `${at}.hosts`, s.hosts, 'must list at least one host, e.g. ["*"] or ["bookinfo.example.com"]');
  s.hosts.forEach((h, j) => checkNamespacedHost(scope, `${at}.hosts[${j}]`, h, true));

  const port = s.port;
  checkProtocol(scope, `${at}.port.protocol`, port.protocol, false);
  const protocol = parseProtocol(port.protocol);
  const unix = (s.bind ?? '').startsWith(UNIX_PREFIX);
  if (port.number > 0 || !unix) checkPort(scope, `${at}.port.number`, port.number);
  if (port.targetPort !== undefined && port.targetPort > 0) {
    fail(scope, `${at}.port.targetPort`, port.targetPort, 'must be left out: targetPort has no effect on a Gateway (the gateway Service maps ports)');
  }
  if (!port.name) fail(scope, `${at}.port.name`, port.name, 'must be set: a port name such as "http" or "https-api"');
  if (unix) {
    checkUnixAddress(scope, `${at}.bind`, s.bind!);
    if (port.number !== 0) fail(scope, `${at}.port.number`, port.number, 'must be 0 when bind is a unix domain socket');
  } else if (s.bind !== undefined && s.bind !== '' && !isIP(s.bind)) {
    fail(scope, `${at}.bind`, s.bind, 'must be an IP address (or "unix://" and a socket path)');
  }

  if (s.tls) checkServerTls(scope, `${at}.tls`, s.tls);
  if (isTlsProtocol(protocol) && !s.tls) {
    fail(scope, `${at}.tls`, s.tls, `must be set for protocol ${port.protocol}: e.g. { mode: 'SIMPLE', credentialName: '<secret>' } to terminate TLS, or { mode: 'PASSTHROUGH' }`);
  }
  if (!isTlsProtocol(protocol) && s.tls) {
    if (!isHttpProtocol(protocol)) {
      fail(scope, `${at}.tls`, s.tls, `must be left out for protocol ${port.protocol}: TLS settings belong to HTTPS and TLS servers`);
    }
    const mode = tlsMode(s.tls);
    const passthrough = mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
    if (!passthrough || s.tls.caCertificates || s.tls.privateKey || s.tls.serverCertificate) {
      fail(scope, `${at}.tls`, s.tls, `must only set httpsRedirect for plain-text protocol ${port.protocol}: TLS termination needs an HTTPS server`);
    }
  }
}
