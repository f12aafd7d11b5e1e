export type { MeshMtlsMode } from './common';
export * from './observability';
export * from './vault-ca';
export * from './mlops-mesh-chart';
export * from './pi-cluster-mesh-chart';
export * from './example-app';
