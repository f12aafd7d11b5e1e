/**
 * The keys of the GitOps options, checked at run time by `checkKnownKeys` (an unknown key is an error naming its path
 * and the closest valid key, instead of vanishing); the compiler keeps each shape equal to its interface.
 *
 * @internal
 */
import type { Shape } from '../resource/keys';
import type { ArgoCdApplicationProps, ArgoCdAutomatedSync, ArgoCdDestination } from './argocd';
import type { GitOpsOptions } from './output';

const DESTINATION: Shape<ArgoCdDestination> = { server: true, name: true, namespace: true };
const AUTOMATED: Shape<ArgoCdAutomatedSync> = { prune: true, selfHeal: true };

export const GITOPS_OPTIONS: Shape<GitOpsOptions> = {
  outdir: true,
  argo: {
    repoURL: true,
    repoPath: true,
    targetRevision: true,
    project: true,
    namespace: true,
    destination: DESTINATION,
    automated: AUTOMATED,
    syncOptions: true,
    applications: { '*': { name: true, path: true, project: true, targetRevision: true, destination: DESTINATION, automated: AUTOMATED } },
  },
  argoCdAnnotations: true,
  generatedBy: true,
};

export const ARGO_CD_APPLICATION_PROPS: Shape<ArgoCdApplicationProps> = {
  name: true,
  namespace: true,
  project: true,
  repoURL: true,
  path: true,
  targetRevision: true,
  destination: DESTINATION,
  automated: AUTOMATED,
  syncOptions: true,
  ignoreDifferences: [{ group: true, kind: true, name: true, namespace: true, jqPathExpressions: true }],
  labels: true,
};
