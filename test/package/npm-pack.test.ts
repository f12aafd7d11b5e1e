/**
 * The npm path: pack this library, install the tarball into a fresh project (as a user would with
 * `npm install cdk8s-istio`), and synthesize a chart that uses IstioBase and Istiod from it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, validateAll } from '../support/schema';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', npm_config_yes: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('npm package', () => {
  let work: string;
  let tarball: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-pack-'));
    const out = run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop()!;
    tarball = path.join(work, out);
    const consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({
      name: 'consumer',
      private: true,
      dependencies: {
        'cdk8s-istio': `file:${tarball}`,
        'cdk8s': pkg.devDependencies.cdk8s,
        'cdk8s-plus-28': pkg.devDependencies['cdk8s-plus-28'],
        'constructs': pkg.devDependencies.constructs,
        '@types/node': pkg.devDependencies['@types/node'],
      },
    }, null, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], consumer);
  }, 300_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the tarball ships compiled JS and type declarations, not sources or tests', () => {
    const listing = run('tar', ['-tzf', tarball], work).split('\n');
    expect(listing).toContain('package/lib/src/index.js');
    expect(listing).toContain('package/lib/src/index.d.ts');
    expect(listing.some((f) => f.startsWith('package/test/'))).toBe(false);
    expect(listing.some((f) => f.startsWith('package/dist/'))).toBe(false);
    expect(listing.some((f) => /^package\/src\/.*\.ts$/.test(f))).toBe(false);
  });

  test('the type declarations compile in a strict TypeScript consumer (no skipLibCheck)', () => {
    const consumer = path.join(work, 'consumer');
    fs.writeFileSync(path.join(consumer, 'typed.ts'), [
      "import { App, Chart } from 'cdk8s';",
      "import { IngressGateway, GatewayService, IstioBase, Istiod, IstioVersion, ZeroTrustNamespace, CanaryRoute, MlopsMeshChart, writeGitOps, analyze } from 'cdk8s-istio';",
      'const app = new App();',
      "const chart = new Chart(app, 'mesh');",
      'const base = new IstioBase(chart, \'base\', { version: IstioVersion.V1_20_3 });',
      "const istiod = new Istiod(chart, 'istiod', { base });",
      "const ingress = new IngressGateway(chart, 'ingress', { istiod, service: GatewayService.nodePort({ http: 31080, https: 31443 }) });",
      "const ns = new ZeroTrustNamespace(chart, 'ns', { istiod, name: 'shop', ingressGatewayNamespaces: [ingress.namespace] });",
      "new CanaryRoute(chart, 'r', { namespace: ns, host: 'web', port: 80, stable: { version: 'v1' }, canary: { version: 'v2', weight: 5 } });",
      "new MlopsMeshChart(app, 'mlops');",
      'const findings: number = analyze([]).length;',
      'void findings; void writeGitOps;',
    ].join('\n'));
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    run(tsc, ['--noEmit', '--strict', '--target', 'es2022', '--module', 'commonjs', '--moduleResolution', 'node', '--types', 'node', 'typed.ts'], consumer);
  });

  test('a consumer synthesizes IstioBase + Istiod from the installed package', () => {
    const consumer = path.join(work, 'consumer');
    fs.writeFileSync(path.join(consumer, 'app.js'), [
      "const { App, Chart } = require('cdk8s');",
      "const { IstioBase, Istiod, IstioVersion } = require('cdk8s-istio');",
      "const app = new App({ outdir: 'out' });",
      "const chart = new Chart(app, 'mesh', { disableResourceNameHashes: true });",
      "const base = new IstioBase(chart, 'base', { version: IstioVersion.V1_30_3 });",
      "new Istiod(chart, 'istiod', { base });",
      'app.synth();',
    ].join('\n'));
    run('node', ['app.js'], consumer);
    const text = fs.readFileSync(path.join(consumer, 'out', 'mesh.k8s.yaml'), 'utf8');
    const objs = parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean) as K8sObject[];
    expect(validateAll(objs)).toBe(objs.length);
    const deploy = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'istiod');
    expect(deploy?.spec.template.spec.containers[0].image).toBe('docker.io/istio/pilot:1.30.3');
    expect(objs.filter((o) => o.kind === 'CustomResourceDefinition').length).toBe(15);
    expect(objs.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio-sidecar-injector')).toBe(true);
  });
});
