export * from './upgrade-plan';
export * from './mesh-fleet';
