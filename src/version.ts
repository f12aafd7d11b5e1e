import { IstioValidationError } from './validation';

/** The Istio release lines this library renders. */
export type IstioLine = '1.20' | '1.30';

/** The Istio API groups whose objects we emit. */
export type IstioApiGroup = 'networking' | 'security' | 'telemetry' | 'extensions';

/** Everything that differs between the two supported release lines. */
interface LineFacts {
  readonly apiVersions: Record<IstioApiGroup, string>;
  readonly admissionReviewVersions: string[];
  readonly istiodEnvJwtPolicy: boolean;
  readonly istiodEnvGoMemLimit: boolean;
  readonly istiodEnvCaTrustedNodeAccounts: boolean;
  readonly namedIstiodContainerPorts: boolean;
  readonly istiodCniNotReadyToleration: boolean;
  readonly dataplaneModeNoneLabel: boolean;
  readonly ambientRedirectionAnnotation: boolean;
  readonly valuesConfigMap: boolean;
  readonly istiodRemoteProfile: boolean;
  readonly istiodPdbByDefault: boolean;
  readonly zipkinInMeshConfig: boolean;
  readonly nativeSidecarsDefault: 'false' | 'auto';
  readonly caCrlVolume: boolean;
  readonly resourceFieldRefDivisor: '0' | '1';
  readonly appKubernetesIoLabels: boolean;
  readonly gatewayRunAsUser1337: boolean;
  readonly proxyEnvJwtPolicy: boolean;
  readonly cniValuesPath: 'istio_cni' | 'pilot.cni';
  readonly omitNilFunction: boolean;
  readonly otelResourceAttributes: boolean;
  readonly enableCoreDumpAnnotation: boolean;
  readonly helmRendersRevisionValidator: boolean;
  /** The istiod chart renders a Service `istiod-revision-tag-<tag>` per revision tag (1.30; 1.20 renders only the webhook). */
  readonly revisionTagService: boolean;
  /** The revision-tag webhooks carry `reinvocationPolicy` (1.30; 1.20's tag template leaves it out). */
  readonly revisionTagReinvocationPolicy: boolean;
  readonly crdsAsChartTemplates: boolean;
  readonly defaultValidatorGatewayApiOption: boolean;
  readonly istiodGatewayApiExperimentalGroup: 'networking.x-k8s.io' | 'gateway.networking.x-k8s.io';
  readonly istiodStatusSubresourceGrants: boolean;
  readonly istiodInferencePoolGrants: boolean;
  readonly gatewayControllerScalingGrants: boolean;
  readonly readerTelemetryExtensionsConfigMaps: boolean;
  readonly sidecarInboundConnectionPoolAlone: boolean;
  readonly kubernetesVersionBranches: boolean;
  readonly minKubernetesMinor: number;
  readonly injectionTemplates: string[];
  readonly injectionNewInputs: boolean;
  readonly templateData: TemplateDataContract;
  readonly proxyTracerDefault: 'zipkin' | 'none';
  readonly injectorGlobalDefaults: Record<string, unknown>;
}

/**
 * What istiod hands an injection template at one release: the fields of its template data (`.X`) and the
 * functions it can call (sprig's text functions plus istio's own). A template that names anything else fails at
 * execution, and istiod then refuses every pod it injects; the conformance suite parses our templates and checks
 * every field and function against this contract.
 */
export interface TemplateDataContract {
  /** Fields of the template data struct. */
  readonly fields: readonly string[];
  /** Fields of `.DeploymentMeta` (an ObjectMeta on 1.20, a namespaced name on 1.30). */
  readonly deploymentMetaFields: readonly string[];
  /** istio's own template functions (sprig's and Go's built-ins come on top). */
  readonly functions: readonly string[];
  /** The sprig release istiod links (its function set). */
  readonly sprig: string;
  /**
   * Fields of the data istiod's Gateway API deployment controller runs {@link gatewayTemplates} with: its template
   * input (with the Gateway's own fields promoted) plus the injector's image, proxy and mesh config and values.
   */
  readonly gatewayFields: readonly string[];
  /** The templates the deployment controller runs with that data instead of a pod's. */
  readonly gatewayTemplates: readonly string[];
}

/** A Gateway API Gateway's fields as promoted into the controller's template input (TypeMeta and ObjectMeta's too). */
const GATEWAY_PROMOTED = [
  'Gateway', 'TypeMeta', 'Kind', 'APIVersion', 'ObjectMeta', 'Name', 'GenerateName', 'Namespace', 'SelfLink', 'UID', 'ResourceVersion',
  'Generation', 'CreationTimestamp', 'DeletionTimestamp', 'DeletionGracePeriodSeconds', 'Labels', 'Annotations', 'OwnerReferences',
  'Finalizers', 'ManagedFields', 'Spec', 'Status',
];
/** What the controller adds from the injector to its own input, at both releases. */
const GATEWAY_FROM_INJECTOR = ['ProxyImage', 'ProxyConfig', 'MeshConfig', 'Values'];

/** Fields both releases' template data have. */
const TEMPLATE_FIELDS = [
  'TypeMeta', 'DeploymentMeta', 'ObjectMeta', 'Spec', 'ProxyConfig', 'MeshConfig', 'Values', 'Revision', 'ProxyImage', 'ProxyUID', 'ProxyGID',
];
/** istio's template functions at both releases. */
const TEMPLATE_FUNCTIONS = [
  'formatDuration', 'isset', 'excludeInboundPort', 'includeInboundPorts', 'kubevirtInterfaces', 'excludeInterfaces', 'applicationPorts',
  'annotation', 'valueOrDefault', 'toJSON', 'fromJSON', 'structToJSON', 'protoToJSON', 'toYaml', 'indent', 'directory', 'contains',
  'toLower', 'appendMultusNetwork', 'env', 'omit', 'strdict', 'toJsonMap',
];

/** `global` keys of the injector values that both releases' istiod chart carries with these defaults. */
const INJECTOR_GLOBAL_DEFAULTS = {
  caName: '',
  certSigners: [],
  configCluster: false,
  defaultPodDisruptionBudget: { enabled: true },
  defaultResources: { requests: { cpu: '10m' } },
  externalIstiod: false,
  istiod: { enableAnalysis: false },
  meshNetworks: {},
  mountMtlsCerts: false,
  omitSidecarInjectorConfigMap: false,
  operatorManageWebhooks: false,
  priorityClassName: '',
  remotePilotAddress: '',
  sts: { servicePort: 0 },
};

const FACTS: Record<IstioLine, LineFacts> = {
  '1.20': {
    apiVersions: {
      networking: 'networking.istio.io/v1beta1',
      security: 'security.istio.io/v1beta1',
      telemetry: 'telemetry.istio.io/v1alpha1',
      extensions: 'extensions.istio.io/v1alpha1',
    },
    admissionReviewVersions: ['v1beta1', 'v1'],
    istiodEnvJwtPolicy: true,
    istiodEnvGoMemLimit: true,
    istiodEnvCaTrustedNodeAccounts: false,
    namedIstiodContainerPorts: false,
    istiodCniNotReadyToleration: false,
    dataplaneModeNoneLabel: false,
    ambientRedirectionAnnotation: true,
    valuesConfigMap: false,
    istiodRemoteProfile: false,
    istiodPdbByDefault: true,
    zipkinInMeshConfig: true,
    nativeSidecarsDefault: 'false',
    caCrlVolume: false,
    resourceFieldRefDivisor: '0',
    appKubernetesIoLabels: false,
    gatewayRunAsUser1337: true,
    proxyEnvJwtPolicy: true,
    cniValuesPath: 'istio_cni',
    omitNilFunction: false,
    otelResourceAttributes: false,
    enableCoreDumpAnnotation: true,
    helmRendersRevisionValidator: false,
    revisionTagService: false,
    revisionTagReinvocationPolicy: false,
    crdsAsChartTemplates: false,
    defaultValidatorGatewayApiOption: true,
    istiodGatewayApiExperimentalGroup: 'networking.x-k8s.io',
    istiodStatusSubresourceGrants: false,
    istiodInferencePoolGrants: false,
    gatewayControllerScalingGrants: false,
    readerTelemetryExtensionsConfigMaps: false,
    sidecarInboundConnectionPoolAlone: false,
    kubernetesVersionBranches: true,
    // the 1.20 charts branch down to old clusters (policy/v1beta1, autoscaling/v2beta2)
    minKubernetesMinor: 16,
    injectionTemplates: ['sidecar', 'gateway', 'grpc-simple', 'grpc-agent', 'waypoint', 'kube-gateway'],
    injectionNewInputs: false,
    templateData: {
      fields: TEMPLATE_FIELDS,
      // metav1.ObjectMeta
      deploymentMetaFields: [
        'Name', 'GenerateName', 'Namespace', 'SelfLink', 'UID', 'ResourceVersion', 'Generation', 'CreationTimestamp', 'DeletionTimestamp',
        'DeletionGracePeriodSeconds', 'Labels', 'Annotations', 'OwnerReferences', 'Finalizers', 'ManagedFields',
      ],
      functions: TEMPLATE_FUNCTIONS,
      sprig: '3.2.3',
      gatewayFields: [
        ...GATEWAY_PROMOTED, 'DeploymentName', 'ServiceAccount', 'Ports', 'ServiceType', 'ClusterID', 'KubeVersion122', 'Revision',
        'ProxyUID', 'ProxyGID', ...GATEWAY_FROM_INJECTOR,
      ],
      gatewayTemplates: ['kube-gateway', 'waypoint'],
    },
    proxyTracerDefault: 'zipkin',
    injectorGlobalDefaults: { ...INJECTOR_GLOBAL_DEFAULTS, autoscalingv2API: true, oneNamespace: false },
  },
  '1.30': {
    apiVersions: {
      networking: 'networking.istio.io/v1',
      security: 'security.istio.io/v1',
      telemetry: 'telemetry.istio.io/v1',
      extensions: 'extensions.istio.io/v1alpha1',
    },
    admissionReviewVersions: ['v1'],
    istiodEnvJwtPolicy: false,
    istiodEnvGoMemLimit: false,
    istiodEnvCaTrustedNodeAccounts: true,
    namedIstiodContainerPorts: true,
    istiodCniNotReadyToleration: true,
    dataplaneModeNoneLabel: true,
    ambientRedirectionAnnotation: false,
    valuesConfigMap: true,
    istiodRemoteProfile: true,
    istiodPdbByDefault: false,
    zipkinInMeshConfig: false,
    nativeSidecarsDefault: 'auto',
    caCrlVolume: true,
    resourceFieldRefDivisor: '1',
    appKubernetesIoLabels: true,
    gatewayRunAsUser1337: false,
    proxyEnvJwtPolicy: false,
    cniValuesPath: 'pilot.cni',
    omitNilFunction: true,
    otelResourceAttributes: true,
    enableCoreDumpAnnotation: false,
    helmRendersRevisionValidator: true,
    revisionTagService: true,
    revisionTagReinvocationPolicy: true,
    crdsAsChartTemplates: true,
    defaultValidatorGatewayApiOption: false,
    istiodGatewayApiExperimentalGroup: 'gateway.networking.x-k8s.io',
    istiodStatusSubresourceGrants: true,
    istiodInferencePoolGrants: true,
    gatewayControllerScalingGrants: true,
    readerTelemetryExtensionsConfigMaps: true,
    sidecarInboundConnectionPoolAlone: true,
    kubernetesVersionBranches: false,
    // the 1.30 charts emit autoscaling/v2 and policy/v1 unconditionally: both GA from Kubernetes 1.23
    minKubernetesMinor: 23,
    injectionTemplates: ['sidecar', 'gateway', 'grpc-simple', 'grpc-agent', 'waypoint', 'kube-gateway', 'agentgateway'],
    injectionNewInputs: true,
    templateData: {
      fields: [...TEMPLATE_FIELDS, 'NativeSidecars', 'InboundTrafficPolicyMode', 'CompliancePolicy'],
      // types.NamespacedName
      deploymentMetaFields: ['Name', 'Namespace'],
      functions: [...TEMPLATE_FUNCTIONS, 'mergeMaps', 'omitNil', 'otelResourceAttributes'],
      sprig: '3.3.0',
      gatewayFields: [
        ...GATEWAY_PROMOTED, 'GatewayClass', 'DeploymentName', 'ServiceAccount', 'Ports', 'ServiceType', 'ClusterID', 'KubeVersion', 'Revision',
        'NativeSidecars', 'ProxyUID', 'ProxyGID', 'CompliancePolicy', 'InfrastructureLabels', 'InfrastructureAnnotations', 'GatewayNameLabel',
        'IsEastWestGateway', 'ControllerLabel', ...GATEWAY_FROM_INJECTOR, 'AgentgatewayImage',
      ],
      gatewayTemplates: ['kube-gateway', 'waypoint', 'agentgateway'],
    },
    proxyTracerDefault: 'none',
    injectorGlobalDefaults: {
      ...INJECTOR_GLOBAL_DEFAULTS,
      configValidation: true,
      networkPolicy: { enabled: false },
      proxy: { outlierLogPath: '', seccompProfile: {} },
      proxy_init: { forceApplyIptables: false },
      resourceScope: 'all',
      waypoint: {
        affinity: {},
        nodeSelector: {},
        resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
        tolerations: [],
        topologySpreadConstraints: [],
      },
    },
  },
};

const VERSION_PATTERN = /^1\.(20|30)\.(0|[1-9][0-9]?)$/;

/** The kinds of the Kubernetes Gateway API's standard channel this library emits. */
export type GatewayApiKind = 'GatewayClass' | 'Gateway' | 'HTTPRoute' | 'GRPCRoute' | 'ReferenceGrant' | 'TLSRoute';

/** What a release line knows of the Kubernetes Gateway API (`sigs.k8s.io/gateway-api`). */
export interface GatewayApiFacts {
  /** The module version istio's go.mod requires, e.g. `v1.5.1`. */
  readonly moduleVersion: string;
  /** The bundle version its standard-channel CRDs carry (`gateway.networking.k8s.io/bundle-version`). */
  readonly bundleVersion: string;
  /** apiVersion of each standard-channel kind at that version (a kind missing is not in the standard channel). */
  readonly apiVersions: Readonly<Partial<Record<GatewayApiKind, string>>>;
}

const GATEWAY_API_FACTS: Record<IstioLine, GatewayApiFacts> = {
  // istio 1.20.3's go.mod: a pseudo-version after v1.0.0; its standard CRDs are bundle v1.0.0 (no GRPCRoute, no TLSRoute)
  '1.20': {
    moduleVersion: 'v1.0.1-0.20231102234152-004e14bfe016',
    bundleVersion: 'v1.0.0',
    apiVersions: {
      GatewayClass: 'gateway.networking.k8s.io/v1',
      Gateway: 'gateway.networking.k8s.io/v1',
      HTTPRoute: 'gateway.networking.k8s.io/v1',
      ReferenceGrant: 'gateway.networking.k8s.io/v1beta1',
    },
  },
  '1.30': {
    moduleVersion: 'v1.5.1',
    bundleVersion: 'v1.5.1',
    apiVersions: {
      GatewayClass: 'gateway.networking.k8s.io/v1',
      Gateway: 'gateway.networking.k8s.io/v1',
      HTTPRoute: 'gateway.networking.k8s.io/v1',
      GRPCRoute: 'gateway.networking.k8s.io/v1',
      ReferenceGrant: 'gateway.networking.k8s.io/v1beta1',
      TLSRoute: 'gateway.networking.k8s.io/v1',
    },
  },
};

/**
 * An Istio release. The one place that knows what differs between Istio versions:
 * image tags, CRD and API versions, and the per-version shape of every rendered object.
 *
 * Pick it once, on `IstioBase`; every construct below reads it from there.
 */
export class IstioVersion {
  /** Istio 1.30.3, the newest stable release and the default. */
  public static readonly V1_30_3 = new IstioVersion('1.30.3');
  /** Istio 1.20.3 (used by the Raspberry-Pi cluster). */
  public static readonly V1_20_3 = new IstioVersion('1.20.3');

  /**
   * Any patch release of the two supported lines, `1.20.x` or `1.30.x`.
   * @throws IstioValidationError for anything else.
   */
  public static of(version: string): IstioVersion {
    const v = typeof version === 'string' ? version.replace(/^v/, '') : version;
    if (typeof v !== 'string' || !VERSION_PATTERN.test(v)) {
      throw new IstioValidationError('IstioVersion.of', 'version', version,
        'must be an Istio release of a supported line: "1.30.x" (default 1.30.3) or "1.20.x" (e.g. 1.20.3), without a suffix');
    }
    if (v === IstioVersion.V1_30_3.tag) return IstioVersion.V1_30_3;
    if (v === IstioVersion.V1_20_3.tag) return IstioVersion.V1_20_3;
    return new IstioVersion(v);
  }

  /** The release tag, e.g. `1.30.3`. */
  public readonly tag: string;
  /** Registry and organisation Istio publishes this release's images under (the charts' default `global.hub`). */
  public readonly hub: string = 'docker.io/istio';
  /** The release line, `1.20` or `1.30`. */
  public readonly line: IstioLine;
  /** Minor number (20 or 30). */
  public readonly minor: number;
  /** Patch number. */
  public readonly patch: number;

  private readonly facts: LineFacts;

  private constructor(tag: string) {
    const [, minor, patch] = tag.split('.');
    this.tag = tag;
    this.minor = Number(minor);
    this.patch = Number(patch);
    this.line = `1.${minor}` as IstioLine;
    this.facts = FACTS[this.line];
  }

  /** The apiVersion every object of `group` is emitted with (v1 from 1.22; v1beta1/v1alpha1 in 1.20). */
  public apiVersion(group: IstioApiGroup): string {
    return this.facts.apiVersions[group];
  }

  /**
   * Image reference `<hub>/<image>:<tag>[-<variant>]`; an image containing `/` is used as is.
   * @param image e.g. `pilot` or `proxyv2`
   */
  public image(image: string, opts: { hub?: string; tag?: string; variant?: string } = {}): string {
    if (image.includes('/')) return image;
    const hub = opts.hub ?? this.hub;
    const tag = opts.tag ?? this.tag;
    const suffix = opts.variant && opts.variant !== 'default' ? `-${opts.variant}` : '';
    return `${hub}/${image}:${tag}${suffix}`;
  }

  /** `admissionReviewVersions` of every webhook. */
  public get admissionReviewVersions(): string[] { return [...this.facts.admissionReviewVersions]; }
  /** istiod env carries `JWT_POLICY=third-party-jwt` (1.20). */
  public get istiodEnvJwtPolicy(): boolean { return this.facts.istiodEnvJwtPolicy; }
  /** istiod env carries `GOMEMLIMIT` from the memory limit (1.20). */
  public get istiodEnvGoMemLimit(): boolean { return this.facts.istiodEnvGoMemLimit; }
  /** istiod env carries `CA_TRUSTED_NODE_ACCOUNTS=<ns>/ztunnel` (1.30). */
  public get istiodEnvCaTrustedNodeAccounts(): boolean { return this.facts.istiodEnvCaTrustedNodeAccounts; }
  /** istiod container ports are named and include 15012/15014 (1.30). */
  public get namedIstiodContainerPorts(): boolean { return this.facts.namedIstiodContainerPorts; }
  /** istiod tolerates `cni.istio.io/not-ready` (1.30). */
  public get istiodCniNotReadyToleration(): boolean { return this.facts.istiodCniNotReadyToleration; }
  /** Control-plane and gateway pods carry `istio.io/dataplane-mode: none` (1.30). */
  public get dataplaneModeNoneLabel(): boolean { return this.facts.dataplaneModeNoneLabel; }
  /** istiod pods carry `ambient.istio.io/redirection: disabled` (1.20). */
  public get ambientRedirectionAnnotation(): boolean { return this.facts.ambientRedirectionAnnotation; }
  /** The informational `values` ConfigMap exists (1.30). */
  public get valuesConfigMap(): boolean { return this.facts.valuesConfigMap; }
  /**
   * The istiod chart renders a remote cluster (`istiodRemote.enabled`, the `remote` profile: EndpointSlice to
   * `remotePilotAddress`) (1.30); 1.20 had a separate `istiod-remote` chart instead.
   */
  public get istiodRemoteProfile(): boolean { return this.facts.istiodRemoteProfile; }
  /** istiod's PDB renders by default (1.20); from 1.30 only with more than one replica. */
  public get istiodPdbByDefault(): boolean { return this.facts.istiodPdbByDefault; }
  /** The default mesh config carries a zipkin tracer address (1.20). */
  public get zipkinInMeshConfig(): boolean { return this.facts.zipkinInMeshConfig; }
  /** Default of ENABLE_NATIVE_SIDECARS: `false` (1.20) or `auto` (1.30). */
  public get nativeSidecarsDefault(): 'false' | 'auto' { return this.facts.nativeSidecarsDefault; }
  /** Injected pods mount the optional `istio-ca-crl` ConfigMap (1.30). */
  public get caCrlVolume(): boolean { return this.facts.caCrlVolume; }
  /** Divisor of resourceFieldRef env vars in injected proxies and istiod. */
  public get resourceFieldRefDivisor(): '0' | '1' { return this.facts.resourceFieldRefDivisor; }
  /** Objects carry the `app.kubernetes.io/*` labels (1.30). */
  public get appKubernetesIoLabels(): boolean { return this.facts.appKubernetesIoLabels; }
  /** The gateway chart pins runAsUser/runAsGroup 1337 (1.20). */
  public get gatewayRunAsUser1337(): boolean { return this.facts.gatewayRunAsUser1337; }
  /** Injected proxies carry `JWT_POLICY` (1.20). */
  public get proxyEnvJwtPolicy(): boolean { return this.facts.proxyEnvJwtPolicy; }
  /** Where the CNI flag lives in the injector values: `istio_cni.enabled` (1.20) or `pilot.cni.enabled` (1.30). */
  public get cniValuesPath(): 'istio_cni' | 'pilot.cni' { return this.facts.cniValuesPath; }
  /** istiod's injection function map has `omitNil` (1.30). */
  public get omitNilFunction(): boolean { return this.facts.omitNilFunction; }
  /** istiod's injection function map has `otelResourceAttributes` (1.30). */
  public get otelResourceAttributes(): boolean { return this.facts.otelResourceAttributes; }
  /** `sidecar.istio.io/enableCoreDump` is honoured (1.20). */
  public get enableCoreDumpAnnotation(): boolean { return this.facts.enableCoreDumpAnnotation; }
  /** Helm renders `istio-validator[-rev]-<ns>` from the istiod chart (1.30; 1.20 only via istioctl). */
  public get helmRendersRevisionValidator(): boolean { return this.facts.helmRendersRevisionValidator; }
  /** The istiod chart renders a Service `istiod-revision-tag-<tag>` per revision tag (1.30; not 1.20). */
  public get revisionTagService(): boolean { return this.facts.revisionTagService; }
  /** The revision-tag webhooks carry `reinvocationPolicy` (1.30; not 1.20). */
  public get revisionTagReinvocationPolicy(): boolean { return this.facts.revisionTagReinvocationPolicy; }
  /** The base chart renders the CRDs as templates carrying the chart's label set instead of the static legacy labels (1.30). */
  public get crdsAsChartTemplates(): boolean { return this.facts.crdsAsChartTemplates; }
  /** `istiod-default-validator` can also cover `gateway.networking.k8s.io` (base `validateGateway`, 1.20 only). */
  public get defaultValidatorGatewayApiOption(): boolean { return this.facts.defaultValidatorGatewayApiOption; }
  /** Experimental Gateway API group istiod's ClusterRole reads: `networking.x-k8s.io` (1.20) or `gateway.networking.x-k8s.io` (1.30). */
  public get istiodGatewayApiExperimentalGroup(): 'networking.x-k8s.io' | 'gateway.networking.x-k8s.io' { return this.facts.istiodGatewayApiExperimentalGroup; }
  /**
   * istiod's ClusterRole writes named `/status` subresources (serviceentries, authorizationpolicies, services, Gateway API
   * kinds, xbackendtrafficpolicies) instead of `update`/`patch` on every Gateway API resource (1.30).
   */
  public get istiodStatusSubresourceGrants(): boolean { return this.facts.istiodStatusSubresourceGrants; }
  /** istiod's ClusterRole covers `inference.networking.k8s.io` inferencepools (1.30). */
  public get istiodInferencePoolGrants(): boolean { return this.facts.istiodInferencePoolGrants; }
  /** The gateway-controller ClusterRole also manages HPAs and PDBs (1.30). */
  public get gatewayControllerScalingGrants(): boolean { return this.facts.gatewayControllerScalingGrants; }
  /** The reader ClusterRole also reads telemetry/extensions groups and ConfigMaps (1.30). */
  public get readerTelemetryExtensionsConfigMaps(): boolean { return this.facts.readerTelemetryExtensionsConfigMaps; }
  /** A Sidecar with only `inboundConnectionPool` is a configuration (1.30); the 1.20 webhook refuses it as empty. */
  public get sidecarInboundConnectionPoolAlone(): boolean { return this.facts.sidecarInboundConnectionPoolAlone; }
  /** Names of the injection templates Istio ships for this line. */
  public get injectionTemplates(): string[] { return [...this.facts.injectionTemplates]; }
  /**
   * Injection inputs added after 1.20 (1.30): the `sidecar.istio.io/nativeSidecar` annotation,
   * `istio.io/reroute-virtual-interfaces`, the `service.istio.io/workload-name` label, the
   * `CompliancePolicy` template field (COMPLIANCE_POLICY) and `--native-nftables`.
   */
  public get injectionNewInputs(): boolean { return this.facts.injectionNewInputs; }

  /** Fields and functions istiod gives an injection template at this release. */
  public get templateData(): TemplateDataContract { return this.facts.templateData; }
  /** `global.proxy.tracer` of the istiod chart (zipkin on 1.20, none on 1.30). */
  public get proxyTracerDefault(): 'zipkin' | 'none' { return this.facts.proxyTracerDefault; }
  /**
   * `global` keys of the injector values that no option of ours sets, with the istiod chart's defaults: carried
   * so that any template (ours or a user's) finds every key upstream's values have.
   */
  public get injectorGlobalDefaults(): Record<string, unknown> { return structuredClone(this.facts.injectorGlobalDefaults); }

  /** The oldest Kubernetes minor whose APIs the objects of this line need. */
  public get minKubernetesMinor(): number { return this.facts.minKubernetesMinor; }

  /** What the release's `istio-cni` and `ztunnel` charts render (the Istio CNI node agent and ambient mode). */
  public get nodeAgents(): NodeAgentFacts { return NODE_AGENT_FACTS[this.line]; }

  /** PodDisruptionBudget apiVersion for a target Kubernetes minor (1.20 charts branch on it). */
  public pdbApiVersion(kubernetesMinor: number): string {
    return this.facts.kubernetesVersionBranches && kubernetesMinor < 21 ? 'policy/v1beta1' : 'policy/v1';
  }

  /** HorizontalPodAutoscaler apiVersion for a target Kubernetes minor (1.20 charts branch on it). */
  public hpaApiVersion(kubernetesMinor: number): string {
    return this.facts.kubernetesVersionBranches && kubernetesMinor < 23 ? 'autoscaling/v2beta2' : 'autoscaling/v2';
  }

  /** Whether the gateway pod gets the unprivileged-port sysctl and default container securityContext. */
  public gatewaySysctl(kubernetesMinor: number): boolean {
    return !this.facts.kubernetesVersionBranches || kubernetesMinor >= 22;
  }

  /** The Kubernetes Gateway API version this line is built against, and the apiVersions of its standard kinds. */
  public get gatewayApi(): GatewayApiFacts { return GATEWAY_API_FACTS[this.line]; }

  /** True when this release is on or after `line`. */
  public atLeast(line: IstioLine): boolean {
    return this.minor >= Number(line.split('.')[1]);
  }

  public toString(): string {
    return this.tag;
  }
}

/** How the CNI node agent repairs pods that started before it was ready on their node. */
export type CniRepairMode = 'repairPods' | 'deletePods' | 'labelPods';

/** What a release line's `istio-cni` and `ztunnel` charts render with their default values. */
export interface NodeAgentFacts {
  /**
   * Where the CNI agent reads its settings: environment variables plus a `cni_network_config` JSON template in
   * `istio-cni-config` (1.20), or every setting as a key of `istio-cni-config`, read through `envFrom` (1.30).
   */
  readonly cniSettings: 'env' | 'configMap';
  /** Namespaces whose pods the CNI plugin leaves alone. */
  readonly cniExcludeNamespaces: readonly string[];
  /** The repair controller's default mode. */
  readonly cniRepairMode: CniRepairMode;
  /** `--log_output_level` of the agent: `<level>` (1.30) or `default:<level>,cni:<level>` (1.20, global.logging.level). */
  readonly cniLogLevelScoped: boolean;
  /** Log level of the CNI plugin itself in `cni_network_config` (1.20 only). */
  readonly cniPluginLogLevel?: string;
  /** Grace period of the agent pod, seconds. */
  readonly cniTerminationGracePeriodSeconds: number;
  /** The agent runs with dropped capabilities plus NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_ADMIN, DAC_OVERRIDE, a metrics port and AppArmor unconfined (1.30). */
  readonly cniLeastPrivilege: boolean;
  /** The repair ClusterRoleBinding carries the `release` label (1.30). */
  readonly cniRepairBindingReleaseLabel: boolean;
  /** The netns host folder's hostPath type. */
  readonly cniNetnsDirType: 'Directory' | 'DirectoryOrCreate';
  /**
   * Ambient mode (ztunnel and the CNI agent's in-pod redirection) is supported: GA from 1.24; 1.20's ambient was
   * an alpha with another design (the agent on the host network, ztunnel redirecting from the node).
   */
  readonly ambient: boolean;
}

const NODE_AGENT_FACTS: Record<IstioLine, NodeAgentFacts> = {
  '1.20': {
    cniSettings: 'env',
    cniExcludeNamespaces: ['istio-system', 'kube-system'],
    cniRepairMode: 'deletePods',
    cniLogLevelScoped: true,
    cniPluginLogLevel: 'debug',
    cniTerminationGracePeriodSeconds: 5,
    cniLeastPrivilege: false,
    cniRepairBindingReleaseLabel: false,
    cniNetnsDirType: 'Directory',
    ambient: false,
  },
  '1.30': {
    cniSettings: 'configMap',
    cniExcludeNamespaces: ['kube-system'],
    cniRepairMode: 'repairPods',
    cniLogLevelScoped: false,
    cniTerminationGracePeriodSeconds: 30,
    cniLeastPrivilege: true,
    cniRepairBindingReleaseLabel: true,
    cniNetnsDirType: 'DirectoryOrCreate',
    ambient: true,
  },
};
