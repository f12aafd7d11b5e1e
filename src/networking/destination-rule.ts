import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { DestinationRuleSpec, DestinationRuleSpecTrafficPolicy } from '../resource/specs.generated';
import { checkDnsLabel, checkDuration, checkHost, checkLabels, checkPort, fail, isDnsLabel } from '../validation';

/** Props of {@link DestinationRule}. */
export interface DestinationRuleProps extends IstioResourceProps<DestinationRuleSpec> {}

/**
 * An Istio `DestinationRule` (networking.istio.io): the subsets of a service and the policies for traffic to it
 * (load balancing, connection pools, outlier detection, client TLS). The spec is Istio's, field for field; it is
 * checked against the release's CRD schema and the rules Istio's validating webhook applies (host, unique subset
 * names, durations, client TLS material, port-level settings, exportTo).
 *
 * @example
 * const reviews = new DestinationRule(chart, 'reviews', {
 *   namespace: { istiod, name: 'bookinfo' },
 *   spec: {
 *     host: 'reviews',
 *     subsets: [
 *       { name: 'v1', labels: { version: 'v1' } },
 *       { name: 'v2', labels: { version: 'v2' } },
 *       { name: 'v3', labels: { version: 'v3' } },
 *     ],
 *   },
 * });
 * reviews.subset('v2'); // 'v2', checked to exist: use it in a VirtualService destination
 */
export class DestinationRule extends IstioResource<DestinationRuleSpec> {
  public constructor(scope: Construct, id: string, props: DestinationRuleProps) {
    super(scope, id, 'DestinationRule', props, checkDestinationRule);
  }

  /** The host the rule applies to. */
  public get host(): string {
    return this.spec.host;
  }

  /** Names of the subsets, in order. */
  public get subsetNames(): string[] {
    return (this.spec.subsets ?? []).map((s) => s.name);
  }

  /**
   * The name of subset `name`, for a route destination; throws when the rule has no such subset (a route to a
   * subset nobody defined sends every request to a 503).
   */
  public subset(name: string): string {
    if (!this.subsetNames.includes(name)) {
      fail(this, 'subset', name, `must be a subset of DestinationRule ${this.namespace}/${this.name}: ${this.subsetNames.join(', ') || '(it has none)'}`);
    }
    return name;
  }
}

function checkDestinationRule(scope: Construct, spec: DestinationRuleSpec, _ctx: IstioRuleContext): void {
  checkHost(scope, 'spec.host', spec.host);
  const seen = new Set<string>();
  (spec.subsets ?? []).forEach((s, i) => {
    checkDnsLabel(scope, `spec.subsets[${i}].name`, s.name);
    if (seen.has(s.name)) fail(scope, `spec.subsets[${i}].name`, s.name, 'subset names must be unique within the DestinationRule');
    seen.add(s.name);
    checkLabels(scope, `spec.subsets[${i}].labels`, s.labels as Record<string, string> | undefined);
    if (s.trafficPolicy) checkTrafficPolicy(scope, `spec.subsets[${i}].trafficPolicy`, s.trafficPolicy);
  });
  if (spec.trafficPolicy) checkTrafficPolicy(scope, 'spec.trafficPolicy', spec.trafficPolicy);
  (spec.exportTo ?? []).forEach((e, i) => {
    if (e !== '.' && e !== '*' && e !== '~' && !isDnsLabel(e)) fail(scope, `spec.exportTo[${i}]`, e, 'must be ".", "*", "~" or a namespace name');
  });
  if (spec.workloadSelector) checkLabels(scope, 'spec.workloadSelector.matchLabels', spec.workloadSelector.matchLabels as Record<string, string> | undefined);
}

type PortLevel = NonNullable<DestinationRuleSpecTrafficPolicy['portLevelSettings']>[number];

function checkTrafficPolicy(scope: Construct, field: string, tp: DestinationRuleSpecTrafficPolicy | PortLevel): void {
  const pool = tp.connectionPool;
  if (pool?.tcp?.connectTimeout !== undefined) checkDuration(scope, `${field}.connectionPool.tcp.connectTimeout`, pool.tcp.connectTimeout);
  if (pool?.tcp?.maxConnectionDuration !== undefined) checkDuration(scope, `${field}.connectionPool.tcp.maxConnectionDuration`, pool.tcp.maxConnectionDuration);
  if (pool?.tcp?.idleTimeout !== undefined) checkDuration(scope, `${field}.connectionPool.tcp.idleTimeout`, pool.tcp.idleTimeout);
  if (pool?.http?.idleTimeout !== undefined) checkDuration(scope, `${field}.connectionPool.http.idleTimeout`, pool.http.idleTimeout);
  const od = tp.outlierDetection;
  if (od?.interval !== undefined) checkDuration(scope, `${field}.outlierDetection.interval`, od.interval);
  if (od?.baseEjectionTime !== undefined) checkDuration(scope, `${field}.outlierDetection.baseEjectionTime`, od.baseEjectionTime);
  for (const k of ['maxEjectionPercent', 'minHealthPercent'] as const) {
    const v = od?.[k];
    if (v !== undefined && (v < 0 || v > 100)) fail(scope, `${field}.outlierDetection.${k}`, v, 'must be a percentage from 0 to 100');
  }
  const tls = tp.tls;
  if (tls?.mode === 'MUTUAL' && !tls.credentialName && (!tls.clientCertificate || !tls.privateKey)) {
    fail(scope, `${field}.tls`, tls, 'with mode MUTUAL needs credentialName, or both clientCertificate and privateKey');
  }
  if (tls && (tls.mode === 'DISABLE' || tls.mode === 'ISTIO_MUTUAL')
    && (tls.credentialName || tls.clientCertificate || tls.privateKey || tls.caCertificates)) {
    fail(scope, `${field}.tls`, tls, `with mode ${tls.mode} must not name certificates or a credential (Istio provides them, or there is no TLS)`);
  }
  if ('portLevelSettings' in tp) {
    const ports = new Set<number>();
    (tp.portLevelSettings ?? []).forEach((p, i) => {
      const n = p.port?.number;
      if (n === undefined) fail(scope, `${field}.portLevelSettings[${i}].port.number`, n, 'is required: the port the settings apply to');
      checkPort(scope, `${field}.portLevelSettings[${i}].port.number`, n);
      if (ports.has(n)) fail(scope, `${field}.portLevelSettings[${i}].port.number`, n, 'ports must be unique within portLevelSettings');
      ports.add(n);
      checkTrafficPolicy(scope, `${field}.portLevelSettings[${i}]`, p);
    });
  }
}
