export * from './virtual-service';
export * from './service-entry';
export * from './gateway';
export * from './sidecar';
export * from './envoy-filter';
export * from './workload-entry';
export * from './workload-group';
export * from './proxy-config';
