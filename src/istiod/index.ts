export * from './istiod';
export * from './mesh-config';
export * from './injector/options';
