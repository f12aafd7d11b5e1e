/**
 * The committed API report (api/cdk8s-istio.api.md) is what the package index exports: every public change shows
 * in review as a diff of that file. Refresh it with `node scripts/api-report.js` after a deliberate API change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { report } = require('../scripts/api-report.js') as { report: () => string };

const root = path.resolve(__dirname, '..');
const INTERNAL_HELPERS = ['fail', 'checkCpu', 'isIPv4', 'registerNamespaceObject', 'claimObject', 'planScaling', 'pathOf', 'callScope', 'sortLabels', 'commonLabels'];

describe('API report', () => {
  const fresh = report();

  test('api/cdk8s-istio.api.md matches the exports (refresh: `node scripts/api-report.js`, then review the diff)', () => {
    const committed = fs.readFileSync(path.join(root, 'api', 'cdk8s-istio.api.md'), 'utf8');
    expect(committed).toBe(fresh);
  });

  test('at most 25 exported free functions, none of the internal helpers', () => {
    const functions = fresh.split('\n').filter((l) => /^- `\w+` function/.test(l)).map((l) => l.slice(3, l.indexOf('`', 3)));
    expect(functions.length).toBeGreaterThan(0);
    expect(functions.length).toBeLessThanOrEqual(25);
    for (const name of INTERNAL_HELPERS) expect(functions).not.toContain(name);
  });

  test('types come only from paths the dependencies publish (no cdk8s-plus-28/lib/... imports)', () => {
    const files = fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const deep = files.filter((f) => /from '(cdk8s-plus-\d+|cdk8s)\/lib\//.test(fs.readFileSync(path.join(root, 'src', f), 'utf8')));
    expect(deep).toEqual([]);
    expect(fresh).not.toMatch(/\/work\/|node_modules/);
  });

  test('src/index.ts has named exports only', () => {
    const index = fs.readFileSync(path.join(root, 'src', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/export \*/);
  });
});
