/**
 * The one door through which L2 constructs emit Istio custom resources.
 *
 * Specs are written once, against the v1 L1 types generated in `imports/`; this module picks the
 * L1 class that carries the apiVersion the chosen {@link IstioVersion} serves (v1 for 1.30,
 * v1beta1 / v1alpha1 for 1.20). The generated classes of the different API versions have the same
 * field names and differ only in nominal enum types, so one spec serves them all.
 *
 * @internal
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import * as net from '../imports/networking.istio.io';
import * as sec from '../imports/security.istio.io';
import * as tel from '../imports/telemetry.istio.io';
import { IstioVersion } from './version';

/** Spec types (v1 L1 shapes) of the Istio kinds we emit. */
export interface IstioSpecs {
  VirtualService: net.VirtualServiceSpec;
  DestinationRule: net.DestinationRuleSpec;
  Gateway: net.GatewaySpec;
  ServiceEntry: net.ServiceEntrySpec;
  Sidecar: net.SidecarSpec;
  AuthorizationPolicy: sec.AuthorizationPolicySpec;
  PeerAuthentication: sec.PeerAuthenticationSpec;
  RequestAuthentication: sec.RequestAuthenticationSpec;
  Telemetry: tel.TelemetrySpec;
}

export type IstioKind = keyof IstioSpecs;

type L1Class = new (scope: Construct, id: string, props: { metadata?: ApiObjectMetadata; spec?: unknown }) => ApiObject;

const CLASSES: Record<'1.20' | '1.30', Record<IstioKind, L1Class>> = {
  '1.30': {
    VirtualService: net.VirtualService as L1Class,
    DestinationRule: net.DestinationRule as L1Class,
    Gateway: net.Gateway as L1Class,
    ServiceEntry: net.ServiceEntry as L1Class,
    Sidecar: net.Sidecar as L1Class,
    AuthorizationPolicy: sec.AuthorizationPolicy as L1Class,
    PeerAuthentication: sec.PeerAuthentication as L1Class,
    RequestAuthentication: sec.RequestAuthentication as L1Class,
    Telemetry: tel.Telemetry as L1Class,
  },
  '1.20': {
    VirtualService: net.VirtualServiceV1Beta1 as L1Class,
    DestinationRule: net.DestinationRuleV1Beta1 as L1Class,
    Gateway: net.GatewayV1Beta1 as L1Class,
    ServiceEntry: net.ServiceEntryV1Beta1 as L1Class,
    Sidecar: net.SidecarV1Beta1 as L1Class,
    AuthorizationPolicy: sec.AuthorizationPolicyV1Beta1 as L1Class,
    PeerAuthentication: sec.PeerAuthenticationV1Beta1 as L1Class,
    RequestAuthentication: sec.RequestAuthenticationV1Beta1 as L1Class,
    Telemetry: tel.TelemetryV1Alpha1 as L1Class,
  },
};

/**
 * Emits an Istio custom resource of `kind` with the apiVersion `version` serves.
 * `metadata.name` must be set: names are always explicit (no cdk8s hashes).
 */
export function istioObject<K extends IstioKind>(
  scope: Construct,
  id: string,
  version: IstioVersion,
  kind: K,
  metadata: ApiObjectMetadata & { name: string },
  spec: IstioSpecs[K],
): ApiObject {
  const cls = CLASSES[version.line][kind];
  return new cls(scope, id, { metadata, spec });
}
