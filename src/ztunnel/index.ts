export * from './ztunnel';
