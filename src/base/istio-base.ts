import { Construct } from 'constructs';
import { checkDnsLabel, fail } from '../validation';
import { IstioVersion } from '../version';

/** Props of {@link IstioBase}. */
export interface IstioBaseProps {
  /**
   * The Istio release. Every construct attached to this base (istiod, gateways, namespaces) follows it.
   * @default IstioVersion.V1_30_3
   */
  readonly version?: IstioVersion;

  /**
   * Namespace Istio is installed into (istiod, its config, the reader ServiceAccount).
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * Kubernetes version of the target cluster, as `major.minor`. Only Istio 1.20's charts branch on it
   * (PDB and HPA API versions, gateway sysctls); 1.30 ignores it.
   * @default '1.28'
   */
  readonly kubernetesVersion?: string;
}

/**
 * The foundation of an install: the Istio namespace, Istio's CRDs, the reader ServiceAccount and the
 * default validating webhook. Pick the Istio version here; everything attached to it follows.
 */
export class IstioBase extends Construct {
  /** The chosen Istio release. */
  public readonly version: IstioVersion;
  /** The install namespace. */
  public readonly namespace: string;
  /** Target Kubernetes minor version (e.g. 28). */
  public readonly kubernetesMinor: number;

  public constructor(scope: Construct, id: string, props: IstioBaseProps = {}) {
    super(scope, id);
    this.version = props.version ?? IstioVersion.V1_30_3;
    if (!(this.version instanceof IstioVersion)) {
      fail(this, 'version', props.version, 'must be an IstioVersion, e.g. IstioVersion.V1_30_3 or IstioVersion.of("1.20.3")');
    }
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'istio-system');
    const kube = props.kubernetesVersion ?? '1.28';
    const m = /^1\.([0-9]{1,2})$/.exec(kube);
    if (!m || Number(m[1]) < 16) fail(this, 'kubernetesVersion', kube, 'must be a Kubernetes version "1.<minor>" with minor >= 16, e.g. "1.28"');
    this.kubernetesMinor = Number(m[1]);
    // Objects (Namespace, CRDs, reader SA, default validator) are added by the base implementation.
  }
}
