/**
 * Every example of the seven networking kinds in Istio's API reference (the YAML in the comments of istio.io/api's
 * .proto files, the text istio.io's reference pages are generated from) goes through our constructs unchanged: its spec
 * is accepted and rendered as written, with the apiVersion the example uses at 1.30 (and 1.20's at 1.20). The examples are read at test
 * time from the Go module cache, at the istio.io/api version the conformance module (test/conformance/istio-1.30)
 * requires; nothing of them is committed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { Istiod } from '../../src/istiod/istiod';
import { EnvoyFilter, Gateway, ProxyConfig, ServiceEntry, Sidecar, WorkloadEntry, WorkloadGroup } from '../../src/networking';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { findOne, synthValid } from '../support/synth';

type Ctor = new (scope: Construct, id: string, props: never) => Construct;
const KINDS: Record<string, Ctor> = {
  EnvoyFilter, Gateway, ProxyConfig, ServiceEntry, Sidecar, WorkloadEntry, WorkloadGroup,
} as unknown as Record<string, Ctor>;

/** The .proto files whose comments hold the examples of our kinds (other kinds' examples in them are left out). */
const PROTOS = [
  'networking/v1alpha3/service_entry.proto', 'networking/v1alpha3/gateway.proto', 'networking/v1alpha3/sidecar.proto',
  'networking/v1alpha3/envoy_filter.proto', 'networking/v1alpha3/workload_entry.proto', 'networking/v1alpha3/workload_group.proto',
  'networking/v1beta1/proxy_config.proto',
];

const root = path.resolve(__dirname, '..', '..');

/** istio.io/api in the module cache, at the version the 1.30 conformance module requires. */
function istioApiDir(): string {
  const gomod = fs.readFileSync(path.join(root, 'test', 'conformance', 'istio-1.30', 'go.mod'), 'utf8');
  const version = /^\s*istio\.io\/api (v\S+)/m.exec(gomod)?.[1];
  if (!version) throw new Error('test/conformance/istio-1.30/go.mod requires no istio.io/api');
  const cache = process.env.GOMODCACHE || execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const dir = path.join(cache, 'istio.io', `api@${version}`);
  if (!fs.existsSync(dir)) {
    throw new Error(`${dir} is not in the Go module cache: run \`go mod download istio.io/api\` in test/conformance/istio-1.30`);
  }
  return dir;
}

interface Example { readonly file: string; readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string; readonly spec: Record<string, unknown> }

/** The YAML documents of the ```yaml blocks of a .proto file's comments. */
function examples(dir: string, file: string): Example[] {
  const comments = fs.readFileSync(path.join(dir, file), 'utf8').split('\n')
    .filter((l) => /^\s*\/\//.test(l)).map((l) => l.replace(/^\s*\/\/ ?/, '')).join('\n');
  return [...comments.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .flatMap((m) => parseAllDocuments(m[1]).map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown> }))
    .filter((o) => o && KINDS[o.kind])
    .map((o) => ({ file, apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, spec: o.spec }));
}

const dir = istioApiDir();
const all = PROTOS.flatMap((f) => examples(dir, f));
const idOf = (e: Example) => `${e.kind} ${e.namespace ?? 'default'}/${e.name}`;

/**
 * Examples we refuse, and why: the reference elides part of them, and what it leaves would not render as written.
 * The field and the start of the message we give.
 */
const REFUSED: Record<string, [string, string]> = {
  // the filter's configuration is elided as `"...": null`; a null would vanish from the YAML
  'EnvoyFilter istio-config/custom-protocol': ['spec.configPatches[0].patch.value.typed_config....', 'must not be null'],
};

describe('Istio API reference examples of the networking kinds', () => {
  test('every kind has examples in the reference', () => {
    const perKind = all.reduce<Record<string, number>>((n, e) => ({ ...n, [e.kind]: (n[e.kind] ?? 0) + 1 }), {});
    expect(Object.keys(perKind).sort()).toEqual(Object.keys(KINDS).sort());
  });

  test('the examples we refuse are exactly the listed ones, which the reference elides', () => {
    expect(all.filter((e) => REFUSED[idOf(e)]).map(idOf).sort()).toEqual(Object.keys(REFUSED).sort());
  });

  const build = (e: Example, version = IstioVersion.V1_30_3) => {
    const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
    const istiod = Istiod.fromAttributes(chart, 'mesh', { version });
    new KINDS[e.kind](chart, 'x', { namespace: { istiod, name: e.namespace ?? 'default' }, name: e.name, spec: e.spec } as never);
    return chart;
  };

  test.each(all.filter((e) => !REFUSED[idOf(e)]).map((e) => [`${idOf(e)} (${path.basename(e.file)})`, e] as const))('%s renders as written', (_id, e) => {
    const obj = findOne(synthValid(build(e)), e.kind, e.name);
    expect(obj.apiVersion).toBe(e.apiVersion);
    expect(obj.spec).toEqual(e.spec);
  });

  // none of the examples uses a field 1.20.3 lacks: every one renders there too, with the release's apiVersions
  test.each(all.filter((e) => !REFUSED[idOf(e)]).map((e) => [`${idOf(e)} (${path.basename(e.file)})`, e] as const))('%s renders as written at 1.20.3 too (v1beta1)', (_id, e) => {
    const obj = findOne(synthValid(build(e, IstioVersion.V1_20_3)), e.kind, e.name);
    expect(obj.apiVersion).toBe(e.apiVersion.replace(/\/v1$/, '/v1beta1'));
    expect(obj.spec).toEqual(e.spec);
  });

  test.each(all.filter((e) => REFUSED[idOf(e)]).map((e) => [idOf(e), e] as const))('%s is refused with the reason', (id, e) => {
    let error: unknown;
    try {
      build(e);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IstioValidationError);
    const [field, message] = REFUSED[id];
    expect((error as IstioValidationError).field).toBe(field);
    expect((error as IstioValidationError).expected.startsWith(message)).toBe(true);
  });
});
