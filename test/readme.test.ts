/**
 * Every TypeScript example in README.md runs as written (with `cdk8s-istio` pointing at this
 * checkout) and synthesizes schema-valid objects.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, validateAll } from './support/schema';

const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README examples', () => {
  test('there are examples to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  test.each(blocks.map((b, i) => [i + 1, b]))('example %i synthesizes schema-valid objects', (_i, code) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-readme-'));
    try {
      const file = path.join(root, '.tmp', `readme-example-${process.pid}-${_i}.ts`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const source = String(code).replace(/from 'cdk8s-istio'/g, `from '${path.relative(path.dirname(file), path.join(root, 'src')).split(path.sep).join('/')}'`);
      fs.writeFileSync(file, source);
      try {
        execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [file], {
          cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK8S_OUTDIR: work },
        });
      } finally {
        fs.rmSync(file, { force: true });
      }
      const files = fs.readdirSync(work).filter((f) => f.endsWith('.yaml'));
      expect(files.length).toBeGreaterThan(0);
      const objs = files.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(work, f), 'utf8')).map((d) => d.toJS()))
        .filter(Boolean) as K8sObject[];
      expect(validateAll(objs)).toBeGreaterThan(20);
      expect(objs.some((o) => o.kind === 'Deployment' && o.metadata.name === 'istiod')).toBe(true);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
