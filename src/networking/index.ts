export * from './virtual-service';
export * from './service-entry';
export * from './gateway';
export * from './sidecar';
export * from './envoy-filter';
