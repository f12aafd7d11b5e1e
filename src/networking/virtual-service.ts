import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type {
  VirtualServiceSpec, VirtualServiceSpecHttp, VirtualServiceSpecHttpRouteDestination, VirtualServiceSpecTcpRouteDestination,
} from '../resource/specs.generated';
import { checkRouteHosts, parseGatewayRef } from '../traffic/gateway-binding';
import { checkDuration, checkHost, checkPercent, checkPort, checkRegex, fail, isCidr, isDnsLabel, isIP } from '../validation';

/** Props of {@link VirtualService}. */
export interface VirtualServiceProps extends IstioResourceProps<VirtualServiceSpec> {}

/**
 * An Istio `VirtualService` (networking.istio.io): how requests to a set of hosts are routed. The spec is Istio's,
 * field for field; it is checked against the release's CRD schema and the rules Istio's validating webhook applies
 * (one of route / redirect / directResponse / delegate per HTTP route, hosts that do not overlap, gateway references,
 * ports, subsets, durations, percentages, RE2 regexes).
 *
 * @example
 * new VirtualService(chart, 'reviews', {
 *   namespace: { istiod, name: 'bookinfo' },
 *   spec: {
 *     hosts: ['reviews'],
 *     http: [
 *       { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
 *       { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
 *     ],
 *   },
 * });
 */
export class VirtualService extends IstioResource<VirtualServiceSpec> {
  public constructor(scope: Construct, id: string, props: VirtualServiceProps) {
    super(scope, id, 'VirtualService', props, checkVirtualService);
  }

  /** The hosts the VirtualService routes (empty for a delegate). */
  public get hosts(): string[] {
    return [...(this.spec.hosts ?? [])];
  }
}

function checkVirtualService(scope: Construct, spec: VirtualServiceSpec, _ctx: IstioRuleContext): void {
  const gateways = spec.gateways ?? [];
  gateways.forEach((g, i) => {
    if (g !== 'mesh' && !parseGatewayRef(g)) {
      fail(scope, `spec.gateways[${i}]`, g, 'must be "mesh" or a Gateway reference "<namespace>/<name>" or "<name>" (namespace and name DNS-1123 labels)');
    }
  });
  const delegate = spec.hosts === undefined || spec.hosts.length === 0;
  if (!delegate) {
    checkRouteHosts(scope, 'spec.hosts', [...spec.hosts!], gateways.length === 0 || gateways.includes('mesh'));
  } else if (gateways.length > 0) {
    fail(scope, 'spec.hosts', spec.hosts, 'must list at least one host (only a delegate VirtualService, which has no gateways, may leave hosts out)');
  }
  if (!spec.http?.length && !spec.tcp?.length && !spec.tls?.length) {
    fail(scope, 'spec', '(no routes)', 'must have at least one of http, tcp or tls routes');
  }
  (spec.http ?? []).forEach((h, i) => checkHttpRoute(scope, `spec.http[${i}]`, h, delegate));
  (spec.tcp ?? []).forEach((t, i) => {
    if (!t.route?.length) fail(scope, `spec.tcp[${i}].route`, t.route, 'must have at least one destination');
    t.route.forEach((r, j) => checkDestination(scope, `spec.tcp[${i}].route[${j}].destination`, r.destination));
    (t.match ?? []).forEach((m, j) => (m.destinationSubnets ?? []).forEach((c, k) => checkSubnet(scope, `spec.tcp[${i}].match[${j}].destinationSubnets[${k}]`, c)));
  });
  (spec.tls ?? []).forEach((t, i) => {
    if (!t.match?.length) fail(scope, `spec.tls[${i}].match`, t.match, 'must have at least one match (TLS routes match on SNI)');
    t.match.forEach((m, j) => {
      if (!m.sniHosts?.length) fail(scope, `spec.tls[${i}].match[${j}].sniHosts`, m.sniHosts, 'must list at least one SNI host');
      m.sniHosts.forEach((h, k) => checkHost(scope, `spec.tls[${i}].match[${j}].sniHosts[${k}]`, h));
    });
    if (!t.route?.length) fail(scope, `spec.tls[${i}].route`, t.route, 'must have at least one destination');
    t.route.forEach((r, j) => checkDestination(scope, `spec.tls[${i}].route[${j}].destination`, r.destination));
  });
}

function checkHttpRoute(scope: Construct, field: string, h: VirtualServiceSpecHttp, delegate: boolean): void {
  const set = (['route', 'redirect', 'directResponse', 'delegate'] as const).filter((k) => h[k] !== undefined && !(k === 'route' && h.route!.length === 0));
  if (set.length !== 1) {
    fail(scope, field, set.join(', ') || '(none)', 'must set exactly one of route, redirect, directResponse or delegate');
  }
  if (h.delegate && delegate) fail(scope, `${field}.delegate`, h.delegate, 'a delegate VirtualService cannot delegate again');
  if (h.redirect && (h.fault || h.rewrite)) fail(scope, field, h.fault ? 'fault' : 'rewrite', 'must not combine redirect with fault or rewrite');
  if (h.directResponse && (h.fault || h.rewrite)) fail(scope, field, h.fault ? 'fault' : 'rewrite', 'must not combine directResponse with fault or rewrite');
  if (h.directResponse && (h.directResponse.status < 200 || h.directResponse.status > 599)) {
    fail(scope, `${field}.directResponse.status`, h.directResponse.status, 'must be an HTTP status from 200 to 599');
  }
  if (h.redirect?.redirectCode !== undefined && (h.redirect.redirectCode < 300 || h.redirect.redirectCode > 399)) {
    fail(scope, `${field}.redirect.redirectCode`, h.redirect.redirectCode, 'must be a redirect status from 300 to 399');
  }
  if (h.mirror && h.mirrors) fail(scope, field, 'mirror, mirrors', 'must not set both mirror and mirrors');
  (h.route ?? []).forEach((r, j) => checkDestination(scope, `${field}.route[${j}].destination`, r.destination));
  if (h.mirror) checkDestination(scope, `${field}.mirror`, h.mirror);
  if (h.mirrorPercentage) checkPercent(scope, `${field}.mirrorPercentage.value`, h.mirrorPercentage.value ?? 0);
  (h.mirrors ?? []).forEach((m, j) => {
    checkDestination(scope, `${field}.mirrors[${j}].destination`, m.destination);
    if (m.percentage) checkPercent(scope, `${field}.mirrors[${j}].percentage.value`, m.percentage.value ?? 0);
  });
  if (h.timeout !== undefined) checkDuration(scope, `${field}.timeout`, h.timeout);
  if (h.retries) {
    if (h.retries.perTryTimeout !== undefined) checkDuration(scope, `${field}.retries.perTryTimeout`, h.retries.perTryTimeout);
    if (h.retries.attempts === 0 && (h.retries.perTryTimeout !== undefined || h.retries.retryOn !== undefined)) {
      fail(scope, `${field}.retries`, h.retries, 'with attempts 0 (retries off) must not set perTryTimeout or retryOn');
    }
  }
  const f = h.fault;
  if (f?.delay) {
    if (f.delay.fixedDelay !== undefined) checkDuration(scope, `${field}.fault.delay.fixedDelay`, f.delay.fixedDelay);
    if (f.delay.percentage) checkPercent(scope, `${field}.fault.delay.percentage.value`, f.delay.percentage.value ?? 0);
  }
  if (f?.abort) {
    if (f.abort.httpStatus !== undefined && (f.abort.httpStatus < 200 || f.abort.httpStatus > 599)) {
      fail(scope, `${field}.fault.abort.httpStatus`, f.abort.httpStatus, 'must be an HTTP status from 200 to 599');
    }
    if (f.abort.percentage) checkPercent(scope, `${field}.fault.abort.percentage.value`, f.abort.percentage.value ?? 0);
  }
  (h.match ?? []).forEach((m, j) => {
    const at = `${field}.match[${j}]`;
    for (const [k, sm] of Object.entries({ uri: m.uri, scheme: m.scheme, method: m.method, authority: m.authority })) {
      if (sm?.regex !== undefined) checkRegex(scope, `${at}.${k}.regex`, sm.regex);
    }
    for (const [group, map] of Object.entries({ headers: m.headers, queryParams: m.queryParams, withoutHeaders: m.withoutHeaders })) {
      for (const [name, sm] of Object.entries(map ?? {})) {
        if (sm.regex !== undefined) checkRegex(scope, `${at}.${group}.${name}.regex`, sm.regex);
      }
    }
    if (m.port !== undefined) checkPort(scope, `${at}.port`, m.port);
    if (m.sourceNamespace !== undefined && !isDnsLabel(m.sourceNamespace)) fail(scope, `${at}.sourceNamespace`, m.sourceNamespace, 'must be a namespace name (DNS-1123 label)');
  });
}

function checkDestination(scope: Construct, field: string, d: VirtualServiceSpecHttpRouteDestination | VirtualServiceSpecTcpRouteDestination): void {
  checkHost(scope, `${field}.host`, d.host);
  if (d.subset !== undefined && !isDnsLabel(d.subset)) fail(scope, `${field}.subset`, d.subset, 'must be a subset name (DNS-1123 label) of the host\'s DestinationRule');
  if (d.port?.number !== undefined) checkPort(scope, `${field}.port.number`, d.port.number);
}

function checkSubnet(scope: Construct, field: string, v: string): void {
  if (!isCidr(v) && !isIP(v)) fail(scope, field, v, 'must be an IP address or CIDR block');
}
