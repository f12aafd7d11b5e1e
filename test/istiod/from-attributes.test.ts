import { Istiod } from '../../src/istiod';
import { ZeroTrustNamespace } from '../../src/policy';
import { CanaryRoute } from '../../src/traffic';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { newChart, synthValid } from '../support/synth';

describe('Istiod.fromAttributes: an application chart on a mesh installed elsewhere', () => {
  test('namespaces, routes and policies follow the described control plane; nothing of it is emitted', () => {
    const chart = newChart('shop');
    const mesh = Istiod.fromAttributes(chart, 'mesh', { version: IstioVersion.V1_20_3, revision: '1-20', trustDomain: 'pi.example', namespace: 'mesh-system' });
    const shop = new ZeroTrustNamespace(chart, 'shop', { istiod: mesh, name: 'shop' });
    shop.allow('front', { rules: [{ from: [{ serviceAccounts: [{ namespace: 'web', name: 'front' }] }] }] });
    new CanaryRoute(chart, 'cart', { namespace: shop, host: 'cart', subsets: [{ version: 'v1' }] });
    const objs = synthValid(chart);
    expect(objs.filter((o) => ['Deployment', 'ConfigMap', 'MutatingWebhookConfiguration', 'CustomResourceDefinition'].includes(o.kind))).toEqual([]);
    const ns = objs.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata?.labels?.['istio.io/rev']).toBe('1-20');
    const policy = objs.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata?.name === 'front')!;
    expect(policy.apiVersion).toBe('security.istio.io/v1beta1');
    expect(JSON.stringify(policy.spec)).toContain('pi.example/ns/web/sa/front');
    expect(objs.find((o) => o.kind === 'VirtualService')!.apiVersion).toBe('networking.istio.io/v1beta1');
    // the egress NetworkPolicy lets pods reach the described control plane's namespace
    expect(JSON.stringify(objs.filter((o) => o.kind === 'NetworkPolicy'))).toContain('mesh-system');
  });

  test('bad attributes are refused with the field', () => {
    const chart = newChart('shop');
    const attempt = (attrs: object) => {
      try {
        Istiod.fromAttributes(chart, `m${Math.random()}`.replace('.', ''), attrs as never);
      } catch (e) {
        return e as IstioValidationError;
      }
      throw new Error('expected an error');
    };
    expect(attempt({ version: '1.30.3' }).field).toBe('version');
    expect(attempt({ version: IstioVersion.V1_30_3, revision: 'default' }).field).toBe('revision');
    expect(attempt({ version: IstioVersion.V1_30_3, namespce: 'x' }).expected).toContain('did you mean `namespace`?');
  });
});
