/**
 * Short, human-readable summaries of Istio spec fragments for node and edge text.
 */
import { Json, labelText, labelMap, list, obj, text, texts } from './read';

/** `exact`/`prefix`/`regex` string match as text, e.g. `=v`, `v*`, `~re`. */
function stringMatch(v: unknown): string | undefined {
  const m = obj(v);
  if (!m) return undefined;
  const exact = text(m.exact);
  if (exact !== undefined) return `=${exact}`;
  const prefix = text(m.prefix);
  if (prefix !== undefined) return `=${prefix}*`;
  const regex = text(m.regex);
  if (regex !== undefined) return ` ~ ${regex}`;
  return '';
}

function uriMatch(v: unknown): string | undefined {
  const m = obj(v);
  if (!m) return undefined;
  const exact = text(m.exact);
  if (exact !== undefined) return `path ${exact}`;
  const prefix = text(m.prefix);
  if (prefix !== undefined) return `prefix ${prefix}`;
  const regex = text(m.regex);
  if (regex !== undefined) return `path ~ ${regex}`;
  return undefined;
}

function keyedMatches(word: string, v: unknown): string[] {
  const m = obj(v);
  if (!m) return [];
  return Object.keys(m)
    .sort()
    .map((k) => `${word} ${k}${stringMatch(m[k]) ?? ''}`);
}

/** One HTTP match request (its conditions are ANDed) as text; `any request` when it has none. */
export function httpMatchText(v: unknown): string {
  const m = obj(v) ?? {};
  const parts: string[] = [];
  const uri = uriMatch(m.uri);
  if (uri) parts.push(uri + (m.ignoreUriCase === true ? ' (any case)' : ''));
  const method = stringMatch(m.method);
  if (method) parts.push(`method${method.startsWith('=') ? ' ' + method.slice(1) : method}`);
  const authority = stringMatch(m.authority);
  if (authority) parts.push(`authority${authority.startsWith('=') ? ' ' + authority.slice(1) : authority}`);
  const scheme = stringMatch(m.scheme);
  if (scheme) parts.push(`scheme${scheme.startsWith('=') ? ' ' + scheme.slice(1) : scheme}`);
  parts.push(...keyedMatches('header', m.headers));
  parts.push(...keyedMatches('without header', m.withoutHeaders));
  parts.push(...keyedMatches('query', m.queryParams));
  parts.push(...commonMatchParts(m));
  return parts.length ? parts.join(' & ') : 'any request';
}

/** Conditions that http, tcp and tls matches share. */
function commonMatchParts(m: Json): string[] {
  const parts: string[] = [];
  const port = text(m.port);
  if (port) parts.push(`port ${port}`);
  const subnets = texts(m.destinationSubnets);
  if (subnets.length) parts.push(`to ${subnets.join(', ')}`);
  const sni = texts(m.sniHosts);
  if (sni.length) parts.push(`sni ${sni.join(', ')}`);
  const src = labelMap(m.sourceLabels);
  if (src && Object.keys(src).length) parts.push(`from ${labelText(src)}`);
  const srcNs = text(m.sourceNamespace);
  if (srcNs) parts.push(`from namespace ${srcNs}`);
  const gws = texts(m.gateways);
  if (gws.length) parts.push(`via ${gws.join(', ')}`);
  return parts;
}

/** One tcp or tls match as text; `any connection` when it has no condition. */
export function l4MatchText(v: unknown): string {
  const parts = commonMatchParts(obj(v) ?? {});
  return parts.length ? parts.join(' & ') : 'any connection';
}

/** What an http route does besides forwarding (redirect, rewrite, fault, timeout, ...), one line each. */
export function httpActionLines(route: Json): string[] {
  const lines: string[] = [];
  const redirect = obj(route.redirect);
  if (redirect) {
    const where = [text(redirect.scheme) && `${text(redirect.scheme)}://`, text(redirect.authority), text(redirect.uri)].filter(Boolean).join('');
    lines.push(`redirect ${text(redirect.redirectCode) ?? '301'}${where ? ' to ' + where : ''}`);
  }
  const direct = obj(route.directResponse);
  if (direct) lines.push(`direct response ${text(direct.status) ?? ''}`.trim());
  const rewrite = obj(route.rewrite);
  if (rewrite) {
    const parts = [text(rewrite.uri) && `uri ${text(rewrite.uri)}`, text(rewrite.authority) && `authority ${text(rewrite.authority)}`].filter(Boolean);
    const regex = obj(rewrite.uriRegexRewrite);
    if (regex) parts.push(`uri ~ ${text(regex.match) ?? ''} → ${text(regex.rewrite) ?? ''}`);
    lines.push(`rewrite ${parts.join(', ')}`.trim());
  }
  const fault = obj(route.fault);
  if (fault) {
    const parts: string[] = [];
    const delay = obj(fault.delay);
    if (delay) parts.push(`delay ${text(delay.fixedDelay) ?? ''}${percentText(delay.percentage)}`);
    const abort = obj(fault.abort);
    if (abort) parts.push(`abort ${text(abort.httpStatus) ?? text(abort.grpcStatus) ?? ''}${percentText(abort.percentage)}`);
    lines.push(`fault ${parts.join(', ')}`.trim());
  }
  const timeout = text(route.timeout);
  if (timeout) lines.push(`timeout ${timeout}`);
  const retries = obj(route.retries);
  if (retries) {
    const attempts = text(retries.attempts);
    lines.push(attempts === '0' ? 'no retries' : `retries ${attempts ?? ''}${text(retries.perTryTimeout) ? ' × ' + text(retries.perTryTimeout) : ''}`.trim());
  }
  const delegate = obj(route.delegate);
  if (delegate) lines.push(`delegate to ${[text(delegate.namespace), text(delegate.name)].filter(Boolean).join('/')}`);
  return lines;
}

function percentText(v: unknown): string {
  const p = obj(v);
  const value = p ? text(p.value) : undefined;
  return value !== undefined ? ` (${value}%)` : '';
}

/** Traffic policy of a DestinationRule (or subset) in a few short lines. */
export function trafficPolicyLines(v: unknown): string[] {
  const tp = obj(v);
  if (!tp) return [];
  const lines: string[] = [];
  const lb = obj(tp.loadBalancer);
  if (lb) {
    const simple = text(lb.simple);
    if (simple) lines.push(`load balancer ${simple}`);
    else if (obj(lb.consistentHash)) lines.push('load balancer consistent hash');
  }
  const pool = obj(tp.connectionPool);
  if (pool) {
    const tcp = obj(pool.tcp) ?? {};
    const http = obj(pool.http) ?? {};
    const parts = [
      text(tcp.maxConnections) && `max ${text(tcp.maxConnections)} conn`,
      text(http.http1MaxPendingRequests) && `${text(http.http1MaxPendingRequests)} pending`,
      text(http.http2MaxRequests) && `${text(http.http2MaxRequests)} requests`,
      text(http.maxRequestsPerConnection) && `${text(http.maxRequestsPerConnection)} req/conn`,
    ].filter(Boolean);
    if (parts.length) lines.push(`pool: ${parts.join(', ')}`);
  }
  const od = obj(tp.outlierDetection);
  if (od) {
    const errors = text(od.consecutive5xxErrors) ?? text(od.consecutiveErrors) ?? text(od.consecutiveGatewayErrors);
    const parts = [
      errors && `${errors}× 5xx`,
      text(od.interval) && `every ${text(od.interval)}`,
      text(od.baseEjectionTime) && `out ${text(od.baseEjectionTime)}`,
    ].filter(Boolean);
    lines.push(`outlier ejection${parts.length ? ': ' + parts.join(', ') : ''}`);
  }
  const tls = obj(tp.tls);
  if (tls && text(tls.mode)) lines.push(`tls ${text(tls.mode)}`);
  return lines;
}

/** One `to.operation` of an AuthorizationPolicy rule as text; empty when it has no condition. */
export function operationText(v: unknown): { text: string; ports: string[] } {
  const op = obj(v) ?? {};
  const parts: string[] = [];
  const field = (key: string, word: string): string[] => {
    const values = texts(op[key]);
    if (values.length) parts.push(`${word} ${values.join(', ')}`);
    return values;
  };
  const ports = field('ports', 'ports');
  field('notPorts', 'not ports');
  field('methods', '');
  field('notMethods', 'not');
  field('paths', '');
  field('notPaths', 'not');
  field('hosts', 'host');
  field('notHosts', 'not host');
  return { text: parts.map((p) => p.trim()).join(' '), ports };
}

/** One `when` condition of an AuthorizationPolicy rule as text. */
export function conditionText(v: unknown): string {
  const c = obj(v) ?? {};
  const key = text(c.key) ?? '?';
  const values = texts(c.values);
  const notValues = texts(c.notValues);
  const parts: string[] = [];
  if (values.length) parts.push(`${key} in ${values.join(', ')}`);
  if (notValues.length) parts.push(`${key} not in ${notValues.join(', ')}`);
  return parts.join(' & ') || key;
}

/** One Gateway server as text, e.g. `:443 HTTPS api.example.com (SIMPLE, cert)`. */
export function serverText(v: unknown): string {
  const s = obj(v) ?? {};
  const port = obj(s.port) ?? {};
  const hosts = texts(s.hosts);
  let line = `:${text(port.number) ?? '?'} ${text(port.protocol) ?? ''}`.trimEnd();
  if (hosts.length) line += ` ${hosts.join(', ')}`;
  const tls = obj(s.tls);
  if (tls) {
    const parts = [text(tls.mode), text(tls.credentialName) && `cert ${text(tls.credentialName)}`, tls.httpsRedirect === true ? 'redirect to https' : undefined].filter(Boolean);
    if (parts.length) line += ` (${parts.join(', ')})`;
  }
  return line;
}

/** All match entries of a route as lines: the first plain, the others prefixed with `or`. */
export function matchLines(matches: unknown[], one: (m: unknown) => string, none: string): string[] {
  if (!matches.length) return [none];
  return matches.map((m, i) => (i === 0 ? one(m) : `or ${one(m)}`));
}

/** The list of match entries of a route. */
export function routeMatches(route: Json): unknown[] {
  return list(route.match);
}
