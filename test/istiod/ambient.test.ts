/**
 * istiod in ambient mode: the settings upstream's ambient profile gives istiod (PILOT_ENABLE_AMBIENT, HBONE proxy
 * metadata, the GLOBAL service scope, distroless images), what a namespace needs to join, and the conflicts refused.
 */
import { Testing } from 'cdk8s';
import { AMBIENT_LABELS, IstioBase, Istiod, IstioValidationError, IstioVersion } from '../../src';
import { findOne } from '../support/synth';
import { container, envValue, meshOf, render } from './helpers';

const V30 = IstioVersion.V1_30_3;

function injectorValues(objs: any[]): any {
  return JSON.parse(findOne(objs, 'ConfigMap', 'istio-sidecar-injector', 'istio-system').data.values);
}

describe('Istiod({ ambient: true }) at 1.30.3', () => {
  const { istiod, objs } = render(V30, { ambient: true });

  test('typed facts for what attaches to the mesh: ambient, data plane mode, CNI, namespace labels', () => {
    expect(istiod.ambient).toBe(true);
    expect(istiod.dataplaneMode).toBe('ambient');
    expect(istiod.cni).toBe(true);
    expect(istiod.namespaceDataplaneLabels()).toEqual({ [AMBIENT_LABELS.dataplaneMode]: 'ambient' });
    expect(istiod.namespaceDataplaneLabels()).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    // sidecar injection is still there for namespaces that ask for it
    expect(istiod.namespaceInjectionLabels()).toEqual({ 'istio-injection': 'enabled' });
  });

  test('discovery: PILOT_ENABLE_AMBIENT and the distroless image', () => {
    expect(envValue(objs, 'PILOT_ENABLE_AMBIENT')).toBe('true');
    expect(container(objs).image).toBe('docker.io/istio/pilot:1.30.3-distroless');
  });

  test('mesh config: HBONE proxies, the GLOBAL scope of istio.io/global services, distroless proxies', () => {
    const mesh = meshOf(objs);
    expect(mesh.defaultConfig.proxyMetadata).toEqual({ ISTIO_META_ENABLE_HBONE: 'true' });
    expect(mesh.defaultConfig.image).toEqual({ imageType: 'distroless' });
    expect(mesh.serviceScopeConfigs).toEqual([{ scope: 'GLOBAL', servicesSelector: { matchExpressions: [{ key: 'istio.io/global', operator: 'In', values: ['true'] }] } }]);
  });

  test('injector values: CNI mode with ambient, as istioctl\'s ambient profile', () => {
    const values = injectorValues(objs);
    expect(values.pilot).toEqual({ cni: { ambient: { enabled: true }, enabled: true, provider: 'default' }, env: { PILOT_ENABLE_AMBIENT: 'true' } });
    expect(values.global.variant).toBe('distroless');
  });

  test('the values ConfigMap says the profile', () => {
    const cm = findOne(objs, 'ConfigMap', 'values', 'istio-system');
    expect(JSON.parse(cm.data['original-values'])).toEqual({ cni: { enabled: true }, profile: 'ambient' });
    expect(JSON.parse(cm.data['merged-values'])).toMatchObject({ profile: 'ambient', env: { PILOT_ENABLE_AMBIENT: 'true' }, cni: { enabled: true, ambient: { enabled: true } } });
  });
});

describe('sidecar mode stays as it was', () => {
  test('no ambient env, no HBONE metadata, no variant unless asked', () => {
    const { istiod, objs } = render(V30, {});
    expect(istiod.ambient).toBe(false);
    expect(istiod.dataplaneMode).toBe('sidecar');
    expect(istiod.namespaceDataplaneLabels()).toEqual({ 'istio-injection': 'enabled' });
    expect(envValue(objs, 'PILOT_ENABLE_AMBIENT')).toBeUndefined();
    expect(meshOf(objs).defaultConfig.proxyMetadata).toBeUndefined();
    expect(meshOf(objs).serviceScopeConfigs).toBeUndefined();
    expect(istiod.ztunnel).toBeUndefined();
  });

  test('an image variant reaches the proxies through the mesh config (imageType), as the chart does', () => {
    const { objs } = render(V30, { image: { variant: 'distroless' } });
    expect(meshOf(objs).defaultConfig.image).toEqual({ imageType: 'distroless' });
  });

  test('ambient keeps a variant that is asked for', () => {
    const { objs } = render(V30, { ambient: true, image: { variant: 'debug' } });
    expect(container(objs).image).toBe('docker.io/istio/pilot:1.30.3-debug');
  });
});

describe('conflicts', () => {
  const build = (props: object) => () => new Istiod(Testing.chart(), 'istiod', { base: new IstioBase(Testing.chart(), 'base', { version: V30 }), ...props });
  test.each<[string, object, string, RegExp]>([
    ['PILOT_ENABLE_AMBIENT=false with ambient', { ambient: true, env: { PILOT_ENABLE_AMBIENT: 'false' } }, 'env.PILOT_ENABLE_AMBIENT', /conflicts with ambient: true/],
    ['HBONE off with ambient', { ambient: true, meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_ENABLE_HBONE: 'false' } } } },
      'meshConfig.defaultConfig.proxyMetadata.ISTIO_META_ENABLE_HBONE', /conflicts with ambient mode/],
  ])('%s', (_name, props, field, message) => {
    let caught: unknown;
    try {
      build(props)();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IstioValidationError);
    expect((caught as IstioValidationError).field).toBe(field);
    expect((caught as IstioValidationError).message).toMatch(message);
  });
});

describe('a control plane installed elsewhere (Istiod.fromAttributes)', () => {
  test('ambient is a typed fact of IIstiod too: namespaces join with the ambient label; CNI follows', () => {
    const mesh = Istiod.fromAttributes(Testing.chart(), 'mesh', { version: V30, ambient: true });
    expect(mesh.ambient).toBe(true);
    expect(mesh.cni).toBe(true);
    expect(mesh.namespaceDataplaneLabels()).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    const sidecar = Istiod.fromAttributes(Testing.chart(), 'mesh', { version: V30, revision: 'canary' });
    expect(sidecar.ambient).toBe(false);
    expect(sidecar.namespaceDataplaneLabels()).toEqual({ 'istio.io/rev': 'canary' });
  });

  test.each<[string, object, string, RegExp]>([
    ['ambient at 1.20.3', { version: IstioVersion.V1_20_3, ambient: true }, 'ambient', /needs Istio 1\.24 or later/],
    ['ambient without CNI', { version: V30, ambient: true, cni: false }, 'cni', /runs the Istio CNI agent/],
  ])('%s is refused', (_name, attrs, field, message) => {
    let caught: unknown;
    try {
      Istiod.fromAttributes(Testing.chart(), 'mesh', attrs as any);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IstioValidationError);
    expect((caught as IstioValidationError).field).toBe(field);
    expect((caught as IstioValidationError).message).toMatch(message);
  });
});
