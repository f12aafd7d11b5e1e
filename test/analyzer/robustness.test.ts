/** The analyzer reads YAML nobody checked: whatever the shapes, it reports or ignores, never crashes. */
import fc from 'fast-check';
import { analyze, formatFinding } from '../../src/analyzer';

const KINDS: Array<[string, string]> = [
  ['networking.istio.io/v1', 'VirtualService'], ['networking.istio.io/v1', 'DestinationRule'], ['networking.istio.io/v1', 'Gateway'],
  ['networking.istio.io/v1', 'ServiceEntry'], ['networking.istio.io/v1', 'Sidecar'], ['security.istio.io/v1', 'AuthorizationPolicy'],
  ['security.istio.io/v1', 'PeerAuthentication'], ['v1', 'Service'], ['v1', 'Namespace'], ['v1', 'Pod'], ['v1', 'ConfigMap'],
  ['apps/v1', 'Deployment'], ['batch/v1', 'CronJob'],
];

/** Values that look a little like the real fields, or not at all. */
const junk: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, 0, -1, 1.5, 80, '', '*', 'mesh', 'reviews', '*.example.com', 'a/b', 'SIMPLE', 'MUTUAL', 'TCP', 'v1'),
    fc.string(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('hosts', 'gateways', 'http', 'tcp', 'tls', 'route', 'match', 'destination', 'host', 'subset', 'weight',
      'subsets', 'labels', 'name', 'trafficPolicy', 'tls', 'mode', 'portLevelSettings', 'port', 'number', 'servers', 'selector',
      'matchLabels', 'workloadSelector', 'ports', 'targetPort', 'protocol', 'addresses', 'exportTo', 'delegate', 'namespace',
      'template', 'metadata', 'annotations', 'spec', 'values', 'portLevelMtls', 'sidecar.istio.io/inject', 'istio-injection'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const object = fc.record({
  kind: fc.constantFrom(...KINDS),
  name: fc.oneof(fc.constantFrom('reviews', 'web', 'shop', 'istio-sidecar-injector'), junk),
  namespace: fc.oneof(fc.constantFrom('shop', 'istio-system', undefined), junk),
  labels: junk,
  annotations: junk,
  spec: junk,
  data: junk,
}).map(({ kind: [apiVersion, kind], name, namespace, labels, annotations, spec, data }) => ({
  apiVersion, kind, metadata: { name, namespace, labels, annotations }, spec, data,
}));

test('random shapes never make the analyzer throw, and every finding formats', () => {
  fc.assert(fc.property(fc.array(object, { maxLength: 8 }), fc.boolean(), (objs, assumeComplete) => {
    const findings = analyze(objs as never, { assumeComplete });
    for (const f of findings) expect(typeof formatFinding(f)).toBe('string');
  }), { numRuns: 500, seed: 7 });
});
