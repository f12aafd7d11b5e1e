import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { WorkloadEntrySpec } from '../resource/specs.generated';
import { checkLabels, fail } from '../validation';
import { checkWorkloadAddress } from './rules';

/** Props of {@link WorkloadEntry}. */
export interface WorkloadEntryProps extends IstioResourceProps<WorkloadEntrySpec> {}

/**
 * An Istio `WorkloadEntry` (networking.istio.io): one workload outside Kubernetes (a VM, a bare-metal host), with its
 * address, labels, ports and identity, so that ServiceEntries (by `workloadSelector`) and Services select it as they
 * select pods. The spec is Istio's, field for field; it is checked against the release's CRD schema and the rules
 * Istio's validating webhook applies: an address (IP, DNS name or `unix://` socket) unless the workload is reached
 * through its `network`'s gateway, ports named as port names with numbers 1-65535 (none for a socket), labels.
 *
 * @example
 * // Istio reference "WorkloadEntry": the details VM of Bookinfo
 * new WorkloadEntry(chart, 'details-svc', {
 *   namespace: { istiod, name: 'bookinfo' },
 *   spec: {
 *     serviceAccount: 'details-legacy',
 *     address: '2.2.2.2',
 *     labels: { 'app': 'details-legacy', 'instance-id': 'vm1' },
 *   },
 * });
 */
export class WorkloadEntry extends IstioResource<WorkloadEntrySpec> {
  public constructor(scope: Construct, id: string, props: WorkloadEntryProps) {
    super(scope, id, 'WorkloadEntry', props, checkWorkloadEntry);
  }
}

function checkWorkloadEntry(scope: Construct, spec: WorkloadEntrySpec, _ctx: IstioRuleContext): void {
  const addr = spec.address ?? '';
  if (addr === '' && !spec.network) {
    fail(scope, 'spec.address', spec.address, 'must be set (an IP address, a DNS name or "unix://<path>"), unless network names the network whose gateway reaches the workload');
  }
  checkWorkloadAddress(scope, 'spec', spec);
  checkLabels(scope, 'spec.labels', spec.labels as Record<string, string> | undefined);
}
