import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { ARGOCD_FOLDER, GitOpsTree, renderGitOps, SYNC_WAVE_ANNOTATION, writeGitOps } from '../../src/gitops';
import { K8sObject, validateAll } from '../support/schema';
import { ids } from '../support/synth';
import { chartIn, newApp } from './fixtures';
import { kustomize, platformApp, readTree, tempDir, yamlDocs } from './support';

const ARGO = { repoURL: 'https://github.com/example/platform.git', repoPath: 'dist' };

function sortedIds(objs: K8sObject[]): string[] {
  return ids(objs).sort();
}

describe('writeGitOps with Argo CD', () => {
  const out = path.join(tempDir(), 'dist');
  const app = platformApp();
  const rendered = writeGitOps(app, { outdir: out, argo: ARGO });
  const tree = readTree(out);
  const text = (f: string) => fs.readFileSync(path.join(out, f), 'utf8');

  test('writes one folder per chart with one file per non-empty stage, a kustomization, and the Applications', () => {
    expect(Object.keys(tree)).toEqual([
      'argocd/kustomization.yaml', 'argocd/mlops-application.yaml', 'argocd/pi-application.yaml',
      'mlops/00-crds.yaml', 'mlops/10-control-plane.yaml', 'mlops/20-gateways.yaml', 'mlops/30-mesh-policy.yaml', 'mlops/40-other.yaml', 'mlops/kustomization.yaml',
      'pi/00-crds.yaml', 'pi/10-control-plane.yaml', 'pi/20-gateways.yaml', 'pi/30-mesh-policy.yaml', 'pi/40-other.yaml', 'pi/kustomization.yaml',
    ]);
    expect(rendered.tree.paths).toEqual(Object.keys(tree));
  });

  test('every object of every chart is written exactly once, and every written object is schema-valid', () => {
    for (const folder of ['mlops', 'pi']) {
      const written = Object.keys(tree).filter((f) => f.startsWith(`${folder}/`) && /\/\d\d-/.test(f)).flatMap((f) => yamlDocs(text(f)));
      const chart = app.charts.find((c) => c.node.id === folder)!;
      const synthesized = chart.toJson() as K8sObject[];
      expect(sortedIds(written)).toEqual(sortedIds(synthesized));
      expect(validateAll(written)).toBe(synthesized.length);
    }
    const applications = ['argocd/mlops-application.yaml', 'argocd/pi-application.yaml'].flatMap((f) => yamlDocs(text(f)));
    expect(validateAll(applications)).toBe(2);
  });

  test('each stage file holds exactly its stage, in stage order, annotated with its sync wave', () => {
    for (const c of rendered.charts) {
      const files = c.stages.map((s) => s.stage.file);
      expect(files).toEqual([...files].sort());
      for (const s of c.stages) {
        const docs = yamlDocs(text(`${c.folder}/${s.stage.file}`));
        expect(ids(docs)).toEqual(ids(s.objects as K8sObject[]));
        for (const d of docs) expect(d.metadata.annotations?.[SYNC_WAVE_ANNOTATION]).toBe(String(s.stage.syncWave));
      }
    }
    expect(yamlDocs(text('pi/20-gateways.yaml')).filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['istio-egressgateway', 'istio-ingressgateway']);
  });

  test('stage files are commented multi-document YAML', () => {
    const crds = text('mlops/00-crds.yaml');
    expect(crds.startsWith('# mlops: stage 00-crds (CustomResourceDefinitions).\n')).toBe(true);
    expect(crds.split('\n---\n').length).toBe(yamlDocs(crds).length + 1);
  });

  test('kustomization.yaml lists the stage files in apply order', () => {
    for (const folder of ['mlops', 'pi']) {
      const [k] = yamlDocs(text(`${folder}/kustomization.yaml`));
      expect(k.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
      expect(k.kind).toBe('Kustomization');
      expect(k.resources).toEqual(['00-crds.yaml', '10-control-plane.yaml', '20-gateways.yaml', '30-mesh-policy.yaml', '40-other.yaml']);
    }
    const [a] = yamlDocs(text('argocd/kustomization.yaml'));
    expect(a.resources).toEqual(['mlops-application.yaml', 'pi-application.yaml']);
  });

  test('kubectl kustomize accepts every folder and renders exactly the written objects', () => {
    for (const folder of ['mlops', 'pi']) {
      const written = Object.keys(tree).filter((f) => f.startsWith(`${folder}/`) && f !== `${folder}/kustomization.yaml`).flatMap((f) => yamlDocs(text(f)));
      expect(sortedIds(kustomize(path.join(out, folder)))).toEqual(sortedIds(written));
    }
    expect(ids(kustomize(path.join(out, ARGOCD_FOLDER))).sort()).toEqual(['Application argocd/mlops', 'Application argocd/pi']);
  });

  test('one Application per chart, pointing at its folder, ignoring only the webhook fields istiod patches', () => {
    const [mlops] = yamlDocs(text('argocd/mlops-application.yaml'));
    expect(mlops.metadata).toEqual({ name: 'mlops', namespace: 'argocd' });
    expect(mlops.spec.source).toEqual({ repoURL: ARGO.repoURL, path: 'dist/mlops', targetRevision: 'HEAD' });
    expect(mlops.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
    const webhookConfigs = yamlDocs(text('mlops/10-control-plane.yaml')).filter((o) => o.kind.endsWith('WebhookConfiguration'));
    expect(mlops.spec.ignoreDifferences.map((d: { kind: string; name: string }) => `${d.kind} ${d.name}`)).toEqual(sortedIds(webhookConfigs));
    const [pi] = yamlDocs(text('argocd/pi-application.yaml'));
    expect(pi.spec.source.path).toBe('dist/pi');
  });

  test('two writes of two separately built apps are byte-identical', () => {
    const again = path.join(tempDir(), 'dist');
    writeGitOps(platformApp(), { outdir: again, argo: ARGO });
    expect(readTree(again)).toEqual(tree);
    writeGitOps(platformApp(), { outdir: again, argo: ARGO });
    expect(readTree(again)).toEqual(tree);
  });
});

describe('writeGitOps without Argo CD', () => {
  test('no argocd folder and no Argo CD annotations', () => {
    const out = path.join(tempDir(), 'dist');
    writeGitOps(platformApp(), { outdir: out });
    const files = Object.keys(readTree(out));
    expect(files.some((f) => f.startsWith('argocd/'))).toBe(false);
    const docs = files.filter((f) => !f.endsWith('kustomization.yaml')).flatMap((f) => yamlDocs(fs.readFileSync(path.join(out, f), 'utf8')));
    expect(validateAll(docs)).toBeGreaterThan(0);
    expect(docs.filter((d) => Object.keys(d.metadata.annotations ?? {}).some((k) => k.startsWith('argocd.argoproj.io/')))).toEqual([]);
  });

  test('argoCdAnnotations: true annotates without emitting Applications', () => {
    const r = renderGitOps(platformApp(), { outdir: 'dist', argoCdAnnotations: true });
    expect(r.tree.paths.some((f) => f.startsWith('argocd/'))).toBe(false);
    expect(r.charts[0].stages[0].objects[0].metadata.annotations?.[SYNC_WAVE_ANNOTATION]).toBe('0');
  });

  test('charts without objects get no folder; the folder is replaced as a whole', () => {
    const out = path.join(tempDir(), 'dist');
    // a chart folder of an earlier output (the chart is gone now)
    fs.mkdirSync(path.join(out, 'stale'), { recursive: true });
    fs.writeFileSync(path.join(out, 'stale', 'old.yaml'), 'x: 1\n');
    fs.writeFileSync(path.join(out, 'stale', 'kustomization.yaml'), 'resources:\n  - old.yaml\n');
    const app = newApp();
    chartIn(app, 'empty');
    new ApiObject(chartIn(app, 'one'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' } });
    writeGitOps(app, { outdir: out });
    expect(Object.keys(readTree(out))).toEqual(['one/40-other.yaml', 'one/kustomization.yaml']);
    expect(yamlDocs(fs.readFileSync(path.join(out, 'one/kustomization.yaml'), 'utf8'))[0].resources).toEqual(['40-other.yaml']);
  });
});

describe('Argo CD options', () => {
  test('repoPath defaults to outdir relative to the current directory', () => {
    const r = renderGitOps(platformApp(), { outdir: 'build/gitops', argo: { repoURL: ARGO.repoURL } });
    expect(r.charts.map((c) => c.application!.spec)).toEqual(expect.arrayContaining([expect.objectContaining({ source: expect.objectContaining({ path: 'build/gitops/pi' }) })]));
  });

  test('per-chart overrides', () => {
    const r = renderGitOps(platformApp(), {
      outdir: 'dist',
      argo: {
        ...ARGO, targetRevision: 'main', project: 'platform', namespace: 'gitops', automated: false,
        applications: { pi: { name: 'raspberry-mesh', path: 'clusters/pi', destination: { name: 'pi-cluster' }, automated: { selfHeal: false } } },
      },
    });
    const pi = r.charts.find((c) => c.folder === 'pi')!.application!;
    const mlops = r.charts.find((c) => c.folder === 'mlops')!.application!;
    validateAll([pi as K8sObject, mlops as K8sObject]);
    expect(pi.metadata).toEqual({ name: 'raspberry-mesh', namespace: 'gitops' });
    expect(pi.spec).toEqual(expect.objectContaining({ project: 'platform', destination: { name: 'pi-cluster' }, source: { repoURL: ARGO.repoURL, path: 'clusters/pi', targetRevision: 'main' } }));
    expect((pi.spec as { syncPolicy: unknown }).syncPolicy).toEqual({ automated: { prune: true, selfHeal: false }, syncOptions: ['RespectIgnoreDifferences=true'] });
    expect((mlops.spec as { syncPolicy: unknown }).syncPolicy).toEqual({ syncOptions: ['RespectIgnoreDifferences=true'] });
    expect(r.tree.paths).toContain('argocd/pi-application.yaml');
  });
});

describe('bad input', () => {
  test('empty outdir', () => {
    expect(() => renderGitOps(platformApp(), { outdir: ' ' })).toThrow(/^gitops: invalid outdir " ": must be the output folder/);
  });

  test('a chart id that cannot be a folder and Application name', () => {
    const app = newApp();
    chartIn(app, 'MlopsMesh');
    expect(() => renderGitOps(app, { outdir: 'dist' })).toThrow(/^MlopsMesh: invalid chart id "MlopsMesh": must make a folder and Argo CD Application name: .*DNS-1123/);
  });

  test('a chart named like the Applications folder', () => {
    const app = newApp();
    chartIn(app, 'argocd');
    expect(() => renderGitOps(app, { outdir: 'dist', argo: ARGO })).toThrow(/^argocd: invalid chart id "argocd": must not be "argocd": that folder holds the Argo CD Applications/);
  });

  test('overrides for a chart that does not exist', () => {
    expect(() => renderGitOps(platformApp(), { outdir: 'dist', argo: { ...ARGO, applications: { mlop: { name: 'x' } } } }))
      .toThrow(/^gitops: invalid argo.applications.mlop "mlop": must name a chart folder: mlops, pi/);
  });

  test('repoPath needed when outdir is outside the current directory', () => {
    expect(() => renderGitOps(platformApp(), { outdir: path.join(tempDir(), 'dist'), argo: { repoURL: ARGO.repoURL } }))
      .toThrow(/^gitops: invalid argo.repoPath \(undefined\): must be given because outdir ".*" is not a folder below the current directory/);
  });

  test('malformed repoPath', () => {
    expect(() => renderGitOps(platformApp(), { outdir: 'dist', argo: { ...ARGO, repoPath: '../dist' } }))
      .toThrow(/^gitops: invalid argo.repoPath "..\/dist": must be a relative folder inside the repository/);
  });

  test('a bad Application prop names the chart', () => {
    expect(() => renderGitOps(platformApp(), { outdir: 'dist', argo: { ...ARGO, applications: { pi: { destination: { server: 'pi:6443' } } } } }))
      .toThrow(/^pi: invalid destination.server "pi:6443": must be an API server URL/);
  });
});

describe('GitOpsTree', () => {
  test('refuses paths that escape or are not plain', () => {
    const t = new GitOpsTree();
    for (const p of ['../x.yaml', '/abs.yaml', 'a//b.yaml', 'a/./b.yaml', 'a\\b.yaml', '']) {
      expect(() => t.add(p, '')).toThrow(/GitOpsTree: invalid path/);
    }
  });

  test('refuses duplicates and file/folder clashes', () => {
    const t = new GitOpsTree();
    t.add('a/b.yaml', '1');
    expect(() => t.add('a/b.yaml', '2')).toThrow(/a\/b.yaml is added twice/);
    expect(() => t.add('a', '3')).toThrow(/a and a\/b.yaml cannot both exist/);
    expect(() => t.add('a/b.yaml/c', '4')).toThrow(/cannot both exist/);
    expect(t.content('a/b.yaml')).toBe('1');
  });

  test('other generators can add files to the same atomic write', () => {
    const out = path.join(tempDir(), 'dist');
    const r = renderGitOps(platformApp(), { outdir: out });
    r.tree.add('pi/mesh.md', '# mesh\n');
    r.tree.write(out);
    expect(fs.readFileSync(path.join(out, 'pi/mesh.md'), 'utf8')).toBe('# mesh\n');
    expect(yamlDocs(fs.readFileSync(path.join(out, 'pi/kustomization.yaml'), 'utf8'))[0].resources).not.toContain('mesh.md');
  });
});

describe('generatedBy', () => {
  test('replaces the header line of every file; one line of text only', () => {
    const app = platformApp();
    const tree = renderGitOps(app, { outdir: 'dist', generatedBy: 'Generated by a test.', argo: { repoURL: 'https://git.example.com/x.git', repoPath: 'dist' } }).tree;
    expect(tree.paths.length).toBeGreaterThan(4);
    for (const p of tree.paths) {
      const text = tree.content(p)!;
      expect(text).toContain('# Generated by a test.');
      expect(text).not.toContain('npx cdk8s synth');
    }
    expect(() => renderGitOps(app, { outdir: 'dist', generatedBy: 'two\nlines' })).toThrow(/generatedBy.*one line of text/);
  });
});
