import { Chart } from 'cdk8s';
import { Istiod } from '../../src/istiod/istiod';
import { IIstiod } from '../../src/istiod/istiod-ref';
import { Telemetry, TelemetryProps } from '../../src/telemetry';
import { IstioVersion } from '../../src/version';
import { expectExampleInDocs, expectExampleInSync, expectIstioError } from '../security/l2-support';
import { findOne, newChart, synthValid } from '../support/synth';

const RELEASES: Array<[string, IstioVersion, string]> = [
  ['1.30.3', IstioVersion.V1_30_3, 'telemetry.istio.io/v1'],
  ['1.20.3', IstioVersion.V1_20_3, 'telemetry.istio.io/v1alpha1'],
];

function mesh(version: IstioVersion): { chart: Chart; istiod: IIstiod } {
  const chart = newChart('apps');
  return { chart, istiod: Istiod.fromAttributes(chart, 'mesh', { version }) };
}

type Spec = TelemetryProps['spec'];

describe.each(RELEASES)('Telemetry on Istio %s', (_tag, version, apiVersion) => {
  const make = (spec: Spec) => {
    const { chart, istiod } = mesh(version);
    return () => new Telemetry(chart, 'tel', { namespace: { istiod, name: 'bookinfo' }, spec });
  };

  test('the class example runs as written: mesh-wide access logs, namespace tracing and metrics', () => {
    const { chart, istiod } = mesh(version);
    // example:start
    // mesh-wide: access logs to the OpenTelemetry collector, only for failed requests
    new Telemetry(chart, 'mesh-logging', {
      namespace: { istiod, name: istiod.rootNamespace },
      spec: {
        accessLogging: [{ providers: [{ name: 'otel' }], filter: { expression: 'response.code >= 400' } }],
      },
    });
    // namespace bookinfo: trace 10% of requests, drop a tag from the request count
    new Telemetry(chart, 'bookinfo-telemetry', {
      namespace: { istiod, name: 'bookinfo' },
      spec: {
        tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 10 }],
        metrics: [{
          providers: [{ name: 'prometheus' }],
          overrides: [{ match: { metric: 'REQUEST_COUNT', mode: 'CLIENT_AND_SERVER' }, tagOverrides: { request_protocol: { operation: 'REMOVE' } } }],
        }],
      },
    });
    // example:end
    expect(synthValid(chart).map((o) => o.apiVersion)).toEqual([apiVersion, apiVersion]);
    expectExampleInSync('src/telemetry/telemetry.ts', 'Telemetry', 'test/telemetry/telemetry.test.ts');
    expectExampleInDocs('src/telemetry/telemetry.ts', 'Telemetry');
  });

  // Istio samples/open-telemetry/loki/telemetry.yaml (mesh-logging) and samples/open-telemetry/tracing/telemetry.yaml
  // (otel-demo): access logs to the otel provider mesh-wide; tracing through otel-tracing with sampling 0.
  test('the OpenTelemetry samples: rendered as Istio writes them', () => {
    const { chart, istiod } = mesh(version);
    const logging = new Telemetry(chart, 'mesh-logging', { namespace: { istiod, name: istiod.rootNamespace }, spec: { accessLogging: [{ providers: [{ name: 'otel' }] }] } });
    new Telemetry(chart, 'otel-demo', { namespace: { istiod, name: 'default' }, spec: { tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 0 }] } });
    const objs = synthValid(chart);
    expect(findOne(objs, 'Telemetry', 'mesh-logging', 'istio-system')).toEqual({
      apiVersion, kind: 'Telemetry', metadata: { name: 'mesh-logging', namespace: 'istio-system' },
      spec: { accessLogging: [{ providers: [{ name: 'otel' }] }] },
    });
    expect(findOne(objs, 'Telemetry', 'otel-demo', 'default')).toEqual({
      apiVersion, kind: 'Telemetry', metadata: { name: 'otel-demo', namespace: 'default' },
      spec: { tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 0 }] },
    });
    expect([logging.apiVersion, logging.providerNames]).toEqual([apiVersion, ['otel']]);
  });

  // Istio task "Customizing Istio Metrics with Telemetry API" (observability/metrics/customize-metrics): two tags
  // added to the request count from CEL expressions.
  test('customize metrics task: tag overrides (UPSERT by default) on REQUEST_COUNT', () => {
    const { chart, istiod } = mesh(version);
    const spec: Spec = {
      metrics: [{
        providers: [{ name: 'prometheus' }],
        overrides: [{ match: { metric: 'REQUEST_COUNT' }, tagOverrides: { destination_port: { value: 'string(destination.port)' }, request_host: { value: 'request.host' } } }],
      }],
    };
    new Telemetry(chart, 'namespace-metrics', { namespace: { istiod, name: istiod.rootNamespace }, spec });
    expect(findOne(synthValid(chart), 'Telemetry', 'namespace-metrics', 'istio-system').spec).toEqual(spec);
  });

  test('a workload selector, custom tags of each kind, a custom metric, a reporting interval', () => {
    const spec: Spec = {
      selector: { matchLabels: { app: 'reviews' } },
      tracing: [{ customTags: { team: { literal: { value: 'ml' } }, user: { header: { name: 'x-user', defaultValue: 'anonymous' } }, node: { environment: { name: 'NODE_NAME' } } } }],
      metrics: [{ reportingInterval: '15s', overrides: [{ match: { customMetric: 'my_metric', mode: 'SERVER' }, disabled: true }] }],
      accessLogging: [{ match: { mode: 'CLIENT' }, disabled: true }],
    };
    const tel = make(spec)();
    expect([tel.spec, tel.providerNames]).toEqual([spec, []]);
  });

  describe('webhook rules', () => {
    test.each([[-1], [100.5]])('randomSamplingPercentage %s is refused (0 to 100)', (pct) => {
      expectIstioError(make({ tracing: [{ randomSamplingPercentage: pct }] }), {
        path: 'apps/tel', field: 'spec.tracing[0].randomSamplingPercentage', value: String(pct), message: /must be a percentage from 0 to 100|at least 0|at most 100/,
      });
    });

    test('providers are named', () => {
      expectIstioError(make({ accessLogging: [{ providers: [{ name: '' }] }] }), {
        path: 'apps/tel', field: 'spec.accessLogging[0].providers[0].name', value: '""', message: /must name a provider|at least 1 character/,
      });
      expectIstioError(make({ metrics: [{ providers: [{ name: 'prometheus' }, { name: '' }] }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].providers[1].name', value: '""', message: /extensionProviders|at least 1 character/,
      });
      expectIstioError(make({ tracing: [{ providers: [{} as { name: string }] }] }), {
        path: 'apps/tel', field: 'spec.tracing[0].providers[0].name', value: '(undefined)', message: 'is required in Telemetry',
      });
    });

    test('tag overrides: UPSERT (also by default) needs a value, REMOVE takes none', () => {
      expectIstioError(make({ metrics: [{ overrides: [{ tagOverrides: { request_host: {} } }] }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].overrides[0].tagOverrides.request_host.value', value: '(undefined)', message: 'must be set for operation UPSERT (the default)',
      });
      expectIstioError(make({ metrics: [{ overrides: [{ tagOverrides: { request_host: { operation: 'UPSERT', value: '' } } }] }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].overrides[0].tagOverrides.request_host.value', value: '""', message: 'must be set for operation UPSERT',
      });
      expectIstioError(make({ metrics: [{ overrides: [{ tagOverrides: { request_protocol: { operation: 'REMOVE', value: 'x' } } }] }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].overrides[0].tagOverrides.request_protocol.value', value: '"x"', message: 'must be left out for operation REMOVE',
      });
      expectIstioError(make({ metrics: [{ overrides: [{ tagOverrides: { request_protocol: { operation: 'DELETE' as 'REMOVE' } } }] }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].overrides[0].tagOverrides.request_protocol.operation', value: '"DELETE"', message: 'must be one of "UPSERT", "REMOVE"',
      });
    });

    test('metric matches: a standard metric name or a non-empty custom one, not both; modes', () => {
      expectIstioError(make({ metrics: [{ overrides: [{ match: { metric: 'REQUEST_TOTAL' as 'REQUEST_COUNT' } }] }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].overrides[0].match.metric', value: '"REQUEST_TOTAL"', message: '"REQUEST_COUNT"',
      });
      expectIstioError(make({ metrics: [{ overrides: [{ match: { customMetric: '' } }] }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].overrides[0].match.customMetric', value: '""', message: /must name the custom metric|at least 1 character/,
      });
      expectIstioError(make({ metrics: [{ overrides: [{ match: { metric: 'REQUEST_COUNT', customMetric: 'x' } }] }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].overrides[0].match', value: '"metric, customMetric"', message: 'at most one of `metric`, `customMetric`',
      });
      expectIstioError(make({ metrics: [{ overrides: [{ match: { mode: 'BOTH' as 'SERVER' } }] }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].overrides[0].match.mode', value: '"BOTH"', message: '"CLIENT_AND_SERVER", "CLIENT", "SERVER"',
      });
    });

    test('reporting interval and custom tags', () => {
      expectIstioError(make({ metrics: [{ reportingInterval: '10' }] }), {
        path: 'apps/tel', field: 'spec.metrics[0].reportingInterval', value: '"10"', message: 'duration',
      });
      expectIstioError(make({ tracing: [{ customTags: { team: { literal: { value: '' } } } }] }), {
        path: 'apps/tel', field: 'spec.tracing[0].customTags.team.literal.value', value: '""', message: /must be the non-empty value of the tag|at least 1 character/,
      });
      expectIstioError(make({ tracing: [{ customTags: { user: { header: { name: '' } } } }] }), {
        path: 'apps/tel', field: 'spec.tracing[0].customTags.user.header.name', value: '""', message: /must name the request header|at least 1 character/,
      });
      expectIstioError(make({ tracing: [{ customTags: { node: { environment: { name: '' } } } }] }), {
        path: 'apps/tel', field: 'spec.tracing[0].customTags.node.environment.name', value: '""', message: /environment variable|at least 1 character/,
      });
      expectIstioError(make({ tracing: [{ customTags: { t: { literal: { value: 'a' }, header: { name: 'h' } } } }] }), {
        path: 'apps/tel', field: 'spec.tracing[0].customTags.t', value: '"literal, header"', message: 'at most one of',
      });
    });

    test.each([
      ['response.code >= ', 'unexpected end of the expression at column 18'],
      ['response.code => 400', 'unexpected character "=" at column 15'],
      ["request.headers['x-debug' == 'true'", 'expected "]" but found "<EOF>"'],
      ['', 'the expression is empty'],
      ['has(response)', 'invalid argument to has() macro'],
      ['if == 1', '"if" is a reserved word'],
    ])('access-log filter %j is refused: %s', (expression, why) => {
      expectIstioError(make({ accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression } }] }), {
        path: 'apps/tel', field: 'spec.accessLogging[0].filter.expression', value: JSON.stringify(expression), message: `must be a valid CEL expression, e.g. "response.code >= 400" (${why}`,
      });
    });

    test('a filter without an expression is refused (Istio parses the empty text)', () => {
      expectIstioError(make({ accessLogging: [{ filter: {} }] }), {
        path: 'apps/tel', field: 'spec.accessLogging[0].filter.expression', value: '(undefined)', message: 'the expression is empty',
      });
    });

    test.each([
      ['response.code >= 400 || xds.cluster_name == \'BlackHoleCluster\''],
      ["request.headers['x-debug'] == 'true' && has(request.headers.user)"],
      ["connection.mtls && source.principal.startsWith('spiffe://cluster.local/ns/foo/')"],
      ["response.duration > duration('1s') ? true : response.code >= 500"],
      ['[500, 502, 503].exists(c, c == response.code)'],
    ])('access-log filter %j is accepted', (expression) => {
      expect(make({ accessLogging: [{ filter: { expression } }] })().spec.accessLogging![0].filter!.expression).toBe(expression);
    });

    test('selector and targetRef are exclusive; selector labels', () => {
      expectIstioError(make({ selector: { matchLabels: { app: 'reviews' } }, targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' } }), {
        path: 'apps/tel', field: 'spec', value: '"selector, targetRef"', message: 'must set only one of `selector`, `targetRef` or `targetRefs`',
      });
      expectIstioError(make({ selector: { matchLabels: { 'app*': 'reviews' } } }), {
        path: 'apps/tel', field: 'spec.selector.matchLabels.app*', value: '"reviews"', message: 'must not contain "*"',
      });
    });
  });
});

describe('Telemetry: what differs between releases', () => {
  const on = (version: IstioVersion, spec: Spec) => {
    const { chart, istiod } = mesh(version);
    return () => new Telemetry(chart, 'tel', { namespace: { istiod, name: 'bookinfo' }, spec });
  };

  test('targetRefs, a Service target and tracing enableIstioTags: 1.30 has them, 1.20 refuses them with the reason', () => {
    const spec: Spec = { targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }], tracing: [{ enableIstioTags: false }] };
    expect(on(IstioVersion.V1_30_3, spec)().spec).toEqual(spec);
    expectIstioError(on(IstioVersion.V1_20_3, spec), {
      path: 'apps/tel', field: 'spec.targetRefs', value: '"(unknown key)"', message: 'of Telemetry telemetry.istio.io/v1alpha1 of Istio 1.20.3 (Istio 1.30 has it: it needs a newer release)',
    });
    expectIstioError(on(IstioVersion.V1_20_3, { tracing: [{ enableIstioTags: false }] }), {
      path: 'apps/tel', field: 'spec.tracing[0].enableIstioTags', value: '"(unknown key)"', message: 'it needs a newer release',
    });
    expectIstioError(on(IstioVersion.V1_20_3, { targetRef: { kind: 'Service', name: 'reviews' } }), {
      path: 'apps/tel', field: 'spec.targetRef', value: '"/Service"', message: 'must reference one of Gateway (group "gateway.networking.k8s.io") on Istio 1.20.3',
    });
  });
});
