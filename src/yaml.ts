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
import { readFileSync } from 'fs';
import * as path from 'path';

type YamlModule = typeof import('yaml');

let loaded: YamlModule | undefined;
let loadedFrom: string | undefined;

/** The `yaml` module (cdk8s's bundled copy when there is one). */
export function yaml(): YamlModule {
  if (loaded) return loaded;
  try {
    const cdk8sDir = path.dirname(require.resolve('cdk8s/package.json'));
    const file = require.resolve('yaml', { paths: [cdk8sDir] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as YamlModule;
    if (typeof mod.stringify === 'function' && typeof mod.parseAllDocuments === 'function') {
      loaded = mod;
      loadedFrom = file;
    }
  } catch {
    // fall through to our own dependency
  }
  if (!loaded) {
    loadedFrom = require.resolve('yaml');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(loadedFrom) as YamlModule;
  }
  return loaded;
}

/** The version of the `yaml` copy {@link yaml} hands out (from its package.json), if it can be read. */
export function yamlVersion(): string | undefined {
  yaml();
  let dir = loadedFrom ? path.dirname(loadedFrom) : undefined;
  while (dir) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'yaml') return pkg.version;
    } catch {
      // no package.json here: go up
    }
    const up = path.dirname(dir);
    dir = up === dir ? undefined : up;
  }
  return undefined;
}
