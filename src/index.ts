export * from './version';
export * from './validation';
export * from './workload';
export * from './base';
export * from './istiod';
export * from './gateway';
export * from './policy';
export * from './traffic';
