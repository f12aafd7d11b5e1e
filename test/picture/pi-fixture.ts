/**
 * The Raspberry-Pi cluster's mesh objects as plain objects (what a synthesized chart or `kubectl get -o yaml`
 * gives): the trading gateway and its VirtualService, the canary VirtualService, the circuit-breaker
 * DestinationRule (with v1/v2 subsets added so the canary's subsets resolve), the trading-agent
 * AuthorizationPolicy, the permissive exception for legacy workloads and the mesh-wide STRICT mTLS policy.
 */
import { PI_TRADING_CANARY_SPEC } from '../support/pi-document';
import { K8sObject } from '../support/schema';

/** Which Istio API versions to write the objects in. */
export type IstioApi = 'v1' | 'v1beta1';

export function piMeshObjects(api: IstioApi = 'v1beta1'): K8sObject[] {
  const net = `networking.istio.io/${api}`;
  const sec = `security.istio.io/${api}`;
  return [
    {
      apiVersion: net,
      kind: 'Gateway',
      metadata: { name: 'trading-gateway', namespace: 'trading' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
      },
    },
    {
      apiVersion: net,
      kind: 'VirtualService',
      metadata: { name: 'trading-app', namespace: 'trading' },
      spec: {
        hosts: ['*'],
        gateways: ['trading-gateway'],
        http: [{ route: [{ destination: { host: 'trading-app-service', port: { number: 80 } } }] }],
      },
    },
    {
      apiVersion: net,
      kind: 'VirtualService',
      metadata: { name: 'trading-canary', namespace: 'trading' },
      spec: structuredClone(PI_TRADING_CANARY_SPEC),
    },
    {
      apiVersion: net,
      kind: 'DestinationRule',
      metadata: { name: 'circuit-breaker', namespace: 'trading' },
      spec: {
        host: 'trading-agent-service',
        trafficPolicy: {
          connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 2 } },
          outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s' },
        },
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
    },
    {
      apiVersion: sec,
      kind: 'AuthorizationPolicy',
      metadata: { name: 'trading-agent-policy', namespace: 'trading' },
      spec: {
        selector: { matchLabels: { app: 'trading-agent' } },
        action: 'ALLOW',
        rules: [
          { from: [{ source: { namespaces: ['argocd'] } }] },
          { from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/prometheus'] } }], to: [{ operation: { ports: ['8888'] } }] },
        ],
      },
    },
    {
      apiVersion: sec,
      kind: 'PeerAuthentication',
      metadata: { name: 'legacy-service-permissive', namespace: 'trading' },
      spec: { selector: { matchLabels: { legacy: 'true' } }, mtls: { mode: 'PERMISSIVE' } },
    },
    {
      apiVersion: sec,
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: { mtls: { mode: 'STRICT' } },
    },
  ];
}
