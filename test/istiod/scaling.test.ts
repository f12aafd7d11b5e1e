import { IstioVersion } from '../../src/version';
import { findOne, ofKind } from '../support/synth';
import { deployment, render, VERSIONS } from './helpers';

const V30 = IstioVersion.V1_30_3;
const V20 = IstioVersion.V1_20_3;

const hpas = (objs: any[]) => ofKind(objs, 'HorizontalPodAutoscaler');
const pdbs = (objs: any[]) => ofKind(objs, 'PodDisruptionBudget');

describe('HPA', () => {
  test.each(VERSIONS)('%s: on by default, autoscaling/v2, 1-5 at 80% CPU', (_tag, version) => {
    const hpa = findOne(render(version).objs, 'HorizontalPodAutoscaler', 'istiod', 'istio-system');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      minReplicas: 1,
      maxReplicas: 5,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod' },
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
  });

  test('custom bounds and CPU target', () => {
    const { objs } = render(V30, { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 60 } });
    const hpa = findOne(objs, 'HorizontalPodAutoscaler', 'istiod');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.spec.metrics[0].resource.target.averageUtilization]).toEqual([2, 4, 60]);
    expect(deployment(objs).spec.replicas).toBeUndefined();
  });

  test.each(VERSIONS)('%s: replicas alone turns the HPA off and sets the count', (_tag, version) => {
    const { objs } = render(version, { replicas: 1 });
    expect(hpas(objs)).toHaveLength(0);
    expect(deployment(objs).spec.replicas).toBe(1);
  });

  test('autoscaling: false renders replicas 1 and no HPA', () => {
    const { objs } = render(V30, { autoscaling: false });
    expect(hpas(objs)).toHaveLength(0);
    expect(deployment(objs).spec.replicas).toBe(1);
  });

  test.each(VERSIONS)('%s: replicas with autoscaling: false sets the count, no HPA', (_tag, version) => {
    const { objs } = render(version, { replicas: 3, autoscaling: false });
    expect(hpas(objs)).toHaveLength(0);
    expect(deployment(objs).spec.replicas).toBe(3);
  });

  test('1.20.3 on Kubernetes 1.22 uses autoscaling/v2beta2; 1.30.3 ignores the Kubernetes version', () => {
    expect(findOne(render(V20, {}, { kubernetesVersion: '1.22' }).objs, 'HorizontalPodAutoscaler', 'istiod').apiVersion).toBe('autoscaling/v2beta2');
    expect(findOne(render(V20, {}, { kubernetesVersion: '1.23' }).objs, 'HorizontalPodAutoscaler', 'istiod').apiVersion).toBe('autoscaling/v2');
    expect(findOne(render(V30, {}, { kubernetesVersion: '1.23' }).objs, 'HorizontalPodAutoscaler', 'istiod').apiVersion).toBe('autoscaling/v2');
    expect(() => render(V30, {}, { kubernetesVersion: '1.22' })).toThrow(/invalid kubernetesVersion "1\.22": must be a Kubernetes version "1\.<minor>" with minor >= 23 for Istio 1\.30\.3/);
  });
});

describe('PDB', () => {
  test('1.20.3: rendered by default, minAvailable 1, selecting istiod', () => {
    const pdb = findOne(render(V20).objs, 'PodDisruptionBudget', 'istiod', 'istio-system');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'istiod', istio: 'pilot' } } });
  });

  test('1.20.3: still rendered with one fixed replica, or with autoscaling off', () => {
    expect(pdbs(render(V20, { replicas: 1 }).objs)).toHaveLength(1);
    expect(pdbs(render(V20, { autoscaling: false }).objs)).toHaveLength(1);
  });

  test('1.30.3: not rendered by default (HPA minimum 1)', () => {
    expect(pdbs(render(V30).objs)).toHaveLength(0);
    expect(pdbs(render(V30, { replicas: 1 }).objs)).toHaveLength(0);
  });

  test('1.30.3: rendered when the HPA minimum is above 1', () => {
    const pdb = findOne(render(V30, { autoscaling: { minReplicas: 2 } }).objs, 'PodDisruptionBudget', 'istiod');
    expect(pdb.spec.minAvailable).toBe(1);
  });

  test('1.30.3: rendered with more than one fixed replica', () => {
    expect(pdbs(render(V30, { replicas: 3 }).objs)).toHaveLength(1);
  });

  test.each(VERSIONS)('%s: podDisruptionBudget false removes it', (_tag, version) => {
    expect(pdbs(render(version, { podDisruptionBudget: false, autoscaling: { minReplicas: 2 } }).objs)).toHaveLength(0);
  });

  test.each(VERSIONS)('%s: podDisruptionBudget options render it', (_tag, version) => {
    const pdb = findOne(render(version, { podDisruptionBudget: { maxUnavailable: '50%', unhealthyPodEvictionPolicy: 'AlwaysAllow' } }).objs,
      'PodDisruptionBudget', 'istiod');
    expect(pdb.spec).toEqual({ maxUnavailable: '50%', unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { app: 'istiod', istio: 'pilot' } } });
    expect(pdbs(render(version, { podDisruptionBudget: true }).objs)).toHaveLength(1);
  });

  test('a revision PDB selects by istio.io/rev', () => {
    const pdb = findOne(render(V20, { revision: 'canary' }).objs, 'PodDisruptionBudget', 'istiod-canary');
    expect(pdb.spec.selector.matchLabels).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
  });

  test('1.20.3 on Kubernetes 1.20 uses policy/v1beta1', () => {
    const pdb = findOne(render(V20, {}, { kubernetesVersion: '1.20' }).objs, 'PodDisruptionBudget', 'istiod');
    expect(pdb.apiVersion).toBe('policy/v1beta1');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(findOne(render(V20, {}, { kubernetesVersion: '1.21' }).objs, 'PodDisruptionBudget', 'istiod').apiVersion).toBe('policy/v1');
  });
});
