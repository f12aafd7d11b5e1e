import { ApiObject } from 'cdk8s';
import { KubeService } from 'cdk8s-plus-28/lib/imports/k8s';
import { istioObject } from '../../src/istio-object';
import { IstioVersion } from '../../src/version';
import { modelPath, validateObject } from './schema';
import { newChart, synthValid } from './synth';

describe('schema validation helper', () => {
  test('maps apiVersion/kind to single model files', () => {
    expect(modelPath('v1', 'Service')).toBe('kubernetes-models/v1/Service');
    expect(modelPath('apps/v1', 'Deployment')).toBe('kubernetes-models/apps/v1/Deployment');
    expect(modelPath('networking.istio.io/v1beta1', 'Gateway')).toBe('@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway');
    expect(modelPath('argoproj.io/v1alpha1', 'Application')).toBe('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application');
    expect(modelPath('cert-manager.io/v1', 'Issuer')).toBe('@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer');
  });

  test('accepts valid Kubernetes and Istio objects of both API versions', () => {
    const chart = newChart();
    new KubeService(chart, 'svc', { metadata: { name: 'a', namespace: 'x' }, spec: { ports: [{ port: 80 }] } });
    for (const v of [IstioVersion.V1_30_3, IstioVersion.V1_20_3]) {
      istioObject(chart, `vs-${v.line}`, v, 'VirtualService', { name: `vs-${v.minor}`, namespace: 'x' }, { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }] }] });
    }
    const objs = synthValid(chart);
    expect(objs.map((o) => o.apiVersion)).toEqual(['v1', 'networking.istio.io/v1', 'networking.istio.io/v1beta1']);
  });

  test('rejects objects that break their schema, naming the object', () => {
    expect(() => validateObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { ports: [{ port: 'eighty' }] } }))
      .toThrow(/schema validation failed for v1 Service \/?a/);
    expect(() => validateObject({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'b' }, spec: { hosts: 'not-a-list' } }))
      .toThrow(/VirtualService/);
    const chart = newChart();
    new ApiObject(chart, 'bad', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 'three' } });
    expect(() => synthValid(chart)).toThrow(/apps\/v1 Deployment d/);
  });

  test('refuses kinds it has no schema for', () => {
    expect(() => validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toThrow(/no schema model/);
  });
});
