/** MlopsMeshChart's Gateway API ingress option. */
import { App, Testing } from 'cdk8s';
import { IstioVersion, MlopsMeshChart, synthYaml } from '../../src';
import { Obj, validationError } from './helpers';

function synth(props: ConstructorParameters<typeof MlopsMeshChart>[2]): Obj[] {
  return Testing.synth(new MlopsMeshChart(Testing.app(), 'mlops', props)) as Obj[];
}

test('off by default: the chart is what it was, no Gateway API object or CRD', () => {
  const objs = synth({});
  expect(objs.filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io') || o.spec?.group === 'gateway.networking.k8s.io')).toEqual([]);
  expect(synth({ gatewayApiIngress: false })).toEqual(objs);
});

test.each([['1.30.3', IstioVersion.V1_30_3], ['1.20.3', IstioVersion.V1_20_3]])('Istio %s: a Gateway of class istio next to istio-gateway, the ml-routing HTTPRoute, the CRDs, and its ServiceAccount let into the model namespaces', (_tag, version) => {
  const without = synth({ version });
  const objs = synth({ version, gatewayApiIngress: true });
  const gw = objs.filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io'));
  expect(gw).toEqual([
    {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'ml-ingress', namespace: 'istio-gateway' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostname: '*.local', allowedRoutes: { namespaces: { from: 'All' } } }] },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'ml-routing', namespace: 'fraud-detection' },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ml-ingress', namespace: 'istio-gateway' }],
        hostnames: ['fraud-api.local'],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/v1/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'fraud-service', port: 8080 }] }],
      },
    },
  ]);
  expect(objs.filter((o) => o.spec?.group === 'gateway.networking.k8s.io').map((o) => o.metadata.annotations!['gateway.networking.k8s.io/bundle-version']))
    .toEqual(Object.keys(version.gatewayApi.apiVersions).length === 6 ? Array(8).fill('v1.5.1') : Array(4).fill('v1.0.0'));
  // the one other change: the allow rule of each model namespace names the Gateway's ServiceAccount too
  const allow = (list: Obj[]) => list.filter((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'allow-ingress-gateway');
  expect(allow(objs).map((p) => p.spec.rules[0].from[0].source.principals)).toEqual(allow(without).map(() => [
    'cluster.local/ns/istio-gateway/sa/istio-gateway', 'cluster.local/ns/istio-gateway/sa/ml-ingress-istio',
  ]));
  const rest = (list: Obj[]) => list.filter((o) => !o.apiVersion.startsWith('gateway.networking') && o.kind !== 'CustomResourceDefinition' && !(o.kind === 'AuthorizationPolicy' && o.metadata.name === 'allow-ingress-gateway'));
  expect(rest(objs)).toEqual(rest(without));
});

test('options: name, hostname, and no route', () => {
  const objs = synth({ gatewayApiIngress: { name: 'edge', hostname: '*.ml.example.com', fraudApiRoute: false } });
  const gw = objs.filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io'));
  expect(gw.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Gateway edge']);
  expect(gw[0].spec.listeners[0].hostname).toBe('*.ml.example.com');
  const app = new App({ outdir: Testing.app().outdir });
  new MlopsMeshChart(app, 'mlops', { gatewayApiIngress: true });
  expect(() => synthYaml(app)).not.toThrow();
});

test('bad input', () => {
  let e = validationError(() => new MlopsMeshChart(Testing.app(), 'mlops', { gatewayApiIngress: { hostnme: 'x' } as any }));
  expect([e.field, e.expected]).toEqual(['gatewayApiIngress.hostnme', expect.stringMatching(/did you mean `hostname`\?/)]);
  e = validationError(() => new MlopsMeshChart(Testing.app(), 'mlops', { gatewayApiIngress: 'yes' as any }));
  expect(e.field).toBe('gatewayApiIngress');
  e = validationError(() => new MlopsMeshChart(Testing.app(), 'mlops', { gatewayApiIngress: { fraudApiRoute: true }, fraudApiRoute: false }));
  expect(e.expected).toMatch(/needs fraudApiRoute/);
  e = validationError(() => new MlopsMeshChart(Testing.app(), 'mlops', { gatewayApiIngress: { hostname: 'ML.local' } }));
  expect([e.constructPath, e.field]).toEqual(['mlops/gateway-api-ingress', 'listeners[0].hostname']);
});
