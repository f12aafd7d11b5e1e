export { ISTIO_PORT_NAME_PROTOCOLS, NODE_PORT_MAX, NODE_PORT_MIN, isIstioPortName } from './ports';
export type { GatewayPort, ResolvedServicePort } from './ports';
export * from './service';
export * from './gateway-workload';
export * from './mesh-gateway';
export * from './ingress-gateway';
export * from './egress-gateway';
export * from './east-west-gateway';
