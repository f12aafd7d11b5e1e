export * from './upgrade-plan';
export * from './mesh-fleet';
export * from './root-of-trust';
