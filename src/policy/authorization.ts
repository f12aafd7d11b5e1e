import { IConstruct } from 'constructs';
import type { AuthorizationPolicySpecRule, AuthorizationPolicySpecRuleFromSource, AuthorizationPolicySpecRuleToOperation } from '../resource/specs.generated';
import { checkAuthzPath, checkConditionKey, HttpMethod, METHODS, principalNamespace, SPIFFE_EXPECTED } from '../security/authorization-rules';
import { checkDnsLabel, checkDnsSubdomain, checkPort, fail, isCidr, isIP } from '../validation';
import type { IstioVersion } from '../version';
import { identityOf, MeshIdentity, workloadPrincipal } from './workload-identity';

export type { HttpMethod } from '../security/authorization-rules';

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
   * Caller workloads, cdk8s-plus Deployments or StatefulSets (or cdk8s-plus ServiceAccounts), rendered as the SPIFFE
   * principal of the ServiceAccount their pods run as (`default` when they name none) in their namespace:
   * `<trustDomain>/ns/<namespace>/sa/<name>`.
   * @default - none
   */
  readonly workloads?: MeshIdentity[];
  /**
   * Caller principals, in SPIFFE form without the `spiffe://` scheme:
   * `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`, e.g. `cluster.local/ns/istio-system/sa/prometheus`.
   * Rendered before the principals of `serviceAccounts`.
   * @default - none
   */
  readonly principals?: string[];
  /** Caller IP addresses or CIDR blocks (the peer address of the connection). @default - any */
  readonly ipBlocks?: string[];
  /** Namespaces the caller must not run in. @default - none */
  readonly notNamespaces?: string[];
  /** Principals (SPIFFE form, as `principals`) the caller must not have. @default - none */
  readonly notPrincipals?: string[];
  /** Peer addresses (IPs or CIDR blocks) the caller must not connect from. @default - none */
  readonly notIpBlocks?: string[];
  /**
   * Original client addresses (IPs or CIDR blocks), as the `X-Forwarded-For` header or the proxy protocol give them
   * behind a gateway. @default - any
   */
  readonly remoteIpBlocks?: string[];
  /** Original client addresses the caller must not come from. @default - none */
  readonly notRemoteIpBlocks?: string[];
  /**
   * Request principals of a validated JWT, `<iss>/<sub>` (a `RequestAuthentication` validates the token);
   * `*` means any authenticated request. @default - any
   */
  readonly requestPrincipals?: string[];
  /** Request principals the caller must not have. @default - none */
  readonly notRequestPrincipals?: string[];
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
  /** Ports that must not be called. @default - none */
  readonly notPorts?: number[];
  /** HTTP methods that must not be used. @default - none */
  readonly notMethods?: HttpMethod[];
  /** Paths that must not be requested (same forms as `paths`). @default - none */
  readonly notPaths?: string[];
  /** Hosts that must not be requested. @default - none */
  readonly notHosts?: string[];
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
 * One rule of a policy: a request matches when it matches some `from` source AND some `to` operation AND every
 * `when` condition (then an ALLOW policy allows it, a DENY policy denies it, an AUDIT policy audits it, a CUSTOM
 * policy asks its provider). An omitted part matches everything, so at least one part must be given (an empty
 * rule would match every request).
 */
export interface AuthorizationRule {
  /** Sources (ORed). @default - any source */
  readonly from?: AuthorizationSource[];
  /** Operations (ORed). @default - any operation */
  readonly to?: AuthorizationOperation[];
  /** Conditions (ANDed). @default - none */
  readonly when?: AuthorizationCondition[];
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

const SOURCE_FIELDS: ReadonlyArray<keyof AuthorizationSource> = [
  'namespaces', 'serviceAccounts', 'workloads', 'principals', 'ipBlocks', 'notNamespaces', 'notPrincipals', 'notIpBlocks', 'remoteIpBlocks',
  'notRemoteIpBlocks', 'requestPrincipals', 'notRequestPrincipals',
];
const OPERATION_FIELDS: ReadonlyArray<keyof AuthorizationOperation> = ['ports', 'methods', 'paths', 'hosts', 'notPorts', 'notMethods', 'notPaths', 'notHosts'];

/** `{ [name]: value }` when the value is given, else nothing (for spreading into a rendered object). */
function optional<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: V };
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
export function renderRule(scope: IConstruct, field: string, rule: AuthorizationRule, trustDomain: string, version: IstioVersion): { rule: AuthorizationPolicySpecRule; reach: RuleReach } {
  if (!rule || typeof rule !== 'object' || (rule.from === undefined && rule.to === undefined && rule.when === undefined)) {
    fail(scope, field, rule, 'must name at least one of from, to or when: an empty rule allows every request');
  }
  const namespaces: string[] = [];
  const cidrs: string[] = [];

  let anySource = rule.from === undefined;
  const from = nonEmptyList(scope, `${field}.from`, rule.from)?.map((src, i) => {
    const f = `${field}.from[${i}]`;
    if (!src || typeof src !== 'object' || Object.values(src).every((v) => v === undefined)) {
      fail(scope, f, src, `must set at least one of ${SOURCE_FIELDS.join(', ')}`);
    }
    const list = (name: keyof AuthorizationSource) => nonEmptyList(scope, `${f}.${name}`, src[name] as string[] | undefined);
    const srcNamespaces = list('namespaces')?.map((n, j) => checkDnsLabel(scope, `${f}.namespaces[${j}]`, n));
    const notNamespaces = list('notNamespaces')?.map((n, j) => checkDnsLabel(scope, `${f}.notNamespaces[${j}]`, n));
    const spiffe = (name: 'principals' | 'notPrincipals') => list(name)?.map((p, j) => {
      if (principalNamespace(p) === undefined) fail(scope, `${f}.${name}[${j}]`, p, SPIFFE_EXPECTED);
      return p;
    });
    const principals = spiffe('principals') ?? [];
    const notPrincipals = spiffe('notPrincipals');
    const principalNs = principals.map((p) => principalNamespace(p)!);
    nonEmptyList(scope, `${f}.serviceAccounts`, src.serviceAccounts)?.forEach((sa, j) => {
      checkDnsLabel(scope, `${f}.serviceAccounts[${j}].namespace`, sa?.namespace);
      checkDnsSubdomain(scope, `${f}.serviceAccounts[${j}].name`, sa?.name);
      principals.push(`${trustDomain}/ns/${sa.namespace}/sa/${sa.name}`);
      principalNs.push(sa.namespace);
    });
    nonEmptyList(scope, `${f}.workloads`, src.workloads)?.forEach((w, j) => {
      const id = identityOf(scope, `${f}.workloads[${j}]`, w);
      principals.push(workloadPrincipal(trustDomain, id));
      principalNs.push(id.namespace);
    });
    const addresses = (name: 'ipBlocks' | 'notIpBlocks' | 'remoteIpBlocks' | 'notRemoteIpBlocks') => list(name)?.map((b, j) => {
      if (!isCidr(b) && !isIP(b)) fail(scope, `${f}.${name}[${j}]`, b, 'must be an IP address or a CIDR block such as "10.0.0.0/8"');
      return b;
    });
    const ipBlocks = addresses('ipBlocks');
    const requestPrincipal = (name: 'requestPrincipals' | 'notRequestPrincipals') => list(name)?.map((p, j) => {
      if (typeof p !== 'string' || p === '' || /\s/.test(p)) fail(scope, `${f}.${name}[${j}]`, p, 'must be "<issuer>/<subject>" of a validated JWT (or "*", or with a leading/trailing "*"), without spaces');
      return p;
    });
    // The NetworkPolicy can only narrow to what this source pins; fields are ANDed, so the most
    // specific of them decides (an address beats a namespace). A source that pins no peer (only
    // exclusions, JWT principals or original-client addresses) may come from anywhere.
    if (ipBlocks) cidrs.push(...ipBlocks.map((b) => (isCidr(b) ? b : `${b}/${b.includes(':') ? 128 : 32}`)));
    else if (srcNamespaces || principalNs.length > 0) namespaces.push(...(srcNamespaces ?? principalNs));
    else anySource = true;
    const source: AuthorizationPolicySpecRuleFromSource = {
      ...(srcNamespaces ? { namespaces: srcNamespaces } : {}),
      ...(notNamespaces ? { notNamespaces } : {}),
      ...(principals.length > 0 ? { principals } : {}),
      ...(notPrincipals ? { notPrincipals } : {}),
      ...(ipBlocks ? { ipBlocks } : {}),
      ...optional('notIpBlocks', addresses('notIpBlocks')),
      ...optional('remoteIpBlocks', addresses('remoteIpBlocks')),
      ...optional('notRemoteIpBlocks', addresses('notRemoteIpBlocks')),
      ...optional('requestPrincipals', requestPrincipal('requestPrincipals')),
      ...optional('notRequestPrincipals', requestPrincipal('notRequestPrincipals')),
    };
    return { source };
  });

  let allPorts = rule.to !== undefined;
  const ports: number[] = [];
  const to = nonEmptyList(scope, `${field}.to`, rule.to)?.map((op, i) => {
    const f = `${field}.to[${i}]`;
    if (!op || typeof op !== 'object' || Object.values(op).every((v) => v === undefined)) {
      fail(scope, f, op, `must set at least one of ${OPERATION_FIELDS.join(', ')}`);
    }
    const portList = (name: 'ports' | 'notPorts') => nonEmptyList(scope, `${f}.${name}`, op[name])?.map((p, j) => checkPort(scope, `${f}.${name}[${j}]`, p));
    const opPorts = portList('ports');
    if (opPorts) ports.push(...opPorts);
    else allPorts = false;
    const methodList = (name: 'methods' | 'notMethods') => nonEmptyList(scope, `${f}.${name}`, op[name])?.map((m, j) => {
      if (!METHODS.has(m)) fail(scope, `${f}.${name}[${j}]`, m, `must be one of ${[...METHODS].join(', ')} (upper case; gRPC is POST)`);
      return m;
    });
    const pathList = (name: 'paths' | 'notPaths') => nonEmptyList(scope, `${f}.${name}`, op[name])?.map((p, j) => checkAuthzPath(scope, `${f}.${name}[${j}]`, p, version));
    const hostList = (name: 'hosts' | 'notHosts') => nonEmptyList(scope, `${f}.${name}`, op[name])?.map((h, j) => {
      if (typeof h !== 'string' || !/^\S+$/.test(h)) fail(scope, `${f}.${name}[${j}]`, h, 'must be a host such as "api.example.com" or "*.example.com", without spaces');
      return h;
    });
    const notPorts = portList('notPorts');
    const operation: AuthorizationPolicySpecRuleToOperation = {
      ...optional('hosts', hostList('hosts')),
      ...optional('notHosts', hostList('notHosts')),
      ...optional('methods', methodList('methods')),
      ...optional('notMethods', methodList('notMethods')),
      ...optional('paths', pathList('paths')),
      ...optional('notPaths', pathList('notPaths')),
      ...(opPorts ? { ports: opPorts.map(String) } : {}),
      ...(notPorts ? { notPorts: notPorts.map(String) } : {}),
    };
    return { operation };
  });

  const when = nonEmptyList(scope, `${field}.when`, rule.when)?.map((c, i) => {
    const f = `${field}.when[${i}]`;
    const key = checkConditionKey(scope, `${f}.key`, c?.key, version);
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
    reach: { namespaces, cidrs, ports: allPorts ? ports : undefined, anySource },
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
