/**
 * `synthYaml(app)`: the library's synthesis into one YAML text. Same documents, order, bytes and
 * validation errors as cdk8s's `app.synthYaml()`, in every arrangement of charts cdk8s orders.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { buildExampleApp } from '../../src/charts';
import { Finding, IngressGateway, IstioBase, Istiod, IstioVersion, synthYaml } from '../../src';
import { kubeObject } from '../../src/kube';
import { K8sObject, validateAll } from '../support/schema';

function docsOf(text: string): K8sObject[] {
  return parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS() as K8sObject);
}

function controlPlane(scope: Chart, version = IstioVersion.V1_30_3, reporter?: (f: Finding) => void): Istiod {
  const base = new IstioBase(scope, 'base', { version });
  const istiod = new Istiod(scope, 'istiod', { base, analyzer: reporter ? { reporter } : undefined });
  new IngressGateway(scope, 'ingress', { istiod });
  return istiod;
}

describe('same text as app.synthYaml()', () => {
  test('the default install: 42 schema-valid objects, CRDs first', () => {
    const build = () => {
      const app = new App();
      controlPlane(new Chart(app, 'istio', { disableResourceNameHashes: true }));
      return app;
    };
    const text = synthYaml(build());
    expect(text).toBe(build().synthYaml());
    const docs = docsOf(text);
    expect(validateAll(docs)).toBe(42);
    expect(docs[0].kind).toBe('Namespace');
    expect(docs[1].kind).toBe('CustomResourceDefinition');
  });

  test('the example app (two charts, two Istio versions); twice the same bytes', () => {
    const text = synthYaml(buildExampleApp());
    expect(text).toBe(buildExampleApp().synthYaml());
    expect(synthYaml(buildExampleApp())).toBe(text);
    expect(validateAll(docsOf(text))).toBeGreaterThan(120);
  });

  test('chart dependencies, nested charts and object dependencies order the output as cdk8s orders it', () => {
    const build = () => {
      const app = new App();
      // declared in the opposite order of their dependencies
      const apps = new Chart(app, 'apps', { disableResourceNameHashes: true });
      const mesh = new Chart(app, 'mesh', { disableResourceNameHashes: true });
      const nested = new Chart(apps, 'nested', { disableResourceNameHashes: true });
      controlPlane(mesh);
      const cmA = kubeObject(apps, 'a', 'ConfigMap', { metadata: { name: 'a', namespace: 'x' }, data: { k: 'v' } });
      const cmB = kubeObject(apps, 'b', 'ConfigMap', { metadata: { name: 'b', namespace: 'x' }, data: { k: 'v' } });
      kubeObject(nested, 'n', 'ConfigMap', { metadata: { name: 'n', namespace: 'x' } });
      cmA.addDependency(cmB); // b before a
      apps.addDependency(mesh); // mesh chart before apps
      return app;
    };
    const text = synthYaml(build());
    expect(text).toBe(build().synthYaml());
    const names = docsOf(text).filter((d) => d.kind === 'ConfigMap' && d.metadata.namespace === 'x').map((d) => d.metadata.name);
    expect(names).toEqual(['n', 'b', 'a']);
    expect(docsOf(text)[0].kind).toBe('Namespace');
  });

  test('an empty app is an empty text', () => {
    expect(synthYaml(new App())).toBe(new App().synthYaml());
  });
});

describe('validation', () => {
  test('a failing construct validation throws the same error as app.synthYaml()', () => {
    const build = () => {
      const app = new App();
      const chart = new Chart(app, 'c');
      const obj = new ApiObject(chart, 'x', { apiVersion: 'v1', kind: 'ConfigMap' });
      obj.node.addValidation({ validate: () => ['something is wrong'] });
      return app;
    };
    let expected = '';
    try {
      build().synthYaml();
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toContain('[c/x] something is wrong');
    expect(() => synthYaml(build())).toThrow(expected);
  });

  test('the mesh analyzer runs in synthYaml (once per state of the app) and its errors fail it', () => {
    const findings: Finding[] = [];
    const app = new App();
    const chart = new Chart(app, 'istio', { disableResourceNameHashes: true });
    controlPlane(chart, IstioVersion.V1_30_3, (f) => findings.push(f));
    // a route to a host nobody serves: a warning, reported once per synthesis
    kubeObject(chart, 'svc', 'Service', { metadata: { name: 'web', namespace: 'istio-system' }, spec: { ports: [{ port: 80 }], selector: { app: 'web' } } });
    synthYaml(app);
    const once = findings.length;
    expect(once).toBeGreaterThan(0);
    // cdk8s validates once per chart; an unchanged app is not reported again
    synthYaml(app);
    expect(findings.length).toBe(once);
    kubeObject(chart, 'svc2', 'Service', { metadata: { name: 'web2', namespace: 'istio-system' }, spec: { ports: [{ port: 80 }], selector: { app: 'web' } } });
    synthYaml(app);
    expect(findings.length).toBeGreaterThan(once);

    const bad = new App();
    const badChart = new Chart(bad, 'istio', { disableResourceNameHashes: true });
    controlPlane(badChart);
    // two objects with the same identity: the analyzer's CIS0003 error
    new ApiObject(badChart, 'dup1', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup', namespace: 'istio-system' } });
    new ApiObject(badChart, 'dup2', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dup', namespace: 'istio-system' } });
    expect(() => synthYaml(bad)).toThrow(/CIS0003/);
  });

  test('a non-App argument is refused with what was given', () => {
    expect(() => synthYaml(new Chart(new App(), 'c') as unknown as App)).toThrow(/expected a cdk8s App/);
    expect(() => synthYaml(undefined as unknown as App)).toThrow('synthYaml: expected a cdk8s App, got undefined');
  });
});
