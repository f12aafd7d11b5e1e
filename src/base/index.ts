export * from './istio-base';
export * from './crds';
export * from './crd-catalog';
export * from './labels';
