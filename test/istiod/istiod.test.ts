import { IstioBase } from '../../src/base';
import { Istiod } from '../../src/istiod';
import { IstioVersion } from '../../src/version';
import { findOne, ids, newChart, ofKind, synthValid } from '../support/synth';
import { deployment, envValue, meshOf, render, VERSIONS } from './helpers';

const COMMON_SET = [
  'ServiceAccount istio-system/istiod',
  'ConfigMap istio-system/istio',
  'ConfigMap istio-system/istio-sidecar-injector',
  'ClusterRole istiod-clusterrole-istio-system',
  'ClusterRoleBinding istiod-clusterrole-istio-system',
  'ClusterRole istiod-gateway-controller-istio-system',
  'ClusterRoleBinding istiod-gateway-controller-istio-system',
  'ClusterRole istio-reader-clusterrole-istio-system',
  'ClusterRoleBinding istio-reader-clusterrole-istio-system',
  'Role istio-system/istiod',
  'RoleBinding istio-system/istiod',
  'Service istio-system/istiod',
  'Deployment istio-system/istiod',
  'HorizontalPodAutoscaler istio-system/istiod',
  'MutatingWebhookConfiguration istio-sidecar-injector',
  'ValidatingWebhookConfiguration istio-validator-istio-system',
];

describe('Istiod default install (three lines)', () => {
  test('1.30.3 renders the chart objects plus the values ConfigMap, and no PDB', () => {
    const { objs } = render(IstioVersion.V1_30_3);
    expect(ids(objs).sort()).toEqual([...COMMON_SET, 'ConfigMap istio-system/values'].sort());
  });

  test('1.20.3 renders the chart objects plus a PDB, and no values ConfigMap', () => {
    const { objs } = render(IstioVersion.V1_20_3);
    expect(ids(objs).sort()).toEqual([...COMMON_SET, 'PodDisruptionBudget istio-system/istiod'].sort());
  });

  test.each(VERSIONS)('%s: the validator is rendered on every version (istioctl renders it on 1.20 too)', (_tag, version) => {
    const { objs } = render(version);
    expect(ofKind(objs, 'ValidatingWebhookConfiguration').map((o) => o.metadata.name)).toEqual(['istio-validator-istio-system']);
  });

  test.each(VERSIONS)('%s: namespaced objects live in the base namespace', (_tag, version) => {
    const { objs } = render(version, {}, { namespace: 'mesh-system' });
    const clusterScoped = ['ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
    for (const o of objs) {
      if (clusterScoped.includes(o.kind)) expect(o.metadata.namespace).toBeUndefined();
      else expect(o.metadata.namespace).toBe('mesh-system');
    }
  });

  test('two synth runs are byte-identical', () => {
    for (const [, version] of VERSIONS) {
      const a = JSON.stringify(render(version, { revision: 'canary', env: { B: '2', A: '1' } }).all);
      const b = JSON.stringify(render(version, { revision: 'canary', env: { A: '1', B: '2' } }).all);
      expect(a).toBe(b);
    }
  });
});

describe('labels', () => {
  test('1.20.3: the static istiod label set only', () => {
    const { objs } = render(IstioVersion.V1_20_3);
    expect(findOne(objs, 'Service', 'istiod').metadata.labels).toEqual({
      'app': 'istiod',
      'install.operator.istio.io/owning-resource': 'unknown',
      'istio': 'pilot',
      'istio.io/rev': 'default',
      'operator.istio.io/component': 'Pilot',
      'release': 'istiod',
    });
  });

  test('1.30.3: the static set plus app.kubernetes.io/* and helm.sh/chart', () => {
    const { objs } = render(IstioVersion.V1_30_3);
    const labels = findOne(objs, 'Deployment', 'istiod').metadata.labels!;
    expect(labels).toMatchObject({
      'app': 'istiod',
      'istio': 'pilot',
      'istio.io/rev': 'default',
      'operator.istio.io/component': 'Pilot',
      'release': 'istiod',
      'app.kubernetes.io/name': 'istiod',
      'app.kubernetes.io/instance': 'istiod',
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': '1.30.3',
      'helm.sh/chart': 'istiod-1.30.3',
    });
  });

  test.each(VERSIONS)('%s: the injector webhook is labelled app=sidecar-injector, the validator istio=istiod', (_tag, version) => {
    const { objs } = render(version);
    const mwc = findOne(objs, 'MutatingWebhookConfiguration', 'istio-sidecar-injector').metadata.labels!;
    expect(mwc.app).toBe('sidecar-injector');
    expect(mwc['istio.io/rev']).toBe('default');
    const vwc = findOne(objs, 'ValidatingWebhookConfiguration', 'istio-validator-istio-system').metadata.labels!;
    expect(vwc).toMatchObject({ 'app': 'istiod', 'istio': 'istiod', 'istio.io/rev': 'default' });
  });
});

describe('revision canary', () => {
  test.each(VERSIONS)('%s: renames every object', (_tag, version) => {
    const { objs } = render(version, { revision: 'canary' });
    const expected = [
      'ServiceAccount istio-system/istiod-canary',
      'ConfigMap istio-system/istio-canary',
      'ConfigMap istio-system/istio-sidecar-injector-canary',
      'ClusterRole istiod-clusterrole-canary-istio-system',
      'ClusterRoleBinding istiod-clusterrole-canary-istio-system',
      'ClusterRole istiod-gateway-controller-canary-istio-system',
      'ClusterRoleBinding istiod-gateway-controller-canary-istio-system',
      'ClusterRole istio-reader-clusterrole-canary-istio-system',
      'ClusterRoleBinding istio-reader-clusterrole-canary-istio-system',
      'Role istio-system/istiod-canary',
      'RoleBinding istio-system/istiod-canary',
      'Service istio-system/istiod-canary',
      'Deployment istio-system/istiod-canary',
      'HorizontalPodAutoscaler istio-system/istiod-canary',
      'MutatingWebhookConfiguration istio-sidecar-injector-canary',
      'ValidatingWebhookConfiguration istio-validator-canary-istio-system',
    ];
    if (version.valuesConfigMap) expect(ids(objs)).toContain('ConfigMap istio-system/values-canary');
    if (version.istiodPdbByDefault) expect(ids(objs)).toContain('PodDisruptionBudget istio-system/istiod-canary');
    expect(ids(objs)).toEqual(expect.arrayContaining(expected));
    expect(objs).toHaveLength(expected.length + 1);
  });

  test.each(VERSIONS)('%s: selects pods by istio.io/rev', (_tag, version) => {
    const { objs } = render(version, { revision: 'canary' });
    const selector = { 'app': 'istiod', 'istio.io/rev': 'canary' };
    const dep = deployment(objs, 'istiod-canary');
    expect(dep.spec.selector.matchLabels).toEqual(selector);
    // `istio: istiod` on a revision's pods: the default revision's selectors (istio: pilot) must not match them
    expect(dep.spec.template.metadata.labels).toMatchObject({ ...selector, istio: 'istiod' });
    expect(dep.spec.template.metadata.labels.istio).not.toBe('pilot');
    expect(dep.spec.template.spec.serviceAccountName).toBe('istiod-canary');
    expect(findOne(objs, 'Service', 'istiod-canary').spec.selector).toEqual(selector);
    expect(findOne(objs, 'HorizontalPodAutoscaler', 'istiod-canary').spec.scaleTargetRef.name).toBe('istiod-canary');
    expect(envValue(objs, 'REVISION', 'istiod-canary')).toBe('canary');
    expect(meshOf(objs, 'istio-canary').defaultConfig.discoveryAddress).toBe('istiod-canary.istio-system.svc:15012');
    // upstream's chart labels the revision on the workload, webhooks and ConfigMaps, not on RBAC objects
    const rbac = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];
    for (const o of objs) expect(o.metadata.labels?.['istio.io/rev']).toBe(rbac.includes(o.kind) ? undefined : 'canary');
    expect(objs.filter((o) => o.metadata.labels?.['istio.io/rev'] === 'canary').map((o) => o.kind)).toEqual(
      expect.arrayContaining(['ConfigMap', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']));
  });

  test('the default revision selects istio=pilot', () => {
    const { objs } = render(IstioVersion.V1_30_3);
    expect(deployment(objs).spec.selector.matchLabels).toEqual({ istio: 'pilot' });
    expect(findOne(objs, 'Service', 'istiod').spec.selector).toEqual({ app: 'istiod', istio: 'pilot' });
  });

  test.each(VERSIONS)('%s: a default and a canary control plane coexist in one chart', (_tag, version) => {
    const chart = newChart();
    const base = new IstioBase(chart, 'base', { version });
    new Istiod(chart, 'stable', { base });
    new Istiod(chart, 'canary', { base, revision: 'canary' });
    const all = synthValid(chart);
    const names = ids(all);
    expect(new Set(names).size).toBe(names.length);
    expect(ofKind(all, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['istiod', 'istiod-canary']);
    expect(ofKind(all, 'MutatingWebhookConfiguration').map((d) => d.metadata.name).sort())
      .toEqual(['istio-sidecar-injector', 'istio-sidecar-injector-canary']);
  });
});

describe('public properties', () => {
  test.each(VERSIONS)('%s: names and selectors other constructs use', (_tag, version) => {
    const { istiod, objs } = render(version);
    expect(istiod.serviceAccountName).toBe('istiod');
    expect(istiod.selectorLabels).toEqual(findOne(objs, 'Service', 'istiod').spec.selector);
    expect(istiod.meshConfigName).toBe('istio');
    expect(istiod.injectorConfigMapName).toBe('istio-sidecar-injector');
    expect(istiod.serviceName).toBe('istiod');
    expect(istiod.discoveryAddress).toBe('istiod.istio-system.svc:15012');
    expect(istiod.revisionLabel).toBe('default');
    expect(istiod.suffix).toBe('');
    expect(istiod.namespaceInjectionLabels()).toEqual({ 'istio-injection': 'enabled' });
    expect(istiod.podInjectionLabels()).toEqual({ 'sidecar.istio.io/inject': 'true' });
    findOne(objs, 'ConfigMap', istiod.meshConfigName, istiod.namespace);
    findOne(objs, 'ConfigMap', istiod.injectorConfigMapName, istiod.namespace);
    findOne(objs, 'ServiceAccount', istiod.serviceAccountName, istiod.namespace);
  });

  test('revision properties', () => {
    const { istiod, objs } = render(IstioVersion.V1_30_3, { revision: 'canary' });
    expect(istiod.serviceAccountName).toBe('istiod-canary');
    expect(istiod.selectorLabels).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
    expect(istiod.meshConfigName).toBe('istio-canary');
    expect(istiod.injectorConfigMapName).toBe('istio-sidecar-injector-canary');
    expect(istiod.namespaceInjectionLabels()).toEqual({ 'istio.io/rev': 'canary' });
    expect(istiod.podInjectionLabels()).toEqual({ 'sidecar.istio.io/inject': 'true', 'istio.io/rev': 'canary' });
    expect(findOne(objs, 'Service', istiod.serviceName).spec.selector).toEqual(istiod.selectorLabels);
  });
});
