/**
 * `when` conditions of allow rules follow Istio's per-key rules (AuthorizationPolicy admission): address keys take IP
 * addresses or CIDR blocks, destination.port takes port numbers, source.serviceAccount and source.trustDomain have
 * their own forms (1.30 only), keys with a name part need the bracket form, retired keys and unknown keys are refused.
 */
import { AuthorizationCondition, ZeroTrustNamespace } from '../../src/policy';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { meshAndApps, VERSIONS } from './fixtures';
import { findOne, synthValid } from '../support/synth';

/** Allows `condition` in a fresh namespace; returns the rendered `when` list, or throws. */
function allow(condition: AuthorizationCondition, version = IstioVersion.V1_30_3): unknown {
  const { istiod, chart } = meshAndApps(version);
  const ns = new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a' });
  ns.allow('p', { rules: [{ when: [condition] }] });
  return findOne(synthValid(chart), 'AuthorizationPolicy', 'p').spec.rules[0].when;
}

function refusal(condition: AuthorizationCondition, version = IstioVersion.V1_30_3): IstioValidationError {
  try {
    allow(condition, version);
  } catch (e) {
    expect(e).toBeInstanceOf(IstioValidationError);
    expect((e as IstioValidationError).constructPath).toBe('apps/x');
    return e as IstioValidationError;
  }
  throw new Error(`expected ${JSON.stringify(condition)} to be refused`);
}

describe.each(VERSIONS)('condition values on Istio %s', (_tag, version) => {
  describe.each(['source.ip', 'remote.ip', 'destination.ip'])('%s: IP addresses or CIDR blocks', (key) => {
    test.each(['10.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::1', 'fd00::/8', '::1', '10.1.2.3/32'])('%p is rendered', (v) => {
      expect(allow({ key, values: [v], notValues: [v] }, version)).toEqual([{ key, values: [v], notValues: [v] }]);
    });
    test.each(['e', 'tz7os2fl67', '10.0.0.300', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/08', '010.0.0.1', 'fe80::1%eth0', '10.0.0.0/8/1', ' 10.0.0.1'])('%p is refused', (v) => {
      const err = refusal({ key, values: ['10.0.0.1', v] }, version);
      expect([err.field, err.value]).toEqual(['allow(p).rules[0].when[0].values[1]', JSON.stringify(v)]);
      expect(err.expected).toMatch(/^must be an IP address or a CIDR block/);
      expect(refusal({ key, notValues: [v] }, version).field).toBe('allow(p).rules[0].when[0].notValues[0]');
    });
  });

  describe('destination.port: port numbers 1-65535', () => {
    test.each(['1', '80', '65535'])('%p is rendered', (v) => {
      expect(allow({ key: 'destination.port', values: [v] }, version)).toEqual([{ key: 'destination.port', values: [v] }]);
    });
    test.each(['0', '65536', '99999', 'http', '-1', '+80', '080', '80.0', '8 0', '1e3'])('%p is refused', (v) => {
      const err = refusal({ key: 'destination.port', notValues: [v] }, version);
      expect(err.field).toBe('allow(p).rules[0].when[0].notValues[0]');
      expect(err.expected).toMatch(/^must be a port number from 1 to 65535 written in decimal/);
    });
  });

  test('every key refuses an empty value', () => {
    expect(refusal({ key: 'source.namespace', values: [''] }, version).expected).toBe('must be a non-empty string');
  });

  test.each([
    ['request.headers[x-tenant]'], ['request.auth.claims[iss]'], ['request.auth.claims[groups][admin]'], ['source.namespace'], ['source.principal'],
    ['request.auth.principal'], ['request.auth.audiences'], ['request.auth.presenter'], ['connection.sni'],
    ['experimental.envoy.filters.network.mysql_proxy[db.table]'],
  ])('%s takes free-form values', (key) => {
    expect(allow({ key, values: ['anything-at-all'] }, version)).toEqual([{ key, values: ['anything-at-all'] }]);
  });

  test.each([
    ['request.headers', 'must have the form request.headers[<name>]'],
    ['request.auth.claims', 'must have the form request.auth.claims[<claim>]'],
    ['experimental.envoy.filters.network.mysql_proxy', 'must have the form experimental.envoy.filters.<filter>[<key>]'],
    ['destination.namespace', 'is refused by Istio: the policy applies to its own namespace already'],
    ['destination.labels[app]', 'is refused by Istio: select the workloads with the policy\'s selector instead'],
    ['destination.name', 'is refused by Istio: it was a key of the old v1alpha1 RBAC API only'],
    ['destination.user', 'is refused by Istio: it was a key of the old v1alpha1 RBAC API only'],
    ['source.ns', 'must be an Istio condition key'],
    ['request.header[x]', 'must be an Istio condition key'],
  ])('key %p is refused: %s', (key, expected) => {
    const err = refusal({ key, values: ['x'] }, version);
    expect([err.field, err.value]).toEqual(['allow(p).rules[0].when[0].key', JSON.stringify(key)]);
    expect(err.expected).toContain(expected);
  });
});

describe('source.serviceAccount and source.trustDomain: Istio 1.30 only', () => {
  test.each(['reviews', 'prod/reviews', 'prod/reviews.v2'])('source.serviceAccount %p is rendered', (v) => {
    expect(allow({ key: 'source.serviceAccount', values: [v] })).toEqual([{ key: 'source.serviceAccount', values: [v] }]);
  });

  test.each(['prod/*', '*', 'a/b/c', '/reviews', 'prod/', 'Prod/reviews'])('source.serviceAccount %p is refused', (v) => {
    expect(refusal({ key: 'source.serviceAccount', values: [v] }).expected).toMatch(/^must be "<serviceAccount>" or "<namespace>\/<serviceAccount>" without wildcards/);
  });

  test('source.serviceAccount takes at most 16 values per list', () => {
    const values = Array.from({ length: 17 }, (_, i) => `sa-${i}`);
    expect(refusal({ key: 'source.serviceAccount', values }).expected).toBe('must list at most 16 values for source.serviceAccount (Istio\'s limit)');
    expect(allow({ key: 'source.serviceAccount', values: values.slice(1) })).toEqual([{ key: 'source.serviceAccount', values: values.slice(1) }]);
  });

  test.each(['cluster.local', '*.example.org', 'prod-*', '*'])('source.trustDomain %p is rendered', (v) => {
    expect(allow({ key: 'source.trustDomain', notValues: [v] })).toEqual([{ key: 'source.trustDomain', notValues: [v] }]);
  });

  test.each(['a*b', '**', '*a*', 'example.org/ns', 'example .org'])('source.trustDomain %p is refused', (v) => {
    expect(refusal({ key: 'source.trustDomain', values: [v] }).expected).toMatch(/^must be a trust domain such as "cluster.local", with at most one "\*"/);
  });

  test.each(['source.serviceAccount', 'source.trustDomain'])('%s is refused on Istio 1.20, which does not know it', (key) => {
    const err = refusal({ key, values: ['cluster.local'] }, IstioVersion.V1_20_3);
    expect(err.field).toBe('allow(p).rules[0].when[0].key');
    expect(err.expected).toMatch(/^needs Istio 1.30: Istio 1.20.3 does not know this condition key/);
  });

  test('the list of known keys follows the release', () => {
    expect(refusal({ key: 'nope', values: ['x'] }).expected).toContain('source.serviceAccount');
    expect(refusal({ key: 'nope', values: ['x'] }, IstioVersion.V1_20_3).expected).not.toContain('source.serviceAccount');
  });
});
