/** The analyzer inside app.synth(): errors fail synthesis, lower findings are reported, opt-out. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Finding, MeshAnalyzer } from '../../src/analyzer';
import * as analyzeModule from '../../src/analyzer/analyze';

// counts the analyses (the real function runs)
jest.mock('../../src/analyzer/analyze', () => {
  const actual = jest.requireActual('../../src/analyzer/analyze');
  return { ...actual, analyzeSourced: jest.fn(actual.analyzeSourced) };
});
import { IstioValidationError } from '../../src/validation';
import { K8sObject, validateAll } from '../support/schema';
import { synthValid } from '../support/synth';
import { CanaryRoute, IngressGateway, IstioBase, Istiod, IstioVersion, ZeroTrustNamespace } from '../../src';
import { deployment, dest, gateway, service, virtualService } from './fixtures';

function add(chart: Chart, id: string, obj: K8sObject): ApiObject {
  const { apiVersion, kind, metadata, ...rest } = obj;
  return new ApiObject(chart, id, { apiVersion, kind, metadata, ...rest });
}

/** A chart whose VirtualService names a Gateway that does not exist (IST0101, Error). */
function brokenChart(app: App, id = 'routes'): Chart {
  const chart = new Chart(app, id, { disableResourceNameHashes: true });
  add(chart, 'gateway', gateway('web', 'shop', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }]));
  add(chart, 'route', virtualService('api', 'shop', { hosts: ['api.example.com'], gateways: ['webx'], http: [{ route: [dest('api.example.com')] }] }));
  return chart;
}

/** A chart with one Info finding (IST0118) and nothing worse. */
function infoChart(app: App, id = 'svc'): Chart {
  const chart = new Chart(app, id, { disableResourceNameHashes: true });
  add(chart, 'service', service('reviews', 'shop', { app: 'reviews' }, [{ name: 'web', port: 80 }]));
  return chart;
}

function objectsOf(app: App): K8sObject[] {
  return app.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as K8sObject);
}

function tmpApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'analyzer-synth-')) });
}

describe('MeshAnalyzer.attach', () => {
  test('an Error finding fails app.synth() with its code, object, field and construct path', () => {
    const app = tmpApp();
    brokenChart(app);
    validateAll(objectsOf(app));
    MeshAnalyzer.attach(app, { reporter: () => undefined });
    expect(() => app.synth()).toThrow(/Validation failed[\s\S]*Error \[IST0101\] VirtualService shop\/api spec\.gateways\[0\]: Referenced gateway not found: "webx".*\[construct routes\/route\]/);
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });

  test('chart synthesis (Testing.synth) fails the same way', () => {
    const app = Testing.app();
    const chart = brokenChart(app);
    validateAll(objectsOf(app));
    MeshAnalyzer.attach(chart);
    expect(() => Testing.synth(chart)).toThrow(/\[cdk8s-istio-analyzer\] Error \[IST0101\]/);
  });

  test('findings below failOn are reported once per state of the app, however many validation passes cdk8s makes, and synth succeeds', () => {
    const app = tmpApp();
    infoChart(app, 'one');
    const second = new Chart(app, 'two', { disableResourceNameHashes: true });
    add(second, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } });
    validateAll(objectsOf(app));
    const seen: Finding[] = [];
    MeshAnalyzer.attach(app, { reporter: (f) => seen.push(f) });
    const analyses = analyzeModule.analyzeSourced as jest.Mock;
    analyses.mockClear();
    app.synth();
    expect(seen.map((f) => `${f.code} ${f.constructPath}`)).toEqual(['IST0118 one/service']);
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['one.k8s.yaml', 'two.k8s.yaml']);
    // app.synth() validated the app three times (once, then once per chart): analyzed once, reported once
    expect(analyses).toHaveBeenCalledTimes(2); // one per chart
    // the same app again: the same objects, nothing new to report
    app.synth();
    expect(seen.length).toBe(1);
    expect(analyses).toHaveBeenCalledTimes(2);
    // a changed object: analyzed and reported again
    (app.node.findChild('one').node.findChild('service') as ApiObject).metadata.addLabel('team', 'shop');
    app.synth();
    expect(seen.map((f) => f.code)).toEqual(['IST0118', 'IST0118']);
    expect(analyses).toHaveBeenCalledTimes(4);
    // other options: analyzed and reported again
    MeshAnalyzer.attach(app, { failOn: 'Error' });
    app.synth();
    expect(seen.length).toBe(3);
  });

  test('the default reporter prints one line per finding with console.warn', () => {
    const app = Testing.app();
    const chart = infoChart(app);
    MeshAnalyzer.attach(app);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      synthValid(chart);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/^Info \[IST0118\] Service shop\/reviews spec\.ports\[0\]\.name: .*\[construct svc\/service\]$/);
    } finally {
      warn.mockRestore();
    }
  });

  test('failOn lowers the threshold: an Info finding fails with failOn Info', () => {
    const app = Testing.app();
    const chart = infoChart(app);
    validateAll(objectsOf(app));
    MeshAnalyzer.attach(app, { failOn: 'Info' });
    expect(() => Testing.synth(chart)).toThrow(/Info \[IST0118\]/);
  });

  test('enabled: false is the opt-out: synthesis succeeds and nothing is reported', () => {
    const app = Testing.app();
    const chart = brokenChart(app);
    const seen: Finding[] = [];
    MeshAnalyzer.attach(app, { enabled: false, reporter: (f) => seen.push(f) });
    expect(synthValid(chart).map((o) => o.kind)).toEqual(['Gateway', 'VirtualService']);
    expect(seen).toEqual([]);
  });

  test('attach is idempotent and later calls apply only the options they set', () => {
    const app = Testing.app();
    const chart = infoChart(app);
    const a = MeshAnalyzer.attach(app, { failOn: 'Info', reporter: () => undefined });
    const b = MeshAnalyzer.attach(chart);
    expect(b).toBe(a);
    expect(MeshAnalyzer.of(chart)).toBe(a);
    expect(a.failOn).toBe('Info');
    expect(app.node.children.filter((c) => c instanceof MeshAnalyzer).length).toBe(1);
    MeshAnalyzer.attach(app, { failOn: 'Error' });
    expect(a.failOn).toBe('Error');
    expect(a.enabled).toBe(true);
    expect(synthValid(chart).length).toBe(1);
  });

  test('analyze() returns the findings with construct paths and does not throw', () => {
    const app = Testing.app();
    brokenChart(app);
    const findings = MeshAnalyzer.attach(app).analyze();
    expect(findings.map((f) => [f.code, f.constructPath])).toEqual([['IST0101', 'routes/route']]);
  });

  test('an analyzer is not attached unless asked', () => {
    const app = Testing.app();
    const chart = brokenChart(app);
    expect(MeshAnalyzer.of(chart)).toBeUndefined();
    expect(synthValid(chart).length).toBe(2);
  });

  test('an invalid failOn is rejected with the construct path, field, value and valid range', () => {
    const app = Testing.app();
    expect(() => MeshAnalyzer.attach(app, { failOn: 'Fatal' as never })).toThrow(IstioValidationError);
    expect(() => MeshAnalyzer.attach(app, { failOn: 'Fatal' as never })).toThrow(/cdk8s-istio-analyzer: invalid failOn "Fatal": must be one of Error, Warning, Info/);
  });
});

describe('CIS0004 against the injector Istiod renders', () => {
  /**
   * The control plane of `version` plus a client pod asking for `template`; `templates` go to Istiod's injection
   * option.
   */
  function podApp(version: IstioVersion, template: string, templates?: Record<string, string>): App {
    const app = tmpApp();
    const chart = new Chart(app, 'mesh', { disableResourceNameHashes: true });
    new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version }), injection: templates ? { templates } : undefined, analyzer: { reporter: () => undefined } });
    add(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } });
    add(chart, 'client', deployment('grpc-client', 'shop', { app: 'grpc-client' }, { podAnnotations: { 'inject.istio.io/templates': template } }));
    return app;
  }

  test.each([
    [IstioVersion.V1_30_3, 'grpc-agent'], [IstioVersion.V1_30_3, 'grpc-simple'], [IstioVersion.V1_30_3, 'gateway'],
    [IstioVersion.V1_20_3, 'grpc-agent'], [IstioVersion.V1_20_3, 'grpc-simple'], [IstioVersion.V1_20_3, 'sidecar,grpc-agent'],
  ])('on %s a pod asking for %s passes: the injector ships every template istiod has', (version, template) => {
    const app = podApp(version, template);
    validateAll(objectsOf(app));
    app.synth();
  });

  // `spire`: the custom template of Istio's SPIRE integration, which no release ships.
  test.each([
    [IstioVersion.V1_20_3, '"gateway", "grpc-agent", "grpc-simple", "kube-gateway", "sidecar", "waypoint"'],
    [IstioVersion.V1_30_3, '"agentgateway", "gateway", "grpc-agent", "grpc-simple", "kube-gateway", "sidecar", "waypoint"'],
  ])('on %s a pod asking for a template the injector lacks fails synthesis, naming the templates it has', (version, have) => {
    const app = podApp(version, 'spire');
    validateAll(objectsOf(app));
    expect(() => app.synth()).toThrow('Error [CIS0004] Deployment shop/grpc-client spec.template.metadata.annotations["inject.istio.io/templates"]: '
      + `The pod asks for injection template(s) "spire", which the injector (ConfigMap istio-sidecar-injector) does not have; it has ${have}.`);
  });

  test('the same pod passes once the template is added with injection.templates', () => {
    const app = podApp(IstioVersion.V1_30_3, 'spire', { spire: '{{/* a pod fragment */}}\nspec: {}\n' });
    validateAll(objectsOf(app));
    app.synth();
    const text = fs.readFileSync(path.join(app.outdir, 'mesh.k8s.yaml'), 'utf8');
    expect(text).toContain('      spire: |\n');
  });
});

describe('CIS0005 on constructs: a canary exposed through the ingress gateway into a zero-trust namespace', () => {
  function meshApp(allowGateway: boolean, seen: Finding[]): App {
    const app = tmpApp();
    const chart = new Chart(app, 'mesh', { disableResourceNameHashes: true });
    const base = new IstioBase(chart, 'base', { version: IstioVersion.V1_20_3 });
    const istiod = new Istiod(chart, 'istiod', { base, analyzer: { reporter: (f) => seen.push(f) } });
    const ingress = new IngressGateway(chart, 'ingress', { istiod });
    const web = ingress.addGateway('web', { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.local'] }] });
    const trading = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading', ingressGatewayNamespaces: [ingress.namespace] });
    trading.allow('agent', {
      selector: { app: 'trading-agent' },
      rules: [
        { from: [{ namespaces: ['argocd'] }] },
        ...(allowGateway ? [{ from: [{ serviceAccounts: [{ namespace: ingress.namespace, name: ingress.serviceAccountName }] }] }] : []),
      ],
    });
    new CanaryRoute(chart, 'agent', {
      namespace: trading, host: 'trading-agent-service', port: 80, stable: { version: 'v1' }, canary: { version: 'v2', weight: 10 },
      gateways: [web], externalHosts: ['trading.local'],
    });
    return app;
  }

  test('without an allow for the gateway identity: a warning naming the gateway, its service account and the policies', () => {
    const seen: Finding[] = [];
    const app = meshApp(false, seen);
    validateAll(objectsOf(app));
    app.synth();
    const hits = seen.filter((f) => f.code === 'CIS0005');
    expect(hits.map((f) => [f.object.kind, f.object.name, f.field, f.constructPath])).toEqual([['VirtualService', 'agent', 'spec.http[0].route[0].destination.host', 'mesh/agent/virtual-service/resource']]);
    expect(hits[0].message).toContain('(Deployment istio-ingress/istio-ingressgateway, service account istio-ingress/istio-ingressgateway) to "trading-agent-service" are denied: namespace trading has sidecar injection and is in allow-list mode, and none of the ALLOW policies there or in the root namespace (trading/agent, trading/default-deny) admits namespace istio-ingress or that service account.');
  });

  test('with the allow: no warning', () => {
    const seen: Finding[] = [];
    const app = meshApp(true, seen);
    validateAll(objectsOf(app));
    app.synth();
    expect(seen.filter((f) => f.code === 'CIS0005')).toEqual([]);
  });
});
