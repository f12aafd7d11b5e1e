import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { EnvoyFilterSpec, EnvoyFilterSpecConfigPatche } from '../resource/specs.generated';
import { checkRegex, fail } from '../validation';
import { checkSelectorLabels } from './rules';

/** Props of {@link EnvoyFilter}. */
export interface EnvoyFilterProps extends IstioResourceProps<EnvoyFilterSpec> {}

/** Envoy's name of the HTTP connection manager network filter (and its deprecated name). */
const HCM = ['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager'];

const LISTENER_CLASS = ['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER'];
const ROUTE_CLASS = ['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE'];

/**
 * An Istio `EnvoyFilter` (networking.istio.io/v1alpha3): patches to the Envoy configuration istiod generates, for the
 * proxies of a namespace (the root namespace: every proxy), of the workloads `workloadSelector` picks or of the
 * gateways `targetRefs` names. The spec is Istio's, field for field; it is checked against the release's CRD schema
 * and the rules Istio's validating webhook applies: each patch has `applyTo`, an operation and (except REMOVE) a
 * value; the match fits what is patched; filter matches name their filter; proxy version regexes compile;
 * `workloadSelector` and `targetRefs` exclude each other. Whether a patch value is a valid Envoy message is left to
 * istiod (it resolves the Envoy types).
 *
 * @example
 * // Istio reference "EnvoyFilter" (reviews-lua): a Lua HTTP filter before the router on the reviews pods' inbound port
 * new EnvoyFilter(chart, 'reviews-lua', {
 *   namespace: { istiod, name: 'bookinfo' },
 *   spec: {
 *     workloadSelector: { labels: { app: 'reviews' } },
 *     configPatches: [{
 *       applyTo: 'HTTP_FILTER',
 *       match: {
 *         context: 'SIDECAR_INBOUND',
 *         listener: {
 *           portNumber: 8080,
 *           filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } },
 *         },
 *       },
 *       patch: {
 *         operation: 'INSERT_BEFORE',
 *         value: {
 *           name: 'envoy.lua',
 *           typed_config: {
 *             '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua',
 *             defaultSourceCode: { inlineString: 'function envoy_on_request(request_handle) end' },
 *           },
 *         },
 *       },
 *     }],
 *   },
 * });
 */
export class EnvoyFilter extends IstioResource<EnvoyFilterSpec> {
  public constructor(scope: Construct, id: string, props: EnvoyFilterProps) {
    super(scope, id, 'EnvoyFilter', props, checkEnvoyFilter);
  }
}

function checkEnvoyFilter(scope: Construct, spec: EnvoyFilterSpec, _ctx: IstioRuleContext): void {
  checkSelectorLabels(scope, 'spec.workloadSelector.labels', spec.workloadSelector?.labels);
  if (spec.workloadSelector !== undefined && spec.targetRefs !== undefined) {
    fail(scope, 'spec.targetRefs', spec.targetRefs, 'must be left out when workloadSelector is set: an EnvoyFilter selects its proxies by one or the other');
  }
  (spec.targetRefs ?? []).forEach((r, i) => {
    if (r.namespace) fail(scope, `spec.targetRefs[${i}].namespace`, r.namespace, 'must be left out: a target is in the EnvoyFilter\'s own namespace (cross-namespace references are not supported)');
  });
  (spec.configPatches ?? []).forEach((cp, i) => checkPatch(scope, `spec.configPatches[${i}]`, cp));
}

function checkPatch(scope: Construct, at: string, cp: EnvoyFilterSpecConfigPatche): void {
  const m = cp.match;
  if (m?.waypoint !== undefined && m.context !== 'WAYPOINT') {
    fail(scope, `${at}.match.waypoint`, m.waypoint, `must be left out unless match.context is WAYPOINT (it is ${m.context ?? 'unset'})`);
  }
  if (m?.context === 'WAYPOINT' && m.waypoint === undefined) {
    fail(scope, `${at}.match.waypoint`, m.waypoint, 'must be set with match.context WAYPOINT');
  }
  if (m?.context === 'WAYPOINT') {
    const port = m.waypoint!.portNumber;
    if (port !== undefined && (port < 1 || port > 65535)) fail(scope, `${at}.match.waypoint.portNumber`, port, 'must be a port from 1 to 65535');
    // Istio's webhook checks waypoint patches no further
    return;
  }
  if (cp.applyTo === undefined || cp.applyTo === 'INVALID') {
    fail(scope, `${at}.applyTo`, cp.applyTo, 'must name what the patch applies to: LISTENER, FILTER_CHAIN, NETWORK_FILTER, HTTP_FILTER, ROUTE_CONFIGURATION, VIRTUAL_HOST, HTTP_ROUTE, CLUSTER, EXTENSION_CONFIG, BOOTSTRAP or LISTENER_FILTER');
  }
  if (cp.patch === undefined) fail(scope, `${at}.patch`, cp.patch, 'must be set: { operation, value }');
  const op = cp.patch.operation;
  if (op === undefined || op === 'INVALID') {
    fail(scope, `${at}.patch.operation`, op, 'must be set: MERGE, ADD, REMOVE, INSERT_BEFORE, INSERT_AFTER, INSERT_FIRST or REPLACE');
  }
  if (op !== 'REMOVE' && cp.patch.value === undefined) {
    fail(scope, `${at}.patch.value`, cp.patch.value, `must be set for operation ${op}: the Envoy configuration to ${op === 'MERGE' ? 'merge' : 'add'} (only REMOVE takes none)`);
  }
  const version = m?.proxy?.proxyVersion;
  if (version) checkRegex(scope, `${at}.match.proxy.proxyVersion`, version);

  const object = m?.listener ? 'listener' : m?.routeConfiguration ? 'routeConfiguration' : m?.cluster ? 'cluster' : undefined;
  if (object === undefined) return;
  if (LISTENER_CLASS.includes(cp.applyTo) && object !== 'listener') {
    fail(scope, `${at}.match.${object}`, m![object], `must be a listener match for applyTo ${cp.applyTo} (match.listener)`);
  }
  if (ROUTE_CLASS.includes(cp.applyTo) && object !== 'routeConfiguration') {
    fail(scope, `${at}.match.${object}`, m![object], `must be a route configuration match for applyTo ${cp.applyTo} (match.routeConfiguration)`);
  }
  if (cp.applyTo === 'CLUSTER' && object !== 'cluster') {
    fail(scope, `${at}.match.${object}`, m![object], 'must be a cluster match for applyTo CLUSTER (match.cluster)');
  }
  const filter = m?.listener?.filterChain?.filter;
  if (LISTENER_CLASS.includes(cp.applyTo) && filter) {
    const f = `${at}.match.listener.filterChain.filter`;
    if (!filter.name) fail(scope, `${f}.name`, filter.name, 'must name the network filter to match, e.g. "envoy.filters.network.http_connection_manager"');
    if (filter.subFilter) {
      if (cp.applyTo !== 'HTTP_FILTER') fail(scope, `${f}.subFilter`, filter.subFilter, `must be left out for applyTo ${cp.applyTo}: a subFilter match applies to HTTP_FILTER patches only`);
      if (!HCM.includes(filter.name)) fail(scope, `${f}.name`, filter.name, `must be "${HCM[0]}" when subFilter is set (HTTP filters live in the HTTP connection manager)`);
      if (!filter.subFilter.name) fail(scope, `${f}.subFilter.name`, filter.subFilter.name, 'must name the HTTP filter to match, e.g. "envoy.filters.http.router"');
    }
  }
}

