/**
 * The rules Istio's validating webhook applies to AuthorizationPolicy rules, as facts written by us: condition keys and
 * their values, SPIFFE principals, paths. Used by the L2 AuthorizationPolicy and by the rule helpers of
 * `ZeroTrustNamespace`, so both refuse the same inputs.
 * @internal
 */
import { IConstruct } from 'constructs';
import { fail, isCidr, isDnsLabel, isDnsSubdomain, isIP } from '../validation';
import type { IstioVersion } from '../version';

/** HTTP methods an authorization rule can name (gRPC calls are `POST`). */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'CONNECT' | 'OPTIONS' | 'TRACE' | 'PATCH';

/** The HTTP methods, as a set. */
export const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

const SPIFFE_PRINCIPAL = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;
export const SPIFFE_EXPECTED = 'must be a SPIFFE principal "<trust domain>/ns/<namespace>/sa/<service account>" without the "spiffe://" scheme and without wildcards, e.g. "cluster.local/ns/istio-system/sa/prometheus"';

/** Parses a SPIFFE-form principal; returns its namespace or undefined when malformed. */
export function principalNamespace(p: string): string | undefined {
  const m = typeof p === 'string' ? SPIFFE_PRINCIPAL.exec(p) : null;
  if (!m) return undefined;
  const [, td, ns, sa] = m;
  if (!isDnsSubdomain(td) || !isDnsLabel(ns) || !isDnsSubdomain(sa)) return undefined;
  return ns;
}

// ---- condition keys (`when`) ----------------------------------------------------------------------------------------
//
// Istio validates every condition by its key (AuthorizationPolicy admission): the values of the address keys must be
// IP addresses or CIDR blocks, those of destination.port port numbers, source.serviceAccount and source.trustDomain have
// their own forms, keys with a name part need the bracket form, some keys of the old v1alpha1 API are refused by
// name, and any other key is unknown. The table below is the one place these rules live.

/** One condition key Istio accepts, and what its values must be. */
export interface ConditionKey {
  /** The key as users read it in messages. */
  readonly shown: string;
  readonly pattern: RegExp;
  /** First Istio minor release that knows the key. @default - every supported release */
  readonly since?: number;
  /** Most values Istio accepts per list. @default - no limit */
  readonly maxValues?: number;
  /** Checks one value; returns what would be valid when it is bad. */
  readonly value?: (v: string) => string | undefined;
}

const IP_OR_CIDR = (v: string) => (isIP(v) || isCidr(v) ? undefined
  : 'must be an IP address or a CIDR block such as "10.0.0.1", "10.0.0.0/8", "2001:db8::1" or "fd00::/8" (Istio refuses anything else for this key)');

const PORT_TEXT = (v: string) => (/^[1-9][0-9]{0,4}$/.test(v) && Number(v) <= 65535 ? undefined
  : 'must be a port number from 1 to 65535 written in decimal, e.g. "8080" (Istio refuses anything else for destination.port)');

/** `<serviceAccount>` or `<namespace>/<serviceAccount>`, no wildcard (Istio's form; names as Kubernetes has them). */
const SERVICE_ACCOUNT = (v: string) => {
  const parts = v.split('/');
  const ok = v.length <= 320 && ((parts.length === 1 && isDnsSubdomain(parts[0])) || (parts.length === 2 && isDnsLabel(parts[0]) && isDnsSubdomain(parts[1])));
  return ok ? undefined : 'must be "<serviceAccount>" or "<namespace>/<serviceAccount>" without wildcards, e.g. "prod/reviews" (Istio\'s form for source.serviceAccount)';
};

/** A trust domain with at most one `*`, only at its start or end, and no "/" (Istio's form for source.trustDomain). */
const TRUST_DOMAIN = (v: string) => {
  const stars = v.split('*').length - 1;
  const ok = !v.includes('/') && !/\s/.test(v) && (stars === 0 || (stars === 1 && (v.startsWith('*') || v.endsWith('*'))));
  return ok ? undefined : 'must be a trust domain such as "cluster.local", with at most one "*" and only at its start or end ("*.example.org", "prod-*"), and no "/"';
};

const CONDITION_KEYS: readonly ConditionKey[] = [
  { shown: 'request.headers[<name>]', pattern: /^request\.headers\[[^\][\s]+\]$/ },
  { shown: 'source.ip', pattern: /^source\.ip$/, value: IP_OR_CIDR },
  { shown: 'remote.ip', pattern: /^remote\.ip$/, value: IP_OR_CIDR },
  { shown: 'source.namespace', pattern: /^source\.namespace$/ },
  { shown: 'source.serviceAccount', pattern: /^source\.serviceAccount$/, since: 30, maxValues: 16, value: SERVICE_ACCOUNT },
  { shown: 'source.principal', pattern: /^source\.principal$/ },
  { shown: 'source.trustDomain', pattern: /^source\.trustDomain$/, since: 30, value: TRUST_DOMAIN },
  { shown: 'request.auth.principal', pattern: /^request\.auth\.principal$/ },
  { shown: 'request.auth.audiences', pattern: /^request\.auth\.audiences$/ },
  { shown: 'request.auth.presenter', pattern: /^request\.auth\.presenter$/ },
  { shown: 'request.auth.claims[<claim>]', pattern: /^request\.auth\.claims(\[[^\][]+\])+$/ },
  { shown: 'destination.ip', pattern: /^destination\.ip$/, value: IP_OR_CIDR },
  { shown: 'destination.port', pattern: /^destination\.port$/, value: PORT_TEXT },
  { shown: 'connection.sni', pattern: /^connection\.sni$/ },
  { shown: 'experimental.envoy.filters.<filter>[<key>]', pattern: /^experimental\.envoy\.filters\.[^\s[\]]+(\[[^\][]+\])+$/ },
];

/** Keys Istio refuses by name, and why. */
const REFUSED_KEYS: ReadonlyArray<{ readonly pattern: RegExp; readonly why: string }> = [
  { pattern: /^destination\.namespace$/, why: 'is refused by Istio: the policy applies to its own namespace already (metadata.namespace)' },
  { pattern: /^destination\.labels(\[|$)/, why: 'is refused by Istio: select the workloads with the policy\'s selector instead' },
  { pattern: /^destination\.(name|user)$/, why: 'is refused by Istio: it was a key of the old v1alpha1 RBAC API only' },
];

/** Keys with a name part: Istio refuses them without the `<key>[<name>]` form. */
const BRACKET_KEYS: ReadonlyArray<{ readonly prefix: string; readonly shown: string }> = [
  { prefix: 'request.headers', shown: 'request.headers[<name>], e.g. request.headers[x-tenant]' },
  { prefix: 'request.auth.claims', shown: 'request.auth.claims[<claim>], e.g. request.auth.claims[iss] or request.auth.claims[groups]' },
  { prefix: 'experimental.envoy.filters.', shown: 'experimental.envoy.filters.<filter>[<key>], e.g. experimental.envoy.filters.network.mysql_proxy[db.table]' },
];

/** Returns the key's rule, or throws naming what would be valid on `version`. */
export function checkConditionKey(scope: IConstruct, field: string, key: unknown, version: IstioVersion): ConditionKey {
  const known = CONDITION_KEYS.filter((k) => (k.since ?? 0) <= version.minor);
  const list = `must be an Istio condition key (Istio ${version.tag} refuses any other): ${known.map((k) => k.shown).join(', ')}`;
  if (typeof key !== 'string') fail(scope, field, key, list);
  const refused = REFUSED_KEYS.find((r) => r.pattern.test(key));
  if (refused) fail(scope, field, key, refused.why);
  const bracket = BRACKET_KEYS.find((b) => key.startsWith(b.prefix));
  const rule = CONDITION_KEYS.find((k) => k.pattern.test(key));
  if (!rule && bracket) fail(scope, field, key, `must have the form ${bracket.shown}: Istio refuses the key without a name in brackets`);
  if (!rule) fail(scope, field, key, list);
  if ((rule.since ?? 0) > version.minor) {
    fail(scope, field, key, `needs Istio 1.${rule.since}: Istio ${version.tag} does not know this condition key and refuses the policy; match the caller with from[].serviceAccounts or from[].principals instead`);
  }
  return rule;
}

/** Checks a path of `to.operation.paths` / `notPaths`: exact, prefix, suffix, presence, or (1.30) a URI template. */
export function checkAuthzPath(scope: IConstruct, field: string, p: string, version: IstioVersion): string {
  // URI templates ({*}, {**}) in paths came with the 1.30 line.
  const pathTemplates = version.minor >= 30;
  if (typeof p === 'string' && /\{\*\*?\}/.test(p)) {
    // a URI template: {*} is one path segment, {**} the rest of the path (last operator only)
    if (!pathTemplates) fail(scope, field, p, 'uses a path template ({*} or {**}), which Istio 1.20 does not have (it would match the braces literally); use the 1.30 line, or "/prefix/*"');
    const ops = p.match(/\{\*\*?\}/g)!;
    if (!/^(\/([^/*{}\s]+|\{\*\*?\}))+\/?$/.test(p) || ops.slice(0, -1).includes('{**}')) {
      fail(scope, field, p, 'must be a path template of whole segments, e.g. "/api/{*}/info" or "/static/{**}", with {**} only as the last operator and no other "*"');
    }
    return p;
  }
  if (typeof p !== 'string' || !/^[/*]\S*$/.test(p) || !/^(\*|\*?[^*]*|[^*]*\*)$/.test(p)) {
    fail(scope, field, p, `must start with "/" (exact, or "/prefix/*" with the "*" last) or "*" (suffix match "*/suffix", or "*" alone), without spaces; Istio matches a "*" anywhere else literally${pathTemplates ? ' (for one segment use the template "{*}")' : ''}`);
  }
  return p;
}
