import { javascript, typescript, JsonFile, YamlFile } from 'projen';

// Versions that resolve and work together on Node 20 (see docs/toolchain.md).
const CDK8S = '2.70.106';
const CDK8S_PLUS = '2.5.6';
const CONSTRUCTS = '10.8.1';

const project = new typescript.TypeScriptProject({
  name: 'cdk8s-istio',
  packageName: 'cdk8s-istio',
  description: 'Typed cdk8s constructs that synthesize a complete Istio service mesh as plain Kubernetes YAML (no Helm, no network).',
  keywords: ['cdk8s', 'istio', 'service-mesh', 'kubernetes', 'gitops'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenVersion: '0.103.25',
  typescriptVersion: '5.9.3',
  // The lowest tested release (the machine's Node 20); @types/node follows its major. `engines` is set below.
  minNodeVersion: '20.20.2',

  // No hosted CI, release flow, linting bots or lockfile churn: CI is .ci/run.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  eslint: false,
  prettier: false,
  jest: false,
  package: true,
  // Packaging artifacts must stay out of dist/, which holds the synthesized YAML.
  artifactsDirectory: 'build/artifacts',

  peerDeps: [`cdk8s@^${CDK8S}`, `cdk8s-plus-28@^${CDK8S_PLUS}`, `constructs@^${CONSTRUCTS}`],
  deps: ['yaml@2.9.1', '@viz-js/viz@3.31.0'],
  devDeps: [
    `cdk8s@${CDK8S}`,
    `cdk8s-plus-28@${CDK8S_PLUS}`,
    `constructs@${CONSTRUCTS}`,
    'cdk8s-cli@2.207.60',
    'jest@30.5.2',
    '@types/jest@30.0.0',
    '@swc/jest@0.2.39',
    '@swc/core@1.16.22',
    'kubernetes-models@5.1.0',
    '@kubernetes-models/istio@3.0.1',
    '@kubernetes-models/argo-cd@4.0.0',
    '@kubernetes-models/cert-manager@6.0.0',
    'fast-check@4.10.2',
    'tsx@4.23.15',
    'typedoc@0.28.20',
    'typedoc-plugin-markdown@4.14.1',
  ],

  entrypoint: 'lib/src/index.js',
  entrypointTypes: 'lib/src/index.d.ts',
  srcdir: 'src',
  libdir: 'lib',
  testdir: 'test',
  tsconfig: {
    include: ['src/**/*.ts', 'imports/**/*.ts'],
    compilerOptions: {
      rootDir: '.',
      outDir: 'lib',
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      inlineSourceMap: false,
      inlineSources: false,
      // Keep @internal declarations in the .d.ts files: public declarations refer to some of them, and a
      // stripped one breaks consumers that type-check without skipLibCheck.
      stripInternal: false,
      types: ['node'],
    },
  },
  tsconfigDev: {
    // lives in test/ and extends the root tsconfig: paths are relative to test/
    include: ['**/*.ts', '../src/**/*.ts', '../imports/**/*.ts', '../bench/**/*.ts'],
    compilerOptions: {
      types: ['jest', 'node'],
    },
  },
  gitignore: ['/.cdk8s.out/', '/dist.tmp-*/', '/dist.old-*/', '/lib/', '/build/', '/.tmp/', '/cdk.out/', '/coverage/'],
});

// dist/ holds the synthesized YAML of the example app and is committed (users commit it to GitOps).
project.gitignore.removePatterns('/dist/');
for (const p of ['/docs/api/', '/api/', '/typedoc.json', '/test/', '/bench/', '/.ci/', '/.tmp/', '/scripts/', '/imports/**/*.ts', '/cdk8s.yaml', '/jest.config.json']) project.npmignore?.exclude(p);
// What the README's synth and the tests leave in the checkout stays out of the package (test/package checks the
// tarball against an allow-list).
for (const p of ['/.cdk8s.out/', '/dist.tmp-*/', '/dist.old-*/', '/build/', '/coverage/', '/cdk.out/']) project.npmignore?.exclude(p);
project.npmignore?.include('/imports/**/*.d.ts');

// The example app: `npx cdk8s synth` runs compiled JavaScript (no type-check at synth time).
new YamlFile(project, 'cdk8s.yaml', {
  obj: {
    language: 'typescript',
    app: 'node lib/src/main.js',
    // cdk8s-cli empties this folder before running the app; the app then writes dist/ atomically itself.
    output: '.cdk8s.out',
    // No `checkUpgrade` here: cdk8s-cli ignores it. Its upgrade check (a request to the npm registry on every
    // run, a stack trace without network) is turned off by `--check-upgrade=false` or CDK8S_CHECK_UPGRADE=false,
    // which the synth task sets.
    imports: [],
  },
});

// Jest: Kubernetes and Istio schema models are ESM-only, so a resolver picks their `import` condition
// and @swc/jest transforms them together with our TypeScript.
new JsonFile(project, 'jest.config.json', {
  obj: {
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
    resolver: '<rootDir>/test/support/esm-resolver.js',
    transform: {
      '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    },
    transformIgnorePatterns: ['/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex|@viz-js)/)'],
    moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
    testTimeout: 120000,
  },
});

// Regenerate the built-in CRD specs (src/base/schemas/v<line>.generated.ts, one per file) and, from the
// 1.30 file, the L1 Istio bindings (imports/); `--schemas-only` leaves imports/ alone:
//   npx projen import-crds -- ../shared/istio/1.30.3/crds.yaml ../shared/istio/1.20.3/crds.yaml
// and the Kubernetes Gateway API CRDs (src/base/schemas/gateway-api-v<line>.generated.ts, imports/gateway.networking.k8s.io.ts)
// from the sigs.k8s.io/gateway-api module's config/crd/standard folder in the Go module cache (docs/crds.md):
//   npx projen import-crds -- --gateway-api <module dir>/config/crd/standard
const importTask = project.addTask('import-crds', {
  description: 'Regenerate src/base/schemas (built-in CRD specs) from Istio CRD YAML files, and imports/ (L1 bindings) from the 1.30 one',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  receiveArgs: true,
});
importTask.exec('node scripts/import-crds.js', { receiveArgs: true });

// Regenerate the spec types of the L2 Istio constructs (src/resource/specs.generated.ts) from the newest release's CRDs:
//   npx projen import-spec-types -- ../shared/istio/1.30.3/crds.yaml
project.addTask('import-spec-types', {
  description: 'Regenerate src/resource/specs.generated.ts (spec types of the L2 Istio constructs) from an Istio CRD YAML file',
  receiveArgs: true,
}).exec('node scripts/gen-spec-types.js', { receiveArgs: true });

project.tasks.tryFind('compile')!.reset('tsc --build');

const typecheck = project.addTask('typecheck', {
  description: 'Type-check sources, tests and benchmarks',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});

// The conformance suite: Istio's and Kubernetes' own code (Go modules under test/conformance/, from the Go module
// proxy) judge what the library synthesizes. See docs/conformance.md.
const conformance = project.addTask('conformance', {
  description: 'Run the conformance suite (Istio injector, validation, charts, Gateway API controller; a real kube-apiserver) on the synthesized output',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  exec: 'bash test/conformance/run.sh',
});

// The Node.js lines: `jest --ci` and the example synth (dist/ byte for byte) on the machine's Node and on the
// pinned releases of Node 22, 24 and 26 from the npm registry (scripts/node-lines.js; docs/toolchain.md).
// `npm test -- <jest arguments>` passes them to jest on every line.
const nodeLines = project.addTask('node-lines', {
  description: "Run the jest suite and the example synth on the machine's Node and on Node 22, 24 and 26 (from the npm registry)",
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  steps: [{ spawn: 'compile' }, { exec: 'node scripts/node-lines.js', receiveArgs: true }],
});

const testTask = project.tasks.tryFind('test')!;
testTask.reset();
testTask.spawn(typecheck);
testTask.spawn(nodeLines, { receiveArgs: true });
testTask.spawn(conformance);

project.addTask('synth', {
  description: 'Compile and synthesize the example app into dist/ (without cdk8s-cli\'s upgrade check: CDK8S_CHECK_UPGRADE=false)',
  // cdk8s-cli reads its options from CDK8S_* variables; checkUpgrade in cdk8s.yaml is not one of its options.
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  steps: [{ spawn: 'compile' }, { exec: 'cdk8s synth' }],
});

// API reference from the doc comments (Markdown under docs/api, committed; test/api-docs.test.ts keeps it current).
new JsonFile(project, 'typedoc.json', {
  marker: false,
  obj: {
    entryPoints: ['src/index.ts'],
    out: 'docs/api',
    plugin: ['typedoc-plugin-markdown'],
    tsconfig: 'tsconfig.json',
    readme: 'none',
    excludeInternal: true,
    excludePrivate: true,
    disableSources: true,
    hideGenerator: true,
    githubPages: false,
    sort: ['source-order'],
  },
});
project.addTask('docgen', {
  description: 'Generate the API reference (docs/api) from the doc comments',
  exec: 'typedoc',
});

project.addTask('bench', {
  description: "Run the synth benchmark on the machine's Node and Node 24; fails when a target (a ratio to helm template, an empty cdk8s app or the yaml floor, measured in the same run) fails",
  steps: [{ spawn: 'compile' }, { exec: 'node bench/run.js', receiveArgs: true }],
});

// The tested Node.js lines (scripts/node-lines.js checks that every line it runs is in this range, and that
// every line of the range is run): 20 (end of life, the machine's Node), 22 and 24 (LTS), 26 (current).
project.package.addEngine('node', '^20.20.2 || ^22.23.5 || ^24.22.3 || ^26.12.1');

// `npm install` compiles, so `npx cdk8s synth` works right after it.
project.package.setScript('prepare', 'tsc --build');
project.package.addField('bin', { 'cdk8s-istio': 'bin/cdk8s-istio.js' });
project.npmignore?.include('/bin/');
// Ship the injection templates (read at synth time) but no TypeScript sources.
project.npmignore?.removePatterns('/src/');
project.npmignore?.exclude('/src/**/*.ts');

// Releases: the semantic version is set here and each release has its CHANGELOG.md entry. `npx projen release`
// compiles, checks version, CHANGELOG and package contents (scripts/check-release.js) and runs `npm publish`
// (which needs an npm token); `npx projen release --dry-run` does all of it but the upload.
const VERSION = '0.1.0';
project.package.addField('version', VERSION);
project.addTask('release', {
  description: `Check and publish version ${VERSION} to npm (\`--dry-run\`: everything but the upload)`,
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  steps: [
    { spawn: 'compile' },
    { exec: 'node scripts/check-release.js' },
    { exec: 'npm publish --access public', receiveArgs: true },
  ],
});

project.synth();
