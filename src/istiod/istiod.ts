import { Construct } from 'constructs';
import { IIstiod, istiodFromAttributes, IstiodAttributes } from './istiod-ref';
import { MeshAnalyzer, MeshAnalyzerOptions } from '../analyzer/synth';
import { IstioBase } from '../base/istio-base';
import { ambientNamespaceLabels } from '../base/labels';
import { IstioCni } from '../cni/istio-cni';
import { checkCniOptionKeys, IstioCniOptions } from '../cni/options';
import { checkKnownKeys } from '../resource/keys';
import { checkZtunnelOptionKeys, Ztunnel, ZtunnelOptions } from '../ztunnel/ztunnel';
import { kubeObject } from '../kube';
import { checkDnsLabel, checkLabels, fail, isLabelValue } from '../validation';
import { IstioVersion } from '../version';
import { AutoscalingOptions, PodDisruptionBudgetOptions, ResourcePreset, SchedulingOptions } from '../workload';
import { addInjectorConfigMap, addMeshConfigMap, addValuesConfigMap } from './config-maps';
import { IstiodContext } from './context';
import { renderTolerations } from '../workload';
import { addDeployment, checkIstiodEnv, ISTIOD_LOG_LEVELS } from './deployment';
import { helmValues } from './helm-values';
import { resolveImage } from './image';
import { renderInjectorData } from './injector';
import { InjectionPolicyOptions, ProxyOptions } from './injector/options';
import { MeshConfigOptions, resolveMeshConfig } from './mesh-config';
import { addRbac } from './rbac';
import { addScaling, planScaling } from './scaling';
import { addService } from './service';
import { addInjectorWebhook, addValidatorWebhook } from './webhooks';
import { checkRevisionTags, RevisionTag } from './revision-tag';
import { ISTIOD_PROPS } from './shapes';

/** Longest revision whose `istiod-<revision>` Service name is still a 63-character DNS label. */
const MAX_REVISION_LENGTH = 63 - 'istiod-'.length;

/** Ambient mode: no sidecars; a ztunnel per node carries the mesh traffic of pods in ambient namespaces. */
export interface AmbientOptions {
  /** ztunnel, the node proxy. @default - the chart's settings (requests 200m / 512Mi per node) */
  readonly ztunnel?: ZtunnelOptions;
}

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
   * Fixed replica count (an integer >= 0); turns the HPA off. Giving both `replicas` and `autoscaling` options is
   * an error (conflicting options); `autoscaling: false` with `replicas` is fine.
   * @default - no replicas field; the HPA scales 1-5
   */
  readonly replicas?: number;
  /**
   * Horizontal pod autoscaling (the HPA owns the replica count), or `false` for none (then the Deployment runs
   * `replicas`, default 1). Cannot be combined with `replicas`.
   * @default { minReplicas: 1, maxReplicas: 5, targetCpuUtilization: 80 }
   */
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
  /**
   * The Istio CNI node agent (DaemonSet `istio-cni-node`, see {@link IstioCni}): `true` or its options to render it.
   * With it, injection uses the unprivileged `istio-validation` init container instead of `istio-init` (NET_ADMIN,
   * NET_RAW), so meshed namespaces can enforce Pod Security `restricted`. Ambient mode turns it on; `false` with
   * `ambient` is an error.
   * @default false (on with `ambient`)
   */
  readonly cni?: boolean | IstioCniOptions;
  /**
   * Ambient mode (Istio 1.30; refused on 1.20.3, whose ambient was an alpha of another design): istiod with
   * `PILOT_ENABLE_AMBIENT`, the CNI agent in ambient mode and ztunnel (see {@link Ztunnel}), as upstream's `ambient`
   * profile renders them (images default to the `distroless` variant, as that profile sets). Namespaces join with
   * {@link Istiod.namespaceDataplaneLabels} (`istio.io/dataplane-mode: ambient`). Sidecar injection keeps working
   * for namespaces that ask for it.
   * @default false (sidecar mode)
   */
  readonly ambient?: boolean | AmbientOptions;
  /** Native sidecars (proxy as an init container with restartPolicy Always). @default - the version's default (off on 1.20, auto on 1.30) */
  readonly nativeSidecars?: boolean;
  /**
   * Revision tags pointing at this control plane (the istiod chart's `revisionTags`): per tag a webhook
   * configuration `istio-revision-tag-<tag>` (and on 1.30 a Service `istiod-revision-tag-<tag>`), so namespaces
   * labelled `istio.io/rev: <tag>` are injected by this revision. See {@link RevisionTag}; a canary upgrade moves a
   * tag from the old revision's list to the new one's ({@link UpgradePlan}).
   * @default - none
   */
  readonly revisionTags?: string[];
  /** Injection policy. @default { enabled: true } */
  readonly injection?: InjectionPolicyOptions;
  /** Cluster name (`CLUSTER_ID`). @default 'Kubernetes' */
  readonly clusterName?: string;
  /** Mesh ID. @default - the trust domain */
  readonly meshId?: string;
  /** Network name. @default - none */
  readonly network?: string;
  /**
   * The mesh analyzer that runs on `app.synth()` (errors fail synth, warnings print).
   * `{ enabled: false }` turns it off for the whole app.
   * @default - attached with its defaults (fail on Error)
   */
  readonly analyzer?: MeshAnalyzerOptions;
}

/**
 * The Istio control plane: what Istio's istiod chart renders for the chosen version.
 *
 * Objects: ServiceAccount, ConfigMaps `istio` (mesh config), `istio-sidecar-injector` and (1.30) `values`,
 * the istiod, gateway-controller and reader ClusterRoles with bindings, Role and RoleBinding, Service, Deployment,
 * HPA, PDB (per the version's rule), the sidecar-injector MutatingWebhookConfiguration and the revision's
 * ValidatingWebhookConfiguration. With a `revision`, every name gets `-<revision>` and selectors use `istio.io/rev`.
 *
 * @example
 * const base = new IstioBase(chart, 'base', { version: IstioVersion.V1_30_3 });
 * new Istiod(chart, 'istiod', { base });
 */
export class Istiod extends Construct implements IIstiod {
  /**
   * A control plane installed elsewhere (another app, repository or team), so that this app's namespaces, routes and
   * policies can attach to it. Nothing of the control plane is emitted.
   *
   * @example
   * const mesh = Istiod.fromAttributes(chart, 'mesh', { version: IstioVersion.V1_30_3, revision: '1-30' });
   * new ZeroTrustNamespace(chart, 'shop', { istiod: mesh, name: 'shop' });
   */
  public static fromAttributes(scope: Construct, id: string, attrs: IstiodAttributes): IIstiod {
    return istiodFromAttributes(scope, id, attrs);
  }

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
  /** Whether Istio CNI is in use (the agent {@link cniAgent} is rendered and injection runs in CNI mode). */
  public readonly cni: boolean;
  /** Whether the mesh runs in ambient mode ({@link ztunnel} is rendered, istiod has `PILOT_ENABLE_AMBIENT`). */
  public readonly ambient: boolean;
  /** The data plane new namespaces join: `ambient` (ztunnel) or `sidecar` (injected proxies). */
  public readonly dataplaneMode: 'sidecar' | 'ambient';
  /** The Istio CNI node agent, when {@link cni} is on. */
  public readonly cniAgent?: IstioCni;
  /** ztunnel, when {@link ambient} is on. */
  public readonly ztunnel?: Ztunnel;
  /** Image hub, tag and variant of the control plane; the node agents default to them. */
  public readonly image: { readonly hub: string; readonly tag: string; readonly variant?: string };
  /** Cluster name (`CLUSTER_ID`, ztunnel's `ISTIO_META_CLUSTER_ID`). */
  public readonly clusterName: string;
  /** Network of this cluster, when set. */
  public readonly network?: string;
  /** `proxyMetadata` of the mesh's default proxy config (ambient: `ISTIO_META_ENABLE_HBONE=true`). */
  public readonly proxyMetadata: Record<string, string>;
  /** xDS/CA address workloads use: `istiod[-rev].<ns>.svc:15012`. */
  public readonly discoveryAddress: string;
  /** Outbound traffic policy of the mesh. */
  public readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** ServiceAccount istiod runs as: `istiod[-<rev>]` in {@link namespace}. */
  public readonly serviceAccountName: string;
  /**
   * Labels selecting this revision's istiod pods (as the Service and PDB do): `{app: istiod, istio: pilot}`,
   * or `{app: istiod, istio.io/rev: <rev>}` with a revision. Use them in NetworkPolicies.
   */
  public readonly selectorLabels: Record<string, string>;
  /** Name of the mesh-config ConfigMap: `istio[-<rev>]`. */
  public readonly meshConfigName: string;
  /** Name of the injector ConfigMap: `istio-sidecar-injector[-<rev>]`. */
  public readonly injectorConfigMapName: string;
  /** Revision tags pointing at this control plane (`revisionTags`), in the order given. */
  public readonly revisionTags: string[];

  public constructor(scope: Construct, id: string, props: IstiodProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, ISTIOD_PROPS);
    if (!props || !(props.base instanceof IstioBase)) {
      fail(this, 'base', props?.base, 'must be an IstioBase construct');
    }
    this.base = props.base;
    this.version = props.base.version;
    this.namespace = props.base.namespace;
    if (props.revision !== undefined) {
      checkDnsLabel(this, 'revision', props.revision);
      if (props.revision === 'default') fail(this, 'revision', props.revision, '"default" names the default revision; omit revision instead');
      if (props.revision.length > MAX_REVISION_LENGTH) {
        fail(this, 'revision', props.revision, `must be at most ${MAX_REVISION_LENGTH} characters, so that "istiod-<revision>" is a valid Service name`);
      }
    }
    const revisionTags = checkRevisionTags(this, 'revisionTags', props.revisionTags);
    this.revisionTags = [...revisionTags];
    const ctx = new IstiodContext(this.version, this.namespace, props.revision);
    this.revision = props.revision;
    this.revisionLabel = ctx.revisionLabel;
    this.suffix = ctx.suffix;
    this.serviceName = ctx.name;
    this.serviceAccountName = ctx.name;
    this.selectorLabels = ctx.selectorLabels;
    this.meshConfigName = ctx.revisionedName('istio');
    this.injectorConfigMapName = ctx.revisionedName('istio-sidecar-injector');
    this.discoveryAddress = `${this.serviceName}.${this.namespace}.svc:15012`;
    const { cniOptions, ambientOptions } = this.checkDataplane(props);
    this.ambient = ambientOptions !== undefined;
    this.cni = cniOptions !== undefined;
    this.dataplaneMode = this.ambient ? 'ambient' : 'sidecar';

    // --- validate and resolve every input before emitting anything
    // Upstream's values keep the cluster name empty unless set; istiod's CLUSTER_ID falls back to "Kubernetes".
    const clusterNameSet = this.checkName('clusterName', props.clusterName) ?? '';
    const clusterName = clusterNameSet || 'Kubernetes';
    this.clusterName = clusterName;
    const meshId = this.checkName('meshId', props.meshId);
    const network = this.checkName('network', props.network);
    this.network = network;
    // upstream's ambient profile sets the distroless variant for every image
    const { hub, tag, variant } = resolveImage(this, 'image', props.image ?? {}, {
      hub: this.version.hub, tag: this.version.tag, variant: this.ambient ? 'distroless' : undefined,
    });
    this.image = { hub, tag, variant };
    const mesh = resolveMeshConfig(this, 'meshConfig', props.meshConfig, {
      version: this.version, namespace: this.namespace, discoveryAddress: this.discoveryAddress, meshId, ambient: this.ambient, variant,
    });
    this.proxyMetadata = { ...((mesh.mesh.defaultConfig as { proxyMetadata?: Record<string, string> }).proxyMetadata ?? {}) };
    this.trustDomain = mesh.trustDomain;
    this.rootNamespace = mesh.rootNamespace;
    this.outboundTrafficPolicy = mesh.outboundTrafficPolicy;

    const logLevel = props.logLevel ?? 'info';
    if (!ISTIOD_LOG_LEVELS.includes(logLevel)) {
      fail(this, 'logLevel', logLevel, `must be one of ${ISTIOD_LOG_LEVELS.map((l) => `"${l}"`).join(', ')}`);
    }
    const env = this.withAmbient(this.withNativeSidecars(checkIstiodEnv(this, ctx, props.env), props.nativeSidecars));
    const preset = props.resources ?? ResourcePreset.upstreamDefault();
    if (!(preset instanceof ResourcePreset)) {
      fail(this, 'resources', preset, 'must be a ResourcePreset, e.g. ResourcePreset.upstreamDefault() or ResourcePreset.of({...})');
    }
    const resources = preset.render(this, 'resources');
    const plan = planScaling(this, ctx, props, this.base.kubernetesMinor);
    // Scheduling is rendered with the Deployment, after other objects: check it before anything is emitted.
    renderTolerations(this, 'tolerations', props.tolerations ?? []);
    checkLabels(this, 'nodeSelector', props.nodeSelector);
    const injectorData = renderInjectorData({
      scope: this,
      version: this.version,
      namespace: this.namespace,
      revision: this.revision,
      trustDomain: this.trustDomain,
      hub,
      tag,
      variant,
      proxy: props.proxy ?? {},
      cni: this.cni,
      ambient: this.ambient,
      nativeSidecars: props.nativeSidecars,
      policy: props.injection ?? {},
      clusterName: clusterNameSet,
      meshId,
      network,
      caAddress: this.discoveryAddress,
    });

    // --- objects
    kubeObject(this, 'service-account', 'ServiceAccount', { metadata: ctx.meta(this.serviceAccountName, 'rbac') });
    addMeshConfigMap(this, ctx, this.meshConfigName, mesh);
    addInjectorConfigMap(this, ctx, this.injectorConfigMapName, injectorData);
    if (this.version.valuesConfigMap) {
      addValuesConfigMap(this, ctx, helmValues(props, {
        hub, tag, variant, logLevel, plan, resources, clusterName: clusterNameSet, env, mesh: mesh.mesh, injectorValues: JSON.parse(injectorData.values),
        cni: this.cni, ambient: this.ambient,
      }));
    }
    addRbac(this, ctx, this.serviceAccountName);
    addService(this, ctx);
    addDeployment(this, ctx, {
      image: this.version.image('pilot', { hub, tag, variant }),
      logLevel,
      resources,
      env,
      clusterName,
      // validated with the injector's values above
      clusterDomain: props.proxy?.clusterDomain ?? 'cluster.local',
      replicas: plan.replicas,
      scheduling: props,
      serviceAccountName: this.serviceAccountName,
    });
    addScaling(this, ctx, plan);
    addInjectorWebhook(this, ctx);
    // Helm renders this one on 1.30 only (1.20's chart lacks the value that enables it); istioctl renders it on
    // both, and istiod expects it, so it is rendered for every version.
    addValidatorWebhook(this, ctx);
    for (const tag of revisionTags) new RevisionTag(this, `revision-tag-${tag}`, { istiod: this, tag });
    // The node agents: the CNI agent (sidecar CNI mode, or ambient's redirection) and ambient's ztunnel.
    // One of each per cluster: a second control plane (a canary revision) shares the agents of the first.
    if (cniOptions !== undefined) {
      this.cniAgent = this.sharedAgent(IstioCni, 'cni', cniOptions) ?? new IstioCni(this, 'cni', { ...cniOptions, istiod: this });
      if (this.cniAgent.ambient !== this.ambient) {
        fail(this, 'ambient', this.ambient, `the Istio CNI agent of this cluster (${this.cniAgent.node.path}) runs ${this.cniAgent.ambient ? 'in' : 'without'} ambient mode: `
          + 'every control plane of a cluster must agree on ambient');
      }
    }
    if (ambientOptions !== undefined) {
      this.ztunnel = this.sharedAgent(Ztunnel, 'ambient.ztunnel', ambientOptions.ztunnel) ?? new Ztunnel(this, 'ztunnel', { ...ambientOptions.ztunnel, istiod: this });
    }
    // Cross-object checks run on app.synth(); attaching is idempotent (one analyzer per app).
    MeshAnalyzer.attach(this, props.analyzer ?? {});
  }

  /**
   * Labels that turn on injection for a namespace with this control plane:
   * `istio-injection: enabled` for the default revision, `istio.io/rev: <rev>` otherwise (never both).
   */
  public namespaceInjectionLabels(): Record<string, string> {
    return this.revision ? { 'istio.io/rev': this.revision } : { 'istio-injection': 'enabled' };
  }

  /**
   * Labels that make a namespace's pods part of this mesh in its data plane mode: in ambient mode
   * `istio.io/dataplane-mode: ambient` (ztunnel captures their traffic, no sidecars), otherwise the
   * {@link namespaceInjectionLabels}.
   */
  public namespaceDataplaneLabels(): Record<string, string> {
    return this.ambient ? ambientNamespaceLabels() : this.namespaceInjectionLabels();
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

  /**
   * istiod decides native sidecars from its `ENABLE_NATIVE_SIDECARS` env (the chart's `pilot.env`), so an explicit
   * `nativeSidecars` is passed there too; a user `env` entry saying otherwise is a conflict.
   */
  private withNativeSidecars(env: Record<string, string>, nativeSidecars: boolean | undefined): Record<string, string> {
    if (nativeSidecars === undefined) return env;
    if (typeof nativeSidecars !== 'boolean') fail(this, 'nativeSidecars', nativeSidecars, 'must be true or false');
    const value = String(nativeSidecars);
    const given = env.ENABLE_NATIVE_SIDECARS;
    if (given !== undefined && given !== value) {
      fail(this, 'env.ENABLE_NATIVE_SIDECARS', given, `conflicts with nativeSidecars: ${value}; set only one of them`);
    }
    return { ...env, ENABLE_NATIVE_SIDECARS: value };
  }

  /** Cluster, mesh and network names end up in labels (`topology.istio.io/*`): they must be non-empty label values. */
  private checkName(field: string, value: string | undefined): string | undefined {
    if (value !== undefined && (value === '' || !isLabelValue(value))) {
      fail(this, field, value, 'must be a non-empty label value: up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    }
    return value;
  }

  /** Resolves `cni` and `ambient`: the options of each node agent to render, undefined for none. */
  private checkDataplane(props: IstiodProps): { cniOptions?: IstioCniOptions; ambientOptions?: AmbientOptions } {
    const cni = props.cni;
    const ambient = props.ambient;
    const isOptions = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (cni !== undefined && typeof cni !== 'boolean' && !isOptions(cni)) {
      fail(this, 'cni', cni, 'must be true, false or the CNI agent\'s options (an object such as { excludeNamespaces: ["kube-system"] })');
    }
    if (ambient !== undefined && typeof ambient !== 'boolean' && !isOptions(ambient)) {
      fail(this, 'ambient', ambient, 'must be true, false or ambient options (an object such as { ztunnel: { logLevel: "info" } })');
    }
    if (isOptions(ambient) && (ambient as AmbientOptions).ztunnel !== undefined && !isOptions((ambient as AmbientOptions).ztunnel)) {
      fail(this, 'ambient.ztunnel', (ambient as AmbientOptions).ztunnel, 'must be ztunnel options (an object such as { logLevel: "info" })');
    }
    if (cni !== undefined && typeof cni !== 'boolean') checkCniOptionKeys(this, 'cni', cni);
    if (ambient !== undefined && typeof ambient !== 'boolean') {
      checkKnownKeys(this, 'ambient', ambient, { ztunnel: 'ref' });
      checkZtunnelOptionKeys(this, 'ambient.ztunnel', ambient.ztunnel);
    }
    if (ambient === undefined || ambient === false) {
      return { cniOptions: cni === undefined || cni === false ? undefined : cni === true ? {} : cni };
    }
    if (!this.version.nodeAgents.ambient) {
      fail(this, 'ambient', ambient, `ambient mode needs Istio 1.24 or later (this library renders it for 1.30.x); Istio ${this.version.tag} had only an alpha `
        + 'of another design (the CNI agent on the host network, ztunnel redirecting from the node) that upstream no longer supports. '
        + 'Fix: use version 1.30.3, or the sidecar data plane (omit ambient; cni: true still removes istio-init)');
    }
    if (cni === false) fail(this, 'cni', cni, 'ambient mode needs the Istio CNI agent (it redirects the ambient pods to ztunnel): omit cni, or set true or its options');
    return { cniOptions: cni === undefined || cni === true ? {} : cni, ambientOptions: ambient === true ? {} : ambient };
  }

  /**
   * The node agent of `type` another control plane of this app already renders (the agents are one per cluster), or
   * undefined. Options belong to the control plane that renders it: given here too, they are refused.
   */
  private sharedAgent<T extends IstioCni | Ztunnel>(type: new (...args: never[]) => T, field: string, options: object | undefined): T | undefined {
    const existing = this.node.root.node.findAll().find((c): c is T => c instanceof type);
    if (existing === undefined) return undefined;
    if (options !== undefined && Object.keys(options).length > 0) {
      fail(this, field, options, `the node agent is one per cluster and ${existing.node.path} renders it already (this control plane shares it): `
        + 'set its options there, and true here');
    }
    return existing;
  }

  /** Ambient mode is istiod's `PILOT_ENABLE_AMBIENT`; a user `env` entry saying otherwise is a conflict. */
  private withAmbient(env: Record<string, string>): Record<string, string> {
    if (!this.ambient) return env;
    const given = env.PILOT_ENABLE_AMBIENT;
    if (given !== undefined && given !== 'true') fail(this, 'env.PILOT_ENABLE_AMBIENT', given, 'conflicts with ambient: true; set only ambient');
    return { ...env, PILOT_ENABLE_AMBIENT: 'true' };
  }

}
