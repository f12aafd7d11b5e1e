import { IConstruct } from 'constructs';
import { checkKnownKeys, Shape } from '../resource/keys';
import type { CniRepairMode } from '../version';
import { ResourcePreset } from '../workload';

/** Image of a node agent (the CNI agent's `install-cni`, ztunnel's `ztunnel`). */
export interface NodeAgentImageOptions {
  /** Registry and organisation. @default - the control plane's hub (`docker.io/istio`) */
  readonly hub?: string;
  /** Image tag. @default - the control plane's tag (the Istio version) */
  readonly tag?: string;
  /** Image variant, e.g. `distroless`. @default - the control plane's variant (`distroless` in ambient mode, none otherwise) */
  readonly variant?: string;
}

/** Log levels of the CNI agent (`--log_output_level`). */
export type CniLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'none';

/**
 * Options of the Istio CNI node agent (the `istio-cni-node` DaemonSet), given to `Istiod` as `cni`.
 */
export interface IstioCniOptions {
  /**
   * Namespaces whose pods the CNI plugin leaves alone.
   * @default - the release's default: `['kube-system']` (1.30), `['istio-system', 'kube-system']` (1.20)
   */
  readonly excludeNamespaces?: string[];
  /** Log level of the agent. @default 'info' */
  readonly logLevel?: CniLogLevel;
  /** Resources of the `install-cni` container. @default - requests 100m CPU / 100Mi memory, no limits (the chart's) */
  readonly resources?: ResourcePreset;
  /**
   * What the repair controller does with a pod that started before the agent was ready on its node:
   * `repairPods` (set up its redirection in place), `deletePods` (delete it, so it is created again),
   * `labelPods` (label it `cni.istio.io/uninitialized=true`), or `false` to turn the controller off.
   * @default - the release's default: `repairPods` (1.30), `deletePods` (1.20)
   */
  readonly repair?: CniRepairMode | false;
  /** Image of the agent. @default - `install-cni` from the control plane's hub, tag and variant */
  readonly image?: NodeAgentImageOptions;
  /** Host folder of the CNI binaries (k3s: `/var/lib/rancher/k3s/data/cni`). @default '/opt/cni/bin' */
  readonly cniBinDir?: string;
  /** Host folder of the CNI network configuration (k3s: `/var/lib/rancher/k3s/agent/etc/cni/net.d`). @default '/etc/cni/net.d' */
  readonly cniConfDir?: string;
  /** Ambient mode only: redirect the pods' DNS to ztunnel's DNS proxy. @default true */
  readonly dnsCapture?: boolean;
  /** Ambient mode only: redirect IPv6 traffic as well. @default true */
  readonly ipv6?: boolean;
}

/** The keys of {@link IstioCniOptions}, checked at run time (a JavaScript caller's typo would otherwise vanish). */
const CNI_SHAPE: Shape<IstioCniOptions> = {
  excludeNamespaces: true, logLevel: true, resources: 'ref', repair: true, image: { hub: true, tag: true, variant: true },
  cniBinDir: true, cniConfDir: true, dnsCapture: true, ipv6: true,
};

/** Checks the keys of CNI options (nested image included). @internal */
export function checkCniOptionKeys(scope: IConstruct, field: string, o: IstioCniOptions): void {
  checkKnownKeys(scope, field, o, CNI_SHAPE);
}
