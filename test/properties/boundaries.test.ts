/**
 * Properties at the boundaries of the rules that keep our output within what istiod's validating webhook admits
 * (the conformance suite test/conformance/istio-1.30/validation found each of them as a refusal): Istio `Percent`
 * values, `when` condition values of the address keys and of destination.port, and overlapping VirtualService hosts.
 * Each property states the accepted set independently of the library's code (Node's address parser, plain arithmetic,
 * Istio's host matching) and checks the construct accepts exactly that set, refusing the rest with an
 * IstioValidationError that names the field.
 */
import * as net from 'net';
import fc from 'fast-check';
import { ZeroTrustNamespace } from '../../src/policy';
import { CanaryRoute, MeshRoute } from '../../src/traffic';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { meshAndApps } from '../policy/fixtures';
import { SEED } from './settings';

/** Runs `fn`; returns the IstioValidationError it throws, or undefined when it accepts. Any other error fails. */
function outcome(fn: () => unknown): IstioValidationError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof IstioValidationError)) throw e;
    return e;
  }
}

const { istiod, chart } = meshAndApps(IstioVersion.V1_30_3);
let n = 0;
/** A fresh construct id per run (runs share one chart: a refused construct emits nothing). */
const next = () => `r${n++}`;

describe('Istio Percent (fault injection, mirroring): 0, or 0.0001 to 100', () => {
  const fault = (percentage: number) => () => new CanaryRoute(chart, next(), {
    namespace: { istiod, name: 'trading' }, host: 'svc', stable: { version: 'v1' }, canary: { version: 'v2' },
    fault: { abort: { httpStatus: 503, percentage } }, mirror: { subset: 'v2', percentage },
  });
  const valid = (p: number) => p === 0 || (p >= 0.0001 && p <= 100);
  const just = (p: number, dir: 1 | -1) => { // the neighbouring double
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, p);
    buf.setBigUint64(0, buf.getBigUint64(0) + BigInt(dir * (p >= 0 ? 1 : -1)));
    return buf.getFloat64(0);
  };

  test('the boundaries: 0, 0.0001 and 100 are accepted; the doubles just outside them are refused', () => {
    for (const p of [0, 0.0001, 100, just(0.0001, 1), just(100, -1)]) expect(outcome(fault(p))).toBeUndefined();
    for (const p of [Number.MIN_VALUE, 5e-323, just(0.0001, -1), just(100, 1), -0.0001]) {
      expect(outcome(fault(p))?.field).toBe('fault.abort.percentage');
    }
  });

  test('any double from -1 to 101 is accepted exactly when it is 0 or within [0.0001, 100]', () => {
    const doubles = fc.oneof(
      fc.double({ min: -1, max: 101, noNaN: true }),
      fc.double({ min: 0, max: 0.001, noNaN: true }),
      fc.double({ min: 99.999, max: 100.001, noNaN: true }),
    );
    fc.assert(fc.property(doubles, (p) => {
      const err = outcome(fault(p));
      expect(err === undefined).toBe(valid(Object.is(p, -0) ? 0 : p));
      if (err) expect([err.field, err.value]).toEqual(['fault.abort.percentage', String(p)]);
    }), { numRuns: 300, seed: SEED + 100 });
  });
});

describe('when-condition values (Istio 1.30.3)', () => {
  const ns = new ZeroTrustNamespace(chart, 'conditions', { istiod, name: 'conditions' });
  const allow = (key: string, value: string) => () => ns.allow(next(), { rules: [{ when: [{ key, values: [value] }] }] });
  /** Node's reading of an address, without zones: the accepted set of the address keys (no "/"). */
  const isAddress = (s: string) => net.isIP(s) !== 0 && !s.includes('%');
  const ipKeys = fc.constantFrom('source.ip', 'remote.ip', 'destination.ip');

  test('every IPv4 and IPv6 address, and every CIDR block with a prefix length in range, is accepted', () => {
    const cidr = fc.oneof(
      fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`),
      fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, bits]) => `${ip}/${bits}`),
    );
    fc.assert(fc.property(ipKeys, fc.oneof(fc.ipV4(), fc.ipV6(), cidr), (key, v) => {
      expect(outcome(allow(key, v))).toBeUndefined();
    }), { numRuns: 200, seed: SEED + 101 });
  });

  test('a prefix length out of range or with a leading zero is refused', () => {
    const bad = fc.oneof(
      fc.tuple(fc.ipV4(), fc.integer({ min: 33, max: 999 })).map(([ip, bits]) => `${ip}/${bits}`),
      fc.tuple(fc.ipV6(), fc.integer({ min: 129, max: 999 })).map(([ip, bits]) => `${ip}/${bits}`),
      fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, bits]) => `${ip}/0${bits}`),
    );
    fc.assert(fc.property(ipKeys, bad, (key, v) => {
      expect(outcome(allow(key, v))?.field).toMatch(/^allow\(r\d+\)\.rules\[0\]\.when\[0\]\.values\[0\]$/);
    }), { numRuns: 100, seed: SEED + 102 });
  });

  test('garbage is refused: any string without "/" is accepted exactly when it reads as an address', () => {
    const strings = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef.:'.split('')), maxLength: 20 }),
      fc.ipV4Extended(),
    ).filter((s) => !s.includes('/'));
    fc.assert(fc.property(ipKeys, strings, (key, v) => {
      const err = outcome(allow(key, v));
      expect(err === undefined).toBe(isAddress(v));
    }), { numRuns: 300, seed: SEED + 103 });
  });

  test('destination.port: the decimal text of an integer is accepted exactly when it is from 1 to 65535', () => {
    const ports = fc.oneof(fc.constantFrom(0, 1, 65535, 65536), fc.integer({ min: -10, max: 70000 }));
    fc.assert(fc.property(ports, (p) => {
      const err = outcome(allow('destination.port', String(p)));
      expect(err === undefined).toBe(p >= 1 && p <= 65535);
    }), { numRuns: 200, seed: SEED + 104 });
  });
});

describe('VirtualService hosts: no two may match the same name', () => {
  /** Istio's matching of two VirtualService hosts (a leading "*" is a suffix wildcard), on lower-cased names. */
  const overlap = (a: string, b: string) => {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    const suffix = (w: string, h: string) => w.startsWith('*') && h.endsWith(w.slice(1));
    if (x.startsWith('*') && y.startsWith('*')) return x.length < y.length ? y.slice(1).endsWith(x.slice(1)) : x.slice(1).endsWith(y.slice(1));
    return x === y || suffix(x, y) || suffix(y, x);
  };
  const host = fc.oneof(
    fc.constant('*'),
    fc.constantFrom('a', 'b', 'api').chain((l) => fc.constantFrom(`${l}.example.com`, `*.${l}.example.com`, `${l}.example.org`, '*.example.com', `${l}`)),
  );

  test('a MeshRoute behind a gateway accepts its hosts exactly when no two overlap', () => {
    fc.assert(fc.property(fc.uniqueArray(host, { minLength: 1, maxLength: 4 }), (hosts) => {
      const err = outcome(() => new MeshRoute(chart, next(), {
        namespace: { istiod, name: 'routes' }, hosts, gateways: ['istio-system/public'], mesh: false, routes: [{ destination: { host: 'svc' } }],
      }));
      const clash = hosts.some((h, i) => hosts.slice(0, i).some((g) => overlap(g, h)));
      expect(err === undefined).toBe(!clash);
      if (err) expect(err.expected).toMatch(/^must not overlap hosts\[\d\] /);
    }), { numRuns: 200, seed: SEED + 105 });
  });
});
