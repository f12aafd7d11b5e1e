/**
 * The lockfile is complete, so a fresh `npm install` (or `npm ci`) leaves it as committed. npm records every
 * platform's optional native build of a package (@swc/core's, jest resolver's @unrs bindings) whatever the
 * platform it runs on, as long as the registry serves their metadata; a lockfile written while the registry did not
 * lacked them, and every later install rewrote it. See docs/toolchain.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
}

const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  name: string; version: string; lockfileVersion: number; packages: Record<string, LockEntry>;
};
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The lock entry a dependency `name` of the package at `from` resolves to (Node's lookup up the folders). */
function resolve(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (key in lock.packages) return key;
    if (dir === '') return undefined;
  }
}

describe('package-lock.json', () => {
  test('matches package.json (name, version, dependencies)', () => {
    expect(lock.lockfileVersion).toBe(3);
    const top = lock.packages[''];
    expect([lock.name, lock.version, top.version]).toEqual([pkg.name, pkg.version, pkg.version]);
    expect(top.dependencies ?? {}).toEqual(pkg.dependencies ?? {});
    expect(top.devDependencies ?? {}).toEqual(pkg.devDependencies ?? {});
    expect(top.peerDependencies ?? {}).toEqual(pkg.peerDependencies ?? {});
  });

  test('every optional dependency of every locked package has its entry, for every platform', () => {
    const missing: string[] = [];
    let platformBuilds = 0;
    for (const [at, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const found = resolve(at, name);
        if (!found) missing.push(`${name} (optional dependency of ${at || 'the root'})`);
        else if (lock.packages[found].os || lock.packages[found].cpu) platformBuilds++;
      }
    }
    expect(missing).toEqual([]);
    // @swc/core's and @unrs/resolver's builds for other platforms are there, not only this machine's
    expect(Object.keys(lock.packages)).toEqual(expect.arrayContaining([
      'node_modules/@swc/core-darwin-arm64', 'node_modules/@swc/core-win32-x64-msvc', 'node_modules/@swc/core-linux-x64-gnu',
      'node_modules/@unrs/resolver-binding-darwin-arm64', 'node_modules/@unrs/resolver-binding-linux-x64-gnu',
    ]));
    expect(platformBuilds).toBeGreaterThanOrEqual(30);
  });

  test('every dependency of every locked package resolves to an entry', () => {
    const missing: string[] = [];
    for (const [at, entry] of Object.entries(lock.packages)) {
      if (at === '') continue;
      for (const name of Object.keys(entry.dependencies ?? {})) if (!resolve(at, name)) missing.push(`${name} (of ${at})`);
    }
    expect(missing).toEqual([]);
  });
});
