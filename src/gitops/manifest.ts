/**
 * The plain, synthesized form of a Kubernetes object, as `chart.toJson()` returns it.
 */

/** `metadata` of a synthesized object (only the fields the GitOps output reads are typed). */
export interface SynthesizedMetadata {
  /** Object name. */
  readonly name?: string;
  /** Namespace; absent for cluster-scoped objects. */
  readonly namespace?: string;
  /** Labels. */
  readonly labels?: Record<string, string>;
  /** Annotations. */
  readonly annotations?: Record<string, string>;
  /** Any other metadata field. */
  readonly [key: string]: unknown;
}

/** A synthesized Kubernetes object: JSON with `apiVersion`, `kind` and `metadata`. */
export interface SynthesizedObject {
  /** e.g. `apps/v1` or `networking.istio.io/v1`. */
  readonly apiVersion: string;
  /** e.g. `Deployment`. */
  readonly kind: string;
  /** Object metadata. */
  readonly metadata: SynthesizedMetadata;
  /** `spec`, `data`, `webhooks`, ... */
  readonly [key: string]: unknown;
}

/** The API group of an apiVersion (`''` for the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `Kind namespace/name` (or `Kind name` when cluster-scoped), for messages and lookups. */
export function objectId(obj: SynthesizedObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? ns + '/' : ''}${obj.metadata?.name ?? ''}`;
}

/** True for objects of an Istio API group (`*.istio.io`). */
export function isIstioResource(obj: SynthesizedObject): boolean {
  return apiGroup(obj.apiVersion).endsWith('.istio.io');
}

/** Reads a nested field without `any`: `field(obj, 'spec', 'template', 'metadata')`. */
export function field(value: unknown, ...path: string[]): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A nested field as a string map (labels, selectors), or undefined. */
export function stringMap(value: unknown, ...path: string[]): Record<string, string> | undefined {
  const v = field(value, ...path);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
    if (typeof s === 'string') out[k] = s;
  }
  return out;
}

/** A nested field as an array of objects, or an empty array. */
export function objectArray(value: unknown, ...path: string[]): Array<Record<string, unknown>> {
  const v = field(value, ...path);
  if (!Array.isArray(v)) return [];
  return v.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object' && !Array.isArray(e));
}

/** A nested field as a string, or undefined. */
export function stringField(value: unknown, ...path: string[]): string | undefined {
  const v = field(value, ...path);
  return typeof v === 'string' ? v : undefined;
}
