/**
 * Every example of the seven networking kinds in Istio's API reference (the YAML in the comments of istio.io/api's
 * .proto files, the text istio.io's reference pages are generated from) goes through our constructs unchanged: its spec
 * is accepted and rendered as written, with the apiVersion the example uses at 1.30 (and 1.20's at 1.20). The examples are read at test
 * time from the Go module cache, at the istio.io/api version the conformance module (test/conformance/istio-1.30)
 * requires; nothing of them is committed.
 */
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Istiod } from '../../src/istiod/istiod';
import { EnvoyFilter, Gateway, ProxyConfig, ServiceEntry, Sidecar, WorkloadEntry, WorkloadGroup } from '../../src/networking';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { findOne, synthValid } from '../support/synth';
import { Example, exampleId, REFERENCE_KINDS, REFUSED_EXAMPLES, referenceExamples } from './upstream-reference';

type Ctor = new (scope: Construct, id: string, props: never) => Construct;
const KINDS: Record<string, Ctor> = {
  EnvoyFilter, Gateway, ProxyConfig, ServiceEntry, Sidecar, WorkloadEntry, WorkloadGroup,
} as unknown as Record<string, Ctor>;

const all = referenceExamples();
const idOf = exampleId;
const REFUSED = REFUSED_EXAMPLES;

describe('Istio API reference examples of the networking kinds', () => {
  test('every kind has examples in the reference', () => {
    const perKind = all.reduce<Record<string, number>>((n, e) => ({ ...n, [e.kind]: (n[e.kind] ?? 0) + 1 }), {});
    expect(Object.keys(perKind).sort()).toEqual(Object.keys(KINDS).sort());
    expect(REFERENCE_KINDS.slice().sort()).toEqual(Object.keys(KINDS).sort());
  });

  test('the examples we refuse are exactly the listed ones, which the reference elides', () => {
    expect(all.filter((e) => REFUSED[idOf(e)]).map(idOf).sort()).toEqual(Object.keys(REFUSED).sort());
  });

  const build = (e: Example, version = IstioVersion.V1_30_3) => {
    const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
    const istiod = Istiod.fromAttributes(chart, 'mesh', { version });
    new KINDS[e.kind](chart, 'x', { namespace: { istiod, name: e.namespace ?? 'default' }, name: e.name, spec: e.spec } as never);
    return chart;
  };

  test.each(all.filter((e) => !REFUSED[idOf(e)]).map((e) => [`${idOf(e)} (${path.basename(e.file)})`, e] as const))('%s renders as written', (_id, e) => {
    const obj = findOne(synthValid(build(e)), e.kind, e.name);
    expect(obj.apiVersion).toBe(e.apiVersion);
    expect(obj.spec).toEqual(e.spec);
  });

  // none of the examples uses a field 1.20.3 lacks: every one renders there too, with the release's apiVersions
  test.each(all.filter((e) => !REFUSED[idOf(e)]).map((e) => [`${idOf(e)} (${path.basename(e.file)})`, e] as const))('%s renders as written at 1.20.3 too (v1beta1)', (_id, e) => {
    const obj = findOne(synthValid(build(e, IstioVersion.V1_20_3)), e.kind, e.name);
    expect(obj.apiVersion).toBe(e.apiVersion.replace(/\/v1$/, '/v1beta1'));
    expect(obj.spec).toEqual(e.spec);
  });

  test.each(all.filter((e) => REFUSED[idOf(e)]).map((e) => [idOf(e), e] as const))('%s is refused with the reason', (id, e) => {
    let error: unknown;
    try {
      build(e);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IstioValidationError);
    const [field, message] = REFUSED[id];
    expect((error as IstioValidationError).field).toBe(field);
    expect((error as IstioValidationError).expected.startsWith(message)).toBe(true);
  });
});
