export { IstioResource } from './istio-resource';
export type { IstioResourceProps } from './istio-resource';
export type { IMeshNamespace } from './mesh-namespace';
// The spec of every Istio kind, as Istio's CRD schemas define it (generated; enums as string unions).
export type * from './specs.generated';
