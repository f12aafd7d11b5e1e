export * from './peer-authentication';
export * from './request-authentication';
