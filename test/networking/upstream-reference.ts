/**
 * The examples of the seven networking kinds in Istio's API reference: the YAML in the comments of istio.io/api's
 * .proto files (the text istio.io's reference pages are generated from), read at test time from the Go module cache at
 * the istio.io/api version the conformance module (test/conformance/istio-1.30) requires; nothing of them is
 * committed. upstream-reference.test.ts renders each through our constructs; test/conformance/fixtures.ts writes what
 * they render for Istio's webhook and the kube-apiserver to judge.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The networking kinds whose examples are read. */
export const REFERENCE_KINDS = ['EnvoyFilter', 'Gateway', 'ProxyConfig', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup'];

/** The .proto files whose comments hold the examples of our kinds (other kinds' examples in them are left out). */
const PROTOS = [
  'networking/v1alpha3/service_entry.proto', 'networking/v1alpha3/gateway.proto', 'networking/v1alpha3/sidecar.proto',
  'networking/v1alpha3/envoy_filter.proto', 'networking/v1alpha3/workload_entry.proto', 'networking/v1alpha3/workload_group.proto',
  'networking/v1beta1/proxy_config.proto',
];

const root = path.resolve(__dirname, '..', '..');

/** The istio.io/api version test/conformance/istio-1.30/go.mod requires. */
export function istioApiVersion(): string {
  const gomod = fs.readFileSync(path.join(root, 'test', 'conformance', 'istio-1.30', 'go.mod'), 'utf8');
  const version = /^\s*istio\.io\/api (v\S+)/m.exec(gomod)?.[1];
  if (!version) throw new Error('test/conformance/istio-1.30/go.mod requires no istio.io/api');
  return version;
}

/** istio.io/api in the module cache, at the version the 1.30 conformance module requires. */
export function istioApiDir(): string {
  const version = istioApiVersion();
  const cache = process.env.GOMODCACHE || execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const dir = path.join(cache, 'istio.io', `api@${version}`);
  if (!fs.existsSync(dir)) {
    throw new Error(`${dir} is not in the Go module cache: run \`go mod download istio.io/api\` in test/conformance/istio-1.30`);
  }
  return dir;
}

export interface Example { readonly file: string; readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string; readonly spec: Record<string, unknown> }

/** The YAML documents of the ```yaml blocks of a .proto file's comments that are objects of our kinds. */
function examples(dir: string, file: string): Example[] {
  const comments = fs.readFileSync(path.join(dir, file), 'utf8').split('\n')
    .filter((l) => /^\s*\/\//.test(l)).map((l) => l.replace(/^\s*\/\/ ?/, '')).join('\n');
  return [...comments.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .flatMap((m) => parseAllDocuments(m[1]).map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown> }))
    .filter((o) => o && REFERENCE_KINDS.includes(o.kind))
    .map((o) => ({ file, apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, spec: o.spec }));
}

/** Every example of the networking kinds, in the order of PROTOS and of each file. */
export function referenceExamples(dir = istioApiDir()): Example[] {
  return PROTOS.flatMap((f) => examples(dir, f));
}

/** `Kind namespace/name` of an example (several examples share one). */
export const exampleId = (e: Example) => `${e.kind} ${e.namespace ?? 'default'}/${e.name}`;

/**
 * Examples we refuse, and why: the reference elides part of them, and what it leaves would not render as written.
 * The field and the start of the message we give.
 */
export const REFUSED_EXAMPLES: Record<string, [string, string]> = {
  // the filter's configuration is elided as `"...": null`; a null would vanish from the YAML
  'EnvoyFilter istio-config/custom-protocol': ['spec.configPatches[0].patch.value.typed_config....', 'must not be null'],
};
