import { IstioVersion } from '../../src/version';
import { findOne, ofKind } from '../support/synth';
import { render, VERSIONS } from './helpers';

const V30 = IstioVersion.V1_30_3;
const V20 = IstioVersion.V1_20_3;

function expr(key: string, operator: string, values?: string[]) {
  return values ? { key, operator, values } : { key, operator };
}

describe('sidecar-injector MutatingWebhookConfiguration', () => {
  test.each(VERSIONS)('%s: four webhooks with the chart selectors', (_tag, version) => {
    const mwc = findOne(render(version).objs, 'MutatingWebhookConfiguration', 'istio-sidecar-injector');
    const hooks = mwc.webhooks;
    expect(hooks.map((w: any) => w.name)).toEqual([
      'rev.namespace.sidecar-injector.istio.io',
      'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io',
      'object.sidecar-injector.istio.io',
    ]);
    const sel = Object.fromEntries(hooks.map((w: any) => [w.name, [w.namespaceSelector.matchExpressions, w.objectSelector.matchExpressions]]));
    expect(sel['rev.namespace.sidecar-injector.istio.io']).toEqual([
      [expr('istio.io/rev', 'In', ['default']), expr('istio-injection', 'DoesNotExist')],
      [expr('sidecar.istio.io/inject', 'NotIn', ['false'])],
    ]);
    expect(sel['rev.object.sidecar-injector.istio.io']).toEqual([
      [expr('istio.io/rev', 'DoesNotExist'), expr('istio-injection', 'DoesNotExist')],
      [expr('sidecar.istio.io/inject', 'NotIn', ['false']), expr('istio.io/rev', 'In', ['default'])],
    ]);
    expect(sel['namespace.sidecar-injector.istio.io']).toEqual([
      [expr('istio-injection', 'In', ['enabled'])],
      [expr('sidecar.istio.io/inject', 'NotIn', ['false'])],
    ]);
    expect(sel['object.sidecar-injector.istio.io']).toEqual([
      [expr('istio-injection', 'DoesNotExist'), expr('istio.io/rev', 'DoesNotExist')],
      [expr('sidecar.istio.io/inject', 'In', ['true']), expr('istio.io/rev', 'DoesNotExist')],
    ]);
  });

  test.each(VERSIONS)('%s: client config, rules and policies', (_tag, version) => {
    const mwc = findOne(render(version).objs, 'MutatingWebhookConfiguration', 'istio-sidecar-injector');
    for (const w of mwc.webhooks) {
      expect(w.clientConfig).toEqual({ service: { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 } });
      expect(w.rules).toEqual([{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }]);
      expect(w.failurePolicy).toBe('Fail');
      expect(w.sideEffects).toBe('None');
      expect(w.reinvocationPolicy).toBe('Never');
      expect(w.admissionReviewVersions).toEqual(version.admissionReviewVersions);
    }
  });

  test('admissionReviewVersions: [v1] on 1.30.3, [v1beta1, v1] on 1.20.3', () => {
    const arv = (v: IstioVersion) => findOne(render(v).objs, 'MutatingWebhookConfiguration', 'istio-sidecar-injector').webhooks[0].admissionReviewVersions;
    expect(arv(V30)).toEqual(['v1']);
    expect(arv(V20)).toEqual(['v1beta1', 'v1']);
  });

  test.each(VERSIONS)('%s: a revision gets only the two rev.* webhooks, selecting the revision', (_tag, version) => {
    const mwc = findOne(render(version, { revision: 'canary' }).objs, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-canary');
    expect(mwc.webhooks.map((w: any) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    expect(mwc.webhooks[0].namespaceSelector.matchExpressions[0]).toEqual(expr('istio.io/rev', 'In', ['canary']));
    expect(mwc.webhooks[1].objectSelector.matchExpressions[1]).toEqual(expr('istio.io/rev', 'In', ['canary']));
    for (const w of mwc.webhooks) expect(w.clientConfig.service.name).toBe('istiod-canary');
  });

  test.each(VERSIONS)('%s: outside istio-system the name gets a -<ns> suffix', (_tag, version) => {
    const { objs } = render(version, {}, { namespace: 'istio-control' });
    const mwc = findOne(objs, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-istio-control');
    expect(mwc.webhooks[0].clientConfig.service).toEqual({ name: 'istiod', namespace: 'istio-control', path: '/inject', port: 443 });
    const rev = render(version, { revision: 'canary' }, { namespace: 'istio-control' }).objs;
    expect(ofKind(rev, 'MutatingWebhookConfiguration').map((o) => o.metadata.name)).toEqual(['istio-sidecar-injector-canary-istio-control']);
  });
});

describe('istio-validator ValidatingWebhookConfiguration', () => {
  test.each(VERSIONS)('%s: rev.validation.istio.io on the four Istio groups', (_tag, version) => {
    const vwc = findOne(render(version).objs, 'ValidatingWebhookConfiguration', 'istio-validator-istio-system');
    expect(vwc.webhooks).toHaveLength(1);
    const w = vwc.webhooks[0];
    expect(w.name).toBe('rev.validation.istio.io');
    expect(w.clientConfig).toEqual({ service: { name: 'istiod', namespace: 'istio-system', path: '/validate' } });
    expect(w.rules).toEqual([{
      operations: ['CREATE', 'UPDATE'],
      apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
      apiVersions: ['*'],
      resources: ['*'],
    }]);
    expect(w.failurePolicy).toBe('Ignore');
    expect(w.sideEffects).toBe('None');
    expect(w.admissionReviewVersions).toEqual(version.admissionReviewVersions);
    expect(w.objectSelector).toEqual({ matchExpressions: [expr('istio.io/rev', 'In', ['default'])] });
    expect(w.namespaceSelector).toBeUndefined();
  });

  test.each(VERSIONS)('%s: revision and namespace in the name and selector', (_tag, version) => {
    const { objs } = render(version, { revision: 'canary' }, { namespace: 'istio-control' });
    const vwc = findOne(objs, 'ValidatingWebhookConfiguration', 'istio-validator-canary-istio-control');
    expect(vwc.webhooks[0].clientConfig.service).toEqual({ name: 'istiod-canary', namespace: 'istio-control', path: '/validate' });
    expect(vwc.webhooks[0].objectSelector.matchExpressions).toEqual([expr('istio.io/rev', 'In', ['canary'])]);
  });
});
