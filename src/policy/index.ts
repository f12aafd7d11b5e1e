export type {
  HttpMethod, ServiceAccountRef, AuthorizationSource, AuthorizationOperation, AuthorizationCondition, AuthorizationRule,
} from './authorization';
export * from './zero-trust-namespace';
export * from './mesh-wide-mtls';
