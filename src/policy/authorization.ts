import { IConstruct } from 'constructs';
import type * as sec from '../../imports/security.istio.io';
import { checkDnsLabel, checkDnsSubdomain, checkPort, fail, isCidr, isDnsLabel, isDnsSubdomain, isIP } from '../validation';

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

const WHEN_KEY = /^(source\.(ip|namespace|principal)|remote\.ip|destination\.(ip|port)|connection\.sni|request\.auth\.(principal|audiences|presenter)|request\.headers\[[^\][\s]+\]|request\.auth\.claims(\[[^\][]+\])+|experimental\.envoy\.filters\.\S+)$/;

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
export function renderRule(scope: IConstruct, field: string, rule: AuthorizationRule, trustDomain: string, pathTemplates = false): { rule: sec.AuthorizationPolicySpecRules; reach: RuleReach } {
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
    if (!c || typeof c.key !== 'string' || !WHEN_KEY.test(c.key)) {
      fail(scope, `${f}.key`, c?.key, 'must be an Istio condition key: request.headers[<name>], source.ip, remote.ip, source.namespace, source.principal, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[<claim>], destination.ip, destination.port, connection.sni or experimental.envoy.filters.*');
    }
    const strings = (name: 'values' | 'notValues') => nonEmptyList(scope, `${f}.${name}`, c[name])?.map((v, j) => {
      if (typeof v !== 'string') fail(scope, `${f}.${name}[${j}]`, v, 'must be a string');
      return v;
    });
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
