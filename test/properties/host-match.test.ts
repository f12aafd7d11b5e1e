import * as fc from 'fast-check';
import { hostsIntersect as gatewayApiHostsIntersect } from '../../src/gateway-api/route-common';
import { HostIndex, hostWithin, hostsMatch, isWildcardHost, narrowerHost } from '../../src/internal/host-match';
import { hostsIntersect as routeHostsIntersect } from '../../src/traffic/gateway-binding';
import { HOST_SAMPLES, hostCases } from '../support/host-cases';
import { SEED } from './settings';

/** Host names from a small alphabet, so that random pairs often meet: `*`, `*.`, dots at either end, `*foo.com`. */
const host = fc
  .tuple(fc.constantFrom('', '', '*', '*.'), fc.array(fc.constantFrom('a', 'b', 'com', '.', 'ab', 'a.com'), { maxLength: 4 }))
  .map(([p, parts]) => p + parts.join(''))
  .filter((h) => h !== '');

const params = (offset: number) => ({ seed: SEED + offset, numRuns: 400 });

describe('host matching: one rule (src/internal/host-match.ts), Istio host.Name semantics', () => {
  test('matching is symmetric and is "one is within the other"', () => {
    fc.assert(fc.property(host, host, (a, b) => {
      expect(hostsMatch(a, b)).toBe(hostsMatch(b, a));
      expect(hostsMatch(a, b)).toBe(hostWithin(a, b) || hostWithin(b, a));
      expect(narrowerHost(a, b) !== undefined).toBe(hostsMatch(a, b));
    }), params(701));
  });

  test('within is reflexive and transitive; a wildcard is never within a concrete name', () => {
    fc.assert(fc.property(host, host, host, (a, b, c) => {
      expect(hostWithin(a, a)).toBe(true);
      if (hostWithin(a, b) && hostWithin(b, c)) expect(hostWithin(a, c)).toBe(true);
      if (isWildcardHost(a) && !isWildcardHost(b)) expect(hostWithin(a, b)).toBe(false);
    }), params(702));
  });

  test('HostIndex returns exactly the patterns the host is within', () => {
    fc.assert(fc.property(fc.array(host, { maxLength: 12 }), host, (patterns, h) => {
      const index = new HostIndex<number>();
      patterns.forEach((p, i) => index.add(p, i));
      const expected = patterns.map((p, i) => [p, i] as const).filter(([p]) => hostWithin(h, p)).map(([, i]) => i);
      expect(index.matching(h).sort((x, y) => x - y)).toEqual(expected);
    }), params(703));
  });

  test('every caller agrees: Istio routes/gateways (case-insensitive) and Gateway API hostnames', () => {
    fc.assert(fc.property(host, host, fc.boolean(), (a, b, upper) => {
      const A = upper ? a.toUpperCase() : a;
      expect(routeHostsIntersect(A, b)).toBe(hostsMatch(a, b));
      expect(gatewayApiHostsIntersect(a, b)).toBe(hostsMatch(a, b));
    }), params(704));
  });

  test('the cases where the copies used to disagree now follow Istio', () => {
    // Istio: Name("*.example.com").Matches(".example.com") and SubsetOf: the rest of a wildcard is a plain suffix.
    expect(hostsMatch('*.example.com', '.example.com')).toBe(true);
    expect(hostWithin('.example.com', '*.example.com')).toBe(true);
    // `*foo.com` is a wildcard over the suffix "foo.com".
    expect(hostWithin('barfoo.com', '*foo.com')).toBe(true);
    expect(narrowerHost('barfoo.com', '*foo.com')).toBe('barfoo.com');
    expect(hostsMatch('*.example.com', 'example.com')).toBe(false);
    expect(hostWithin('*', '*.example.com')).toBe(false);
    expect(hostWithin('*.example.com', '*')).toBe(true);
  });

  test('the table Istio re-judges (conformance hostmatch) covers every prefix kind', () => {
    const cases = hostCases();
    expect(cases).toHaveLength(HOST_SAMPLES.length ** 2);
    expect(cases.some((c) => c.matches && !c.subsetOf)).toBe(true);
    expect(HOST_SAMPLES).toEqual(expect.arrayContaining(['*', '*.', '*a.com', '.a.com', 'a.']));
  });
});
