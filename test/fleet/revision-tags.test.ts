import { App, Chart, Testing } from 'cdk8s';
import { analyze, IstioBase, Istiod, IstioValidationError, IstioVersion, RevisionTag, UpgradePlan, ZeroTrustNamespace } from '../../src';
import { K8sObject } from '../support/schema';
import { findOne, newChart, ofKind, synthValid } from '../support/synth';

const VERSIONS = [IstioVersion.V1_30_3, IstioVersion.V1_20_3];

function webhookNames(o: K8sObject): string[] {
  return (o.webhooks as Array<{ name: string }>).map((w) => w.name);
}

describe.each(VERSIONS.map((v) => [v.tag, v] as const))('revision tags at %s', (_t, version) => {
  test('Istiod revisionTags renders istio-revision-tag-<tag> selecting the tag and calling the revision', () => {
    const chart = newChart();
    const base = new IstioBase(chart, 'base', { version });
    const istiod = new Istiod(chart, 'istiod', { base, revision: '1-30', revisionTags: ['prod'] });
    expect(istiod.revisionTags).toEqual(['prod']);
    const objs = synthValid(chart);
    const mwc = findOne(objs, 'MutatingWebhookConfiguration', 'istio-revision-tag-prod');
    expect(mwc.metadata.labels).toMatchObject({ 'istio.io/tag': 'prod', 'istio.io/rev': '1-30', 'app': 'sidecar-injector' });
    expect(webhookNames(mwc)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    const [ns, obj] = mwc.webhooks as Array<Record<string, any>>;
    expect(ns.namespaceSelector.matchExpressions).toEqual([
      { key: 'istio.io/rev', operator: 'In', values: ['prod'] }, { key: 'istio-injection', operator: 'DoesNotExist' }]);
    expect(obj.objectSelector.matchExpressions[1]).toEqual({ key: 'istio.io/rev', operator: 'In', values: ['prod'] });
    expect(ns.clientConfig.service).toEqual({ name: 'istiod-1-30', namespace: 'istio-system', path: '/inject', port: 443 });
    expect('reinvocationPolicy' in ns).toBe(version.revisionTagReinvocationPolicy);
    expect(ofKind(objs, 'Service').some((s) => s.metadata.name === 'istiod-revision-tag-prod')).toBe(version.revisionTagService);
    if (version.revisionTagService) {
      const svc = findOne(objs, 'Service', 'istiod-revision-tag-prod', 'istio-system');
      expect((svc.spec as any).selector).toEqual({ 'app': 'istiod', 'istio.io/rev': '1-30' });
    }
  });

  test('the tag "default" also takes the default revision\'s selectors', () => {
    const chart = newChart();
    const base = new IstioBase(chart, 'base', { version });
    new Istiod(chart, 'istiod', { base, revision: 'canary', revisionTags: ['default'] });
    const mwc = findOne(synthValid(chart), 'MutatingWebhookConfiguration', 'istio-revision-tag-default');
    expect(webhookNames(mwc)).toEqual([
      'rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io', 'object.sidecar-injector.istio.io']);
  });

  test('a RevisionTag can point at a control plane installed elsewhere; outside istio-system the name carries the namespace', () => {
    const chart = newChart();
    const mesh = Istiod.fromAttributes(chart, 'mesh', { version, namespace: 'mesh-system', revision: 'blue' });
    const tag = new RevisionTag(chart, 'tag', { istiod: mesh, tag: 'stable' });
    expect(tag.webhookName).toBe('istio-revision-tag-stable-mesh-system');
    const ns = new ZeroTrustNamespace(chart, 'shop', { istiod: mesh, name: 'shop', revision: 'stable' });
    expect(ns.name).toBe('shop');
    const objs = Testing.synth(chart) as K8sObject[];
    expect(findOne(objs, 'Namespace', 'shop').metadata.labels).toMatchObject({ 'istio.io/rev': 'stable' });
    expect(findOne(objs, 'Namespace', 'shop').metadata.labels).not.toHaveProperty('istio-injection');
  });
});

describe('revision tags: bad input', () => {
  const setup = () => {
    const chart = newChart();
    const base = new IstioBase(chart, 'base', {});
    return { chart, base };
  };
  test.each([
    ['tag equal to the revision', { revision: 'prod', revisionTags: ['prod'] }, /revisionTags|tag.*must differ from the revision/],
    ['default tag on the default revision', { revisionTags: ['default'] }, /already serves istio-injection=enabled/],
    ['tag listed twice', { revision: 'a', revisionTags: ['x', 'x'] }, /revisionTags\[1\].*listed twice/],
    ['tag not a DNS label', { revision: 'a', revisionTags: ['Prod'] }, /tag.*DNS-1123/],
    ['tag too long for the Service name', { revision: 'a', revisionTags: ['t'.repeat(44)] }, /at most 43 characters/],
  ])('%s', (_t, props, message) => {
    const { chart, base } = setup();
    expect(() => new Istiod(chart, 'istiod', { base, ...props })).toThrow(message);
  });

  test('a tag named like another revision of the app is refused', () => {
    const { chart, base } = setup();
    new Istiod(chart, 'old', { base, revision: 'blue' });
    const green = new Istiod(chart, 'new', { base, revision: 'green' });
    expect(() => new RevisionTag(chart, 't', { istiod: green, tag: 'blue' })).toThrow(/names the revision of test\/old/);
  });

  test('unknown keys are refused', () => {
    const { chart, base } = setup();
    const istiod = new Istiod(chart, 'istiod', { base, revision: 'a' });
    expect(() => new RevisionTag(chart, 't', { istiod, tag: 'x', revison: 'a' } as never)).toThrow(IstioValidationError);
    expect(() => new ZeroTrustNamespace(chart, 'z', { istiod, name: 'z', revison: 'x' } as never)).toThrow(/did you mean `revision`/);
  });
});

describe('analyzer: namespaces pointing at a revision or tag nothing serves (CIS0006)', () => {
  test('a tag that exists passes; a missing one is an error naming the served ones', () => {
    const chart = newChart();
    const base = new IstioBase(chart, 'base', {});
    const istiod = new Istiod(chart, 'istiod', { base, revision: '1-30', revisionTags: ['prod'], analyzer: { enabled: false } });
    new ZeroTrustNamespace(chart, 'shop', { istiod, name: 'shop', revision: 'prod' });
    new ZeroTrustNamespace(chart, 'lab', { istiod, name: 'lab', revision: 'canary' });
    const findings = analyze(Testing.synth(chart) as K8sObject[]).filter((f) => f.code === 'CIS0006');
    expect(findings.map((f) => f.object.name)).toEqual(['lab']);
    expect(findings[0].message).toMatch(/"canary".*served: 1-30, prod/);
  });
});

describe('UpgradePlan', () => {
  const plan = (app: App, pinned = false) => new UpgradePlan(app, 'upgrade', {
    from: { revision: '1-29' }, to: { revision: '1-30', istiod: { autoscaling: false } }, tags: ['prod'],
    workloads: (scope, { istiod, tags }) => {
      new ZeroTrustNamespace(scope, 'shop', { istiod, name: 'shop', revision: tags[0] });
      if (pinned) new ZeroTrustNamespace(scope, 'legacy', { istiod, name: 'legacy', revision: '1-29' });
    },
  });

  test('four steps, each a complete state: revisions side by side, the tag moved, the old revision removed', () => {
    const app = Testing.app();
    const p = plan(app);
    expect(p.steps.map((s) => [s.name, s.revisions.join('+'), s.tagsOn])).toEqual([
      ['current', '1-29', '1-29'], ['canary', '1-29+1-30', '1-29'], ['move-tags', '1-29+1-30', '1-30'], ['remove-old', '1-30', '1-30']]);
    const states = p.steps.map((s) => {
      const objs = synthValid(p.chart(app, s));
      const deployments = ofKind(objs, 'Deployment').map((d) => d.metadata.name).sort();
      const tag = findOne(objs, 'MutatingWebhookConfiguration', 'istio-revision-tag-prod');
      const target = (tag.webhooks as Array<Record<string, any>>)[0].clientConfig.service.name;
      const findings = analyze(objs).filter((f) => f.severity === 'Error');
      expect(findOne(objs, 'Namespace', 'shop').metadata.labels).toMatchObject({ 'istio.io/rev': 'prod' });
      return { deployments, target, errors: findings.length };
    });
    expect(states).toEqual([
      { deployments: ['istiod-1-29'], target: 'istiod-1-29', errors: 0 },
      { deployments: ['istiod-1-29', 'istiod-1-30'], target: 'istiod-1-29', errors: 0 },
      { deployments: ['istiod-1-29', 'istiod-1-30'], target: 'istiod-1-30', errors: 0 },
      { deployments: ['istiod-1-30'], target: 'istiod-1-30', errors: 0 },
    ]);
  });

  test('a namespace pinned to the old revision fails the last step in the analyzer', () => {
    const app = Testing.app();
    const p = plan(app, true);
    // the analyzer attached to every Istiod fails synth of that step
    expect(() => Testing.synth(p.chart(app, 'remove-old'))).toThrow(/CIS0006\] Namespace legacy .*"1-29", which no injection webhook of the input serves \(served: 1-30, prod\)/);
    const other = Testing.app();
    expect(analyze(Testing.synth(plan(other, true).chart(other, 'move-tags')) as K8sObject[]).filter((f) => f.code === 'CIS0006')).toEqual([]);
  });

  test('at 1.20.3 too', () => {
    const app = Testing.app();
    const p = new UpgradePlan(app, 'up', { version: IstioVersion.V1_20_3, from: { revision: 'a' }, to: { revision: 'b' } });
    const objs = synthValid(p.chart(app, 'move-tags'));
    expect(findOne(objs, 'MutatingWebhookConfiguration', 'istio-revision-tag-prod').metadata.labels).toMatchObject({ 'istio.io/rev': 'b' });
  });

  test.each([
    ['same revision twice', { from: { revision: 'a' }, to: { revision: 'a' } }, /to.revision.*must differ/],
    ['default revision', { from: { revision: 'default' }, to: { revision: 'a' } }, /from.revision.*must name a revision/],
    ['tag named like a revision', { from: { revision: 'a' }, to: { revision: 'b' }, tags: ['b'] }, /tags\[0\]/],
    ['revisionTags inside istiod options', { from: { revision: 'a', istiod: { revisionTags: ['x'] } }, to: { revision: 'b' } }, /from.istiod.revisionTags.*not a key/],
    ['no tags', { from: { revision: 'a' }, to: { revision: 'b' }, tags: [] }, /at least one tag/],
    ['a version inside base', { from: { revision: 'a' }, to: { revision: 'b' }, base: { version: IstioVersion.V1_20_3 } }, /base.version/],
  ])('refuses %s', (_t, props, message) => {
    expect(() => new UpgradePlan(Testing.app(), 'p', props as never)).toThrow(message);
  });

  test('an unknown step is refused', () => {
    const app = new App();
    const p = new UpgradePlan(app, 'p', { from: { revision: 'a' }, to: { revision: 'b' } });
    expect(() => p.chart(new Chart(app, 'x'), 'rollback' as never)).toThrow(/one of the plan's steps: current, canary, move-tags, remove-old/);
  });
});
