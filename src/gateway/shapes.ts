/**
 * The keys of the gateway props and options, checked at run time by `checkKnownKeys` (an unknown key is an error
 * naming its path and the closest valid key, instead of vanishing); the compiler keeps each shape equal to its
 * interface.
 *
 * @internal
 */
import type { Shape } from '../resource/keys';
import { AUTOSCALING, POD_DISRUPTION_BUDGET, SCHEDULING } from '../workload-shapes';
import type { EastWestGatewayProps } from './east-west-gateway';
import type { EgressGatewayProps, ExternalHostOptions } from './egress-gateway';
import type { GatewayWorkloadProps } from './gateway-workload';
import type { IngressGatewayProps } from './ingress-gateway';
import type { GatewayServer, MeshGatewayOptions, MeshGatewayProps } from './mesh-gateway';
import type { GatewayPort } from './ports';
import type { LoadBalancerServiceOptions, NodePortServiceOptions } from './service';

export const GATEWAY_PORT: Shape<GatewayPort> = { name: true, port: true, targetPort: true, protocol: true, nodePort: true };

export const GATEWAY_WORKLOAD_PROPS: Shape<GatewayWorkloadProps> = {
  ...SCHEDULING,
  istiod: 'ref',
  name: true,
  namespace: true,
  createNamespace: true,
  selectorLabels: true,
  service: 'ref',
  ports: [GATEWAY_PORT],
  replicas: true,
  autoscaling: AUTOSCALING,
  podDisruptionBudget: POD_DISRUPTION_BUDGET,
  resources: 'ref',
  labels: true,
  podLabels: true,
  podAnnotations: true,
  serviceLabels: true,
  serviceAnnotations: true,
  terminationGracePeriodSeconds: true,
};

export const INGRESS_GATEWAY_PROPS: Shape<IngressGatewayProps> = GATEWAY_WORKLOAD_PROPS;
export const EGRESS_GATEWAY_PROPS: Shape<EgressGatewayProps> = GATEWAY_WORKLOAD_PROPS;
export const EAST_WEST_GATEWAY_PROPS: Shape<EastWestGatewayProps> = { ...GATEWAY_WORKLOAD_PROPS, network: true, exposeServices: true, exposeIstiod: true };

export const GATEWAY_SERVER: Shape<GatewayServer> = {
  port: { number: true, protocol: true, name: true },
  hosts: true,
  tls: { mode: true, credentialName: true, minProtocolVersion: true, maxProtocolVersion: true, subjectAltNames: true },
  httpsRedirect: true,
  name: true,
};

export const MESH_GATEWAY_OPTIONS: Shape<MeshGatewayOptions> = { name: true, namespace: true, servers: [GATEWAY_SERVER], labels: true };
export const MESH_GATEWAY_PROPS: Shape<MeshGatewayProps> = { ...MESH_GATEWAY_OPTIONS, gateway: 'ref' };

export const EXTERNAL_HOST_OPTIONS: Shape<ExternalHostOptions> = {
  host: true,
  protocol: true,
  port: true,
  tls: { port: true, credentialName: true, sni: true, caCertificates: true },
  name: true,
};

export const LOAD_BALANCER_SERVICE_OPTIONS: Shape<LoadBalancerServiceOptions> = { ip: true, pool: true, externalTrafficPolicy: true, loadBalancerSourceRanges: true };
export const NODE_PORT_SERVICE_OPTIONS: Shape<NodePortServiceOptions> = { http: true, https: true, status: true, externalTrafficPolicy: true };
