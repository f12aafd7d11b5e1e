/**
 * Our PeerAuthentication, RequestAuthentication, Telemetry and WasmPlugin agree with Istio 1.30 on every case of
 * webhook-cases.ts: a case Istio admits renders its spec unchanged; a case Istio refuses (its webhook, or the CRD's own
 * rules the API server applies), or that we refuse on purpose, is refused at construction with an IstioValidationError.
 */
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { WasmPlugin } from '../../src/extensions';
import { Istiod } from '../../src/istiod/istiod';
import { PeerAuthentication, RequestAuthentication } from '../../src/security';
import { Telemetry } from '../../src/telemetry';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { findOne, synthValid } from '../support/synth';
import { POLICY_WEBHOOK_CASES, PolicyCase } from './webhook-cases';

type Ctor = new (scope: Construct, id: string, props: never) => Construct;
const KINDS: Record<string, Ctor> = { PeerAuthentication, RequestAuthentication, Telemetry, WasmPlugin } as unknown as Record<string, Ctor>;

function build(c: PolicyCase): { chart: Chart; error?: unknown } {
  const [, , kind, spec, namespace] = c;
  const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
  const istiod = Istiod.fromAttributes(chart, 'mesh', { version: IstioVersion.V1_30_3 });
  try {
    new KINDS[kind](chart, 'x', { namespace: { istiod, name: namespace ?? 'foo' }, spec } as never);
    return { chart };
  } catch (error) {
    return { chart, error };
  }
}

/** The generated L1 binding writes jwksUri under its proto name jwks_uri (Istio reads both as one field). */
function jsonNames(spec: Record<string, unknown>): Record<string, unknown> {
  const rules = spec.jwtRules as Array<Record<string, unknown>> | undefined;
  if (!rules) return spec;
  return { ...spec, jwtRules: rules.map(({ jwks_uri: uri, ...r }) => (uri === undefined ? r : { ...r, jwksUri: uri })) };
}

describe('policy kinds agree with Istio 1.30 on the webhook cases', () => {
  test('the table covers the four kinds, valid and bad input', () => {
    expect([...new Set(POLICY_WEBHOOK_CASES.map((c) => c[2]))].sort()).toEqual(Object.keys(KINDS).sort());
    const verdicts = POLICY_WEBHOOK_CASES.reduce<Record<string, number>>((n, c) => ({ ...n, [c[1]]: (n[c[1]] ?? 0) + 1 }), {});
    expect(verdicts).toEqual({ admit: 22, webhook: 49, crd: 4, ours: 10 });
  });

  test.each(POLICY_WEBHOOK_CASES.filter((c) => c[1] === 'admit'))('%s: Istio admits it; it renders as given', (...c) => {
    const { chart, error } = build(c as PolicyCase);
    expect(error).toBeUndefined();
    const obj = findOne(synthValid(chart), c[2], 'x', c[4] ?? 'foo');
    expect(jsonNames(obj.spec)).toEqual(c[3]);
  });

  test.each(POLICY_WEBHOOK_CASES.filter((c) => c[1] !== 'admit'))('%s: refused by %s; refused at construction', (...c) => {
    const { error } = build(c as PolicyCase);
    expect(error).toBeInstanceOf(IstioValidationError);
    expect((error as IstioValidationError).constructPath).toBe('c/x');
  });
});
