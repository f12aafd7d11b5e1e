/**
 * The keys of the traffic props and options, checked at run time by `checkKnownKeys` (an unknown key is an error
 * naming its path and the closest valid key, instead of vanishing: a `destination.subset` MeshRoute does not have is
 * refused, not dropped); the compiler keeps each shape equal to its interface.
 *
 * @internal
 */
import type { Shape } from '../resource/keys';
import type { CanaryMatch, CanaryRouteProps, CanarySubset } from './canary-route';
import type { HttpMatch, RouteOptions, StringMatch } from './http';
import type { MeshHttpRoute, MeshRouteProps, RouteDestination } from './mesh-route';
import type { TrafficPolicyOptions } from './traffic-policy';

export const STRING_MATCH: Shape<StringMatch> = { exact: true, prefix: true, regex: true };

export const HTTP_MATCH: Shape<HttpMatch> = {
  uri: STRING_MATCH,
  headers: { '*': STRING_MATCH },
  queryParams: { '*': STRING_MATCH },
  port: true,
};

export const ROUTE_OPTIONS: Shape<RouteOptions> = {
  retries: { attempts: true, perTryTimeout: true, retryOn: true },
  timeout: true,
  fault: {
    delay: { fixedDelay: true, percentage: true },
    abort: { httpStatus: true, percentage: true },
  },
};

export const TRAFFIC_POLICY: Shape<TrafficPolicyOptions> = {
  connectionPool: {
    tcp: { maxConnections: true, connectTimeout: true },
    http: { http1MaxPendingRequests: true, http2MaxRequests: true, maxRequestsPerConnection: true, maxRetries: true, idleTimeout: true },
  },
  outlierDetection: {
    consecutive5xxErrors: true,
    consecutiveGatewayErrors: true,
    interval: true,
    baseEjectionTime: true,
    maxEjectionPercent: true,
    minHealthPercent: true,
  },
  tls: { mode: true, sni: true, credentialName: true, subjectAltNames: true },
  loadBalancer: true,
};

const CANARY_SUBSET: Shape<CanarySubset> = { version: true, name: true, labels: true, workload: 'ref', weight: true };
const CANARY_MATCH: Shape<CanaryMatch> = { ...HTTP_MATCH, ...ROUTE_OPTIONS, subset: true, anyOf: [HTTP_MATCH], mirror: { subset: true, percentage: true } };

export const CANARY_ROUTE_PROPS: Shape<CanaryRouteProps> = {
  ...ROUTE_OPTIONS,
  namespace: 'ref',
  host: true,
  service: 'ref',
  port: true,
  stable: CANARY_SUBSET,
  canary: CANARY_SUBSET,
  subsets: [CANARY_SUBSET],
  matches: [CANARY_MATCH],
  trafficPolicy: TRAFFIC_POLICY,
  mirror: { subset: true, percentage: true },
  gateways: 'ref',
  externalHosts: true,
  meshTraffic: true,
  steps: true,
  name: true,
  destinationRuleName: true,
  virtualServiceName: true,
};

const ROUTE_DESTINATION: Shape<RouteDestination> = { host: true, port: true, subset: true, weight: true };

const MESH_HTTP_ROUTE: Shape<MeshHttpRoute> = {
  ...ROUTE_OPTIONS,
  match: HTTP_MATCH,
  matches: [HTTP_MATCH],
  destination: ROUTE_DESTINATION,
  destinations: [ROUTE_DESTINATION],
  rewriteUri: true,
  mirror: { destination: ROUTE_DESTINATION, percentage: true },
};

export const MESH_ROUTE_PROPS: Shape<MeshRouteProps> = {
  namespace: 'ref',
  hosts: true,
  gateways: 'ref',
  mesh: true,
  routes: [MESH_HTTP_ROUTE],
  tcpRoutes: [{ port: true, destinations: [ROUTE_DESTINATION] }],
  tlsRoutes: [{ sniHosts: true, port: true, destinations: [ROUTE_DESTINATION] }],
  name: true,
};
