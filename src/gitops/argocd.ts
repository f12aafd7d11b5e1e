import { callScope, isDnsLabel, isDnsSubdomain, IstioValidationError } from '../validation';
import { apiGroupOf } from '../kinds';
import { isIstioResource, SynthesizedObject, stringField } from './manifest';
import { StagedObjects } from './stages';
import { checkKnownKeys } from '../resource/keys';
import { ARGO_CD_APPLICATION_PROPS } from './shapes';

/** Annotation that orders an object's sync inside one Argo CD Application. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Annotation carrying per-object Argo CD sync options (comma separated). */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Where an Argo CD Application deploys to. Give `server` or `name`, not both. */
export interface ArgoCdDestination {
  /**
   * API server URL of the target cluster.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in), unless `name` is given
   */
  readonly server?: string;
  /**
   * Name of a cluster registered in Argo CD (instead of `server`).
   * @default - none; `server` is used
   */
  readonly name?: string;
  /**
   * Namespace for objects that do not name one. Every object this library emits names its namespace.
   * @default - none
   */
  readonly namespace?: string;
}

/** Automated sync of an Argo CD Application. */
export interface ArgoCdAutomatedSync {
  /**
   * Delete live objects that are no longer in Git (CRDs are never pruned: they carry `Prune=false`).
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Revert changes made to live objects outside Git.
   * @default true
   */
  readonly selfHeal?: boolean;
}

/** One `spec.ignoreDifferences` entry of an Argo CD Application. */
export interface ArgoCdIgnoreDifference {
  /** API group of the object (`''` for the core group). */
  readonly group: string;
  /** Kind of the object. */
  readonly kind: string;
  /**
   * Name of the object.
   * @default - every object of the kind
   */
  readonly name?: string;
  /**
   * Namespace of the object.
   * @default - any
   */
  readonly namespace?: string;
  /** jq path expressions of the fields to ignore. */
  readonly jqPathExpressions: readonly string[];
}

/** Everything an Argo CD `Application` for one folder of the GitOps output needs. */
export interface ArgoCdApplicationProps {
  /** Application name (DNS-1123 subdomain). */
  readonly name: string;
  /**
   * Namespace Argo CD runs in.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Argo CD project.
   * @default 'default'
   */
  readonly project?: string;
  /** Git repository URL (`https://...`, `ssh://...` or `git@host:org/repo.git`). */
  readonly repoURL: string;
  /** Folder inside the repository, relative, e.g. `dist/mlops`. */
  readonly path: string;
  /**
   * Branch, tag or commit to follow.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /**
   * Target cluster.
   * @default { server: 'https://kubernetes.default.svc' }
   */
  readonly destination?: ArgoCdDestination;
  /**
   * Automated sync, or `false` for manual sync.
   * @default { prune: true, selfHeal: true }
   */
  readonly automated?: ArgoCdAutomatedSync | false;
  /**
   * Extra Application-level sync options (`Key=value`), added after `RespectIgnoreDifferences=true`.
   * @default - none
   */
  readonly syncOptions?: readonly string[];
  /**
   * Fields Argo CD must not compare (and, with `RespectIgnoreDifferences=true`, not overwrite).
   * @default - none
   */
  readonly ignoreDifferences?: readonly ArgoCdIgnoreDifference[];
  /**
   * Labels of the Application object.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

const DEFAULT_SERVER = 'https://kubernetes.default.svc';
const REPO_URL = /^((https?|ssh|git|file):\/\/[^\s]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+)$/;
const SERVER_URL = /^https?:\/\/[^\s/]+(\/[^\s]*)?$/;
const SYNC_OPTION = /^[A-Za-z][A-Za-z0-9]*=[^\s,]+$/;

/** True for a relative, normalised folder inside a repository (no leading `/`, no `..`). */
export function isRepoPath(p: string): boolean {
  if (typeof p !== 'string' || p.length === 0 || p.startsWith('/') || /\s|\\/.test(p)) return false;
  if (p === '.') return true;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/**
 * Builds an Argo CD `Application` (argoproj.io/v1alpha1) that syncs one folder of the GitOps output.
 * Validates every prop and throws an {@link IstioValidationError} naming `path` (the chart or caller),
 * the field, the value and what is valid.
 *
 * @param props the Application
 * @param path what to name in error messages
 */
export function argoCdApplication(props: ArgoCdApplicationProps, path: string = 'argoCdApplication'): SynthesizedObject {
  checkKnownKeys(callScope(path), '', props, ARGO_CD_APPLICATION_PROPS);
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new IstioValidationError(path, field, value, expected);
  };
  if (!isDnsSubdomain(props.name)) bad('name', props.name, 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", at most 253 characters');
  const namespace = props.namespace ?? 'argocd';
  if (!isDnsLabel(namespace)) bad('namespace', namespace, 'must be a DNS-1123 label (the namespace Argo CD runs in), e.g. "argocd"');
  const project = props.project ?? 'default';
  if (!isDnsSubdomain(project)) bad('project', project, 'must be the name of an Argo CD AppProject (DNS-1123 subdomain), e.g. "default"');
  if (typeof props.repoURL !== 'string' || !REPO_URL.test(props.repoURL)) {
    bad('repoURL', props.repoURL, 'must be a Git repository URL: "https://host/org/repo.git", "ssh://git@host/org/repo.git" or "git@host:org/repo.git"');
  }
  if (!isRepoPath(props.path)) bad('path', props.path, 'must be a relative folder inside the repository without ".." or a leading "/", e.g. "dist/mlops"');
  const targetRevision = props.targetRevision ?? 'HEAD';
  if (typeof targetRevision !== 'string' || !/^[^\s]+$/.test(targetRevision)) bad('targetRevision', targetRevision, 'must be a branch, tag or commit without spaces, e.g. "HEAD" or "main"');

  const dest = props.destination ?? {};
  if (dest.server !== undefined && dest.name !== undefined) {
    bad('destination', dest, 'must give either "server" or "name", not both');
  }
  if (dest.server !== undefined && !SERVER_URL.test(dest.server)) bad('destination.server', dest.server, 'must be an API server URL such as "https://kubernetes.default.svc"');
  if (dest.name !== undefined && !isDnsSubdomain(dest.name)) bad('destination.name', dest.name, 'must be the name of a cluster registered in Argo CD (DNS-1123 subdomain)');
  if (dest.namespace !== undefined && !isDnsLabel(dest.namespace)) bad('destination.namespace', dest.namespace, 'must be a DNS-1123 label');

  const syncOptions = ['RespectIgnoreDifferences=true'];
  for (const [i, o] of (props.syncOptions ?? []).entries()) {
    if (typeof o !== 'string' || !SYNC_OPTION.test(o)) bad(`syncOptions[${i}]`, o, 'must be an Argo CD sync option "Key=value", e.g. "CreateNamespace=false"');
    if (!syncOptions.includes(o)) syncOptions.push(o);
  }

  const destination: Record<string, string> = {};
  if (dest.name !== undefined) destination.name = dest.name;
  if (dest.namespace !== undefined) destination.namespace = dest.namespace;
  if (dest.name === undefined) destination.server = dest.server ?? DEFAULT_SERVER;

  const syncPolicy: Record<string, unknown> = { syncOptions };
  if (props.automated !== false) {
    const a = props.automated ?? {};
    syncPolicy.automated = { prune: a.prune ?? true, selfHeal: a.selfHeal ?? true };
  }

  const spec: Record<string, unknown> = {
    destination,
    project,
    source: { path: props.path, repoURL: props.repoURL, targetRevision },
    syncPolicy,
  };
  if (props.ignoreDifferences && props.ignoreDifferences.length > 0) {
    spec.ignoreDifferences = props.ignoreDifferences.map((d) => {
      const e: Record<string, unknown> = { group: d.group, kind: d.kind };
      if (d.name !== undefined) e.name = d.name;
      if (d.namespace !== undefined) e.namespace = d.namespace;
      e.jqPathExpressions = [...d.jqPathExpressions];
      return e;
    });
  }
  const metadata: Record<string, unknown> = { name: props.name, namespace };
  if (props.labels && Object.keys(props.labels).length > 0) metadata.labels = { ...props.labels };
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata, spec };
}

/** jq path of the CA bundle of every webhook of a webhook configuration. */
export const WEBHOOK_CA_BUNDLE_PATH = '.webhooks[]?.clientConfig.caBundle';
/** jq path of the failure policy of every webhook of a webhook configuration. */
export const WEBHOOK_FAILURE_POLICY_PATH = '.webhooks[]?.failurePolicy';

/** Sidecar-injector webhook configurations istiod keeps patched (`caBundle`). */
function isInjectorWebhook(name: string): boolean {
  return name.startsWith('istio-sidecar-injector') || name.startsWith('istio-revision-tag-');
}

/** Validating webhook configurations istiod keeps patched (`caBundle`, `failurePolicy`). */
function isValidatorWebhook(name: string): boolean {
  return name.startsWith('istio-validator') || name === 'istiod-default-validator';
}

/**
 * The `ignoreDifferences` that keep an Application with Istio's webhooks from being OutOfSync forever.
 *
 * At runtime istiod patches the CA bundle into each webhook of its sidecar-injector
 * MutatingWebhookConfigurations (`istio-sidecar-injector*`, and revision tags `istio-revision-tag-*`)
 * and of its ValidatingWebhookConfigurations (`istio-validator*`, `istiod-default-validator`), and
 * switches the validating webhooks' `failurePolicy` from `Ignore` to `Fail` once it serves. Both
 * Istio lines (1.20 and 1.30) do this the same way; which configurations exist differs per version and
 * revision, so the entries are derived from the objects actually emitted: one entry per configuration,
 * by name, and only for those fields.
 */
export function istiodWebhookIgnoreDifferences(objects: readonly SynthesizedObject[]): ArgoCdIgnoreDifference[] {
  const out: ArgoCdIgnoreDifference[] = [];
  for (const o of objects) {
    if (apiGroupOf(o.apiVersion) !== 'admissionregistration.k8s.io') continue;
    const name = o.metadata?.name ?? '';
    if (o.kind === 'MutatingWebhookConfiguration' && isInjectorWebhook(name)) {
      out.push({ group: 'admissionregistration.k8s.io', kind: o.kind, name, jqPathExpressions: [WEBHOOK_CA_BUNDLE_PATH] });
    } else if (o.kind === 'ValidatingWebhookConfiguration' && isValidatorWebhook(name)) {
      out.push({ group: 'admissionregistration.k8s.io', kind: o.kind, name, jqPathExpressions: [WEBHOOK_CA_BUNDLE_PATH, WEBHOOK_FAILURE_POLICY_PATH] });
    }
  }
  return out.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0)));
}

function addSyncOptions(existing: string | undefined, add: readonly string[]): string {
  const opts = (existing ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const a of add) if (!opts.includes(a)) opts.push(a);
  return opts.join(',');
}

/**
 * Copies of the staged objects with the Argo CD annotations that make one Application apply them in
 * stage order:
 * - `argocd.argoproj.io/sync-wave`: the stage's wave (an object that already carries a wave keeps it);
 * - on CustomResourceDefinitions, sync options `ServerSideApply=true` (no client-side last-applied copy of
 *   schemas this large, and list merges by the schemas' keys) and `Prune=false` (deleting a CRD deletes every object of
 *   its kind);
 * - on Istio custom resources, and on custom resources whose CRD is in the same set, sync option
 *   `SkipDryRunOnMissingResource=true` (their CRD may not exist yet when Argo CD dry-runs the sync).
 */
export function withArgoCdAnnotations(staged: readonly StagedObjects[]): StagedObjects[] {
  const crdKinds = new Set<string>();
  for (const s of staged) {
    for (const o of s.objects) {
      if (o.kind !== 'CustomResourceDefinition') continue;
      const group = stringField(o, 'spec', 'group');
      const kind = stringField(o, 'spec', 'names', 'kind');
      if (group && kind) crdKinds.add(`${group}/${kind}`);
    }
  }
  return staged.map((s) => ({
    stage: s.stage,
    objects: s.objects.map((o) => {
      const annotations: Record<string, string> = { ...(o.metadata?.annotations ?? {}) };
      if (annotations[SYNC_WAVE_ANNOTATION] === undefined) annotations[SYNC_WAVE_ANNOTATION] = String(s.stage.syncWave);
      const options: string[] = [];
      if (o.kind === 'CustomResourceDefinition') options.push('ServerSideApply=true', 'Prune=false');
      if (isIstioResource(o) || crdKinds.has(`${apiGroupOf(o.apiVersion)}/${o.kind}`)) options.push('SkipDryRunOnMissingResource=true');
      if (options.length > 0) annotations[SYNC_OPTIONS_ANNOTATION] = addSyncOptions(annotations[SYNC_OPTIONS_ANNOTATION], options);
      return { ...o, metadata: { ...o.metadata, annotations } };
    }),
  }));
}
