/**
 * No silent drops: every props object a construct takes, nested objects included, is checked for keys its
 * interface does not have. TypeScript catches them in object literals, but not in JavaScript, not in objects
 * spread from elsewhere and not in values typed `any`; without this check such a key would vanish from the
 * output (`allow({ action: 'DENY' })` rendering an ALLOW policy is the case that made the rule).
 *
 * A {@link Shape} lists the keys of a props interface. The compiler holds the two together: a key missing from the
 * shape, or one the interface does not have, fails to compile, so the run-time list cannot drift from the type.
 *
 * @internal
 */
import { IConstruct } from 'constructs';
import { fail } from '../validation';

/**
 * What the check does with one field: `true` for a scalar (or a list or map of scalars), `'ref'` for a reference to
 * something that is not plain data (a construct, an object implementing an interface such as `IIstiod`), whose keys
 * are not ours to check; a nested {@link Shape} for an object; `[shape]` for a list of objects; `{ '*': shape }`
 * for a map whose values are objects.
 */
export type FieldShape<V> =
  [Exclude<V, string | number | boolean | null | undefined>] extends [never] ? true
    : 'ref' | ObjectShape<Exclude<V, string | number | boolean | null | undefined>>;

type ObjectShape<O> =
  [O] extends [ReadonlyArray<infer I>] ? ([Exclude<I, string | number | boolean>] extends [never] ? true : readonly [FieldShape<I>])
    : string extends keyof O ? ([Exclude<O[keyof O], string | number | boolean>] extends [never] ? true : { readonly '*': FieldShape<O[keyof O]> })
      : Shape<O>;

/** The keys of a props interface `T`, each with what to check inside it. */
export type Shape<T> = { readonly [K in keyof T]-?: FieldShape<NonNullable<T[K]>> };

/** A shape as the run-time check sees it. */
type AnyShape = true | 'ref' | readonly [AnyShape] | { readonly [key: string]: AnyShape };

/**
 * Throws an {@link IstioValidationError} for the first key of `value` (at any depth) that `shape` does not have,
 * naming its path (`field.key`) and the closest valid key. Values that are not objects are left to the type checks of
 * the construct.
 */
export function checkKnownKeys<T>(scope: IConstruct, field: string, value: T | undefined, shape: Shape<T>): void {
  walk(scope, field, value, shape as unknown as AnyShape);
}

function walk(scope: IConstruct, field: string, value: unknown, shape: AnyShape): void {
  if (shape === true || shape === 'ref' || value === null || typeof value !== 'object') return;
  if (Array.isArray(shape)) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(scope, `${field}[${i}]`, item, shape[0]));
    return;
  }
  if (Array.isArray(value)) return;
  const fields = shape as { readonly [key: string]: AnyShape };
  const values = value as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(fields, '*') && Object.keys(fields).length === 1) {
    for (const k of Object.keys(values)) walk(scope, `${field}.${k}`, values[k], fields['*']);
    return;
  }
  for (const k of Object.keys(values)) {
    if (!Object.prototype.hasOwnProperty.call(fields, k)) unknownKey(scope, field, k, Object.keys(fields));
    if (values[k] !== undefined) walk(scope, join(field, k), values[k], fields[k]);
  }
}

function join(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

/** Fails for key `key` of `field`, which is none of `valid`; `where` says of what (`here` when left out). */
export function unknownKey(scope: IConstruct, field: string, key: string, valid: readonly string[], where = ''): never {
  const near = closest(key, valid);
  const hint = near ? `did you mean \`${near}\`? ` : '';
  const list = valid.length === 0 ? 'it takes no keys' : `valid keys: ${[...valid].sort().join(', ')}`;
  return fail(scope, join(field, key), '(unknown key)', `${hint}\`${key}\` is not a key ${where || 'here'}; ${list}`);
}

/** The entry of `candidates` nearest to `word` (edit distance, case-insensitive), when near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
