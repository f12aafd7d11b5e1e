/**
 * Public types of the mesh analyzer.
 *
 * The analyzer reads plain Kubernetes objects (what `cdk8s synth` writes, or any YAML), never
 * constructs, so it can check manifests that were not produced by this library.
 */

/** How serious a finding is, in Istio's own terms. `Error` > `Warning` > `Info`. */
export type Severity = 'Error' | 'Warning' | 'Info';

/** The levels from the most to the least serious. */
export const SEVERITIES: readonly Severity[] = ['Error', 'Warning', 'Info'];

/** Numeric rank of a severity (`Error` = 3, `Warning` = 2, `Info` = 1). */
export function severityRank(s: Severity): number {
  return s === 'Error' ? 3 : s === 'Warning' ? 2 : 1;
}

/** True when `s` is at least as serious as `threshold`. */
export function reaches(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

/** Parses a severity name (case-insensitive); undefined when it is not one. */
export function parseSeverity(v: string | undefined): Severity | undefined {
  if (typeof v !== 'string') return undefined;
  const l = v.toLowerCase();
  return SEVERITIES.find((s) => s.toLowerCase() === l);
}

/**
 * A Kubernetes object as read from YAML or produced by `ApiObject.toJson()`.
 * Only `apiVersion`, `kind` and `metadata` are interpreted structurally; the rest is read
 * defensively (anything may be missing or of the wrong type in input we did not write).
 */
export interface ManifestObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: { readonly [key: string]: string };
    readonly annotations?: { readonly [key: string]: string };
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** Which object a finding is about. */
export interface FindingObject {
  /** `apiVersion` of the object (as given). */
  readonly apiVersion: string;
  /** `kind` of the object. */
  readonly kind: string;
  /** Namespace, for namespaced kinds (defaulted when the object has none). */
  readonly namespace?: string;
  /** `metadata.name`. */
  readonly name: string;
}

/** One problem the analyzer found. */
export interface Finding {
  /** Istio's message code (e.g. `IST0101`) or ours (`CIS0001`). */
  readonly code: string;
  /** Istio's message name (e.g. `ReferencedResourceNotFound`). */
  readonly name: string;
  /** How serious it is. */
  readonly severity: Severity;
  /** The object the finding is about. */
  readonly object: FindingObject;
  /** Path of the offending field inside the object, e.g. `spec.http[0].route[0].destination.subset`. */
  readonly field: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * The `istioctl analyze` analyzers that report the same message (their metadata names, e.g.
   * `virtualservice.DestinationHostAnalyzer`); absent for this library's own codes.
   */
  readonly analyzers?: readonly string[];
  /** Path of the cdk8s construct that produced the object, when analyzed in-process. */
  readonly constructPath?: string;
  /** File the object was read from, when analyzed from files. */
  readonly file?: string;
  /** The cluster of a fleet the object belongs to, when analyzed as part of a fleet ({@link analyzeFleet}). */
  readonly cluster?: string;
}

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /**
   * Kubernetes cluster domain used to expand short host names (`reviews` in namespace `shop` is
   * `reviews.shop.svc.<clusterDomain>`).
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Namespace assumed for namespaced objects that carry none.
   * @default 'default'
   */
  readonly defaultNamespace?: string;
  /**
   * Istio's root (control-plane config) namespace: policies there apply mesh-wide, and it is never
   * reported as not injected.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * Treat the input as the complete cluster (like `istioctl analyze` on a self-contained file set).
   * When false (the default), the analyzer concludes that a Service, ServiceEntry host or workload
   * is missing only for namespaces the input describes: a namespace with at least one Service
   * (for host look-ups) or one workload (for selector look-ups). Objects that live outside the
   * input, such as application Deployments deployed by another pipeline, then raise no finding.
   * @default false
   */
  readonly assumeComplete?: boolean;
  /**
   * Codes never reported (e.g. `['IST0118']`). The annotation
   * `galley.istio.io/analyze-suppress` on an object suppresses codes for that object (`*` = all).
   * @default []
   */
  readonly suppress?: readonly string[];
  /**
   * The mesh config the cluster runs with. When absent, the mesh config of an `istio` ConfigMap in the
   * root namespace of the input is used (its `mesh` key), else Istio's defaults.
   * @default - the input's `istio` ConfigMap, or Istio's defaults
   */
  readonly meshConfig?: AnalyzerMeshConfig;
  /**
   * The mesh networks of a multi-network mesh. When absent, the `meshNetworks` key of the input's `istio`
   * ConfigMap is used, if any.
   * @default - the input's `istio` ConfigMap, or none
   */
  readonly meshNetworks?: AnalyzerMeshNetworks;
  /**
   * The network of the analyzed cluster, in a multi-network mesh. When absent, the `topology.istio.io/network` label
   * of the root namespace's Namespace object in the input, if any.
   * @default - the root namespace's network label, or none (network checks are skipped)
   */
  readonly network?: string;
  /**
   * The other clusters of the same mesh (multi-cluster): a host any of them serves is known here (no IST0101 or
   * IST0174 for it), and a route to a host only clusters on other networks serve needs their east-west gateway
   * (CIS0008). {@link analyzeFleet} sets this for each cluster of a fleet.
   * @default [] (a single cluster)
   */
  readonly meshPeers?: readonly AnalyzerPeerCluster[];
}

/** Another cluster of the mesh, as {@link AnalyzeOptions.meshPeers} takes it. */
export interface AnalyzerPeerCluster {
  /** Cluster name (istiod's `CLUSTER_ID`). */
  readonly name: string;
  /**
   * Its network.
   * @default - the `topology.istio.io/network` label of its root namespace in `objects`, or none
   */
  readonly network?: string;
  /** Its objects. */
  readonly objects: readonly ManifestObject[];
}

/** One cluster of a fleet, as {@link analyzeFleet} takes it. */
export interface AnalyzerFleetCluster {
  /** Cluster name (istiod's `CLUSTER_ID`); findings carry it as `cluster`. */
  readonly name: string;
  /**
   * Its network.
   * @default - the `topology.istio.io/network` label of its root namespace in `objects`, or none
   */
  readonly network?: string;
  /** Its objects (plain, or with their construct path or file). */
  readonly objects: ReadonlyArray<ManifestObject | SourcedObject>;
}

/** Input of {@link analyzeFleet}: the clusters of one mesh. */
export interface AnalyzerFleet {
  /** The clusters, each analyzed with the others as its mesh peers. Names must be unique. */
  readonly clusters: readonly AnalyzerFleetCluster[];
}

/**
 * The parts of Istio's mesh config (the `mesh` key of the `istio` ConfigMap, or a MeshConfig YAML file as
 * `istioctl analyze --meshConfigFile` reads it) that the analyzer reads. Other keys are ignored.
 */
export interface AnalyzerMeshConfig {
  /**
   * Istio's root namespace.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
  /**
   * Proxy defaults: `proxyMetadata` (e.g. `ISTIO_META_DNS_AUTO_ALLOCATE`) and `image.imageType`.
   * @default {}
   */
  readonly defaultConfig?: {
    readonly proxyMetadata?: { readonly [key: string]: string };
    readonly image?: { readonly imageType?: string };
  };
  /**
   * Extension providers by name (tracing, logging, metrics backends Telemetry resources name),
   * with the provider kind (`lightstep`, `zipkin`, ...) as the other key.
   * @default []
   */
  readonly extensionProviders?: ReadonlyArray<{ readonly name?: string; readonly [provider: string]: object | string | undefined }>;
  /**
   * Providers used when a Telemetry names none (`accessLogging`, `tracing`, `metrics`: provider names).
   * @default - none for access logging and tracing
   */
  readonly defaultProviders?: {
    readonly accessLogging?: readonly string[];
    readonly tracing?: readonly string[];
    readonly metrics?: readonly string[];
  };
  /**
   * The Kubernetes Ingress controller mode (`OFF`, `DEFAULT`, `STRICT`).
   * @default 'STRICT'
   */
  readonly ingressControllerMode?: string;
  /**
   * Service name of the Istio ingress gateway that serves Kubernetes Ingress.
   * @default 'istio-ingressgateway'
   */
  readonly ingressService?: string;
  /**
   * Istio's default ingress gateway selector value (`istio: <value>`).
   * @default 'ingressgateway'
   */
  readonly ingressSelector?: string;
}

/** Istio's mesh networks (the `meshNetworks` key of the `istio` ConfigMap). */
export interface AnalyzerMeshNetworks {
  /** Networks by name; each lists endpoints (`fromRegistry` or `fromCidr`) and gateways. */
  readonly networks?: {
    readonly [network: string]: {
      readonly endpoints?: ReadonlyArray<{ readonly fromRegistry?: string; readonly fromCidr?: string }>;
      readonly gateways?: ReadonlyArray<{ readonly [key: string]: string | number | undefined }>;
    };
  };
}

/** An input object together with where it came from. */
export interface SourcedObject {
  /** The object. */
  readonly object: ManifestObject;
  /** Path of the construct that produced it. */
  readonly constructPath?: string;
  /** File it was read from. */
  readonly file?: string;
}
