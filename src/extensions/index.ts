export * from './wasm-plugin';
