/**
 * Typed mesh configuration (the `mesh` key of the `istio[-<rev>]` ConfigMap).
 * Owned by the istiod implementation; extend here.
 */

/** Outbound traffic policy of the mesh. */
export type OutboundTrafficPolicyMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** Proxy defaults applied to every workload (`defaultConfig`). */
export interface ProxyConfigDefaults {
  /** Start the application container only after the proxy is ready. @default false */
  readonly holdApplicationUntilProxyStarts?: boolean;
  /** Extra `proxyMetadata` entries (environment of the proxy). @default - none */
  readonly proxyMetadata?: Record<string, string>;
}

/** Typed MeshConfig. Every field defaults to what Istio's chart renders for the chosen version. */
export interface MeshConfigOptions {
  /** SPIFFE trust domain. @default 'cluster.local' */
  readonly trustDomain?: string;
  /** Envoy access log path, e.g. `/dev/stdout`. @default - access logging off */
  readonly accessLogFile?: string;
  /** Access log encoding. @default - Istio default (TEXT) */
  readonly accessLogEncoding?: 'TEXT' | 'JSON';
  /** @default 'ALLOW_ANY' */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;
  /** Merge application metrics into the proxy's Prometheus endpoint. @default true */
  readonly enablePrometheusMerge?: boolean;
  /** Proxy defaults. @default - Istio defaults */
  readonly defaultConfig?: ProxyConfigDefaults;
}
