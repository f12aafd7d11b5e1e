/**
 * Typed injection settings (the `values` and `config` keys of the `istio-sidecar-injector` ConfigMap).
 * Owned by the injection implementation; extend here.
 */
import { ResourcePreset } from '../../workload';

/** Settings of the injected proxy (`global.proxy` in the injector values). */
export interface ProxyOptions {
  /** Proxy container resources. @default ResourcePreset.proxyDefault() (100m/128Mi requests, 2000m/1024Mi limits) */
  readonly resources?: ResourcePreset;
  /** Envoy log level. @default 'warning' */
  readonly logLevel?: 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'critical' | 'off';
  /** Envoy per-component log levels. @default 'misc:error' */
  readonly componentLogLevel?: string;
  /** Hold the application until the proxy is ready. @default false */
  readonly holdApplicationUntilProxyStarts?: boolean;
}

/** Injection policy (the `config` key). */
export interface InjectionPolicyOptions {
  /** Inject pods in labelled namespaces by default (`policy: enabled`). @default true */
  readonly enabled?: boolean;
}
