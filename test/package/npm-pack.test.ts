/**
 * The npm path: pack this library after the README's synth (so the checkout holds `.cdk8s.out/` and `dist/`),
 * check the tarball against the release allow-list, install it into fresh projects (as a user would with
 * `npm install cdk8s-istio`) and use it from JavaScript and from TypeScript at both ends of the supported
 * TypeScript range: `tsc` type-checks a consumer (strict, no skipLibCheck) and ts-node runs it, the way a cdk8s
 * TypeScript app runs (`app: npx ts-node main.ts`).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, validateAll } from '../support/schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const release = require('../../scripts/check-release.js') as {
  packProblems(files: string[]): string[];
  versionProblems(pkg: { version: string }, changelog?: string): string[];
};

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/**
 * The supported TypeScript range for consumers, tested at both ends (the README states it). TypeScript 7 has no
 * compiler API, so ts-node (and cdk8s's TypeScript apps with it) cannot run on it.
 */
const TYPESCRIPT_LOWEST = '5.0.4';
const TYPESCRIPT_HIGHEST = '6.0.3';
const TS_NODE = '10.9.2';

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', npm_config_yes: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function npmInstall(cwd: string, ...specs: string[]): void {
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...specs], cwd);
}

/** `major.minor` of a version. */
function line(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

describe('npm package', () => {
  let work: string;
  let tarball: string;
  let listing: string[];
  /** `.cdk8s.out/` made by this test (when the README's synth had not made it), removed afterwards. */
  let madeSynthOutput: string | undefined;

  beforeAll(() => {
    // The README's synth leaves cdk8s-cli's output folder (cdk8s.yaml `output`) and dist/ in the checkout.
    const cdk8sOut = path.join(root, '.cdk8s.out');
    if (!fs.existsSync(cdk8sOut)) {
      fs.mkdirSync(cdk8sOut);
      fs.writeFileSync(path.join(cdk8sOut, 'left-by-synth.k8s.yaml'), '');
      madeSynthOutput = cdk8sOut;
    }
    expect(fs.readdirSync(cdk8sOut).length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(root, 'dist'))).toBe(true);

    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-pack-'));
    const out = run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop()!;
    tarball = path.join(work, out);
    listing = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
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
    npmInstall(consumer);
  }, 300_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
    if (madeSynthOutput) fs.rmSync(madeSynthOutput, { recursive: true, force: true });
  });

  test('the tarball holds only what a user needs: no synth output, tests, benchmark, dist/ or TypeScript sources', () => {
    expect(listing).toEqual(expect.arrayContaining(['lib/src/index.js', 'lib/src/index.d.ts', 'bin/cdk8s-istio.js', 'CHANGELOG.md', 'README.md', 'LICENSE']));
    for (const dir of ['.cdk8s.out/', 'test/', 'bench/', 'dist/', 'scripts/', 'docs/api/', 'build/']) {
      expect(listing.filter((f) => f.startsWith(dir))).toEqual([]);
    }
    expect(listing.filter((f) => /^src\/.*\.ts$/.test(f))).toEqual([]);
    // the allow-list of the release check (scripts/check-release.js)
    expect(release.packProblems(listing)).toEqual([]);
    expect(fs.statSync(tarball).size).toBeLessThan(1_000_000);
  });

  test('the version is a semantic version with its CHANGELOG entry, as the release task checks', () => {
    expect(release.versionProblems(pkg, fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'))).toEqual([]);
    expect(path.basename(tarball)).toBe(`cdk8s-istio-${pkg.version}.tgz`);
    // the checks find what they are for
    expect(release.versionProblems({ version: '0.0.0' }, '# Changelog\n')).toEqual([
      'package.json version is the placeholder 0.0.0', 'CHANGELOG.md has no "## 0.0.0" entry',
    ]);
    expect(release.versionProblems({ version: '1.0' }, '## 1.0\n\nx\n')).toEqual(['package.json version "1.0" is not a semantic version']);
    expect(release.versionProblems({ version: '0.2.0' }, '## 0.3.0\n\nnext\n\n## 0.2.0\n\nx\n')).toEqual(['the first CHANGELOG.md entry is not 0.2.0: ## 0.3.0']);
    expect(release.packProblems(['package.json', '.cdk8s.out/mesh.k8s.yaml'])[0]).toContain('.cdk8s.out/mesh.k8s.yaml');
  });

  test('the README states the tested TypeScript range', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`TypeScript ${line(TYPESCRIPT_LOWEST)} to ${line(TYPESCRIPT_HIGHEST)}`);
  });

  describe.each([TYPESCRIPT_LOWEST, TYPESCRIPT_HIGHEST])('a TypeScript consumer on TypeScript %s', (typescript) => {
    let project: string;

    beforeAll(() => {
      project = path.join(work, `ts-${typescript}`);
      fs.cpSync(path.join(work, 'consumer'), project, { recursive: true });
      npmInstall(project, `typescript@${typescript}`, `ts-node@${TS_NODE}`);
      // the shape of a cdk8s TypeScript app's tsconfig; no skipLibCheck, so the declarations are checked too
      fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { strict: true, target: 'es2022', module: 'commonjs', types: ['node'], noEmit: true },
        include: ['*.ts'],
      }));
      fs.writeFileSync(path.join(project, 'typed.ts'), [
        "import { App, Chart } from 'cdk8s';",
        "import { IngressGateway, GatewayService, IstioBase, Istiod, IstioVersion, ZeroTrustNamespace, CanaryRoute, MlopsMeshChart, writeGitOps, analyze, synthYaml } from 'cdk8s-istio';",
        'const app = new App();',
        "const chart = new Chart(app, 'mesh', { disableResourceNameHashes: true });",
        "const base = new IstioBase(chart, 'base', { version: IstioVersion.V1_20_3 });",
        "const istiod = new Istiod(chart, 'istiod', { base });",
        "const ingress = new IngressGateway(chart, 'ingress', { istiod, service: GatewayService.nodePort({ http: 31080, https: 31443 }) });",
        "const ns = new ZeroTrustNamespace(chart, 'ns', { istiod, name: 'shop', ingressGatewayNamespaces: [ingress.namespace] });",
        "new CanaryRoute(chart, 'r', { namespace: ns, host: 'web', port: 80, stable: { version: 'v1' }, canary: { version: 'v2', weight: 5 } });",
        "new MlopsMeshChart(app, 'mlops');",
        'const findings: number = analyze([]).length;',
        'const text: string = synthYaml(app);',
        'void writeGitOps;',
        "console.log(JSON.stringify({ findings, documents: text.split('\\n---\\n').length }));",
      ].join('\n'));
    }, 300_000);

    test('tsc type-checks it (strict, declarations included)', () => {
      expect(run(path.join(project, 'node_modules', '.bin', 'tsc'), ['--version'], project).trim()).toBe(`Version ${typescript}`);
      run(path.join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], project);
    });

    test('ts-node runs it: both charts synthesize', () => {
      const out = JSON.parse(run(path.join(project, 'node_modules', '.bin', 'ts-node'), ['typed.ts'], project).trim().split('\n').pop()!);
      expect(out.findings).toBe(0);
      expect(out.documents).toBeGreaterThan(100);
    });
  });

  test('a JavaScript consumer synthesizes IstioBase + Istiod from the installed package', () => {
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
