/**
 * A shorter road from an object's props to its manifest JSON, for the objects this library emits.
 *
 * `ApiObject.toJson()` walks every value through the app's resolvers (one context object and one key
 * path array per value, and a construct-tree walk to find the app), then walks the result again to drop
 * empty values and sort keys. Our props are plain JSON data built by the constructs, so when the app
 * uses cdk8s's built-in resolvers only and no JSON patch was added, one walk that drops empty values and
 * sorts keys gives the same manifest. Anything that is not plain data (a `Lazy`, an object or array with
 * a `resolve()` method or a number/string `value` that cdk8s's built-in resolvers act on, a class
 * instance, an array subclass, ...) sends the object back to cdk8s's own `toJson()`, as do custom
 * resolvers, JSON patches, `CDK8S_DISABLE_SORT` and any error (so errors carry cdk8s's own message).
 *
 * Tests compare both roads on every object the library emits.
 *
 * @internal
 */
import { ApiObject, ApiObjectProps, App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import type { JsonPatch } from 'cdk8s';
import type { Construct } from 'constructs';

/** Thrown by {@link plainJson} on a value only cdk8s's resolvers can render. */
const NOT_PLAIN = new Error('not plain data');

/**
 * `value` with null/undefined map entries dropped and map keys sorted, as cdk8s's resolve + sanitize
 * render plain data; throws {@link NOT_PLAIN} on anything else.
 */
function plainJson(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      throw NOT_PLAIN; // bigint, symbol, function
  }
  if (Array.isArray(value)) {
    // the built-in resolvers look at every value, arrays included: `resolve()` (implicit tokens) and a
    // number or string `value` (number/string unions)
    const extra = value as unknown as { resolve?: unknown; value?: unknown };
    if (Object.getPrototypeOf(value) !== Array.prototype || typeof extra.resolve === 'function'
      || typeof extra.value === 'number' || typeof extra.value === 'string') throw NOT_PLAIN;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw NOT_PLAIN; // a hole
      out[i] = plainJson(value[i]);
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) throw NOT_PLAIN;
  const map = value as Record<string, unknown>;
  // the resolvers call `resolve()`, and tell maps from wrappers by `constructor`: such maps go the long way
  if (Object.prototype.hasOwnProperty.call(map, 'constructor') || typeof map.resolve === 'function') throw NOT_PLAIN;
  const keys = Object.keys(map).sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k === '__proto__') throw NOT_PLAIN;
    const v = plainJson(map[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Whether `obj`'s app resolves with cdk8s's built-in resolvers only (no custom ones). */
function builtInResolversOnly(obj: Construct): boolean {
  const resolvers = (App.of(obj) as Partial<App>).resolvers;
  return Array.isArray(resolvers) && resolvers.length === 3 && resolvers[0] instanceof LazyResolver
    && resolvers[1] instanceof ImplicitTokenResolver && resolvers[2] instanceof NumberStringUnionResolver;
}

/**
 * The manifest cdk8s's `ApiObject.toJson()` would give for an object created with `props`, or
 * `undefined` when only that method can tell (see the top of this file).
 */
export function plainManifest(obj: ApiObject, props: ApiObjectProps): Record<string, unknown> | undefined {
  if (patched.has(obj) || process.env.CDK8S_DISABLE_SORT || !builtInResolversOnly(obj)) return undefined;
  let json: Record<string, unknown>;
  try {
    json = plainJson({ ...props, metadata: obj.metadata.toJson() }) as Record<string, unknown>;
  } catch {
    // not plain data, or an error: cdk8s's toJson() renders it, or throws with its own message
    return undefined;
  }
  const result: Record<string, unknown> = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(json)]) {
    if (k in json) result[k] = json[k];
  }
  return result;
}

/** Objects that were given a JSON patch: cdk8s's toJson() applies it. */
const patched = new WeakSet<ApiObject>();

/** Records that `obj` has a JSON patch (call from an `addJsonPatch` override). */
export function markPatched(obj: ApiObject): void {
  patched.add(obj);
}

/** An `ApiObject` of plain props that renders through {@link plainManifest} when it can. */
export class PlainApiObject extends ApiObject {
  private readonly plainProps: ApiObjectProps;

  constructor(scope: Construct, id: string, props: ApiObjectProps) {
    super(scope, id, props);
    this.plainProps = props;
  }

  public override addJsonPatch(...ops: JsonPatch[]): void {
    markPatched(this);
    super.addJsonPatch(...ops);
  }

  public override toJson(): any {
    return plainManifest(this, this.plainProps) ?? super.toJson();
  }
}
