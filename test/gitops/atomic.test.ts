/**
 * "Never a half-written dist/": an error while synthesizing, writing or swapping leaves the previous
 * output folder byte-identical and no temporary folder behind.
 */
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { writeGitOps } from '../../src/gitops';
import { readTree, platformApp, tempDir } from './support';

jest.mock('fs', () => {
  const real = jest.requireActual('fs');
  return { ...real, writeFileSync: jest.fn(real.writeFileSync), renameSync: jest.fn(real.renameSync) };
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('fs') as typeof import('fs') & { writeFileSync: jest.Mock; renameSync: jest.Mock };

const ARGO = { repoURL: 'https://github.com/example/platform.git', repoPath: 'dist' };

/** An object whose synthesis throws, like a construct that fails in toJson. */
class Exploding extends ApiObject {
  public toJson(): never {
    throw new Error('boom while synthesizing');
  }
}

function previousOutput(): { out: string; before: Record<string, string> } {
  const out = path.join(tempDir('gitops-atomic-'), 'dist');
  writeGitOps(platformApp(), { outdir: out, argo: ARGO });
  // Hand edits show that the old tree is kept as it was, not regenerated.
  fs.writeFileSync(path.join(out, 'pi', 'NOTE.md'), 'previous run\n');
  return { out, before: readTree(out) };
}

function siblings(out: string): string[] {
  return fs.readdirSync(path.dirname(out)).sort();
}

afterEach(() => {
  fs.writeFileSync.mockReset();
  fs.writeFileSync.mockImplementation(jest.requireActual('fs').writeFileSync);
  fs.renameSync.mockReset();
  fs.renameSync.mockImplementation(jest.requireActual('fs').renameSync);
});

describe('atomic GitOps output', () => {
  test('a chart that throws during synthesis (after other charts synthesized) leaves the old tree intact', () => {
    const { out, before } = previousOutput();
    const app = platformApp();
    const late = app.charts.find((c) => c.node.id === 'pi')!;
    new Exploding(late, 'bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'x' } });
    expect(() => writeGitOps(app, { outdir: out, argo: ARGO })).toThrow('boom while synthesizing');
    expect(readTree(out)).toEqual(before);
    expect(siblings(out)).toEqual(['dist']);
  });

  test('a write failing midway leaves the old tree intact and removes the temporary folder', () => {
    const { out, before } = previousOutput();
    const real = jest.requireActual('fs').writeFileSync;
    let calls = 0;
    fs.writeFileSync.mockImplementation((...args: Parameters<typeof real>) => {
      calls += 1;
      if (calls === 4) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return real(...args);
    });
    expect(() => writeGitOps(platformApp(), { outdir: out, argo: ARGO })).toThrow(/ENOSPC/);
    expect(calls).toBe(4);
    expect(readTree(out)).toEqual(before);
    expect(siblings(out)).toEqual(['dist']);
  });

  test('a failure while moving the new tree into place puts the old tree back', () => {
    const { out, before } = previousOutput();
    fs.renameSync.mockClear();
    const real = jest.requireActual('fs').renameSync;
    fs.renameSync.mockImplementation((from: string, to: string) => {
      if (String(from).includes('.tmp-')) throw Object.assign(new Error('EXDEV: cross-device link not permitted, rename'), { code: 'EXDEV' });
      return real(from, to);
    });
    expect(() => writeGitOps(platformApp(), { outdir: out, argo: ARGO })).toThrow(/EXDEV/);
    expect(fs.renameSync.mock.calls.map(([from, to]) => [path.basename(String(from)), path.basename(String(to))]))
      .toEqual([['dist', `dist.old-${process.pid}`], [`dist.tmp-${process.pid}`, 'dist'], [`dist.old-${process.pid}`, 'dist']]);
    expect(readTree(out)).toEqual(before);
    expect(siblings(out)).toEqual(['dist']);
  });

  test('a failure before anything existed leaves no folder at all', () => {
    const out = path.join(tempDir('gitops-atomic-'), 'dist');
    const app = platformApp();
    new Exploding(app.charts[0], 'bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'x' } });
    expect(() => writeGitOps(app, { outdir: out })).toThrow('boom while synthesizing');
    expect(siblings(out)).toEqual([]);
  });

  test('a successful run replaces the old tree completely and leaves nothing beside it', () => {
    const { out, before } = previousOutput();
    writeGitOps(platformApp(), { outdir: out, argo: ARGO });
    const after = readTree(out);
    expect(Object.keys(after)).toEqual(Object.keys(before).filter((f) => f !== 'pi/NOTE.md'));
    for (const f of Object.keys(after)) expect([f, after[f]]).toEqual([f, before[f]]);
    expect(siblings(out)).toEqual(['dist']);
  });
});

describe('a mistyped outdir is refused, never emptied', () => {
  const refuse = (outdir: string, why: RegExp) => {
    expect(() => writeGitOps(platformApp(), { outdir, argo: ARGO })).toThrow(why);
  };

  test('a folder with a git repository in it', () => {
    const repo = tempDir('gitops-repo-');
    fs.mkdirSync(path.join(repo, '.git'));
    fs.writeFileSync(path.join(repo, 'important.txt'), 'keep me\n');
    const before = readTree(repo);
    refuse(repo, /refusing to replace .*it holds \.git \(a git repository\)/);
    expect(readTree(repo)).toEqual(before);
    expect(fs.existsSync(path.join(repo, '.git'))).toBe(true);
  });

  test('a folder of other files (docs, hand-written manifests)', () => {
    const dir = tempDir('gitops-docs-');
    fs.writeFileSync(path.join(dir, 'README.md'), '# keep me\n');
    fs.mkdirSync(path.join(dir, 'k8s'));
    fs.writeFileSync(path.join(dir, 'k8s', 'app.yaml'), 'kind: ConfigMap\n');
    const before = readTree(dir);
    refuse(dir, /refusing to replace .*it holds (README\.md|k8s\/), which is neither written by this tree nor an output folder with a kustomization\.yaml/);
    expect(readTree(dir)).toEqual(before);
  });

  test('an earlier output with files of the tree itself, other generators\' files and desktop droppings is replaced', () => {
    const { out } = previousOutput();
    fs.writeFileSync(path.join(out, '.DS_Store'), '');
    fs.writeFileSync(path.join(out, 'pi', 'notes.json'), '{}');
    fs.mkdirSync(path.join(out, 'old-chart'));
    fs.writeFileSync(path.join(out, 'old-chart', 'kustomization.yaml'), 'resources: []\n');
    writeGitOps(platformApp(), { outdir: out, argo: ARGO });
    expect(fs.existsSync(path.join(out, 'old-chart'))).toBe(false);
    expect(fs.existsSync(path.join(out, '.DS_Store'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'pi', 'kustomization.yaml'))).toBe(true);
  });

  test('the current folder, a folder above it, the home folder', () => {
    refuse('.', /it holds the current folder/);
    refuse('..', /it holds the current folder/);
    refuse(os.homedir(), /it is the home folder|it holds the current folder/);
  });

  test('a previous output folder is replaced as before', () => {
    const { out } = previousOutput();
    writeGitOps(platformApp(), { outdir: out, argo: ARGO });
    expect(fs.existsSync(path.join(out, 'pi', 'NOTE.md'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'pi', 'kustomization.yaml'))).toBe(true);
  });
});
