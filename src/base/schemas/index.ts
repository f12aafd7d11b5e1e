/**
 * Istio's own CustomResourceDefinition specs, without descriptions, for {@link IstioCrds.builtIn}: one
 * generated module per release line (`v1_30.generated.ts`, `v1_20.generated.ts`, written by
 * `npx projen import-crds`, see scripts/import-crds.js), loaded the first time its line is asked for, plus
 * the hand-written CRDs a generated module lacks (IstioOperator on 1.20).
 * @internal
 */
import type { IstioLine } from '../../version';
import { ISTIO_OPERATOR_1_20 } from './istio-operator';
import type { GatewayApiCrdRelease, JsonObject, JsonValue, UpstreamCrd, UpstreamCrdRelease } from './types';

export type { GatewayApiCrd, GatewayApiCrdRelease, JsonObject, JsonValue, UpstreamCrd, UpstreamCrdRelease, UpstreamCrdVersion } from './types';

/* eslint-disable @typescript-eslint/no-require-imports */
const GENERATED: Record<IstioLine, () => UpstreamCrdRelease> = {
  '1.30': () => (require('./v1_30.generated') as typeof import('./v1_30.generated')).RELEASE,
  '1.20': () => (require('./v1_20.generated') as typeof import('./v1_20.generated')).RELEASE,
};
/** The Kubernetes Gateway API CRDs (standard channel) of the version each line is built against. */
const GATEWAY_API: Record<IstioLine, () => GatewayApiCrdRelease> = {
  '1.30': () => (require('./gateway-api-v1_30.generated') as typeof import('./gateway-api-v1_30.generated')).RELEASE,
  '1.20': () => (require('./gateway-api-v1_20.generated') as typeof import('./gateway-api-v1_20.generated')).RELEASE,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** CRDs that upstream ships outside `crd-all.gen.yaml`, by line and name. */
const HAND_WRITTEN: Record<IstioLine, Readonly<Record<string, UpstreamCrd>>> = {
  '1.30': {},
  '1.20': { 'istiooperators.install.istio.io': ISTIO_OPERATOR_1_20 },
};

const loaded = new Map<IstioLine, UpstreamCrdRelease>();

/** Freezes `value` and everything in it: the specs are shared by every IstioBase of the process. */
function deepFreeze<T extends JsonValue | UpstreamCrdRelease | UpstreamCrd | GatewayApiCrdRelease>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v as JsonValue);
  }
  return value;
}

/** The generated module of `line`. */
export function generatedCrds(line: IstioLine): UpstreamCrdRelease {
  let release = loaded.get(line);
  if (!release) {
    release = deepFreeze(GENERATED[line]());
    loaded.set(line, release);
  }
  return release;
}

const loadedGatewayApi = new Map<IstioLine, GatewayApiCrdRelease>();

/** The Gateway API CRDs (standard channel) of the version `line` is built against. */
export function gatewayApiCrds(line: IstioLine): GatewayApiCrdRelease {
  let release = loadedGatewayApi.get(line);
  if (!release) {
    release = deepFreeze(GATEWAY_API[line]());
    loadedGatewayApi.set(line, release);
  }
  return release;
}

/** Istio's CRD `name` (`<plural>.<group>`) of `line`; undefined when Istio has no such CRD in that line. */
export function upstreamCrd(line: IstioLine, name: string): UpstreamCrd | undefined {
  const crds = generatedCrds(line).crds;
  if (Object.prototype.hasOwnProperty.call(crds, name)) return crds[name];
  const hand = HAND_WRITTEN[line];
  return Object.prototype.hasOwnProperty.call(hand, name) ? deepFreeze(hand[name]) : undefined;
}

/** The CRD's whole `spec`, versions in upstream order (their bodies shared, not copied). */
export function upstreamCrdSpec(crd: UpstreamCrd): JsonObject {
  return {
    ...crd.spec,
    versions: crd.versions.map((v) => ({ ...crd.bodies[v.body], name: v.name, served: v.served, storage: v.storage })),
  };
}
