import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { SidecarSpec, SidecarSpecEgress, SidecarSpecIngress } from '../resource/specs.generated';
import { checkPort, fail, isDnsLabel, isIP } from '../validation';
import {
  checkConnectionPool, checkNamespacedHost, checkPortName, checkProtocol, checkSelectorLabels, checkServerTls, checkUnixAddress, isFqdn,
  isTlsProtocol, parseProtocol, tlsMode, UNIX_PREFIX,
} from './rules';

/** Props of {@link Sidecar}. */
export interface SidecarProps extends IstioResourceProps<SidecarSpec> {}

/**
 * An Istio `Sidecar` (networking.istio.io): what the proxies of a namespace (or of the workloads `workloadSelector`
 * picks) see and accept: egress listeners with the `namespace/host` services they may reach, ingress listeners,
 * the outbound traffic policy and inbound connection pool. The spec is Istio's, field for field; it is checked
 * against the release's CRD schema and the rules Istio's validating webhook applies: a non-empty configuration,
 * egress hosts as `namespace/host`, one catch-all egress listener and last, unique ports, binds, default
 * endpoints, ingress TLS, connection pools, the egress proxy only with `ALLOW_ANY`.
 *
 * @example
 * // Istio reference "Sidecar": the mesh-wide default in the root namespace: proxies see their own namespace and istio-system
 * new Sidecar(chart, 'default', {
 *   namespace: { istiod, name: 'istio-config' },
 *   spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] },
 * });
 */
export class Sidecar extends IstioResource<SidecarSpec> {
  public constructor(scope: Construct, id: string, props: SidecarProps) {
    super(scope, id, 'Sidecar', props, checkSidecar);
  }
}

function checkSidecar(scope: Construct, spec: SidecarSpec, ctx: IstioRuleContext): void {
  checkSelectorLabels(scope, 'spec.workloadSelector.labels', spec.workloadSelector?.labels);
  const poolCounts = ctx.version.sidecarInboundConnectionPoolAlone;
  if (!spec.egress?.length && !spec.ingress?.length && spec.outboundTrafficPolicy === undefined && (!poolCounts || spec.inboundConnectionPool === undefined)) {
    fail(scope, 'spec', '(empty)', poolCounts
      ? 'must set at least one of egress, ingress, outboundTrafficPolicy or inboundConnectionPool (Istio refuses an empty Sidecar)'
      : `must set at least one of egress, ingress or outboundTrafficPolicy (Istio ${ctx.version.tag} refuses a Sidecar without them as empty, inboundConnectionPool alone included)`);
  }

  const ingressPorts = new Map<number, number>();
  (spec.ingress ?? []).forEach((l, i) => {
    checkIngress(scope, `spec.ingress[${i}]`, l);
    const earlier = ingressPorts.get(l.port.number ?? 0);
    if (earlier !== undefined) fail(scope, `spec.ingress[${i}].port.number`, l.port.number, `must be unique among the ingress listeners (spec.ingress[${earlier}] has it)`);
    ingressPorts.set(l.port.number ?? 0, i);
  });
  checkConnectionPool(scope, 'spec.inboundConnectionPool', spec.inboundConnectionPool);

  const egressPorts = new Map<number, number>();
  const sockets = new Map<string, number>();
  const egress = spec.egress ?? [];
  egress.forEach((l, i) => {
    const at = `spec.egress[${i}]`;
    if (l.port === undefined) {
      if (i !== egress.length - 1) {
        fail(scope, `${at}.port`, l.port, 'must be set: only the last egress listener may leave the port out (the catch-all listener), and there is one at most');
      }
    } else {
      checkEgressPort(scope, at, l);
      const n = l.port.number ?? 0;
      if (n === 0) {
        const earlier = sockets.get(l.bind ?? '');
        if (earlier !== undefined) fail(scope, `${at}.bind`, l.bind, `must be unique among the unix socket egress listeners (spec.egress[${earlier}] has it)`);
        sockets.set(l.bind ?? '', i);
      } else {
        const earlier = egressPorts.get(n);
        if (earlier !== undefined) fail(scope, `${at}.port.number`, n, `must be unique among the egress listeners (spec.egress[${earlier}] has it)`);
        egressPorts.set(n, i);
      }
    }
    if (!l.hosts?.length) fail(scope, `${at}.hosts`, l.hosts, 'must list at least one host "namespace/host", e.g. ["./*", "istio-system/*"]');
    l.hosts.forEach((h, j) => checkNamespacedHost(scope, `${at}.hosts[${j}]`, h, false));
  });

  const otp = spec.outboundTrafficPolicy;
  if (otp?.egressProxy) {
    const mode = otp.mode ?? 'REGISTRY_ONLY';
    const at = 'spec.outboundTrafficPolicy.egressProxy';
    if (mode !== 'ALLOW_ANY') fail(scope, 'spec.outboundTrafficPolicy.mode', otp.mode, 'must be ALLOW_ANY when egressProxy is set (the egress proxy takes the traffic to unknown destinations)');
    const host = otp.egressProxy.host;
    if (host === '*' || !isFqdn(host)) fail(scope, `${at}.host`, host, 'must be the host of the egress proxy service, a DNS name such as "egress-proxy.istio-system.svc.cluster.local"');
    if (otp.egressProxy.port === undefined) fail(scope, `${at}.port`, otp.egressProxy.port, 'must be set: { number: <port of the egress proxy> }');
    checkPort(scope, `${at}.port.number`, otp.egressProxy.port.number ?? 0);
    if (otp.egressProxy.subset !== undefined && !isDnsLabel(otp.egressProxy.subset)) {
      fail(scope, `${at}.subset`, otp.egressProxy.subset, 'must be a subset name (DNS-1123 label) of the host\'s DestinationRule');
    }
  }
}

function checkIngress(scope: Construct, at: string, l: SidecarSpecIngress): void {
  const p = l.port;
  if (p.targetPort !== undefined && p.targetPort > 0) fail(scope, `${at}.port.targetPort`, p.targetPort, 'must be left out: targetPort has no effect on a Sidecar (use defaultEndpoint)');
  if (p.name) checkPortName(scope, `${at}.port.name`, p.name);
  checkProtocol(scope, `${at}.port.protocol`, p.protocol, true);
  checkPort(scope, `${at}.port.number`, p.number as number);
  if (l.bind !== undefined && l.bind !== '' && !isIP(l.bind)) fail(scope, `${at}.bind`, l.bind, 'must be an IP address');

  const ep = l.defaultEndpoint;
  if (ep) {
    const form = 'must be "127.0.0.1:<port>", "0.0.0.0:<port>", "[::1]:<port>", "[::]:<port>", ":<port>" or "unix://<absolute path>"';
    if (ep.startsWith(UNIX_PREFIX)) {
      checkUnixAddress(scope, `${at}.defaultEndpoint`, ep);
    } else {
      const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(ep);
      if (!m) fail(scope, `${at}.defaultEndpoint`, ep, form);
      const host = m[1] ?? m[2];
      if (host !== '' && !['127.0.0.1', '0.0.0.0', '::1', '::'].includes(host)) fail(scope, `${at}.defaultEndpoint`, ep, form);
      if (!/^[0-9]+$/.test(m[3]) || Number(m[3]) < 1 || Number(m[3]) > 65535) fail(scope, `${at}.defaultEndpoint`, ep, `${form}, with a port from 1 to 65535`);
    }
  }

  const tls = l.tls;
  if (tls) {
    const unsupported: Array<[string, unknown]> = [
      ['subjectAltNames', tls.subjectAltNames?.length ? tls.subjectAltNames : undefined], ['httpsRedirect', tls.httpsRedirect || undefined],
      ['credentialName', tls.credentialName || undefined], ['credentialNames', tls.credentialNames?.length ? tls.credentialNames : undefined],
      ['tlsCertificates', tls.tlsCertificates?.length ? tls.tlsCertificates : undefined],
    ];
    for (const [k, v] of unsupported) {
      if (v !== undefined) fail(scope, `${at}.tls.${k}`, v, 'must be left out: a Sidecar ingress listener does not support it (give serverCertificate, privateKey and caCertificates files)');
    }
    const mode = tlsMode(tls);
    if (mode === 'ISTIO_MUTUAL' || mode === 'AUTO_PASSTHROUGH') fail(scope, `${at}.tls.mode`, mode, 'must not be ISTIO_MUTUAL or AUTO_PASSTHROUGH on a Sidecar ingress listener');
    if (!isTlsProtocol(parseProtocol(p.protocol))) fail(scope, `${at}.port.protocol`, p.protocol, 'must be HTTPS or TLS when the listener has tls settings');
    checkServerTls(scope, `${at}.tls`, tls);
  }
  checkConnectionPool(scope, `${at}.connectionPool`, l.connectionPool);
}

function checkEgressPort(scope: Construct, at: string, l: SidecarSpecEgress): void {
  const p = l.port!;
  if (p.targetPort !== undefined && p.targetPort > 0) fail(scope, `${at}.port.targetPort`, p.targetPort, 'must be left out: targetPort has no effect on a Sidecar');
  if (p.name) checkPortName(scope, `${at}.port.name`, p.name);
  checkProtocol(scope, `${at}.port.protocol`, p.protocol, true);
  const bind = l.bind ?? '';
  if ((p.number ?? 0) === 0) {
    if (!bind.startsWith(UNIX_PREFIX)) fail(scope, `${at}.bind`, l.bind, 'must be a unix domain socket ("unix://<absolute path>") when port number is 0 (or left out)');
    checkUnixAddress(scope, `${at}.bind`, bind);
    const capture = l.captureMode ?? 'DEFAULT';
    if (capture !== 'DEFAULT' && capture !== 'NONE') fail(scope, `${at}.captureMode`, capture, 'must be DEFAULT or NONE for a unix domain socket listener');
  } else {
    checkPort(scope, `${at}.port.number`, p.number!);
    if (bind !== '' && !isIP(bind)) fail(scope, `${at}.bind`, bind, 'must be an IP address');
  }
}
