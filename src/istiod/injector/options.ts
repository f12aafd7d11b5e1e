/**
 * Typed injection settings: the `values` and `config` keys of the `istio-sidecar-injector[-rev]` ConfigMap.
 *
 * Everything the injection templates read comes from these options (through the `values` JSON),
 * from the mesh config, or from the pod itself.
 */
import { ResourcePreset } from '../../workload';

/** Envoy log levels accepted by `--proxyLogLevel` and `sidecar.istio.io/logLevel`. */
export type ProxyLogLevel = 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'critical' | 'off';

/** Tracers the proxy can be configured for (`global.proxy.tracer`). */
export type ProxyTracer = 'none' | 'zipkin' | 'datadog' | 'lightstep' | 'stackdriver' | 'openCensusAgent';

/** Settings of the startup probe of the injected proxy (`global.proxy.startupProbe`). */
export interface ProxyStartupProbeOptions {
  /** Render the startup probe (GET /healthz/ready on 15021, period 1 s). @default true */
  readonly enabled?: boolean;
  /** Failed checks tolerated before the container is restarted (one per second). @default 600 */
  readonly failureThreshold?: number;
}

/**
 * Settings of the injected proxy (`global.proxy` and `global.proxy_init` in the injector values).
 * Pods override most of them with annotations (see docs/injection-templates.md).
 */
export interface ProxyOptions {
  /**
   * Proxy image: a name resolved as `<hub>/<image>:<tag>[-<variant>]`, or a full reference
   * (containing "/") used as is. Pods may override it with `sidecar.istio.io/proxyImage`.
   * @default 'proxyv2'
   */
  readonly image?: string;
  /** Image of the `istio-init` / `istio-validation` container; same rules as `image`. @default 'proxyv2' */
  readonly initImage?: string;
  /** Proxy (and init container) resources. @default ResourcePreset.proxyDefault() (100m/128Mi requests, 2000m/1024Mi limits) */
  readonly resources?: ResourcePreset;
  /** Envoy log level (`--proxyLogLevel`). @default 'warning' */
  readonly logLevel?: ProxyLogLevel;
  /** Envoy per-component log levels (`--proxyComponentLogLevel`), e.g. `misc:error,upstream:debug`. @default 'misc:error' */
  readonly componentLogLevel?: string;
  /** pilot-agent log levels (`--log_output_level`, `global.logging.level`), e.g. `default:info`. @default 'default:info' */
  readonly agentLogLevel?: string;
  /** Kubernetes cluster DNS domain (`--domain $(POD_NAMESPACE).svc.<clusterDomain>`). @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Outbound IP ranges captured by the proxy (CIDRs, or `*` for all). @default ['*'] */
  readonly includeIPRanges?: string[];
  /** Outbound IP ranges that bypass the proxy (CIDRs). @default [] */
  readonly excludeIPRanges?: string[];
  /** Inbound ports captured by the proxy, or `'*'` for all. @default '*' */
  readonly includeInboundPorts?: number[] | '*';
  /** Inbound ports that bypass the proxy (15090, 15021 and the status port are always added). @default [] */
  readonly excludeInboundPorts?: number[];
  /** Outbound ports always captured, whatever their destination IP. @default [] */
  readonly includeOutboundPorts?: number[];
  /** Outbound ports that bypass the proxy. @default [] */
  readonly excludeOutboundPorts?: number[];
  /** pilot-agent status port (health, merged Prometheus metrics, drain). @default 15020 */
  readonly statusPort?: number;
  /** Readiness probe initial delay in seconds. @default 0 */
  readonly readinessInitialDelaySeconds?: number;
  /** Readiness probe period in seconds. @default 15 */
  readonly readinessPeriodSeconds?: number;
  /** Readiness probe failure threshold. @default 4 */
  readonly readinessFailureThreshold?: number;
  /** Startup probe of the proxy. @default { enabled: true, failureThreshold: 600 } */
  readonly startupProbe?: ProxyStartupProbeOptions;
  /** Run the proxy (and istio-init) privileged. @default false */
  readonly privileged?: boolean;
  /**
   * Start application containers only once the proxy is ready (istiod moves the proxy first and the
   * template adds a `pilot-agent wait` postStart hook; native sidecars get this from the startup probe).
   * @default false
   */
  readonly holdApplicationUntilProxyStarts?: boolean;
  /** Tracer of the proxy; `datadog` also turns the `apm.datadoghq.com/env` annotation into env vars. @default 'none' */
  readonly tracer?: ProxyTracer;
  /**
   * Add an `enable-core-dump` init container to every pod (Istio 1.20 only; the feature and its
   * `sidecar.istio.io/enableCoreDump` annotation are gone in later releases).
   * @default false
   */
  readonly enableCoreDump?: boolean;
  /** Use native nftables instead of iptables in the init container (`--native-nftables`; Istio 1.30 only). @default false */
  readonly nativeNftables?: boolean;
  /**
   * Set `OTEL_RESOURCE_ATTRIBUTES` on proxies (service.name from the canonical name; service.namespace,
   * service.version and service.instance.id from the pod's `resource.opentelemetry.io/*` annotations when
   * present). For OpenTelemetry tracing with an environment resource detector.
   * @default false
   */
  readonly otelResourceAttributes?: boolean;
}

/** A Kubernetes label selector (for `alwaysInjectSelector` / `neverInjectSelector`). */
export interface InjectionLabelSelector {
  /** @default - none */
  readonly matchLabels?: Record<string, string>;
  /** @default - none */
  readonly matchExpressions?: Array<{
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: string[];
  }>;
}

/** Injection policy and templates (the `config` key, plus `sidecarInjectorWebhook` in the values). */
export interface InjectionPolicyOptions {
  /**
   * Inject pods in injection-labelled namespaces by default (`policy: enabled`); with `false` only pods
   * that ask for it (`sidecar.istio.io/inject: "true"`) are injected.
   * @default true
   */
  readonly enabled?: boolean;
  /** Pods whose labels match any of these are injected even without asking. @default [] */
  readonly alwaysInjectSelector?: InjectionLabelSelector[];
  /** Pods whose labels match any of these are never injected (wins over `alwaysInjectSelector`). @default [] */
  readonly neverInjectSelector?: InjectionLabelSelector[];
  /** Annotations istiod adds to every injected pod. @default {} */
  readonly injectedAnnotations?: Record<string, string>;
  /** Templates applied to pods without `inject.istio.io/templates`. @default ['sidecar'] */
  readonly defaultTemplates?: string[];
  /**
   * Rewrite application HTTP probes so kubelet reaches them through the agent (`sidecarInjectorWebhook.rewriteAppHTTPProbe`;
   * pods override it with `sidecar.istio.io/rewriteAppHTTPProbers`). Needed for probes under STRICT mTLS.
   * @default true
   */
  readonly rewriteAppHTTPProbe?: boolean;
  /**
   * Extra or replacement templates by name (Go text/template text run by istiod). A name equal to a
   * built-in (`sidecar`, `gateway`) replaces it.
   * @default {}
   */
  readonly templates?: Record<string, string>;
}
