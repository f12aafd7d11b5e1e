/**
 * The example app behind `npx cdk8s synth`: both platform charts, written to `dist/` as GitOps
 * folders with Argo CD Applications and a picture of each mesh. `src/main.ts` only calls
 * {@link synthExample}; tests call {@link buildExampleApp} and {@link renderExample} to compare the
 * committed `dist/` with a fresh render in memory.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { GitOpsOptions, renderGitOps } from '../gitops/output';
import { GitOpsTree } from '../gitops/tree';
import { renderMeshPicture } from '../picture/render';
import { MlopsMeshChart, MlopsMeshChartProps } from './mlops-mesh-chart';
import { PiClusterMeshChart, PiClusterMeshChartProps } from './pi-cluster-mesh-chart';
import { MeshFleet } from '../fleet/mesh-fleet';
import { GatewayService } from '../gateway/service';
import { checkKnownKeys } from '../resource/keys';
import { callScope } from '../validation';
import { EXAMPLE_APP_OPTIONS } from './shapes';

/** Placeholder Git repository of the example's Argo CD Applications; replace it with yours. */
export const EXAMPLE_REPO_URL = 'https://git.example.com/platform/mesh.git';

/** Options of the example app. */
export interface ExampleAppOptions {
  /**
   * cdk8s's own flat output (`app.synth()`), the `output:` folder of cdk8s.yaml, which cdk8s-cli empties
   * before each run.
   * @default '.cdk8s.out'
   */
  readonly cdk8sOutdir?: string;
  /** The GitOps output folder, replaced atomically. @default 'dist' */
  readonly outdir?: string;
  /** Git repository the output is committed to, for the Argo CD Applications. @default EXAMPLE_REPO_URL (a placeholder) */
  readonly repoURL?: string;
  /** Path of `outdir` inside that repository. @default 'dist' */
  readonly repoPath?: string;
  /** Branch, tag or commit Argo CD syncs. @default 'HEAD' */
  readonly targetRevision?: string;
  /** Props of the `mlops` chart. @default {} (the MLOps platform) */
  readonly mlops?: MlopsMeshChartProps;
  /** Props of the `pi` chart. @default {} (the Raspberry-Pi cluster) */
  readonly pi?: PiClusterMeshChartProps;
  /** Add `<chart>/mesh.md` (Mermaid) and `<chart>/mesh.svg` to the output. @default true */
  readonly pictures?: boolean;
}

/** Chart ids of the example app; they name the folders under `dist/`. */
export const EXAMPLE_CHARTS = { mlops: 'mlops', pi: 'pi' } as const;

/** Id of the example's mesh fleet; its clusters go to `dist/<fleet>/<cluster>/`. */
export const EXAMPLE_FLEET = 'home';

/**
 * The example fleet: two Raspberry-Pi clusters in one mesh on two networks (two sites), each with its own istiod
 * and an east-west gateway behind a MetalLB address, the GitOps output one folder per cluster and one Argo CD
 * ApplicationSet for both. Both clusters' CAs are intermediates under one root: cert-manager's ClusterIssuer
 * `home-mesh-root` (set up in each cluster outside this output, docs/multicluster.md) issues each its `cacerts`.
 */
function exampleFleet(app: App): MeshFleet {
  return new MeshFleet(app, EXAMPLE_FLEET, {
    meshId: 'home-mesh',
    rootOfTrust: { issuer: { kind: 'ClusterIssuer', name: 'home-mesh-root' } },
    clusters: [
      { name: 'pi-a', network: 'site-a', eastWestService: GatewayService.loadBalancer({ ip: '192.168.1.241' }), istiod: { autoscaling: false, replicas: 1 } },
      { name: 'pi-b', network: 'site-b', eastWestService: GatewayService.loadBalancer({ ip: '192.168.2.241' }), istiod: { autoscaling: false, replicas: 1 } },
    ],
  });
}

/** The example app with its two charts, not synthesized yet. */
export function buildExampleApp(options: ExampleAppOptions = {}): App {
  checkKnownKeys(callScope('buildExampleApp'), 'options', options, EXAMPLE_APP_OPTIONS);
  const app = new App({ outdir: options.cdk8sOutdir ?? '.cdk8s.out' });
  new MlopsMeshChart(app, EXAMPLE_CHARTS.mlops, options.mlops ?? {});
  new PiClusterMeshChart(app, EXAMPLE_CHARTS.pi, options.pi ?? {});
  exampleFleet(app);
  return app;
}

/** The GitOps options of the example: output folder and one Argo CD Application per chart. */
export function exampleGitOpsOptions(options: ExampleAppOptions = {}): GitOpsOptions {
  checkKnownKeys(callScope('exampleGitOpsOptions'), 'options', options, EXAMPLE_APP_OPTIONS);
  return {
    outdir: options.outdir ?? 'dist',
    argo: {
      repoURL: options.repoURL ?? EXAMPLE_REPO_URL,
      repoPath: options.repoPath ?? 'dist',
      targetRevision: options.targetRevision ?? 'HEAD',
    },
  };
}

/**
 * Renders the GitOps output of `app` in memory: the staged YAML, kustomizations and Argo CD
 * Applications of every chart, plus `<chart>/mesh.md` and `<chart>/mesh.svg` (unless `pictures` is
 * false). Nothing is written.
 */
export async function renderExample(app: App, options: ExampleAppOptions = {}): Promise<GitOpsTree> {
  const rendered = renderGitOps(app, exampleGitOpsOptions(options));
  if (options.pictures ?? true) {
    for (const chart of rendered.charts) {
      const picture = await renderMeshPicture(chart.objects, { title: `${chart.folder}: Istio mesh` });
      rendered.tree.add(`${chart.folder}/mesh.md`, picture.markdown);
      rendered.tree.add(`${chart.folder}/mesh.svg`, picture.svg);
    }
  }
  return rendered.tree;
}

/**
 * Runs the construct validations of `app` (the mesh analyzer among them) the way `app.synth()` does,
 * and throws the same "Validation failed" error listing them.
 */
function validateApp(app: App): void {
  const errors: string[] = [];
  for (const c of app.node.findAll()) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  }
  if (errors.length) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/**
 * The example app, end to end: builds both charts, runs the construct validations (the mesh analyzer),
 * renders everything in memory, writes cdk8s's flat output (`<cdk8sOutdir>/<chart>.k8s.yaml`, which
 * cdk8s-cli expects and its validation plugins read), then replaces `outdir` in one atomic step. Any error
 * leaves the previous `outdir` as it was.
 *
 * The flat files are the chart's stage files joined in apply order: the YAML is serialized once, not
 * once by `app.synth()` and again for `dist/` (a tenth of the example's synth time).
 */
export async function synthExample(options: ExampleAppOptions = {}): Promise<GitOpsTree> {
  const app = buildExampleApp(options);
  validateApp(app);
  const tree = await renderExample(app, options);
  const flat = app.outdir;
  fs.mkdirSync(flat, { recursive: true });
  // one flat file per chart folder (a fleet's clusters: <fleet>-<cluster>.k8s.yaml)
  const byFolder = new Map<string, string[]>();
  for (const p of tree.paths.filter((x) => /\/[0-9]{2}-[a-z-]+\.yaml$/.test(x)).sort()) {
    const folder = p.slice(0, p.lastIndexOf('/'));
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), p]);
  }
  for (const [folder, stages] of byFolder) {
    fs.writeFileSync(path.join(flat, `${folder.split('/').join('-')}.k8s.yaml`), stages.map((p) => tree.content(p)!).join(''));
  }
  tree.write(options.outdir ?? 'dist');
  return tree;
}
