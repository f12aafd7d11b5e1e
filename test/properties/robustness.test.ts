/**
 * Property: a value of the wrong type (null, a string for a number, an object for a list, a list with a null entry,
 * ...) anywhere in the props of a valid configuration never crashes a construct: it is either refused with an
 * IstioValidationError naming that construct, or accepted (null and undefined mean "unset" for optional props), and
 * then the output is still schema-valid.
 */
import fc from 'fast-check';
import { Testing } from 'cdk8s';
import { IstioValidationError } from '../../src/validation';
import { meshCfg } from './arbitraries';
import { build, checkObjects, MeshCfg, Mutation, MutationRecord, MutationTarget, withTarget } from './model';
import { PROP_PATHS, wrongTypeMutation } from './mutations';
import { SEED, runs } from './settings';
import { K8sObject } from '../support/schema';

let total = 0;
let refusedCount = 0;

function neverCrashes(cfg: MeshCfg, m: Mutation): void {
  total++;
  const record: MutationRecord = { applied: false };
  let error: unknown;
  let built: ReturnType<typeof build> | undefined;
  try {
    built = build(withTarget(cfg, m.target), m, record, false);
  } catch (e) {
    error = e;
  }
  expect(record.applied).toBe(true);
  if (error !== undefined) {
    if (!(error instanceof IstioValidationError)) throw new Error(`"${m.label}" crashed with ${(error as Error)?.stack ?? String(error)}`);
    refusedCount++;
    expect(error.constructPath).toBe(record.expectedPath);
    return;
  }
  // Accepted: the output must still be complete and valid.
  expect(checkObjects(Testing.synth(built!.chart) as K8sObject[])).toEqual([]);
}

const shape = { maxGateways: 2, maxZeroTrust: 1, maxCanaries: 1, maxMeshRoutes: 1, atLeastOne: true };
const families: Array<[string, MutationTarget[]]> = [
  ['version, IstioBase and Istiod', ['version', 'base', 'istiod']],
  ['gateways, bindings and egress routes', ['gateway', 'binding', 'egressRoute']],
  ['zero-trust namespaces and policies', ['zeroTrust', 'allow', 'permissive', 'monitoring', 'meshWideMtls']],
  ['canary routes and mesh routes', ['canary', 'meshRoute']],
];

describe('values of the wrong type never crash a construct', () => {
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`wrong-type properties: ${total} runs, ${refusedCount} refused, ${total - refusedCount} accepted with valid output`);
  });

  test.each(families)('%s', (_name, targets) => {
    const paths = targets.reduce((n, t) => n + PROP_PATHS[t].length, 0);
    fc.assert(fc.property(meshCfg(shape), wrongTypeMutation(targets), neverCrashes),
      { numRuns: Math.round(paths * runs.wrongTypePerPath), seed: SEED + 20 + families.findIndex(([, t]) => t === targets) });
  });
});
