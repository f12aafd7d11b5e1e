export * from './istio-base';
