/**
 * Rules several networking kinds share, as Istio's validating webhook applies them (facts read from
 * pkg/config/validation; the code is ours): protocols, port names, unix domain sockets, host forms of Gateways and
 * Sidecars, workload selectors, server TLS settings and connection pools.
 *
 * @internal
 */
import { IConstruct } from 'constructs';
import { checkDuration, checkLabels, checkPort, fail, isDnsLabel, isIP } from '../validation';

/** Protocols Istio knows (it compares case-insensitively); anything else is "unsupported protocol". */
const PROTOCOLS = ['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-Web', 'HTTP_PROXY', 'TCP', 'TLS', 'UDP', 'Mongo', 'Redis', 'MySQL'] as const;

/** A protocol as Istio reads it. */
export type IstioProtocol = typeof PROTOCOLS[number];

/** The protocol `value` names (case-insensitive, as Istio parses it), or undefined when Istio does not know it. */
export function parseProtocol(value: string | undefined): IstioProtocol | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  return PROTOCOLS.find((p) => p.toLowerCase() === v);
}

/** Protocols Istio treats as HTTP. */
export function isHttpProtocol(p: IstioProtocol | undefined): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

/** Protocols Istio treats as TLS (HTTPS, TLS). */
export function isTlsProtocol(p: IstioProtocol | undefined): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

const PROTOCOL_LIST = PROTOCOLS.join(', ');

/** Checks a port protocol; `optional` lets an empty or missing one through (Istio then sniffs the protocol). */
export function checkProtocol(scope: IConstruct, field: string, value: string | undefined, optional: boolean): void {
  if ((value === undefined || value === '') && optional) return;
  if (!parseProtocol(value)) fail(scope, field, value, `must be a protocol Istio knows: ${PROTOCOL_LIST} (case-insensitive)`);
}

const ISTIO_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** A DNS-1123 label as Istio reads it (upper-case letters allowed). */
export function isIstioLabel(v: string): boolean {
  return typeof v === 'string' && v.length <= 63 && ISTIO_LABEL.test(v);
}

/** Checks a port name: a DNS-1123 label (letters, digits and "-"), as Istio requires of port names. */
export function checkPortName(scope: IConstruct, field: string, name: string): void {
  if (!isIstioLabel(name) || name.length >= 63) {
    fail(scope, field, name, 'must be a port name: a DNS-1123 label of fewer than 63 letters, digits and "-", starting and ending with a letter or digit, e.g. "http" or "tcp-db"');
  }
}

/** The `unix://` prefix of a unix domain socket address. */
export const UNIX_PREFIX = 'unix://';

/** Checks a unix domain socket address (with its `unix://` prefix): an absolute file path, or `@name` (abstract). */
export function checkUnixAddress(scope: IConstruct, field: string, value: string): void {
  const path = value.slice(UNIX_PREFIX.length);
  if (path.startsWith('@') && path.length > 1) return;
  if (!path.startsWith('/') || path.endsWith('/')) {
    fail(scope, field, value, 'must be "unix://" and an absolute path to a file (not a directory, so not ending in "/"), or "unix://@name" for an abstract socket');
  }
}

const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

/** Istio's DNS-1123 checks of the labels of a name: each a label, the top-level one not all digits; a trailing dot is allowed. */
function dnsLabelsValid(domain: string): boolean {
  const parts = domain.split('.');
  if (/^[0-9]+$/.test(parts[parts.length - 1])) return false;
  return parts.every((l, i) => (i === parts.length - 1 && l === '' && i > 0) || isIstioLabel(l));
}

/** True for a fully qualified (or short) DNS name without wildcards, as Istio's FQDN check reads it. */
export function isFqdn(v: string): boolean {
  return typeof v === 'string' && v.length > 0 && v.length <= 255 && dnsLabelsValid(v);
}

/** True for a DNS name whose first label may be a wildcard (`*`, `*.example.com`, `*-svc.example.com`), as Istio reads it. */
export function isWildcardDomain(v: string): boolean {
  if (typeof v !== 'string' || v.length === 0 || v.length > 255) return false;
  const dot = v.indexOf('.');
  const first = dot < 0 ? v : v.slice(0, dot);
  if (first.length > 63 || !WILDCARD_LABEL.test(first)) return false;
  return dot < 0 || dnsLabelsValid(v.slice(dot + 1));
}

/**
 * Checks a host of a Gateway server (`isGateway`) or of a Sidecar egress listener: `<namespace>/<dnsName>` (a
 * Gateway may leave the namespace out). The namespace is `*`, `.` (Sidecars also `~`) or a namespace name; the name
 * is `*`, a fully qualified name with an optional `*.` wildcard (a Gateway also takes an IP address), never a short
 * name nor a partial wildcard such as `*foo.com`.
 */
export function checkNamespacedHost(scope: IConstruct, field: string, value: string, isGateway: boolean): void {
  const form = isGateway
    ? '"[<namespace>/]<host>": namespace "*", "." or a namespace name; host "*", a fully qualified name such as "bookinfo.example.com" or "*.example.com", or an IP address'
    : '"<namespace>/<host>": namespace "*", ".", "~" or a namespace name; host "*" or a fully qualified name such as "*.example.com" or "reviews.prod.svc.cluster.local"';
  if (typeof value !== 'string') fail(scope, field, value, `must be a host ${form}`);
  const slash = value.indexOf('/');
  if (slash < 0 && !isGateway) fail(scope, field, value, `must be of the form ${form}`);
  const ns = slash < 0 ? undefined : value.slice(0, slash);
  const host = slash < 0 ? value : value.slice(slash + 1);
  if (ns !== undefined) {
    if (ns === '' || host === '') fail(scope, field, value, `must name both namespace and host: ${form}`);
    const special = ns === '*' || ns === '.' || (!isGateway && ns === '~');
    if (!special && !isDnsLabel(ns)) fail(scope, field, value, `has an invalid namespace "${ns}": ${form}`);
  }
  if (host !== '*' && !host.includes('.')) {
    fail(scope, field, value, `must not use a short name ("${host}"): Istio wants a fully qualified name here, such as "${host}.<namespace>.svc.cluster.local"`);
  }
  if (!isWildcardDomain(host) && !(isGateway && isIP(host))) fail(scope, field, value, `has an invalid host "${host}": ${form}`);
  if (host.includes('*') && host !== '*' && !host.startsWith('*.')) {
    fail(scope, field, value, `must not use a partial wildcard ("${host}"): only "*" alone or a leading "*." label`);
  }
}

/**
 * Checks the labels of a workload selector: no empty key and no `*` in keys or values (Istio does not match on
 * wildcards), then the Kubernetes label syntax.
 */
export function checkSelectorLabels(scope: IConstruct, field: string, labels: { readonly [key: string]: string } | undefined): void {
  if (labels === undefined) return;
  for (const [k, v] of Object.entries(labels)) {
    if (k === '') fail(scope, `${field} key`, k, 'must not be empty: a selector matches on label keys');
    if (k.includes('*') || (typeof v === 'string' && v.includes('*'))) {
      fail(scope, `${field}.${k}`, `${k}=${v}`, 'must not contain "*": a workload selector matches labels exactly, wildcards are not supported');
    }
  }
  checkLabels(scope, field, labels as Record<string, string>);
}

/** The TLS settings of a Gateway server or a Sidecar ingress listener (shared shape of both kinds). */
export interface ServerTlsLike {
  readonly mode?: string;
  readonly credentialName?: string;
  readonly credentialNames?: readonly string[];
  readonly serverCertificate?: string;
  readonly privateKey?: string;
  readonly caCertificates?: string;
  readonly caCrl?: string;
  readonly tlsCertificates?: ReadonlyArray<{ readonly serverCertificate?: string; readonly privateKey?: string; readonly caCertificates?: string }>;
}

/** The TLS mode of settings (Istio's default, the zero value, is PASSTHROUGH). */
export function tlsMode(tls: ServerTlsLike): string {
  return tls.mode ?? 'PASSTHROUGH';
}

/**
 * Checks server TLS settings (Gateway servers, Sidecar ingress): ISTIO_MUTUAL takes no certificates of its own; one
 * certificate source at most; SIMPLE, MUTUAL and OPTIONAL_MUTUAL without a credential need a server certificate and
 * key (MUTUAL modes also a client CA bundle); a CRL only with file certificates and not with SIMPLE (stricter than the
 * webhook, which lets a CRL beside a credentialName through in the terminating modes although it is not used).
 */
export function checkServerTls(scope: IConstruct, field: string, tls: ServerTlsLike): void {
  const mode = tlsMode(tls);
  const credentialNames = tls.credentialNames ?? [];
  const tlsCertificates = tls.tlsCertificates ?? [];
  if (mode === 'ISTIO_MUTUAL') {
    const own: Array<[string, boolean]> = [
      ['serverCertificate', !!tls.serverCertificate], ['privateKey', !!tls.privateKey], ['caCertificates', !!tls.caCertificates],
      ['tlsCertificates', tlsCertificates.length > 0], ['credentialName', !!tls.credentialName], ['credentialNames', credentialNames.length > 0],
    ];
    for (const [k, set] of own) {
      if (set) fail(scope, `${field}.${k}`, (tls as Record<string, unknown>)[k], 'must be left out with mode ISTIO_MUTUAL: the mesh\'s own workload certificates are used');
    }
    return;
  }
  const sources = [
    tls.serverCertificate && tls.privateKey ? 'serverCertificate/privateKey' : undefined,
    tls.credentialName ? 'credentialName' : undefined,
    credentialNames.length > 0 ? 'credentialNames' : undefined,
    tlsCertificates.length > 0 ? 'tlsCertificates' : undefined,
  ].filter((s): s is string => s !== undefined);
  if (sources.length > 1) {
    fail(scope, field, sources.join(', '), 'must name one certificate source only: credentialName, credentialNames, serverCertificate with privateKey, or tlsCertificates');
  }
  // Istio's webhook skips this check for the terminating modes with a credential, but ignores the file CRL there too
  if (tls.caCrl) {
    if (tls.credentialName) fail(scope, `${field}.caCrl`, tls.caCrl, 'must be left out with credentialName: the CRL is then read from the credential (key ca.crl)');
    if (mode === 'SIMPLE') fail(scope, `${field}.caCrl`, tls.caCrl, 'must be left out with mode SIMPLE: a CRL applies to client certificates (MUTUAL modes)');
  }
  const terminating = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (terminating && (tls.credentialName || credentialNames.length > 0)) return;
  if (terminating) {
    const what = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !tls.caCertificates) {
      fail(scope, `${field}.caCertificates`, tls.caCertificates, `must be set: ${what} (mode ${mode}) without a credentialName needs a client CA bundle file`);
    }
    const certs = tlsCertificates.length > 0 ? tlsCertificates.map((c, i) => ({ c, at: `${field}.tlsCertificates[${i}]` })) : [{ c: tls, at: field }];
    for (const { c, at } of certs) {
      if (!c.serverCertificate) fail(scope, `${at}.serverCertificate`, c.serverCertificate, `must be set: mode ${mode} terminates TLS and needs a server certificate (or give credentialName, a Secret holding it)`);
      if (!c.privateKey) fail(scope, `${at}.privateKey`, c.privateKey, `must be set: mode ${mode} terminates TLS and needs a private key (or give credentialName, a Secret holding it)`);
    }
  }
}

/** A connection pool of a Sidecar (inbound) or DestinationRule (shared shape). */
export interface ConnectionPoolLike {
  readonly http?: {
    readonly http1MaxPendingRequests?: number;
    readonly http2MaxRequests?: number;
    readonly maxRequestsPerConnection?: number;
    readonly maxRetries?: number;
    readonly maxConcurrentStreams?: number;
    readonly idleTimeout?: string;
    readonly h2UpgradePolicy?: string;
    readonly useClientProtocol?: boolean;
  };
  readonly tcp?: {
    readonly maxConnections?: number;
    readonly connectTimeout?: string;
    readonly maxConnectionDuration?: string;
    readonly idleTimeout?: string;
    readonly tcpKeepalive?: { readonly time?: string; readonly interval?: string };
  };
}

/** Checks connection pool settings: at least one of http and tcp, counts not negative, durations of 1ms or more. */
export function checkConnectionPool(scope: IConstruct, field: string, cp: ConnectionPoolLike | undefined): void {
  if (cp === undefined) return;
  if (!cp.http && !cp.tcp) fail(scope, field, cp, 'must set http or tcp settings (an empty connection pool says nothing)');
  const h = cp.http;
  if (h) {
    for (const k of ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'maxConcurrentStreams'] as const) {
      const v = h[k];
      if (v !== undefined && v < 0) fail(scope, `${field}.http.${k}`, v, 'must not be negative');
    }
    if (h.idleTimeout !== undefined) checkDuration(scope, `${field}.http.idleTimeout`, h.idleTimeout);
    if (h.h2UpgradePolicy === 'UPGRADE' && h.useClientProtocol) {
      fail(scope, `${field}.http.useClientProtocol`, h.useClientProtocol, 'must not be true with h2UpgradePolicy UPGRADE (the two say different things about the upstream protocol)');
    }
  }
  const t = cp.tcp;
  if (t) {
    if (t.maxConnections !== undefined && t.maxConnections < 0) fail(scope, `${field}.tcp.maxConnections`, t.maxConnections, 'must not be negative');
    if (t.connectTimeout !== undefined) checkDuration(scope, `${field}.tcp.connectTimeout`, t.connectTimeout);
    if (t.maxConnectionDuration !== undefined) checkDuration(scope, `${field}.tcp.maxConnectionDuration`, t.maxConnectionDuration);
    // 0s turns the idle timeout off
    if (t.idleTimeout !== undefined && !/^0+(\.0+)?(ns|us|µs|ms|s|m|h)$/.test(t.idleTimeout)) checkDuration(scope, `${field}.tcp.idleTimeout`, t.idleTimeout);
    if (t.tcpKeepalive?.time !== undefined) checkDuration(scope, `${field}.tcp.tcpKeepalive.time`, t.tcpKeepalive.time);
    if (t.tcpKeepalive?.interval !== undefined) checkDuration(scope, `${field}.tcp.tcpKeepalive.interval`, t.tcpKeepalive.interval);
  }
}

/**
 * Checks `exportTo` of a namespaced object: each entry `.` (this namespace), `*` (all) or a namespace name (a
 * ServiceEntry also `~`, no one), no duplicates (`.` and the namespace's own name count as one), and `*` or `~`
 * only alone.
 */
export function checkExportTo(scope: IConstruct, field: string, exportTo: readonly string[] | undefined, namespace: string, isServiceEntry: boolean): void {
  if (!exportTo || exportTo.length === 0) return;
  const seen = new Map<string, string>();
  exportTo.forEach((e, i) => {
    const key = e === '.' ? namespace : e;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      fail(scope, `${field}[${i}]`, e, earlier !== e
        ? `duplicates an earlier entry: "." and "${namespace}" both mean this namespace`
        : 'duplicates an earlier entry; list each namespace once');
    }
    const valid = e === '*' || e === '.' || (isServiceEntry && e === '~') || isDnsLabel(e);
    if (!valid) fail(scope, `${field}[${i}]`, e, `must be ".", "*"${isServiceEntry ? ', "~"' : ''} or a namespace name`);
    seen.set(key, e);
  });
  if (exportTo.includes('*') && exportTo.length > 1) fail(scope, field, exportTo, 'must not combine "*" (every namespace) with other entries');
  if (exportTo.includes('~') && exportTo.length > 1) fail(scope, field, exportTo, 'must not combine "~" (no namespace) with other entries');
}

/** Checks a port map (`name: number`) of a WorkloadEntry or endpoint: each name a port name, each number 1-65535. */
export function checkPortMap(scope: IConstruct, field: string, ports: { readonly [name: string]: number } | undefined): void {
  for (const [name, port] of Object.entries(ports ?? {})) {
    checkPortName(scope, `${field} key`, name);
    checkPort(scope, `${field}.${name}`, port);
  }
}

/**
 * Checks the address and ports of a WorkloadEntry or a WorkloadGroup template (under `at`): a unix socket is an
 * absolute path or an abstract name and has no ports; any other address is an IP or a DNS name; ports are port names
 * with numbers 1-65535.
 */
export function checkWorkloadAddress(scope: IConstruct, at: string, spec: { readonly address?: string; readonly ports?: { readonly [name: string]: number } }): void {
  const addr = spec.address ?? '';
  if (addr.startsWith(UNIX_PREFIX)) {
    checkUnixAddress(scope, `${at}.address`, addr);
    if (spec.ports && Object.keys(spec.ports).length) fail(scope, `${at}.ports`, spec.ports, 'must be left out for a unix socket address (the socket is the port)');
  } else if (addr !== '' && !isIP(addr) && !isFqdn(addr)) {
    fail(scope, `${at}.address`, addr, 'must be an IP address, a DNS name or "unix://<absolute path>"');
  }
  checkPortMap(scope, `${at}.ports`, spec.ports);
}
