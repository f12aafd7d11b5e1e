/**
 * Runs cdk8s-istio's injection templates through Istio's own sidecar injector: `istio.io/istio/pkg/kube/inject`
 * (the code behind istiod's webhook and `istioctl kube-inject`), driven by the Go program
 * test/conformance/istio-1.30/cmd/inject. Istio parses the injector `config`/`values` and the mesh config, parses
 * the templates with its own function map, builds the template data, runs the templates, merges them into the pod,
 * rewrites probes, adds its annotations and orders the containers; nothing of that is imitated here. This file only
 * builds the request (injector data, mesh config, the pod or its workload, the cluster's kubelet versions, istiod's
 * environment) and reads the answer.
 *
 * Typical use:
 *   const { pod, overlay } = renderInjection({ version: IstioVersion.V1_30_3, pod: { spec: { containers: [...] } } });
 *   const proxy = pod.spec.containers.find((c) => c.name === 'istio-proxy');
 *
 * Gateways: pass the Deployment's pod template and `workload`, and `injectorData` / `meshConfig` taken from a
 * synthesized chart (`injectorDataFromObjects`, `meshConfigFromObjects`); the pod's `inject.istio.io/templates`
 * annotation selects the `gateway` template, in istiod.
 *
 * Istio 1.20.3: its code is not available here (the module proxy refuses istio.io/istio at the 1.20.3 commit), so the
 * 1.20 cases run our 1.20 templates through the 1.30-line injector, the closest real thing, as a 1.20 istiod is
 * configured: no native-sidecar auto-detection (kubelets below 1.33 unless `nativeSidecars`), its
 * ENABLE_NATIVE_SIDECARS environment. What the 1.30 injector cannot show for 1.20 is the smaller template data and
 * function map; for that every 1.20 run first checks the templates it runs against 1.20's template-data contract
 * (`IstioVersion.templateData`, the check test/conformance/templatecheck runs on our ConfigMaps) and fails as a 1.20
 * istiod would when a template names a field or function 1.20 lacks.
 *
 * Requirements: `go` on PATH and the istio-1.30 module's dependencies (the module cache, or the module proxy). The
 * binary is built once per hash of its sources, go.mod and go.sum into the OS temp dir; without Go every call
 * throws (tests fail, never skip).
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { InjectorInput, renderInjectorData } from '../../src/istiod/injector';
import { IstioVersion } from '../../src/version';
import { K8sObject, validateObject } from '../support/schema';

// ------------------------------------------------------------------ types

/** A container in Kubernetes form (loosely typed; tests read what they assert). */
export type ContainerSpec = { name: string; [key: string]: any };

/** A pod or a pod template: what injection receives. */
export interface PodTemplate {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: any };
  spec: { containers: ContainerSpec[]; initContainers?: ContainerSpec[]; volumes?: any[]; [key: string]: any };
}

/** The pod after injection (always has metadata labels/annotations and spec lists). */
export interface InjectedPod extends K8sObject {
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { containers: ContainerSpec[]; initContainers?: ContainerSpec[]; volumes?: any[]; [key: string]: any };
}

/** The owning workload: the pod is injected as its pod template (istiod takes the owner from it). */
export interface Workload {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
}

/** What the Go program reads (mirrors `request` in cmd/inject/main.go). */
export interface InjectRequest {
  config: string;
  values: string;
  mesh: string;
  revision: string;
  object: Record<string, unknown>;
  nodes: string[];
  env: Record<string, string>;
  templateText?: string;
  textOnly?: boolean;
  contract?: { fields: readonly string[]; deploymentMetaFields: readonly string[]; functions: readonly string[]; sprig: string; release: string };
}

/** What the Go program answers (mirrors `response` in cmd/inject/main.go). */
export interface InjectResponse {
  object?: K8sObject;
  pod?: { metadata: any; spec: any };
  rendered: Array<{ name: string; text: string }>;
  overlay?: { metadata: any; spec: any };
  text?: string;
  warnings: string[] | null;
}

export interface RenderInjectionOptions {
  /** Istio release whose injector data and templates are run. */
  readonly version: IstioVersion;
  /** Overrides of {@link defaultInjectorInput} (ignored when `injectorData` is given). */
  readonly input?: Partial<InjectorInput>;
  /** `config` and `values` of an injector ConfigMap (e.g. from a synthesized chart) instead of rendering one. */
  readonly injectorData?: { config: string; values: string };
  /** The pod (or pod template) being admitted. */
  readonly pod: PodTemplate;
  /** Namespace of the pod. @default pod.metadata.namespace ?? 'default' */
  readonly namespace?: string;
  /** Template names to run, in order: set as the pod's `inject.istio.io/templates` annotation. */
  readonly templates?: string[];
  /** Run this text (added to the config's templates and selected by the pod annotation) instead of the pod's templates. */
  readonly templateText?: string;
  /** The owning workload. @default the bare pod */
  readonly workload?: Workload;
  /** Mesh config (JSON form of the `mesh` key). @default trust domain, root namespace, Prometheus merge, discovery address */
  readonly meshConfig?: Record<string, unknown>;
  /**
   * Whether the cluster's kubelets support native sidecars (1.33+), which istiod's `auto` mode looks at.
   * @default true where the version's default is "auto" (1.30), else false
   */
  readonly nativeSidecars?: boolean;
  /** istiod's COMPLIANCE_POLICY (`.CompliancePolicy`). @default unset */
  readonly compliancePolicy?: string;
  /** More of istiod's environment. */
  readonly istiodEnv?: Record<string, string>;
}

export interface RenderedInjection {
  /** The merged output of the templates istiod ran (its template pod). */
  readonly overlay: { metadata?: any; spec?: any };
  /** The injected pod (the object, or its pod template); schema-validated. */
  readonly pod: InjectedPod;
  /** The object IntoObject returned (the pod, or the workload with its template injected). */
  readonly object: K8sObject;
  /** Raw output of each template istiod ran, in order. */
  readonly rendered: string[];
  /** The injector data used. */
  readonly injectorData: { config: string; values: string };
  /** The parsed values. */
  readonly values: any;
}

// ------------------------------------------------------------------ the injector binary

/** The Go module that pins Istio's code, and the program in it. */
export const INJECTOR_MODULE = path.resolve(__dirname, '../conformance/istio-1.30');
const INJECTOR_PACKAGE = './cmd/inject';
/** The Istio release line whose injector the binary is. */
export const INJECTOR_LINE = '1.30';

let injectorBinary: string | undefined;

function goEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!env.GOCACHE && !env.HOME) env.GOCACHE = path.join(os.tmpdir(), 'cdk8s-istio-gocache');
  return env;
}

/**
 * Throws a clear error unless Go is installed (the injection tests fail, never skip, without it). `env` is the
 * environment `go` runs with. Returns `go version`'s output.
 */
export function checkToolchain(env: NodeJS.ProcessEnv = goEnv()): string {
  const version = spawnSync('go', ['version'], { encoding: 'utf8', env });
  if (version.error || version.status !== 0) {
    throw new Error('Go is required to run the injection tests (they run Istio\'s own injector, built from '
      + `test/conformance/istio-1.30) but \`go version\` failed (${version.error?.message ?? version.stderr.trim()}). `
      + 'Install Go 1.26 or newer (Debian: golang-go; .ci/run does this).');
  }
  return version.stdout.trim();
}

/** The files the binary is built from: the program, what it imports from this checkout, go.mod and go.sum. */
function sourceFiles(): string[] {
  const goFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).sort().map((f) => path.join(dir, f));
  const templatecheck = path.resolve(INJECTOR_MODULE, '../templatecheck');
  return [
    ...goFiles(path.join(INJECTOR_MODULE, INJECTOR_PACKAGE)),
    ...goFiles(templatecheck), path.join(templatecheck, 'go.mod'),
    path.join(INJECTOR_MODULE, 'go.mod'), path.join(INJECTOR_MODULE, 'go.sum'),
  ];
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True unless `lock` names a live process (a build another jest worker runs). */
function staleLock(lock: string): boolean {
  try {
    const pid = Number(fs.readFileSync(lock, 'utf8'));
    if (!pid) return Date.now() - fs.statSync(lock).mtimeMs > 5_000;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/**
 * Builds the injector (`go build -o <tmp> ./cmd/inject` in the istio-1.30 module) once per hash of its source
 * files, go.mod, go.sum and the Go version, into the OS temp dir, and returns the binary's path. Jest workers share
 * one build: the first takes a lock, the others wait for the binary; it appears by an atomic rename.
 */
export function injectorPath(): string {
  if (injectorBinary) return injectorBinary;
  const goVersion = checkToolchain();
  const hash = createHash('sha256').update(goVersion);
  for (const f of sourceFiles()) hash.update(path.relative(INJECTOR_MODULE, f)).update('\0').update(fs.readFileSync(f));
  const dir = path.join(os.tmpdir(), `cdk8s-istio-inject-${hash.digest('hex').slice(0, 16)}`);
  const bin = path.join(dir, 'inject');
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, 'build.lock');
  while (!fs.existsSync(bin)) {
    let fd: number;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (staleLock(lock)) fs.rmSync(lock, { force: true });
      else sleep(500);
      continue;
    }
    try {
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      if (fs.existsSync(bin)) break;
      const tmp = path.join(dir, `inject.${process.pid}.tmp`);
      const build = spawnSync('go', ['build', '-o', tmp, INJECTOR_PACKAGE], {
        cwd: INJECTOR_MODULE, encoding: 'utf8', env: goEnv(), maxBuffer: 64 * 1024 * 1024,
      });
      if (build.error || build.status !== 0) {
        fs.rmSync(tmp, { force: true });
        throw new Error(`building Istio's injector failed (go build -o ${tmp} ${INJECTOR_PACKAGE} in ${INJECTOR_MODULE}; `
          + `it needs the module's dependencies from the module cache or the module proxy):\n${build.stderr}${build.error?.message ?? ''}`);
      }
      fs.renameSync(tmp, bin);
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
  injectorBinary = bin;
  return bin;
}

/** Runs the injector on one request; throws with Istio's own error message. */
export function runInjector(request: InjectRequest): InjectResponse {
  const res = spawnSync(injectorPath(), [], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // istiod reads its feature flags from its environment; the program would otherwise start itself again with it
    env: { ...process.env, ...request.env },
  });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(res.stderr.trim() || `the injector exited with ${res.status}`);
  return JSON.parse(res.stdout);
}

// ------------------------------------------------------------------ injector input

/** An InjectorInput as `Istiod` builds it by default for `version` (tests override fields). */
export function defaultInjectorInput(version: IstioVersion, overrides: Partial<InjectorInput> = {}): InjectorInput {
  const namespace = overrides.namespace ?? 'istio-system';
  const revision = overrides.revision;
  return {
    version,
    namespace,
    revision,
    trustDomain: 'cluster.local',
    hub: 'docker.io/istio',
    tag: version.tag,
    proxy: {},
    cni: false,
    policy: {},
    clusterName: 'Kubernetes',
    caAddress: `istiod${revision ? `-${revision}` : ''}.${namespace}.svc:15012`,
    ...overrides,
  };
}

// ------------------------------------------------------------------ requests

/** Kubelet versions of the fake cluster: all at 1.33+ (native sidecars in istiod's `auto` mode), or not. */
const NATIVE_KUBELETS = ['v1.33.0', 'v1.34.0'];
const OLD_KUBELETS = ['v1.32.0', 'v1.32.0'];

interface Prepared {
  readonly request: InjectRequest;
  readonly injectorData: { config: string; values: string };
  readonly values: any;
  readonly workload?: Workload;
}

function prepare(opts: RenderInjectionOptions): Prepared {
  const { version } = opts;
  const input = defaultInjectorInput(version, opts.input);
  const injectorData = opts.injectorData ?? renderInjectorData(input);
  const values = JSON.parse(injectorData.values);
  const pod = clone(opts.pod) as PodTemplate & { metadata: NonNullable<PodTemplate['metadata']> };
  pod.metadata = pod.metadata ?? {};
  const namespace = opts.namespace ?? pod.metadata.namespace ?? 'default';
  // the webhook sees the pod in its namespace
  pod.metadata.namespace = namespace;
  if (opts.templates) pod.metadata.annotations = { ...pod.metadata.annotations, 'inject.istio.io/templates': opts.templates.join(',') };

  const mesh = opts.meshConfig ?? {
    trustDomain: input.trustDomain,
    rootNamespace: values.global.istioNamespace,
    enablePrometheusMerge: true,
    defaultConfig: { discoveryAddress: input.caAddress },
  };

  // istiod's environment: ENABLE_NATIVE_SIDECARS as Istiod sets it from `nativeSidecars` (1.30's chart carries it in
  // pilot.env), COMPLIANCE_POLICY.
  const env: Record<string, string> = { ...(values.pilot?.env ?? {}) };
  if (!opts.injectorData && input.nativeSidecars !== undefined) env.ENABLE_NATIVE_SIDECARS = String(input.nativeSidecars);
  if (opts.compliancePolicy) env.COMPLIANCE_POLICY = opts.compliancePolicy;
  Object.assign(env, opts.istiodEnv);

  const native = opts.nativeSidecars ?? version.nativeSidecarsDefault === 'auto';
  const workload = opts.workload && opts.workload.kind !== 'Pod' ? opts.workload : undefined;
  const request: InjectRequest = {
    config: injectorData.config,
    values: injectorData.values,
    mesh: JSON.stringify(mesh),
    revision: values.revision ?? '',
    object: workload ? workloadObject(workload, namespace, pod) : { apiVersion: 'v1', kind: 'Pod', ...pod },
    nodes: native ? NATIVE_KUBELETS : OLD_KUBELETS,
    env,
  };
  if (version.line !== INJECTOR_LINE) request.contract = { ...version.templateData, release: version.tag };
  return { request, injectorData, values, workload };
}

/** The workload owning the pod, with the pod as its template. */
function workloadObject(workload: Workload, namespace: string, pod: PodTemplate): Record<string, unknown> {
  const metadata = { name: workload.name, namespace: workload.namespace ?? namespace };
  const template = { metadata: pod.metadata, spec: pod.spec };
  if (workload.kind === 'CronJob') {
    return { apiVersion: workload.apiVersion, kind: workload.kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
  }
  return { apiVersion: workload.apiVersion, kind: workload.kind, metadata, spec: { template } };
}

/**
 * Runs one template text against the template data istiod builds for `opts` and returns the raw output (no
 * merge). Throws with Istio's message on a parse or execution error.
 */
export function renderTemplateText(opts: Omit<RenderInjectionOptions, 'pod'> & { pod?: PodTemplate }, text: string): string {
  const { request } = prepare({ ...opts, pod: opts.pod ?? { metadata: { name: 'pod' }, spec: { containers: [{ name: 'app', image: 'app' }] } } });
  const res = runInjector({ ...request, templateText: text, textOnly: true });
  return res.text ?? '';
}

/** Injects `opts.pod` with Istio's injector and schema-validates the injected pod. */
export function renderInjection(opts: RenderInjectionOptions): RenderedInjection {
  const { request, injectorData, values, workload } = prepare(opts);
  if (opts.templateText !== undefined) request.templateText = opts.templateText;
  const res = runInjector(request);
  const injected = dropNulls(res.pod) as { metadata: any; spec: any };
  const pod: InjectedPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...injected.metadata,
      // a pod template has no name of its own; the schema wants one
      name: injected.metadata.name || workload?.name || 'pod',
      labels: injected.metadata.labels ?? {},
      annotations: injected.metadata.annotations ?? {},
    },
    spec: injected.spec,
  };
  validateObject(pod);
  return {
    overlay: dropNulls(res.overlay) ?? {},
    pod,
    object: dropNulls(res.object),
    rendered: res.rendered.map((r) => r.text),
    injectorData,
    values,
  };
}

// ------------------------------------------------------------------ reading synthesized charts

/** `config`/`values` of the injector ConfigMap (`istio-sidecar-injector[-rev]`) among synthesized objects. */
export function injectorDataFromObjects(objs: K8sObject[], name = 'istio-sidecar-injector'): { config: string; values: string } {
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!cm) throw new Error(`no ConfigMap ${name} among the synthesized objects`);
  return { config: cm.data.config, values: cm.data.values };
}

/** The mesh config (parsed `mesh` key) of the `istio[-rev]` ConfigMap among synthesized objects. */
export function meshConfigFromObjects(objs: K8sObject[], name = 'istio'): Record<string, unknown> {
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!cm) throw new Error(`no ConfigMap ${name} among the synthesized objects`);
  return parse(cm.data.mesh) ?? {};
}

// ------------------------------------------------------------------ small helpers for assertions

/** A container by name from containers or initContainers; throws when absent. */
export function container(pod: { spec: any }, name: string): ContainerSpec {
  const c = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].find((x: any) => x.name === name);
  if (!c) throw new Error(`no container ${name}; have ${[...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((x: any) => x.name).join(', ')}`);
  return c;
}

/** Env var value (or valueFrom) by name. */
export function envOf(c: ContainerSpec, name: string): any {
  const e = (c.env ?? []).find((x: any) => x.name === name);
  return e === undefined ? undefined : (e.value ?? e.valueFrom);
}

/** Names of the env vars, in order. */
export function envNames(c: ContainerSpec): string[] {
  return (c.env ?? []).map((e: any) => e.name);
}

/** The value following a flag in an argument list (e.g. `-d`). */
export function argAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** Go's JSON writes unset pointer fields as null (`creationTimestamp: null`); Kubernetes' API would omit them. */
function dropNulls(v: any): any {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object') {
    const out: any = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
    return out;
  }
  return v;
}
