import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { TelemetrySpec, TelemetrySpecMetricProvider } from '../resource/specs.generated';
import { checkPolicyTargeting } from '../security/policy-target';
import { checkTargetNamespaces } from '../security/policy-target-ref';
import { checkDuration, fail } from '../validation';
import { celSyntaxError } from './cel-syntax';

/** Props of {@link Telemetry}. */
export interface TelemetryProps extends IstioResourceProps<TelemetrySpec> {}

/**
 * An Istio `Telemetry` (telemetry.istio.io): which metrics, traces and access logs the proxies of the mesh, a
 * namespace or selected workloads produce, and for which providers. Providers are named: `prometheus` and `envoy`
 * (access logs to stdout) are built in, others are the `extensionProviders` of the mesh config (`otel`, `zipkin`,
 * ...). A Telemetry in the mesh root namespace without a selector is the mesh-wide default
 * (`namespace: { istiod, name: istiod.rootNamespace }`).
 *
 * The spec is Istio's, field for field; it is checked against the release's CRD schema (at 1.20 the apiVersion is
 * telemetry.istio.io/v1alpha1, at 1.30 v1) and the rules Istio's validating webhook applies: provider names,
 * tracing `randomSamplingPercentage` from 0 to 100, custom tags with their value, metric overrides (a custom metric
 * name, tag overrides with a value for UPSERT and none for REMOVE), reporting intervals, access-log filter
 * expressions that parse as CEL, and one of `selector` / `targetRef` / `targetRefs`.
 *
 * @example
 * // mesh-wide: access logs to the OpenTelemetry collector, only for failed requests
 * new Telemetry(chart, 'mesh-logging', {
 *   namespace: { istiod, name: istiod.rootNamespace },
 *   spec: {
 *     accessLogging: [{ providers: [{ name: 'otel' }], filter: { expression: 'response.code >= 400' } }],
 *   },
 * });
 * // namespace bookinfo: trace 10% of requests, drop a tag from the request count
 * new Telemetry(chart, 'bookinfo-telemetry', {
 *   namespace: { istiod, name: 'bookinfo' },
 *   spec: {
 *     tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 10 }],
 *     metrics: [{
 *       providers: [{ name: 'prometheus' }],
 *       overrides: [{ match: { metric: 'REQUEST_COUNT', mode: 'CLIENT_AND_SERVER' }, tagOverrides: { request_protocol: { operation: 'REMOVE' } } }],
 *     }],
 *   },
 * });
 */
export class Telemetry extends IstioResource<TelemetrySpec> {
  public constructor(scope: Construct, id: string, props: TelemetryProps) {
    super(scope, id, 'Telemetry', props, checkTelemetry);
    checkTargetNamespaces(this, props.spec, this.namespace);
  }

  /** The provider names the Telemetry refers to (metrics, tracing, access logging), sorted, each once. */
  public get providerNames(): string[] {
    const s = this.spec;
    const all = [...(s.metrics ?? []), ...(s.tracing ?? []), ...(s.accessLogging ?? [])].flatMap((x) => (x.providers ?? []).map((p) => p.name));
    return [...new Set(all)].sort();
  }
}

function checkTelemetry(scope: Construct, spec: TelemetrySpec, ctx: IstioRuleContext): void {
  checkPolicyTargeting(scope, spec, ctx.version);
  (spec.metrics ?? []).forEach((m, i) => {
    const at = `spec.metrics[${i}]`;
    checkProviders(scope, `${at}.providers`, m.providers);
    if (m.reportingInterval !== undefined) checkDuration(scope, `${at}.reportingInterval`, m.reportingInterval);
    (m.overrides ?? []).forEach((o, j) => {
      const ov = `${at}.overrides[${j}]`;
      if (o.match?.customMetric !== undefined && o.match.customMetric === '') {
        fail(scope, `${ov}.match.customMetric`, o.match.customMetric, 'must name the custom metric (or use `metric` for a standard one)');
      }
      for (const [tag, t] of Object.entries(o.tagOverrides ?? {})) {
        if (tag === '') fail(scope, `${ov}.tagOverrides`, tag, 'must not have an empty tag name');
        const op = t.operation ?? 'UPSERT';
        if (op === 'UPSERT' && !t.value) {
          fail(scope, `${ov}.tagOverrides.${tag}.value`, t.value, 'must be set for operation UPSERT (the default): a CEL expression giving the tag\'s value, e.g. "request.host"; use operation REMOVE to drop the tag');
        }
        if (op === 'REMOVE' && t.value !== undefined) {
          fail(scope, `${ov}.tagOverrides.${tag}.value`, t.value, 'must be left out for operation REMOVE (a removed tag has no value)');
        }
      }
    });
  });
  (spec.tracing ?? []).forEach((t, i) => {
    const at = `spec.tracing[${i}]`;
    checkProviders(scope, `${at}.providers`, t.providers);
    const pct = t.randomSamplingPercentage;
    if (pct !== undefined && (typeof pct !== 'number' || !Number.isFinite(pct) || pct < 0 || pct > 100)) {
      fail(scope, `${at}.randomSamplingPercentage`, pct, 'must be a percentage from 0 to 100 (fractions allowed, e.g. 0.5)');
    }
    for (const [name, tag] of Object.entries(t.customTags ?? {})) {
      const ct = `${at}.customTags.${name}`;
      if (name === '') fail(scope, `${at}.customTags`, name, 'must not have an empty tag name');
      if (tag.literal && !tag.literal.value) fail(scope, `${ct}.literal.value`, tag.literal.value, 'must be the non-empty value of the tag');
      if (tag.header && !tag.header.name) fail(scope, `${ct}.header.name`, tag.header.name, 'must name the request header the tag is read from');
      if (tag.environment && !tag.environment.name) fail(scope, `${ct}.environment.name`, tag.environment.name, 'must name the proxy\'s environment variable the tag is read from');
    }
  });
  (spec.accessLogging ?? []).forEach((l, i) => {
    const at = `spec.accessLogging[${i}]`;
    checkProviders(scope, `${at}.providers`, l.providers);
    if (l.filter !== undefined) {
      const why = celSyntaxError(l.filter.expression ?? '');
      if (why) fail(scope, `${at}.filter.expression`, l.filter.expression, `must be a valid CEL expression, e.g. "response.code >= 400" (${why})`);
    }
  });
}

function checkProviders(scope: Construct, field: string, providers: readonly TelemetrySpecMetricProvider[] | undefined): void {
  (providers ?? []).forEach((p, i) => {
    if (!p.name) {
      fail(scope, `${field}[${i}].name`, p.name, 'must name a provider: a built-in one (prometheus, envoy) or one of the mesh config\'s extensionProviders');
    }
  });
}
