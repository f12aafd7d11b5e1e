import { IstioVersion } from '../version';
import { checkKnownKeys } from '../resource/keys';
import { callScope } from '../validation';
import { COMMON_LABEL_OPTIONS } from './shapes';

/** Inputs of {@link commonLabels} and {@link chartLabels}. */
export interface CommonLabelOptions {
  /**
   * Name of the Helm release the upstream chart is installed as (`istio-base`, `istiod`, `istio-ingressgateway`).
   * Gives the `release` label, and on 1.30 `app.kubernetes.io/instance`.
   */
  readonly release: string;

  /**
   * Name of the upstream chart (`base`, `istiod`, `gateway`). On 1.30 it gives `helm.sh/chart: <chart>-<tag>`.
   */
  readonly chart: string;

  /**
   * The `app` label (`istiod`, `istio-reader`, `sidecar-injector`).
   * @default - no `app` label
   */
  readonly app?: string;

  /**
   * `app.kubernetes.io/name` (1.30 only).
   * @default - the `app` value; none when `app` is unset too
   */
  readonly name?: string;

  /**
   * `operator.istio.io/component` (for example `Pilot`).
   * @default - no component label
   */
  readonly component?: string;

  /**
   * Further labels every version carries (for example `istio: pilot`, `istio.io/rev: default`). They win over the
   * computed ones on a clash.
   * @default {}
   */
  readonly extra?: Record<string, string>;

  /**
   * Value of `app.kubernetes.io/managed-by` (1.30).
   * @default 'Helm' (what an upstream render carries, so our objects compare equal to it)
   */
  readonly managedBy?: string;
}

/** Returns `labels` with its keys in sorted order (stable output). */
export function sortLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k];
  return out;
}

/**
 * The Helm bookkeeping labels of a chart's objects: `app.kubernetes.io/managed-by`, `app.kubernetes.io/version` and
 * `helm.sh/chart: <chart>-<tag>`. The gateway chart carries them on every release; the others on 1.30 only (in {@link chartLabels}).
 * @internal
 */
export function helmLabels(version: IstioVersion, chart: string, managedBy = 'Helm'): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': managedBy,
    'app.kubernetes.io/version': version.tag,
    'helm.sh/chart': `${chart}-${version.tag}`,
  };
}

/**
 * The label set an upstream Helm chart adds to every object it renders: on 1.30
 * `app.kubernetes.io/{managed-by,instance,part-of,version}` and `helm.sh/chart`; nothing on 1.20.
 * (This is also the whole label set of the 1.30 CRDs.)
 */
export function chartLabels(version: IstioVersion, opts: Pick<CommonLabelOptions, 'release' | 'chart' | 'managedBy'>): Record<string, string> {
  checkKnownKeys(callScope('chartLabels'), 'opts', opts as CommonLabelOptions, COMMON_LABEL_OPTIONS);
  if (!version.appKubernetesIoLabels) return {};
  return sortLabels({
    'app.kubernetes.io/instance': opts.release,
    'app.kubernetes.io/part-of': 'istio',
    ...helmLabels(version, opts.chart, opts.managedBy),
  });
}

/**
 * The labels an upstream chart of `version` puts on an object: the static ones every version carries
 * (`app`, `release`, `operator.istio.io/component`, `extra`) plus, on 1.30, `app.kubernetes.io/name` and
 * the {@link chartLabels}. Keys are sorted.
 *
 * @example commonLabels(version, { app: 'istio-reader', release: 'istio-base', chart: 'base' })
 */
export function commonLabels(version: IstioVersion, opts: CommonLabelOptions): Record<string, string> {
  checkKnownKeys(callScope('commonLabels'), 'opts', opts, COMMON_LABEL_OPTIONS);
  const labels: Record<string, string> = {};
  if (opts.app !== undefined) labels.app = opts.app;
  labels.release = opts.release;
  if (opts.component !== undefined) labels['operator.istio.io/component'] = opts.component;
  if (version.appKubernetesIoLabels) {
    const name = opts.name ?? opts.app;
    if (name !== undefined) labels['app.kubernetes.io/name'] = name;
    Object.assign(labels, chartLabels(version, opts));
  }
  Object.assign(labels, opts.extra ?? {});
  return sortLabels(labels);
}

/**
 * The label facts of ambient mode: the key that chooses a namespace's (or a pod's) data plane and its values
 * (`ambient`; `none` keeps a pod out of ambient), and the key that names the waypoint a namespace's, Service's or
 * pod's traffic goes through.
 */
export const AMBIENT_LABELS = {
  dataplaneMode: 'istio.io/dataplane-mode',
  ambient: 'ambient',
  none: 'none',
  useWaypoint: 'istio.io/use-waypoint',
} as const;

/** Labels that put a namespace's pods into ambient mode (ztunnel captures their traffic; no sidecars). */
export function ambientNamespaceLabels(): Record<string, string> {
  return { [AMBIENT_LABELS.dataplaneMode]: AMBIENT_LABELS.ambient };
}
