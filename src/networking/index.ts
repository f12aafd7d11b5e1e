export * from './virtual-service';
export * from './service-entry';
