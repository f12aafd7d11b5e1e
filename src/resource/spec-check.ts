/**
 * Checks the `spec` of an Istio object against the OpenAPI schema of the release's own CRD (the generated modules
 * of src/base/schemas): unknown keys (with the nearest valid one), types, enums, bounds, required fields and the
 * "only one of" groups Istio's schemas declare. A field the chosen release does not serve is refused with the
 * release that has it.
 *
 * What the schema cannot say (hosts, principals, weights summing to 100, ...) the L2 constructs check with the rules
 * of Istio's validating webhook; the API server's CEL rules are applied by the conformance suite.
 *
 * @internal
 */
import { IConstruct } from 'constructs';
import { generatedCrds, JsonObject, JsonValue, UpstreamCrd } from '../base/schemas';
import { fail } from '../validation';
import { IstioLine, IstioVersion } from '../version';
import { unknownKey } from './keys';

/** The newest release line: the one asked for a field an older release lacks. */
const NEWEST_LINE: IstioLine = '1.30';

interface Schema {
  readonly type?: string;
  readonly properties?: { readonly [key: string]: Schema };
  readonly additionalProperties?: Schema | boolean;
  readonly items?: Schema;
  readonly required?: readonly string[];
  readonly enum?: readonly JsonValue[];
  readonly oneOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly not?: Schema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly format?: string;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** Istio's CRDs of each line by kind, indexed once per line (every L2 object asks for its kind's CRD). */
const byKind = new Map<IstioLine, Map<string, UpstreamCrd>>();

/** The CRD of `kind` in `line`. */
function crdOf(line: IstioLine, kind: string): UpstreamCrd | undefined {
  let index = byKind.get(line);
  if (!index) {
    index = new Map();
    const crds = generatedCrds(line).crds;
    for (const name of Object.keys(crds)) {
      const names = crds[name].spec.names as JsonObject | undefined;
      if (typeof names?.kind === 'string' && String(crds[name].spec.group).endsWith('.istio.io')) index.set(names.kind, crds[name]);
    }
    byKind.set(line, index);
  }
  return index.get(kind);
}

/**
 * The apiVersion an object of `kind` is emitted with at `version`: the version the release uses for the kind's
 * API group when the kind's CRD serves it (v1 from 1.22; v1beta1 / v1alpha1 at 1.20), otherwise the CRD's storage
 * version (EnvoyFilter v1alpha3, ProxyConfig v1beta1, WasmPlugin v1alpha1).
 */
export function istioApiVersion(version: IstioVersion, kind: string): string {
  const crd = crdOf(version.line, kind);
  if (!crd) throw new Error(`cdk8s-istio: Istio ${version.line} has no CRD of kind ${kind}`);
  const group = String(crd.spec.group);
  const preferred = version.apiVersion(group.slice(0, group.indexOf('.')) as Parameters<IstioVersion['apiVersion']>[0]);
  const served = crd.versions.filter((v) => v.served);
  const pick = served.find((v) => `${group}/${v.name}` === preferred) ?? served.find((v) => v.storage) ?? served[0];
  return `${group}/${pick.name}`;
}

/** Whether Istio `version` has a CRD of `kind` at all. */
export function hasIstioKind(version: IstioVersion, kind: string): boolean {
  return crdOf(version.line, kind) !== undefined;
}

function specSchema(line: IstioLine, kind: string, apiVersion?: string): Schema | undefined {
  const crd = crdOf(line, kind);
  if (!crd) return undefined;
  const name = apiVersion?.slice(apiVersion.indexOf('/') + 1);
  const v = crd.versions.find((x) => x.name === name) ?? crd.versions.find((x) => x.storage) ?? crd.versions[0];
  const schema = (crd.bodies[v.body].schema as JsonObject).openAPIV3Schema as Schema;
  return schema.properties?.spec;
}

/**
 * Checks `spec` of an Istio `kind` against the schema of `version`'s CRD at `apiVersion`; `field` is the path shown
 * in errors (`spec`). Throws {@link IstioValidationError} at the first problem.
 */
export function checkIstioSpec(scope: IConstruct, version: IstioVersion, kind: string, apiVersion: string, field: string, spec: unknown): void {
  const schema = specSchema(version.line, kind, apiVersion);
  if (!schema) fail(scope, 'kind', kind, `Istio ${version.tag} has no ${kind}`);
  const newer = version.line === NEWEST_LINE ? undefined : specSchema(NEWEST_LINE, kind);
  new SpecWalker(scope, `${kind} ${apiVersion} of Istio ${version.tag}`).walk(field, spec, schema, newer);
}

class SpecWalker {
  constructor(private readonly scope: IConstruct, private readonly what: string) {}

  public walk(field: string, value: unknown, s: Schema, newer: Schema | undefined): void {
    if (value === undefined) return;
    if (value === null) fail(this.scope, field, value, 'must be left out rather than null');
    if (s['x-kubernetes-int-or-string']) {
      if (!(typeof value === 'string' || Number.isInteger(value))) fail(this.scope, field, value, 'must be an integer or a string');
      return;
    }
    if (s.enum && !s.enum.includes(value as JsonValue)) {
      fail(this.scope, field, value, `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`);
    }
    switch (s.type) {
      case 'string':
        if (typeof value !== 'string') fail(this.scope, field, value, 'must be a string');
        if (s.minLength !== undefined && value.length < s.minLength) fail(this.scope, field, value, `must have at least ${s.minLength} characters`);
        if (s.maxLength !== undefined && value.length > s.maxLength) fail(this.scope, field, value, `must have at most ${s.maxLength} characters`);
        return;
      case 'integer':
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value) || (s.type === 'integer' && !Number.isInteger(value))) {
          fail(this.scope, field, value, `must be ${s.type === 'integer' ? 'an integer' : 'a number'}`);
        }
        this.bounds(field, value, s);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') fail(this.scope, field, value, 'must be true or false');
        return;
      case 'array':
        if (!Array.isArray(value)) fail(this.scope, field, value, 'must be a list');
        if (s.minItems !== undefined && value.length < s.minItems) fail(this.scope, field, value, `must have at least ${s.minItems} entries`);
        if (s.maxItems !== undefined && value.length > s.maxItems) fail(this.scope, field, value, `must have at most ${s.maxItems} entries`);
        value.forEach((item, i) => this.walk(`${field}[${i}]`, item, s.items ?? {}, newer?.items));
        return;
      default:
        this.object(field, value, s, newer);
    }
  }

  private bounds(field: string, value: number, s: Schema): void {
    const range = s.format === 'uint32' ? [0, 4294967295] : s.format === 'int32' ? [-2147483648, 2147483647] : [-Infinity, Infinity];
    const min = Math.max(s.minimum ?? -Infinity, range[0]);
    const max = Math.min(s.maximum ?? Infinity, range[1]);
    if (value < min || value > max) {
      fail(this.scope, field, value, `must be ${Number.isFinite(min) ? `at least ${min}` : ''}${Number.isFinite(min) && Number.isFinite(max) ? ' and ' : ''}${Number.isFinite(max) ? `at most ${max}` : ''}`);
    }
  }

  private object(field: string, value: unknown, s: Schema, newer: Schema | undefined): void {
    if (typeof value !== 'object' || Array.isArray(value) || value === null) fail(this.scope, field, value, 'must be an object');
    const obj = value as Record<string, unknown>;
    if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties) {
      checkJson(this.scope, field, obj);
      return;
    }
    const props = s.properties ?? {};
    const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    for (const key of Object.keys(obj)) {
      const sub = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : extra;
      const newerSub = newer?.properties?.[key] ?? (typeof newer?.additionalProperties === 'object' ? newer.additionalProperties : undefined);
      if (!sub) {
        if (s['x-kubernetes-preserve-unknown-fields']) continue;
        const note = newer?.properties?.[key] ? `of ${this.what} (Istio ${NEWEST_LINE} has it: it needs a newer release)` : `of ${this.what}`;
        unknownKey(this.scope, field, key, Object.keys(props), note);
      }
      this.walk(`${field}.${key}`, obj[key], sub, newerSub);
    }
    for (const r of s.required ?? []) {
      if (obj[r] === undefined) fail(this.scope, `${field}.${r}`, undefined, `is required in ${this.what}`);
    }
    if (s.oneOf && s.oneOf.filter((alt) => matches(alt, obj)).length !== 1) {
      const names = [...new Set(s.oneOf.flatMap(requiredNames))].filter((n) => obj[n] !== undefined);
      fail(this.scope, field, names.join(', '), `at most one of ${[...new Set(s.oneOf.flatMap(requiredNames))].map((n) => `\`${n}\``).join(', ')} may be set in ${this.what}`);
    }
    for (const alt of s.allOf ?? []) {
      if (alt.oneOf && alt.oneOf.filter((x) => matches(x, obj)).length !== 1) {
        const group = [...new Set(alt.oneOf.flatMap(requiredNames))];
        fail(this.scope, field, group.filter((n) => obj[n] !== undefined).join(', '), `at most one of ${group.map((n) => `\`${n}\``).join(', ')} may be set in ${this.what}`);
      }
    }
  }
}

/** Whether `obj` meets a schema made only of `required`, `anyOf`, `oneOf`, `allOf` and `not` (Istio's one-of groups). */
function matches(s: Schema, obj: Record<string, unknown>): boolean {
  if (s.required && !s.required.every((r) => obj[r] !== undefined)) return false;
  if (s.anyOf && !s.anyOf.some((x) => matches(x, obj))) return false;
  if (s.allOf && !s.allOf.every((x) => matches(x, obj))) return false;
  if (s.oneOf && s.oneOf.filter((x) => matches(x, obj)).length !== 1) return false;
  if (s.not && matches(s.not, obj)) return false;
  return true;
}

function requiredNames(s: Schema): string[] {
  return [...(s.required ?? []), ...(s.anyOf ?? []).flatMap(requiredNames), ...(s.not ? requiredNames(s.not) : [])];
}

/** Free-form values (EnvoyFilter patches, WasmPlugin configuration) must still be JSON, without nulls. */
function checkJson(scope: IConstruct, field: string, value: unknown): void {
  // cdk8s leaves null values out of the YAML, so a null would vanish silently: refuse it
  if (value === null) fail(scope, field, value, 'must not be null: cdk8s drops null values from the output, so the key would vanish; leave the key out, or give a value');
  if (value === undefined || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(scope, field, value, 'must be a finite number');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(scope, `${field}[${i}]`, v));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) checkJson(scope, `${field}.${k}`, v);
    return;
  }
  fail(scope, field, String(value), 'must be JSON data (string, number, boolean, null, list or plain object)');
}
