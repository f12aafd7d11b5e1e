import { Istiod } from '../../src/istiod';
import { AuthorizationPolicy } from '../../src/security';
import { IstioVersion } from '../../src/version';
import { expectExampleInSync } from '../security/l2-support';
import { newChart, synthValid } from '../support/synth';

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('AuthorizationPolicy class example at Istio %s', (version) => {
  test('runs as written and renders one AuthorizationPolicy', () => {
    const chart = newChart('mesh');
    const istiod = Istiod.fromAttributes(chart, 'cp', { version });
    // example:start
    new AuthorizationPolicy(chart, 'deny-untrusted', {
      namespace: { istiod, name: 'bookinfo' },
      spec: {
        action: 'DENY',
        selector: { matchLabels: { app: 'ratings' } },
        rules: [{ from: [{ source: { notNamespaces: ['bookinfo'] } }], to: [{ operation: { methods: ['POST'] } }] }],
      },
    });
    // example:end
    const objs = synthValid(chart).filter((o) => o.kind === 'AuthorizationPolicy');
    expect(objs.length).toBe(1);
    expect(objs[0].metadata?.namespace).toBe('bookinfo');
  });
});

test('the test runs the class example line for line', () => {
  expectExampleInSync('src/security/authorization-policy.ts', 'AuthorizationPolicy', 'test/security/authorization-policy-example.test.ts');
});
