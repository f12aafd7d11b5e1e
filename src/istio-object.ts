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
import type * as ext from '../imports/extensions.istio.io';
import type * as net from '../imports/networking.istio.io';
import type * as sec from '../imports/security.istio.io';
import type * as tel from '../imports/telemetry.istio.io';
import { istioApiVersion } from './resource/spec-check';
import { claimObject } from './validation';
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
  EnvoyFilter: net.EnvoyFilterSpec;
  WorkloadEntry: net.WorkloadEntrySpec;
  WorkloadGroup: net.WorkloadGroupSpec;
  ProxyConfig: net.ProxyConfigSpec;
  WasmPlugin: ext.WasmPluginSpec;
}

export type IstioKind = keyof IstioSpecs;

type L1Props = { metadata?: ApiObjectMetadata; spec?: unknown };
type L1Class = new (scope: Construct, id: string, props: L1Props) => ApiObject;

/** The API group of each kind (the generated module that holds its classes). */
const GROUP: Record<IstioKind, IstioGroup> = {
  VirtualService: 'networking',
  DestinationRule: 'networking',
  Gateway: 'networking',
  ServiceEntry: 'networking',
  Sidecar: 'networking',
  AuthorizationPolicy: 'security',
  PeerAuthentication: 'security',
  RequestAuthentication: 'security',
  Telemetry: 'telemetry',
  EnvoyFilter: 'networking',
  WorkloadEntry: 'networking',
  WorkloadGroup: 'networking',
  ProxyConfig: 'networking',
  WasmPlugin: 'extensions',
};

type IstioGroup = 'networking' | 'security' | 'telemetry' | 'extensions';

/**
 * The generated bindings are large (the networking module alone is ~600 KB of JavaScript), so they are
 * loaded on the first Istio object, not when the library is required.
 */
let modules: Record<IstioGroup, Record<string, unknown>> | undefined;

/**
 * The L1 class of `kind` at `apiVersion`. `cdk8s import` names the class of a CRD's first listed version
 * after the kind alone (v1 in the CRDs the bindings come from) and the others with a version suffix:
 * `VirtualServiceV1Beta1`, `TelemetryV1Alpha1`.
 */
function l1Class(kind: IstioKind, apiVersion: string): L1Class {
  /* eslint-disable @typescript-eslint/no-require-imports */
  modules ??= {
    networking: require('../imports/networking.istio.io') as typeof net,
    security: require('../imports/security.istio.io') as typeof sec,
    telemetry: require('../imports/telemetry.istio.io') as typeof tel,
    extensions: require('../imports/extensions.istio.io') as typeof ext,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const v = apiVersion.slice(apiVersion.indexOf('/') + 1);
  const suffix = v === 'v1' ? '' : v.replace(/^v(\d+)([a-z]+)(\d+)$/, (_m, major: string, stage: string, n: string) =>
    `V${major}${stage[0].toUpperCase()}${stage.slice(1)}${n}`);
  // the class of the CRD's first listed version has no suffix (ProxyConfig v1beta1, EnvoyFilter v1alpha3, ...)
  const name = [`${kind}${suffix}`, kind].find((n) =>
    (modules![GROUP[kind]][n] as { GVK?: { apiVersion: string } } | undefined)?.GVK?.apiVersion === apiVersion);
  const cls = name && modules[GROUP[kind]][name];
  const toJsonProps = name && modules[GROUP[kind]][`toJson_${name}Props`];
  if (typeof cls !== 'function' || typeof toJsonProps !== 'function') {
    throw new Error(`cdk8s-istio: no generated class for ${kind} ${apiVersion} in imports/`);
  }
  return cls as L1Class;
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
  const apiVersion = istioApiVersion(version, kind);
  claimObject(scope, apiVersion, kind, metadata.namespace, metadata.name);
  const cls = l1Class(kind, apiVersion);
  return new cls(scope, id, { metadata, spec });
}
