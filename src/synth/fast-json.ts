/**
 * A shorter road from an object's props to its manifest JSON, for the objects this library emits.
 *
 * `ApiObject.toJson()` walks every value through the app's resolvers (one context object and one key
 * path array per value, and a construct-tree walk to find the app), then walks the result again to drop
 * empty values and sort keys. Our props are plain JSON data built by the constructs, so when the app
 * uses cdk8s's built-in resolvers only and no JSON patch was added, one walk that drops empty values and
 * sorts keys gives the same manifest. Anything that is not plain data (a `Lazy`, an object with a
 * `resolve()` method, a class instance, an `IntOrString`-like wrapper, ...) sends the object back to
 * cdk8s's own `toJson()`, as do custom resolvers, JSON patches and `CDK8S_DISABLE_SORT`.
 *
 * Tests compare both roads on every object the library emits.
 *
 * @internal
 */
import { ApiObject, ApiObjectProps, App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import type { JsonPatch } from 'cdk8s';
import type { Construct } from 'constructs';

/** Thrown by {@link plainJson} on a value only cdk8s's resolvers can render. */
class NotPlainData extends Error {}

const NOT_PLAIN = new NotPlainData('not plain data');

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
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw NOT_PLAIN; // a hole
      out[i] = plainJson(value[i]);
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) throw NOT_PLAIN;
  const map = value as Record<string, unknown>;
  // resolvers look at `resolve` and `constructor`; such keys go the long way
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
export function plainManifest(obj: ApiObject, props: ApiObjectProps, patched: boolean): Record<string, unknown> | undefined {
  if (patched || process.env.CDK8S_DISABLE_SORT || !builtInResolversOnly(obj)) return undefined;
  let json: Record<string, unknown>;
  try {
    json = plainJson({ ...props, metadata: obj.metadata.toJson() }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof NotPlainData) return undefined;
    throw e;
  }
  const result: Record<string, unknown> = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(json)]) {
    if (k in json) result[k] = json[k];
  }
  return result;
}

/** An `ApiObject` of plain props that renders through {@link plainManifest} when it can. */
export class PlainApiObject extends ApiObject {
  private readonly plainProps: ApiObjectProps;
  private patched = false;

  constructor(scope: Construct, id: string, props: ApiObjectProps) {
    super(scope, id, props);
    this.plainProps = props;
  }

  public override addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public override toJson(): any {
    return plainManifest(this, this.plainProps, this.patched) ?? super.toJson();
  }
}
