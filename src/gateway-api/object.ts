/**
 * The one door through which the Gateway API constructs emit `gateway.networking.k8s.io` objects: the apiVersion
 * the Istio release's Gateway API version serves (src/version.ts), the duplicate check every emitter makes, and
 * spec types derived from the generated L1 bindings (imports/gateway.networking.k8s.io.ts) in their JSON form.
 * @internal
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type * as gw from '../../imports/gateway.networking.k8s.io';
import { claimObject, fail } from '../validation';
import { GatewayApiKind, IstioVersion } from '../version';

/**
 * The JSON form of a generated binding type: the bindings' string enums become the union of their values
 * (`'PathPrefix' | 'Exact' | ...`), so specs are written as plain JSON and still checked field by field.
 */
export type Wire<T> = T extends string ? `${T}`
  : T extends number | boolean | null | undefined ? T
    : T extends ReadonlyArray<infer U> ? Array<Wire<U>>
      : { [K in keyof T]: Wire<T[K]> };

/** Spec types of the kinds emitted here (from the v1.5.1 bindings; 1.0.0's fields are a subset). */
export interface GatewayApiSpecs {
  GatewayClass: Wire<gw.GatewayClassSpec>;
  Gateway: Wire<gw.GatewaySpec>;
  HTTPRoute: Wire<gw.HttpRouteSpec>;
  GRPCRoute: Wire<gw.GrpcRouteSpec>;
  ReferenceGrant: Wire<gw.ReferenceGrantSpec>;
  TLSRoute: Wire<gw.TlsRouteSpec>;
}

/** The Gateway API group. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** Why a kind is missing from a release's standard channel, when it is. */
const MISSING: Partial<Record<GatewayApiKind, string>> = {
  GRPCRoute: 'GRPCRoute joined the standard channel in Gateway API v1.1',
  TLSRoute: 'TLSRoute joined the standard channel in Gateway API v1.5 (before, it was experimental only)',
};

/**
 * The apiVersion of `kind` at `version`, or an IstioValidationError naming `field` of `scope` when the release's
 * Gateway API standard channel has no such kind.
 */
export function gatewayApiVersion(scope: IConstruct, field: string, version: IstioVersion, kind: GatewayApiKind): string {
  const apiVersion = version.gatewayApi.apiVersions[kind];
  if (!apiVersion) {
    fail(scope, field, version.tag, `must be an Istio release whose Gateway API standard channel has ${kind}: Istio ${version.tag} is built against Gateway API ${version.gatewayApi.bundleVersion}, and ${MISSING[kind] ?? `${kind} is not in its standard channel`}; use IstioVersion.V1_30_3 (Gateway API ${IstioVersion.V1_30_3.gatewayApi.bundleVersion})`);
  }
  return apiVersion;
}

/** Emits a Gateway API object (names are always explicit). */
export function gatewayApiObject<K extends GatewayApiKind>(
  scope: Construct,
  id: string,
  version: IstioVersion,
  kind: K,
  metadata: ApiObjectMetadata & { name: string },
  spec: GatewayApiSpecs[K],
): ApiObject {
  const apiVersion = gatewayApiVersion(scope, 'version', version, kind);
  claimObject(scope, apiVersion, kind, metadata.namespace, metadata.name);
  return new ApiObject(scope, id, { apiVersion, kind, metadata, spec });
}
