/**
 * A canary from two cdk8s-plus Deployments and a cdk8s-plus Service: subsets from the Deployments' pod labels,
 * the host from the Service, as a cdk8s user builds the application.
 */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryRoute, IstioBase, Istiod, IstioValidationError, IstioVersion, ZeroTrustNamespace } from '../../src';
import { synthValid } from '../support/synth';

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('CanaryRoute from cdk8s-plus workloads at Istio %s', (version) => {
  const setup = () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version, namespace: 'mesh-system' }) });
    const ns = new ZeroTrustNamespace(chart, 'ns', { istiod, name: 'shop' });
    const v1 = new kplus.Deployment(chart, 'reviews-v1', { podMetadata: { labels: { app: 'reviews' } }, containers: [{ image: 'reviews:1', portNumber: 9080 }] });
    const v2 = new kplus.Deployment(chart, 'reviews-v2', { podMetadata: { labels: { app: 'reviews' } }, containers: [{ image: 'reviews:2', portNumber: 9080 }] });
    const service = new kplus.Service(chart, 'reviews', { metadata: { name: 'reviews' }, selector: kplus.Pods.select(chart, 'reviews-pods', { labels: { app: 'reviews' } }), ports: [{ port: 9080 }] });
    return { chart, ns, v1, v2, service };
  };

  test('subsets select each Deployment\'s pods; the host is the Service', () => {
    const { chart, ns, v1, v2, service } = setup();
    new CanaryRoute(chart, 'reviews-canary', { namespace: ns, service, stable: { version: 'v1', workload: v1 }, canary: { version: 'v2', workload: v2, weight: 10 } });
    const objs = synthValid(chart);
    const dr = objs.find((o) => o.kind === 'DestinationRule')!;
    expect(dr.spec.host).toBe('reviews');
    expect(dr.spec.subsets).toEqual([{ name: 'v1', labels: { ...v1.matchLabels } }, { name: 'v2', labels: { ...v2.matchLabels } }]);
    expect(v1.matchLabels).not.toEqual(v2.matchLabels);
    const vs = objs.find((o) => o.kind === 'VirtualService')!;
    expect(vs.spec.hosts).toEqual(['reviews']);
    expect(vs.spec.http[0].route.map((r: { weight: number }) => r.weight)).toEqual([90, 10]);
    // the Service selects both versions' pods, and each Deployment's pods carry the labels their subset selects
    const deployments = objs.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === 'shop' && o.metadata.name?.startsWith('shop-reviews'));
    for (const d of deployments) expect(d.spec.template.metadata.labels.app).toBe('reviews');
  });

  test('bad input is refused naming the field', () => {
    const { chart, ns, v1, v2, service } = setup();
    expect(() => new CanaryRoute(chart, 'a', { namespace: ns, service, host: 'reviews', stable: { version: 'v1', workload: v1 }, canary: { version: 'v2', workload: v2 } })).toThrow(/cannot be given with host/);
    expect(() => new CanaryRoute(chart, 'b', { namespace: ns, service, stable: { version: 'v1', workload: v1, labels: { v: '1' } }, canary: { version: 'v2', workload: v2 } })).toThrow(/stable\.workload.*cannot be given with labels/);
    expect(() => new CanaryRoute(chart, 'c', { namespace: ns, service: 'reviews' as never, stable: { version: 'v1' }, canary: { version: 'v2' } })).toThrow(IstioValidationError);
    const other = new Chart(Testing.app(), 'other', { namespace: 'web' });
    const away = new kplus.Deployment(other, 'x', { containers: [{ image: 'x' }] });
    expect(() => new CanaryRoute(chart, 'd', { namespace: ns, host: 'reviews', stable: { version: 'v1', workload: away }, canary: { version: 'v2', workload: v2 } })).toThrow(/must run in the route's namespace shop \(it runs in web\)/);
  });
});
