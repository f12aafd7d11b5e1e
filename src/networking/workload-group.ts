import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { WorkloadGroupSpec, WorkloadGroupSpecProbe } from '../resource/specs.generated';
import { checkAnnotations, checkLabels, checkPort, fail } from '../validation';
import { checkWorkloadAddress } from './rules';

/** Props of {@link WorkloadGroup}. */
export interface WorkloadGroupProps extends IstioResourceProps<WorkloadGroupSpec> {}

/**
 * An Istio `WorkloadGroup` (networking.istio.io): the template of the WorkloadEntries VMs register themselves with
 * (auto-registration), and the readiness probe their proxies run. The spec is Istio's, field for field; it is checked
 * against the release's CRD schema and the rules Istio's validating webhook applies: a template (its address and ports
 * as in a WorkloadEntry), metadata labels, and a probe with exactly one method (httpGet, tcpSocket or exec: istiod's
 * webhook refuses the `grpc` method the 1.30 CRD has), ports 1-65535, an HTTP or HTTPS scheme, header names, an exec
 * command.
 *
 * @example
 * // Istio reference "WorkloadGroup": reviews VMs of Bookinfo with an HTTPS readiness probe
 * new WorkloadGroup(chart, 'reviews', {
 *   namespace: { istiod, name: 'bookinfo' },
 *   spec: {
 *     metadata: { labels: { 'app.kubernetes.io/name': 'reviews', 'app.kubernetes.io/version': '1.3.4' } },
 *     template: { ports: { grpc: 3550, http: 8080 }, serviceAccount: 'default' },
 *     probe: {
 *       initialDelaySeconds: 5, timeoutSeconds: 3, periodSeconds: 4, successThreshold: 3, failureThreshold: 3,
 *       httpGet: { path: '/foo/bar', host: '127.0.0.1', port: 3100, scheme: 'HTTPS', httpHeaders: [{ name: 'Lit-Header', value: 'Im-The-Best' }] },
 *     },
 *   },
 * });
 */
export class WorkloadGroup extends IstioResource<WorkloadGroupSpec> {
  public constructor(scope: Construct, id: string, props: WorkloadGroupProps) {
    super(scope, id, 'WorkloadGroup', props, checkWorkloadGroup);
  }
}

function checkWorkloadGroup(scope: Construct, spec: WorkloadGroupSpec, _ctx: IstioRuleContext): void {
  if (!spec.template) fail(scope, 'spec.template', spec.template, 'must be set: the WorkloadEntry template ({ serviceAccount, ports, labels, ... }; the address is filled in at registration)');
  checkWorkloadAddress(scope, 'spec.template', spec.template);
  checkLabels(scope, 'spec.template.labels', spec.template.labels as Record<string, string> | undefined);
  checkLabels(scope, 'spec.metadata.labels', spec.metadata?.labels as Record<string, string> | undefined);
  checkAnnotations(scope, 'spec.metadata.annotations', spec.metadata?.annotations as Record<string, string> | undefined);
  if (spec.probe) checkProbe(scope, 'spec.probe', spec.probe);
}

function checkProbe(scope: Construct, at: string, probe: WorkloadGroupSpecProbe): void {
  for (const k of ['periodSeconds', 'initialDelaySeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = probe[k];
    if (v !== undefined && v < 0) fail(scope, `${at}.${k}`, v, 'must not be negative');
  }
  const methods = (['httpGet', 'tcpSocket', 'exec', 'grpc'] as const).filter((m) => probe[m] !== undefined);
  if (methods.length !== 1) {
    fail(scope, at, methods.join(', ') || '(no method)', 'must set exactly one of httpGet, tcpSocket or exec: how the proxy checks the workload is ready');
  }
  if (probe.httpGet) {
    const h = probe.httpGet;
    checkPort(scope, `${at}.httpGet.port`, h.port);
    if (h.scheme !== undefined && h.scheme !== '' && h.scheme !== 'HTTP' && h.scheme !== 'HTTPS') fail(scope, `${at}.httpGet.scheme`, h.scheme, 'must be "HTTP" or "HTTPS"');
    (h.httpHeaders ?? []).forEach((hd, i) => {
      if (!hd.name || !/^[-A-Za-z0-9]+$/.test(hd.name)) fail(scope, `${at}.httpGet.httpHeaders[${i}].name`, hd.name, 'must be a header name: letters, digits and "-"');
    });
  }
  if (probe.tcpSocket) checkPort(scope, `${at}.tcpSocket.port`, probe.tcpSocket.port);
  if (probe.exec && !probe.exec.command?.length) fail(scope, `${at}.exec.command`, probe.exec.command, 'must list the command and its arguments, e.g. ["cat", "/tmp/ready"]');
  if (probe.grpc) {
    // the CRD (1.30) has the field, but istiod's webhook knows only the other three methods and refuses the object
    fail(scope, `${at}.grpc`, probe.grpc, 'is refused by Istio\'s validating webhook ("unknown health check method") although the CRD has the field: use httpGet, tcpSocket or exec');
  }
}
