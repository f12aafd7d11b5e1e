/**
 * Writes what the Go conformance suites judge: every object our constructs synthesize for a set of cases, per
 * Istio release, plus the injector and mesh ConfigMaps of a default install (the input of Istio's injector).
 *
 *   npx tsx test/conformance/fixtures.ts [outdir]      (default .tmp/conformance)
 *
 * Layout: <outdir>/<tag>/cases/<case>.yaml (multi-document YAML, one case per file: `dist-*` from the committed
 * dist/, `default`, `revision-canary`, `property-NNN` from the property tests' generator at a fixed seed) and
 * <outdir>/<tag>/injector[-cni|-ambient]/{config,values,mesh,meshNetworks} (the data keys of `istio-sidecar-injector` and
 * `istio`, for a default install, one with the Istio CNI and, on 1.30, one in ambient mode), and
 * <outdir>/<tag>/template-contract.json (the template data fields and functions of the release, src/version.ts) and
 * <outdir>/<tag>/catalog.json (Istio-level rows of the bad-input catalog applied to valid objects) and, for 1.30.3,
 * <outdir>/1.30.3/webhook-cases.json (the recorded verdict tables of the L2 kinds, re-judged by Istio's code).
 * Cases also include `upstream-reference-N`: the networking examples of Istio's API reference as our constructs render them.
 * `pod-security-cni` and `pod-security-no-cni` pair a ZeroTrustNamespace's default Pod Security labels with its control plane's injector.
 * Deterministic: the same commit writes the same bytes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  CanaryRoute, EgressGateway, IngressGateway, IstioBase, Istiod, IstioVersion, MeshFleet, MlopsMeshChart, PiClusterMeshChart, Waypoint, ZeroTrustNamespace,
} from '../../src';
import { corpusObjects } from '../corpus/corpus';
import * as networking from '../../src/networking';
import { istioApiVersion } from '../../src/resource/spec-check';
import { gatewayApiMesh } from '../gateway-api/mesh';
import { exampleId, REFUSED_EXAMPLES, referenceExamples } from '../networking/upstream-reference';
import { NETWORKING_WEBHOOK_CASES, objectOf as networkingObjectOf } from '../networking/webhook-cases';
import { meshCfg } from '../properties/arbitraries';
import { build } from '../properties/model';
import { hostCases } from '../support/host-cases';
import { POLICY_WEBHOOK_CASES, objectOf as policyObjectOf } from '../security/webhook-cases';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, string> };

const VERSIONS = [IstioVersion.V1_30_3, IstioVersion.V1_20_3];
/** Random valid configurations per release (the suites apply every object of each). */
const PROPERTY_CASES = Number(process.env.CONFORMANCE_PROPERTY_CASES ?? '120');
/**
 * The Kubernetes minors each release's suite can judge: its kube-apiserver (1.35 for 1.30.3; 1.29 for 1.20.3, the
 * newest line Istio 1.20 supports) serves the API versions of these. Configurations aimed at older clusters (the
 * 1.20 charts branch down to policy/v1beta1 and autoscaling/v2beta2, which 1.25+ no longer serve) are counted and
 * passed over: no server of their Kubernetes line can be had here.
 */
const JUDGED_KUBERNETES: Record<string, { min: number; max: number }> = { '1.30.3': { min: 23, max: 35 }, '1.20.3': { min: 25, max: 29 } };
const SEED = 20261202;

const outdir = path.resolve(process.argv[2] ?? '.tmp/conformance');
const repo = path.resolve(__dirname, '..', '..');

function toYaml(objs: object[]): string {
  // YAML 1.1, as cdk8s writes it: strings such as `y` or `on` are quoted, so Go's YAML readers keep them strings.
  return objs.map((o) => `---\n${stringify(o, { lineWidth: 0, version: '1.1' })}`).join('');
}

function writeCase(tag: string, name: string, objs: object[]): void {
  const dir = path.join(outdir, tag, 'cases');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.yaml`), toYaml(objs));
}

function defaultInstall(version: IstioVersion, revision?: string, cni?: boolean): Obj[] {
  const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
  const base = new IstioBase(chart, 'base', { version });
  const istiod = new Istiod(chart, 'istiod', { base, revision, cni });
  new IngressGateway(chart, 'ingress', { istiod });
  return Testing.synth(chart) as Obj[];
}

/**
 * External authorization: the mesh config declares an HTTP and a gRPC ext-authz provider (every option set) and a
 * namespace sends requests to them with CUSTOM policies, so istiod's mesh-config loader and validation judge both.
 */
function extAuthzInstall(version: IstioVersion): Obj[] {
  const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
  const base = new IstioBase(chart, 'base', { version });
  const istiod = new Istiod(chart, 'istiod', {
    base,
    meshConfig: {
      extensionProviders: [
        {
          type: 'envoyExtAuthzHttp', name: 'opa-http', service: 'opa.auth.svc.cluster.local', port: 8181, timeout: '500ms', failOpen: false,
          statusOnError: '503', pathPrefix: '/check', includeRequestHeadersInCheck: ['authorization', 'x-ext-authz*'],
          headersToUpstreamOnAllow: ['x-user'], headersToDownstreamOnDeny: ['content-type', 'x-reason'],
          includeRequestBodyInCheck: { maxRequestBytes: 8192, allowPartialMessage: true },
        },
        { type: 'envoyExtAuthzGrpc', name: 'opa-grpc', service: 'opa.auth.svc.cluster.local', port: 9191, includeRequestBodyInCheck: { packAsBytes: true } },
      ],
    },
  });
  const shop = new ZeroTrustNamespace(chart, 'shop', { istiod, name: 'shop' });
  shop.custom('admin', { provider: 'opa-http', rules: [{ to: [{ paths: ['/admin/*'] }] }] });
  shop.custom('grpc', { provider: 'opa-grpc', selector: { app: 'api' }, rules: [{ to: [{ methods: ['POST'] }] }] });
  shop.deny('no-debug', { rules: [{ to: [{ paths: ['/debug/*'] }] }] });
  shop.audit('writes', { rules: [{ to: [{ methods: ['PUT', 'DELETE'] }] }] });
  return Testing.synth(chart) as Obj[];
}

/**
 * Ambient zero trust: an ambient control plane, a ZeroTrustNamespace in ambient mode with L4 policies (ztunnel) and
 * L7 policies attached to its waypoint, and a sidecar namespace beside it.
 */
function ambientZeroTrust(version: IstioVersion): Obj[] {
  const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
  const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version, gatewayApi: true }), ambient: true });
  const shop = new ZeroTrustNamespace(chart, 'shop', { istiod, name: 'shop', allowedNamespaces: ['web'] });
  const waypoint = new Waypoint(chart, 'waypoint', { namespace: shop });
  waypoint.useFor('shop');
  shop.allow('l4', { selector: { app: 'cart' }, rules: [{ from: [{ namespaces: ['web'] }], to: [{ ports: [8080] }] }] });
  shop.allow('l7', { waypoint, rules: [{ from: [{ namespaces: ['web'] }], to: [{ methods: ['GET'], paths: ['/api/*'] }] }] });
  shop.deny('no-admin', { waypoint, rules: [{ to: [{ paths: ['/admin/*'] }] }] });
  new ZeroTrustNamespace(chart, 'legacy', { istiod, name: 'legacy', dataplane: 'sidecar' })
    .allow('get', { rules: [{ to: [{ methods: ['GET'] }] }] });
  return Testing.synth(chart) as Obj[];
}

/**
 * Pod Security (#15): a ZeroTrustNamespace with its default Pod Security labels beside the control plane whose
 * injector fills its pods, with the Istio CNI on (`restricted`) and off (`privileged`). The 1.30 suite injects
 * restricted-compliant pods with each case's own injector and creates them in a namespace with each case's labels.
 */
function podSecurityCases(version: IstioVersion): Array<{ name: string; objs: Obj[] }> {
  return [true, false].map((cni) => {
    const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version }), cni });
    new ZeroTrustNamespace(chart, 'shop', { istiod, name: 'shop' });
    return { name: cni ? 'pod-security-cni' : 'pod-security-no-cni', objs: Testing.synth(chart) as Obj[] };
  });
}

/** `cdk8s-istio install --profile minimal`: the control plane without gateways. */
function minimalInstall(version: IstioVersion): Obj[] {
  const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
  new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version }) });
  return Testing.synth(chart) as Obj[];
}

/**
 * `cdk8s-istio install --cni` (the default profile with the Istio CNI node agent) and, where the release supports
 * it, `cdk8s-istio install --profile ambient` (istiod in ambient mode, the CNI agent in ambient mode and ztunnel;
 * no ingress gateway, as istioctl's ambient profile).
 */
function nodeAgentInstalls(version: IstioVersion): Array<{ name: string; objs: Obj[] }> {
  const out = [{ name: 'install-cni', objs: defaultInstall(version, undefined, true) }];
  if (version.nodeAgents.ambient) {
    const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
    new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version }), ambient: true });
    out.push({ name: 'install-ambient', objs: Testing.synth(chart) as Obj[] });
  }
  return out;
}

/**
 * The presets with their options turned away from the example app's (which dist/ covers), at each release. Options
 * that emit other projects' custom resources (the Vault CA's cert-manager objects, the observability stack's
 * monitors) are left to their own tests: the API server here has no CRDs for them.
 */
function presetVariants(version: IstioVersion): Array<{ name: string; objs: Obj[] }> {
  const mlops = new MlopsMeshChart(Testing.app(), 'mlops', {
    version, metallb: false, httpNodePort: 30080, httpsNodePort: 30443, cni: true, mtlsMode: 'PERMISSIVE', allowIntraNamespace: false,
    gatewayAutoscaling: { minReplicas: 2, maxReplicas: 4 },
  });
  const pi = new PiClusterMeshChart(Testing.app(), 'pi', {
    version, egressEnabled: true, pilotReplicas: 2, mtlsMode: 'PERMISSIVE', tradingCanary: false, legacyPermissive: false,
  });
  return [{ name: 'preset-mlops-options', objs: Testing.synth(mlops) as Obj[] }, { name: 'preset-pi-options', objs: Testing.synth(pi) as Obj[] }];
}

/**
 * Revision tags and multi-cluster (#16): a canary revision carrying the tags `prod` and `default` with a namespace
 * pointing at `prod`; and each cluster of a two-network fleet (cluster name, mesh ID, network, east-west gateway) as
 * its own case, so the API server suites apply every cluster's output.
 */
function multiClusterCases(version: IstioVersion): Array<{ name: string; objs: Obj[] }> {
  const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
  const base = new IstioBase(chart, 'base', { version });
  const istiod = new Istiod(chart, 'istiod', { base, revision: 'canary', revisionTags: ['prod', 'default'] });
  new ZeroTrustNamespace(chart, 'shop', { istiod, name: 'shop', revision: 'prod' });
  const out = [{ name: 'revision-tags', objs: Testing.synth(chart) as Obj[] }];
  const app = Testing.app();
  const fleet = new MeshFleet(app, 'fleet', { meshId: 'mesh1', version, clusters: [
    { name: 'cluster1', network: 'network1' }, { name: 'cluster2', network: 'network2' }] });
  for (const c of fleet.clusters) out.push({ name: `fleet-${c.clusterName}`, objs: Testing.synth(c) as Obj[] });
  // Primary-remote (1.30 only: 1.20 installed remotes with another chart, refused there): the remote cluster3,
  // served by cluster1 through its east-west gateway at 192.168.1.241.
  if (version.minor >= 30) {
    const pr = new MeshFleet(Testing.app(), 'pr', { meshId: 'mesh1', version, clusters: [
      { name: 'cluster1', network: 'network1' },
      { name: 'cluster3', network: 'network1', role: 'remote', remotePilotAddress: '192.168.1.241' }] });
    out.push({ name: 'fleet-remote', objs: Testing.synth(pr.cluster('cluster3')) as Obj[] });
    out.push({ name: 'fleet-remote-primary', objs: Testing.synth(pr.cluster('cluster1')) as Obj[] });
  }
  return out;
}

/** A mesh with one object of each Istio kind our constructs emit, for the catalog's bad inputs to start from. */
function catalogBase(version: IstioVersion): Obj[] {
  const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
  const base = new IstioBase(chart, 'base', { version });
  const istiod = new Istiod(chart, 'istiod', { base });
  const ingress = new IngressGateway(chart, 'ingress', { istiod });
  const egress = new EgressGateway(chart, 'egress', { istiod });
  const web = ingress.addGateway('web', { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.local'] }] });
  egress.routeExternalHost('api', { host: 'api.example.com' });
  const trading = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading', ingressGatewayNamespaces: [ingress.namespace] });
  trading.allow('agent', { name: 'agent', selector: { app: 'agent' }, rules: [
    { from: [{ namespaces: ['argocd'] }], to: [{ ports: [8080], methods: ['GET'] }] },
    { from: [{ serviceAccounts: [{ namespace: ingress.namespace, name: ingress.serviceAccountName }] }] },
  ] });
  new CanaryRoute(chart, 'agent', {
    namespace: trading, host: 'agent', port: 80, stable: { version: 'v1' }, canary: { version: 'v2', weight: 10 },
    gateways: [web], externalHosts: ['agent.local'], trafficPolicy: { outlierDetection: { interval: '10s' } },
  });
  return Testing.synth(chart) as Obj[];
}

type Json = Record<string, any>;

/**
 * Rows of the bad-input catalog (docs/bad-input-catalog.md) whose bad value Istio itself refuses too: each
 * applies the row's value to the field of a valid object where the library would have written it. The Go suite
 * expects istiod's validating webhook to refuse every one (the library refuses them at construction).
 * Not listed: rows where the library is stricter than Istio. istiod admits route weights above 100 and weights that
 * do not add up to 100 (canary-weight-range, canary-weights-not-100: Envoy scales them), as this suite showed.
 */
const CATALOG: Array<{ id: string; kind: string; name?: string; apply: (spec: Json) => void }> = [
  { id: 'gateway-host-pattern', kind: 'Gateway', name: 'web', apply: (s) => { s.servers[0].hosts = ['web/*.local/x']; } },
  { id: 'gateway-port-range', kind: 'Gateway', name: 'web', apply: (s) => { s.servers[0].port.number = 70000; } },
  { id: 'gateway-tls-simple-without-credential', kind: 'Gateway', name: 'web', apply: (s) => { s.servers[0].port = { number: 443, name: 'https', protocol: 'HTTPS' }; s.servers[0].tls = { mode: 'SIMPLE' }; } },
  { id: 'egress-host-wildcard', kind: 'ServiceEntry', apply: (s) => { s.hosts = ['*']; } },
  { id: 'zero-trust-rule-port', kind: 'AuthorizationPolicy', name: 'agent', apply: (s) => { s.rules[0].to[0].operation.ports = ['70000']; } },
  { id: 'mesh-wide-mtls-mode', kind: 'PeerAuthentication', apply: (s) => { s.mtls = { mode: 'STRICTEST' }; } },
  { id: 'canary-port', kind: 'VirtualService', name: 'agent', apply: (s) => { s.http[s.http.length - 1].route[0].destination.port = { number: 70000 }; } },
  { id: 'canary-duration', kind: 'DestinationRule', name: 'agent', apply: (s) => { s.trafficPolicy.outlierDetection.interval = '10 seconds'; } },
  { id: 'canary-regex-lookahead', kind: 'VirtualService', name: 'agent', apply: (s) => { s.http.unshift({ match: [{ headers: { 'x-canary': { regex: '(?=v2).*' } } }], route: s.http[s.http.length - 1].route }); } },
  { id: 'route-host', kind: 'VirtualService', name: 'agent', apply: (s) => { s.hosts = ['bad_host!']; } },
  { id: 'route-percentage-below-minimum', kind: 'VirtualService', name: 'agent', apply: (s) => { s.http[s.http.length - 1].fault = { abort: { httpStatus: 503, percentage: { value: 0.00001 } } }; } },
  { id: 'route-retries-off-with-options', kind: 'VirtualService', name: 'agent', apply: (s) => { s.http[s.http.length - 1].retries = { attempts: 0, perTryTimeout: '2s' }; } },
  { id: 'route-hosts-overlap', kind: 'VirtualService', name: 'agent', apply: (s) => { s.hosts = ['*', 'agent.local']; } },
  { id: 'route-gateway-dotted', kind: 'VirtualService', name: 'agent', apply: (s) => { s.gateways = ['istio-ingress/web.b0']; } },
  { id: 'zero-trust-condition-ip', kind: 'AuthorizationPolicy', name: 'agent', apply: (s) => { s.rules[0].when = [{ key: 'source.ip', values: ['not-an-ip'] }]; } },
  { id: 'zero-trust-condition-port', kind: 'AuthorizationPolicy', name: 'agent', apply: (s) => { s.rules[0].when = [{ key: 'destination.port', values: ['http'] }]; } },
  { id: 'zero-trust-condition-key-refused', kind: 'AuthorizationPolicy', name: 'agent', apply: (s) => { s.rules[0].when = [{ key: 'destination.namespace', values: ['x'] }]; } },
  { id: 'zero-trust-condition-key-unknown', kind: 'AuthorizationPolicy', name: 'agent', apply: (s) => { s.rules[0].when = [{ key: 'source.color', values: ['x'] }]; } },
];

function catalogCases(version: IstioVersion): Array<{ id: string; object: Json }> {
  const objs = catalogBase(version);
  return CATALOG.map((row) => {
    const found = objs.find((o) => o.kind === row.kind && o.apiVersion.includes('.istio.io/') && (!row.name || o.metadata.name === row.name));
    if (!found) throw new Error(`catalog row ${row.id}: no ${row.kind} in the base mesh`);
    const object = JSON.parse(JSON.stringify(found)) as Json;
    row.apply(object.spec);
    return { id: row.id, object };
  });
}

/**
 * The recorded verdict tables of the L2 kinds (test/networking/webhook-cases.ts, test/security/webhook-cases.ts),
 * each case as the object the jest tests hold our constructs to, with the verdict recorded for it: `admit`, `webhook`
 * (istiod's webhook refuses it), `crd` (the webhook admits it, the CRD's schema or CEL refuses it) or `ours` (Istio
 * admits it, the library refuses it on purpose). The Go suite has Istio's code judge every case again on every run.
 */
function webhookCases(version: IstioVersion): Array<{ table: string; id: string; kind: string; verdict: string; object: Json }> {
  return [
    ...NETWORKING_WEBHOOK_CASES.map((c) => ({ table: 'networking', id: c[0], kind: c[2], verdict: c[1], object: networkingObjectOf(c) as Json })),
    ...POLICY_WEBHOOK_CASES.map((c) => ({ table: 'security', id: c[0], kind: c[2], verdict: c[1], object: policyObjectOf(c, istioApiVersion(version, c[2])) as Json })),
  ];
}

/**
 * The examples of the networking kinds in Istio's API reference (test/networking/upstream-reference.ts, read from
 * istio.io/api in the Go module cache), as our constructs render them: every example but the ones we refuse on
 * purpose, in as many charts as one object name recurs across examples (`upstream-reference-1`, `-2`, ...), so no
 * chart holds two objects of one name.
 */
function referenceCases(version: IstioVersion): Obj[][] {
  // The cache holds istio.io/api once the 1.30 module was built; on a fresh machine, fetch it.
  execFileSync('go', ['mod', 'download', 'istio.io/api'], { cwd: path.join(repo, 'test', 'conformance', 'istio-1.30'), stdio: 'inherit' });
  const meshes: Array<{ chart: Chart; istiod: ReturnType<typeof Istiod.fromAttributes> }> = [];
  const seen = new Map<string, number>();
  referenceExamples().filter((e) => !REFUSED_EXAMPLES[exampleId(e)]).forEach((e, i) => {
    const n = seen.get(exampleId(e)) ?? 0;
    seen.set(exampleId(e), n + 1);
    if (!meshes[n]) {
      const chart = new Chart(Testing.app(), 'reference', { disableResourceNameHashes: true });
      meshes[n] = { chart, istiod: Istiod.fromAttributes(chart, 'mesh', { version }) };
    }
    const { chart, istiod } = meshes[n];
    const Kind = (networking as unknown as Record<string, new (scope: Chart, id: string, props: object) => object>)[e.kind];
    new Kind(chart, `example-${i}`, { namespace: { istiod, name: e.namespace ?? 'default' }, name: e.name, spec: e.spec });
  });
  return meshes.map((m) => Testing.synth(m.chart) as Obj[]);
}

/** The committed dist/ folders, grouped by the Istio release their istiod image names. */
function distCases(): Map<string, Array<{ name: string; text: string }>> {
  const out = new Map<string, Array<{ name: string; text: string }>>();
  const dist = path.join(repo, 'dist');
  for (const folder of fs.readdirSync(dist).sort()) {
    const dir = path.join(dist, folder);
    if (!fs.statSync(dir).isDirectory()) continue;
    const files = fs.readdirSync(dir).filter((f) => /^[0-9]{2}-.*\.yaml$/.test(f)).sort();
    if (files.length === 0) continue;
    const text = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n---\n');
    const tag = /\/pilot:([0-9.]+)/.exec(text)?.[1];
    if (!tag) continue;
    const list = out.get(tag) ?? [];
    list.push({ name: `dist-${folder}`, text });
    out.set(tag, list);
  }
  return out;
}

function main(): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  const dist = distCases();
  for (const version of VERSIONS) {
    const tag = version.tag;
    for (const c of dist.get(tag) ?? []) {
      fs.mkdirSync(path.join(outdir, tag, 'cases'), { recursive: true });
      fs.writeFileSync(path.join(outdir, tag, 'cases', `${c.name}.yaml`), c.text);
    }
    const objs = defaultInstall(version);
    writeCase(tag, 'default', objs);
    writeCase(tag, 'revision-canary', defaultInstall(version, 'canary'));
    writeCase(tag, 'install-minimal', minimalInstall(version));
    referenceCases(version).forEach((objs, i) => writeCase(tag, `upstream-reference-${i + 1}`, objs));
    writeCase(tag, 'ext-authz', extAuthzInstall(version));
    if (version.nodeAgents.ambient) writeCase(tag, 'ambient-zero-trust', ambientZeroTrust(version));
    // The Gateway API CRDs of the release's Gateway API version and every Gateway API construct it supports.
    writeCase(tag, 'gateway-api', gatewayApiMesh(version).objs);
    writeCase(tag, 'preset-mlops-gateway-api', Testing.synth(new MlopsMeshChart(Testing.app(), 'mlops', { version, gatewayApiIngress: true })) as Obj[]);
    for (const v of presetVariants(version)) writeCase(tag, v.name, v.objs);
    for (const v of multiClusterCases(version)) writeCase(tag, v.name, v.objs);
    for (const v of podSecurityCases(version)) writeCase(tag, v.name, v.objs);
    // The real-world corpus (docs/corpus.md): upstream Istio configurations said with our constructs, each entry in namespaces of its own.
    writeCase(tag, 'corpus', corpusObjects(version));
    const agents = nodeAgentInstalls(version);
    for (const v of agents) writeCase(tag, v.name, v.objs);

    // The injector and mesh ConfigMaps istiod would load: the default install's, and with the Istio CNI on.
    const injectorCases: Array<readonly [string, Obj[]]> = [['injector', objs], ['injector-cni', agents[0].objs]];
    const ambient = agents.find((a) => a.name === 'install-ambient');
    if (ambient) injectorCases.push(['injector-ambient', ambient.objs]);
    for (const [dir, install] of injectorCases) {
      const injectorDir = path.join(outdir, tag, dir);
      fs.mkdirSync(injectorDir, { recursive: true });
      const cm = (name: string) => install.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)!.data!;
      const injector = cm('istio-sidecar-injector');
      const mesh = cm('istio');
      fs.writeFileSync(path.join(injectorDir, 'config'), injector.config);
      fs.writeFileSync(path.join(injectorDir, 'values'), injector.values);
      fs.writeFileSync(path.join(injectorDir, 'mesh'), mesh.mesh);
      fs.writeFileSync(path.join(injectorDir, 'meshNetworks'), mesh.meshNetworks ?? '');
    }
    // What istiod gives a template at this release, as the library knows it (src/version.ts); the Go suites
    // check it against Istio's code and check every template against it.
    fs.writeFileSync(path.join(outdir, tag, 'template-contract.json'), `${JSON.stringify(version.templateData, null, 2)}\n`);
    fs.writeFileSync(path.join(outdir, tag, 'catalog.json'), `${JSON.stringify(catalogCases(version), null, 2)}\n`);
    // The tables record Istio 1.30's verdicts; the 1.30 suite re-judges them.
    if (version === IstioVersion.V1_30_3) {
      fs.writeFileSync(path.join(outdir, tag, 'webhook-cases.json'), `${JSON.stringify(webhookCases(version), null, 2)}\n`);
      // Host matching (src/internal/host-match.ts), re-judged by Istio's host.Name.
      fs.writeFileSync(path.join(outdir, tag, 'host-cases.json'), `${JSON.stringify(hostCases(), null, 2)}\n`);
    }
  }

  // Random valid configurations, as the property tests generate them, at a fixed seed; each goes to the
  // release it chose until both releases have PROPERTY_CASES.
  const counts = new Map<string, number>(VERSIONS.map((v) => [v.tag, 0]));
  const passedOver = new Map<string, number>();
  const arb = meshCfg({ maxGateways: 2, maxZeroTrust: 2, maxCanaries: 2, maxMeshRoutes: 2 });
  let seed = SEED;
  while ([...counts.values()].some((n) => n < PROPERTY_CASES)) {
    for (const cfg of fc.sample(arb, { numRuns: 50, seed: seed++ })) {
      // Other patch releases of a line are judged by that line's suite.
      const tag = VERSIONS.find((v) => v.line === IstioVersion.of(cfg.controlPlane.version).line)!.tag;
      const n = counts.get(tag)!;
      if (n >= PROPERTY_CASES) continue;
      const minor = cfg.controlPlane.kubernetesVersion === undefined ? undefined : Number(cfg.controlPlane.kubernetesVersion.split('.')[1]);
      if (minor !== undefined && (minor < JUDGED_KUBERNETES[tag].min || minor > JUDGED_KUBERNETES[tag].max)) {
        passedOver.set(tag, (passedOver.get(tag) ?? 0) + 1);
        continue;
      }
      const objs = Testing.synth(build(cfg, undefined, undefined, false).chart) as Obj[];
      writeCase(tag, `property-${String(n).padStart(3, '0')}`, objs);
      counts.set(tag, n + 1);
    }
  }
  const summary = VERSIONS.map((v) => `${v.tag}: ${fs.readdirSync(path.join(outdir, v.tag, 'cases')).length} cases`
    + ` (${passedOver.get(v.tag) ?? 0} random configurations for Kubernetes outside ${JUDGED_KUBERNETES[v.tag].min}-${JUDGED_KUBERNETES[v.tag].max} passed over)`).join(', ');
  // eslint-disable-next-line no-console
  console.log(`conformance fixtures in ${path.relative(process.cwd(), outdir) || '.'}: ${summary}`);
}

main();
