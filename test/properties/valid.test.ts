/**
 * Random VALID configurations of the control plane, gateways and zero-trust namespaces synthesize schema-valid,
 * unique, DNS-valid and deterministic output (the property is in valid-check.ts; routes and whole meshes are in
 * valid-routes.test.ts, so that jest runs the two halves in parallel).
 */
import { check, report } from './valid-check';
import { SEED, runs } from './settings';

describe('random valid configurations synthesize schema-valid, unique, DNS-valid and deterministic output', () => {
  afterAll(report);

  test('control plane: version, revision, namespace, Kubernetes version, Istiod knobs', () => {
    check({ maxGateways: 0, maxZeroTrust: 0, maxCanaries: 0, maxMeshRoutes: 0 }, runs.controlPlane, SEED);
  });

  test('gateways: names, namespaces, Service variants, extra ports, scaling, Gateway bindings, egress routes', () => {
    check({ maxGateways: 3, maxZeroTrust: 0, maxCanaries: 0, maxMeshRoutes: 0 }, runs.gateways, SEED + 1);
  });

  test('zero-trust namespaces: Pod Security with CNI, allow rules, permissive workloads, monitoring, mesh-wide mTLS', () => {
    check({ maxGateways: 1, maxZeroTrust: 3, maxCanaries: 0, maxMeshRoutes: 0 }, runs.zeroTrust, SEED + 2);
  });
});
