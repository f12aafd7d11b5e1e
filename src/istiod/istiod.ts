import { Construct } from 'constructs';
import { IstioBase } from '../base/istio-base';
import { checkDnsLabel, fail } from '../validation';
import { IstioVersion } from '../version';
import { AutoscalingOptions, PodDisruptionBudgetOptions, ResourcePreset, SchedulingOptions } from '../workload';
import { InjectionPolicyOptions, ProxyOptions } from './injector/options';
import { MeshConfigOptions } from './mesh-config';

/** Image settings of istiod. */
export interface IstiodImageOptions {
  /** Registry and organisation. @default 'docker.io/istio' */
  readonly hub?: string;
  /** Image tag. @default - the Istio version tag */
  readonly tag?: string;
  /** Image variant, e.g. `distroless` (appended as `-distroless`). @default - none */
  readonly variant?: string;
}

/** Props of {@link Istiod}. */
export interface IstiodProps extends SchedulingOptions {
  /** The base this control plane belongs to; version and namespace come from it. */
  readonly base: IstioBase;
  /**
   * Revision name for canary upgrades. Objects get a `-<revision>` suffix and select on `istio.io/rev`.
   * @default - the default revision
   */
  readonly revision?: string;
  /**
   * Fixed replica count. Setting it turns the HPA off unless `autoscaling` is also given.
   * @default - no replicas field; the HPA scales 1-5
   */
  readonly replicas?: number;
  /** Autoscaling, or `false` for none. @default { minReplicas: 1, maxReplicas: 5, targetCpuUtilization: 80 } */
  readonly autoscaling?: AutoscalingOptions | false;
  /**
   * PodDisruptionBudget: `true`/options to render it, `false` for none.
   * @default - the version's rule: always on 1.20; on 1.30 only with more than one replica
   */
  readonly podDisruptionBudget?: PodDisruptionBudgetOptions | boolean;
  /** Container resources. @default ResourcePreset.upstreamDefault() (500m / 2048Mi requests) */
  readonly resources?: ResourcePreset;
  /** Image. @default docker.io/istio/pilot:<version> */
  readonly image?: IstiodImageOptions;
  /** istiod log level (`--log_output_level=default:<level>`). @default 'info' */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'none';
  /** Extra environment variables of the discovery container. @default - none */
  readonly env?: Record<string, string>;
  /** Mesh configuration. @default - Istio's defaults for the version */
  readonly meshConfig?: MeshConfigOptions;
  /** Defaults of injected proxies. @default - Istio's defaults */
  readonly proxy?: ProxyOptions;
  /** Istio CNI is installed: injection uses `istio-validation` instead of `istio-init`. @default false */
  readonly cni?: boolean;
  /** Native sidecars (proxy as an init container with restartPolicy Always). @default - the version's default (off on 1.20, auto on 1.30) */
  readonly nativeSidecars?: boolean;
  /** Injection policy. @default { enabled: true } */
  readonly injection?: InjectionPolicyOptions;
  /** Cluster name (`CLUSTER_ID`). @default 'Kubernetes' */
  readonly clusterName?: string;
  /** Mesh ID. @default - the trust domain */
  readonly meshId?: string;
  /** Network name. @default - none */
  readonly network?: string;
}

/**
 * The Istio control plane: what Istio's istiod chart renders for the chosen version.
 */
export class Istiod extends Construct {
  /** The base this control plane belongs to. */
  public readonly base: IstioBase;
  /** Istio release (from the base). */
  public readonly version: IstioVersion;
  /** Install namespace (from the base). */
  public readonly namespace: string;
  /** Revision, or undefined for the default revision. */
  public readonly revision?: string;
  /** `istio.io/rev` value: the revision, or `default`. */
  public readonly revisionLabel: string;
  /** Name suffix: `-<revision>` or empty. */
  public readonly suffix: string;
  /** Name of the istiod Service (and Deployment): `istiod[-<rev>]`. */
  public readonly serviceName: string;
  /** SPIFFE trust domain of the mesh. */
  public readonly trustDomain: string;
  /** Mesh root namespace (mesh-wide policies live here). */
  public readonly rootNamespace: string;
  /** Whether Istio CNI is in use. */
  public readonly cni: boolean;
  /** xDS/CA address workloads use: `istiod[-rev].<ns>.svc:15012`. */
  public readonly discoveryAddress: string;
  /** Outbound traffic policy of the mesh. */
  public readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';

  public constructor(scope: Construct, id: string, props: IstiodProps) {
    super(scope, id);
    if (!props || !(props.base instanceof IstioBase)) {
      fail(this, 'base', props?.base, 'must be an IstioBase construct');
    }
    this.base = props.base;
    this.version = props.base.version;
    this.namespace = props.base.namespace;
    if (props.revision !== undefined) {
      checkDnsLabel(this, 'revision', props.revision);
      if (props.revision === 'default') fail(this, 'revision', props.revision, '"default" names the default revision; omit revision instead');
    }
    this.revision = props.revision;
    this.revisionLabel = props.revision ?? 'default';
    this.suffix = props.revision ? `-${props.revision}` : '';
    this.serviceName = `istiod${this.suffix}`;
    this.trustDomain = props.meshConfig?.trustDomain ?? 'cluster.local';
    this.rootNamespace = this.namespace;
    this.cni = props.cni ?? false;
    this.discoveryAddress = `${this.serviceName}.${this.namespace}.svc:15012`;
    this.outboundTrafficPolicy = props.meshConfig?.outboundTrafficPolicy ?? 'ALLOW_ANY';
  }

  /**
   * Labels that turn on injection for a namespace with this control plane:
   * `istio-injection: enabled` for the default revision, `istio.io/rev: <rev>` otherwise (never both).
   */
  public namespaceInjectionLabels(): Record<string, string> {
    return this.revision ? { 'istio.io/rev': this.revision } : { 'istio-injection': 'enabled' };
  }

  /**
   * Pod labels that request injection by this control plane (used by gateways):
   * `sidecar.istio.io/inject: "true"`, plus `istio.io/rev` when a revision is set.
   */
  public podInjectionLabels(): Record<string, string> {
    return this.revision
      ? { 'sidecar.istio.io/inject': 'true', 'istio.io/rev': this.revision }
      : { 'sidecar.istio.io/inject': 'true' };
  }
}
