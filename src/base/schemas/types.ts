/**
 * Shapes of the generated CRD modules (`v1_30.generated.ts`, `v1_20.generated.ts`).
 * @internal
 */

/** A JSON value. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** One entry of a CRD's `spec.versions`, its body kept once per CRD in {@link UpstreamCrd.bodies}. */
export interface UpstreamCrdVersion {
  /** API version name, e.g. `v1`. */
  readonly name: string;
  /** Served by the API server. */
  readonly served: boolean;
  /** The storage version. */
  readonly storage: boolean;
  /** Index into {@link UpstreamCrd.bodies}. */
  readonly body: number;
}

/**
 * One CustomResourceDefinition as Istio defines it, without descriptions and without metadata (the catalog
 * gives name, labels and annotations).
 */
export interface UpstreamCrd {
  /** `spec` without `versions`: group, names, scope and anything else upstream sets (e.g. `conversion`). */
  readonly spec: JsonObject;
  /**
   * The distinct version bodies: all of a version but name, served and storage (`schema`,
   * `additionalPrinterColumns`, `subresources`, ...). Istio repeats one body on every version of a CRD.
   */
  readonly bodies: readonly JsonObject[];
  /** `spec.versions` in upstream order. */
  readonly versions: readonly UpstreamCrdVersion[];
}

/** The CRDs of one release line, as a generated module holds them. */
export interface UpstreamCrdRelease {
  /** Release line, e.g. `1.30`. */
  readonly line: string;
  /** The file they were generated from, e.g. `1.30.3/crds.yaml`. */
  readonly source: string;
  /** Every CRD by name (`<plural>.<group>`). */
  readonly crds: { readonly [name: string]: UpstreamCrd };
}

/** One Gateway API CRD as the generated module holds it: its spec as {@link UpstreamCrd}, plus its own annotations. */
export interface GatewayApiCrd extends UpstreamCrd {
  /** The CRD's annotations upstream sets: `api-approved.kubernetes.io`, the bundle version and the channel. */
  readonly annotations: { readonly [key: string]: string };
}

/** The Kubernetes Gateway API CRDs (standard channel) of one Istio release line, as a generated module holds them. */
export interface GatewayApiCrdRelease {
  /** The Istio release line built against this Gateway API version, e.g. `1.30`. */
  readonly line: string;
  /** The CRDs' bundle version, e.g. `v1.5.1`. */
  readonly bundleVersion: string;
  /** Always `standard`. */
  readonly channel: string;
  /** Where they were generated from, e.g. `sigs.k8s.io/gateway-api@v1.5.1/config/crd/standard`. */
  readonly source: string;
  /** Every CRD by name (`<plural>.gateway.networking.k8s.io`). */
  readonly crds: { readonly [name: string]: GatewayApiCrd };
}
