export type { SynthesizedObject, SynthesizedMetadata } from './manifest';
export { objectId, isIstioResource } from './manifest';
export * from './stages';
export * from './argocd';
export * from './yaml';
export * from './tree';
export * from './output';
export * from './application-set';
