/**
 * Checks shared by the platform charts. Every one throws {@link IstioValidationError} naming the chart's
 * path, the prop, the value and what is valid, before any object is created.
 */
import { IConstruct } from 'constructs';
import { NODE_PORT_MAX, NODE_PORT_MIN } from '../gateway/ports';
import { checkDnsLabel, checkInt, checkUnique, fail } from '../validation';

/**
 * Checks a list of namespace names: each a DNS-1123 label, no duplicates, none of `reserved`
 * (namespaces the chart creates itself).
 */
export function checkNamespaceList(scope: IConstruct, field: string, list: readonly string[] | undefined, reserved: Record<string, string>): string[] {
  if (!Array.isArray(list)) fail(scope, field, list, 'must be a list of namespace names (DNS-1123 labels)');
  const seen = new Set<string>();
  return list.map((ns, i) => {
    checkDnsLabel(scope, `${field}[${i}]`, ns);
    if (reserved[ns] !== undefined) fail(scope, `${field}[${i}]`, ns, `must not be ${reserved[ns]}`);
    checkUnique(scope, `${field}[${i}]`, ns, seen, 'namespaces');
    return ns;
  });
}

/** Checks a node port against Kubernetes' default range. */
export function checkChartNodePort(scope: IConstruct, field: string, value: number): number {
  return checkInt(scope, field, value, NODE_PORT_MIN, NODE_PORT_MAX);
}

/** Checks a boolean prop. */
export function checkBoolean(scope: IConstruct, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(scope, field, value, 'must be true or false');
  return value;
}

/** Checks a non-empty string without whitespace at either end. */
export function checkText(scope: IConstruct, field: string, value: unknown, example: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.trim() !== value) {
    fail(scope, field, value, `must be a non-empty string without leading or trailing spaces, e.g. ${JSON.stringify(example)}`);
  }
  return value;
}

/** Mesh-wide mTLS mode of the platform charts. */
export type MeshMtlsMode = 'STRICT' | 'PERMISSIVE';

/** Checks an mTLS mode. */
export function checkMtlsMode(scope: IConstruct, field: string, value: unknown): MeshMtlsMode {
  if (value !== 'STRICT' && value !== 'PERMISSIVE') fail(scope, field, value, 'must be "STRICT" or "PERMISSIVE"');
  return value;
}
