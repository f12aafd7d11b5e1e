import { IConstruct } from 'constructs';
import type * as sec from '../../imports/security.istio.io';
import { checkDnsLabel, checkDnsSubdomain, checkPort, fail, isCidr, isDnsLabel, isDnsSubdomain, isIP } from '../validation';
import type { IstioVersion } from '../version';

/** HTTP methods an authorization rule can name (gRPC calls are `POST`). */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'CONNECT' | 'OPTIONS' | 'TRACE' | 'PATCH';

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** A Kubernetes ServiceAccount, by namespace and name. */
export interface ServiceAccountRef {
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** Name of the ServiceAccount. */
  readonly name: string;
}

/**
 * Who may call (one `from.source` of an AuthorizationPolicy rule). Fields are ANDed; a rule's
 * sources are ORed. At least one field must be set.
 */
export interface AuthorizationSource {
  /** Namespaces the caller runs in (needs mTLS). @default - any namespace */
  readonly namespaces?: string[];
  /**
   * Caller ServiceAccounts, rendered as SPIFFE principals `<trustDomain>/ns/<namespace>/sa/<name>`
   * with the trust domain of the mesh (`istiod.trustDomain`).
   * @default - none
   */
  readonly serviceAccounts?: ServiceAccountRef[];
  /**
   * Caller principals, in SPIFFE form without the `spiffe://` scheme:
   * `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`, e.g. `cluster.local/ns/istio-system/sa/prometheus`.
   * Rendered before the principals of `serviceAccounts`.
   * @default - none
   */
  readonly principals?: string[];
  /** Caller IP addresses or CIDR blocks (the peer address of the connection). @default - any */
  readonly ipBlocks?: string[];
}

/** What may be called (one `to.operation`). Fields are ANDed; a rule's operations are ORed. */
export interface AuthorizationOperation {
  /** Destination ports of the workload (1-65535). @default - any port */
  readonly ports?: number[];
  /** HTTP methods. @default - any method */
  readonly methods?: HttpMethod[];
  /** Request paths: exact (`/healthz`), prefix (`/api/*`) or suffix (`*\/info`). @default - any path */
  readonly paths?: string[];
  /** Request hosts (`Host`/`:authority`), exact or with a leading/trailing `*`. @default - any host */
  readonly hosts?: string[];
}

/** An extra condition (`when`) of a rule, e.g. `{ key: 'request.headers[x-tenant]', values: ['acme'] }`. */
export interface AuthorizationCondition {
  /**
   * An Istio condition key: `request.headers[<name>]`, `source.ip`, `remote.ip`, `source.namespace`,
   * `source.principal`, `request.auth.principal`, `request.auth.audiences`, `request.auth.presenter`,
   * `request.auth.claims[<claim>]`, `destination.ip`, `destination.port`, `connection.sni` or
   * `experimental.envoy.filters.*`.
   */
  readonly key: string;
  /** Values of which one must match. @default - none (then `notValues` is required) */
  readonly values?: string[];
  /** Values none of which may match. @default - none */
  readonly notValues?: string[];
}

/**
 * One rule of an ALLOW policy: a request is allowed when it matches some `from` source AND some
 * `to` operation AND every `when` condition. An omitted part matches everything, so at least one part
 * must be given (an empty rule would allow every request).
 */
export interface AuthorizationRule {
  /** Sources (ORed). @default - any source */
  readonly from?: AuthorizationSource[];
  /** Operations (ORed). @default - any operation */
  readonly to?: AuthorizationOperation[];
  /** Conditions (ANDed). @default - none */
  readonly when?: AuthorizationCondition[];
}

const SPIFFE_PRINCIPAL = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;
const SPIFFE_EXPECTED = 'must be a SPIFFE principal "<trust domain>/ns/<namespace>/sa/<service account>" without the "spiffe://" scheme and without wildcards, e.g. "cluster.local/ns/istio-system/sa/prometheus"';

/** Parses a SPIFFE-form principal; returns its namespace or undefined when malformed. */
function principalNamespace(p: string): string | undefined {
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
interface ConditionKey {
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
function conditionKey(scope: IConstruct, field: string, key: unknown, version: IstioVersion): ConditionKey {
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

/** What a rendered rule needs from the NetworkPolicy: the namespaces and addresses it names, and its ports. */
export interface RuleReach {
  /** Namespaces named by the sources (directly, or through principals and service accounts). */
  readonly namespaces: string[];
  /** CIDR blocks named by the sources. */
  readonly cidrs: string[];
  /** Destination ports when every operation names ports; otherwise undefined (any port). */
  readonly ports?: number[];
  /** True when the rule names no source (`from` left out): it admits requests from anywhere. */
  readonly anySource: boolean;
}

function nonEmptyList<T>(scope: IConstruct, field: string, v: T[] | undefined): T[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0) fail(scope, field, v, 'must be a non-empty list when given');
  return v;
}

/**
 * Renders one typed rule to the AuthorizationPolicy shape, validating as it goes.
 * @internal
 */
export function renderRule(scope: IConstruct, field: string, rule: AuthorizationRule, trustDomain: string, version: IstioVersion): { rule: sec.AuthorizationPolicySpecRules; reach: RuleReach } {
  // URI templates ({*}, {**}) in paths came with the 1.30 line.
  const pathTemplates = version.minor >= 30;
  if (!rule || typeof rule !== 'object' || (rule.from === undefined && rule.to === undefined && rule.when === undefined)) {
    fail(scope, field, rule, 'must name at least one of from, to or when: an empty rule allows every request');
  }
  const namespaces: string[] = [];
  const cidrs: string[] = [];

  const from = nonEmptyList(scope, `${field}.from`, rule.from)?.map((src, i) => {
    const f = `${field}.from[${i}]`;
    if (!src || (src.namespaces === undefined && src.serviceAccounts === undefined && src.principals === undefined && src.ipBlocks === undefined)) {
      fail(scope, f, src, 'must set at least one of namespaces, serviceAccounts, principals or ipBlocks');
    }
    const srcNamespaces = nonEmptyList(scope, `${f}.namespaces`, src.namespaces)?.map((n, j) => checkDnsLabel(scope, `${f}.namespaces[${j}]`, n));
    const principals: string[] = [];
    nonEmptyList(scope, `${f}.principals`, src.principals)?.forEach((p, j) => {
      const ns = principalNamespace(p);
      if (ns === undefined) fail(scope, `${f}.principals[${j}]`, p, SPIFFE_EXPECTED);
      principals.push(p);
    });
    const principalNs = principals.map((p) => principalNamespace(p)!);
    nonEmptyList(scope, `${f}.serviceAccounts`, src.serviceAccounts)?.forEach((sa, j) => {
      checkDnsLabel(scope, `${f}.serviceAccounts[${j}].namespace`, sa?.namespace);
      checkDnsSubdomain(scope, `${f}.serviceAccounts[${j}].name`, sa?.name);
      principals.push(`${trustDomain}/ns/${sa.namespace}/sa/${sa.name}`);
      principalNs.push(sa.namespace);
    });
    const ipBlocks = nonEmptyList(scope, `${f}.ipBlocks`, src.ipBlocks)?.map((b, j) => {
      if (!isCidr(b) && !isIP(b)) fail(scope, `${f}.ipBlocks[${j}]`, b, 'must be an IP address or a CIDR block such as "10.0.0.0/8"');
      return b;
    });
    // The NetworkPolicy can only narrow to what this source pins; fields are ANDed, so the most
    // specific of them decides (an address beats a namespace).
    if (ipBlocks) cidrs.push(...ipBlocks.map((b) => (isCidr(b) ? b : `${b}/${b.includes(':') ? 128 : 32}`)));
    else if (srcNamespaces || principalNs.length > 0) namespaces.push(...(srcNamespaces ?? principalNs));
    const source: sec.AuthorizationPolicySpecRulesFromSource = {
      ...(srcNamespaces ? { namespaces: srcNamespaces } : {}),
      ...(principals.length > 0 ? { principals } : {}),
      ...(ipBlocks ? { ipBlocks } : {}),
    };
    return { source };
  });

  let allPorts = rule.to !== undefined;
  const ports: number[] = [];
  const to = nonEmptyList(scope, `${field}.to`, rule.to)?.map((op, i) => {
    const f = `${field}.to[${i}]`;
    if (!op || (op.ports === undefined && op.methods === undefined && op.paths === undefined && op.hosts === undefined)) {
      fail(scope, f, op, 'must set at least one of ports, methods, paths or hosts');
    }
    const opPorts = nonEmptyList(scope, `${f}.ports`, op.ports)?.map((p, j) => checkPort(scope, `${f}.ports[${j}]`, p));
    if (opPorts) ports.push(...opPorts);
    else allPorts = false;
    const methods = nonEmptyList(scope, `${f}.methods`, op.methods)?.map((m, j) => {
      if (!METHODS.has(m)) fail(scope, `${f}.methods[${j}]`, m, `must be one of ${[...METHODS].join(', ')} (upper case; gRPC is POST)`);
      return m;
    });
    const paths = nonEmptyList(scope, `${f}.paths`, op.paths)?.map((p, j) => {
      if (typeof p === 'string' && /\{\*\*?\}/.test(p)) {
        // a URI template: {*} is one path segment, {**} the rest of the path (last operator only)
        if (!pathTemplates) fail(scope, `${f}.paths[${j}]`, p, 'uses a path template ({*} or {**}), which Istio 1.20 does not have (it would match the braces literally); use the 1.30 line, or "/prefix/*"');
        const ops = p.match(/\{\*\*?\}/g)!;
        if (!/^(\/([^/*{}\s]+|\{\*\*?\}))+\/?$/.test(p) || ops.slice(0, -1).includes('{**}')) {
          fail(scope, `${f}.paths[${j}]`, p, 'must be a path template of whole segments, e.g. "/api/{*}/info" or "/static/{**}", with {**} only as the last operator and no other "*"');
        }
        return p;
      }
      if (typeof p !== 'string' || !/^[/*]\S*$/.test(p) || !/^(\*|\*?[^*]*|[^*]*\*)$/.test(p)) {
        fail(scope, `${f}.paths[${j}]`, p, `must start with "/" (exact, or "/prefix/*" with the "*" last) or "*" (suffix match "*/suffix", or "*" alone), without spaces; Istio matches a "*" anywhere else literally${pathTemplates ? ' (for one segment use the template "{*}")' : ''}`);
      }
      return p;
    });
    const hosts = nonEmptyList(scope, `${f}.hosts`, op.hosts)?.map((h, j) => {
      if (typeof h !== 'string' || !/^\S+$/.test(h)) fail(scope, `${f}.hosts[${j}]`, h, 'must be a host such as "api.example.com" or "*.example.com", without spaces');
      return h;
    });
    const operation: sec.AuthorizationPolicySpecRulesToOperation = {
      ...(hosts ? { hosts } : {}),
      ...(methods ? { methods } : {}),
      ...(paths ? { paths } : {}),
      ...(opPorts ? { ports: opPorts.map(String) } : {}),
    };
    return { operation };
  });

  const when = nonEmptyList(scope, `${field}.when`, rule.when)?.map((c, i) => {
    const f = `${field}.when[${i}]`;
    const key = conditionKey(scope, `${f}.key`, c?.key, version);
    const strings = (name: 'values' | 'notValues') => {
      const list = nonEmptyList(scope, `${f}.${name}`, c[name]);
      if (list && key.maxValues !== undefined && list.length > key.maxValues) {
        fail(scope, `${f}.${name}`, list, `must list at most ${key.maxValues} values for ${key.shown} (Istio's limit)`);
      }
      return list?.map((v, j) => {
        if (typeof v !== 'string' || v === '') fail(scope, `${f}.${name}[${j}]`, v, 'must be a non-empty string');
        const bad = key.value?.(v);
        if (bad !== undefined) fail(scope, `${f}.${name}[${j}]`, v, bad);
        return v;
      });
    };
    const values = strings('values');
    const notValues = strings('notValues');
    if (!values && !notValues) fail(scope, f, c, 'must set values or notValues');
    return { key: c.key, ...(values ? { values } : {}), ...(notValues ? { notValues } : {}) };
  });

  return {
    rule: { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(when ? { when } : {}) },
    reach: { namespaces, cidrs, ports: allPorts ? ports : undefined, anySource: from === undefined },
  };
}

/**
 * Checks a principal is SPIFFE-form.
 * @internal
 */
export function checkPrincipal(scope: IConstruct, field: string, p: string): string {
  if (principalNamespace(p) === undefined) fail(scope, field, p, SPIFFE_EXPECTED);
  return p;
}
