/**
 * The example fleet in the committed dist/ (dist/home/<cluster>/, argocd/home-applicationset.yaml), and the rule
 * that nothing secret is anywhere in dist/: no Secret objects with data, no tokens, private keys or kubeconfigs.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { MeshFleet, renderGitOps } from '../../src';
import { EXAMPLE_FLEET } from '../../src/charts/example-app';
import { K8sObject, validateAll } from '../support/schema';

const DIST = path.join(__dirname, '..', '..', 'dist');

function docs(text: string): K8sObject[] {
  return parseAllDocuments(text).map((d) => d.toJSON()).filter((o) => o) as K8sObject[];
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const clusters = fs.readdirSync(path.join(DIST, EXAMPLE_FLEET), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

describe('the example fleet in dist/', () => {
  test('two clusters on two networks, one ApplicationSet with an Application per cluster folder', () => {
    expect(clusters).toEqual(['pi-a', 'pi-b']);
    const [set] = docs(fs.readFileSync(path.join(DIST, 'argocd', `${EXAMPLE_FLEET}-applicationset.yaml`), 'utf8'));
    validateAll([set]);
    const spec = set.spec as Record<string, any>;
    expect(spec.generators[0].list.elements).toEqual(clusters.map((c) => ({ cluster: c, destination: c, path: `dist/${EXAMPLE_FLEET}/${c}` })));
    expect(spec.template.spec.source.path).toBe('{{.path}}');
    expect(spec.template.spec.destination).toEqual({ name: '{{.destination}}' });
    // the same ignoreDifferences as a chart's Application: the webhook fields istiod patches
    const app = docs(fs.readFileSync(path.join(DIST, 'argocd', 'pi-application.yaml'), 'utf8'))[0];
    const names = (l: Array<{ kind: string; name: string }>) => l.map((d) => `${d.kind}/${d.name}`);
    expect(names(spec.template.spec.ignoreDifferences)).toEqual(names((app.spec as any).ignoreDifferences).filter((n) => !n.includes('-pi')).concat().sort());
    expect(fs.readFileSync(path.join(DIST, 'argocd', 'kustomization.yaml'), 'utf8')).toContain(`- ${EXAMPLE_FLEET}-applicationset.yaml`);
    const networks = clusters.map((c) => docs(fs.readFileSync(path.join(DIST, EXAMPLE_FLEET, c, '10-control-plane.yaml'), 'utf8'))
      .concat(docs(fs.readFileSync(path.join(DIST, EXAMPLE_FLEET, c, '00-crds.yaml'), 'utf8')))
      .find((o) => o.kind === 'Namespace' && o.metadata.name === 'istio-system')!.metadata.labels!['topology.istio.io/network']);
    expect(networks).toEqual(['site-a', 'site-b']);
  });

  test.each(clusters)('kubectl kustomize accepts dist/home/%s, with sync waves per stage', (cluster) => {
    const out = execFileSync('kubectl', ['kustomize', path.join(DIST, EXAMPLE_FLEET, cluster)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const objs = docs(out);
    expect(objs.length).toBeGreaterThan(30);
    const waves = new Set(objs.map((o) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave']));
    expect(waves.size).toBeGreaterThanOrEqual(3);
    expect(objs.some((o) => o.kind === 'Gateway' && o.metadata.name === 'cross-network-gateway')).toBe(true);
  });

  test('no secret material anywhere in dist/: no Secret with data, no token, private key, certificate or kubeconfig', () => {
    const all = files(DIST);
    expect(all.length).toBeGreaterThan(20);
    const findings: string[] = [];
    for (const f of all) {
      const text = fs.readFileSync(f, 'utf8');
      const rel = path.relative(DIST, f);
      for (const [what, re] of [
        ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
        ['certificate', /-----BEGIN CERTIFICATE-----/],
        ['kubeconfig', /\b(client-key-data|client-certificate-data|certificate-authority-data)\s*:/],
        ['kubeconfig', /^kind:\s*Config\s*$/m],
        ['token', /^\s*token\s*:\s*\S+/m],
        ['JWT', /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./],
      ] as const) {
        if (re.test(text)) findings.push(`${rel}: ${what}`);
      }
      if (f.endsWith('.yaml')) {
        for (const o of docs(text)) {
          if (o.kind === 'Secret' && (o.data || o.stringData)) findings.push(`${rel}: Secret ${o.metadata.name} with data`);
        }
      }
    }
    expect(findings).toEqual([]);
  });

  test('the remote-secret script only calls istioctl and kubectl, one pair per ordered pair of clusters', () => {
    const script = fs.readFileSync(path.join(DIST, EXAMPLE_FLEET, 'remote-secrets.sh'), 'utf8');
    expect(script.match(/istioctl create-remote-secret/g)).toHaveLength(2);
    expect(script).toContain("--context='pi-a' --name='pi-a'");
  });
});

describe('renderGitOps with a fleet', () => {
  test('without Argo CD: the cluster folders and the script, no ApplicationSet', () => {
    const app = new App();
    new MeshFleet(app, 'f', { meshId: 'm', clusters: [{ name: 'a' }, { name: 'b' }] });
    const { tree } = renderGitOps(app, { outdir: 'out' });
    expect(tree.paths.filter((p) => !/\/[0-9]{2}-/.test(p))).toEqual(['f/a/kustomization.yaml', 'f/b/kustomization.yaml', 'f/remote-secrets.sh']);
  });
});
