/**
 * The keys of istiod's props and options, checked at run time by `checkKnownKeys` (an unknown key is an error naming
 * its path and the closest valid key, instead of vanishing); the compiler keeps each shape equal to its interface.
 *
 * @internal
 */
import type { MeshAnalyzerOptions } from '../analyzer/synth';
import type { IstioCniOptions } from '../cni/options';
import type { Shape } from '../resource/keys';
import { AUTOSCALING, POD_DISRUPTION_BUDGET, SCHEDULING } from '../workload-shapes';
import type { ZtunnelOptions } from '../ztunnel/ztunnel';
import type { InjectionLabelSelector, InjectionPolicyOptions, ProxyOptions } from './injector/options';
import type { AmbientOptions, IstiodImageOptions, IstiodProps } from './istiod';
import type { ExtensionProvider, MeshConfigOptions } from './mesh-config';

export const ISTIOD_IMAGE: Shape<IstiodImageOptions> = { hub: true, tag: true, variant: true };

/** Every key of every provider kind (`type` picks the kind; the resolver checks which keys the kind takes). */
export const EXTENSION_PROVIDER: Shape<ExtensionProvider> = {
  type: true, name: true, service: true, port: true, maxTagLength: true, path: true, timeout: true, failOpen: true, statusOnError: true,
  includeRequestBodyInCheck: { maxRequestBytes: true, allowPartialMessage: true, packAsBytes: true },
  pathPrefix: true, includeRequestHeadersInCheck: true, headersToUpstreamOnAllow: true, headersToDownstreamOnDeny: true,
};

export const MESH_CONFIG: Shape<MeshConfigOptions> = {
  trustDomain: true,
  accessLogFile: true,
  accessLogEncoding: true,
  outboundTrafficPolicy: true,
  enablePrometheusMerge: true,
  enableTracing: true,
  defaultConfig: {
    holdApplicationUntilProxyStarts: true,
    proxyMetadata: true,
    tracing: { sampling: true, zipkinAddress: true },
  },
  extensionProviders: [EXTENSION_PROVIDER],
  defaultProviders: { metrics: true, tracing: true, accessLogging: true },
  rootNamespace: true,
};

export const PROXY: Shape<ProxyOptions> = {
  image: true,
  initImage: true,
  resources: 'ref',
  logLevel: true,
  componentLogLevel: true,
  agentLogLevel: true,
  clusterDomain: true,
  includeIPRanges: true,
  excludeIPRanges: true,
  includeInboundPorts: true,
  excludeInboundPorts: true,
  includeOutboundPorts: true,
  excludeOutboundPorts: true,
  statusPort: true,
  readinessInitialDelaySeconds: true,
  readinessPeriodSeconds: true,
  readinessFailureThreshold: true,
  startupProbe: { enabled: true, failureThreshold: true },
  privileged: true,
  holdApplicationUntilProxyStarts: true,
  tracer: true,
  enableCoreDump: true,
  nativeNftables: true,
  otelResourceAttributes: true,
};

const LABEL_SELECTOR: Shape<InjectionLabelSelector> = {
  matchLabels: true,
  matchExpressions: [{ key: true, operator: true, values: true }],
};

export const INJECTION_POLICY: Shape<InjectionPolicyOptions> = {
  enabled: true,
  alwaysInjectSelector: [LABEL_SELECTOR],
  neverInjectSelector: [LABEL_SELECTOR],
  injectedAnnotations: true,
  defaultTemplates: true,
  rewriteAppHTTPProbe: true,
  templates: true,
};

const NODE_AGENT_IMAGE = { hub: true, tag: true, variant: true } as const;

export const CNI_OPTIONS: Shape<IstioCniOptions> = {
  excludeNamespaces: true, logLevel: true, resources: 'ref', repair: true, image: NODE_AGENT_IMAGE,
  cniBinDir: true, cniConfDir: true, dnsCapture: true, ipv6: true,
};

export const ZTUNNEL_OPTIONS: Shape<ZtunnelOptions> = {
  logLevel: true, resources: 'ref', image: NODE_AGENT_IMAGE, env: true, terminationGracePeriodSeconds: true,
};

export const AMBIENT: Shape<AmbientOptions> = { ztunnel: ZTUNNEL_OPTIONS };

/**
 * The analyzer's options. Its `meshConfig` and `meshNetworks` mirror Istio's mesh config and mesh networks files
 * (open maps the analyzer reads, not props of ours), and `reporter` is a function: not checked key by key.
 */
export const ANALYZER: Shape<MeshAnalyzerOptions> = {
  failOn: true,
  enabled: true,
  reporter: 'ref',
  wholeApp: true,
  clusterDomain: true,
  defaultNamespace: true,
  rootNamespace: true,
  assumeComplete: true,
  suppress: true,
  meshConfig: 'ref',
  meshNetworks: 'ref',
};

export const ISTIOD_PROPS: Shape<IstiodProps> = {
  ...SCHEDULING,
  base: 'ref',
  revision: true,
  replicas: true,
  autoscaling: AUTOSCALING,
  podDisruptionBudget: POD_DISRUPTION_BUDGET,
  resources: 'ref',
  image: ISTIOD_IMAGE,
  logLevel: true,
  env: true,
  meshConfig: MESH_CONFIG,
  proxy: PROXY,
  cni: CNI_OPTIONS,
  ambient: AMBIENT,
  nativeSidecars: true,
  revisionTags: true,
  injection: INJECTION_POLICY,
  clusterName: true,
  meshId: true,
  network: true,
  analyzer: ANALYZER,
};
