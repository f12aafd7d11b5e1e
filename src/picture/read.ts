/**
 * Tolerant readers for plain objects (synthesized charts or any parsed YAML): a field of the wrong
 * type is treated as absent, never as an error, so the picture can be drawn from any manifest set.
 */

import { Json, arr, rec, text, textMap } from '../internal/json';
import { apiGroupOf } from '../kinds';

export type { Json } from '../internal/json';
export { text, texts } from '../internal/json';

/** The value as an object, or undefined. */
export const obj = rec;

/** The value as an array (empty when it is not one). */
export const list = arr;

/** The value as a string map (labels), entries sorted by key; undefined when it is not an object. */
export function labelMap(v: unknown): Record<string, string> | undefined {
  const m = textMap(v);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}

/** `k=v, k2=v2` for a label map (keys sorted). */
export function labelText(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(', ');
}

/** True when every label of `part` is in `whole` with the same value. */
export function labelsWithin(part: Record<string, string>, whole: Record<string, string>): boolean {
  return Object.keys(part).every((k) => whole[k] === part[k]);
}

/** A Kubernetes object reduced to what the picture reads. */
export interface ReadObject {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly spec: Json;
  readonly raw: Json;
}

/**
 * Reads objects: skips anything without apiVersion, kind and metadata.name, defaults the namespace
 * to `default` (where `kubectl apply` would put it), and sorts by kind, namespace and name so the
 * input order never changes the picture.
 */
export function readObjects(objects: ReadonlyArray<unknown>): ReadObject[] {
  const out: ReadObject[] = [];
  for (const o of objects) {
    const raw = obj(o);
    if (!raw) continue;
    const apiVersion = text(raw.apiVersion);
    const kind = text(raw.kind);
    const meta = obj(raw.metadata);
    const name = meta ? text(meta.name) : undefined;
    if (!apiVersion || !kind || !name) continue;
    const slash = apiVersion.indexOf('/');
    out.push({
      group: apiGroupOf(apiVersion),
      version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
      kind,
      name,
      namespace: (meta && text(meta.namespace)) || 'default',
      spec: obj(raw.spec) ?? {},
      raw,
    });
  }
  return out.sort((a, b) => cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.version, b.version));
}

/** Plain code-unit comparison (locale independent, so ordering is the same everywhere). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
