/**
 * Transitional: the library's objects are cdk8s's own `ApiObject`s (cdk8s renders their JSON; the
 * former shorter road is gone, see docs/synthesis.md). Kept only so that code written against the old
 * name still compiles; import `ApiObject` from 'cdk8s' instead. To be removed.
 *
 * @internal
 */
export { ApiObject as PlainApiObject } from 'cdk8s';
