export * from './peer-authentication';
export * from './request-authentication';
export * from './policy-target-ref';
export * from './authorization-policy';
