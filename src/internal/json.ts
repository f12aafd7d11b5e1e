/**
 * Reading plain JSON (synthesized charts, parsed YAML) without `any`: the one set of readers the analyzer
 * (src/analyzer/model.ts), the mesh picture (src/picture/read.ts) and the GitOps output (src/gitops/manifest.ts)
 * use. A value of the wrong type reads as absent, never as an error. test/properties/json-read.test.ts checks
 * that every caller reads the same.
 * @internal
 */

/** A plain JSON record (what objects and their parts are read as). */
export type Json = { readonly [key: string]: unknown };

/** `v` as a record (a non-null, non-array object), or undefined. */
export function rec(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** `v` as an array (empty when it is not one). */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `v` as a string, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `v` as text: strings as they are, numbers and booleans as their text (YAML's `version: 1`), else undefined. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** `v` as a list of texts (entries that are not text are dropped). */
export function texts(v: unknown): string[] {
  return arr(v).map(text).filter((s): s is string => s !== undefined);
}

/**
 * `v` as a string map (labels, selectors, annotations), in the record's key order: values read with `text`,
 * others dropped; undefined when `v` is not a record.
 */
export function textMap(v: unknown): Record<string, string> | undefined {
  const r = rec(v);
  if (!r) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(r)) {
    const s = text(r[k]);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** A nested field: `field(obj, 'spec', 'template', 'metadata')`; undefined when a step is not a record. */
export function field(value: unknown, ...path: string[]): unknown {
  let cur: unknown = value;
  for (const key of path) {
    const r = rec(cur);
    if (!r) return undefined;
    cur = r[key];
  }
  return cur;
}
