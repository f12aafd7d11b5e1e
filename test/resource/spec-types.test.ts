/**
 * The L2 spec types (src/resource/specs.generated.ts) are what our generator writes from Istio's CRDs: regenerated
 * here from the CRD file of the istio.io/istio module the conformance suite pins (read from the Go module cache at test
 * time; the same CRDs as the 1.30.3 release), they must equal the committed file.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

test('specs.generated.ts is what scripts/gen-spec-types.js writes from the pinned Istio CRDs', () => {
  const mod = JSON.parse(execFileSync('go', ['mod', 'download', '-json', 'istio.io/istio'], {
    cwd: path.join(root, 'test', 'conformance', 'istio-1.30'), encoding: 'utf8', timeout: 1_200_000,
  })) as { Dir: string };
  const crds = path.join(mod.Dir, 'manifests', 'charts', 'base', 'files', 'crd-all.gen.yaml');
  const out = path.join(root, '.tmp', `specs-${process.pid}.ts`);
  try {
    execFileSync('node', [path.join(root, 'scripts', 'gen-spec-types.js'), crds, '--out', out], { encoding: 'utf8' });
    // the first line names the input file; the rest is the generated code
    const body = (f: string) => fs.readFileSync(f, 'utf8').split('\n').slice(1).join('\n');
    const committed = body(path.join(root, 'src', 'resource', 'specs.generated.ts'));
    expect(committed.length).toBeGreaterThan(50_000);
    expect(body(out)).toBe(committed);
  } finally {
    fs.rmSync(out, { force: true });
  }
}, 1_300_000);
