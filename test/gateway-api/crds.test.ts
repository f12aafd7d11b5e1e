/**
 * The Gateway API CRDs as an opt-in part of IstioBase: the standard channel of the version each Istio line is built
 * against, as sigs.k8s.io/gateway-api defines it (the generated modules are checked against the CRD files by
 * `npx projen import-crds -- --gateway-api`; the kube-apiserver conformance suites apply them).
 */
import { Testing } from 'cdk8s';
import { gatewayApiCrds } from '../../src/base/schemas';
import { IstioBase, IstioVersion } from '../../src';
import { Obj } from './helpers';

function crds(version: IstioVersion, gatewayApi?: boolean): Obj[] {
  const chart = Testing.chart();
  new IstioBase(chart, 'base', { version, ...(gatewayApi === undefined ? {} : { gatewayApi }) });
  return (Testing.synth(chart) as Obj[]).filter((o) => o.kind === 'CustomResourceDefinition' && o.spec.group === 'gateway.networking.k8s.io');
}

/** Every `description` key anywhere in a schema (a property named `description` is not one). */
function descriptions(schema: any): number {
  if (Array.isArray(schema)) return schema.reduce((n, s) => n + descriptions(s), 0);
  if (schema === null || typeof schema !== 'object') return 0;
  let n = typeof schema.description === 'string' ? 1 : 0;
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties') for (const p of Object.values(v as object)) n += descriptions(p);
    else if (k !== 'description' && k !== 'default' && k !== 'example') n += descriptions(v);
  }
  return n;
}

test('off by default: IstioBase emits no Gateway API CRD unless asked', () => {
  expect(crds(IstioVersion.V1_30_3)).toEqual([]);
  expect(crds(IstioVersion.V1_30_3, false)).toEqual([]);
});

test.each([
  ['1.30.3', 'v1.5.1', IstioVersion.V1_30_3, ['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'listenersets', 'referencegrants', 'tlsroutes']],
  ['1.20.3', 'v1.0.0', IstioVersion.V1_20_3, ['gatewayclasses', 'gateways', 'httproutes', 'referencegrants']],
])('Istio %s: the standard channel of Gateway API %s, with its annotations and real schemas, no descriptions', (_tag, bundle, version, plurals) => {
  const objs = crds(version, true);
  expect(objs.map((o) => o.metadata.name)).toEqual(plurals.map((p) => `${p}.gateway.networking.k8s.io`));
  for (const o of objs) {
    expect(o.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(o.metadata.annotations).toEqual({
      'api-approved.kubernetes.io': expect.stringMatching(/^https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/pull\/\d+$/),
      'gateway.networking.k8s.io/bundle-version': bundle,
      'gateway.networking.k8s.io/channel': 'standard',
    });
    expect(o.spec.versions.filter((v: any) => v.storage)).toHaveLength(1);
    for (const v of o.spec.versions) {
      expect(v.schema.openAPIV3Schema.type).toBe('object');
      expect(descriptions(v.schema.openAPIV3Schema)).toBe(0);
    }
  }
  expect(version.gatewayApi.bundleVersion).toBe(bundle);
  expect(gatewayApiCrds(version.line).bundleVersion).toBe(bundle);
  // every kind the library emits is served at the apiVersion src/version.ts names
  for (const [kind, apiVersion] of Object.entries(version.gatewayApi.apiVersions)) {
    const crd = objs.find((o) => o.spec.names.kind === kind)!;
    expect(crd.spec.versions.find((v: any) => `gateway.networking.k8s.io/${v.name}` === apiVersion)?.served).toBe(true);
  }
});

test('the schemas keep the CEL rules (HTTPRoute of 1.30 and of 1.20)', () => {
  for (const version of [IstioVersion.V1_30_3, IstioVersion.V1_20_3]) {
    const route = crds(version, true).find((o) => o.spec.names.kind === 'HTTPRoute')!;
    const text = JSON.stringify(route.spec);
    expect((text.match(/x-kubernetes-validations/g) ?? []).length).toBeGreaterThan(10);
  }
});

test('gatewayApi must be a boolean', () => {
  const chart = Testing.chart();
  expect(() => new IstioBase(chart, 'base', { gatewayApi: 'yes' as unknown as boolean })).toThrow(/base: invalid gatewayApi "yes": must be true or false/);
});

test('Istio 1.20.3 has no GRPCRoute, TLSRoute or ListenerSet CRD in its Gateway API standard channel; 1.30.3 does', () => {
  const kinds = (v: IstioVersion) => crds(v, true).map((o) => o.spec.names.kind);
  expect(kinds(IstioVersion.V1_20_3)).not.toEqual(expect.arrayContaining(['GRPCRoute']));
  expect(kinds(IstioVersion.V1_30_3)).toEqual(expect.arrayContaining(['GRPCRoute', 'TLSRoute', 'ListenerSet', 'BackendTLSPolicy']));
});
