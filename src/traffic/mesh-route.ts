import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type * as net from '../../imports/networking.istio.io';
import { istioObject } from '../istio-object';
import { checkMeshNamespace, IMeshNamespace } from '../resource/mesh-namespace';
import { checkDnsSubdomain, checkHost, checkPort, fail } from '../validation';
import { IstioVersion } from '../version';
import { checkRouteHosts, GatewayRef, resolveGateways } from './gateway-binding';
import { HttpMatch, renderHttpMatch, renderRouteOptions, RouteOptions } from './http';
import { checkKnownKeys } from '../resource/keys';
import { MESH_ROUTE_PROPS } from './shapes';

/** Where a route sends requests: a service and optionally its port. */
export interface RouteDestination {
  /** Service host, e.g. `fraud-service` or `fraud-service.fraud-detection.svc.cluster.local`. */
  readonly host: string;
  /** Service port. @default - none (Istio picks the only port) */
  readonly port?: number;
}

/** One HTTP route of a {@link MeshRoute}. */
export interface MeshHttpRoute extends RouteOptions {
  /** Requests this route takes. @default - every request (only the last route may omit it) */
  readonly match?: HttpMatch;
  /** Destination. */
  readonly destination: RouteDestination;
  /** Replace the matched path prefix (or path) with this before forwarding, e.g. `/`. @default - unchanged */
  readonly rewriteUri?: string;
}

/** Props of {@link MeshRoute}. */
export interface MeshRouteProps {
  /** Namespace of the route: a ZeroTrustNamespace or `{ istiod, name }`; the Istio version comes from its Istiod. */
  readonly namespace: IMeshNamespace;
  /** Hosts the route serves, e.g. `fraud-api.local`, or `*` behind a gateway. */
  readonly hosts: string[];
  /** Gateways the route is bound to. @default - none: in-mesh routing */
  readonly gateways?: GatewayRef[];
  /** Also apply to in-mesh traffic (`mesh`). @default - true without gateways, false with them */
  readonly mesh?: boolean;
  /** HTTP routes, tried in order. */
  readonly routes: MeshHttpRoute[];
  /** VirtualService name. @default - the construct id */
  readonly name?: string;
}

/**
 * Plain host/prefix routing to service ports, without subsets: one VirtualService, e.g.
 * `fraud-api.local` + `/v1/` → `fraud-service:8080` through gateway `istio-system/ml-gateway`.
 */
export class MeshRoute extends Construct {
  /** Istio release (from the namespace's Istiod). */
  public readonly version: IstioVersion;
  /** The VirtualService. */
  public readonly virtualService: ApiObject;

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

    if (!Array.isArray(props.routes) || props.routes.length === 0) fail(this, 'routes', props.routes, 'must list at least one route');
    const http = props.routes.map((r, i): net.VirtualServiceSpecHttp => {
      const f = `routes[${i}]`;
      if (r?.match === undefined && i < props.routes.length - 1) {
        fail(this, `${f}.match`, undefined, `must be set: a route without match takes every request, so routes after it (${props.routes.length - 1 - i} more) would never be used`);
      }
      const d = r?.destination;
      checkHost(this, `${f}.destination.host`, d?.host, { allowWildcard: false });
      const port = d.port === undefined ? undefined : checkPort(this, `${f}.destination.port`, d.port);
      if (r.rewriteUri !== undefined && (typeof r.rewriteUri !== 'string' || !r.rewriteUri.startsWith('/'))) {
        fail(this, `${f}.rewriteUri`, r.rewriteUri, 'must be a path starting with "/"');
      }
      return {
        ...(r.match !== undefined ? { match: [renderHttpMatch(this, `${f}.match`, r.match)] } : {}),
        ...(r.rewriteUri !== undefined ? { rewrite: { uri: r.rewriteUri } } : {}),
        route: [{ destination: { host: d.host, ...(port ? { port: { number: port } } : {}) } }],
        ...renderRouteOptions(this, r, `${f}.`),
      };
    });

    this.virtualService = istioObject(this, 'VirtualService', this.version, 'VirtualService', { name, namespace: ns.name }, {
      hosts: [...hosts],
      ...(gateways ? { gateways: mesh ? [...gateways, 'mesh'] : gateways } : {}),
      http,
    });
  }
}
