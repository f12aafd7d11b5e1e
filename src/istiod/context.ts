/**
 * What every istiod object builder needs to know: version, namespace, revision, names and labels.
 * Built once by `Istiod`; the builders in this folder only read it.
 *
 * @internal
 */
import { commonLabels, sortLabels } from '../base/labels';
import { IstioVersion } from '../version';

/** Name of the Helm release and chart an upstream istiod install uses; gives `release` and `helm.sh/chart`. */
const RELEASE = 'istiod';
const CHART = 'istiod';

/**
 * Which label set an object of the istiod chart carries. Upstream's chart gives each kind of object its own set;
 * the conformance suite compares ours with its render object by object.
 */
export type IstiodLabelKind =
  /** Deployment, Service and PDB: `app: istiod`, `istio: pilot`, rev, component, owner, release. */
  | 'istiod'
  /** The HorizontalPodAutoscaler: as `istiod` without the `istio` label. */
  | 'autoscaler'
  /** The ConfigMaps (mesh config, injector, values): rev, component, owner and release; no `app` or `istio`. */
  | 'config'
  /** istiod's ServiceAccount, ClusterRoles, Role and their bindings: `app: istiod` and release only. */
  | 'rbac'
  /** The reader ClusterRole and its binding: `app: istio-reader` and release only. */
  | 'reader'
  /** The sidecar-injector MutatingWebhookConfiguration: `app: sidecar-injector`, no `istio` label. */
  | 'injector'
  /** The revision validator: `app: istiod`, `istio: istiod`, rev and release only. */
  | 'validator';

/** Resolved identity of one istiod install. */
export class IstiodContext {
  /** `istio.io/rev` value: the revision or `default`. */
  public readonly revisionLabel: string;
  /** `-<revision>` or empty. */
  public readonly suffix: string;
  /** `istiod[-rev]`: ServiceAccount, Deployment, Service, HPA, PDB, Role and RoleBinding. */
  public readonly name: string;

  public constructor(
    public readonly version: IstioVersion,
    public readonly namespace: string,
    public readonly revision: string | undefined,
  ) {
    this.revisionLabel = revision ?? 'default';
    this.suffix = revision ? `-${revision}` : '';
    this.name = `istiod${this.suffix}`;
  }

  /** A cluster-scoped name `<prefix>[-rev]-<ns>`, e.g. `istiod-clusterrole-canary-istio-system`. */
  public clusterScopedName(prefix: string): string {
    return `${prefix}${this.suffix}-${this.namespace}`;
  }

  /** A namespaced name `<prefix>[-rev]`, e.g. `istio-sidecar-injector-canary`. */
  public revisionedName(prefix: string): string {
    return `${prefix}${this.suffix}`;
  }

  /**
   * Labels selecting istiod's pods from the Service and PDB: `{app: istiod, istio: pilot}` for the default
   * revision, `{app: istiod, istio.io/rev: <rev>}` otherwise.
   */
  public get selectorLabels(): Record<string, string> {
    return this.revision ? { 'app': 'istiod', 'istio.io/rev': this.revision } : { app: 'istiod', istio: 'pilot' };
  }

  /** The Deployment's `matchLabels`: `{istio: pilot}` for the default revision, the Service selector otherwise. */
  public get deploymentSelector(): Record<string, string> {
    return this.revision ? this.selectorLabels : { istio: 'pilot' };
  }

  /** Object labels of the given kind, for this version (1.30 adds `app.kubernetes.io/*` and `helm.sh/chart`). */
  public labels(kind: IstiodLabelKind = 'istiod'): Record<string, string> {
    const rev = { 'istio.io/rev': this.revisionLabel };
    switch (kind) {
      case 'validator':
        return commonLabels(this.version, { release: RELEASE, chart: CHART, app: 'istiod', name: 'istiod', extra: { ...rev, istio: 'istiod' } });
      case 'injector':
        return commonLabels(this.version, {
          release: RELEASE, chart: CHART, app: 'sidecar-injector', name: 'istiod', component: 'Pilot',
          extra: { ...rev, 'install.operator.istio.io/owning-resource': 'unknown' },
        });
      case 'rbac':
        return commonLabels(this.version, { release: RELEASE, chart: CHART, app: 'istiod', name: 'istiod' });
      case 'reader':
        return commonLabels(this.version, { release: RELEASE, chart: CHART, app: 'istio-reader', name: 'istio-reader' });
      case 'config':
        return commonLabels(this.version, {
          release: RELEASE, chart: CHART, name: 'istiod', component: 'Pilot',
          extra: { ...rev, 'install.operator.istio.io/owning-resource': 'unknown' },
        });
      case 'autoscaler':
        return commonLabels(this.version, {
          release: RELEASE, chart: CHART, app: 'istiod', name: 'istiod', component: 'Pilot',
          extra: { ...rev, 'install.operator.istio.io/owning-resource': 'unknown' },
        });
      default:
        return commonLabels(this.version, {
          release: RELEASE, chart: CHART, app: 'istiod', name: 'istiod', component: 'Pilot',
          extra: { ...rev, 'istio': 'pilot', 'install.operator.istio.io/owning-resource': 'unknown' },
        });
    }
  }

  /**
   * Pod labels: the object labels, `sidecar.istio.io/inject: "false"`, and on 1.30 `istio.io/dataplane-mode: none`.
   * A revision's pods carry `istio: istiod` instead of `istio: pilot`, so the default revision's selectors
   * (`istio: pilot` on its Deployment, Service and PDB) never pick up a canary's pods.
   */
  public podLabels(): Record<string, string> {
    const extra: Record<string, string> = { 'sidecar.istio.io/inject': 'false' };
    if (this.revision) extra.istio = 'istiod';
    if (this.version.dataplaneModeNoneLabel) extra['istio.io/dataplane-mode'] = 'none';
    // The chart's pod template carries the object labels but `release`.
    const { release: _release, ...labels } = this.labels('istiod');
    return sortLabels({ ...labels, ...extra });
  }

  /** `metadata` of a namespaced object. */
  public meta(name: string, kind: IstiodLabelKind = 'istiod'): { name: string; namespace: string; labels: Record<string, string> } {
    return { name, namespace: this.namespace, labels: this.labels(kind) };
  }

  /** `metadata` of a cluster-scoped object. */
  public clusterMeta(name: string, kind: IstiodLabelKind = 'istiod'): { name: string; labels: Record<string, string> } {
    return { name, labels: this.labels(kind) };
  }
}
