/**
 * The objects the library emits render their JSON through a shorter road than cdk8s's resolve +
 * sanitize (src/synth/fast-json.ts). It must give exactly cdk8s's JSON, and step aside whenever cdk8s's
 * own machinery has something to do: custom resolvers, Lazy values, JSON patches, CDK8S_DISABLE_SORT.
 */
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { buildExampleApp } from '../../src/charts';
import { IngressGateway, IstioBase, Istiod, IstioVersion, ZeroTrustNamespace } from '../../src';
import { plainManifest, PlainApiObject } from '../../src/synth/fast-json';
import { kubeObject } from '../../src/kube';
import { istioObject } from '../../src/istio-object';
import { VirtualService } from '../../imports/networking.istio.io';
import { K8sObject, validateAll } from '../support/schema';

/** cdk8s's own rendering of `obj`: the toJson() of the class the library's class extends. */
function cdk8sJson(obj: ApiObject): unknown {
  const parent = Object.getPrototypeOf(Object.getPrototypeOf(obj)) as { toJson(): unknown };
  return parent.toJson.call(obj);
}

/** The props the object was made from, for calling plainManifest directly. */
function propsOf(obj: ApiObject): any {
  return (obj as unknown as { plainProps: unknown }).plainProps;
}

function libraryObjects(app: App): ApiObject[] {
  return app.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && 'plainProps' in c);
}

describe('same JSON as cdk8s, on every object the library emits', () => {
  const apps: Array<[string, () => App]> = [
    ['the example app (MLOps 1.30.3 + Pi 1.20.3)', () => buildExampleApp()],
    ['the default install at 1.20.3', () => {
      const app = new App();
      const chart = new Chart(app, 'c', { disableResourceNameHashes: true });
      const base = new IstioBase(chart, 'base', { version: IstioVersion.V1_20_3 });
      new IngressGateway(chart, 'ingress', { istiod: new Istiod(chart, 'istiod', { base }) });
      return app;
    }],
  ];
  test.each(apps)('%s', (_name, build) => {
    const objects = libraryObjects(build());
    expect(objects.length).toBeGreaterThan(40);
    const kinds = new Set<string>();
    for (const obj of objects) {
      // the short road is taken (not a silent fallback) ...
      expect(plainManifest(obj, propsOf(obj))).toBeDefined();
      // ... and gives cdk8s's JSON, keys in the same order
      const json = obj.toJson();
      expect(JSON.stringify(json)).toBe(JSON.stringify(cdk8sJson(obj)));
      kinds.add(json.kind);
    }
    validateAll(objects.map((o) => o.toJson() as K8sObject));
    // Istio custom resources (generated classes, renamed fields) and plain Kubernetes kinds alike
    expect([...kinds]).toEqual(expect.arrayContaining(['Deployment', 'CustomResourceDefinition', 'ConfigMap']));
  });

  test('Istio custom resources keep the wire names of the generated classes', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { disableResourceNameHashes: true });
    const vs = istioObject(chart, 'vs', IstioVersion.V1_30_3, 'VirtualService', { name: 'r', namespace: 'ns' }, {
      hosts: ['r'],
      http: [{ mirrorPercentage: { value: 5 }, mirror: { host: 'm' }, route: [{ destination: { host: 'r' } }] }],
    });
    // still an instance of the generated class, under its name
    expect(vs).toBeInstanceOf(VirtualService);
    expect(vs.constructor.name).toBe('VirtualService');
    const json = vs.toJson();
    expect(JSON.stringify(json)).toBe(JSON.stringify(cdk8sJson(vs)));
    expect(json.spec.http[0]).toEqual({ mirror: { host: 'm' }, mirrorPercentage: { value: 5 }, route: [{ destination: { host: 'r' } }] });
    validateAll([json]);
  });
});

describe('steps aside for cdk8s machinery', () => {
  function chartIn(app: App): Chart {
    return new Chart(app, 'c', { disableResourceNameHashes: true });
  }

  test('custom resolvers run on every value', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        const v = context.value;
        if (typeof v === 'string' && v !== v.toUpperCase() && context.key[context.key.length - 1] === 'color') context.replaceValue(v.toUpperCase());
      }
    }
    const app = new App({ resolvers: [new Upper()] });
    const cm = kubeObject(chartIn(app), 'cm', 'ConfigMap', { metadata: { name: 'cm' }, data: { color: 'blue' } });
    expect(plainManifest(cm, propsOf(cm))).toBeUndefined();
    expect(cm.toJson().data).toEqual({ color: 'BLUE' });
  });

  test('Lazy values are produced', () => {
    let replicas = 1;
    const cm = kubeObject(chartIn(new App()), 'cm', 'ConfigMap', {
      metadata: { name: 'cm' },
      data: { replicas: Lazy.any({ produce: () => String(replicas) }) as unknown as string },
    });
    replicas = 3;
    expect(cm.toJson().data).toEqual({ replicas: '3' });
    expect(cm.toJson()).toEqual(cdk8sJson(cm));
  });

  test('objects with a resolve() method and number/string wrappers are resolved', () => {
    const chart = chartIn(new App());
    const svc = kubeObject(chart, 'svc', 'Service', {
      metadata: { name: 'svc' },
      spec: { ports: [{ port: 80, targetPort: { value: 8080 } as unknown as number }], selector: { resolve: () => ({ app: 'x' }) } as unknown as Record<string, string> },
    });
    const json = svc.toJson();
    expect(json.spec).toEqual({ ports: [{ port: 80, targetPort: { value: 8080 } }], selector: { app: 'x' } });
    expect(json).toEqual(cdk8sJson(svc));
  });

  test('arrays the built-in resolvers act on (a resolve() method, a number/string value) are resolved', () => {
    const chart = chartIn(new App());
    const withValue = Object.assign(['a'], { value: 5 });
    const withResolve = Object.assign(['a'], { resolve: () => ['resolved'] });
    const svc = new PlainApiObject(chart, 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { v: withValue, r: withResolve } });
    expect(plainManifest(svc, propsOf(svc))).toBeUndefined();
    expect(svc.toJson().data).toEqual({ r: ['resolved'], v: { value: 5 } });
    expect(svc.toJson()).toEqual(cdk8sJson(svc));
  });

  test('errors come with the message of cdk8s (construct path and name)', () => {
    const chart = chartIn(new App());
    const badMeta = new PlainApiObject(chart, 'meta', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'meta', annotations: { a: new Date(0) as unknown as string } } });
    expect(() => badMeta.toJson()).toThrow("Failed serializing construct at path 'c/meta' with name 'meta': Error: can't render non-simple object of type 'Date'");
    const throwing = { get x(): string { throw new Error('boom'); } };
    const badProps = new PlainApiObject(chart, 'props', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'props' }, data: throwing });
    expect(() => badProps.toJson()).toThrow("Failed serializing construct at path 'c/props' with name 'props': Error: boom");
  });

  test('JSON patches are applied, on plain and on Istio objects', () => {
    const chart = chartIn(new App());
    const cm = kubeObject(chart, 'cm', 'ConfigMap', { metadata: { name: 'cm' }, data: { a: '1' } });
    cm.addJsonPatch(JsonPatch.add('/data/b', '2'));
    expect(cm.toJson().data).toEqual({ a: '1', b: '2' });
    const pa = istioObject(chart, 'pa', IstioVersion.V1_30_3, 'PeerAuthentication', { name: 'default', namespace: 'x' }, { mtls: { mode: 'STRICT' as never } });
    pa.addJsonPatch(JsonPatch.replace('/spec/mtls/mode', 'PERMISSIVE'));
    expect(pa.toJson().spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
    validateAll([cm.toJson(), pa.toJson()]);
  });

  test('CDK8S_DISABLE_SORT keeps the insertion order, as cdk8s does', () => {
    const cm = new PlainApiObject(chartIn(new App()), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { z: '1', a: '2' } });
    const before = process.env.CDK8S_DISABLE_SORT;
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      expect(Object.keys(cm.toJson().data)).toEqual(['z', 'a']);
    } finally {
      if (before === undefined) delete process.env.CDK8S_DISABLE_SORT;
      else process.env.CDK8S_DISABLE_SORT = before;
    }
    expect(Object.keys(cm.toJson().data)).toEqual(['a', 'z']);
  });

  test('empty values are dropped and keys sorted as cdk8s sanitizes them', () => {
    const cm = new PlainApiObject(chartIn(new App()), 'cm', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { b: 'x', a: 'y' } },
      data: { b: 'x', a: undefined, c: null, list: [null, 'q'] },
    });
    expect(JSON.stringify(cm.toJson())).toBe(JSON.stringify(cdk8sJson(cm)));
    expect(cm.toJson().data).toEqual({ b: 'x', list: [undefined, 'q'] });
  });

  test('a ZeroTrustNamespace renders the same through both roads', () => {
    const app = new App();
    const chart = chartIn(app);
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base') });
    new ZeroTrustNamespace(chart, 'ns', { istiod, name: 'team', ingressGatewayNamespaces: ['istio-ingress'], allowedNamespaces: ['monitoring'] });
    for (const obj of libraryObjects(app)) expect(JSON.stringify(obj.toJson())).toBe(JSON.stringify(cdk8sJson(obj)));
    validateAll(libraryObjects(app).map((o) => o.toJson()));
  });
});
