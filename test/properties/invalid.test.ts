/**
 * Property: a random valid configuration with ONE field broken (see mutations.ts) is refused at construction with an
 * IstioValidationError that names the construct that got the bad input; never another error type, never a silent
 * emit (construction that succeeds), and nothing is emitted by the refused construct or call.
 */
import fc from 'fast-check';
import { IstioValidationError } from '../../src/validation';
import { meshCfg } from './arbitraries';
import { apiObjectPaths, build, MeshCfg, Mutation, MutationRecord, MutationTarget, withTarget } from './model';
import { MUTATIONS, mutation } from './mutations';
import { SEED, runs } from './settings';

let total = 0;
const perTarget = new Map<MutationTarget, number>();

function refused(cfg: MeshCfg, m: Mutation): void {
  total++;
  perTarget.set(m.target, (perTarget.get(m.target) ?? 0) + 1);
  const record: MutationRecord = { applied: false };
  let error: unknown;
  let built: ReturnType<typeof build> | undefined;
  try {
    built = build(withTarget(cfg, m.target), m, record);
  } catch (e) {
    error = e;
  }
  expect(record.applied).toBe(true);
  if (error === undefined) throw new Error(`silent emit: "${m.label}" was accepted (${apiObjectPaths(built!.app).length} objects)`);
  if (!(error instanceof IstioValidationError)) throw new Error(`"${m.label}" crashed with ${(error as Error)?.stack ?? String(error)}`);
  expect(error.constructPath).toBe(record.expectedPath);
  expect(error.message.startsWith(`${record.expectedPath}: invalid ${error.field} ${error.value}: `)).toBe(true);
  expect(error.expected.length).toBeGreaterThan(0);
}

// Small meshes with at least one of every construct; the mutation picks what to break.
const shape = { maxGateways: 2, maxZeroTrust: 1, maxCanaries: 1, maxMeshRoutes: 1, atLeastOne: true };

/**
 * Every mutation variant of the family, each against `runs.invalidPerVariant` random configurations with random bad
 * values (iterating over the variants guarantees each is exercised, which drawing them at random would not).
 */
const check = (family: keyof typeof MUTATIONS, seed: number) => {
  const cfgs = meshCfg(shape);
  MUTATIONS[family].forEach((kind, i) => {
    fc.assert(fc.property(cfgs, mutation([kind]), refused), { numRuns: runs.invalidPerVariant, seed: seed + i });
  });
};

describe('random single-field mutations of valid configurations throw IstioValidationError for the mutated construct', () => {
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`invalid-configuration properties: ${total} runs (${[...perTarget].map(([t, n]) => `${t} ${n}`).join(', ')})`);
  });

  test('version and IstioBase', () => check('versionAndBase', SEED + 10));
  test('Istiod', () => check('istiod', SEED + 11));
  test('gateways, Gateway bindings and egress routes', () => check('gateways', SEED + 12));
  test('zero-trust namespaces, allow rules, permissive workloads, monitoring and mesh-wide mTLS', () => check('zeroTrust', SEED + 13));
  test('canary routes and mesh routes', () => check('routes', SEED + 14));
});
