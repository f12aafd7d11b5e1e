/**
 * istiod's ConfigMaps: the mesh config `istio[-rev]`, the injector config `istio-sidecar-injector[-rev]` and,
 * on 1.30, the informational `values[-rev]`.
 *
 * @internal
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { kubeObject } from '../kube';
import { IstiodContext } from './context';
import { ResolvedMeshConfig } from './mesh-config';

/** Adds `istio[-rev]` with the keys `mesh` and `meshNetworks`. */
export function addMeshConfigMap(scope: Construct, ctx: IstiodContext, name: string, mesh: ResolvedMeshConfig): ApiObject {
  return kubeObject(scope, 'mesh-config', 'ConfigMap', {
    metadata: ctx.meta(name, 'config'),
    data: { mesh: mesh.meshText, meshNetworks: mesh.meshNetworksText },
  });
}

/** Adds `istio-sidecar-injector[-rev]` with the keys `config` (YAML) and `values` (JSON) of the injector. */
export function addInjectorConfigMap(scope: Construct, ctx: IstiodContext, name: string, data: { config: string; values: string }): ApiObject {
  return kubeObject(scope, 'injector-config', 'ConfigMap', {
    metadata: ctx.meta(name, 'config'),
    data: { config: data.config, values: data.values },
  });
}

/** The Helm-values view of an install: what the user set, and that merged over the chart defaults. */
export interface HelmValues {
  readonly original: Record<string, unknown>;
  readonly merged: Record<string, unknown>;
}

/**
 * Adds `values[-rev]` (1.30): the Helm values an equivalent `helm install` would have used, as JSON under
 * `original-values` and `merged-values`. Informational only; istiod does not read it.
 */
export function addValuesConfigMap(scope: Construct, ctx: IstiodContext, values: HelmValues): ApiObject {
  return kubeObject(scope, 'values', 'ConfigMap', {
    metadata: {
      ...ctx.meta(ctx.revisionedName('values'), 'config'),
      annotations: {
        'kubernetes.io/description': 'Helm values equivalent to this istiod install, kept for debugging and tools. Changing them has no effect.',
      },
    },
    data: { 'merged-values': toSortedJson(values.merged), 'original-values': toSortedJson(values.original) },
  });
}

/** Deep-merges `over` onto `base` (objects merge, everything else replaces), returning a new object. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Pretty JSON with object keys sorted at every level (stable output). */
export function toSortedJson(v: unknown): string {
  return JSON.stringify(sortDeep(v), null, 2);
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortDeep(v[k]);
    return out;
  }
  return v;
}
