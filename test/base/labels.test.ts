import { chartLabels, commonLabels, sortLabels } from '../../src/base';
import { IstioVersion } from '../../src/version';

const V30 = IstioVersion.V1_30_3;
const V20 = IstioVersion.V1_20_3;

describe('commonLabels', () => {
  const istiod = { app: 'istiod', release: 'istiod', chart: 'istiod', component: 'Pilot', extra: { 'istio': 'pilot', 'istio.io/rev': 'default' } };

  test('1.30: static labels, app.kubernetes.io/* and helm.sh/chart, keys sorted', () => {
    const labels = commonLabels(V30, istiod);
    expect(labels).toEqual({
      'app': 'istiod',
      'app.kubernetes.io/instance': 'istiod',
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/name': 'istiod',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': '1.30.3',
      'helm.sh/chart': 'istiod-1.30.3',
      'istio': 'pilot',
      'istio.io/rev': 'default',
      'operator.istio.io/component': 'Pilot',
      'release': 'istiod',
    });
    expect(Object.keys(labels)).toEqual(Object.keys(labels).sort());
  });

  test('1.20: only the static labels', () => {
    expect(commonLabels(V20, istiod)).toEqual({
      'app': 'istiod', 'istio': 'pilot', 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot', 'release': 'istiod',
    });
  });

  test('name overrides app.kubernetes.io/name; managedBy overrides managed-by; extra wins', () => {
    const labels = commonLabels(V30, { app: 'istio-ingressgateway', name: 'ingress', release: 'ingress', chart: 'gateway', managedBy: 'cdk8s', extra: { release: 'custom' } });
    expect(labels['app.kubernetes.io/name']).toBe('ingress');
    expect(labels['app.kubernetes.io/managed-by']).toBe('cdk8s');
    expect(labels.release).toBe('custom');
    expect(labels['helm.sh/chart']).toBe('gateway-1.30.3');
  });

  test('without app there is no app nor app.kubernetes.io/name label', () => {
    const labels = commonLabels(V30, { release: 'r', chart: 'c' });
    expect(labels).not.toHaveProperty('app');
    expect(labels).not.toHaveProperty('app.kubernetes.io/name');
    expect(labels.release).toBe('r');
  });
});

test('chartLabels: the 1.30 chart set, nothing on 1.20', () => {
  expect(chartLabels(V30, { release: 'istio-base', chart: 'base' })).toEqual({
    'app.kubernetes.io/instance': 'istio-base',
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': '1.30.3',
    'helm.sh/chart': 'base-1.30.3',
  });
  expect(chartLabels(V20, { release: 'istio-base', chart: 'base' })).toEqual({});
});

test('sortLabels orders keys', () => {
  expect(Object.keys(sortLabels({ b: '1', a: '2', 'a.b/c': '3' }))).toEqual(['a', 'a.b/c', 'b']);
});
