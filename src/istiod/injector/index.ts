import { IConstruct } from 'constructs';
import { yaml } from '../../yaml';
import { deepMerge } from '../config-maps';
import {
  checkDnsSubdomain, checkInt, checkPort, fail, isCidr, isIP, isLabelKey, isLabelValue,
} from '../../validation';
import { IstioVersion } from '../../version';
import { ResourcePreset } from '../../workload';
import { InjectionLabelSelector, InjectionPolicyOptions, ProxyOptions, ProxyLogLevel, ProxyTracer } from './options';
import { builtinTemplates } from './templates';

export * from './options';
export { BUILTIN_TEMPLATES, builtinTemplateNames, builtinTemplates, injectionTemplatesDir, loadTemplate, templateFile } from './templates';

/** Everything the injector ConfigMap is built from, resolved by `Istiod`. */
export interface InjectorInput {
  readonly version: IstioVersion;
  /** Install namespace. */
  readonly namespace: string;
  /** Revision, undefined for the default revision. */
  readonly revision?: string;
  readonly trustDomain: string;
  readonly hub: string;
  readonly tag: string;
  readonly variant?: string;
  readonly proxy: ProxyOptions;
  readonly cni: boolean;
  /** Ambient mode (1.30): `pilot.cni.ambient.enabled` and `pilot.env.PILOT_ENABLE_AMBIENT`, as the ambient profile sets. @default false */
  readonly ambient?: boolean;
  /** undefined = the version's default (false on 1.20, auto on 1.30). */
  readonly nativeSidecars?: boolean;
  readonly policy: InjectionPolicyOptions;
  readonly clusterName: string;
  readonly meshId?: string;
  readonly network?: string;
  /** `istiod[-rev].<ns>.svc:15012` */
  readonly caAddress: string;
  /** Construct that owns the options; bad input errors name its path. @default - errors name "injector" */
  readonly scope?: IConstruct;
  /** Istio CNI provider; `multus` makes injection add the `default/istio-cni` network. @default 'default' */
  readonly cniProvider?: 'default' | 'multus';
  /** Image pull policy of the injected containers. @default - unset (Kubernetes default) */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Pull secrets added to injected pods. @default [] */
  readonly imagePullSecrets?: string[];
  /** Who signs workload certificates (`PILOT_CERT_PROVIDER`). @default 'istiod' */
  readonly pilotCertProvider?: string;
  /** Audience of the projected token the proxy presents to the CA (`global.sds.token.aud`). @default 'istio-ca' */
  readonly tokenAudience?: string;
}

const PROXY_LOG_LEVELS: readonly ProxyLogLevel[] = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'];
const TRACERS: readonly ProxyTracer[] = ['none', 'zipkin', 'datadog', 'lightstep', 'stackdriver', 'openCensusAgent'];
const COMPONENT_LOG_LEVELS = /^[a-z0-9_]+:(trace|debug|info|warning|error|critical|off)(,[a-z0-9_]+:(trace|debug|info|warning|error|critical|off))*$/;
const AGENT_LOG_LEVELS = /^[a-z0-9_.-]+:(none|fatal|error|warn|info|debug)(,[a-z0-9_.-]+:(none|fatal|error|warn|info|debug))*$/;
/** Ports the proxy itself listens on; the status port must not take one of them. */
const RESERVED_PROXY_PORTS = [15000, 15001, 15004, 15006, 15008, 15021, 15090];
/** A sentinel for `config.template`: Istio releases before the `templates` map try to parse it and fail loudly. */
export const LEGACY_TEMPLATE_SENTINEL = '{{ cdk8sIstioNeedsAnIstiodThatReadsTheTemplatesMap }}';

/** A fallback scope for error messages when `InjectorInput.scope` is not given. */
const NO_SCOPE = { node: { path: 'injector' } } as unknown as IConstruct;

/**
 * Builds the `config` (YAML text) and `values` (pretty JSON text) keys of `istio-sidecar-injector[-rev]`.
 *
 * Validates the options first and throws `IstioValidationError` naming `input.scope`'s path.
 * The output is deterministic: sorted keys below the top level, templates read from the package.
 */
export function renderInjectorData(input: InjectorInput): { config: string; values: string } {
  const scope = input.scope ?? NO_SCOPE;
  const values = buildValues(scope, input);
  const config = buildConfig(scope, input.version, input.policy ?? {});
  return { config, values: JSON.stringify(values, null, 2) };
}

// ---------------------------------------------------------------- values

function buildValues(scope: IConstruct, input: InjectorInput): Record<string, unknown> {
  const v = input.version;
  const proxy = input.proxy ?? {};
  const policy = input.policy ?? {};
  if (!input.hub) fail(scope, 'image.hub', input.hub, 'must be a registry and organisation such as "docker.io/istio"');
  if (!input.tag) fail(scope, 'image.tag', input.tag, 'must be an image tag such as "1.30.3"');
  if (input.cniProvider !== undefined && !['default', 'multus'].includes(input.cniProvider)) {
    fail(scope, 'cniProvider', input.cniProvider, 'must be "default" or "multus"');
  }
  if (input.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(input.imagePullPolicy)) {
    fail(scope, 'imagePullPolicy', input.imagePullPolicy, 'must be "Always", "IfNotPresent" or "Never"');
  }
  (input.imagePullSecrets ?? []).forEach((s, i) => checkDnsSubdomain(scope, `imagePullSecrets[${i}]`, s));

  // Keys no option sets keep the chart's defaults (IstioVersion.injectorGlobalDefaults); ours go over them.
  const global: Record<string, unknown> = deepMerge(v.injectorGlobalDefaults, {
    caAddress: input.caAddress === defaultCaAddress(input) ? '' : input.caAddress,
    hub: input.hub,
    imagePullPolicy: input.imagePullPolicy ?? '',
    imagePullSecrets: [...(input.imagePullSecrets ?? [])],
    istioNamespace: input.namespace,
    logAsJson: false,
    logging: { level: checkAgentLogLevel(scope, proxy.agentLogLevel ?? 'default:info') },
    meshID: input.meshId ?? '',
    // Upstream's values leave the cluster name empty unless set; istiod and the templates fall back to "Kubernetes".
    multiCluster: v.atLeast('1.30') ? { clusterName: input.clusterName } : { clusterName: input.clusterName, enabled: false },
    network: input.network ?? '',
    pilotCertProvider: input.pilotCertProvider ?? 'istiod',
    proxy: proxyValues(scope, input, proxy, policy),
    proxy_init: { image: checkImage(scope, 'proxy.initImage', proxy.initImage ?? 'proxyv2') },
    sds: { token: { aud: input.tokenAudience ?? 'istio-ca' } },
    tag: input.tag,
    variant: input.variant ?? '',
  });
  if (v.proxyEnvJwtPolicy) global.jwtPolicy = 'third-party-jwt';
  if (input.nativeSidecars !== undefined) global.nativeSidecars = input.nativeSidecars;
  if (proxy.nativeNftables !== undefined && !v.injectionNewInputs) {
    fail(scope, 'proxy.nativeNftables', proxy.nativeNftables, `is not available on Istio ${v.tag} (native nftables capture needs Istio 1.30)`);
  }
  if (v.injectionNewInputs) global.nativeNftables = proxy.nativeNftables ?? false;

  const webhook = {
    alwaysInjectSelector: checkSelectors(scope, 'injection.alwaysInjectSelector', policy.alwaysInjectSelector),
    defaultTemplates: [],
    enableNamespacesByDefault: false,
    injectedAnnotations: checkAnnotations(scope, 'injection.injectedAnnotations', policy.injectedAnnotations),
    neverInjectSelector: checkSelectors(scope, 'injection.neverInjectSelector', policy.neverInjectSelector),
    reinvocationPolicy: 'Never',
    rewriteAppHTTPProbe: policy.rewriteAppHTTPProbe ?? true,
    templateFeatures: templateFeatures(input),
    templates: {},
  };
  const revision = input.revision ?? '';
  const cniProvider = input.cniProvider ?? 'default';

  // Top-level layout per release line (facts §4); everything below is key-sorted.
  if (v.cniValuesPath === 'istio_cni') {
    return sortNested({
      global,
      istio_cni: { chained: true, enabled: input.cni, provider: cniProvider },
      revision,
      sidecarInjectorWebhook: webhook,
    });
  }
  const pilotEnv: Record<string, string> = {};
  if (input.nativeSidecars !== undefined) pilotEnv.ENABLE_NATIVE_SIDECARS = String(input.nativeSidecars);
  const pilotCni: Record<string, unknown> = { enabled: input.cni, provider: cniProvider };
  if (input.ambient) {
    pilotEnv.PILOT_ENABLE_AMBIENT = 'true';
    pilotCni.ambient = { enabled: true };
  }
  return sortNested({
    global,
    sidecarInjectorWebhook: webhook,
    revision,
    pilot: { cni: pilotCni, env: pilotEnv },
    // Pods istiod deploys for Gateway API Gateways and waypoints get the RuntimeDefault seccomp profile (upstream leaves it
    // unset), so they are admitted in namespaces enforcing Pod Security `restricted`, as ZeroTrustNamespace does with CNI
    gateways: { securityContext: {}, seccompProfile: { type: 'RuntimeDefault' } },
  });
}

/**
 * Switches the shared templates read to render the shape of this release line. These are
 * cdk8s-istio's own keys (istiod ignores unknown values), never Istio knobs.
 */
function templateFeatures(input: InjectorInput): Record<string, unknown> {
  const v = input.version;
  return {
    caCrlVolume: v.caCrlVolume,
    compliancePolicy: v.injectionNewInputs,
    inboundTrafficPolicyMode: v.injectionNewInputs,
    nativeSidecarAnnotation: v.injectionNewInputs,
    otelResourceAttributes: input.proxy?.otelResourceAttributes ?? false,
    rerouteVirtualInterfaces: v.injectionNewInputs,
    resourceFieldRefDivisor: v.resourceFieldRefDivisor,
    workloadNameLabel: v.injectionNewInputs,
  };
}

function proxyValues(scope: IConstruct, input: InjectorInput, proxy: ProxyOptions, policy: InjectionPolicyOptions): Record<string, unknown> {
  const preset = proxy.resources ?? ResourcePreset.proxyDefault();
  if (!(preset instanceof ResourcePreset)) {
    fail(scope, 'proxy.resources', preset, 'must be a ResourcePreset, e.g. ResourcePreset.proxyDefault() or ResourcePreset.raspberryPiSidecar()');
  }
  const logLevel = proxy.logLevel ?? 'warning';
  if (!PROXY_LOG_LEVELS.includes(logLevel)) {
    fail(scope, 'proxy.logLevel', logLevel, `must be one of ${PROXY_LOG_LEVELS.map((l) => `"${l}"`).join(', ')}`);
  }
  const componentLogLevel = proxy.componentLogLevel ?? 'misc:error';
  if (!COMPONENT_LOG_LEVELS.test(componentLogLevel)) {
    fail(scope, 'proxy.componentLogLevel', componentLogLevel, 'must be a comma list of <component>:<level> such as "misc:error,upstream:debug" (levels trace, debug, info, warning, error, critical, off)');
  }
  const tracer = proxy.tracer ?? input.version.proxyTracerDefault;
  if (!TRACERS.includes(tracer)) fail(scope, 'proxy.tracer', tracer, `must be one of ${TRACERS.map((t) => `"${t}"`).join(', ')}`);
  const statusPort = checkPort(scope, 'proxy.statusPort', proxy.statusPort ?? 15020);
  if (RESERVED_PROXY_PORTS.includes(statusPort)) {
    fail(scope, 'proxy.statusPort', statusPort, `must not be one of the proxy's own ports ${RESERVED_PROXY_PORTS.join(', ')}`);
  }
  const startup = proxy.startupProbe ?? {};
  const out: Record<string, unknown> = {
    autoInject: policy.enabled === false ? 'disabled' : 'enabled',
    clusterDomain: checkDnsSubdomain(scope, 'proxy.clusterDomain', proxy.clusterDomain ?? 'cluster.local'),
    componentLogLevel,
    excludeIPRanges: cidrList(scope, 'proxy.excludeIPRanges', proxy.excludeIPRanges ?? [], false),
    excludeInboundPorts: portList(scope, 'proxy.excludeInboundPorts', proxy.excludeInboundPorts ?? []),
    excludeOutboundPorts: portList(scope, 'proxy.excludeOutboundPorts', proxy.excludeOutboundPorts ?? []),
    // Only when set, as upstream's values (the templates read a missing key as false).
    holdApplicationUntilProxyStarts: proxy.holdApplicationUntilProxyStarts,
    image: checkImage(scope, 'proxy.image', proxy.image ?? 'proxyv2'),
    includeIPRanges: cidrList(scope, 'proxy.includeIPRanges', proxy.includeIPRanges ?? ['*'], true),
    includeInboundPorts: proxy.includeInboundPorts === undefined || proxy.includeInboundPorts === '*'
      ? '*' : portList(scope, 'proxy.includeInboundPorts', proxy.includeInboundPorts),
    includeOutboundPorts: portList(scope, 'proxy.includeOutboundPorts', proxy.includeOutboundPorts ?? []),
    logLevel,
    privileged: proxy.privileged ?? false,
    readinessFailureThreshold: checkInt(scope, 'proxy.readinessFailureThreshold', proxy.readinessFailureThreshold ?? 4, 1),
    readinessInitialDelaySeconds: checkInt(scope, 'proxy.readinessInitialDelaySeconds', proxy.readinessInitialDelaySeconds ?? 0, 0),
    readinessPeriodSeconds: checkInt(scope, 'proxy.readinessPeriodSeconds', proxy.readinessPeriodSeconds ?? 15, 1),
    resources: preset.render(scope, 'proxy.resources'),
    startupProbe: {
      enabled: startup.enabled ?? true,
      failureThreshold: checkInt(scope, 'proxy.startupProbe.failureThreshold', startup.failureThreshold ?? 600, 1),
    },
    statusPort,
    tracer,
  };
  if (input.version.enableCoreDumpAnnotation) {
    out.enableCoreDump = proxy.enableCoreDump ?? false;
  } else if (proxy.enableCoreDump !== undefined) {
    fail(scope, 'proxy.enableCoreDump', proxy.enableCoreDump, `is not available on Istio ${input.version.tag} (core-dump injection was removed after 1.20)`);
  }
  return out;
}

function defaultCaAddress(input: InjectorInput): string {
  return `istiod${input.revision ? `-${input.revision}` : ''}.${input.namespace}.svc:15012`;
}

function checkImage(scope: IConstruct, field: string, image: string): string {
  if (typeof image !== 'string' || !/^[a-z0-9][a-zA-Z0-9._/:@-]*$/.test(image)) {
    fail(scope, field, image, 'must be an image name such as "proxyv2", or a full reference such as "registry.example.com/istio/proxyv2:1.30.3"');
  }
  return image;
}

function checkAgentLogLevel(scope: IConstruct, level: string): string {
  if (!AGENT_LOG_LEVELS.test(level)) {
    fail(scope, 'proxy.agentLogLevel', level, 'must be a comma list of <scope>:<level> such as "default:info" (levels none, fatal, error, warn, info, debug)');
  }
  return level;
}

function cidrList(scope: IConstruct, field: string, list: string[], allowStar: boolean): string {
  if (!Array.isArray(list)) fail(scope, field, list, 'must be a list of CIDR blocks');
  if (allowStar && list.length === 1 && list[0] === '*') return '*';
  list.forEach((c, i) => {
    if (!isCidr(c) && !isIP(c)) {
      fail(scope, `${field}[${i}]`, c, `must be a CIDR block such as "10.0.0.0/8" or an IP address${allowStar ? ', or "*" alone for all' : ''}`);
    }
  });
  return list.join(',');
}

function portList(scope: IConstruct, field: string, list: number[]): string {
  if (!Array.isArray(list)) fail(scope, field, list, 'must be a list of port numbers (1-65535)');
  list.forEach((p, i) => checkPort(scope, `${field}[${i}]`, p));
  return list.join(',');
}

function checkSelectors(scope: IConstruct, field: string, selectors: InjectionLabelSelector[] | undefined): unknown[] {
  return (selectors ?? []).map((s, i) => {
    const f = `${field}[${i}]`;
    if (!s || (!s.matchLabels && !s.matchExpressions)) fail(scope, f, s, 'must have matchLabels or matchExpressions (an empty selector would match every pod)');
    const out: Record<string, unknown> = {};
    if (s.matchLabels) {
      for (const [k, val] of Object.entries(s.matchLabels)) {
        if (!isLabelKey(k)) fail(scope, `${f}.matchLabels key`, k, 'must be a label key');
        if (!isLabelValue(val)) fail(scope, `${f}.matchLabels.${k}`, val, 'must be a label value');
      }
      out.matchLabels = { ...s.matchLabels };
    }
    if (s.matchExpressions) {
      out.matchExpressions = s.matchExpressions.map((e, j) => {
        const ef = `${f}.matchExpressions[${j}]`;
        if (!isLabelKey(e.key)) fail(scope, `${ef}.key`, e.key, 'must be a label key');
        if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) {
          fail(scope, `${ef}.operator`, e.operator, 'must be "In", "NotIn", "Exists" or "DoesNotExist"');
        }
        const needsValues = e.operator === 'In' || e.operator === 'NotIn';
        if (needsValues && !(e.values && e.values.length)) fail(scope, `${ef}.values`, e.values, `must list at least one value for operator ${e.operator}`);
        if (!needsValues && e.values && e.values.length) fail(scope, `${ef}.values`, e.values, `must be empty for operator ${e.operator}`);
        return needsValues ? { key: e.key, operator: e.operator, values: [...e.values!] } : { key: e.key, operator: e.operator };
      });
    }
    return out;
  });
}

function checkAnnotations(scope: IConstruct, field: string, annotations: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(annotations ?? {})) {
    if (!isLabelKey(k)) fail(scope, `${field} key`, k, 'must be an annotation key: an optional DNS subdomain prefix and "/", then a name');
    if (typeof val !== 'string') fail(scope, `${field}.${k}`, val, 'must be a string');
    out[k] = val;
  }
  return out;
}

// ---------------------------------------------------------------- config

function buildConfig(scope: IConstruct, version: IstioVersion, policy: InjectionPolicyOptions): string {
  // Every template istiod of this release asks for by name (facts §10), then the user's, which may replace them.
  const templates: Record<string, string> = Object.fromEntries(builtinTemplates(version));
  for (const [name, text] of Object.entries(policy.templates ?? {})) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      fail(scope, 'injection.templates key', name, 'must be a template name: lower-case letters, digits and "-"');
    }
    if (typeof text !== 'string' || text.trim() === '') fail(scope, `injection.templates.${name}`, text, 'must be non-empty Go template text');
    templates[name] = text;
  }
  const defaultTemplates = policy.defaultTemplates ?? ['sidecar'];
  if (!Array.isArray(defaultTemplates) || defaultTemplates.length === 0) {
    fail(scope, 'injection.defaultTemplates', defaultTemplates, 'must name at least one template');
  }
  defaultTemplates.forEach((t, i) => {
    if (!(t in templates)) {
      fail(scope, `injection.defaultTemplates[${i}]`, t, `must be one of the templates: ${Object.keys(templates).map((n) => `"${n}"`).join(', ')}`);
    }
  });
  const config = {
    defaultTemplates: [...defaultTemplates],
    policy: policy.enabled === false ? 'disabled' : 'enabled',
    alwaysInjectSelector: checkSelectors(scope, 'injection.alwaysInjectSelector', policy.alwaysInjectSelector),
    neverInjectSelector: checkSelectors(scope, 'injection.neverInjectSelector', policy.neverInjectSelector),
    injectedAnnotations: checkAnnotations(scope, 'injection.injectedAnnotations', policy.injectedAnnotations),
    template: LEGACY_TEMPLATE_SENTINEL,
    templates,
  };
  // YAML 1.1, as istiod reads it (an unquoted `y` would be a boolean there)
  return yaml().stringify(config, { blockQuote: 'literal', lineWidth: 0, version: '1.1' });
}

// ---------------------------------------------------------------- helpers

/** Sorts the keys of every nested object (the top level keeps its order). */
function sortNested(top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(top)) out[k] = sortDeep(val);
  return out;
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortDeep((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
