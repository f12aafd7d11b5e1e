/**
 * The cdk8s-cli validation plugin, loaded and run through cdk8s-cli's own plugin loader and
 * validation context, on manifests written by a real `app.synth()` with construct metadata.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import type * as ManagerModule from 'cdk8s-cli/lib/plugins/_manager';
import type * as ValidationModule from 'cdk8s-cli/lib/plugins/validation';
import { MeshAnalyzerValidation } from '../../src/analyzer';
import { K8sObject, validateAll } from '../support/schema';
import { dest, gateway, service, virtualService } from './fixtures';

// cdk8s-cli exports only `./plugins` (ValidationContext); its loader lives in files not exported, so
// they are required by path to run the plugin exactly as `cdk8s synth` does.
const CLI_LIB = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'lib', 'plugins');
const { ValidationContext, ValidationPlugin } = require(path.join(CLI_LIB, 'validation')) as typeof ValidationModule;
const { PluginManager } = require(path.join(CLI_LIB, '_manager')) as typeof ManagerModule;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'analyzer-plugin-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Synthesizes two charts (gateway in one, routes in the other) with construct metadata, as cdk8s-cli does for validations. */
function synthApp(routes: K8sObject[]): { manifests: string[]; constructMetadata: string } {
  const app = new App({ outdir: path.join(dir, 'dist'), recordConstructMetadata: true });
  const add = (chart: Chart, id: string, o: K8sObject) => {
    const { apiVersion, kind, metadata, ...rest } = o;
    return new ApiObject(chart, id, { apiVersion, kind, metadata, ...rest });
  };
  const edge = new Chart(app, 'edge', { disableResourceNameHashes: true });
  add(edge, 'gateway', gateway('web', 'shop', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*.example.com'] }]));
  const apps = new Chart(app, 'apps', { disableResourceNameHashes: true });
  routes.forEach((r, i) => add(apps, `obj${i}`, r));
  validateAll(app.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as K8sObject));
  app.synth();
  const manifests = fs.readdirSync(app.outdir).filter((f) => f.endsWith('.k8s.yaml')).sort().map((f) => path.join(app.outdir, f));
  return { manifests, constructMetadata: path.join(app.outdir, 'construct-metadata.json') };
}

async function runPlugin(routes: K8sObject[], properties: Record<string, unknown> = {}) {
  const synthesized = synthApp(routes);
  const { plugin, context } = ValidationPlugin.load(
    { package: `.${path.sep}${path.relative(process.cwd(), path.join(__dirname, '../../src/analyzer/plugin.ts'))}`, version: '0.0.0', class: 'MeshAnalyzerValidation', properties },
    synthesized, false, new PluginManager(path.join(dir, 'plugins')));
  expect(plugin).toBeInstanceOf(Object);
  const logged: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((m) => { logged.push(String(m)); });
  try {
    await plugin.validate(context);
  } finally {
    log.mockRestore();
  }
  return { report: context.report, synthesized, logged };
}

const broken = virtualService('api', 'shop', { hosts: ['api.example.com'], gateways: ['webx'], http: [{ route: [dest('api.example.com')] }] });
const warningOnly = virtualService('blog', 'shop', { hosts: ['blog.example.org'], gateways: ['web'], http: [{ route: [dest('blog.example.org')] }] });

describe('MeshAnalyzerValidation (cdk8s.yaml validations:)', () => {
  test('loaded by cdk8s-cli, it reports an Error as a violation with construct path and fails the report', async () => {
    const { report, synthesized, logged } = await runPlugin([broken]);
    expect(report.success).toBe(false);
    const json = report.toJson();
    expect(json.summary).toMatchObject({ status: 'failure', metadata: { Errors: '1', Warnings: '0', Info: '0', FailOn: 'Error' } });
    expect(json.violations).toEqual([{
      ruleName: '[IST0101] ReferencedResourceNotFound (Error)',
      recommendation: 'Referenced gateway not found: "webx" (no Gateway shop/webx).',
      fix: 'Correct the reference (namespace/name of an existing Gateway), or create Gateway shop/webx.',
      violatingConstructs: [{
        resourceName: 'api',
        locations: ['VirtualService shop/api: spec.gateways[0]'],
        manifestPath: synthesized.manifests[0],
        constructPath: 'apps/obj0',
      }],
    }]);
    expect(path.basename(synthesized.manifests[0])).toBe('apps.k8s.yaml');
    expect(logged).toEqual(['cdk8s-istio analyzer: 2 objects, 1 Error, 0 Warning, 0 Info (failing at Error)']);
    expect(report.toString()).toMatch(/Construct Path: apps\/obj0/);
  });

  test('warnings are reported as violations but pass with the default threshold, and fail with failOn: Warning', async () => {
    const lenient = await runPlugin([warningOnly]);
    expect(lenient.report.success).toBe(true);
    expect(lenient.report.toJson().violations.map((v) => v.ruleName)).toEqual(['[IST0132] VirtualServiceHostNotFoundInGateway (Warning)']);
    const strict = await runPlugin([warningOnly], { failOn: 'warning' });
    expect(strict.report.success).toBe(false);
  });

  test('analyzer options come from the properties (suppress)', async () => {
    const { report } = await runPlugin([broken, service('reviews', 'shop', { app: 'reviews' }, [{ name: 'web', port: 80 }])], { suppress: ['IST0101'] });
    expect(report.success).toBe(true);
    expect(report.toJson().violations.map((v) => v.ruleName)).toEqual(['[IST0118] PortNameIsNotUnderNamingConvention (Info)']);
  });

  test('it works with a context built directly, without construct metadata', async () => {
    const file = path.join(dir, 'm.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio-injection: enabled\n    istio.io/rev: canary\n');
    validateAll([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' } } }]);
    const context = new ValidationContext([file], 'cdk8s-istio', '0.0.0');
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await new MeshAnalyzerValidation({ failOn: 'Warning' }).validate(context);
    } finally {
      log.mockRestore();
    }
    expect(context.report.success).toBe(false);
    expect(context.report.toJson().violations[0].violatingConstructs[0]).toEqual({
      resourceName: 'shop', locations: ['Namespace shop: metadata.labels'], manifestPath: file, constructPath: undefined,
    });
  });

  test('an invalid failOn property is rejected when cdk8s-cli instantiates the plugin', () => {
    expect(() => new MeshAnalyzerValidation({ failOn: 'Fatal' })).toThrow(/invalid failOn "Fatal": must be one of Error, Warning, Info/);
  });
});
