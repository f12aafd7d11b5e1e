import { arr, field, rec, str, textMap } from '../internal/json';
import { apiGroupOf } from '../kinds';

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

/** `Kind namespace/name` (or `Kind name` when cluster-scoped), for messages and lookups. */
export function objectId(obj: SynthesizedObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? ns + '/' : ''}${obj.metadata?.name ?? ''}`;
}

/** True for objects of an Istio API group (`*.istio.io`). */
export function isIstioResource(obj: SynthesizedObject): boolean {
  return apiGroupOf(obj.apiVersion).endsWith('.istio.io');
}

/** Reads a nested field without `any`: `field(obj, 'spec', 'template', 'metadata')`. */
export { field } from '../internal/json';

/** A nested field as a string map (labels, selectors), or undefined. */
export function stringMap(value: unknown, ...path: string[]): Record<string, string> | undefined {
  return textMap(field(value, ...path));
}

/** A nested field as an array of objects, or an empty array. */
export function objectArray(value: unknown, ...path: string[]): Array<Record<string, unknown>> {
  return arr(field(value, ...path)).filter((e): e is Record<string, unknown> => rec(e) !== undefined);
}

/** A nested field as a string, or undefined. */
export function stringField(value: unknown, ...path: string[]): string | undefined {
  return str(field(value, ...path));
}
