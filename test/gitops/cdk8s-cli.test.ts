/**
 * `npx cdk8s synth` and the atomic output. cdk8s-cli deletes its configured `output` folder before
 * it runs the app, so with `output: dist` a failing app would leave no dist/ at all. The app therefore
 * writes dist/ itself with writeGitOps (atomically) and cdk8s.yaml points `output` at a scratch
 * folder that cdk8s-cli may delete as it likes. These tests run the real cdk8s-cli to prove both.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readTree, tempDir } from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** A project whose app writes dist/ with writeGitOps; `FAIL=1` makes the app throw after building its charts. */
function project(output: string): string {
  const dir = tempDir('gitops-cli-');
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    `app: ${JSON.stringify(`'${process.execPath}' '${TSX}' app.ts`)}`,
    `output: ${output}`,
    'checkUpgrade: false',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'app.ts'), [
    `import { ApiObject, App, Chart } from ${JSON.stringify(require.resolve('cdk8s'))};`,
    `import { writeGitOps } from ${JSON.stringify(path.join(ROOT, 'src', 'gitops'))};`,
    'const app = new App();',
    "const chart = new Chart(app, 'demo', { disableResourceNameHashes: true });",
    "new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'default' }, data: { run: process.env.RUN ?? '' } });",
    "if (process.env.FAIL) throw new Error('the app failed on purpose');",
    'app.synth();',
    "writeGitOps(app, { outdir: 'dist' });",
    '',
  ].join('\n'));
  return dir;
}

function synth(dir: string, env: Record<string, string>): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [CLI, 'synth'], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env }, timeout: 60000,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('cdk8s synth with a scratch output folder', () => {
  test('dist/ is written by the app, and survives a failing app byte for byte', () => {
    const dir = project('.cdk8s.out');
    const ok = synth(dir, { RUN: 'first' });
    expect([ok.status, ok.output]).toEqual([0, expect.stringContaining('Synthesizing application')]);
    const dist = path.join(dir, 'dist');
    expect(Object.keys(readTree(dist))).toEqual(['demo/40-other.yaml', 'demo/kustomization.yaml']);
    expect(fs.readFileSync(path.join(dist, 'demo', '40-other.yaml'), 'utf8')).toContain('run: first');
    expect(fs.existsSync(path.join(dir, '.cdk8s.out', 'demo.k8s.yaml'))).toBe(true);
    const before = readTree(dist);

    const failed = synth(dir, { RUN: 'second', FAIL: '1' });
    expect(failed.status).not.toBe(0);
    expect(failed.output).toContain('the app failed on purpose');
    expect(readTree(dist)).toEqual(before);
    // cdk8s-cli removed its own output folder before running the app: the reason dist/ is not that folder.
    expect(fs.existsSync(path.join(dir, '.cdk8s.out'))).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(['app.ts', 'cdk8s.yaml', 'dist']);
  });

  test('with output: dist, cdk8s-cli itself deletes dist/ when the app fails (why the scratch folder is needed)', () => {
    const dir = project('dist');
    fs.mkdirSync(path.join(dir, 'dist', 'demo'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', 'demo', 'kustomization.yaml'), 'resources: []\n');
    const failed = synth(dir, { FAIL: '1' });
    expect(failed.status).not.toBe(0);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});
