import { ApiObject, Chart } from 'cdk8s';
import * as net from 'net';
import { IConstruct } from 'constructs';
import { CLUSTER_SCOPED_KINDS, apiGroupOf, objectIdentity } from './kinds';

/**
 * The error every construct in this library throws for bad input.
 *
 * It names the construct path, the field, the value given and what would be valid, so a
 * message read in a CI log points straight at the line to fix.
 */
export class IstioValidationError extends Error {
  /** Path of the construct that rejected the input (e.g. `mesh/istiod`). */
  public readonly constructPath: string;
  /** The property (dotted for nested props, e.g. `autoscaling.min`). */
  public readonly field: string;
  /** The value given, as text. */
  public readonly value: string;
  /** What would be valid. */
  public readonly expected: string;

  public constructor(constructPath: string, field: string, value: unknown, expected: string) {
    const shown = describeValue(value);
    super(`${constructPath}: invalid ${field} ${shown}: ${expected}`);
    this.name = 'IstioValidationError';
    this.constructPath = constructPath;
    this.field = field;
    this.value = shown;
    this.expected = expected;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return '(undefined)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // NaN, Infinity: JSON would say null
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The path used in error messages; the root of the tree has an empty path. */
export function pathOf(scope: IConstruct): string {
  return scope.node.path || '<root>';
}

/**
 * A stand-in scope for errors of a function or static method that has no construct (`CanaryRoute.atStep`,
 * `argoCdApplication`, the picture functions): its errors name `path` (e.g. `"gitops"`).
 * @internal
 */
export function callScope(path: string): IConstruct {
  return { node: { path } } as IConstruct;
}

/** Throws an {@link IstioValidationError} for `scope`. */
export function fail(scope: IConstruct, field: string, value: unknown, expected: string): never {
  throw new IstioValidationError(pathOf(scope), field, value, expected);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when `v` is an RFC 1123 DNS label (namespaces, revisions, Service names). */
export function isDnsLabel(v: string): boolean {
  return typeof v === 'string' && v.length <= 63 && DNS1123_LABEL.test(v);
}

/** True when `v` is an RFC 1123 DNS subdomain (most object names). */
export function isDnsSubdomain(v: string): boolean {
  return typeof v === 'string' && v.length <= 253 && DNS1123_SUBDOMAIN.test(v);
}

export function checkDnsLabel(scope: IConstruct, field: string, value: string): string {
  if (!isDnsLabel(value)) {
    fail(scope, field, value, 'must be a DNS-1123 label: at most 63 characters, lower-case letters, digits and "-", starting and ending with a letter or digit');
  }
  return value;
}

export function checkDnsSubdomain(scope: IConstruct, field: string, value: string): string {
  if (!isDnsSubdomain(value)) {
    fail(scope, field, value, 'must be a DNS-1123 subdomain: at most 253 characters, lower-case letters, digits, "-" and ".", each part starting and ending with a letter or digit');
  }
  return value;
}

/** Checks an integer within [min, max]. */
export function checkInt(scope: IConstruct, field: string, value: number, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    fail(scope, field, value, `must be ${range}`);
  }
  return value;
}

/** Checks a TCP/UDP port number (1-65535). */
export function checkPort(scope: IConstruct, field: string, value: number): number {
  return checkInt(scope, field, value, 1, 65535);
}

const CPU_QUANTITY = /^([0-9]+(\.[0-9]+)?|\.[0-9]+)(m)?$/;
const MEMORY_QUANTITY = /^([0-9]+(\.[0-9]+)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|e[0-9]+)?$/;

/** Parses a CPU quantity to millicores, or undefined if malformed. */
export function parseCpu(v: string): number | undefined {
  const m = CPU_QUANTITY.exec(String(v));
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[3] === 'm' ? n : n * 1000;
}

const MEMORY_FACTORS: Record<string, number> = {
  '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** Parses a memory quantity to bytes, or undefined if malformed. */
export function parseMemory(v: string): number | undefined {
  const m = MEMORY_QUANTITY.exec(String(v));
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[3] ?? '';
  if (suffix.startsWith('e')) return n * 10 ** Number(suffix.slice(1));
  return n * MEMORY_FACTORS[suffix];
}

export function checkCpu(scope: IConstruct, field: string, value: string): string {
  if (parseCpu(value) === undefined) {
    fail(scope, field, value, 'must be a CPU quantity such as "100m", "0.5" or "2"');
  }
  return value;
}

export function checkMemory(scope: IConstruct, field: string, value: string): string {
  if (parseMemory(value) === undefined) {
    fail(scope, field, value, 'must be a memory quantity such as "128Mi", "1Gi" or "512M"');
  }
  return value;
}

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

/** True for a dotted-quad IPv4 address. */
export function isIPv4(v: string): boolean {
  return typeof v === 'string' && IPV4.test(v);
}

/** True for an IPv6 address (Node's parser; zone suffixes such as `%eth0` are not accepted). */
export function isIPv6(v: string): boolean {
  return typeof v === 'string' && !v.includes('%') && net.isIPv6(v);
}

export function isIP(v: string): boolean {
  return isIPv4(v) || isIPv6(v);
}

/** True for a CIDR block such as `10.0.0.0/8` or `fd00::/8` (prefix length in decimal without leading zeros, as Go's parser wants). */
export function isCidr(v: string): boolean {
  if (typeof v !== 'string') return false;
  const [ip, bits, extra] = v.split('/');
  if (extra !== undefined || bits === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  const n = Number(bits);
  if (isIPv4(ip)) return n <= 32;
  if (isIPv6(ip)) return n <= 128;
  return false;
}

export function checkIP(scope: IConstruct, field: string, value: string): string {
  if (!isIP(value)) fail(scope, field, value, 'must be an IPv4 address such as "192.168.1.240" or an IPv6 address');
  return value;
}

export function checkCidr(scope: IConstruct, field: string, value: string): string {
  if (!isCidr(value)) fail(scope, field, value, 'must be a CIDR block such as "10.0.0.0/8" or "fd00::/8"');
  return value;
}

/**
 * True for a host as Istio accepts it in VirtualService/Gateway/ServiceEntry hosts:
 * a DNS name, optionally with one leading wildcard label (`*.example.com`), or `*` alone.
 * A short name (`reviews`) is allowed; Istio qualifies it with the namespace.
 */
export function isHost(v: string, opts: { allowWildcard?: boolean } = {}): boolean {
  if (typeof v !== 'string' || v.length === 0 || v.length > 253) return false;
  const allowWildcard = opts.allowWildcard ?? true;
  if (v === '*') return allowWildcard;
  let rest = v;
  if (rest.startsWith('*.')) {
    if (!allowWildcard) return false;
    rest = rest.slice(2);
  } else if (rest.startsWith('*')) {
    // "*foo.com" (partial wildcard label) is accepted by Istio as a suffix match
    if (!allowWildcard) return false;
    rest = rest.slice(1);
  }
  if (rest.endsWith('.')) rest = rest.slice(0, -1);
  return rest.split('.').every((l) => /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/.test(l));
}

export function checkHost(scope: IConstruct, field: string, value: string, opts: { allowWildcard?: boolean } = {}): string {
  if (!isHost(value, opts)) {
    const wild = (opts.allowWildcard ?? true) ? ', optionally starting with "*." (or "*" alone)' : ' (no wildcard here)';
    fail(scope, field, value, `must be a host name such as "reviews", "reviews.prod.svc.cluster.local" or "api.example.com"${wild}`);
  }
  return value;
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** True for a Kubernetes label key (`[prefix/]name`). */
export function isLabelKey(k: string): boolean {
  if (typeof k !== 'string') return false;
  const slash = k.indexOf('/');
  if (slash >= 0) {
    const prefix = k.slice(0, slash);
    const name = k.slice(slash + 1);
    return isDnsSubdomain(prefix) && LABEL_NAME.test(name);
  }
  return LABEL_NAME.test(k);
}

/** True for a Kubernetes label value (may be empty). */
export function isLabelValue(v: string): boolean {
  return typeof v === 'string' && (v === '' || LABEL_NAME.test(v));
}

export function checkLabels(scope: IConstruct, field: string, labels: Record<string, string> | undefined): Record<string, string> | undefined {
  if (labels === undefined) return labels;
  checkObject(scope, field, labels, 'must be a map of label keys to values');
  for (const [k, v] of Object.entries(labels)) {
    if (!isLabelKey(k)) fail(scope, `${field} key`, k, 'must be a label key: an optional DNS subdomain prefix and "/", then up to 63 letters, digits, "-", "_" or "."');
    if (!isLabelValue(v)) fail(scope, `${field}.${k}`, v, 'must be a label value: empty, or up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
  }
  return labels;
}

/** Checks annotation keys (like label keys) and that every value is a string. */
export function checkAnnotations(scope: IConstruct, field: string, annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  checkObject(scope, field, annotations, 'must be a map of annotation keys to values');
  for (const [k, v] of Object.entries(annotations ?? {})) {
    if (!isLabelKey(k)) fail(scope, `${field} key`, k, 'must be an annotation key: an optional DNS subdomain prefix and "/", then up to 63 letters, digits, "-", "_" or "."');
    if (typeof v !== 'string') fail(scope, `${field}.${k}`, v, 'must be a string');
  }
  return annotations;
}

/** Checks that a name is unique among `seen`, adding it. */
export function checkUnique(scope: IConstruct, field: string, value: string, seen: Set<string>, what: string): void {
  if (seen.has(value)) fail(scope, field, value, `${what} must be unique; "${value}" is given more than once`);
  seen.add(value);
}

/**
 * Checks that an optional prop, when given, is an object (not null, not a list, not a scalar), so that a value of the
 * wrong type from JavaScript or a parsed file is refused instead of crashing later. Returns the value.
 */
export function checkObject<T>(scope: IConstruct, field: string, value: T, expected = 'must be an object'): T {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) fail(scope, field, value, expected);
  return value;
}

/** Checks that an optional prop, when given, is a list (see {@link checkObject}). Returns the value. */
export function checkList<T>(scope: IConstruct, field: string, value: T[] | undefined, expected = 'must be a list'): T[] | undefined {
  if (value !== undefined && !Array.isArray(value)) fail(scope, field, value, expected);
  return value;
}

/** Namespace objects the constructs of this library emitted, per chart (see {@link findNamespaceObject}). */
const namespaceObjects = new WeakMap<Chart, Map<string, ApiObject>>();

/** Records a Namespace object emitted by a construct of this library (called by the Kubernetes emitter). */
export function registerNamespaceObject(obj: ApiObject): void {
  const chart = Chart.of(obj);
  let byName = namespaceObjects.get(chart);
  if (!byName) namespaceObjects.set(chart, (byName = new Map()));
  if (!byName.has(obj.metadata.name!)) byName.set(obj.metadata.name!, obj);
}

/**
 * The Namespace object named `name` that a construct of this library already emitted in the chart of `scope`,
 * if any, so that two constructs never emit the same Namespace. A constant-time look-up: a chart with thousands
 * of namespaces must not be scanned per construct. A Namespace a user adds as a raw ApiObject is not seen here;
 * the mesh analyzer reports it at synth if it duplicates one of ours (CIS0003).
 */
export function findNamespaceObject(scope: IConstruct, name: string): ApiObject | undefined {
  return namespaceObjects.get(Chart.of(scope))?.get(name);
}

/** Every object the library emitted, per chart, by identity (group, kind, namespace, name): see {@link claimObject}. */
const emittedObjects = new WeakMap<Chart, Map<string, IConstruct>>();

/**
 * Claims the identity of an object `scope` is about to emit in its chart, and throws an
 * {@link IstioValidationError} naming both constructs when another construct of this library already emitted
 * an object with the same API group, kind, namespace and name there (applied together, one would silently
 * replace the other). Called by the emitters before they create the object.
 * @internal
 */
export function claimObject(scope: IConstruct, apiVersion: string, kind: string, namespace: string | undefined, name: string): void {
  const chart = Chart.of(scope);
  let byId = emittedObjects.get(chart);
  if (!byId) emittedObjects.set(chart, (byId = new Map()));
  const ns = namespace ?? chart.namespace ?? '';
  const key = objectIdentity(apiGroupOf(apiVersion), kind, ns, name);
  const owner = byId.get(key);
  if (owner) {
    const what = `${kind} ${CLUSTER_SCOPED_KINDS.has(kind) || !ns ? '' : `${ns}/`}${name}`;
    fail(scope, `metadata.name of its ${kind}`, name, `must not repeat an object another construct emits: ${what} is already emitted by ${pathOf(owner)} in this chart (applied together, one would replace the other); give one of them another name or namespace`);
  }
  byId.set(key, scope);
}

const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;

/** Milliseconds of a Go-style duration (`30s`, `1m30s`, `250ms`), or undefined if malformed. */
export function durationMillis(v: string): number | undefined {
  if (typeof v !== 'string' || !DURATION.test(v)) return undefined;
  let total = 0;
  for (const m of v.matchAll(DURATION_PART)) total += Number(m[1]) * UNITS_MS[m[2]];
  return total;
}

/**
 * Checks a duration: digits with a unit (h, m, s, ms, us, ns), at least 1ms, as Istio's CRDs require.
 * @internal
 */
export function checkDuration(scope: IConstruct, field: string, v: string): string {
  const ms = durationMillis(v);
  if (ms === undefined || ms < 1) {
    fail(scope, field, v, 'must be a duration of at least 1ms with a unit, such as "30s", "1m30s" or "250ms"');
  }
  return v;
}

/** Smallest non-zero share Istio accepts in a `Percent` (fault injection, mirroring). */
const MIN_PERCENT = 0.0001;

/**
 * Checks an Istio `Percent` value: 0, or a share from 0.0001 to 100 (fractions allowed). Istio refuses a share
 * between 0 and 0.0001 ("percentage ... is neither 0.0, nor in range [0.0001, 100.0]").
 * @internal
 */
export function checkPercent(scope: IConstruct, field: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100 || (v > 0 && v < MIN_PERCENT)) {
    fail(scope, field, v, `must be a percentage from 0 to 100: 0, or a share from ${MIN_PERCENT} to 100 (fractions allowed; Istio refuses a share between 0 and ${MIN_PERCENT})`);
  }
  return v;
}

/**
 * Checks a regex compiles, and refuses constructs RE2 (Envoy's engine) does not support.
 * @internal
 */
export function checkRegex(scope: IConstruct, field: string, re: string): string {
  if (typeof re !== 'string' || re.length === 0) fail(scope, field, re, 'must be a non-empty RE2 regular expression');
  if (/\(\?(=|!|<=|<!)/.test(re) || /\\[1-9]/.test(re)) {
    fail(scope, field, re, 'must be an RE2 regular expression: Envoy has no lookahead, lookbehind or backreferences');
  }
  try {
    new RegExp(re);
  } catch (e) {
    fail(scope, field, re, `must be a valid RE2 regular expression (${(e as Error).message})`);
  }
  return re;
}
