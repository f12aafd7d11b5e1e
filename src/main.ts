/**
 * The example app run by `npx cdk8s synth` (cdk8s.yaml: `node lib/src/main.js`): both platform charts,
 * written to dist/ (GitOps folders, Argo CD Applications, mesh pictures). See src/charts/example-app.ts.
 */
import { synthExample } from './charts/example-app';

synthExample({ cdk8sOutdir: process.env.CDK8S_OUTDIR ?? '.cdk8s.out', outdir: 'dist' }).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
