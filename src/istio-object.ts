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
import type * as net from '../imports/networking.istio.io';
import type * as sec from '../imports/security.istio.io';
import type * as tel from '../imports/telemetry.istio.io';
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

/**
 * The generated bindings are large (the networking module alone is ~600 KB of JavaScript), so they are
 * loaded on the first Istio object, not when the library is required.
 */
let classes: Record<'1.20' | '1.30', Record<IstioKind, L1Class>> | undefined;

function l1Classes(): Record<'1.20' | '1.30', Record<IstioKind, L1Class>> {
  if (classes) return classes;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const n = require('../imports/networking.istio.io') as typeof net;
  const s = require('../imports/security.istio.io') as typeof sec;
  const t = require('../imports/telemetry.istio.io') as typeof tel;
  /* eslint-enable @typescript-eslint/no-require-imports */
  classes = {
    '1.30': {
      VirtualService: n.VirtualService as L1Class,
      DestinationRule: n.DestinationRule as L1Class,
      Gateway: n.Gateway as L1Class,
      ServiceEntry: n.ServiceEntry as L1Class,
      Sidecar: n.Sidecar as L1Class,
      AuthorizationPolicy: s.AuthorizationPolicy as L1Class,
      PeerAuthentication: s.PeerAuthentication as L1Class,
      RequestAuthentication: s.RequestAuthentication as L1Class,
      Telemetry: t.Telemetry as L1Class,
    },
    '1.20': {
      VirtualService: n.VirtualServiceV1Beta1 as L1Class,
      DestinationRule: n.DestinationRuleV1Beta1 as L1Class,
      Gateway: n.GatewayV1Beta1 as L1Class,
      ServiceEntry: n.ServiceEntryV1Beta1 as L1Class,
      Sidecar: n.SidecarV1Beta1 as L1Class,
      AuthorizationPolicy: s.AuthorizationPolicyV1Beta1 as L1Class,
      PeerAuthentication: s.PeerAuthenticationV1Beta1 as L1Class,
      RequestAuthentication: s.RequestAuthenticationV1Beta1 as L1Class,
      Telemetry: t.TelemetryV1Alpha1 as L1Class,
    },
  };
  return classes;
}

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
  const cls = l1Classes()[version.line][kind];
  return new cls(scope, id, { metadata, spec });
}
