import { Construct } from 'constructs';
import { VirtualService } from '../networking/virtual-service';
import { checkKnownKeys } from '../resource/keys';
import { checkMeshNamespace, IMeshNamespace } from '../resource/mesh-namespace';
import type {
  VirtualServiceSpecHttp, VirtualServiceSpecHttpRoute, VirtualServiceSpecTcp, VirtualServiceSpecTls,
} from '../resource/specs.generated';
import { checkDnsLabel, checkDnsSubdomain, checkHost, checkInt, checkPercent, checkPort, fail } from '../validation';
import { IstioVersion } from '../version';
import { checkRouteHosts, GatewayRef, resolveGateways } from './gateway-binding';
import { HttpMatch, renderHttpMatch, renderRouteOptions, RouteOptions } from './http';
import { MESH_ROUTE_PROPS } from './shapes';

/** Where a route sends requests: a service, optionally its port and a subset, and its share of the traffic. */
export interface RouteDestination {
  /** Service host, e.g. `fraud-service` or `fraud-service.fraud-detection.svc.cluster.local`. */
  readonly host: string;
  /** Service port. @default - none (Istio picks the only port) */
  readonly port?: number;
  /** Subset of the host's DestinationRule (e.g. `destinationRule.subset('v2')`). @default - every endpoint */
  readonly subset?: string;
  /**
   * Share of the route's traffic (integer 0-100) when a route has several destinations; given for one, it must be
   * given for all, summing to 100. @default - an equal split is not assumed: one destination takes all traffic
   */
  readonly weight?: number;
}

/** Mirroring of a route's requests to another destination (responses of the mirror are dropped). */
export interface RouteMirror {
  /** Destination receiving the copies (`weight` is not used). */
  readonly destination: RouteDestination;
  /** Share of requests mirrored (0-100). @default 100 */
  readonly percentage?: number;
}

/** One HTTP route of a {@link MeshRoute}. */
export interface MeshHttpRoute extends RouteOptions {
  /** Requests this route takes. @default - every request (only the last route may omit its matches) */
  readonly match?: HttpMatch;
  /** Requests this route takes, ORed (any one matching is enough); instead of `match`. @default - see `match` */
  readonly matches?: HttpMatch[];
  /** Destination; instead of `destinations`. @default - see `destinations` */
  readonly destination?: RouteDestination;
  /** Weighted destinations (a split); instead of `destination`. @default - see `destination` */
  readonly destinations?: RouteDestination[];
  /** Replace the matched path prefix (or path) with this before forwarding, e.g. `/`. @default - unchanged */
  readonly rewriteUri?: string;
  /** Mirror the route's requests. @default - none */
  readonly mirror?: RouteMirror;
}

/** One TCP route of a {@link MeshRoute}: connections (optionally to one port of the hosts) go to the destinations. */
export interface MeshTcpRoute {
  /** Port of the hosts the route takes. @default - any port */
  readonly port?: number;
  /** Weighted destinations. */
  readonly destinations: RouteDestination[];
}

/** One TLS route of a {@link MeshRoute}: TLS connections routed by SNI, without terminating TLS. */
export interface MeshTlsRoute {
  /** SNI names the route takes (the hosts or some of them). */
  readonly sniHosts: string[];
  /** Port of the hosts the route takes. @default - any port */
  readonly port?: number;
  /** Weighted destinations. */
  readonly destinations: RouteDestination[];
}

/** Props of {@link MeshRoute}. */
export interface MeshRouteProps {
  /** Namespace of the route: a ZeroTrustNamespace or `{ istiod, name }`; the Istio version comes from its Istiod. */
  readonly namespace: IMeshNamespace;
  /** Hosts the route serves, e.g. `fraud-api.local`, or `*` behind a gateway. */
  readonly hosts: string[];
  /**
   * Gateways the route is bound to: a gateway construct (IngressGateway binding, Istio `Gateway`), or the reference
   * `<namespace>/<name>` of a Gateway deployed elsewhere. @default - none: in-mesh routing
   */
  readonly gateways?: GatewayRef[];
  /** Also apply to in-mesh traffic (`mesh`). @default - true without gateways, false with them */
  readonly mesh?: boolean;
  /** HTTP routes, tried in order. @default - none (then tcpRoutes or tlsRoutes) */
  readonly routes?: MeshHttpRoute[];
  /** TCP routes. @default - none */
  readonly tcpRoutes?: MeshTcpRoute[];
  /** TLS routes (by SNI). @default - none */
  readonly tlsRoutes?: MeshTlsRoute[];
  /** VirtualService name. @default - the construct id */
  readonly name?: string;
}

/**
 * Host/prefix routing to services, their subsets and weighted splits, for HTTP, TCP and TLS: one L2
 * {@link VirtualService}, e.g. `fraud-api.local` + `/v1/` → `fraud-service:8080` through gateway
 * `istio-system/ml-gateway`.
 */
export class MeshRoute extends Construct {
  /** Istio release (from the namespace's Istiod). */
  public readonly version: IstioVersion;
  /** The VirtualService. */
  public readonly virtualService: VirtualService;

  public constructor(scope: Construct, id: string, props: MeshRouteProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, MESH_ROUTE_PROPS);
    const ns = checkMeshNamespace(this, 'namespace', props?.namespace);
    this.version = ns.istiod.version;
    const name = checkDnsSubdomain(this, 'name', props.name ?? id);
    const mesh = props.mesh ?? props.gateways === undefined;
    if (!mesh && props.gateways === undefined) fail(this, 'mesh', false, 'must be true when no gateways are given: the route would apply nowhere');
    const hosts = checkRouteHosts(this, 'hosts', props.hosts, mesh);
    const gateways = props.gateways === undefined ? undefined : resolveGateways(this, 'gateways', props.gateways, ns.name, 'hosts', hosts);

    const routes = this.list('routes', props.routes);
    const tcpRoutes = this.list('tcpRoutes', props.tcpRoutes);
    const tlsRoutes = this.list('tlsRoutes', props.tlsRoutes);
    if (!routes && !tcpRoutes && !tlsRoutes) fail(this, 'routes', props.routes, 'must list at least one route (or give tcpRoutes or tlsRoutes)');
    const http = routes?.map((r, i) => this.httpRoute(`routes[${i}]`, r, routes.length - 1 - i));
    const tcp = tcpRoutes?.map((r, i): VirtualServiceSpecTcp => {
      if (!r || typeof r !== 'object') fail(this, `tcpRoutes[${i}]`, r, 'must be a TCP route: { port?, destinations }');
      return {
        ...(r.port !== undefined ? { match: [{ port: checkPort(this, `tcpRoutes[${i}].port`, r.port) }] } : {}),
        route: this.destinations(`tcpRoutes[${i}].destinations`, r.destinations),
      };
    });
    const tls = tlsRoutes?.map((r, i): VirtualServiceSpecTls => {
      if (!r || typeof r !== 'object') fail(this, `tlsRoutes[${i}]`, r, 'must be a TLS route: { sniHosts, port?, destinations }');
      if (!Array.isArray(r.sniHosts) || r.sniHosts.length === 0) fail(this, `tlsRoutes[${i}].sniHosts`, r.sniHosts, 'must list at least one SNI name');
      r.sniHosts.forEach((h, j) => checkHost(this, `tlsRoutes[${i}].sniHosts[${j}]`, h));
      return {
        match: [{ sniHosts: [...r.sniHosts], ...(r.port !== undefined ? { port: checkPort(this, `tlsRoutes[${i}].port`, r.port) } : {}) }],
        route: this.destinations(`tlsRoutes[${i}].destinations`, r.destinations),
      };
    });

    this.virtualService = new VirtualService(this, 'virtual-service', {
      namespace: ns,
      name,
      spec: {
        hosts: [...hosts],
        ...(gateways ? { gateways: mesh ? [...gateways, 'mesh'] : gateways } : {}),
        ...(http ? { http } : {}),
        ...(tcp ? { tcp } : {}),
        ...(tls ? { tls } : {}),
      },
    });
  }

  private list<T>(field: string, v: T[] | undefined): T[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0) fail(this, field, v, 'must be a non-empty list when given');
    return v;
  }

  private httpRoute(f: string, r: MeshHttpRoute, after: number): VirtualServiceSpecHttp {
    if (!r || typeof r !== 'object' || Array.isArray(r)) fail(this, f, r, 'must be a route: { match?, destination | destinations, ... }');
    if (r?.match !== undefined && r.matches !== undefined) fail(this, `${f}.matches`, r.matches, 'must not be given with match: put every alternative in matches');
    const matches = r?.matches ?? (r?.match !== undefined ? [r.match] : undefined);
    if (matches !== undefined && (!Array.isArray(matches) || matches.length === 0)) fail(this, `${f}.matches`, matches, 'must be a non-empty list when given');
    if (matches === undefined && after > 0) {
      fail(this, `${f}.match`, undefined, `must be set: a route without match takes every request, so routes after it (${after} more) would never be used`);
    }
    if ((r.destination === undefined) === (r.destinations === undefined)) {
      fail(this, `${f}.destination`, r.destination, 'set exactly one of destination or destinations');
    }
    if (r.rewriteUri !== undefined && (typeof r.rewriteUri !== 'string' || !r.rewriteUri.startsWith('/'))) {
      fail(this, `${f}.rewriteUri`, r.rewriteUri, 'must be a path starting with "/"');
    }
    const route = r.destination !== undefined
      ? this.destinations(`${f}.destination`, [r.destination], true)
      : this.destinations(`${f}.destinations`, r.destinations!);
    const mirror = r.mirror === undefined ? {} : {
      mirror: this.destination(`${f}.mirror.destination`, r.mirror.destination),
      ...(r.mirror.percentage !== undefined ? { mirrorPercentage: { value: checkPercent(this, `${f}.mirror.percentage`, r.mirror.percentage) } } : {}),
    };
    return {
      ...(matches !== undefined ? { match: matches.map((m, j) => renderHttpMatch(this, r.matches ? `${f}.matches[${j}]` : `${f}.match`, m)) } : {}),
      ...(r.rewriteUri !== undefined ? { rewrite: { uri: r.rewriteUri } } : {}),
      route,
      ...mirror,
      ...renderRouteOptions(this, r, `${f}.`),
    };
  }

  private destination(f: string, d: RouteDestination): { host: string; subset?: string; port?: { number: number } } {
    if (!d || typeof d !== 'object') fail(this, f, d, 'must be a destination { host, port?, subset? }');
    checkHost(this, `${f}.host`, d.host, { allowWildcard: false });
    return {
      host: d.host,
      ...(d.subset !== undefined ? { subset: checkDnsLabel(this, `${f}.subset`, d.subset) } : {}),
      ...(d.port !== undefined ? { port: { number: checkPort(this, `${f}.port`, d.port) } } : {}),
    };
  }

  /** Weighted destinations: weights given for all (summing to 100) or for none (then only one destination). */
  private destinations(f: string, list: RouteDestination[], single = false): VirtualServiceSpecHttpRoute[] {
    if (!Array.isArray(list) || list.length === 0) fail(this, f, list, 'must list at least one destination');
    list.forEach((d, i) => {
      if (!d || typeof d !== 'object') fail(this, single ? f : `${f}[${i}]`, d, 'must be a destination { host, port?, subset?, weight? }');
    });
    const weighted = list.filter((d) => d.weight !== undefined).length;
    if (weighted !== 0 && weighted !== list.length) fail(this, f, list, 'must give a weight for every destination, or for none');
    if (weighted === 0 && list.length > 1) fail(this, f, list, 'must give weights (summing to 100) to split traffic between several destinations');
    const at = (i: number) => (single ? f : `${f}[${i}]`);
    const total = list.reduce((sum, d, i) => sum + (d.weight === undefined ? 0 : checkInt(this, `${at(i)}.weight`, d.weight, 0, 100)), 0);
    if (weighted > 0 && total !== 100) fail(this, `${at(0)}.weight`, list.map((d) => d.weight).join('+'), `weights must sum to 100 (they sum to ${total})`);
    return list.map((d, i) => ({ destination: this.destination(at(i), d), ...(d.weight !== undefined ? { weight: d.weight } : {}) }));
  }
}
