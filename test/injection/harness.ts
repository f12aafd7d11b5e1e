/**
 * Runs cdk8s-istio's injection templates through the real template engine (Go text/template + sprig,
 * with istiod's injection functions emulated by the Go program in ./harness), and merges the result into
 * the pod the way istiod does. See ./harness/README.md.
 *
 * Typical use:
 *   const { pod, overlay } = renderInjection({ version: IstioVersion.V1_30_3, pod: { spec: { containers: [...] } } });
 *   const proxy = pod.spec.containers.find((c) => c.name === 'istio-proxy');
 *
 * Gateways: pass the Deployment's pod template and `workload`, and `injectorData` / `meshConfig` taken from a
 * synthesized chart (`injectorDataFromObjects`, `meshConfigFromObjects`); the pod's `inject.istio.io/templates`
 * annotation selects the `gateway` template like istiod would.
 *
 * Requirements: `go` on PATH and Debian's golang-github-masterminds-sprig-dev in /usr/share/gocode. Without them
 * every call throws (tests fail, never skip). The binary is built once per source hash into the OS temp dir.
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

/** The owning workload, as istiod derives it from the pod's owner (Deployment, StatefulSet, ...). */
export interface Workload {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
}

/** What the Go harness reads (mirrors `input` in harness/main.go). */
export interface HarnessInput {
  template: string;
  functions: { omitNil: boolean; otelResourceAttributes: boolean };
  compliancePolicyField: boolean;
  typeMeta: { kind: string; apiVersion: string };
  deploymentMeta: { name: string; namespace: string };
  pod: { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  values: Record<string, unknown>;
  meshConfig: Record<string, unknown>;
  proxyConfig: Record<string, unknown>;
  revision: string;
  nativeSidecars: boolean;
  proxyImage: string;
  proxyUID: number;
  proxyGID: number;
  inboundTrafficPolicyMode: string;
  compliancePolicy: string;
}

export interface RenderInjectionOptions {
  /** Istio release: picks the template data shape and the function set of that istiod. */
  readonly version: IstioVersion;
  /** Overrides of {@link defaultInjectorInput} (ignored when `injectorData` is given). */
  readonly input?: Partial<InjectorInput>;
  /** `config` and `values` of an injector ConfigMap (e.g. from a synthesized chart) instead of rendering one. */
  readonly injectorData?: { config: string; values: string };
  /** The pod (or pod template) being admitted. */
  readonly pod: PodTemplate;
  /** Namespace of the pod. @default pod.metadata.namespace ?? 'default' */
  readonly namespace?: string;
  /**
   * Template names to run, in order. @default the pod's `inject.istio.io/templates` annotation, else the
   * config's `defaultTemplates`
   */
  readonly templates?: string[];
  /** Run this text instead of the ConfigMap's template (for engine-error tests). */
  readonly templateText?: string;
  /** The owning workload. @default the bare pod (kind Pod, apiVersion v1, the pod's name) */
  readonly workload?: Workload;
  /** Mesh config (JSON form of the `mesh` key). @default trust domain, root namespace, Prometheus merge, discovery address */
  readonly meshConfig?: Record<string, unknown>;
  /** istiod's native-sidecar decision. @default values.global.nativeSidecars, else on where the version default is "auto" */
  readonly nativeSidecars?: boolean;
  /** `.CompliancePolicy` (1.30 data only). @default '' */
  readonly compliancePolicy?: string;
  /** `.ProxyUID` / `.ProxyGID`. @default 1337 */
  readonly proxyUID?: number;
  readonly proxyGID?: number;
}

export interface RenderedInjection {
  /** The merged overlay of all templates run (what istiod patches into the pod). */
  readonly overlay: { metadata?: any; spec?: any };
  /** The pod after merging the overlay and istiod's container ordering; schema-validated. */
  readonly pod: InjectedPod;
  /** Raw template output per template run. */
  readonly rendered: string[];
  /** The injector data used. */
  readonly injectorData: { config: string; values: string };
  /** The parsed values. */
  readonly values: any;
}

// ------------------------------------------------------------------ harness binary

const HARNESS_DIR = path.join(__dirname, 'harness');
const GOPATH = '/usr/share/gocode';
let harnessBinary: string | undefined;

function goEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' };
  if (!env.GOCACHE && !env.HOME) env.GOCACHE = path.join(os.tmpdir(), 'cdk8s-istio-gocache');
  return env;
}

/**
 * Throws a clear error unless Go and Debian's sprig package are installed (the injection tests fail, never skip,
 * without them). `env` is the environment `go` runs with.
 */
export function checkToolchain(env: NodeJS.ProcessEnv = goEnv(), gopath = GOPATH): void {
  const version = spawnSync('go', ['version'], { encoding: 'utf8', env });
  if (version.error || version.status !== 0) {
    throw new Error('Go is required to run the injection-template tests but `go version` failed '
      + `(${version.error?.message ?? version.stderr}). Install the Debian packages golang-go and `
      + 'golang-github-masterminds-sprig-dev (.ci/run does this).');
  }
  if (!fs.existsSync(path.join(gopath, 'src/github.com/Masterminds/sprig'))) {
    throw new Error(`sprig is required to run the injection-template tests but ${gopath}/src/github.com/Masterminds/sprig `
      + 'is missing. Install the Debian package golang-github-masterminds-sprig-dev (.ci/run does this).');
  }
}

/** Builds the Go harness once per source hash (into the OS temp dir) and returns the binary path. */
export function harnessPath(): string {
  if (harnessBinary) return harnessBinary;
  checkToolchain();
  const sources = fs.readdirSync(HARNESS_DIR).filter((f) => f.endsWith('.go')).sort();
  const hash = createHash('sha256');
  for (const f of sources) hash.update(f).update(fs.readFileSync(path.join(HARNESS_DIR, f)));
  const dir = path.join(os.tmpdir(), `cdk8s-istio-injection-harness-${hash.digest('hex').slice(0, 16)}`);
  const bin = path.join(dir, 'harness');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `harness.${process.pid}.tmp`);
    const build = spawnSync('go', ['build', '-o', tmp, '.'], { cwd: HARNESS_DIR, encoding: 'utf8', env: goEnv() });
    if (build.status !== 0) {
      throw new Error(`building the injection harness failed (GO111MODULE=off GOPATH=${GOPATH}); is `
        + `golang-github-masterminds-sprig-dev installed?\n${build.stderr}${build.error?.message ?? ''}`);
    }
    fs.renameSync(tmp, bin); // atomic: parallel jest workers may build at the same time
  }
  harnessBinary = bin;
  return bin;
}

/** Runs the harness; returns the rendered text or throws with the template engine's own message. */
export function runHarness(input: HarnessInput): string {
  const res = spawnSync(harnessPath(), [], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(res.stderr.trim() || `harness exited with ${res.status}`);
  return res.stdout;
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

// ------------------------------------------------------------------ render

/** Everything a template run needs, derived from the options the way istiod derives it. */
interface Prepared {
  readonly base: Omit<HarnessInput, 'template'>;
  readonly config: any;
  readonly values: any;
  readonly injectorData: { config: string; values: string };
  readonly pod: PodTemplate & { metadata: NonNullable<PodTemplate['metadata']> };
  readonly namespace: string;
  readonly workload: Workload;
  readonly proxyConfig: Record<string, any>;
  readonly templateNames: string[];
}

function prepare(opts: RenderInjectionOptions): Prepared {
  const { version } = opts;
  const input = defaultInjectorInput(version, opts.input);
  const injectorData = opts.injectorData ?? renderInjectorData(input);
  const values = JSON.parse(injectorData.values);
  const config = parse(injectorData.config);
  const pod = clone(opts.pod) as Prepared['pod'];
  pod.metadata = pod.metadata ?? {};
  const annotations: Record<string, string> = pod.metadata.annotations ?? {};
  const namespace = opts.namespace ?? pod.metadata.namespace ?? 'default';

  const mesh = opts.meshConfig ?? {
    trustDomain: input.trustDomain,
    rootNamespace: values.global.istioNamespace,
    enablePrometheusMerge: true,
    defaultConfig: { discoveryAddress: input.caAddress },
  };
  // istiod applies the pod's proxy.istio.io/config over the mesh defaults before templating.
  const podProxyConfig = annotations['proxy.istio.io/config'] ? parse(annotations['proxy.istio.io/config']) : {};
  const proxyConfig = { ...((mesh.defaultConfig as Record<string, unknown>) ?? {}), ...podProxyConfig };

  const workload = opts.workload ?? { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name ?? '' };
  const nativeDefault = typeof values.global.nativeSidecars === 'boolean'
    ? values.global.nativeSidecars : version.nativeSidecarsDefault === 'auto';

  const templateNames: string[] = opts.templates
    ?? (annotations['inject.istio.io/templates'] ? annotations['inject.istio.io/templates'].split(',').map((s) => s.trim()) : undefined)
    ?? config.defaultTemplates;

  const base: Omit<HarnessInput, 'template'> = {
    functions: { omitNil: version.omitNilFunction, otelResourceAttributes: version.otelResourceAttributes },
    compliancePolicyField: version.injectionNewInputs,
    typeMeta: { kind: workload.kind, apiVersion: workload.apiVersion },
    deploymentMeta: { name: workload.name, namespace: workload.namespace ?? namespace },
    pod: { metadata: { ...pod.metadata, namespace }, spec: pod.spec },
    values,
    meshConfig: mesh,
    proxyConfig,
    revision: values.revision ?? '',
    nativeSidecars: opts.nativeSidecars ?? nativeDefault,
    proxyImage: proxyImage(values, proxyConfig, annotations),
    proxyUID: opts.proxyUID ?? 1337,
    proxyGID: opts.proxyGID ?? 1337,
    inboundTrafficPolicyMode: 'passthrough',
    compliancePolicy: opts.compliancePolicy ?? '',
  };
  return { base, config, values, injectorData, pod, namespace, workload, proxyConfig, templateNames };
}

/**
 * Runs one template text against the data `opts` describe and returns the raw output (no YAML parsing, no
 * merge). Throws with the engine's message on a parse or execution error.
 */
export function renderTemplateText(opts: Omit<RenderInjectionOptions, 'pod'> & { pod?: PodTemplate }, text: string): string {
  const p = prepare({ ...opts, pod: opts.pod ?? { metadata: { name: 'pod' }, spec: { containers: [{ name: 'app', image: 'app' }] } } });
  return runHarness({ ...p.base, template: text });
}

/** Renders the injection of `opts.pod`, merges it, emulates istiod's ordering, and schema-validates the pod. */
export function renderInjection(opts: RenderInjectionOptions): RenderedInjection {
  const { base, config, values, injectorData, pod, namespace, workload, proxyConfig, templateNames } = prepare(opts);
  const rendered: string[] = [];
  let overlay: any = {};
  let merged: any = { metadata: pod.metadata, spec: pod.spec };
  for (const name of templateNames) {
    const template = opts.templateText ?? config.templates?.[name];
    if (typeof template !== 'string') {
      throw new Error(`requested template "${name}" not found; have ${Object.keys(config.templates ?? {}).join(', ')}`);
    }
    const text = runHarness({ ...base, template });
    rendered.push(text);
    const part = parse(text) ?? {};
    if (typeof part !== 'object' || Array.isArray(part)) {
      throw new Error(`template "${name}" did not render a pod fragment (metadata/spec):\n${text}`);
    }
    overlay = mergeOverlay(overlay, part);
    merged = mergeOverlay(moveProxyForNative(merged, part), part);
  }

  const hold = Boolean(values.global.proxy.holdApplicationUntilProxyStarts || proxyConfig.holdApplicationUntilProxyStarts);
  reorder(merged.spec, hold);
  const injected: InjectedPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...merged.metadata,
      name: merged.metadata.name || workload.name || 'pod',
      namespace,
      labels: merged.metadata.labels ?? {},
      annotations: merged.metadata.annotations ?? {},
    },
    spec: merged.spec,
  };
  validateObject(injected);
  return { overlay, pod: injected, rendered, injectorData, values };
}

/** The image istiod resolves for `.ProxyImage`: hub/image:tag, with the image type as tag suffix. */
export function proxyImage(values: any, proxyConfig: any, annotations: Record<string, string>): string {
  const g = values.global;
  const image = g.proxy?.image || 'proxyv2';
  let type: string = annotations['sidecar.istio.io/proxyImageType'] ?? proxyConfig?.image?.imageType ?? g.variant ?? '';
  let tag = String(g.tag);
  if (type) {
    for (const known of ['distroless', 'debug']) {
      if (tag.endsWith(`-${known}`)) {
        tag = tag.slice(0, -(known.length + 1));
        break;
      }
    }
    if (type === 'default') type = '';
  }
  return `${g.hub}/${image}:${tag}${type ? `-${type}` : ''}`;
}

// ------------------------------------------------------------------ strategic merge (the parts injection uses)

/** List fields merged element-wise by a key, as Kubernetes' strategic merge patch does for pods. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
};

/**
 * Merges an injection overlay into a pod like a strategic merge patch: maps merge, scalars and plain lists
 * are replaced, keyed lists (containers, env, ports, mounts, volumes) merge by key with new items appended,
 * `null` deletes.
 */
export function mergeOverlay(base: any, patch: any, field?: string): any {
  if (patch === null) return undefined;
  if (Array.isArray(patch)) {
    const key = field ? MERGE_KEYS[field] : undefined;
    if (!key || !Array.isArray(base)) return clone(patch);
    const out = base.map(clone);
    for (const item of patch) {
      const i = out.findIndex((o: any) => o?.[key] === item?.[key]);
      if (i >= 0) out[i] = mergeOverlay(out[i], item);
      else out.push(clone(item));
    }
    return out;
  }
  if (patch && typeof patch === 'object') {
    const out: any = base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {};
    for (const [k, v] of Object.entries(patch)) {
      const merged = mergeOverlay(out[k], v, k);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  return patch;
}

/** istiod moves a pod's own istio-proxy container to initContainers when the template makes it native. */
function moveProxyForNative(pod: any, overlay: any): any {
  const inInit = (overlay?.spec?.initContainers ?? []).some((c: any) => c.name === 'istio-proxy');
  const own = (pod.spec.containers ?? []).find((c: any) => c.name === 'istio-proxy');
  if (!inInit || !own) return pod;
  const spec = { ...pod.spec };
  spec.containers = spec.containers.filter((c: any) => c !== own);
  spec.initContainers = [...(spec.initContainers ?? []), own];
  return { ...pod, spec };
}

/**
 * istiod's container ordering after the merge: the proxy container last (first when the application is held
 * until the proxy starts); with a native sidecar, init order istio-init/istio-validation, istio-proxy, the rest;
 * otherwise istio-validation first and istio-init last.
 */
function reorder(spec: any, hold: boolean): void {
  const move = (list: any[] | undefined, name: string, first: boolean): any[] | undefined => {
    if (!list) return list;
    const item = list.find((c) => c.name === name);
    if (!item) return list;
    const rest = list.filter((c) => c !== item);
    return first ? [item, ...rest] : [...rest, item];
  };
  spec.containers = move(spec.containers, 'istio-proxy', hold);
  if ((spec.initContainers ?? []).some((c: any) => c.name === 'istio-proxy')) {
    for (const name of ['enable-core-dump', 'istio-proxy', 'istio-validation', 'istio-init']) {
      spec.initContainers = move(spec.initContainers, name, true);
    }
  } else {
    spec.initContainers = move(spec.initContainers, 'istio-validation', true);
    spec.initContainers = move(spec.initContainers, 'istio-init', false);
  }
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
