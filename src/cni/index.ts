export * from './istio-cni';
export * from './options';
