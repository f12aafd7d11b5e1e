import { IstioBase } from '../../src/base';
import { Istiod } from '../../src/istiod';
import { AllowOptions, ZeroTrustNamespace } from '../../src/policy';
import { IstioVersion } from '../../src/version';
import { validationError } from '../support/errors';
import { newChart, synthValid } from '../support/synth';

const error = validationError;

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('ZeroTrustNamespace policies at Istio %s', (version) => {
  const setup = () => {
    const chart = newChart('mesh');
    const base = new IstioBase(chart, 'base', { version });
    const istiod = new Istiod(chart, 'istiod', { base });
    const shop = new ZeroTrustNamespace(chart, 'shop', { istiod, name: 'shop' });
    return { chart, shop };
  };
  const policies = (chart: ReturnType<typeof setup>['chart']) => synthValid(chart).filter((o) => o.kind === 'AuthorizationPolicy' && o.metadata?.name !== 'default-deny');
  const netpols = (chart: ReturnType<typeof setup>['chart']) => synthValid(chart).filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata?.name);

  test('allow, deny, audit and custom render exactly the action asked for; only allow opens the network', () => {
    const { chart, shop } = setup();
    shop.allow('front', { selector: { app: 'cart' }, rules: [{ from: [{ namespaces: ['web'] }], to: [{ ports: [8080] }] }] });
    shop.deny('no-delete', { rules: [{ from: [{ notNamespaces: ['ops'] }], to: [{ methods: ['DELETE'] }] }] });
    shop.audit('writes', { rules: [{ to: [{ methods: ['POST', 'PUT'] }] }] });
    shop.custom('ext', { provider: 'opa', selector: { app: 'cart' }, rules: [{ to: [{ paths: ['/admin/*'] }] }] });
    expect(policies(chart).map((p) => [p.metadata?.name, (p.spec as { action: string }).action, (p.spec as { provider?: unknown }).provider])).toEqual([
      ['front', 'ALLOW', undefined], ['no-delete', 'DENY', undefined], ['writes', 'AUDIT', undefined], ['ext', 'CUSTOM', { name: 'opa' }],
    ]);
    expect(netpols(chart)).toEqual(['default-deny', 'allow-baseline', 'front']);
  });

  test('every source and operation field reaches the policy', () => {
    const { chart, shop } = setup();
    shop.allow('all-fields', {
      rules: [{
        from: [{
          namespaces: ['web'], notNamespaces: ['web-test'], principals: ['cluster.local/ns/web/sa/front'], notPrincipals: ['cluster.local/ns/web/sa/batch'],
          ipBlocks: ['10.0.0.0/8'], notIpBlocks: ['10.1.0.0/16'], remoteIpBlocks: ['203.0.113.7'], notRemoteIpBlocks: ['203.0.113.0/24'],
          requestPrincipals: ['https://issuer.example/*'], notRequestPrincipals: ['https://issuer.example/bot'],
        }],
        to: [{ ports: [8080], notPorts: [8081], methods: ['GET'], notMethods: ['DELETE'], paths: ['/api/*'], notPaths: ['/api/admin'], hosts: ['shop.example.com'], notHosts: ['*.internal'] }],
        when: [{ key: 'request.auth.claims[groups]', values: ['buyers'] }],
      }],
    });
    const [p] = policies(chart);
    expect((p.spec as { rules: unknown }).rules).toEqual([{
      from: [{ source: {
        namespaces: ['web'], notNamespaces: ['web-test'], principals: ['cluster.local/ns/web/sa/front'], notPrincipals: ['cluster.local/ns/web/sa/batch'],
        ipBlocks: ['10.0.0.0/8'], notIpBlocks: ['10.1.0.0/16'], remoteIpBlocks: ['203.0.113.7'], notRemoteIpBlocks: ['203.0.113.0/24'],
        requestPrincipals: ['https://issuer.example/*'], notRequestPrincipals: ['https://issuer.example/bot'],
      } }],
      to: [{ operation: { hosts: ['shop.example.com'], notHosts: ['*.internal'], methods: ['GET'], notMethods: ['DELETE'], paths: ['/api/*'], notPaths: ['/api/admin'], ports: ['8080'], notPorts: ['8081'] } }],
      when: [{ key: 'request.auth.claims[groups]', values: ['buyers'] }],
    }]);
  });

  test('allow({ action: "DENY" }) from JavaScript is an error naming the key, never an ALLOW policy', () => {
    const { chart, shop } = setup();
    const js = { action: 'DENY', rules: [{ from: [{ namespaces: ['web'] }] }] } as unknown as AllowOptions;
    const e = error(() => shop.allow('p', js));
    expect(e.field).toBe('allow(p).action');
    expect(e.expected).toContain('`action` is not a key: allow() always renders an ALLOW policy');
    expect(e.expected).toContain('use allow(), deny(), audit() or custom()');
    expect(policies(chart)).toEqual([]);
  });

  test('a remoteIpBlock typo is an error with the nearest key', () => {
    const { shop } = setup();
    const e = error(() => shop.deny('p', { rules: [{ from: [{ remoteIpBlock: ['1.2.3.4'] } as never] }] }));
    expect(e.field).toBe('deny(p).rules[0].from[0].remoteIpBlock');
    expect(e.expected).toContain('did you mean `remoteIpBlocks`?');
  });

  test('custom needs a provider; deny needs rules', () => {
    const { shop } = setup();
    expect(error(() => shop.custom('c', { provider: '', rules: [{ to: [{ paths: ['/x'] }] }] })).field).toBe('custom(c).provider');
    expect(error(() => shop.deny('d', { rules: [] })).expected).toContain('a DENY policy without rules matches nothing');
  });
});

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('ZeroTrustNamespace per-workload mTLS at Istio %s', (version) => {
  const setup = () => {
    const chart = newChart('mesh');
    const base = new IstioBase(chart, 'base', { version });
    const istiod = new Istiod(chart, 'istiod', { base });
    return { chart, shop: new ZeroTrustNamespace(chart, 'shop', { istiod, name: 'shop' }) };
  };

  test('mode and port-level modes of selected workloads; the namespace default stays STRICT', () => {
    const { chart, shop } = setup();
    // as Istio's ambient test data peer-authn-strict-and-disable-port-mtls: STRICT workloads, one plain-text port
    shop.mtls('metrics', { selector: { app: 'a' }, mode: 'STRICT', portLevelMtls: { 9090: 'DISABLE' } });
    shop.mtls('legacy', { selector: { app: 'legacy' }, mode: 'DISABLE' });
    shop.permissive('old', { selector: { app: 'old' } });
    const pas = synthValid(chart).filter((o) => o.kind === 'PeerAuthentication');
    expect(pas.map((p) => [p.metadata?.name, p.spec])).toEqual([
      ['default', { mtls: { mode: 'STRICT' } }],
      ['metrics-mtls', { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'DISABLE' } } }],
      ['legacy-mtls', { selector: { matchLabels: { app: 'legacy' } }, mtls: { mode: 'DISABLE' } }],
      ['old-permissive', { selector: { matchLabels: { app: 'old' } }, mtls: { mode: 'PERMISSIVE' } }],
    ]);
  });

  test('bad input names the field', () => {
    const { shop } = setup();
    expect(error(() => shop.mtls('m', { selector: {}, mode: 'STRICT' })).field).toBe('mtls(m).selector');
    expect(error(() => shop.mtls('m', { selector: { app: 'a' }, portLevelMtls: { 70000: 'STRICT' } })).field).toBe('mtls(m).portLevelMtls');
    expect(error(() => shop.mtls('m', { selector: { app: 'a' }, mode: 'OFF' as never })).field).toBe('mtls(m).mode');
    expect(error(() => shop.mtls('m', { selector: { app: 'a' } })).expected).toContain('must set mode, portLevelMtls or both');
    expect(error(() => shop.mtls('m', { selector: { app: 'a' }, mode: 'STRICT', portLevelMTLS: {} } as never)).expected).toContain('did you mean `portLevelMtls`?');
  });
});
