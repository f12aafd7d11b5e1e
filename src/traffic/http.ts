import { IConstruct } from 'constructs';
import type * as net from '../../imports/networking.istio.io';
import { checkInt, checkObject, fail } from '../validation';

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

const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;

/** Milliseconds of a Go-style duration (`30s`, `1m30s`, `250ms`), or undefined if malformed. */
export function durationMillis(v: string): number | undefined {
  if (typeof v !== 'string' || !DURATION.test(v)) return undefined;
  let total = 0;
  for (const m of v.matchAll(DURATION_PART)) total += Number(m[1]) * UNITS_MS[m[2]];
  return total;
}

/**
 * Checks a duration: digits with a unit (h, m, s, ms, us, ns), at least 1ms, as Istio's CRDs require.
 * @internal
 */
export function checkDuration(scope: IConstruct, field: string, v: string): string {
  const ms = durationMillis(v);
  if (ms === undefined || ms < 1) {
    fail(scope, field, v, 'must be a duration of at least 1ms with a unit, such as "30s", "1m30s" or "250ms"');
  }
  return v;
}

/** Smallest non-zero share Istio accepts in a `Percent` (fault injection, mirroring). */
const MIN_PERCENT = 0.0001;

/**
 * Checks an Istio `Percent` value: 0, or a share from 0.0001 to 100 (fractions allowed). Istio refuses a share
 * between 0 and 0.0001 ("percentage ... is neither 0.0, nor in range [0.0001, 100.0]").
 * @internal
 */
export function checkPercent(scope: IConstruct, field: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100 || (v > 0 && v < MIN_PERCENT)) {
    fail(scope, field, v, `must be a percentage from 0 to 100: 0, or a share from ${MIN_PERCENT} to 100 (fractions allowed; Istio refuses a share between 0 and ${MIN_PERCENT})`);
  }
  return v;
}

/**
 * Checks a regex compiles, and refuses constructs RE2 (Envoy's engine) does not support.
 * @internal
 */
export function checkRegex(scope: IConstruct, field: string, re: string): string {
  if (typeof re !== 'string' || re.length === 0) fail(scope, field, re, 'must be a non-empty RE2 regular expression');
  if (/\(\?(=|!|<=|<!)/.test(re) || /\\[1-9]/.test(re)) {
    fail(scope, field, re, 'must be an RE2 regular expression: Envoy has no lookahead, lookbehind or backreferences');
  }
  try {
    new RegExp(re);
  } catch (e) {
    fail(scope, field, re, `must be a valid RE2 regular expression (${(e as Error).message})`);
  }
  return re;
}

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
export function renderHttpMatch(scope: IConstruct, field: string, m: HttpMatch): net.VirtualServiceSpecHttpMatch {
  if (!m || (m.uri === undefined && m.headers === undefined && m.queryParams === undefined)) {
    fail(scope, field, m, 'must set at least one of uri, headers or queryParams');
  }
  const out: { -readonly [K in keyof net.VirtualServiceSpecHttpMatch]: net.VirtualServiceSpecHttpMatch[K] } = {};
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
  return out;
}

const RETRY_ON: ReadonlySet<string> = new Set([
  '5xx', 'gateway-error', 'reset', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

/** Renders retries, timeout and fault of an HTTP route. @internal */
export function renderRouteOptions(scope: IConstruct, o: RouteOptions, prefix = ''): Pick<net.VirtualServiceSpecHttp, 'retries' | 'timeout' | 'fault'> {
  const out: { retries?: net.VirtualServiceSpecHttpRetries; timeout?: string; fault?: net.VirtualServiceSpecHttpFault } = {};
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
