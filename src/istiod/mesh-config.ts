/**
 * Typed mesh configuration (the `mesh` key of the `istio[-<rev>]` ConfigMap) and its rendering.
 */
import { IConstruct } from 'constructs';
import { yaml } from '../yaml';
import { unknownKey } from '../resource/keys';
import { checkDuration, checkHost, checkInt, checkList, checkObject, checkPort, fail, isDnsLabel, isDnsSubdomain } from '../validation';
import { IstioVersion } from '../version';

/** Outbound traffic policy of the mesh. */
export type OutboundTrafficPolicyMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** Tracing defaults of every proxy (`defaultConfig.tracing`). */
export interface TracingDefaults {
  /** Percentage of requests traced, from 0 to 100. @default - Istio's default (1) */
  readonly sampling?: number;
  /**
   * Zipkin collector address `host:port`.
   * @default - Istio 1.20: `zipkin.<namespace>:9411`; Istio 1.30: none
   */
  readonly zipkinAddress?: string;
}

/** Proxy defaults applied to every workload (`defaultConfig`). */
export interface ProxyConfigDefaults {
  /** Start the application container only after the proxy is ready. @default false */
  readonly holdApplicationUntilProxyStarts?: boolean;
  /** Extra `proxyMetadata` entries (environment of the proxy). Keys must be environment variable names. @default - none */
  readonly proxyMetadata?: Record<string, string>;
  /**
   * Tracing defaults, or `false` for no `tracing` block at all (drops the zipkin address Istio 1.20 sets by default).
   * @default - the version's default
   */
  readonly tracing?: TracingDefaults | false;
}

/** Metrics provider exposing Prometheus stats. */
export interface PrometheusProvider {
  readonly type: 'prometheus';
  /** Provider name, referenced from `defaultProviders` and Telemetry resources. */
  readonly name: string;
}

/** Zipkin tracer. */
export interface ZipkinProvider {
  readonly type: 'zipkin';
  /** Provider name. */
  readonly name: string;
  /** Collector host, e.g. `zipkin.istio-system.svc.cluster.local`. */
  readonly service: string;
  /** Collector port (1-65535). */
  readonly port: number;
  /** Maximum tag length. @default - Istio's default (256) */
  readonly maxTagLength?: number;
}

/** OpenTelemetry tracer (OTLP gRPC). */
export interface OpenTelemetryProvider {
  readonly type: 'opentelemetry';
  /** Provider name. */
  readonly name: string;
  /** Collector host, e.g. `otel-collector.observability.svc.cluster.local`. */
  readonly service: string;
  /** Collector port (1-65535), e.g. 4317. */
  readonly port: number;
}

/** Envoy access log written to a file (or `/dev/stdout`). */
export interface EnvoyFileAccessLogProvider {
  readonly type: 'envoyFileAccessLog';
  /** Provider name. */
  readonly name: string;
  /** Absolute path of the log file. @default '/dev/stdout' */
  readonly path?: string;
}

/** What an external authorizer receives of the request body (`includeRequestBodyInCheck`). */
export interface ExtAuthzRequestBody {
  /** Most bytes of the body sent. @default - Envoy's default */
  readonly maxRequestBytes?: number;
  /** Send a partial body when it exceeds maxRequestBytes (instead of answering 413). @default false */
  readonly allowPartialMessage?: boolean;
  /** Send the body as raw bytes (gRPC only) instead of UTF-8 text. @default false */
  readonly packAsBytes?: boolean;
}

/** Options shared by the HTTP and gRPC external authorizers. */
interface ExtAuthzCommon {
  /** Provider name, referenced by `ZeroTrustNamespace.custom({ provider })` and CUSTOM AuthorizationPolicies. */
  readonly name: string;
  /** Authorizer host, e.g. `ext-authz.auth.svc.cluster.local`. */
  readonly service: string;
  /** Authorizer port (1-65535). */
  readonly port: number;
  /** Timeout of a check, e.g. `500ms`. @default - Istio's default (600s) */
  readonly timeout?: string;
  /** Allow the request when the authorizer cannot be reached. @default false */
  readonly failOpen?: boolean;
  /** HTTP status returned when the authorizer fails (as a string, e.g. `"503"`). @default - Istio's default (403) */
  readonly statusOnError?: string;
  /** Send the request body too. @default - no body */
  readonly includeRequestBodyInCheck?: ExtAuthzRequestBody;
}

/** An external authorizer called over HTTP (Envoy's ext_authz filter), for CUSTOM authorization. */
export interface EnvoyExtAuthzHttpProvider extends ExtAuthzCommon {
  readonly type: 'envoyExtAuthzHttp';
  /** Prefix of the check request's path. @default - the original path */
  readonly pathPrefix?: string;
  /** Request headers sent to the authorizer (exact names or prefix/suffix with `*`). @default - Istio's default set */
  readonly includeRequestHeadersInCheck?: string[];
  /** Authorizer response headers added to the allowed request. @default - none */
  readonly headersToUpstreamOnAllow?: string[];
  /** Authorizer response headers sent back on a denial. @default - all */
  readonly headersToDownstreamOnDeny?: string[];
}

/** An external authorizer called over gRPC (Envoy's ext_authz filter), for CUSTOM authorization. */
export interface EnvoyExtAuthzGrpcProvider extends ExtAuthzCommon {
  readonly type: 'envoyExtAuthzGrpc';
}

/** An entry of `extensionProviders`. */
export type ExtensionProvider = PrometheusProvider | ZipkinProvider | OpenTelemetryProvider | EnvoyFileAccessLogProvider
| EnvoyExtAuthzHttpProvider | EnvoyExtAuthzGrpcProvider;

/** Providers used when no Telemetry resource says otherwise (`defaultProviders`). */
export interface DefaultProviders {
  /** Metrics providers. @default ['prometheus'] */
  readonly metrics?: string[];
  /** Tracing providers. @default - none */
  readonly tracing?: string[];
  /** Access-logging providers. @default - none */
  readonly accessLogging?: string[];
}

/** Typed MeshConfig. Every field defaults to what Istio's chart renders for the chosen version. */
export interface MeshConfigOptions {
  /** SPIFFE trust domain (a DNS name). @default 'cluster.local' */
  readonly trustDomain?: string;
  /** Envoy access log path, e.g. `/dev/stdout`. @default - access logging off */
  readonly accessLogFile?: string;
  /** Access log encoding. @default - Istio default (TEXT) */
  readonly accessLogEncoding?: 'TEXT' | 'JSON';
  /** Outbound traffic policy. @default 'ALLOW_ANY' (Istio's default; not written unless set) */
  readonly outboundTrafficPolicy?: OutboundTrafficPolicyMode;
  /** Merge application metrics into the proxy's Prometheus endpoint. @default true */
  readonly enablePrometheusMerge?: boolean;
  /** Turn on tracing (`enableTracing`). @default - Istio default (not written) */
  readonly enableTracing?: boolean;
  /** Proxy defaults. `discoveryAddress` is always this control plane's. @default - Istio defaults */
  readonly defaultConfig?: ProxyConfigDefaults;
  /** Extension providers (tracers, metrics, access logs) that Telemetry resources can name. @default - none */
  readonly extensionProviders?: ExtensionProvider[];
  /**
   * Default providers; each entry must name an `extensionProviders` entry or a built-in provider
   * (`prometheus`, `stackdriver`, `envoy`). Given keys replace the default's keys.
   * @default { metrics: ['prometheus'] }
   */
  readonly defaultProviders?: DefaultProviders;
  /** Namespace whose policies apply mesh-wide. @default - the install namespace */
  readonly rootNamespace?: string;
}

/** Providers every istiod knows without an `extensionProviders` entry. */
const BUILT_IN_PROVIDERS = ['prometheus', 'stackdriver', 'envoy'];
const PROVIDER_TYPES = ['prometheus', 'zipkin', 'opentelemetry', 'envoyFileAccessLog', 'envoyExtAuthzHttp', 'envoyExtAuthzGrpc'];

/** The keys each provider type takes (a key of another type is refused, not dropped). */
const PROVIDER_KEYS: Record<ExtensionProvider['type'], readonly string[]> = {
  prometheus: ['type', 'name'],
  envoyFileAccessLog: ['type', 'name', 'path'],
  zipkin: ['type', 'name', 'service', 'port', 'maxTagLength'],
  opentelemetry: ['type', 'name', 'service', 'port'],
  envoyExtAuthzHttp: ['type', 'name', 'service', 'port', 'timeout', 'failOpen', 'statusOnError', 'includeRequestBodyInCheck', 'pathPrefix',
    'includeRequestHeadersInCheck', 'headersToUpstreamOnAllow', 'headersToDownstreamOnDeny'],
  envoyExtAuthzGrpc: ['type', 'name', 'service', 'port', 'timeout', 'failOpen', 'statusOnError', 'includeRequestBodyInCheck'],
};
const PROVIDER_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** What the mesh config is rendered for. @internal */
export interface MeshConfigContext {
  readonly version: IstioVersion;
  /** Install namespace. */
  readonly namespace: string;
  /** `istiod[-rev].<ns>.svc:15012`. */
  readonly discoveryAddress: string;
  /** Mesh ID (`defaultConfig.meshId`), when set. */
  readonly meshId?: string;
  /** Ambient mode: proxies speak HBONE (`ISTIO_META_ENABLE_HBONE`) and the `istio.io/global` service scope is set, as upstream's ambient profile does. */
  readonly ambient?: boolean;
  /** Image variant of the proxies (`defaultConfig.image.imageType`), when set. */
  readonly variant?: string;
}

/** A validated mesh config: the values other constructs need, and the two ConfigMap keys. @internal */
export interface ResolvedMeshConfig {
  readonly trustDomain: string;
  readonly rootNamespace: string;
  readonly outboundTrafficPolicy: OutboundTrafficPolicyMode;
  /** The mesh config as data (what `meshText` serializes). */
  readonly mesh: Record<string, unknown>;
  /** The `mesh` key: YAML text, keys sorted. */
  readonly meshText: string;
  /** The `meshNetworks` key. */
  readonly meshNetworksText: string;
}

/** True for an environment variable name Kubernetes accepts (`[-._a-zA-Z][-._a-zA-Z0-9]*`). @internal */
export function isEnvName(name: string): boolean {
  return typeof name === 'string' && ENV_NAME.test(name);
}

/** Validates `opts` (reporting fields under `field`) and renders the mesh config for `ctx`. @internal */
export function resolveMeshConfig(scope: IConstruct, field: string, opts: MeshConfigOptions = {}, ctx: MeshConfigContext): ResolvedMeshConfig {
  const f = (name: string) => `${field}.${name}`;
  checkObject(scope, field, opts, 'must be MeshConfigOptions (an object) or omitted');
  checkObject(scope, f('defaultConfig'), opts.defaultConfig, 'must be proxy defaults (an object)');
  checkObject(scope, f('defaultProviders'), opts.defaultProviders, 'must be default providers { metrics, tracing, accessLogging }');
  checkList(scope, f('extensionProviders'), opts.extensionProviders, 'must be a list of extension providers');

  const trustDomain = opts.trustDomain ?? 'cluster.local';
  if (!isDnsSubdomain(trustDomain)) {
    fail(scope, f('trustDomain'), trustDomain, 'must be a DNS name such as "cluster.local" or "example.org": lower-case letters, digits, "-" and "."');
  }
  const rootNamespace = opts.rootNamespace ?? ctx.namespace;
  if (!isDnsLabel(rootNamespace)) {
    fail(scope, f('rootNamespace'), rootNamespace, 'must be a namespace name (DNS-1123 label)');
  }
  const outbound = opts.outboundTrafficPolicy;
  if (outbound !== undefined && outbound !== 'ALLOW_ANY' && outbound !== 'REGISTRY_ONLY') {
    fail(scope, f('outboundTrafficPolicy'), outbound, 'must be "ALLOW_ANY" or "REGISTRY_ONLY"');
  }
  if (opts.accessLogFile !== undefined && !/^\/[^\s]*$/.test(opts.accessLogFile)) {
    fail(scope, f('accessLogFile'), opts.accessLogFile, 'must be an absolute path without spaces, e.g. "/dev/stdout"');
  }
  if (opts.accessLogEncoding !== undefined && opts.accessLogEncoding !== 'TEXT' && opts.accessLogEncoding !== 'JSON') {
    fail(scope, f('accessLogEncoding'), opts.accessLogEncoding, 'must be "TEXT" or "JSON"');
  }

  const mesh: Record<string, unknown> = {
    defaultConfig: renderDefaultConfig(scope, f('defaultConfig'), opts.defaultConfig ?? {}, ctx),
    defaultProviders: undefined,
    enablePrometheusMerge: opts.enablePrometheusMerge ?? true,
    rootNamespace,
    trustDomain,
  };
  if (opts.accessLogFile !== undefined) mesh.accessLogFile = opts.accessLogFile;
  if (opts.accessLogEncoding !== undefined) mesh.accessLogEncoding = opts.accessLogEncoding;
  if (outbound !== undefined) mesh.outboundTrafficPolicy = { mode: outbound };
  if (opts.enableTracing !== undefined) mesh.enableTracing = opts.enableTracing;
  if (ctx.ambient) {
    // services labelled istio.io/global=true are reachable across clusters (the ambient profile's scope)
    mesh.serviceScopeConfigs = [{
      scope: 'GLOBAL',
      servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] },
    }];
  }

  const declared = new Set<string>();
  if (opts.extensionProviders !== undefined) {
    mesh.extensionProviders = opts.extensionProviders.map((p, i) => renderProvider(scope, `${f('extensionProviders')}[${i}]`, p, declared));
  }
  mesh.defaultProviders = renderDefaultProviders(scope, f('defaultProviders'), opts.defaultProviders ?? {}, declared);

  return {
    trustDomain,
    rootNamespace,
    outboundTrafficPolicy: outbound ?? 'ALLOW_ANY',
    mesh: dropUndefined(mesh) as Record<string, unknown>,
    meshText: toYamlText(mesh),
    meshNetworksText: toYamlText({ networks: {} }),
  };
}

/**
 * YAML text with sorted keys and unindented sequences (the layout Helm's `toYaml` produces), in YAML 1.1: istiod
 * reads it with a YAML 1.1 parser, which would take an unquoted `y`, `n`, `on` or `off` for a boolean. @internal
 */
export function toYamlText(value: unknown): string {
  return yaml().stringify(dropUndefined(value), { sortMapEntries: true, indentSeq: false, lineWidth: 0, version: '1.1' });
}

function dropUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropUndefined);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = dropUndefined(x);
    return out;
  }
  return v;
}

function renderDefaultConfig(scope: IConstruct, field: string, d: ProxyConfigDefaults, ctx: MeshConfigContext): Record<string, unknown> {
  const out: Record<string, unknown> = { discoveryAddress: ctx.discoveryAddress };
  if (ctx.variant) out.image = { imageType: ctx.variant };
  if (d.holdApplicationUntilProxyStarts !== undefined) out.holdApplicationUntilProxyStarts = d.holdApplicationUntilProxyStarts;
  if (ctx.meshId !== undefined) out.meshId = ctx.meshId;
  if (d.proxyMetadata !== undefined) {
    checkObject(scope, `${field}.proxyMetadata`, d.proxyMetadata, 'must be an object of environment variables');
    for (const [k, v] of Object.entries(d.proxyMetadata)) {
      if (!isEnvName(k)) fail(scope, `${field}.proxyMetadata key`, k, 'must be an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit');
      if (typeof v !== 'string') fail(scope, `${field}.proxyMetadata.${k}`, v, 'must be a string');
    }
    out.proxyMetadata = { ...d.proxyMetadata };
  }
  if (ctx.ambient) {
    const given = d.proxyMetadata?.ISTIO_META_ENABLE_HBONE;
    if (given !== undefined && given !== 'true') {
      fail(scope, `${field}.proxyMetadata.ISTIO_META_ENABLE_HBONE`, given, 'conflicts with ambient mode, where proxies speak HBONE ("true"); leave it unset');
    }
    out.proxyMetadata = { ...d.proxyMetadata, ISTIO_META_ENABLE_HBONE: 'true' };
  }
  const tracing = renderTracing(scope, `${field}.tracing`, d.tracing, ctx);
  if (tracing) out.tracing = tracing;
  return out;
}

function renderTracing(scope: IConstruct, field: string, t: TracingDefaults | false | undefined, ctx: MeshConfigContext): Record<string, unknown> | undefined {
  if (t === false) return undefined;
  const out: Record<string, unknown> = {};
  if (t?.sampling !== undefined) {
    if (typeof t.sampling !== 'number' || !(t.sampling >= 0 && t.sampling <= 100)) {
      fail(scope, `${field}.sampling`, t.sampling, 'must be a percentage from 0 to 100');
    }
    out.sampling = t.sampling;
  }
  const zipkin = t?.zipkinAddress ?? (ctx.version.zipkinInMeshConfig ? `zipkin.${ctx.namespace}:9411` : undefined);
  if (zipkin !== undefined) {
    const m = /^(.+):([0-9]+)$/.exec(zipkin);
    if (!m) fail(scope, `${field}.zipkinAddress`, zipkin, 'must be "host:port", e.g. "zipkin.istio-system:9411"');
    checkHost(scope, `${field}.zipkinAddress`, m[1], { allowWildcard: false });
    checkPort(scope, `${field}.zipkinAddress port`, Number(m[2]));
    out.zipkin = { address: zipkin };
  }
  return Object.keys(out).length ? out : undefined;
}

function renderProvider(scope: IConstruct, field: string, p: ExtensionProvider, declared: Set<string>): Record<string, unknown> {
  if (!p || !PROVIDER_TYPES.includes(p.type)) {
    fail(scope, `${field}.type`, p?.type, `must be one of ${PROVIDER_TYPES.map((t) => `"${t}"`).join(', ')}`);
  }
  if (typeof p.name !== 'string' || !PROVIDER_NAME.test(p.name)) {
    fail(scope, `${field}.name`, p.name, 'must be a provider name: letters, digits, "-", "_" and ".", starting and ending with a letter or digit');
  }
  if (declared.has(p.name)) fail(scope, `${field}.name`, p.name, 'extension provider names must be unique');
  declared.add(p.name);
  for (const key of Object.keys(p)) {
    if (!PROVIDER_KEYS[p.type].includes(key)) unknownKey(scope, field, key, PROVIDER_KEYS[p.type], `of a ${p.type} provider`);
  }
  switch (p.type) {
    case 'prometheus':
      return { name: p.name, prometheus: {} };
    case 'envoyFileAccessLog': {
      const path = p.path ?? '/dev/stdout';
      if (!/^\/[^\s]*$/.test(path)) fail(scope, `${field}.path`, path, 'must be an absolute path without spaces, e.g. "/dev/stdout"');
      return { name: p.name, envoyFileAccessLog: { path } };
    }
    case 'zipkin': {
      const body: Record<string, unknown> = collector(scope, field, p.service, p.port);
      if (p.maxTagLength !== undefined) body.maxTagLength = checkInt(scope, `${field}.maxTagLength`, p.maxTagLength, 1);
      return { name: p.name, zipkin: body };
    }
    case 'opentelemetry':
      return { name: p.name, opentelemetry: collector(scope, field, p.service, p.port) };
    case 'envoyExtAuthzHttp':
    case 'envoyExtAuthzGrpc':
      return { name: p.name, [p.type]: renderExtAuthz(scope, field, p) };
  }
}

function renderExtAuthz(scope: IConstruct, field: string, p: EnvoyExtAuthzHttpProvider | EnvoyExtAuthzGrpcProvider): Record<string, unknown> {
  const body: Record<string, unknown> = collector(scope, field, p.service, p.port);
  if (p.timeout !== undefined) body.timeout = checkDuration(scope, `${field}.timeout`, p.timeout);
  if (p.failOpen !== undefined) body.failOpen = p.failOpen;
  if (p.statusOnError !== undefined) {
    if (!/^[1-5][0-9]{2}$/.test(p.statusOnError)) fail(scope, `${field}.statusOnError`, p.statusOnError, 'must be an HTTP status code as a string, e.g. "503"');
    body.statusOnError = p.statusOnError;
  }
  const rb = p.includeRequestBodyInCheck;
  if (rb !== undefined) {
    for (const key of Object.keys(rb)) {
      if (!['maxRequestBytes', 'allowPartialMessage', 'packAsBytes'].includes(key)) {
        unknownKey(scope, `${field}.includeRequestBodyInCheck`, key, ['maxRequestBytes', 'allowPartialMessage', 'packAsBytes']);
      }
    }
    if (rb.packAsBytes !== undefined && p.type === 'envoyExtAuthzHttp') {
      fail(scope, `${field}.includeRequestBodyInCheck.packAsBytes`, rb.packAsBytes, 'is for gRPC authorizers only (envoyExtAuthzGrpc)');
    }
    body.includeRequestBodyInCheck = {
      ...(rb.maxRequestBytes !== undefined ? { maxRequestBytes: checkInt(scope, `${field}.includeRequestBodyInCheck.maxRequestBytes`, rb.maxRequestBytes, 1, 4294967295) } : {}),
      ...(rb.allowPartialMessage !== undefined ? { allowPartialMessage: rb.allowPartialMessage } : {}),
      ...(rb.packAsBytes !== undefined ? { packAsBytes: rb.packAsBytes } : {}),
    };
  }
  if (p.type === 'envoyExtAuthzHttp') {
    if (p.pathPrefix !== undefined && !/^\/\S*$/.test(p.pathPrefix)) fail(scope, `${field}.pathPrefix`, p.pathPrefix, 'must be a path starting with "/"');
    if (p.pathPrefix !== undefined) body.pathPrefix = p.pathPrefix;
    for (const key of ['includeRequestHeadersInCheck', 'headersToUpstreamOnAllow', 'headersToDownstreamOnDeny'] as const) {
      const list = p[key];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.length === 0) fail(scope, `${field}.${key}`, list, 'must be a non-empty list of header names when given');
      list.forEach((h, i) => {
        if (typeof h !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z:]+$/.test(h)) fail(scope, `${field}.${key}[${i}]`, h, 'must be a header name (optionally with a leading or trailing "*")');
      });
      body[key] = [...list];
    }
  }
  return body;
}

function collector(scope: IConstruct, field: string, service: string, port: number): Record<string, unknown> {
  checkHost(scope, `${field}.service`, service, { allowWildcard: false });
  checkPort(scope, `${field}.port`, port);
  return { port, service };
}

function renderDefaultProviders(scope: IConstruct, field: string, d: DefaultProviders, declared: Set<string>): Record<string, string[]> {
  const merged: Record<string, string[] | undefined> = { metrics: ['prometheus'], ...d };
  const out: Record<string, string[]> = {};
  for (const key of ['accessLogging', 'metrics', 'tracing'] as const) {
    const list = merged[key];
    if (list === undefined) continue;
    checkList(scope, `${field}.${key}`, list, 'must be a list of provider names');
    list.forEach((name, i) => {
      if (!declared.has(name) && !BUILT_IN_PROVIDERS.includes(name)) {
        const known = [...declared, ...BUILT_IN_PROVIDERS].map((n) => `"${n}"`).join(', ');
        fail(scope, `${field}.${key}[${i}]`, name, `must name an extensionProviders entry or a built-in provider (${known})`);
      }
    });
    out[key] = [...list];
  }
  return out;
}
