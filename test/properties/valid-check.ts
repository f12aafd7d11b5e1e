/**
 * The valid-configuration property (used by valid.test.ts and valid-routes.test.ts, two files so that jest runs them
 * in parallel): every random but VALID configuration synthesizes, every object passes its schema, names are
 * DNS-valid, no (kind, namespace, name) appears twice, and building and synthesizing again gives byte-identical JSON.
 *
 * Fixed seeds keep CI reproducible; on failure fast-check prints the seed, the path and the shrunk configuration
 * (replay with `{ seed, path }` in the `fc.assert` options).
 */
import fc from 'fast-check';
import { meshCfg, MeshShape } from './arbitraries';
import { build, checkObjects, MeshCfg, synthJson } from './model';

/** Runs of this test file. */
let total = 0;
/** How many objects of each kind the valid runs synthesized (printed, to show what the generators reach). */
const kinds = new Map<string, number>();

function synthesizesValidAndStable(cfg: MeshCfg): void {
  total++;
  // Synthesis runs the mesh analyzer Istiod attaches: an Error finding fails it, as it would for a user.
  const a = synthJson(build(cfg).chart);
  expect(checkObjects(a.objs)).toEqual([]);
  expect(a.objs.length).toBeGreaterThan(0);
  for (const o of a.objs) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
  // The same configuration built and synthesized again gives identical JSON (the analyzer never changes output).
  expect(synthJson(build(cfg, undefined, undefined, false).chart).json).toBe(a.json);
}

export const check = (shape: MeshShape, numRuns: number, seed: number) =>
  fc.assert(fc.property(meshCfg(shape), synthesizesValidAndStable), { numRuns, seed });

/** Prints what this file's runs covered. */
export function report(): void {
  const seen = [...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
  // eslint-disable-next-line no-console
  console.log(`valid-configuration properties: ${total} runs; objects synthesized: ${seen}`);
}
