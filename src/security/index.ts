export * from './peer-authentication';
