/**
 * The keys of the chart props and options, checked at run time by `checkKnownKeys` (an unknown key is an error naming
 * its path and the closest valid key, instead of vanishing); the compiler keeps each shape equal to its interface.
 *
 * @internal
 */
import type { ChartProps } from 'cdk8s';
import { POD_SECURITY } from '../policy/shapes';
import type { Shape } from '../resource/keys';
import { TRAFFIC_POLICY } from '../traffic/shapes';
import { AUTOSCALING } from '../workload-shapes';
import type { ExampleAppOptions } from './example-app';
import type { MlopsMeshChartProps } from './mlops-mesh-chart';
import type { MeshObservabilityOptions, MeshTelemetryProps } from './observability';
import type { PiClusterMeshChartProps } from './pi-cluster-mesh-chart';
import type { VaultIstioCaProps, VaultPkiOptions } from './vault-ca';

const CHART_PROPS: Shape<ChartProps> = { namespace: true, labels: true, disableResourceNameHashes: true };

export const MLOPS_MESH_CHART_PROPS: Shape<MlopsMeshChartProps> = {
  ...CHART_PROPS,
  version: 'ref',
  istioNamespace: true,
  gatewayNamespace: true,
  gatewayName: true,
  gatewaySelectorLabels: true,
  metallb: true,
  loadBalancerIp: true,
  metallbAddressPool: true,
  httpNodePort: true,
  httpsNodePort: true,
  pilotMemoryRequest: true,
  pilotMemoryLimit: true,
  gatewayMemoryRequest: true,
  gatewayMemoryLimit: true,
  gatewayAutoscaling: AUTOSCALING,
  injectionNamespaces: true,
  cni: true,
  podSecurity: POD_SECURITY,
  allowIntraNamespace: true,
  mtlsMode: true,
  mlGateway: { name: true, namespace: true, hosts: true },
  fraudApiRoute: { name: true, namespace: true, host: true, pathPrefix: true, service: true, port: true },
  modelAbTest: { name: true, namespace: true, host: true, port: true, versionA: true, versionB: true, weightB: true, header: true },
  gatewayApiIngress: { name: true, hostname: true, fraudApiRoute: true },
};

export const VAULT_PKI_OPTIONS: Shape<VaultPkiOptions> = {
  vaultNamespace: true,
  server: true,
  pkiPath: true,
  authRole: true,
  authMountPath: true,
  serviceAccountName: true,
  certManager: { namespace: true, serviceAccount: true },
  caBundleSecret: { name: true, key: true },
  issuerName: true,
  certificateName: true,
  commonName: true,
  duration: true,
  renewBefore: true,
};

export const VAULT_ISTIO_CA_PROPS: Shape<VaultIstioCaProps> = { ...VAULT_PKI_OPTIONS, istiod: 'ref' };

/** Both tracer kinds' keys (`type` picks the kind). */
export const MESH_OBSERVABILITY_OPTIONS: Shape<MeshObservabilityOptions> = {
  tracer: { type: true, name: true, service: true, port: true, maxTagLength: true },
  samplingPercentage: true,
  accessLogging: true,
  prometheus: { namespace: true, serviceAccount: true },
  telemetryName: true,
};

export const MESH_TELEMETRY_PROPS: Shape<MeshTelemetryProps> = {
  istiod: 'ref', tracingProvider: true, samplingPercentage: true, accessLogging: true, name: true,
};

export const PI_CLUSTER_MESH_CHART_PROPS: Shape<PiClusterMeshChartProps> = {
  ...CHART_PROPS,
  version: 'ref',
  istioNamespace: true,
  kubernetesVersion: true,
  pilotReplicas: true,
  pilotPodDisruptionBudget: true,
  pilotResources: 'ref',
  sidecarResources: 'ref',
  gatewayResources: 'ref',
  gatewayAutoscaling: AUTOSCALING,
  ingressEnabled: true,
  ingressService: 'ref',
  egressEnabled: true,
  mtlsMode: true,
  appNamespace: true,
  dataplane: true,
  podSecurity: POD_SECURITY,
  tradingGateway: { name: true, hosts: true },
  tradingAppRoute: { name: true, service: true, port: true },
  tradingAgentPolicy: { name: true, selector: true, fromNamespaces: true, metricsPrincipal: true, metricsPort: true },
  legacyPermissive: { name: true, selector: true },
  tradingCanary: {
    host: true,
    stableVersion: true,
    canaryVersion: true,
    canaryWeight: true,
    canaryPathPrefix: true,
    destinationRuleName: true,
    virtualServiceName: true,
    trafficPolicy: TRAFFIC_POLICY,
    steps: true,
  },
  vaultIntegrationEnabled: true,
  vaultNamespace: true,
  vaultPki: VAULT_PKI_OPTIONS,
  observabilityEnabled: true,
  observability: MESH_OBSERVABILITY_OPTIONS,
};

export const EXAMPLE_APP_OPTIONS: Shape<ExampleAppOptions> = {
  cdk8sOutdir: true,
  outdir: true,
  repoURL: true,
  repoPath: true,
  targetRevision: true,
  mlops: MLOPS_MESH_CHART_PROPS,
  pi: PI_CLUSTER_MESH_CHART_PROPS,
  pictures: true,
};
