import { Construct } from 'constructs';
import type * as net from '../../imports/networking.istio.io';
import { istioObject } from '../istio-object';
import { checkDnsLabel, checkDnsSubdomain, checkHost, checkObject, checkPort, fail } from '../validation';
import { GatewayWorkload, GatewayWorkloadProps } from './gateway-workload';
import { MeshGateway } from './mesh-gateway';
import { GatewayService } from './service';
import { checkKnownKeys } from '../resource/keys';
import { EXTERNAL_HOST_OPTIONS } from './shapes';

/** Props of {@link EgressGateway}. */
export interface EgressGatewayProps extends GatewayWorkloadProps {}

/** The system CA bundle of Istio's proxy images. */
const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** TLS origination at the egress gateway: applications speak plain HTTP, the gateway speaks TLS to the host. */
export interface EgressTlsOrigination {
  /** Port of the external host's TLS endpoint. @default 443 */
  readonly port?: number;
  /**
   * Secret in the egress gateway's namespace with a client certificate, key and CA: turns the
   * origination into mutual TLS (`MUTUAL`).
   * @default - simple TLS (`SIMPLE`)
   */
  readonly credentialName?: string;
  /** SNI sent to the host. @default - the host */
  readonly sni?: string;
  /**
   * CA bundle (a file path inside the egress gateway's proxy) that the host's certificate is verified
   * against. With simple TLS and no CA the gateway would not verify the host at all.
   * @default '/etc/ssl/certs/ca-certificates.crt' (the system bundle of the proxy image) for simple TLS; none with credentialName (the secret's CA)
   */
  readonly caCertificates?: string;
}

/** Options of {@link EgressGateway.routeExternalHost}. */
export interface ExternalHostOptions {
  /** The external host, a fully qualified DNS name without wildcard, e.g. `api.github.com`. */
  readonly host: string;
  /**
   * `TLS`: applications open TLS themselves (HTTPS); the egress gateway routes on SNI without
   * terminating (passthrough). `HTTP`: plain HTTP through the gateway (optionally with `tls` origination).
   * @default 'TLS'
   */
  readonly protocol?: 'TLS' | 'HTTP';
  /**
   * Port applications connect to (and, without origination, the host's port).
   * @default 443 for TLS, 80 for HTTP
   */
  readonly port?: number;
  /** Originate TLS at the egress gateway (protocol HTTP only). @default - none */
  readonly tls?: EgressTlsOrigination;
  /**
   * Name of the ServiceEntry, Gateway, VirtualService and of the DestinationRule subset.
   * @default - the host with dots replaced by dashes (e.g. `api-github-com`)
   */
  readonly name?: string;
}

/**
 * The mesh's controlled exit: Istio's `gateway` chart for the chosen version, by default named
 * `istio-egressgateway` in namespace `istio-egress`, selected by `istio: egressgateway`, behind a
 * ClusterIP Service (ports 15021, 80, 443).
 *
 * {@link EgressGateway.routeExternalHost} sends one external host through it, so meshes with
 * `outboundTrafficPolicy: REGISTRY_ONLY` can reach named hosts and nothing else.
 */
export class EgressGateway extends GatewayWorkload {
  private readonly routedHosts = new Map<string, string>();
  private readonly routeNames = new Set<string>();
  private readonly subsets: net.DestinationRuleSpecSubsets[] = [];
  private subsetRule?: Construct;

  public constructor(scope: Construct, id: string, props: EgressGatewayProps) {
    super(scope, id, props, {
      name: 'istio-egressgateway',
      namespace: 'istio-egress',
      service: GatewayService.clusterIP(),
    });
  }

  /**
   * Routes one external host through this egress gateway, with the standard pattern: a ServiceEntry
   * (MESH_EXTERNAL, DNS) makes the host known to the mesh, a Gateway on this egress gateway accepts
   * it, a VirtualService sends sidecar traffic to the gateway and the gateway's traffic to the host,
   * and a DestinationRule subset names the gateway as a destination.
   * All objects live in the egress gateway's namespace and are visible mesh-wide.
   */
  public routeExternalHost(id: string, options: ExternalHostOptions): ExternalHostRoute {
    return new ExternalHostRoute(this, id, options, this.registerRoute.bind(this));
  }

  /** Called by each route: checks uniqueness and adds its subset to the shared DestinationRule. */
  private registerRoute(route: ExternalHostRoute, subsetName: string): void {
    const other = this.routedHosts.get(route.host);
    if (other !== undefined) fail(route, 'host', route.host, `is already routed through this egress gateway by route "${other}"`);
    if (this.routeNames.has(subsetName)) fail(route, 'name', subsetName, 'must be unique among the routes of this egress gateway');
    this.routedHosts.set(route.host, subsetName);
    this.routeNames.add(subsetName);
    this.subsets.push({ name: subsetName });
    if (!this.subsetRule) {
      // One rule for the egress Service, its subsets growing with every route (read at synth time).
      this.subsetRule = istioObject(this, 'route-subsets', this.version, 'DestinationRule',
        { name: this.name, namespace: this.namespace },
        { host: this.serviceHost, subsets: this.subsets });
    }
  }
}

/**
 * One external host routed through an {@link EgressGateway} (see {@link EgressGateway.routeExternalHost}).
 */
export class ExternalHostRoute extends Construct {
  /** The external host. */
  public readonly host: string;
  /** Name of the ServiceEntry, Gateway and VirtualService, and of the gateway subset. */
  public readonly name: string;
  /** Port applications use. */
  public readonly port: number;
  /** Protocol applications use. */
  public readonly protocol: 'TLS' | 'HTTP';
  /** The Gateway resource on the egress gateway. */
  public readonly gateway: MeshGateway;

  /** @internal */
  public constructor(
    egress: EgressGateway,
    id: string,
    options: ExternalHostOptions,
    register: (route: ExternalHostRoute, subsetName: string) => void,
  ) {
    super(egress, id);
    checkKnownKeys(this, '', options, EXTERNAL_HOST_OPTIONS);
    const o = options ?? ({} as ExternalHostOptions);
    this.host = checkHost(this, 'host', o.host, { allowWildcard: false });
    if (!this.host.includes('.')) {
      fail(this, 'host', o.host, 'must be a fully qualified external host such as "api.github.com" (a short name would be read as a service of the namespace)');
    }
    const protocol = o.protocol ?? 'TLS';
    if (protocol !== 'TLS' && protocol !== 'HTTP') fail(this, 'protocol', protocol, 'must be "TLS" (passthrough of HTTPS/TLS) or "HTTP"');
    this.protocol = protocol;
    this.port = checkPort(this, 'port', o.port ?? (protocol === 'TLS' ? 443 : 80));
    const defaultName = this.host.replace(/\.$/, '').toLowerCase().replace(/\./g, '-').slice(0, 63).replace(/-+$/, '');
    this.name = checkDnsLabel(this, 'name', o.name ?? defaultName);

    let origination: { port: number; sni: string; credentialName?: string; caCertificates?: string } | undefined;
    if (o.tls !== undefined) {
      checkObject(this, 'tls', o.tls, 'must be TLS origination settings { port?, credentialName?, sni? }');
      if (protocol !== 'HTTP') fail(this, 'tls', o.tls, 'TLS origination needs protocol HTTP (with protocol TLS the application already speaks TLS)');
      const tlsPort = checkPort(this, 'tls.port', o.tls.port ?? 443);
      if (tlsPort === this.port) fail(this, 'tls.port', tlsPort, `must differ from port (${this.port}), the plain-HTTP port applications use`);
      const sni = o.tls.sni === undefined ? this.host : checkHost(this, 'tls.sni', o.tls.sni, { allowWildcard: false });
      const credentialName = o.tls.credentialName === undefined ? undefined : checkDnsSubdomain(this, 'tls.credentialName', o.tls.credentialName);
      const ca = o.tls.caCertificates ?? (credentialName ? undefined : SYSTEM_CA_BUNDLE);
      if (ca !== undefined && (typeof ca !== 'string' || !ca.startsWith('/') || /\s/.test(ca))) {
        fail(this, 'tls.caCertificates', ca, 'must be an absolute file path inside the proxy, e.g. "/etc/ssl/certs/ca-certificates.crt"');
      }
      origination = { port: tlsPort, sni, ...(credentialName ? { credentialName } : {}), ...(ca ? { caCertificates: ca } : {}) };
    }
    register(this, this.name);

    const version = egress.version;
    const ns = egress.namespace;
    const meta = (name: string) => ({ name, namespace: ns });

    // 1. The host is known to the mesh (REGISTRY_ONLY lets it through).
    const sePorts: net.ServiceEntrySpecPorts[] = protocol === 'TLS'
      ? [{ number: this.port, name: `tls-${this.port}`, protocol: 'TLS' }]
      : [{ number: this.port, name: `http-${this.port}`, protocol: 'HTTP' }];
    if (origination) sePorts.push({ number: origination.port, name: `https-${origination.port}`, protocol: 'HTTPS' });
    istioObject(this, 'service-entry', version, 'ServiceEntry', meta(this.name), {
      hosts: [this.host],
      ports: sePorts,
      location: ('MESH_EXTERNAL' as net.ServiceEntrySpecLocation),
      resolution: ('DNS' as net.ServiceEntrySpecResolution),
    });

    // 2. The egress gateway accepts the host (TLS passthrough on 443, or HTTP on 80).
    const gwPort = protocol === 'TLS' ? 443 : 80;
    this.gateway = new MeshGateway(this, 'gateway', {
      gateway: egress,
      name: this.name,
      servers: [{
        port: { number: gwPort, protocol, name: protocol === 'TLS' ? 'tls' : 'http' },
        hosts: [this.host],
        ...(protocol === 'TLS' ? { tls: { mode: 'PASSTHROUGH' as const } } : {}),
      }],
    });

    // 3. Sidecars -> egress gateway -> external host.
    const toGateway = { host: egress.serviceHost, subset: this.name, port: { number: gwPort } };
    const toHost = { host: this.host, port: { number: origination ? origination.port : this.port } };
    const gateways = [this.gateway.gatewayRef, 'mesh'];
    const vsSpec: net.VirtualServiceSpec = protocol === 'TLS'
      ? {
        hosts: [this.host],
        gateways,
        tls: [
          { match: [{ gateways: ['mesh'], port: this.port, sniHosts: [this.host] }], route: [{ destination: toGateway }] },
          { match: [{ gateways: [this.gateway.gatewayRef], port: gwPort, sniHosts: [this.host] }], route: [{ destination: toHost, weight: 100 }] },
        ],
      }
      : {
        hosts: [this.host],
        gateways,
        http: [
          { match: [{ gateways: ['mesh'], port: this.port }], route: [{ destination: toGateway }] },
          { match: [{ gateways: [this.gateway.gatewayRef], port: gwPort }], route: [{ destination: toHost, weight: 100 }] },
        ],
      };
    istioObject(this, 'virtual-service', version, 'VirtualService', meta(this.name), vsSpec);

    // 4. TLS origination: only the egress gateway's namespace sees this rule, so sidecars elsewhere never
    //    wrap traffic to the host in a second TLS layer.
    if (origination) {
      istioObject(this, 'tls-origination', version, 'DestinationRule', meta(`${this.name}-tls-origination`), {
        host: this.host,
        exportTo: ['.'],
        trafficPolicy: {
          portLevelSettings: [{
            port: { number: origination.port },
            tls: {
              mode: (origination.credentialName ? 'MUTUAL' : 'SIMPLE') as net.DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode,
              sni: origination.sni,
              ...(origination.credentialName ? { credentialName: origination.credentialName } : {}),
              ...(origination.caCertificates ? { caCertificates: origination.caCertificates } : {}),
            },
          }],
        },
      });
    }
  }
}
