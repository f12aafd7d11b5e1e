/**
 * Our constructs agree with Istio on every case of webhook-cases.ts: a case Istio admits renders (and renders its spec
 * unchanged); a case Istio refuses (its webhook, or the CRD's own rules the API server applies), or that we refuse on
 * purpose, is refused at construction with an IstioValidationError.
 */
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Istiod } from '../../src/istiod/istiod';
import { EnvoyFilter, Gateway, ProxyConfig, ServiceEntry, Sidecar, WorkloadEntry, WorkloadGroup } from '../../src/networking';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { findOne, synthValid } from '../support/synth';
import { NETWORKING_WEBHOOK_CASES, objectOf } from './webhook-cases';

type Ctor = new (scope: Construct, id: string, props: never) => Construct;
const KINDS: Record<string, Ctor> = {
  EnvoyFilter, Gateway, ProxyConfig, ServiceEntry, Sidecar, WorkloadEntry, WorkloadGroup,
} as unknown as Record<string, Ctor>;

function build(c: typeof NETWORKING_WEBHOOK_CASES[number]): { chart: Chart; error?: unknown } {
  const [, , kind, spec, extra] = c;
  const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
  const istiod = Istiod.fromAttributes(chart, 'mesh', { version: IstioVersion.V1_30_3 });
  try {
    new KINDS[kind](chart, 'x', { namespace: { istiod, name: 'default' }, name: extra?.name ?? 'x', spec, labels: extra?.labels } as never);
    return { chart };
  } catch (error) {
    return { chart, error };
  }
}

describe('networking kinds agree with Istio on the webhook cases', () => {
  test('the table covers every kind, valid and bad input', () => {
    const kinds = new Set(NETWORKING_WEBHOOK_CASES.map((c) => c[2]));
    expect([...kinds].sort()).toEqual(Object.keys(KINDS).sort());
    const verdicts = NETWORKING_WEBHOOK_CASES.reduce<Record<string, number>>((n, c) => ({ ...n, [c[1]]: (n[c[1]] ?? 0) + 1 }), {});
    expect(verdicts).toEqual({ admit: 52, webhook: 120, crd: 6, ours: 6 });
  });

  test.each(NETWORKING_WEBHOOK_CASES.filter((c) => c[1] === 'admit'))('%s: Istio admits it; it renders as given', (...c) => {
    const { chart, error } = build(c);
    expect(error).toBeUndefined();
    const want = objectOf(c) as { kind: string; metadata: { name: string }; spec: unknown };
    expect(findOne(synthValid(chart), want.kind, want.metadata.name).spec).toEqual(want.spec);
  });

  test.each(NETWORKING_WEBHOOK_CASES.filter((c) => c[1] !== 'admit'))('%s: Istio (%s) refuses it; so do we', (...c) => {
    const { error } = build(c);
    expect(error).toBeInstanceOf(IstioValidationError);
  });
});
