import { Testing } from 'cdk8s';
import { IstioBase, IstioBaseProps, IstioCrds } from '../../src/base';
import { Istiod } from '../../src/istiod';
import { IstioVersion } from '../../src/version';
import { K8sObject } from '../support/schema';
import { findOne, ids, newChart, ofKind, synthValid } from '../support/synth';

const V30 = IstioVersion.V1_30_3;
const V20 = IstioVersion.V1_20_3;

function render(props: IstioBaseProps = {}): { base: IstioBase; objs: K8sObject[] } {
  const chart = newChart();
  const base = new IstioBase(chart, 'base', props);
  return { base, objs: synthValid(chart) };
}

const SECURITY_CRDS = ['authorizationpolicies', 'peerauthentications', 'requestauthentications'].map((p) => `${p}.security.istio.io`);

describe('object set', () => {
  test('1.30.3 default: namespace, 15 CRDs, reader ServiceAccount, default validator', () => {
    const { objs } = render();
    const crds = ofKind(objs, 'CustomResourceDefinition').map((c) => `CustomResourceDefinition ${c.metadata.name}`);
    expect(crds).toHaveLength(15);
    expect(ids(objs)).toEqual([
      'Namespace istio-system',
      ...crds,
      'ServiceAccount istio-system/istio-reader-service-account',
      'ValidatingWebhookConfiguration istiod-default-validator',
    ]);
    expect(crds).toContain('CustomResourceDefinition trafficextensions.extensions.istio.io');
    expect(crds).not.toContain('CustomResourceDefinition istiooperators.install.istio.io');
  });

  test('1.20.3: 14 Istio CRDs plus IstioOperator', () => {
    const { objs } = render({ version: V20 });
    const crds = ofKind(objs, 'CustomResourceDefinition').map((c) => c.metadata.name);
    expect(crds).toHaveLength(15);
    expect(crds.filter((n) => n.endsWith('.install.istio.io'))).toEqual(['istiooperators.install.istio.io']);
    expect(crds).not.toContain('trafficextensions.extensions.istio.io');
    expect(ids(objs).filter((i) => !i.startsWith('CustomResourceDefinition'))).toEqual([
      'Namespace istio-system',
      'ServiceAccount istio-system/istio-reader-service-account',
      'ValidatingWebhookConfiguration istiod-default-validator',
    ]);
  });

  test('public properties', () => {
    const { base } = render({ version: V20, kubernetesVersion: '1.20' });
    expect(base.version).toBe(V20);
    expect(base.namespace).toBe('istio-system');
    expect(base.kubernetesMinor).toBe(20);
    expect(base.defaultRevision).toBe('');
    expect(base.crds.source).toBe('builtIn');
    expect(base.crdObjects).toHaveLength(15);
    expect(base.createsNamespace).toBe(true);
    expect(base.readerServiceAccount?.name).toBe('istio-reader-service-account');
    expect(base.defaultValidatorObject?.name).toBe('istiod-default-validator');
  });

  test('crdKinds() and crdNames() list the release\'s CRDs, sorted', () => {
    const b30 = render().base;
    const b20 = render({ version: V20 }).base;
    expect(b30.crdKinds()).toEqual([
      'AuthorizationPolicy', 'DestinationRule', 'EnvoyFilter', 'Gateway', 'PeerAuthentication', 'ProxyConfig',
      'RequestAuthentication', 'ServiceEntry', 'Sidecar', 'Telemetry', 'TrafficExtension', 'VirtualService',
      'WasmPlugin', 'WorkloadEntry', 'WorkloadGroup',
    ]);
    expect(b20.crdKinds()).toEqual([
      'AuthorizationPolicy', 'DestinationRule', 'EnvoyFilter', 'Gateway', 'IstioOperator', 'PeerAuthentication',
      'ProxyConfig', 'RequestAuthentication', 'ServiceEntry', 'Sidecar', 'Telemetry', 'VirtualService', 'WasmPlugin',
      'WorkloadEntry', 'WorkloadGroup',
    ]);
    expect(b30.crdNames()[0]).toBe('authorizationpolicies.security.istio.io');
    expect(b30.crdCatalog().find((c) => c.kind === 'Telemetry')?.versions.find((v) => v.storage)?.name).toBe('v1alpha1');
  });
});

describe('namespace', () => {
  test('carries name=<ns> and the extra labels; selector labels use name', () => {
    const { base, objs } = render({ namespace: 'mesh', namespaceLabels: { 'team': 'platform', 'topology.istio.io/network': 'net1' } });
    const ns = findOne(objs, 'Namespace', 'mesh');
    expect(ns.metadata.labels).toEqual({ 'name': 'mesh', 'team': 'platform', 'topology.istio.io/network': 'net1' });
    expect(base.namespaceLabels).toEqual(ns.metadata.labels);
    expect(base.namespaceSelectorLabels).toEqual({ name: 'mesh' });
    expect(findOne(objs, 'ServiceAccount', 'istio-reader-service-account').metadata.namespace).toBe('mesh');
    expect(findOne(objs, 'ValidatingWebhookConfiguration', 'istiod-default-validator').webhooks[0].clientConfig.service.namespace).toBe('mesh');
  });

  test('MLOps platform: istio-system labelled name=istio-system', () => {
    const { objs } = render();
    expect(findOne(objs, 'Namespace', 'istio-system').metadata.labels).toEqual({ name: 'istio-system' });
  });

  test('namespaceLabels may repeat name=<ns>', () => {
    const { objs } = render({ namespaceLabels: { name: 'istio-system' } });
    expect(findOne(objs, 'Namespace', 'istio-system').metadata.labels).toEqual({ name: 'istio-system' });
  });

  test('createNamespace: false emits no Namespace; selector falls back to kubernetes.io/metadata.name', () => {
    const { base, objs } = render({ createNamespace: false });
    expect(ofKind(objs, 'Namespace')).toHaveLength(0);
    expect(base.namespaceObject).toBeUndefined();
    expect(base.namespaceLabels).toEqual({});
    expect(base.namespaceSelectorLabels).toEqual({ 'kubernetes.io/metadata.name': 'istio-system' });
    expect(ofKind(objs, 'ServiceAccount')).toHaveLength(1);
  });
});

describe('default validating webhook', () => {
  test.each([
    [V30, ['v1']],
    [V20, ['v1beta1', 'v1']],
  ])('%s: service istiod, /validate, the four groups, Ignore, None, admissionReviewVersions', (version, arv) => {
    const { objs } = render({ version });
    const vwc = findOne(objs, 'ValidatingWebhookConfiguration', 'istiod-default-validator');
    expect(vwc.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(vwc.webhooks).toHaveLength(1);
    const wh = vwc.webhooks[0];
    expect(wh.name).toBe('validation.istio.io');
    expect(wh.clientConfig).toEqual({ service: { name: 'istiod', namespace: 'istio-system', path: '/validate' } });
    expect(wh.rules).toEqual([{
      operations: ['CREATE', 'UPDATE'],
      apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
      apiVersions: ['*'],
      resources: ['*'],
    }]);
    expect(wh.failurePolicy).toBe('Ignore');
    expect(wh.sideEffects).toBe('None');
    expect(wh.admissionReviewVersions).toEqual(arv);
    expect(wh.namespaceSelector).toBeUndefined();
    expect(wh.objectSelector).toBeUndefined();
  });

  test('defaultRevision canary: service istiod-canary, istio.io/rev canary', () => {
    const { base, objs } = render({ defaultRevision: 'canary' });
    const vwc = findOne(objs, 'ValidatingWebhookConfiguration', 'istiod-default-validator');
    expect(base.defaultRevision).toBe('canary');
    expect(vwc.webhooks[0].clientConfig.service.name).toBe('istiod-canary');
    expect(vwc.metadata.labels?.['istio.io/rev']).toBe('canary');
  });

  test('defaultRevision "default" means the revision-less istiod', () => {
    const { base, objs } = render({ defaultRevision: 'default' });
    const vwc = findOne(objs, 'ValidatingWebhookConfiguration', 'istiod-default-validator');
    expect(base.defaultRevision).toBe('');
    expect(vwc.webhooks[0].clientConfig.service.name).toBe('istiod');
    expect(vwc.metadata.labels?.['istio.io/rev']).toBe('default');
  });

  test('defaultValidator: false skips it', () => {
    const { base, objs } = render({ defaultValidator: false });
    expect(ofKind(objs, 'ValidatingWebhookConfiguration')).toHaveLength(0);
    expect(base.defaultValidatorObject).toBeUndefined();
  });

  test('1.20 validateGateway adds gateway.networking.k8s.io', () => {
    const { objs } = render({ version: V20, validateGateway: true });
    expect(findOne(objs, 'ValidatingWebhookConfiguration', 'istiod-default-validator').webhooks[0].rules[0].apiGroups).toEqual([
      'security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io', 'gateway.networking.k8s.io',
    ]);
  });
});

describe('labels per version', () => {
  const CHART_30 = {
    'app.kubernetes.io/instance': 'istio-base',
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': '1.30.3',
    'helm.sh/chart': 'base-1.30.3',
  };

  test('1.30 CRDs carry the chart label set (static labels replaced) and keep their annotation', () => {
    const crds = ofKind(render().objs, 'CustomResourceDefinition');
    for (const crd of crds) {
      expect(crd.metadata.labels).toEqual(CHART_30);
      expect(crd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    }
  });

  test('1.20 CRDs carry the static labels, istio: security|telemetry where upstream has them', () => {
    const crds = ofKind(render({ version: V20 }).objs, 'CustomResourceDefinition');
    const statics = { app: 'istio-pilot', chart: 'istio', heritage: 'Tiller', release: 'istio' };
    for (const crd of crds) {
      const name = crd.metadata.name;
      if (name === 'istiooperators.install.istio.io') {
        expect(crd.metadata.labels).toEqual({ release: 'istio' });
        expect(crd.metadata.annotations).toBeUndefined();
        continue;
      }
      let istio: Record<string, string> = {};
      if (SECURITY_CRDS.includes(name)) istio = { istio: 'security' };
      if (name === 'telemetries.telemetry.istio.io') istio = { istio: 'telemetry' };
      expect(crd.metadata.labels).toEqual({ ...statics, ...istio });
      if (name === 'workloadgroups.networking.istio.io') {
        expect(crd.metadata.annotations).toBeUndefined();
      } else {
        expect(crd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
      }
    }
  });

  test('reader ServiceAccount', () => {
    expect(findOne(render().objs, 'ServiceAccount', 'istio-reader-service-account').metadata.labels).toEqual({
      'app': 'istio-reader', 'release': 'istio-base', 'app.kubernetes.io/name': 'istio-reader', ...CHART_30,
    });
    expect(findOne(render({ version: V20 }).objs, 'ServiceAccount', 'istio-reader-service-account').metadata.labels).toEqual({
      app: 'istio-reader', release: 'istio-base',
    });
  });

  test('default validator', () => {
    expect(findOne(render().objs, 'ValidatingWebhookConfiguration', 'istiod-default-validator').metadata.labels).toEqual({
      'app': 'istiod', 'istio': 'istiod', 'istio.io/rev': 'default', 'release': 'istio-base', 'app.kubernetes.io/name': 'istiod', ...CHART_30,
    });
    expect(findOne(render({ version: V20 }).objs, 'ValidatingWebhookConfiguration', 'istiod-default-validator').metadata.labels).toEqual({
      'app': 'istiod', 'istio': 'istiod', 'istio.io/rev': 'default', 'release': 'istio-base',
    });
  });

  test('a later 1.30 patch release shows in the version labels', () => {
    const crd = ofKind(render({ version: IstioVersion.of('1.30.4') }).objs, 'CustomResourceDefinition')[0];
    expect(crd.metadata.labels?.['app.kubernetes.io/version']).toBe('1.30.4');
    expect(crd.metadata.labels?.['helm.sh/chart']).toBe('base-1.30.4');
  });
});

describe('determinism', () => {
  test.each([V30, V20])('%s: two syntheses give identical output', (version) => {
    const once = () => {
      const chart = newChart();
      new IstioBase(chart, 'base', { version, namespaceLabels: { b: '2', a: '1' } });
      synthValid(chart);
      return Testing.synth(chart);
    };
    const a = JSON.stringify(once());
    expect(JSON.stringify(once())).toBe(a);
    expect(a.length).toBeGreaterThan(1000);
  });
});

describe('two Istio versions side by side (canary upgrade)', () => {
  function sideBySide(oldBase: Partial<IstioBaseProps> = {}) {
    const chart = newChart('mesh');
    const base = new IstioBase(chart, 'base', { version: IstioVersion.V1_30_3, defaultRevision: '1-30-3' });
    new Istiod(chart, 'istiod-1-30', { base, revision: '1-30-3' });
    const old = new IstioBase(chart, 'base-1-20', {
      version: IstioVersion.V1_20_3, crds: IstioCrds.none(), createNamespace: false, defaultValidator: false, readerServiceAccount: false, ...oldBase,
    });
    new Istiod(chart, 'istiod-1-20', { base: old, revision: '1-20-3' });
    return chart;
  }

  test('both control planes, each object once; CRDs, reader account and validator from the newer base', () => {
    const objs = synthValid(sideBySide());
    const images = ofKind(objs, 'Deployment').map((d) => `${d.metadata.name} ${d.spec.template.spec.containers[0].image}`).sort();
    expect(images).toEqual(['istiod-1-20-3 docker.io/istio/pilot:1.20.3', 'istiod-1-30-3 docker.io/istio/pilot:1.30.3']);
    expect(ofKind(objs, 'ServiceAccount').map((o) => o.metadata.name).sort()).toEqual(['istio-reader-service-account', 'istiod-1-20-3', 'istiod-1-30-3']);
    expect(ofKind(objs, 'CustomResourceDefinition')).toHaveLength(15);
    expect(findOne(objs, 'ValidatingWebhookConfiguration', 'istiod-default-validator').webhooks[0].clientConfig.service.name).toBe('istiod-1-30-3');
    expect(ofKind(objs, 'MutatingWebhookConfiguration').map((o) => o.metadata.name).sort()).toEqual(['istio-sidecar-injector-1-20-3', 'istio-sidecar-injector-1-30-3']);
    const ids = objs.map((o) => `${o.apiVersion.split('/')[0]} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('a second base that still emits a shared object is refused, naming the first', () => {
    expect(() => sideBySide({ readerServiceAccount: true }))
      .toThrow(/^mesh\/base-1-20: invalid metadata.name of its ServiceAccount "istio-reader-service-account": must not repeat an object another construct emits: ServiceAccount istio-system\/istio-reader-service-account is already emitted by mesh\/base/);
  });

  test('readerServiceAccount must be a boolean', () => {
    expect(() => new IstioBase(newChart('mesh'), 'base', { readerServiceAccount: 'no' as unknown as boolean }))
      .toThrow(/mesh\/base: invalid readerServiceAccount "no": must be true or false/);
  });
});
