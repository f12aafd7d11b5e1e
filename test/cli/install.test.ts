/**
 * `cdk8s-istio install`, run for real: the sources are compiled into a private folder (so a compile running in
 * another test never hands us half-written files), and `node bin/cdk8s-istio.js install ...` runs as a child
 * process in a temporary working folder. Every object written is schema-valid; the same flags write the same
 * bytes; every refused input exits 2 with a one-line message and the usage hint, writing nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readTree, tempDir, kustomize, yamlDocs } from '../gitops/support';
import { K8sObject, validateAll } from '../support/schema';
import { findOne, ofKind } from '../support/synth';

const ROOT = path.resolve(__dirname, '..', '..');
/** The private build: <BUILD>/lib (tsc output) and <BUILD>/bin/cdk8s-istio.js (a copy of the real one). */
const BUILD = path.join(ROOT, '.tmp', `cli-install-${process.pid}`);
const BIN = path.join(BUILD, 'bin', 'cdk8s-istio.js');
const HINT = 'Usage: cdk8s-istio install --version <1.30.x|1.20.x> -o <dir> [options] (see: cdk8s-istio install --help)\n';

beforeAll(() => {
  fs.rmSync(BUILD, { recursive: true, force: true });
  // The type-check is `npm test`'s first step; here only the JavaScript matters, so tsc's exit code is not.
  spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.json'), '--outDir', path.join(BUILD, 'lib')], {
    cwd: ROOT, encoding: 'utf8', timeout: 240_000,
  });
  for (const f of ['analyzer/cli.js', 'cli/install.js']) {
    if (!fs.existsSync(path.join(BUILD, 'lib', 'src', f))) throw new Error(`compiling the sources into ${BUILD}/lib did not write src/${f}`);
  }
  fs.mkdirSync(path.dirname(BIN), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'bin', 'cdk8s-istio.js'), BIN);
}, 300_000);

afterAll(() => fs.rmSync(BUILD, { recursive: true, force: true }));

let work: string;
beforeEach(() => {
  work = tempDir('cli-install-');
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** `node bin/cdk8s-istio.js <args>` in the working folder. */
function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `cdk8s-istio install <args>`, expected to succeed. */
function install(...args: string[]): Run {
  const r = cli('install', ...args);
  if (r.code !== 0) throw new Error(`install ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r;
}

/** Every object of the YAML files below `dir` (kustomization.yaml excluded), each schema-validated. */
function objectsIn(dir: string): K8sObject[] {
  const objs = Object.keys(readTree(dir)).filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'))
    .flatMap((f) => yamlDocs(fs.readFileSync(path.join(dir, f), 'utf8')));
  validateAll(objs);
  return objs;
}

/** The objects of one stage file of the install chart. */
function stage(dir: string, file: string): K8sObject[] {
  return yamlDocs(fs.readFileSync(path.join(dir, 'istio', file), 'utf8'));
}

const serviceOf = (webhook: K8sObject) => webhook.webhooks.map((w: { clientConfig: { service: { name: string; namespace: string } } }) => `${w.clientConfig.service.namespace}/${w.clientConfig.service.name}`);

describe.each([
  ['1.30.3', ['v1']],
  ['1.20.3', ['v1beta1', 'v1']],
])('the default profile at Istio %s', (version, reviewVersions) => {
  test('writes the GitOps layout: CRDs, control plane, ingress gateway, kustomization; schema-valid, byte-identical per run', () => {
    const r = install('--version', version, '-o', 'out');
    expect(r.err).toBe('');
    expect(r.out).toBe([
      `Wrote Istio ${version} (profile default: base, istiod, ingress gateway) to out:`,
      '  istio/00-crds.yaml',
      '  istio/10-control-plane.yaml',
      '  istio/20-gateways.yaml',
      '  istio/kustomization.yaml',
      `Apply: kubectl apply --server-side -k ${path.join('out', 'istio')} (on a new cluster, apply the stage files in order: see docs/gitops.md)`,
      '',
    ].join('\n'));
    const out = path.join(work, 'out');
    const tree = readTree(out);
    expect(Object.keys(tree)).toEqual(['istio/00-crds.yaml', 'istio/10-control-plane.yaml', 'istio/20-gateways.yaml', 'istio/kustomization.yaml']);
    expect(yamlDocs(fs.readFileSync(path.join(out, 'istio', 'kustomization.yaml'), 'utf8'))[0]).toMatchObject({
      kind: 'Kustomization', resources: ['00-crds.yaml', '10-control-plane.yaml', '20-gateways.yaml'],
    });

    const objs = objectsIn(out);
    expect(objs.length).toBeGreaterThan(30);
    // kubectl's kustomize takes the folder as it is
    expect(kustomize(path.join(out, 'istio'))).toHaveLength(objs.length);

    const crds = stage(out, '00-crds.yaml');
    expect(crds.length).toBeGreaterThan(10);
    expect(new Set(crds.map((o) => o.kind))).toEqual(new Set(['CustomResourceDefinition']));
    expect(crds.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(['virtualservices.networking.istio.io', 'peerauthentications.security.istio.io']));

    const control = stage(out, '10-control-plane.yaml');
    const istiod = findOne(control, 'Deployment', 'istiod', 'istio-system');
    expect(istiod.spec.template.spec.containers[0].image).toBe(`docker.io/istio/pilot:${version}`);
    const injector = findOne(control, 'MutatingWebhookConfiguration', 'istio-sidecar-injector');
    expect(serviceOf(injector)).toEqual(injector.webhooks.map(() => 'istio-system/istiod'));
    expect(injector.webhooks[0].admissionReviewVersions).toEqual(reviewVersions);
    expect(serviceOf(findOne(control, 'ValidatingWebhookConfiguration', 'istiod-default-validator'))).toEqual(['istio-system/istiod']);
    expect(ofKind(control, 'Namespace').map((o) => o.metadata.name).sort()).toEqual(['istio-ingress', 'istio-system']);

    const gateways = stage(out, '20-gateways.yaml');
    const ingress = findOne(gateways, 'Deployment', 'istio-ingressgateway', 'istio-ingress');
    expect(ingress.spec.template.metadata.annotations['inject.istio.io/templates']).toBe('gateway');
    expect(findOne(gateways, 'Service', 'istio-ingressgateway', 'istio-ingress').spec.type).toBe('LoadBalancer');
    expect(objs.filter((o) => o.metadata.name === 'istio-egressgateway')).toEqual([]);

    // the same flags write the same bytes: into a second folder, and again over the first one
    install('--version', version, '-o', 'again');
    expect(readTree(path.join(work, 'again'))).toEqual(tree);
    install('--version', version, '-o', 'out');
    expect(readTree(out)).toEqual(tree);
  });

  test('the analyzer finds nothing in what install wrote', () => {
    install('--version', version, '-o', 'out', '--egress');
    const r = cli('analyze', 'out');
    expect(r).toMatchObject({ code: 0, out: '' });
    expect(r.err).toMatch(/^No findings in \d+ objects from 4 file\(s\)\.\n$/);
  });
});

describe('profiles and gateways', () => {
  test('minimal is base and istiod only: no gateway stage, no gateway namespace', () => {
    const r = install('--version', '1.30.3', '--profile', 'minimal', '-o', 'out');
    expect(r.out).toMatch(/^Wrote Istio 1\.30\.3 \(profile minimal: base, istiod\) to out:\n/);
    const out = path.join(work, 'out');
    expect(Object.keys(readTree(out))).toEqual(['istio/00-crds.yaml', 'istio/10-control-plane.yaml', 'istio/kustomization.yaml']);
    const objs = objectsIn(out);
    expect(ofKind(objs, 'Deployment').map((o) => o.metadata.name)).toEqual(['istiod']);
    expect(ofKind(objs, 'Namespace').map((o) => o.metadata.name)).toEqual(['istio-system']);
  });

  test('--ingress and --egress add gateways to any profile', () => {
    install('--version', '1.20.3', '--profile=minimal', '--ingress', '--egress', '-o', 'min');
    install('--version', '1.20.3', '--egress', '-o', 'def');
    for (const dir of ['min', 'def']) {
      const gateways = stage(path.join(work, dir), '20-gateways.yaml');
      validateAll(gateways);
      expect(ofKind(gateways, 'Deployment').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort())
        .toEqual(['istio-egress/istio-egressgateway', 'istio-ingress/istio-ingressgateway']);
      expect(findOne(gateways, 'Service', 'istio-egressgateway', 'istio-egress').spec.type).toBe('ClusterIP');
    }
    // the default profile already has the ingress gateway: --ingress changes nothing
    install('--version', '1.20.3', '--egress', '--ingress', '-o', 'both');
    expect(readTree(path.join(work, 'both'))).toEqual(readTree(path.join(work, 'def')));
    expect(readTree(path.join(work, 'min'))).toEqual(readTree(path.join(work, 'def')));
  });

  test('ambient is istiod in ambient mode with the Istio CNI node agent and ztunnel, no gateway; the analyzer finds nothing', () => {
    const r = install('--version', '1.30.3', '--profile', 'ambient', '-o', 'out');
    expect(r.out).toMatch(/^Wrote Istio 1\.30\.3 \(profile ambient: base, istiod \(ambient\), Istio CNI node agent, ztunnel\) to out:\n/);
    const out = path.join(work, 'out');
    expect(Object.keys(readTree(out))).toEqual(['istio/00-crds.yaml', 'istio/10-control-plane.yaml', 'istio/kustomization.yaml']);
    const control = stage(out, '10-control-plane.yaml');
    validateAll(control);
    expect(ofKind(control, 'DaemonSet').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(['istio-system/istio-cni-node', 'istio-system/ztunnel']);
    const istiod = findOne(control, 'Deployment', 'istiod', 'istio-system').spec.template.spec.containers[0];
    expect(istiod.image).toBe('docker.io/istio/pilot:1.30.3-distroless');
    expect(istiod.env).toContainEqual({ name: 'PILOT_ENABLE_AMBIENT', value: 'true' });
    expect(findOne(control, 'ConfigMap', 'istio-cni-config', 'istio-system').data.AMBIENT_ENABLED).toBe('true');
    expect(ofKind(control, 'Deployment').map((o) => o.metadata.name)).toEqual(['istiod']);
    const analyzed = cli('analyze', 'out');
    expect(analyzed).toMatchObject({ code: 0, out: '' });
  });

  test('--gateway-api adds the Gateway API CRDs of the release to 00-crds.yaml, and nothing else', () => {
    const r = install('--version', '1.30.3', '--profile', 'ambient', '--gateway-api', '-o', 'out');
    expect(r.out).toMatch(/^Wrote Istio 1\.30\.3 \(profile ambient: base with the Gateway API CRDs, istiod \(ambient\), Istio CNI node agent, ztunnel\) to out:\n/);
    const gatewayCrds = (dir: string) => stage(path.join(work, dir), '00-crds.yaml').filter((o) => o.spec.group === 'gateway.networking.k8s.io');
    expect(gatewayCrds('out').map((o) => `${o.metadata.name} ${o.metadata.annotations!['gateway.networking.k8s.io/bundle-version']}`)).toEqual([
      'backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'listenersets', 'referencegrants', 'tlsroutes',
    ].map((p) => `${p}.gateway.networking.k8s.io v1.5.1`));
    install('--version', '1.30.3', '--profile', 'ambient', '-o', 'without');
    expect(gatewayCrds('without')).toEqual([]);
    expect(stage(path.join(work, 'out'), '10-control-plane.yaml')).toEqual(stage(path.join(work, 'without'), '10-control-plane.yaml'));
    install('--version', '1.20.3', '--gateway-api', '-o', 'old');
    expect(gatewayCrds('old').map((o) => o.spec.names.kind)).toEqual(['GatewayClass', 'Gateway', 'HTTPRoute', 'ReferenceGrant']);
    expect(cli('analyze', 'out')).toMatchObject({ code: 0, out: '' });
  });

  test('--cni adds the node agent to any profile and puts the injector in CNI mode', () => {
    const r = install('--version', '1.20.3', '--cni', '-o', 'out');
    expect(r.out).toMatch(/^Wrote Istio 1\.20\.3 \(profile default: base, istiod, Istio CNI node agent, ingress gateway\) to out:\n/);
    const control = stage(path.join(work, 'out'), '10-control-plane.yaml');
    validateAll(control);
    expect(ofKind(control, 'DaemonSet').map((o) => o.metadata.name)).toEqual(['istio-cni-node']);
    const values = JSON.parse(findOne(control, 'ConfigMap', 'istio-sidecar-injector', 'istio-system').data.values);
    expect(values.istio_cni.enabled).toBe(true);
    install('--version', '1.30.3', '--profile', 'minimal', '--cni', '-o', 'min');
    const min = stage(path.join(work, 'min'), '10-control-plane.yaml');
    expect(JSON.parse(findOne(min, 'ConfigMap', 'istio-sidecar-injector', 'istio-system').data.values).pilot.cni.enabled).toBe(true);
    // ambient has the agent already: --cni changes nothing
    install('--version', '1.30.3', '--profile', 'ambient', '-o', 'a');
    install('--version', '1.30.3', '--profile', 'ambient', '--cni', '-o', 'b');
    expect(readTree(path.join(work, 'b'))).toEqual(readTree(path.join(work, 'a')));
  });

  test('an earlier output is replaced as a whole: a later minimal install drops the gateway stage', () => {
    install('--version', '1.30.3', '-o', 'out');
    install('--version', '1.30.3', '--profile', 'minimal', '-o', 'out');
    expect(Object.keys(readTree(path.join(work, 'out')))).toEqual(['istio/00-crds.yaml', 'istio/10-control-plane.yaml', 'istio/kustomization.yaml']);
  });
});

describe('revision, multi-cluster and Argo CD flags', () => {
  test('--revision canary names the control plane istiod-canary; validator, injector and gateway follow it', () => {
    const r = install('--version', '1.30.3', '--revision', 'canary', '--egress', '-o', 'out');
    expect(r.out).toMatch(/^Wrote Istio 1\.30\.3 revision canary \(profile default: base, istiod, ingress gateway, egress gateway\)/);
    const objs = objectsIn(path.join(work, 'out'));
    const istiod = findOne(objs, 'Deployment', 'istiod-canary', 'istio-system');
    expect(istiod.spec.template.metadata.labels['istio.io/rev']).toBe('canary');
    expect(objs.filter((o) => o.metadata.name === 'istiod')).toEqual([]);
    expect(findOne(objs, 'Service', 'istiod-canary', 'istio-system').spec.selector).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
    expect(findOne(objs, 'ConfigMap', 'istio-canary', 'istio-system').data.mesh).toContain('discoveryAddress: istiod-canary.istio-system.svc:15012');
    const injector = findOne(objs, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-canary');
    expect(serviceOf(injector)).toEqual(injector.webhooks.map(() => 'istio-system/istiod-canary'));
    expect(injector.webhooks.map((w: { name: string }) => w.name).every((n: string) => n.startsWith('rev.'))).toBe(true);
    expect(serviceOf(findOne(objs, 'ValidatingWebhookConfiguration', 'istiod-default-validator'))).toEqual(['istio-system/istiod-canary']);
    expect(serviceOf(findOne(objs, 'ValidatingWebhookConfiguration', 'istio-validator-canary-istio-system'))).toEqual(['istio-system/istiod-canary']);
    for (const [name, ns] of [['istio-ingressgateway', 'istio-ingress'], ['istio-egressgateway', 'istio-egress']]) {
      expect(findOne(objs, 'Deployment', name, ns).spec.template.metadata.labels['istio.io/rev']).toBe('canary');
      expect(findOne(objs, 'Namespace', ns).metadata.labels).toEqual({ 'istio.io/rev': 'canary' });
    }
  });

  test('--mesh-id, --cluster and --network reach istiod and the injected proxies', () => {
    install('--version', '1.20.3', '--profile', 'minimal', '--mesh-id', 'mesh1', '--cluster', 'pi-east', '--network', 'lan1', '-o', 'out');
    const objs = objectsIn(path.join(work, 'out'));
    const env = findOne(objs, 'Deployment', 'istiod', 'istio-system').spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
    expect(env.find((e) => e.name === 'CLUSTER_ID')?.value).toBe('pi-east');
    expect(findOne(objs, 'ConfigMap', 'istio', 'istio-system').data.mesh).toMatch(/^\s*meshId: mesh1$/m);
    const values = JSON.parse(findOne(objs, 'ConfigMap', 'istio-sidecar-injector', 'istio-system').data.values);
    expect(values.global).toMatchObject({ meshID: 'mesh1', network: 'lan1', multiCluster: { clusterName: 'pi-east' } });
  });

  test.each(['1.30.3', '1.20.3'])('--revision-tag and --eastwest-gateway at %s: tag webhooks, the network label, the east-west gateway', (version) => {
    install('--version', version, '--profile', 'minimal', '--revision', 'canary', '--revision-tag', 'prod,default',
      '--mesh-id', 'mesh1', '--cluster', 'c1', '--network', 'n1', '--eastwest-gateway', '-o', 'out');
    const objs = objectsIn(path.join(work, 'out'));
    for (const tag of ['prod', 'default']) {
      expect(serviceOf(findOne(objs, 'MutatingWebhookConfiguration', `istio-revision-tag-${tag}`))[0]).toBe('istio-system/istiod-canary');
    }
    expect(findOne(objs, 'Namespace', 'istio-system').metadata.labels).toMatchObject({ 'topology.istio.io/network': 'n1' });
    expect(findOne(objs, 'Service', 'istio-eastwestgateway', 'istio-system').spec.ports.map((p: { port: number }) => p.port)).toEqual([15021, 15443, 15012, 15017]);
    findOne(objs, 'Gateway', 'cross-network-gateway', 'istio-system');
    expect(kustomize(path.join(work, 'out', 'istio')).length).toBe(objs.length);
  });

  test('--argocd-repo adds the Argo CD Application (with --argocd-path and --argocd-revision) and sync waves', () => {
    const r = install('--version', '1.30.3', '-o', 'out', '--argocd-repo', 'https://git.example.com/platform/mesh.git', '--argocd-path', 'clusters/pi', '--argocd-revision', 'main');
    expect(r.out).toContain(`Argo CD: commit out, then kubectl apply -k ${path.join('out', 'argocd')}\n`);
    const out = path.join(work, 'out');
    expect(Object.keys(readTree(out))).toEqual([
      'argocd/istio-application.yaml', 'argocd/kustomization.yaml',
      'istio/00-crds.yaml', 'istio/10-control-plane.yaml', 'istio/20-gateways.yaml', 'istio/kustomization.yaml',
    ]);
    const objs = objectsIn(out);
    const app = findOne(objs, 'Application', 'istio', 'argocd');
    expect(app.spec.source).toEqual({ path: 'clusters/pi/istio', repoURL: 'https://git.example.com/platform/mesh.git', targetRevision: 'main' });
    expect(app.spec.ignoreDifferences.map((d: { name: string }) => d.name)).toEqual(['istio-sidecar-injector', 'istio-validator-istio-system', 'istiod-default-validator']);
    expect(findOne(objs, 'Deployment', 'istio-ingressgateway').metadata.annotations!['argocd.argoproj.io/sync-wave']).toBe('2');
    // without --argocd-path, the Application syncs the output folder's path relative to the working folder
    install('--version', '1.30.3', '-o', 'gitops/istio', '--argocd-repo', 'git@git.example.com:platform/mesh.git');
    const app2 = yamlDocs(fs.readFileSync(path.join(work, 'gitops', 'istio', 'argocd', 'istio-application.yaml'), 'utf8'))[0];
    expect(app2.spec.source).toEqual({ path: 'gitops/istio/istio', repoURL: 'git@git.example.com:platform/mesh.git', targetRevision: 'HEAD' });
  });
});

describe('refused input: exit 2, one line and the usage hint, nothing written', () => {
  const ok = ['--version', '1.30.3', '-o', 'out'];
  test.each<[string, string[], RegExp]>([
    ['no flags', [], /^missing --version: the Istio release to install, 1\.30\.x or 1\.20\.x/],
    ['a missing --version', ['-o', 'out'], /^missing --version/],
    ['a missing -o', ['--version', '1.30.3'], /^missing -o <dir>: the output folder$/],
    ['-o without a value', ['--version', '1.30.3', '-o'], /^-o needs a value$/],
    ['--version without a value', ['-o', 'out', '--version', '--ingress'], /^--version needs a value$/],
    ['an empty value', ['--version=', '-o', 'out'], /^--version needs a value$/],
    ['a release of another line', ['--version', '1.25.0', '-o', 'out'], /^--version "1\.25\.0": must be an Istio release of a supported line: "1\.30\.x" \(default 1\.30\.3\) or "1\.20\.x"/],
    ['a version that is no release', ['--version', 'latest', '-o', 'out'], /^--version "latest": must be an Istio release/],
    ['an unknown flag', [...ok, '--bogus'], /^unknown option --bogus$/],
    ['a stray argument', [...ok, 'extra'], /^unexpected argument "extra"/],
    ['a flag given twice', [...ok, '--output', 'other'], /^--output is given more than once$/],
    ['a value on a switch', [...ok, '--ingress=true'], /^--ingress takes no value$/],
    ['an unknown profile', [...ok, '--profile', 'demo'], /^--profile "demo": must be default, minimal or ambient$/],
    ['the ambient profile at 1.20.3', ['--version', '1.20.3', '-o', 'out', '--profile', 'ambient'], /^--profile ambient: ambient mode needs Istio 1\.24 or later .* Fix: use version 1\.30\.3/],
    ['a value on --cni', [...ok, '--cni=true'], /^--cni takes no value$/],
    ['a value on --gateway-api', [...ok, '--gateway-api=true'], /^--gateway-api takes no value$/],
    ['--eastwest-gateway without --network', [...ok, '--eastwest-gateway'], /^--eastwest-gateway needs --network/],
    ['a value on --eastwest-gateway', [...ok, '--network', 'n1', '--eastwest-gateway=yes'], /^--eastwest-gateway takes no value$/],
    ['a revision tag that is no DNS label', [...ok, '--revision', 'canary', '--revision-tag', 'Prod'], /^--revision-tag "Prod": must be a DNS-1123 label/],
    ['the tag "default" on the default revision', [...ok, '--revision-tag', 'default'], /^--revision-tag "default": the default revision .* already serves istio-injection=enabled/],
    ['a tag named like the revision', [...ok, '--revision', 'canary', '--revision-tag', 'canary'], /^--revision-tag "canary": must differ from the revision/],
    ['a tag listed twice', [...ok, '--revision', 'canary', '--revision-tag', 'prod,prod'], /--revision-tag.*listed twice/],
    ['--argocd-path without --argocd-repo', [...ok, '--argocd-path', 'dist'], /^--argocd-path needs --argocd-repo$/],
    // the library's own rules (IstioValidationError), reported against the flag
    ['a revision that is no DNS label', [...ok, '--revision', 'Canary'], /^--revision "Canary": must be a DNS-1123 label/],
    ['the revision "default"', [...ok, '--revision', 'default'], /^--revision "default": "default" names the default revision/],
    ['a cluster name that is no label value', [...ok, '--cluster', 'east/1'], /^--cluster "east\/1": must be a non-empty label value/],
    ['a mesh id that is no label value', [...ok, '--mesh-id', 'a b'], /^--mesh-id "a b": must be a non-empty label value/],
    ['a repository URL that is none', [...ok, '--argocd-repo', 'mesh'], /^--argocd-repo "mesh": must be a Git repository URL/],
    ['a repository path with ..', [...ok, '--argocd-repo', 'https://git.example.com/m.git', '--argocd-path', '../x'], /^--argocd-path "\.\.\/x": must be a relative folder inside the repository/],
    ['an output outside the working folder without --argocd-path', ['--version', '1.30.3', '-o', '../elsewhere', '--argocd-repo', 'https://git.example.com/m.git'],
      /^--argocd-path: must be given because outdir "\.\.\/elsewhere" is not a folder below the current directory/],
  ])('%s', (_name, args, message) => {
    const r = cli('install', ...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const [line, hint, ...rest] = r.err.split(/(?<=\n)/);
    expect(line.startsWith('cdk8s-istio install: ')).toBe(true);
    expect(line.slice('cdk8s-istio install: '.length).trimEnd()).toMatch(message);
    expect([hint, rest]).toEqual([HINT, []]);
    expect(fs.readdirSync(work)).toEqual([]);
  });

  test('an output folder writeGitOps refuses is left as it was', () => {
    fs.mkdirSync(path.join(work, 'out'));
    fs.writeFileSync(path.join(work, 'out', 'notes.txt'), 'mine\n');
    const r = cli('install', '--version', '1.30.3', '-o', 'out');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^cdk8s-istio install: -o "out": refusing to replace "out" \(.*\): it holds notes\.txt, which is neither written by this tree nor an output folder with a kustomization\.yaml\. The output folder is replaced as a whole; give it a folder of its own, e\.g\. "dist"\.\n/);
    expect(r.err.endsWith(`\n${HINT}`)).toBe(true);
    expect(readTree(path.join(work, 'out'))).toEqual({ 'notes.txt': Buffer.from('mine\n').toString('hex') });
    expect(fs.readdirSync(work)).toEqual(['out']);

    const cwd = cli('install', '--version', '1.30.3', '-o', '.');
    expect(cwd.code).toBe(2);
    expect(cwd.err).toMatch(/^cdk8s-istio install: -o "\.": refusing to replace "\." \(.*\): it holds the current folder/);
  });
});

describe('help and commands', () => {
  test('install --help and -h print the usage and exit 0', () => {
    const help = cli('install', '--help');
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toMatch(/^Usage: cdk8s-istio install --version <1\.30\.x\|1\.20\.x> -o <dir> \[options\]\n/);
    for (const flag of ['--profile <name>', '--cni', '--gateway-api', '--ingress', '--egress', '--revision <name>', '--mesh-id <id>', '--cluster <name>', '--network <name>', '--argocd-repo <url>', '-o, --output <dir>']) {
      expect(help.out).toContain(flag);
    }
    for (const flag of ['--revision-tag <tags>', '--eastwest-gateway']) expect(help.out).toContain(flag);
    expect(help.out).not.toContain('Not available yet');
    expect(cli('install', '-h')).toEqual(help);
    expect(cli('install', '--version', '1.30.3', '--help')).toEqual(help);
    expect(fs.readdirSync(work)).toEqual([]);
  });

  test('cdk8s-istio --help lists both commands; analyze still works', () => {
    const top = cli('--help');
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/^ {2}analyze <files\|dirs> /m);
    expect(top.out).toMatch(/^ {2}install -o <dir> \.\.\. /m);
    expect(cli()).toMatchObject({ code: 2, err: expect.stringMatching(/^Usage: cdk8s-istio <command>/) });
    expect(cli('analyze', '--help')).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: cdk8s-istio analyze/) });
    expect(cli('instal')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "instal"/) });
  });
});
