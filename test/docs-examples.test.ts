/**
 * Every complete TypeScript example in docs/*.md (a block that starts with its imports) runs as written,
 * with `cdk8s-istio` pointing at this checkout, and whatever YAML it writes is schema-valid. Blocks that
 * do not start with an import are fragments of a larger example and are not run.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, validateAll } from './support/schema';

const root = path.resolve(__dirname, '..');
const docsDir = path.join(root, 'docs');

const examples: Array<[string, string]> = fs.readdirSync(docsDir)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .flatMap((f) => [...fs.readFileSync(path.join(docsDir, f), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m, i) => [`${f} #${i + 1}`, m[1]] as [string, string]))
  .filter(([, code]) => code.startsWith('import '));

/** Every YAML file of Kubernetes objects below `dir` (kustomization.yaml is kustomize's, checked in test/gitops). */
function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && e.name !== 'kustomization.yaml')
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

describe('docs examples', () => {
  test('the docs have complete examples (synthesis, platforms, analyzer, injection templates)', () => {
    expect(examples.map(([name]) => name.split(' ')[0])).toEqual(expect.arrayContaining(['synthesis.md', 'platforms.md', 'analyzer.md', 'injection-templates.md']));
  });

  test.each(examples)('%s runs and writes schema-valid YAML', (name, code) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-docs-'));
    const file = path.join(root, '.tmp', `docs-example-${process.pid}-${name.replace(/[^a-z0-9]+/gi, '-')}.ts`);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const src = path.relative(path.dirname(file), path.join(root, 'src')).split(path.sep).join('/');
      fs.writeFileSync(file, code.replace(/from 'cdk8s-istio'/g, `from '${src}'`));
      execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [file], {
        cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK8S_OUTDIR: work },
      });
      const objs = yamlFiles(work).flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8'), { version: '1.1' }).map((d) => d.toJS()))
        .filter(Boolean) as K8sObject[];
      // an example that only builds constructs writes nothing; the others write a mesh
      if (/\.synth\(\)|synthYaml\(/.test(code)) expect(validateAll(objs)).toBeGreaterThan(0);
    } finally {
      fs.rmSync(file, { force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
