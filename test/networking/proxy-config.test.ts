/**
 * ProxyConfig: Istio's reference examples rendered as written, and each rule of Istio's validating webhook for the
 * kind (and the image and environment checks injection needs) refused at construction with the construct path,
 * field, value and what would be valid.
 */
import { ProxyConfig, ProxyConfigProps } from '../../src/networking';
import type { ProxyConfigSpec } from '../../src/resource/specs.generated';
import { IstioVersion } from '../../src/version';
import { findOne } from '../support/synth';
import { mesh, refusal, RELEASES, synth, where } from './support';

function config(spec: ProxyConfigSpec, over: Partial<ProxyConfigProps> = {}, version = IstioVersion.V1_30_3) {
  const { chart, istiod } = mesh(version);
  return () => new ProxyConfig(chart, 'pc', { namespace: { istiod, name: 'example' }, spec, ...over });
}

describe.each(RELEASES)('ProxyConfig, Istio %s', (_tag, version) => {
  test('the JSDoc example renders (Istio reference "ProxyConfig": per-workload-proxyconfig) with apiVersion v1beta1', () => {
    const { chart, istiod } = mesh(version);
    new ProxyConfig(chart, 'per-workload-proxyconfig', {
      namespace: { istiod, name: 'example' },
      spec: { selector: { matchLabels: { app: 'ratings' } }, concurrency: 0, image: { imageType: 'debug' } },
    });
    expect(findOne(synth(chart), 'ProxyConfig', 'per-workload-proxyconfig', 'example')).toEqual({
      apiVersion: 'networking.istio.io/v1beta1', kind: 'ProxyConfig', metadata: { name: 'per-workload-proxyconfig', namespace: 'example' },
      spec: { selector: { matchLabels: { app: 'ratings' } }, concurrency: 0, image: { imageType: 'debug' } },
    });
  });

  test('Istio reference "ProxyConfig": mesh-wide in the root namespace (my-proxyconfig, concurrency 0, distroless) renders', () => {
    const { chart, istiod } = mesh(version);
    const spec: ProxyConfigSpec = { concurrency: 0, image: { imageType: 'distroless' } };
    new ProxyConfig(chart, 'my-proxyconfig', { namespace: { istiod, name: 'istio-system' }, spec });
    expect(findOne(synth(chart), 'ProxyConfig', 'my-proxyconfig', 'istio-system').spec).toEqual(spec);
  });
});

describe('ProxyConfig: the webhook rules', () => {
  test('concurrency is 0 or more (the 1.30 schema says so itself; at 1.20 the webhook rule speaks)', () => {
    const schema = refusal(config({ concurrency: -1 }));
    expect(where(schema)).toEqual(['c/pc', 'spec.concurrency', '-1']);
    expect(schema.expected).toBe('must be at least 0 and at most 2147483647');
    const rule = refusal(config({ concurrency: -1 }, {}, IstioVersion.V1_20_3));
    expect(where(rule)).toEqual(['c/pc', 'spec.concurrency', '-1']);
    expect(rule.expected).toBe('must be 0 or more: the number of worker threads (0: one per CPU the proxy may use)');
  });

  test('selector: no wildcard, no empty key', () => {
    expect(where(refusal(config({ selector: { matchLabels: { app: 'rat*' } } })))).toEqual(['c/pc', 'spec.selector.matchLabels.app', '"app=rat*"']);
    expect(where(refusal(config({ selector: { matchLabels: { '': 'x' } } })))).toEqual(['c/pc', 'spec.selector.matchLabels key', '""']);
  });

  test('image.imageType is a variant name (it becomes the image tag suffix)', () => {
    const e = refusal(config({ image: { imageType: 'Debug Image' } }));
    expect(where(e)).toEqual(['c/pc', 'spec.image.imageType', '"Debug Image"']);
  });

  test('environmentVariables names are names Kubernetes accepts on a container', () => {
    const e = refusal(config({ environmentVariables: { '1BAD': 'x' } }));
    expect(where(e)).toEqual(['c/pc', 'spec.environmentVariables key', '"1BAD"']);
    expect(refusal(config({ environmentVariables: { 'A=B': 'x' } })).value).toBe('"A=B"');
    expect(() => config({ environmentVariables: { ISTIO_META_DNS_CAPTURE: 'true', 'my.var-1': 'x' } })()).not.toThrow();
  });

  test('an unknown key is refused at both releases with the nearest valid one', () => {
    for (const v of [IstioVersion.V1_30_3, IstioVersion.V1_20_3]) {
      const e = refusal(config({ concurency: 2 } as unknown as ProxyConfigSpec, {}, v));
      expect(e.field).toBe('spec.concurency');
      expect(e.expected).toMatch(/did you mean `concurrency`\?/);
    }
  });
});
