import { Istiod } from '../../src/istiod';
import { DestinationRule } from '../../src/networking';
import { IstioVersion } from '../../src/version';
import { expectExampleInSync } from '../security/l2-support';
import { newChart, synthValid } from '../support/synth';

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('DestinationRule class example at Istio %s', (version) => {
  test('runs as written and renders one DestinationRule', () => {
    const chart = newChart('mesh');
    const istiod = Istiod.fromAttributes(chart, 'cp', { version });
    // example:start
    const reviews = new DestinationRule(chart, 'reviews', {
      namespace: { istiod, name: 'bookinfo' },
      spec: {
        host: 'reviews',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
          { name: 'v3', labels: { version: 'v3' } },
        ],
      },
    });
    reviews.subset('v2'); // 'v2', checked to exist: use it in a VirtualService destination
    // example:end
    const objs = synthValid(chart).filter((o) => o.kind === 'DestinationRule');
    expect(objs.length).toBe(1);
    expect(objs[0].metadata?.namespace).toBe('bookinfo');
  });
});

test('the test runs the class example line for line', () => {
  expectExampleInSync('src/networking/destination-rule.ts', 'DestinationRule', 'test/networking/destination-rule-example.test.ts');
});
