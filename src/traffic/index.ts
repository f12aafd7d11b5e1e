export type { IGatewayBinding, GatewayRef } from './gateway-binding';
export type { StringMatch, HttpMatch, RetryOptions, FaultOptions, RouteOptions } from './http';
export type {
  TcpPoolOptions, HttpPoolOptions, ConnectionPoolOptions, OutlierDetectionOptions, ClientTlsMode, ClientTlsOptions,
  LoadBalancerAlgorithm, TrafficPolicyOptions,
} from './traffic-policy';
export * from './canary-route';
export * from './mesh-route';
