import { Istiod } from '../../src/istiod';
import { VirtualService } from '../../src/networking';
import { IstioVersion } from '../../src/version';
import { expectExampleInSync } from '../security/l2-support';
import { newChart, synthValid } from '../support/synth';

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('VirtualService class example at Istio %s', (version) => {
  test('runs as written and renders one VirtualService', () => {
    const chart = newChart('mesh');
    const istiod = Istiod.fromAttributes(chart, 'cp', { version });
    // example:start
    new VirtualService(chart, 'reviews', {
      namespace: { istiod, name: 'bookinfo' },
      spec: {
        hosts: ['reviews'],
        http: [
          { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
          { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
        ],
      },
    });
    // example:end
    const objs = synthValid(chart).filter((o) => o.kind === 'VirtualService');
    expect(objs.length).toBe(1);
    expect(objs[0].metadata?.namespace).toBe('bookinfo');
  });
});

test('the test runs the class example line for line', () => {
  expectExampleInSync('src/networking/virtual-service.ts', 'VirtualService', 'test/networking/virtual-service-example.test.ts');
});
