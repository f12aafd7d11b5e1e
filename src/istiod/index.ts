export * from './istiod';
export type { IIstiod, IstiodAttributes } from './istiod-ref';
// mesh-config.ts also holds the (internal) renderer; only its types are public.
export type {
  DefaultProviders,
  EnvoyExtAuthzGrpcProvider,
  EnvoyExtAuthzHttpProvider,
  EnvoyFileAccessLogProvider,
  ExtAuthzRequestBody,
  ExtensionProvider,
  MeshConfigOptions,
  OpenTelemetryProvider,
  OutboundTrafficPolicyMode,
  PrometheusProvider,
  ProxyConfigDefaults,
  TracingDefaults,
  ZipkinProvider,
} from './mesh-config';
export * from './injector/options';
export * from './remote-control-plane';
