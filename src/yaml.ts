/**
 * The `yaml` module, shared with cdk8s.
 *
 * cdk8s bundles its own copy of `yaml` (the same 2.x line this library depends on). Loading a second
 * copy costs about 8 MiB and 20 ms per process, a third of the library's load cost, so this module
 * hands out the copy cdk8s has already loaded, and falls back to our own dependency when cdk8s's copy
 * cannot be found (for example if a future cdk8s stops bundling it).
 *
 * @internal
 */
import * as path from 'path';

type YamlModule = typeof import('yaml');

let loaded: YamlModule | undefined;

/** The `yaml` module (cdk8s's bundled copy when there is one). */
export function yaml(): YamlModule {
  if (loaded) return loaded;
  try {
    const cdk8sDir = path.dirname(require.resolve('cdk8s/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(require.resolve('yaml', { paths: [cdk8sDir] })) as YamlModule;
    if (typeof mod.stringify === 'function' && typeof mod.parseAllDocuments === 'function') loaded = mod;
  } catch {
    // fall through to our own dependency
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('yaml') as YamlModule;
  return loaded;
}
