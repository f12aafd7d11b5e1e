import { App } from 'cdk8s';
import { PiClusterMeshChart } from '../../src/charts';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { synthValid } from '../support/synth';

describe('PiClusterMeshChart dataplane', () => {
  test('ambient at 1.30: ztunnel and the CNI agent, the app namespace in ambient with its waypoint, routes and policies as before', () => {
    const chart = new PiClusterMeshChart(new App(), 'pi', { version: IstioVersion.V1_30_3, dataplane: 'ambient' });
    const objs = synthValid(chart);
    expect(objs.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata?.name).sort()).toEqual(['istio-cni-node', 'ztunnel']);
    const ns = objs.find((o) => o.kind === 'Namespace' && o.metadata?.name === 'trading')!;
    expect(ns.metadata?.labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint', 'pod-security.kubernetes.io/enforce': 'restricted' });
    const waypoint = objs.find((o) => o.kind === 'Gateway' && o.apiVersion.startsWith('gateway.networking.k8s.io'))!;
    expect(waypoint.metadata).toMatchObject({ name: 'waypoint', namespace: 'trading' });
    expect(objs.filter((o) => o.kind === 'CustomResourceDefinition' && o.metadata?.name?.endsWith('gateway.networking.k8s.io')).length).toBeGreaterThan(0);
    expect(objs.some((o) => o.kind === 'VirtualService' && o.metadata?.name === 'trading-canary')).toBe(true);
    expect(chart.waypoint?.name).toBe('waypoint');
  });

  test('sidecar stays the default, without ztunnel or a waypoint', () => {
    const objs = synthValid(new PiClusterMeshChart(new App(), 'pi', { version: IstioVersion.V1_30_3 }));
    expect(objs.filter((o) => o.kind === 'DaemonSet')).toEqual([]);
    expect(objs.find((o) => o.kind === 'Namespace' && o.metadata?.name === 'trading')!.metadata?.labels?.['istio-injection']).toBe('enabled');
  });

  test('ambient at the preset\'s default 1.20.3 is refused with the reason and the fix', () => {
    let err: unknown;
    try {
      new PiClusterMeshChart(new App(), 'pi', { dataplane: 'ambient' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IstioValidationError);
    expect((err as IstioValidationError).field).toBe('dataplane');
    expect((err as IstioValidationError).expected).toContain('set version: IstioVersion.V1_30_3');
  });
});
