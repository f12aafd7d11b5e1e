import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkMeshNamespace, IMeshNamespace } from '../resource/mesh-namespace';
import { checkList, checkPort, fail } from '../validation';
import { IstioVersion } from '../version';
import { checkDuration, checkHeaderName, checkHostname, checkHostnames } from './checks';
import { checkKnownKeys, Shape } from '../resource/keys';
import { gatewayApiObject, GatewayApiSpecs } from './object';
import { checkObjectName, IRouteParent } from './refs';
import { renderBackends, renderParents, RouteBackend } from './route-common';

/** How a path is matched. */
export type PathMatchType = 'PathPrefix' | 'Exact' | 'RegularExpression';
/** How a header or query parameter value is matched. */
export type ValueMatchType = 'Exact' | 'RegularExpression';
/** HTTP methods a match can name. */
export type HttpRouteMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'CONNECT' | 'OPTIONS' | 'TRACE' | 'PATCH';

/** A path match. */
export interface PathMatch {
  /** Match type. @default 'PathPrefix' */
  readonly type?: PathMatchType;
  /** The path (starting with `/`), or a regular expression. */
  readonly value: string;
}

/** A header (or query parameter) match. */
export interface ValueMatch {
  /** Header or parameter name. */
  readonly name: string;
  /** The value. */
  readonly value: string;
  /** Match type. @default 'Exact' */
  readonly type?: ValueMatchType;
}

/** One match of a rule: every given condition must hold. */
export interface HttpRouteMatch {
  /** Path. @default - `PathPrefix /` */
  readonly path?: PathMatch;
  /** Headers. @default - none */
  readonly headers?: ValueMatch[];
  /** Query parameters. @default - none */
  readonly queryParams?: ValueMatch[];
  /** Method. @default - any */
  readonly method?: HttpRouteMethod;
}

/** Headers set, added or removed. */
export interface HeaderModifier {
  /** Headers set (replacing a value). @default - none */
  readonly set?: Record<string, string>;
  /** Headers added (appending to a value). @default - none */
  readonly add?: Record<string, string>;
  /** Headers removed. @default - none */
  readonly remove?: string[];
}

/** A redirect answered by the gateway. */
export interface HttpRedirect {
  /** Scheme. @default - the request's */
  readonly scheme?: 'http' | 'https';
  /** Host name. @default - the request's */
  readonly hostname?: string;
  /** Port. @default - the request's (or the scheme's) */
  readonly port?: number;
  /** Status code. @default 302 */
  readonly statusCode?: 301 | 302 | 303 | 307 | 308;
}

/** A rewrite of the request before it reaches the backends. */
export interface HttpRewrite {
  /** New Host header. @default - unchanged */
  readonly hostname?: string;
  /** Replaces the matched path prefix (the rule's matches must be `PathPrefix`). @default - unchanged */
  readonly replacePrefixMatch?: string;
}

/** Timeouts of a rule (Gateway API v1.2 and later: Istio 1.30). */
export interface HttpRouteTimeouts {
  /** For the whole request, e.g. `10s`. @default - none */
  readonly request?: string;
  /** For each try to a backend. @default - none */
  readonly backendRequest?: string;
}

/** One rule of an {@link HttpRoute}. */
export interface HttpRouteRule {
  /** Matches (any of them selects the rule), up to 8. @default - every request (`PathPrefix /`) */
  readonly matches?: HttpRouteMatch[];
  /** Backends the traffic is split over. Required unless `redirect` answers the request. @default - none */
  readonly backends?: RouteBackend[];
  /** Request headers changed. @default - none */
  readonly requestHeaders?: HeaderModifier;
  /** Response headers changed. @default - none */
  readonly responseHeaders?: HeaderModifier;
  /** Answer with a redirect instead of forwarding (no backends then). @default - none */
  readonly redirect?: HttpRedirect;
  /** Rewrite host or path. @default - none */
  readonly rewrite?: HttpRewrite;
  /** Timeouts (Istio 1.30 only: Gateway API v1.0 has them in the experimental channel). @default - none */
  readonly timeouts?: HttpRouteTimeouts;
}

/** Props of {@link HttpRoute}. */
export interface HttpRouteProps {
  /** Namespace of the route: a ZeroTrustNamespace or `{ istiod, name }`. */
  readonly namespace: IMeshNamespace;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /**
   * What the route attaches to: KubernetesGateways (or `gateway.listener(name)`) for traffic entering through
   * them, BackendServices for mesh traffic to those Services (GAMMA).
   */
  readonly parents: IRouteParent[];
  /** Host names matched (the Host header). @default - every host the parents accept */
  readonly hostnames?: string[];
  /** Rules, 1 to 16. */
  readonly rules: HttpRouteRule[];
}

type HttpRuleJson = NonNullable<GatewayApiSpecs['HTTPRoute']['rules']>[number];
type HttpFilterJson = NonNullable<HttpRuleJson['filters']>[number];
type HttpMatchJson = NonNullable<HttpRuleJson['matches']>[number];

const METHODS: readonly HttpRouteMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const VALUE_MATCH: Shape<ValueMatch> = { name: true, value: true, type: true };
const HEADERS: Shape<HeaderModifier> = { set: true, add: true, remove: true };
/** The keys of an HttpRouteMatch. @internal */
export const HTTP_MATCH_SHAPE: Shape<HttpRouteMatch> = { path: { type: true, value: true }, headers: [VALUE_MATCH], queryParams: [VALUE_MATCH], method: true };
/** The keys of a RouteBackend. @internal */
export const BACKEND_SHAPE: Shape<RouteBackend> = { service: 'ref', weight: true };
const SHAPE: Shape<HttpRouteProps> = {
  namespace: 'ref',
  name: true,
  parents: ['ref'],
  hostnames: true,
  rules: [{
    matches: [HTTP_MATCH_SHAPE],
    backends: [BACKEND_SHAPE],
    requestHeaders: HEADERS,
    responseHeaders: HEADERS,
    redirect: { scheme: true, hostname: true, port: true, statusCode: true },
    rewrite: { hostname: true, replacePrefixMatch: true },
    timeouts: { request: true, backendRequest: true },
  }],
};

/**
 * A Kubernetes Gateway API `HTTPRoute`: HTTP traffic of its parents (Gateways, or Services for mesh traffic)
 * matched by path, headers, query parameters and method, and split by weight over Service backends.
 *
 * @example new HttpRoute(chart, 'api', { namespace, parents: [gateway], hostnames: ['api.example.com'], rules: [{ backends: [{ service: BackendService.fromService(api, 8080) }] }] })
 */
export class HttpRoute extends Construct {
  /** Istio release. */
  public readonly version: IstioVersion;
  /** Namespace. */
  public readonly namespace: string;
  /** Object name. */
  public readonly name: string;
  /** The HTTPRoute object. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: HttpRouteProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, SHAPE);
    const ns = checkMeshNamespace(this, 'namespace', props?.namespace);
    this.version = ns.istiod.version;
    this.namespace = ns.name;
    this.name = checkObjectName(this, 'name', props.name ?? id);
    const hostnames = checkHostnames(this, 'hostnames', props.hostnames);
    const parentRefs = renderParents(this, 'HTTPRoute', this.namespace, props.parents, hostnames);
    checkList(this, 'rules', props.rules, 'must be a list of rules');
    if (!props.rules || props.rules.length === 0 || props.rules.length > 16) fail(this, 'rules', props.rules?.length ?? props.rules, 'must list 1 to 16 rules');
    const rules = props.rules.map((r, i) => this.rule(`rules[${i}]`, r));
    this.apiObject = gatewayApiObject(this, 'http-route', this.version, 'HTTPRoute', { name: this.name, namespace: this.namespace }, {
      parentRefs,
      ...(hostnames ? { hostnames } : {}),
      rules,
    });
  }

  private rule(field: string, r: HttpRouteRule): HttpRuleJson {
    checkList(this, `${field}.matches`, r.matches, 'must be a list of matches');
    if (r.matches && r.matches.length > 8) fail(this, `${field}.matches`, r.matches.length, 'must list at most 8 matches (the Gateway API limit)');
    const matches = r.matches?.map((m, j) => this.match(`${field}.matches[${j}]`, m));
    const backends = renderBackends(this, 'HTTPRoute', `${field}.backends`, this.namespace, r.backends);
    const filters: HttpFilterJson[] = [];
    if (r.requestHeaders !== undefined) filters.push({ type: 'RequestHeaderModifier', requestHeaderModifier: this.headers(`${field}.requestHeaders`, r.requestHeaders) });
    if (r.responseHeaders !== undefined) filters.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: this.headers(`${field}.responseHeaders`, r.responseHeaders) });
    if (r.redirect !== undefined) {
      if (backends?.length) fail(this, `${field}.redirect`, r.redirect, 'must not be combined with backends: a redirect answers the request itself');
      if (r.rewrite !== undefined) fail(this, `${field}.rewrite`, r.rewrite, 'must not be combined with redirect (the Gateway API allows one of them per rule)');
      const d = r.redirect;
      if (d.scheme !== undefined && d.scheme !== 'http' && d.scheme !== 'https') fail(this, `${field}.redirect.scheme`, d.scheme, 'must be "http" or "https"');
      if (d.hostname !== undefined) checkHostname(this, `${field}.redirect.hostname`, d.hostname);
      if (d.port !== undefined) checkPort(this, `${field}.redirect.port`, d.port);
      if (d.statusCode !== undefined && ![301, 302, 303, 307, 308].includes(d.statusCode)) fail(this, `${field}.redirect.statusCode`, d.statusCode, 'must be 301, 302, 303, 307 or 308');
      if ([303, 307, 308].includes(d.statusCode ?? 302) && !this.version.atLeast('1.30')) {
        fail(this, `${field}.redirect.statusCode`, d.statusCode, `must be 301 or 302 on Istio ${this.version.tag} (Gateway API ${this.version.gatewayApi.bundleVersion} allows only those)`);
      }
      filters.push({
        type: 'RequestRedirect',
        requestRedirect: {
          ...(d.scheme !== undefined ? { scheme: d.scheme } : {}), ...(d.hostname !== undefined ? { hostname: d.hostname } : {}),
          ...(d.port !== undefined ? { port: d.port } : {}), statusCode: d.statusCode ?? 302,
        },
      } as HttpFilterJson);
    } else if (!backends?.length) {
      fail(this, `${field}.backends`, r.backends, 'must list at least one backend (or set redirect): a rule without backends answers 500');
    }
    if (r.rewrite !== undefined) {
      const w = r.rewrite;
      if (w.hostname === undefined && w.replacePrefixMatch === undefined) fail(this, `${field}.rewrite`, w, 'must set hostname or replacePrefixMatch');
      if (w.hostname !== undefined) checkHostname(this, `${field}.rewrite.hostname`, w.hostname);
      if (w.replacePrefixMatch !== undefined) {
        if (typeof w.replacePrefixMatch !== 'string' || !w.replacePrefixMatch.startsWith('/')) fail(this, `${field}.rewrite.replacePrefixMatch`, w.replacePrefixMatch, 'must be a path starting with "/"');
        if (!matches?.length || matches.some((m) => m.path?.type !== 'PathPrefix')) {
          fail(this, `${field}.rewrite.replacePrefixMatch`, w.replacePrefixMatch, 'needs every match of the rule to have a PathPrefix path (the Gateway API replaces the matched prefix)');
        }
      }
      filters.push({
        type: 'URLRewrite',
        urlRewrite: {
          ...(w.hostname !== undefined ? { hostname: w.hostname } : {}),
          ...(w.replacePrefixMatch !== undefined ? { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: w.replacePrefixMatch } } : {}),
        },
      });
    }
    let timeouts: HttpRuleJson['timeouts'] | undefined;
    if (r.timeouts !== undefined) {
      if (!this.version.atLeast('1.30')) {
        fail(this, `${field}.timeouts`, r.timeouts, `must be unset on Istio ${this.version.tag}: HTTPRoute timeouts are in the experimental channel of Gateway API ${this.version.gatewayApi.bundleVersion} (standard from v1.2, Istio 1.30)`);
      }
      if (r.timeouts.request !== undefined) checkDuration(this, `${field}.timeouts.request`, r.timeouts.request);
      if (r.timeouts.backendRequest !== undefined) checkDuration(this, `${field}.timeouts.backendRequest`, r.timeouts.backendRequest);
      timeouts = { ...(r.timeouts.request !== undefined ? { request: r.timeouts.request } : {}), ...(r.timeouts.backendRequest !== undefined ? { backendRequest: r.timeouts.backendRequest } : {}) };
    }
    return {
      ...(matches ? { matches } : {}),
      ...(filters.length ? { filters } : {}),
      ...(backends?.length ? { backendRefs: backends } : {}),
      ...(timeouts ? { timeouts } : {}),
    };
  }

  private match(field: string, m: HttpRouteMatch): HttpMatchJson {
    const out: { -readonly [K in keyof HttpMatchJson]: HttpMatchJson[K] } = {};
    if (m.path !== undefined) {
      const type = m.path.type ?? 'PathPrefix';
      if (!['PathPrefix', 'Exact', 'RegularExpression'].includes(type)) fail(this, `${field}.path.type`, type, 'must be "PathPrefix", "Exact" or "RegularExpression"');
      const v = m.path.value;
      if (typeof v !== 'string' || v.length === 0 || v.length > 1024) fail(this, `${field}.path.value`, v, 'must be a non-empty string of at most 1024 characters');
      if (type !== 'RegularExpression') {
        if (!v.startsWith('/')) fail(this, `${field}.path.value`, v, 'must start with "/"');
        if (/\/\/|\/\.\.?(\/|$)|%2f|%2F|#/.test(v)) fail(this, `${field}.path.value`, v, 'must not contain "//", "/./", "/../", "%2f" or "#"');
      }
      out.path = { type, value: v };
    }
    for (const key of ['headers', 'queryParams'] as const) {
      const list = m[key];
      if (list === undefined) continue;
      checkList(this, `${field}.${key}`, list, 'must be a list of { name, value, type? }');
      if (list.length > 16) fail(this, `${field}.${key}`, list.length, 'must list at most 16 entries');
      const names = new Set<string>();
      out[key] = list.map((h, k) => {
        const f = `${field}.${key}[${k}]`;
        checkHeaderName(this, `${f}.name`, h.name);
        const lower = key === 'headers' ? h.name.toLowerCase() : h.name;
        if (names.has(lower)) fail(this, `${f}.name`, h.name, `must not repeat a name of ${key}`);
        names.add(lower);
        if (typeof h.value !== 'string' || h.value.length === 0 || h.value.length > 4096) fail(this, `${f}.value`, h.value, 'must be a non-empty string of at most 4096 characters');
        const type = h.type ?? 'Exact';
        if (type !== 'Exact' && type !== 'RegularExpression') fail(this, `${f}.type`, type, 'must be "Exact" or "RegularExpression"');
        return { name: h.name, value: h.value, type };
      });
    }
    if (m.method !== undefined) {
      if (!METHODS.includes(m.method)) fail(this, `${field}.method`, m.method, `must be one of ${METHODS.join(', ')}`);
      out.method = m.method;
    }
    return out;
  }

  private headers(field: string, h: HeaderModifier): { set?: Array<{ name: string; value: string }>; add?: Array<{ name: string; value: string }>; remove?: string[] } {
    const pairs = (key: 'set' | 'add') => {
      const map = h[key];
      if (map === undefined) return undefined;
      if (map === null || typeof map !== 'object' || Array.isArray(map)) fail(this, `${field}.${key}`, map, 'must be a map of header names to values');
      return Object.keys(map).sort().map((name) => {
        checkHeaderName(this, `${field}.${key} key`, name);
        if (typeof map[name] !== 'string') fail(this, `${field}.${key}.${name}`, map[name], 'must be a string');
        return { name, value: map[name] };
      });
    };
    const set = pairs('set');
    const add = pairs('add');
    checkList(this, `${field}.remove`, h.remove, 'must be a list of header names');
    (h.remove ?? []).forEach((n, i) => checkHeaderName(this, `${field}.remove[${i}]`, n));
    if (!set?.length && !add?.length && !h.remove?.length) fail(this, field, h, 'must set, add or remove at least one header');
    return { ...(set?.length ? { set } : {}), ...(add?.length ? { add } : {}), ...(h.remove?.length ? { remove: [...h.remove] } : {}) };
  }
}
