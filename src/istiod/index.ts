export * from './istiod';
// mesh-config.ts also holds the (internal) renderer; only its types are public.
export type {
  DefaultProviders,
  EnvoyFileAccessLogProvider,
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
