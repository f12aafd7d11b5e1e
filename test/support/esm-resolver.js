// Jest resolver: kubernetes-models, @kubernetes-models/* and a few of their dependencies publish
// only an `import` export condition. Resolve with jest's defaults first; if that fails, retry with
// the `import` condition (@swc/jest then turns the ESM into CommonJS).
'use strict';
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (err) {
    try {
      return options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] });
    } catch {
      throw err;
    }
  }
};
