import { IstioBase } from '../../src/base';
import { Waypoint } from '../../src/gateway-api';
import { Istiod } from '../../src/istiod';
import { ZeroTrustNamespace } from '../../src/policy';
import { IstioVersion } from '../../src/version';
import { validationError } from '../support/errors';
import { newChart, synthValid } from '../support/synth';

const error = validationError;

function ambientMesh() {
  const chart = newChart('mesh');
  const base = new IstioBase(chart, 'base', { version: IstioVersion.V1_30_3 });
  const istiod = new Istiod(chart, 'istiod', { base, ambient: true });
  return { chart, istiod };
}

describe('ZeroTrustNamespace in ambient mode', () => {
  test('joins with istio.io/dataplane-mode: ambient, restricted Pod Security, no Sidecar, HBONE and probes open', () => {
    const { chart, istiod } = ambientMesh();
    const shop = new ZeroTrustNamespace(chart, 'shop', { istiod, name: 'shop' });
    expect(shop.dataplane).toBe('ambient');
    shop.allow('l4', { selector: { app: 'cart' }, rules: [{ from: [{ namespaces: ['web'] }], to: [{ ports: [8080] }] }] });
    const objs = synthValid(chart).filter((o) => o.metadata?.namespace === 'shop' || o.metadata?.name === 'shop');
    const ns = objs.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata?.labels).toMatchObject({ 'istio.io/dataplane-mode': 'ambient', 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(ns.metadata?.labels?.['istio-injection']).toBeUndefined();
    expect(objs.filter((o) => o.kind === 'Sidecar')).toEqual([]);
    const allow = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === 'l4')!;
    expect((allow.spec as any).ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 15008 }]);
    const baseline = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === 'allow-baseline')!;
    expect(JSON.stringify((baseline.spec as any).ingress)).toContain('169.254.7.127/32');
  });

  test('L7 rules need a waypoint; with one the policy attaches to it by targetRefs', () => {
    const { chart, istiod } = ambientMesh();
    const shop = new ZeroTrustNamespace(chart, 'shop', { istiod, name: 'shop' });
    const e = error(() => shop.allow('get-only', { rules: [{ from: [{ namespaces: ['web'] }], to: [{ methods: ['GET'] }] }] }));
    expect(e.field).toBe('allow(get-only).rules[0].to[0].methods');
    expect(e.expected).toContain('needs a waypoint in ambient mode');
    const waypoint = new Waypoint(chart, 'waypoint', { namespace: shop });
    waypoint.useFor('shop');
    shop.allow('get-only', { waypoint, rules: [{ from: [{ namespaces: ['web'] }], to: [{ methods: ['GET'], paths: ['/api/*'] }] }] });
    const policy = synthValid(chart).find((o) => o.kind === 'AuthorizationPolicy' && o.metadata?.name === 'get-only')!;
    expect(policy.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }],
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: ['web'] } }], to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] }],
    });
    expect(error(() => shop.deny('x', { waypoint, selector: { app: 'a' }, rules: [{ to: [{ paths: ['/x'] }] }] })).field).toBe('deny(x).selector');
  });

  test('ambient needs an ambient control plane; sidecar options are refused in ambient', () => {
    const chart = newChart('mesh');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version: IstioVersion.V1_30_3 }) });
    expect(error(() => new ZeroTrustNamespace(chart, 'a', { istiod, name: 'a', dataplane: 'ambient' })).expected).toContain('needs a control plane in ambient mode');
    const amb = ambientMesh();
    expect(error(() => new ZeroTrustNamespace(amb.chart, 'b', { istiod: amb.istiod, name: 'b', sidecar: true })).field).toBe('sidecar');
    // a sidecar namespace in an ambient mesh keeps injection and its L7 rules
    const legacy = new ZeroTrustNamespace(amb.chart, 'c', { istiod: amb.istiod, name: 'c', dataplane: 'sidecar' });
    legacy.allow('get', { rules: [{ to: [{ methods: ['GET'] }] }] });
    const ns = synthValid(amb.chart).find((o) => o.kind === 'Namespace' && o.metadata?.name === 'c')!;
    expect(ns.metadata?.labels?.['istio-injection']).toBe('enabled');
    expect(error(() => legacy.allow('w', { waypoint: { namespace: 'c', targetRef: { group: 'g', kind: 'Gateway', name: 'w' } }, rules: [{ to: [{ methods: ['GET'] }] }] })).field).toBe('allow(w).waypoint');
  });
});
