/**
 * Random VALID configurations with canaries, mesh routes and whole meshes synthesize schema-valid, unique, DNS-valid
 * and deterministic output (the property is in valid-check.ts).
 */
import { check, report } from './valid-check';
import { SEED, runs } from './settings';

describe('random valid configurations with routes synthesize schema-valid, unique, DNS-valid and deterministic output', () => {
  afterAll(report);

  test('routes: canaries (weights, matches, traffic policies, steps) and mesh routes, in-mesh and through gateways', () => {
    check({ maxGateways: 2, maxZeroTrust: 1, maxCanaries: 3, maxMeshRoutes: 3 }, runs.routes, SEED + 3);
  });

  test('whole meshes: everything together', () => {
    check({ maxGateways: 3, maxZeroTrust: 2, maxCanaries: 2, maxMeshRoutes: 2 }, runs.wholeMesh, SEED + 4);
  });
});
