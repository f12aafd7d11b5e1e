/**
 * EnvoyFilter: Istio's examples rendered as written, and each rule of Istio's validating webhook (and the CRD's own
 * rules) for the kind refused at construction with the construct path, field, value and what would be valid.
 */
import { EnvoyFilter, EnvoyFilterProps } from '../../src/networking';
import type { EnvoyFilterSpec, EnvoyFilterSpecConfigPatche } from '../../src/resource/specs.generated';
import { IstioVersion } from '../../src/version';
import { findOne } from '../support/synth';
import { mesh, refusal, RELEASES, synth, where } from './support';

function filter(spec: EnvoyFilterSpec, over: Partial<EnvoyFilterProps> = {}, version = IstioVersion.V1_30_3) {
  const { chart, istiod } = mesh(version);
  return () => new EnvoyFilter(chart, 'ef', { namespace: { istiod, name: 'bookinfo' }, spec, ...over });
}

const patch = (p: EnvoyFilterSpecConfigPatche): EnvoyFilterSpec => ({ configPatches: [p] });
const hcm = 'envoy.filters.network.http_connection_manager';

describe.each(RELEASES)('EnvoyFilter, Istio %s', (_tag, version) => {
  test('the JSDoc example renders (Istio reference "EnvoyFilter": reviews-lua) with apiVersion v1alpha3', () => {
    const { chart, istiod } = mesh(version);
    new EnvoyFilter(chart, 'reviews-lua', {
      namespace: { istiod, name: 'bookinfo' },
      spec: {
        workloadSelector: { labels: { app: 'reviews' } },
        configPatches: [{
          applyTo: 'HTTP_FILTER',
          match: {
            context: 'SIDECAR_INBOUND',
            listener: {
              portNumber: 8080,
              filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } },
            },
          },
          patch: {
            operation: 'INSERT_BEFORE',
            value: {
              name: 'envoy.lua',
              typed_config: {
                '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua',
                defaultSourceCode: { inlineString: 'function envoy_on_request(request_handle) end' },
              },
            },
          },
        }],
      },
    });
    const obj = findOne(synth(chart), 'EnvoyFilter', 'reviews-lua', 'bookinfo');
    expect(obj.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(obj.spec.configPatches[0].patch.value.typed_config['@type']).toBe('type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua');
  });

  test('Istio task "Enabling Rate Limits using Envoy" (local rate limit on productpage) renders as given', () => {
    const { chart, istiod } = mesh(version);
    const spec: EnvoyFilterSpec = {
      workloadSelector: { labels: { app: 'productpage' } },
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: hcm } } } },
        patch: {
          operation: 'INSERT_BEFORE',
          value: {
            name: 'envoy.filters.http.local_ratelimit',
            typed_config: {
              '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
              type_url: 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
              value: {
                stat_prefix: 'http_local_rate_limiter',
                token_bucket: { max_tokens: 4, tokens_per_fill: 4, fill_interval: '60s' },
                filter_enabled: { runtime_key: 'local_rate_limit_enabled', default_value: { numerator: 100, denominator: 'HUNDRED' } },
                filter_enforced: { runtime_key: 'local_rate_limit_enforced', default_value: { numerator: 100, denominator: 'HUNDRED' } },
                response_headers_to_add: [{ append: false, header: { key: 'x-local-rate-limit', value: 'true' } }],
              },
            },
          },
        },
      }],
    };
    new EnvoyFilter(chart, 'filter-local-ratelimit-svc', { namespace: { istiod, name: 'istio-system' }, spec });
    const obj = findOne(synth(chart), 'EnvoyFilter', 'filter-local-ratelimit-svc');
    expect(obj.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(obj.spec).toEqual(spec);
  });

  test('Istio task "Enabling Rate Limits using Envoy": filter-ratelimit-svc, the rate limit actions merged into the gateway\'s virtual hosts', () => {
    const { chart, istiod } = mesh(version);
    const spec: EnvoyFilterSpec = {
      workloadSelector: { labels: { istio: 'ingressgateway' } },
      configPatches: [{
        applyTo: 'VIRTUAL_HOST',
        match: { context: 'GATEWAY', routeConfiguration: { vhost: { name: '', route: { action: 'ANY' } } } },
        patch: { operation: 'MERGE', value: { rate_limits: [{ actions: [{ request_headers: { header_name: ':path', descriptor_key: 'PATH' } }] }] } },
      }],
    };
    new EnvoyFilter(chart, 'filter-ratelimit-svc', { namespace: { istiod, name: 'istio-system' }, spec });
    expect(findOne(synth(chart), 'EnvoyFilter', 'filter-ratelimit-svc').spec).toEqual(spec);
  });

  test('a REMOVE patch needs no value, and a cluster patch matches a cluster', () => {
    const { chart, istiod } = mesh(version);
    const spec: EnvoyFilterSpec = {
      configPatches: [
        { applyTo: 'HTTP_FILTER', match: { context: 'GATEWAY', listener: { filterChain: { filter: { name: hcm, subFilter: { name: 'envoy.filters.http.cors' } } } } }, patch: { operation: 'REMOVE' } },
        { applyTo: 'CLUSTER', match: { context: 'SIDECAR_OUTBOUND', cluster: { service: 'reviews.bookinfo.svc.cluster.local' } }, patch: { operation: 'MERGE', value: { connect_timeout: '2s' } } },
      ],
      priority: -10,
    };
    new EnvoyFilter(chart, 'ef', { namespace: { istiod, name: 'istio-system' }, spec });
    expect(findOne(synth(chart), 'EnvoyFilter', 'ef').spec).toEqual(spec);
  });
});

describe('EnvoyFilter: what the release serves', () => {
  test('targetRefs (1.30 only) renders at 1.30 and is refused at 1.20 naming the release that has it', () => {
    const spec: EnvoyFilterSpec = {
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }],
      configPatches: [{ applyTo: 'CLUSTER', patch: { operation: 'MERGE', value: { connect_timeout: '2s' } } }],
    };
    expect(() => filter(spec)()).not.toThrow();
    const e = refusal(filter(spec, {}, IstioVersion.V1_20_3));
    expect(e.field).toBe('spec.targetRefs');
    expect(e.expected).toMatch(/1\.30/);
  });
});

describe('EnvoyFilter: the webhook rules', () => {
  const value = { name: 'x' };

  test('applyTo, patch and operation are required; value too, except for REMOVE', () => {
    const apply = refusal(filter(patch({ patch: { operation: 'MERGE', value } })));
    expect(where(apply)).toEqual(['c/ef', 'spec.configPatches[0].applyTo', '(undefined)']);
    expect(refusal(filter(patch({ applyTo: 'INVALID', patch: { operation: 'MERGE', value } }))).field).toBe('spec.configPatches[0].applyTo');
    expect(refusal(filter(patch({ applyTo: 'CLUSTER' }))).field).toBe('spec.configPatches[0].patch');
    expect(refusal(filter(patch({ applyTo: 'CLUSTER', patch: { value } }))).field).toBe('spec.configPatches[0].patch.operation');
    const v = refusal(filter(patch({ applyTo: 'CLUSTER', patch: { operation: 'ADD' } })));
    expect([v.field, v.expected]).toEqual(['spec.configPatches[0].patch.value', 'must be set for operation ADD: the Envoy configuration to add (only REMOVE takes none)']);
  });

  test('the match fits what is patched: listener, route configuration or cluster', () => {
    const l = refusal(filter(patch({ applyTo: 'HTTP_FILTER', match: { cluster: { service: 'a' } }, patch: { operation: 'ADD', value } })));
    expect([l.field, l.expected]).toEqual(['spec.configPatches[0].match.cluster', 'must be a listener match for applyTo HTTP_FILTER (match.listener)']);
    expect(refusal(filter(patch({ applyTo: 'HTTP_ROUTE', match: { listener: { portNumber: 80 } }, patch: { operation: 'MERGE', value } }))).field)
      .toBe('spec.configPatches[0].match.listener');
    expect(refusal(filter(patch({ applyTo: 'CLUSTER', match: { routeConfiguration: { name: 'r' } }, patch: { operation: 'MERGE', value } }))).field)
      .toBe('spec.configPatches[0].match.routeConfiguration');
  });

  test('filter matches name their filter; a subFilter only for HTTP_FILTER inside the HTTP connection manager', () => {
    const noName = refusal(filter(patch({ applyTo: 'NETWORK_FILTER', match: { listener: { filterChain: { filter: {} } } }, patch: { operation: 'REMOVE' } })));
    expect(where(noName)).toEqual(['c/ef', 'spec.configPatches[0].match.listener.filterChain.filter.name', '(undefined)']);
    const sub = refusal(filter(patch({ applyTo: 'NETWORK_FILTER', match: { listener: { filterChain: { filter: { name: hcm, subFilter: { name: 'envoy.filters.http.router' } } } } }, patch: { operation: 'REMOVE' } })));
    expect(sub.field).toBe('spec.configPatches[0].match.listener.filterChain.filter.subFilter');
    const tcp = refusal(filter(patch({ applyTo: 'HTTP_FILTER', match: { listener: { filterChain: { filter: { name: 'envoy.filters.network.tcp_proxy', subFilter: { name: 'x' } } } } }, patch: { operation: 'REMOVE' } })));
    expect(where(tcp)).toEqual(['c/ef', 'spec.configPatches[0].match.listener.filterChain.filter.name', '"envoy.filters.network.tcp_proxy"']);
    expect(refusal(filter(patch({ applyTo: 'HTTP_FILTER', match: { listener: { filterChain: { filter: { name: hcm, subFilter: {} } } } }, patch: { operation: 'REMOVE' } }))).field)
      .toBe('spec.configPatches[0].match.listener.filterChain.filter.subFilter.name');
  });

  test('a null inside a patch value is refused (the YAML would not carry it: the key would vanish)', () => {
    const e = refusal(filter(patch({ applyTo: 'CLUSTER', patch: { operation: 'MERGE', value: { typed_config: { '@type': 't', x: [1, null] } } } })));
    expect(where(e)).toEqual(['c/ef', 'spec.configPatches[0].patch.value.typed_config.x[1]', 'null']);
    expect(e.expected).toMatch(/^must not be null: cdk8s drops null values from the output/);
  });

  test('the proxy version match is a regex that compiles', () => {
    const e = refusal(filter(patch({ applyTo: 'CLUSTER', match: { proxy: { proxyVersion: '^1\\.(2[0-9]' } }, patch: { operation: 'MERGE', value } })));
    expect(where(e)).toEqual(['c/ef', 'spec.configPatches[0].match.proxy.proxyVersion', '"^1\\\\.(2[0-9]"']);
    expect(() => filter(patch({ applyTo: 'CLUSTER', match: { proxy: { proxyVersion: '^1\\.30.*' } }, patch: { operation: 'MERGE', value } }))()).not.toThrow();
  });

  test('workloadSelector and targetRefs exclude each other; targets are in the same namespace; selectors have no wildcard', () => {
    const both = refusal(filter({ workloadSelector: { labels: { app: 'a' } }, targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g' }] }));
    expect([both.field, both.expected]).toEqual(['spec.targetRefs', 'must be left out when workloadSelector is set: an EnvoyFilter selects its proxies by one or the other']);
    const ns = refusal(filter({ targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g', namespace: 'other' }] }));
    expect(where(ns)).toEqual(['c/ef', 'spec.targetRefs[0].namespace', '"other"']);
    expect(refusal(filter({ workloadSelector: { labels: { 'app*': 'a' } } })).field).toBe('spec.workloadSelector.labels.app*');
  });

  test('a waypoint match only with context WAYPOINT (and then required)', () => {
    const e = refusal(filter(patch({ applyTo: 'HTTP_FILTER', match: { context: 'SIDECAR_INBOUND', waypoint: { portNumber: 80 } }, patch: { operation: 'REMOVE' } })));
    expect([e.field, e.expected]).toEqual(['spec.configPatches[0].match.waypoint', 'must be left out unless match.context is WAYPOINT (it is SIDECAR_INBOUND)']);
    expect(refusal(filter(patch({ applyTo: 'HTTP_FILTER', match: { context: 'WAYPOINT' }, patch: { operation: 'REMOVE' } }))).field).toBe('spec.configPatches[0].match.waypoint');
    expect(() => filter(patch({ applyTo: 'HTTP_FILTER', match: { context: 'WAYPOINT', waypoint: { filter: { name: 'x' } } }, patch: { operation: 'REMOVE' } }))()).not.toThrow();
  });

  test('an unknown operation is refused with the values the release has', () => {
    const e = refusal(filter(patch({ applyTo: 'CLUSTER', patch: { operation: 'UPSERT' as 'ADD', value } })));
    expect(e.field).toBe('spec.configPatches[0].patch.operation');
    expect(e.expected).toMatch(/^must be one of "INVALID", "MERGE", "ADD"/);
  });
});
