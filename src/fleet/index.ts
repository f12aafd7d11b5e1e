export * from './upgrade-plan';
