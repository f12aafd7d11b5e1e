import { IConstruct } from 'constructs';
import type { VirtualServiceSpecHttp, VirtualServiceSpecHttpFault, VirtualServiceSpecHttpMatch, VirtualServiceSpecHttpRetries } from '../resource/specs.generated';
import { checkDuration, checkInt, checkObject, checkPercent, checkPort, checkRegex, fail } from '../validation';

/**
 * A string match: exactly one of `exact`, `prefix` or `regex`.
 * Regexes are RE2 (Envoy) and must match the whole value; we compile-check them with JavaScript's
 * engine and refuse what RE2 lacks (lookaround, backreferences).
 */
export interface StringMatch {
  /** The value equals this. @default - not this kind */
  readonly exact?: string;
  /** The value starts with this. @default - not this kind */
  readonly prefix?: string;
  /** The whole value matches this RE2 regular expression. @default - not this kind */
  readonly regex?: string;
}

/** Request criteria of an HTTP route (ANDed). At least one must be given. */
export interface HttpMatch {
  /** Path match; `exact` and `prefix` start with `/`. @default - any path */
  readonly uri?: StringMatch;
  /** Header matches by lower-case header name, e.g. `{ 'x-canary': { exact: 'true' } }`. @default - none */
  readonly headers?: Record<string, StringMatch>;
  /** Query parameter matches (`exact` or `regex`; Istio does not support `prefix` here). @default - none */
  readonly queryParams?: Record<string, StringMatch>;
  /** Port of the hosts the request came to (for hosts with several ports, e.g. 80 of an external host also served on 443). @default - any port */
  readonly port?: number;
}

/** Retry policy of a route. */
export interface RetryOptions {
  /** Retries per request (0 turns retries off). */
  readonly attempts: number;
  /** Timeout of each try, e.g. `2s`. @default - the route timeout */
  readonly perTryTimeout?: string;
  /**
   * Conditions: `5xx`, `gateway-error`, `reset`, `connect-failure`, `envoy-ratelimited`,
   * `retriable-4xx`, `refused-stream`, `retriable-status-codes`, `retriable-headers`, gRPC `cancelled`,
   * `deadline-exceeded`, `internal`, `resource-exhausted`, `unavailable`, or an HTTP status such as `503`.
   * @default - Istio's default (`connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`)
   */
  readonly retryOn?: string[];
}

/** Fault injection (testing resilience). */
export interface FaultOptions {
  /** Delay a share of requests. @default - none */
  readonly delay?: { readonly fixedDelay: string; readonly percentage: number };
  /** Fail a share of requests with an HTTP status. @default - none */
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
}

/** Options shared by every HTTP route a construct renders. */
export interface RouteOptions {
  /** Retries. @default - Istio's default (2 attempts) */
  readonly retries?: RetryOptions;
  /** Request timeout, e.g. `10s`. @default - none (Istio's default: disabled) */
  readonly timeout?: string;
  /** Fault injection. @default - none */
  readonly fault?: FaultOptions;
}

// the value checks live in src/validation.ts (shared with the L2 kinds); re-exported for the modules that import them here
export { checkDuration, checkPercent, checkRegex, durationMillis } from '../validation';

function renderStringMatch(scope: IConstruct, field: string, m: StringMatch, opts: { path?: boolean; noPrefix?: boolean } = {}): { exact?: string; prefix?: string; regex?: string } {
  const kinds = m && typeof m === 'object' ? (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined) : [];
  if (kinds.length !== 1) fail(scope, field, m, 'must set exactly one of exact, prefix or regex');
  const kind = kinds[0];
  const v = m[kind] as string;
  if (kind === 'regex') return { regex: checkRegex(scope, `${field}.regex`, v) };
  if (kind === 'prefix' && opts.noPrefix) fail(scope, `${field}.prefix`, v, 'is not supported by Istio for query parameters: use exact or regex');
  if (typeof v !== 'string' || (opts.path && !v.startsWith('/'))) {
    fail(scope, `${field}.${kind}`, v, opts.path ? 'must be a path starting with "/"' : 'must be a string');
  }
  return { [kind]: v };
}

const HEADER_NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

/** @internal */
export function renderHttpMatch(scope: IConstruct, field: string, m: HttpMatch): VirtualServiceSpecHttpMatch {
  if (!m || (m.uri === undefined && m.headers === undefined && m.queryParams === undefined && m.port === undefined)) {
    fail(scope, field, m, 'must set at least one of uri, headers, queryParams or port');
  }
  const out: { -readonly [K in keyof VirtualServiceSpecHttpMatch]: VirtualServiceSpecHttpMatch[K] } = {};
  if (m.uri !== undefined) out.uri = renderStringMatch(scope, `${field}.uri`, m.uri, { path: true });
  if (m.headers !== undefined) {
    const entries = Object.entries(checkObject(scope, `${field}.headers`, m.headers, 'must map header names to string matches'));
    if (entries.length === 0) fail(scope, `${field}.headers`, m.headers, 'must name at least one header when given');
    out.headers = Object.fromEntries(entries.map(([k, v]) => {
      if (!HEADER_NAME.test(k)) fail(scope, `${field}.headers`, k, 'must be a lower-case header name such as "x-canary"');
      return [k, renderStringMatch(scope, `${field}.headers.${k}`, v)];
    }));
  }
  if (m.queryParams !== undefined) {
    const entries = Object.entries(checkObject(scope, `${field}.queryParams`, m.queryParams, 'must map parameter names to string matches'));
    if (entries.length === 0) fail(scope, `${field}.queryParams`, m.queryParams, 'must name at least one parameter when given');
    out.queryParams = Object.fromEntries(entries.map(([k, v]) => {
      if (!/^[^\s&=]+$/.test(k)) fail(scope, `${field}.queryParams`, k, 'must be a query parameter name without spaces, "&" or "="');
      return [k, renderStringMatch(scope, `${field}.queryParams.${k}`, v, { noPrefix: true })];
    }));
  }
  if (m.port !== undefined) out.port = checkPort(scope, `${field}.port`, m.port);
  return out;
}

const RETRY_ON: ReadonlySet<string> = new Set([
  '5xx', 'gateway-error', 'reset', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

/** Renders retries, timeout and fault of an HTTP route. @internal */
export function renderRouteOptions(scope: IConstruct, o: RouteOptions, prefix = ''): Pick<VirtualServiceSpecHttp, 'retries' | 'timeout' | 'fault'> {
  const out: { retries?: VirtualServiceSpecHttpRetries; timeout?: string; fault?: VirtualServiceSpecHttpFault } = {};
  if (o.timeout !== undefined) out.timeout = checkDuration(scope, `${prefix}timeout`, o.timeout);
  if (o.retries !== undefined) {
    const r = o.retries;
    checkInt(scope, `${prefix}retries.attempts`, r?.attempts, 0);
    if (r.attempts === 0) {
      // Istio refuses a retry policy with attempts 0 (retries off) that sets anything else.
      for (const key of ['perTryTimeout', 'retryOn'] as const) {
        if (r[key] !== undefined) {
          fail(scope, `${prefix}retries.${key}`, r[key], 'must be left out when retries.attempts is 0: attempts 0 turns retries off, and Istio refuses a retry policy that is off but sets perTryTimeout or retryOn');
        }
      }
    }
    if (r.perTryTimeout !== undefined) checkDuration(scope, `${prefix}retries.perTryTimeout`, r.perTryTimeout);
    if (r.retryOn !== undefined) {
      if (!Array.isArray(r.retryOn) || r.retryOn.length === 0) fail(scope, `${prefix}retries.retryOn`, r.retryOn, 'must be a non-empty list when given');
      r.retryOn.forEach((c, i) => {
        if (!RETRY_ON.has(c) && !/^[1-5][0-9]{2}$/.test(c)) {
          fail(scope, `${prefix}retries.retryOn[${i}]`, c, `must be one of ${[...RETRY_ON].join(', ')} or an HTTP status code such as "503"`);
        }
      });
    }
    out.retries = {
      attempts: r.attempts,
      ...(r.perTryTimeout !== undefined ? { perTryTimeout: r.perTryTimeout } : {}),
      ...(r.retryOn !== undefined ? { retryOn: r.retryOn.join(',') } : {}),
    };
  }
  if (o.fault !== undefined) {
    const f = o.fault;
    if (!f || (f.delay === undefined && f.abort === undefined)) fail(scope, `${prefix}fault`, f, 'must set delay, abort or both');
    out.fault = {
      ...(f.delay !== undefined ? {
        delay: {
          fixedDelay: checkDuration(scope, `${prefix}fault.delay.fixedDelay`, f.delay?.fixedDelay),
          percentage: { value: checkPercent(scope, `${prefix}fault.delay.percentage`, f.delay.percentage) },
        },
      } : {}),
      ...(f.abort !== undefined ? {
        abort: {
          httpStatus: checkInt(scope, `${prefix}fault.abort.httpStatus`, f.abort?.httpStatus, 200, 599),
          percentage: { value: checkPercent(scope, `${prefix}fault.abort.percentage`, f.abort.percentage) },
        },
      } : {}),
    };
  }
  return out;
}
