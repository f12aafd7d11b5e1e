/**
 * The committed dist/ is the output of the example app (src/main.ts → synthExample). These tests render
 * the app again in memory and fail on any difference: a missing, extra or changed file, byte for byte.
 * After changing a construct, regenerate with `npx projen synth` (compile + `cdk8s synth`) and commit dist/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildExampleApp, EXAMPLE_CHARTS, EXAMPLE_REPO_URL, renderExample, synthExample } from '../../src/charts';
import { GitOpsTree } from '../../src/gitops';
import { kustomize, tempDir, yamlDocs } from '../gitops/support';
import { K8sObject, validateAll } from '../support/schema';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const REGENERATE = 'regenerate it with `npx projen synth` (or `npx tsc --build && npx cdk8s synth`) and commit dist/';

/** Every file below `dir`, relative, `/`-separated, sorted as GitOpsTree sorts. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** First differing line of two texts, for the failure message. */
function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: committed ${JSON.stringify(x[i] ?? '(end of file)')}, rendered ${JSON.stringify(y[i] ?? '(end of file)')}`;
  }
  return 'same lines, different bytes';
}

/** The differences between a folder and a tree, one line each; empty when they are identical. */
function treeDifferences(dir: string, tree: GitOpsTree): string[] {
  const onDisk = listFiles(dir);
  const rendered = tree.paths;
  const problems: string[] = [];
  for (const f of rendered.filter((p) => !onDisk.includes(p))) problems.push(`missing in ${path.basename(dir)}/: ${f}`);
  for (const f of onDisk.filter((p) => !rendered.includes(p))) problems.push(`not produced by the app (extra): ${f}`);
  for (const f of rendered.filter((p) => onDisk.includes(p))) {
    const committed = fs.readFileSync(path.join(dir, ...f.split('/')));
    const fresh = Buffer.from(tree.content(f)!, 'utf8');
    if (!committed.equals(fresh)) problems.push(`differs: ${f} (${firstDifference(committed.toString('utf8'), tree.content(f)!)})`);
  }
  return problems;
}

/** Objects of every YAML file of a tree folder that kustomization.yaml lists. */
function listedObjects(tree: GitOpsTree, folder: string): K8sObject[] {
  const k = yamlDocs(tree.content(`${folder}/kustomization.yaml`)!)[0] as unknown as { resources: string[] };
  return k.resources.flatMap((r) => yamlDocs(tree.content(`${folder}/${r}`)!));
}

const key = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('the committed dist/', () => {
  let tree: GitOpsTree;
  beforeAll(async () => {
    tree = await renderExample(buildExampleApp());
  });

  test('equals a fresh render of the example app: same files, byte for byte, nothing extra or missing', () => {
    if (!fs.existsSync(DIST)) throw new Error(`dist/ does not exist: ${REGENERATE}`);
    const problems = treeDifferences(DIST, tree);
    if (problems.length > 0) throw new Error(`dist/ is out of date with the example app; ${REGENERATE}.\n${problems.join('\n')}`);
    expect(listFiles(DIST)).toEqual(tree.paths);
  });

  test('holds both charts with their stages, kustomizations, pictures and Argo CD Applications', () => {
    const stages = (c: string) => [
      `${c}/00-crds.yaml`, `${c}/10-control-plane.yaml`, `${c}/20-gateways.yaml`, `${c}/30-mesh-policy.yaml`,
      `${c}/kustomization.yaml`, `${c}/mesh.md`, `${c}/mesh.svg`,
    ];
    expect(tree.paths).toEqual([
      'argocd/home-applicationset.yaml',
      'argocd/kustomization.yaml',
      'argocd/mlops-application.yaml',
      'argocd/pi-application.yaml',
      // the example fleet (test/fleet/dist.test.ts): a folder per cluster and the remote-secret script
      ...stages('home/pi-a'), ...stages('home/pi-b'), 'home/remote-secrets.sh',
      ...[EXAMPLE_CHARTS.mlops, EXAMPLE_CHARTS.pi].flatMap(stages),
    ]);
    for (const chart of ['mlops', 'pi']) {
      const app = yamlDocs(tree.content(`argocd/${chart}-application.yaml`)!)[0];
      expect(app.spec.source).toEqual({ repoURL: EXAMPLE_REPO_URL, path: `dist/${chart}`, targetRevision: 'HEAD' });
      expect(tree.content(`${chart}/mesh.md`)).toContain('```mermaid');
      expect(tree.content(`${chart}/mesh.svg`)).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
    }
  });

  test('every object of every file is schema-valid (Kubernetes, Istio, cert-manager, Argo CD)', () => {
    const all = tree.paths.filter((p) => p.endsWith('.yaml') && !p.endsWith('kustomization.yaml')).flatMap((p) => yamlDocs(tree.content(p)!));
    expect(validateAll(all)).toBe(all.length);
    expect(all.length).toBeGreaterThan(100);
  });

  test.each(['mlops', 'pi', 'argocd'])('kubectl kustomize accepts dist/%s and renders exactly the listed objects', (folder) => {
    const rendered = kustomize(path.join(DIST, folder));
    expect(rendered.map(key).sort()).toEqual(listedObjects(tree, folder).map(key).sort());
  });
});

describe('the example app', () => {
  test('is deterministic: two independent builds render byte-identical trees', async () => {
    const [a, b] = await Promise.all([renderExample(buildExampleApp()), renderExample(buildExampleApp())]);
    expect(b.paths).toEqual(a.paths);
    for (const p of a.paths) expect(b.content(p)).toBe(a.content(p));
  });

  test('synthExample writes that tree to outdir and cdk8s\'s own output to cdk8sOutdir', async () => {
    const dir = tempDir('example-app-');
    const outdir = path.join(dir, 'dist');
    const cdk8sOutdir = path.join(dir, '.cdk8s.out');
    const written = await synthExample({ outdir, cdk8sOutdir, repoPath: 'dist' });
    expect(treeDifferences(outdir, written)).toEqual([]);
    expect(fs.readdirSync(cdk8sOutdir).sort()).toEqual(['home-pi-a.k8s.yaml', 'home-pi-b.k8s.yaml', 'mlops.k8s.yaml', 'pi.k8s.yaml']);
    // the same output as the committed one
    expect(treeDifferences(DIST, written)).toEqual([]);
  });

  test('chart props reach the output: the NodePort variant of the MLOps chart', async () => {
    const tree = await renderExample(buildExampleApp({ mlops: { metallb: false } }), { pictures: false });
    const svc = yamlDocs(tree.content('mlops/20-gateways.yaml')!).find((o) => o.kind === 'Service')!;
    expect([svc.spec.type, svc.spec.ports.map((p: { nodePort?: number }) => p.nodePort)]).toEqual(['NodePort', [undefined, 31080, 31443]]);
    expect(tree.paths.some((p) => p.endsWith('mesh.svg'))).toBe(false);
  });

  test('the Pi chart with Vault PKI and observability: cert-manager objects with the control plane, Telemetry with mesh policy; kustomize accepts it', async () => {
    const tree = await renderExample(buildExampleApp({ pi: { vaultIntegrationEnabled: true, observabilityEnabled: true } }), { pictures: false });
    const stageOf = (kind: string) => tree.paths.filter((p) => p.startsWith('pi/') && !p.endsWith('kustomization.yaml'))
      .filter((p) => yamlDocs(tree.content(p)!).some((o) => o.kind === kind));
    expect([stageOf('Issuer'), stageOf('Certificate'), stageOf('Telemetry')])
      .toEqual([['pi/10-control-plane.yaml'], ['pi/10-control-plane.yaml'], ['pi/30-mesh-policy.yaml']]);
    const dir = tempDir('example-variant-');
    tree.write(path.join(dir, 'dist'));
    const rendered = kustomize(path.join(dir, 'dist', 'pi'));
    expect(rendered.map(key).sort()).toEqual(listedObjects(tree, 'pi').map(key).sort());
    expect(validateAll(rendered)).toBe(rendered.length);
  });

  test('src/main.ts runs synthExample into dist/ with cdk8s-cli\'s output folder', () => {
    const main = fs.readFileSync(path.join(ROOT, 'src', 'main.ts'), 'utf8');
    expect(main).toContain("synthExample({ cdk8sOutdir: process.env.CDK8S_OUTDIR ?? '.cdk8s.out', outdir: 'dist' })");
    expect(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')).toMatch(/^app: node lib\/src\/main\.js$[\s\S]*^output: \.cdk8s\.out$/m);
  });
});
