/**
 * Helpers of the unknown-key property (unknown-keys.test.ts): where in a props value an extra key can go (every object
 * position the props' key shape describes: the top level, nested objects, items of lists of objects and values of maps
 * of objects), random extra keys (random names and near-miss typos of the keys valid there), inserting one without
 * touching the caller's objects, and the check that the construct refused it naming its path.
 */
import fc from 'fast-check';
import { IstioValidationError } from '../../src/validation';

/** A key shape as `checkKnownKeys` walks it (src/resource/keys.ts). */
export type AnyShape = true | 'ref' | readonly [AnyShape] | { readonly [key: string]: AnyShape };

/** One object of a props value that takes only the keys `keys`: its path from the props (keys and list indexes). */
export interface Spot {
  readonly path: ReadonlyArray<string | number>;
  readonly keys: readonly string[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

const isMapShape = (s: { readonly [key: string]: AnyShape }) => Object.keys(s).length === 1 && Object.prototype.hasOwnProperty.call(s, '*');

/** Every object position of `value` that `shape` gives a fixed key list (where an extra key must be refused). */
export function spots(value: unknown, shape: AnyShape, path: ReadonlyArray<string | number> = []): Spot[] {
  if (shape === true || shape === 'ref') return [];
  if (Array.isArray(shape)) {
    return Array.isArray(value) ? value.flatMap((item, i) => spots(item, (shape as readonly [AnyShape])[0], [...path, i])) : [];
  }
  if (!isPlainObject(value)) return [];
  const fields = shape as { readonly [key: string]: AnyShape };
  if (isMapShape(fields)) return Object.keys(value).flatMap((k) => spots(value[k], fields['*'], [...path, k]));
  return [
    { path, keys: Object.keys(fields) },
    ...Object.keys(value).filter((k) => value[k] !== undefined && k in fields).flatMap((k) => spots(value[k], fields[k], [...path, k])),
  ];
}

/**
 * Plain objects of `value` at positions the shape leaves unchecked (`'ref'`), as field paths: data there would not be
 * checked key by key, so each case lists the ones it expects (references given as plain objects, Kubernetes' own
 * forms emitted as given).
 */
export function uncheckedObjects(value: unknown, shape: AnyShape, field = ''): string[] {
  if (shape === true) return [];
  if (shape === 'ref') return isPlainObject(value) ? [field] : Array.isArray(value) && value.some(isPlainObject) ? [field] : [];
  if (Array.isArray(shape)) return Array.isArray(value) ? value.flatMap((item, i) => uncheckedObjects(item, (shape as readonly [AnyShape])[0], `${field}[${i}]`)) : [];
  if (!isPlainObject(value)) return [];
  const fields = shape as { readonly [key: string]: AnyShape };
  const join = (k: string) => (field ? `${field}.${k}` : k);
  if (isMapShape(fields)) return Object.keys(value).flatMap((k) => uncheckedObjects(value[k], fields['*'], `${field}.${k}`));
  return Object.keys(value).filter((k) => k in fields).flatMap((k) => uncheckedObjects(value[k], fields[k], join(k)));
}

/** The field an error names for key `key` inserted at `path` below `prefix` (the check's own joining rules). */
export function fieldOf(prefix: string, path: ReadonlyArray<string | number>, key: string): string {
  let f = prefix;
  for (const p of path) f = typeof p === 'number' ? `${f}[${p}]` : f ? `${f}.${p}` : p;
  return f ? `${f}.${key}` : key;
}

/** A copy of `value` with `key: extra` added to the object at `path`; only the objects on the path are copied. */
export function insert<T>(value: T, path: ReadonlyArray<string | number>, key: string, extra: unknown): T {
  if (path.length === 0) {
    const copy = { ...(value as object) } as Record<string, unknown>;
    Object.defineProperty(copy, key, { value: extra, enumerable: true, writable: true, configurable: true });
    return copy as T;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = insert(copy[head as number], rest, key, extra);
    return copy as unknown as T;
  }
  const copy = { ...(value as object) } as Record<string, unknown>;
  copy[head as string] = insert(copy[head as string], rest, key, extra);
  return copy as T;
}

/** An extra key: a random name, or a near-miss typo of one of the valid keys; never a valid key. */
export interface ExtraKey {
  readonly key: string;
  /** The valid key it is a typo of (the error must say "did you mean"). */
  readonly typoOf?: string;
}

const typo = (k: string, how: number, at: number, ch: string): string => {
  const i = at % Math.max(1, k.length);
  switch (how % 6) {
    case 0: return k.slice(0, i) + k.slice(i + 1); // a letter left out
    case 1: return k.length > 1 ? k.slice(0, Math.min(i, k.length - 2)) + k[Math.min(i, k.length - 2) + 1] + k[Math.min(i, k.length - 2)] + k.slice(Math.min(i, k.length - 2) + 2) : `${k}${ch}`; // two swapped
    case 2: return k.slice(0, i) + ch + k.slice(i); // a letter too many
    case 3: return k.endsWith('s') ? k.slice(0, -1) : `${k}s`; // singular/plural
    case 4: return k.slice(0, i) + (k[i] === k[i]?.toUpperCase() ? k[i]?.toLowerCase() ?? '' : k[i].toUpperCase()) + k.slice(i + 1); // case of one letter
    default: return k.slice(0, i) + ch + k.slice(i + 1); // one letter replaced
  }
};

/** Names no props interface of the library has, and that are not near any key of it. */
const RANDOM_NAME = fc.stringMatching(/^[a-zA-Z_$][a-zA-Z0-9_$-]{0,14}$/);

/** An arbitrary extra key for an object taking `keys`. */
export function extraKey(keys: readonly string[]): fc.Arbitrary<ExtraKey> {
  const random = RANDOM_NAME.map((key): ExtraKey => ({ key }));
  const typos = keys.length === 0 ? random : fc.tuple(fc.constantFrom(...keys), fc.nat(5), fc.nat(40), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'))
    .map(([k, how, at, ch]): ExtraKey => ({ key: typo(k, how, at, ch), typoOf: k }));
  return fc.oneof(random, typos).filter((e) => e.key.length > 0 && !keys.includes(e.key) && e.key !== '__proto__');
}

/** Values an extra key may carry (what a JavaScript caller or a parsed file could pass). */
export const extraValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant({ nested: 'x' }), fc.constant(['a']),
);

/** What an insertion expects: the error's field, and "did you mean" for a typo. */
export interface Expectation {
  readonly field: string;
  readonly typoOf?: string;
}

/** Checks that `run` threw the IstioValidationError `expect` describes (never another error, never no error). */
export function refusedWith(error: unknown, expectation: Expectation, what: string): void {
  if (error === undefined) throw new Error(`silent drop: ${what} accepted the unknown key ${expectation.field}`);
  if (!(error instanceof IstioValidationError)) throw new Error(`${what} crashed instead of refusing ${expectation.field}: ${(error as Error)?.stack ?? String(error)}`);
  if (error.field !== expectation.field || error.value !== '"(unknown key)"') {
    throw new Error(`${what}: expected the unknown key ${expectation.field} to be named, got: ${error.message}`);
  }
  if (expectation.typoOf !== undefined && !/did you mean `[^`]+`\?/.test(error.expected)) {
    throw new Error(`${what}: the typo ${expectation.field} of \`${expectation.typoOf}\` got no suggestion: ${error.message}`);
  }
}

/** Runs `f`; returns what it threw (undefined when it returned). */
export function thrown(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (e) {
    return e;
  }
}
