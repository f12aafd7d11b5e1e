/**
 * cdk8s-plus workloads as mesh citizens: a ZeroTrustNamespace allow rule takes the Deployments that may call
 * (rendered as the SPIFFE principal of their ServiceAccount) and the Deployment it protects (its pod labels are
 * the selector), in a mesh whose control plane is not in istio-system and whose trust domain is not cluster.local.
 */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IstioBase, Istiod, IstioValidationError, IstioVersion, ZeroTrustNamespace } from '../../src';
import { synthValid } from '../support/synth';

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('cdk8s-plus workloads in policies at Istio %s', (version) => {
  const setup = () => {
    const app = Testing.app();
    const mesh = new Chart(app, 'mesh');
    const base = new IstioBase(mesh, 'base', { version, namespace: 'mesh-system' });
    const istiod = new Istiod(mesh, 'istiod', { base, meshConfig: { trustDomain: 'home.example' } });
    const shop = new ZeroTrustNamespace(mesh, 'shop', { istiod, name: 'shop' });
    const apps = new Chart(app, 'apps', { namespace: 'shop' });
    const frontSa = new kplus.ServiceAccount(apps, 'front-sa', { metadata: { name: 'front' } });
    const front = new kplus.Deployment(apps, 'front', { serviceAccount: frontSa, containers: [{ image: 'nginx', portNumber: 8080 }] });
    const worker = new kplus.StatefulSet(apps, 'worker', {
      metadata: { namespace: 'jobs' },
      service: new kplus.Service(apps, 'worker-svc', { metadata: { namespace: 'jobs' }, ports: [{ port: 80 }] }),
      containers: [{ image: 'busybox', portNumber: 9000 }],
    });
    const cart = new kplus.Deployment(apps, 'cart', { podMetadata: { labels: { app: 'cart' } }, containers: [{ image: 'cart', portNumber: 8080 }] });
    return { app, mesh, shop, front, worker, cart };
  };

  test('callers become SPIFFE principals of their ServiceAccounts; the protected Deployment gives the selector', () => {
    const { mesh, shop, front, worker, cart } = setup();
    shop.allow('cart-callers', { workload: cart, rules: [{ from: [{ workloads: [front, worker] }], to: [{ ports: [8080] }] }] });
    const policy = synthValid(mesh).find((o) => o.kind === 'AuthorizationPolicy' && o.metadata?.name === 'cart-callers')!;
    expect(policy.spec.selector).toEqual({ matchLabels: { ...cart.matchLabels } });
    expect(policy.spec.rules[0].from[0].source.principals).toEqual(['home.example/ns/shop/sa/front', 'home.example/ns/jobs/sa/default']);
    // the NetworkPolicy opens the callers' namespaces
    const np = synthValid(mesh).find((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === 'cart-callers')!;
    expect(JSON.stringify(np.spec.ingress)).toContain('"kubernetes.io/metadata.name":"jobs"');
  });

  test('a cdk8s-plus ServiceAccount is a caller too', () => {
    const { app, mesh, shop } = setup();
    const other = new Chart(app, 'batch', { namespace: 'batch' });
    const sa = new kplus.ServiceAccount(other, 'reporter', { metadata: { name: 'reporter' } });
    shop.allow('reports', { selector: { app: 'cart' }, rules: [{ from: [{ workloads: [sa] }] }] });
    const policy = synthValid(mesh).find((o) => o.kind === 'AuthorizationPolicy' && o.metadata?.name === 'reports')!;
    expect(policy.spec.rules[0].from[0].source.principals).toEqual(['home.example/ns/batch/sa/reporter']);
  });

  test('bad input is refused naming the field', () => {
    const { shop, cart, worker } = setup();
    expect(() => shop.allow('a', { rules: [{ from: [{ workloads: ['front' as never] }] }] })).toThrow(IstioValidationError);
    expect(() => shop.allow('b', { rules: [{ from: [{ workloads: ['front' as never] }] }] })).toThrow(/allow\(b\)\.rules\[0\]\.from\[0\]\.workloads\[0\].*cdk8s-plus Deployment or StatefulSet/);
    expect(() => shop.allow('c', { workload: cart, selector: { app: 'x' }, rules: [{ from: [{ namespaces: ['web'] }] }] })).toThrow(/cannot be given with selector/);
    expect(() => shop.allow('d', { workload: worker, rules: [{ from: [{ namespaces: ['web'] }] }] })).toThrow(/must run in namespace shop \(it runs in jobs\)/);
  });
});
