import { Construct } from 'constructs';
import {
  checkAnnotations, isCidr, isDnsLabel, isDnsSubdomain, isHost, isIP, isIPv4, isIPv6, IstioValidationError, parseCpu, parseMemory,
} from '../src/validation';

describe('shared checks', () => {
  test('IPv4 and IPv6 addresses', () => {
    for (const ok of ['192.168.1.240', '10.0.0.1', '0.0.0.0']) expect(isIPv4(ok)).toBe(true);
    for (const bad of ['192.168.1.300', '1.2.3', '01.2.3.4x', 'lb.example.com']) expect(isIPv4(bad)).toBe(false);
    for (const ok of ['::1', 'fd00::', '2001:db8::1', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8']) expect(isIPv6(ok)).toBe(true);
    for (const bad of [':::', '1:::2', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '2001:db8::g']) expect(isIPv6(bad)).toBe(false);
    expect(isIP('192.168.1.240') && isIP('::1') && !isIP(':::')).toBe(true);
  });

  test('CIDR blocks', () => {
    for (const ok of ['10.0.0.0/8', '0.0.0.0/0', 'fd00::/8', '::/0']) expect(isCidr(ok)).toBe(true);
    for (const bad of ['10.0.0.0/33', '10.0.0.0', '10.0.0.0/8/1', ':::/8', 'fd00::/129']) expect(isCidr(bad)).toBe(false);
  });

  test('DNS names and hosts', () => {
    expect([isDnsLabel('trading'), isDnsLabel('Trading'), isDnsLabel('a'.repeat(64))]).toEqual([true, false, false]);
    expect([isDnsSubdomain('a.b-c.d'), isDnsSubdomain('a..b')]).toEqual([true, false]);
    expect(['*', '*.local', 'fraud-api.local', 'reviews'].map((h) => isHost(h))).toEqual([true, true, true, true]);
    expect([isHost('*.local', { allowWildcard: false }), isHost('bad host'), isHost('')]).toEqual([false, false, false]);
  });

  test('quantities', () => {
    expect([parseCpu('100m'), parseCpu('0.5'), parseCpu('2'), parseCpu('1Gi')]).toEqual([100, 500, 2000, undefined]);
    expect([parseMemory('128Mi'), parseMemory('1Gi'), parseMemory('512M'), parseMemory('1 Gi')]).toEqual([128 * 2 ** 20, 2 ** 30, 512e6, undefined]);
  });

  test('annotations: keys like label keys, string values', () => {
    const scope = new Construct(undefined as unknown as Construct, 'root');
    expect(checkAnnotations(scope, 'annotations', { 'example.com/team': 'a', 'note': '' })).toEqual({ 'example.com/team': 'a', 'note': '' });
    expect(() => checkAnnotations(scope, 'annotations', { 'bad key': 'x' })).toThrow(IstioValidationError);
    expect(() => checkAnnotations(scope, 'annotations', { k: 1 as unknown as string })).toThrow(/invalid annotations\.k 1: must be a string/);
  });
});
