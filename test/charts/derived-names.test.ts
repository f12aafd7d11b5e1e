/**
 * Presets derive every name from their props: with a control plane in `mesh-system` nothing names `istio-system`,
 * and the principals they allow are SPIFFE identities of this mesh (trust domain, namespace, service account).
 */
import { IstioVersion } from '../../src';
import { MlopsMeshChart } from '../../src/charts';
import { K8sObject } from '../support/schema';
import { findOne } from '../support/synth';
import { pi } from './helpers';
import { Testing } from 'cdk8s';

function metricsPrincipals(objs: K8sObject[]): string[] {
  const policy = findOne(objs, 'AuthorizationPolicy', 'trading-agent-policy', 'trading');
  return (policy.spec.rules as Array<{ from: Array<{ source: { principals?: string[] } }> }>).flatMap((r) => r.from.flatMap((f) => f.source.principals ?? []));
}

describe('presets with a non-default control-plane namespace', () => {
  test('PiClusterMeshChart: the metrics principal follows istioNamespace', () => {
    const { objs } = pi({ istioNamespace: 'mesh-system' });
    expect(metricsPrincipals(objs)).toEqual(['cluster.local/ns/mesh-system/sa/prometheus']);
    expect(JSON.stringify(objs)).not.toContain('istio-system');
  });

  test('PiClusterMeshChart: the default stays the Pi document\'s principal', () => {
    expect(metricsPrincipals(pi().objs)).toEqual(['cluster.local/ns/istio-system/sa/prometheus']);
  });

  test('PiClusterMeshChart: with observability, Prometheus\'s namespace and service account give the principal', () => {
    const { objs } = pi({ istioNamespace: 'mesh-system', observabilityEnabled: true, observability: { prometheus: { namespace: 'monitoring', serviceAccount: 'prom' } } });
    expect(metricsPrincipals(objs)).toEqual(['cluster.local/ns/monitoring/sa/prom']);
  });

  test('MlopsMeshChart names nothing in istio-system when its control plane is elsewhere', () => {
    const objs = Testing.synth(new MlopsMeshChart(Testing.app(), 'mlops', { version: IstioVersion.V1_30_3, istioNamespace: 'mesh-system' })) as K8sObject[];
    expect(JSON.stringify(objs)).not.toContain('istio-system');
  });
});
