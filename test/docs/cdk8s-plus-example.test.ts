/**
 * The cdk8s-plus example of docs/cdk8s-plus.md, run as written (with `cdk8s-istio` pointing at this checkout):
 * the principal, the subsets and the weights come from the cdk8s-plus objects.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(__dirname, '../..');

test('docs/cdk8s-plus.md: an app built with cdk8s-plus gets principals, subsets and a host from its objects', () => {
  const doc = fs.readFileSync(path.join(root, 'docs', 'cdk8s-plus.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(doc)![1];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-kplus-'));
  const file = path.join(root, '.tmp', `kplus-example-${process.pid}.ts`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, code.replace(/from 'cdk8s-istio'/g, "from '../src'"));
    execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [file], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK8S_OUTDIR: work } });
    const objs = fs.readdirSync(work).filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(work, f), 'utf8')).map((d) => d.toJS()));
    const find = (kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
    const policy = find('AuthorizationPolicy', 'reviews-from-frontend');
    expect(policy.spec.rules[0].from[0].source.principals).toEqual(['home.example/ns/shop/sa/frontend']);
    const dr = find('DestinationRule', 'reviews-canary');
    expect(dr.spec.host).toBe('reviews');
    const deployments = objs.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === 'shop');
    const podLabels = (name: string) => deployments.find((d) => d.metadata.name.includes(name)).spec.template.metadata.labels;
    for (const [subset, name] of [['v1', 'reviews-v1'], ['v2', 'reviews-v2']]) {
      const labels = dr.spec.subsets.find((s: { name: string }) => s.name === subset).labels;
      expect(Object.keys(labels).length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(labels)) expect(podLabels(name)[k]).toBe(v);
    }
    const vs = find('VirtualService', 'reviews-canary');
    expect(vs.spec.http[0].route.map((r: { weight: number }) => r.weight)).toEqual([90, 10]);
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
});
