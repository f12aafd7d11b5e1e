import { IConstruct } from 'constructs';
import type { DestinationRuleSpecTrafficPolicy, DestinationRuleSpecTrafficPolicyTls } from '../resource/specs.generated';
import { checkDnsSubdomain, checkInt, checkObject, fail } from '../validation';
import { checkDuration } from './http';

/** TCP connection pool limits (per upstream host). */
export interface TcpPoolOptions {
  /** Maximum connections. @default - unlimited (2^32-1) */
  readonly maxConnections?: number;
  /** TCP connect timeout, e.g. `5s`. @default '10s' */
  readonly connectTimeout?: string;
}

/** HTTP connection pool limits. */
export interface HttpPoolOptions {
  /** Maximum queued requests waiting for a connection. @default - unlimited */
  readonly http1MaxPendingRequests?: number;
  /** Maximum active requests (HTTP/2 and HTTP/1.1). @default - unlimited */
  readonly http2MaxRequests?: number;
  /** Requests per connection; 1 disables keep-alive, 0 means unlimited. @default 0 */
  readonly maxRequestsPerConnection?: number;
  /** Maximum concurrent retries. @default - unlimited */
  readonly maxRetries?: number;
  /** Idle timeout of upstream connections, e.g. `1h`. @default '1h' */
  readonly idleTimeout?: string;
}

/** Connection pool (circuit breaking by limits). */
export interface ConnectionPoolOptions {
  /** TCP limits. @default - none */
  readonly tcp?: TcpPoolOptions;
  /** HTTP limits. @default - none */
  readonly http?: HttpPoolOptions;
}

/** Outlier detection: eject hosts that keep failing. */
export interface OutlierDetectionOptions {
  /** Consecutive 5xx responses before ejection. @default 5 */
  readonly consecutive5xxErrors?: number;
  /** Consecutive 502/503/504 before ejection. @default - off */
  readonly consecutiveGatewayErrors?: number;
  /** Time between ejection sweeps, e.g. `30s`. @default '10s' */
  readonly interval?: string;
  /** Minimum ejection duration, e.g. `30s`. @default '30s' */
  readonly baseEjectionTime?: string;
  /** Maximum share of hosts ejected (0-100). @default 10 */
  readonly maxEjectionPercent?: number;
  /** Outlier detection stops below this share of healthy hosts (0-100). @default 0 */
  readonly minHealthPercent?: number;
}

/** TLS mode towards the upstream. */
export type ClientTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';

/** TLS settings towards the upstream. */
export interface ClientTlsOptions {
  /** `ISTIO_MUTUAL` uses the mesh certificates; `MUTUAL` needs `credentialName`. */
  readonly mode: ClientTlsMode;
  /** SNI to present. @default - none */
  readonly sni?: string;
  /** Secret with the client certificate (MUTUAL) or CA (SIMPLE). @default - none */
  readonly credentialName?: string;
  /** Accepted subject alternative names of the server. @default - any */
  readonly subjectAltNames?: string[];
}

/** Simple load balancing algorithms. */
export type LoadBalancerAlgorithm = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'PASSTHROUGH';

/** Traffic policy of a DestinationRule. */
export interface TrafficPolicyOptions {
  /** Connection pool limits. @default - none */
  readonly connectionPool?: ConnectionPoolOptions;
  /** Outlier detection. @default - none */
  readonly outlierDetection?: OutlierDetectionOptions;
  /** TLS towards the upstream. @default - Istio's auto mTLS */
  readonly tls?: ClientTlsOptions;
  /** Load balancer. @default - Istio's default (LEAST_REQUEST) */
  readonly loadBalancer?: LoadBalancerAlgorithm;
}

// Our option names are Istio's own values, so a valid option is emitted as it is.
const TLS_MODES: readonly ClientTlsMode[] = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];
const LB: readonly LoadBalancerAlgorithm[] = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH'];

/** Drops undefined entries; returns undefined when nothing is left. */
function compact<T extends object>(o: T): T | undefined {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

/**
 * Renders a typed traffic policy, validating every field.
 * @internal
 */
export function renderTrafficPolicy(scope: IConstruct, field: string, tp: TrafficPolicyOptions): DestinationRuleSpecTrafficPolicy {
  const int = (f: string, v: number | undefined, min: number, max?: number) => (v === undefined ? undefined : checkInt(scope, `${field}.${f}`, v, min, max));
  const dur = (f: string, v: string | undefined) => (v === undefined ? undefined : checkDuration(scope, `${field}.${f}`, v));
  const obj = <T>(f: string, v: T) => checkObject(scope, f ? `${field}.${f}` : field, v, 'must be an object');
  obj('', tp);
  const cp = obj('connectionPool', tp.connectionPool);
  const od = obj('outlierDetection', tp.outlierDetection);
  obj('connectionPool.tcp', cp?.tcp);
  obj('connectionPool.http', cp?.http);
  let tls: DestinationRuleSpecTrafficPolicyTls | undefined;
  if (tp.tls !== undefined) {
    const t = tp.tls;
    if (!t || !TLS_MODES.includes(t.mode)) fail(scope, `${field}.tls.mode`, t?.mode, 'must be DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL');
    if (t.mode === 'MUTUAL' && !t.credentialName) fail(scope, `${field}.tls.credentialName`, t.credentialName, 'must name the Secret holding the client certificate when mode is MUTUAL');
    if (t.credentialName !== undefined) checkDnsSubdomain(scope, `${field}.tls.credentialName`, t.credentialName);
    tls = compact({ mode: t.mode, sni: t.sni, credentialName: t.credentialName, subjectAltNames: t.subjectAltNames ? [...t.subjectAltNames] : undefined });
  }
  if (tp.loadBalancer !== undefined && !LB.includes(tp.loadBalancer)) {
    fail(scope, `${field}.loadBalancer`, tp.loadBalancer, 'must be ROUND_ROBIN, LEAST_REQUEST, RANDOM or PASSTHROUGH');
  }
  const policy = compact<DestinationRuleSpecTrafficPolicy>({
    connectionPool: cp === undefined ? undefined : compact({
      tcp: cp.tcp === undefined ? undefined : compact({
        maxConnections: int('connectionPool.tcp.maxConnections', cp.tcp.maxConnections, 1),
        connectTimeout: dur('connectionPool.tcp.connectTimeout', cp.tcp.connectTimeout),
      }),
      http: cp.http === undefined ? undefined : compact({
        http1MaxPendingRequests: int('connectionPool.http.http1MaxPendingRequests', cp.http.http1MaxPendingRequests, 1),
        http2MaxRequests: int('connectionPool.http.http2MaxRequests', cp.http.http2MaxRequests, 1),
        maxRequestsPerConnection: int('connectionPool.http.maxRequestsPerConnection', cp.http.maxRequestsPerConnection, 0),
        maxRetries: int('connectionPool.http.maxRetries', cp.http.maxRetries, 0),
        idleTimeout: dur('connectionPool.http.idleTimeout', cp.http.idleTimeout),
      }),
    }),
    outlierDetection: od === undefined ? undefined : compact({
      consecutive5xxErrors: int('outlierDetection.consecutive5xxErrors', od.consecutive5xxErrors, 0),
      consecutiveGatewayErrors: int('outlierDetection.consecutiveGatewayErrors', od.consecutiveGatewayErrors, 0),
      interval: dur('outlierDetection.interval', od.interval),
      baseEjectionTime: dur('outlierDetection.baseEjectionTime', od.baseEjectionTime),
      maxEjectionPercent: int('outlierDetection.maxEjectionPercent', od.maxEjectionPercent, 0, 100),
      minHealthPercent: int('outlierDetection.minHealthPercent', od.minHealthPercent, 0, 100),
    }),
    tls,
    loadBalancer: tp.loadBalancer === undefined ? undefined : { simple: tp.loadBalancer },
  });
  if (!policy) fail(scope, field, tp, 'must set at least one of connectionPool, outlierDetection, tls or loadBalancer');
  return policy;
}
