/**
 * The example app behind `npx cdk8s synth`: both platform charts, written to `dist/` as GitOps
 * folders with Argo CD Applications and a picture of each mesh. `src/main.ts` only calls
 * {@link synthExample}; tests call {@link buildExampleApp} and {@link renderExample} to compare the
 * committed `dist/` with a fresh render in memory.
 */
import { App } from 'cdk8s';
import { GitOpsOptions, renderGitOps } from '../gitops/output';
import { GitOpsTree } from '../gitops/tree';
import { renderMeshPicture } from '../picture/render';
import { MlopsMeshChart, MlopsMeshChartProps } from './mlops-mesh-chart';
import { PiClusterMeshChart, PiClusterMeshChartProps } from './pi-cluster-mesh-chart';

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

/** The example app with its two charts, not synthesized yet. */
export function buildExampleApp(options: ExampleAppOptions = {}): App {
  const app = new App({ outdir: options.cdk8sOutdir ?? '.cdk8s.out' });
  new MlopsMeshChart(app, EXAMPLE_CHARTS.mlops, options.mlops ?? {});
  new PiClusterMeshChart(app, EXAMPLE_CHARTS.pi, options.pi ?? {});
  return app;
}

/** The GitOps options of the example: output folder and one Argo CD Application per chart. */
export function exampleGitOpsOptions(options: ExampleAppOptions = {}): GitOpsOptions {
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
 * The example app, end to end: builds both charts, runs `app.synth()` (cdk8s's flat output and its
 * validation plugins), renders everything in memory, then replaces `outdir` in one atomic step. Any
 * error leaves the previous `outdir` as it was.
 */
export async function synthExample(options: ExampleAppOptions = {}): Promise<GitOpsTree> {
  const app = buildExampleApp(options);
  app.synth();
  const tree = await renderExample(app, options);
  tree.write(options.outdir ?? 'dist');
  return tree;
}
