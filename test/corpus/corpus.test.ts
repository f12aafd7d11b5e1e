/**
 * The real-world corpus (issue #14, test/corpus/corpus.ts): each entry's constructs against the Istio objects of the
 * upstream file, read at test time from the Go module cache (the istio.io/istio module test/conformance/istio-1.30
 * requires, located by `go mod download -json`; nothing of it is committed). At 1.30.3 `exact` entries equal the
 * upstream objects as they are; `equivalent` entries after their stated normalisations only. Every entry also builds
 * at 1.20.3 (with that release's apiVersions and the same specs) or is refused for a field 1.20 lacks.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ApiObject, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import * as lib from '../../src';
import { IstioResource } from '../../src/resource/istio-resource';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { synthValid } from '../support/synth';
import { buildEntry, CORPUS, corpusObjects, CorpusEntry, CorpusObject, GAPS } from './corpus';

const root = path.resolve(__dirname, '..', '..');

/** The istio.io/istio module the 1.30 conformance module requires, as go locates (and if need be downloads) it. */
function istioModuleDir(): string {
  const out = execFileSync('go', ['mod', 'download', '-json', 'istio.io/istio'], {
    cwd: path.join(root, 'test', 'conformance', 'istio-1.30'), encoding: 'utf8', timeout: 20 * 60 * 1000,
  });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir || !fs.existsSync(info.Dir)) throw new Error(`go mod download istio.io/istio: ${info.Error ?? 'no Dir'}`);
  return info.Dir;
}

const ISTIO_GROUP = /\.istio\.io\//;
/** Istio kinds an upstream file may write without apiVersion (istioctl's test data does). */
const ISTIO_KINDS = new Set(['WorkloadGroup', 'WorkloadEntry', 'ServiceEntry', 'VirtualService', 'DestinationRule', 'Gateway', 'Sidecar', 'EnvoyFilter']);

/** The Istio objects of an entry's upstream file (restricted to `kinds` when the entry names some). */
function upstreamObjects(dir: string, entry: Pick<CorpusEntry, 'source' | 'kinds'>): CorpusObject[] {
  const text = fs.readFileSync(path.join(dir, entry.source), 'utf8');
  return parseAllDocuments(text)
    .map((d) => d.toJS() as CorpusObject | null)
    .filter((o): o is CorpusObject => !!o && (o.apiVersion === undefined ? ISTIO_KINDS.has(o.kind) : ISTIO_GROUP.test(o.apiVersion)))
    .filter((o) => !entry.kinds || entry.kinds.includes(o.kind));
}

/** What is compared of each object: kind, name, apiVersion, the namespace where upstream sets one, the spec. */
function comparable(objs: CorpusObject[], namespaced: Set<string>): Array<Record<string, unknown>> {
  return objs
    .map((o) => ({
      key: `${o.kind} ${o.metadata.name}`,
      apiVersion: o.apiVersion,
      ...(namespaced.has(`${o.kind} ${o.metadata.name}`) ? { namespace: o.metadata.namespace } : {}),
      spec: o.spec,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

function sides(ours: CorpusObject[], upstream: CorpusObject[], entry: CorpusEntry, normalised: boolean) {
  const o = JSON.parse(JSON.stringify(ours)) as CorpusObject[];
  const u = JSON.parse(JSON.stringify(upstream)) as CorpusObject[];
  if (normalised) for (const n of entry.normalise ?? []) n.apply(o, u);
  const namespaced = new Set(u.filter((x) => x.metadata.namespace !== undefined).map((x) => `${x.kind} ${x.metadata.name}`));
  return { ours: comparable(o, namespaced), upstream: comparable(u, namespaced) };
}

/** ApiObjects not emitted by one of the typed L2 constructs (directly or through an intent construct). */
function rawObjects(chart: Chart): string[] {
  return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)
    .filter((o) => !(o.node.scope instanceof IstioResource)).map((o) => o.node.path);
}

/** The constructs an entry uses (the chart's children but the control plane reference), each once, in order. */
function constructsOf(chart: Chart): string[] {
  return [...new Set(chart.node.children.filter((c) => c.node.id !== 'mesh').map((c) => c.constructor.name))];
}

/** apiVersion of each kind at 1.20.3 (the versions Istio 1.20's CRDs serve that the library writes). */
function apiVersionAt1_20(kind: string, group: string): string {
  if (group === 'networking.istio.io') return kind === 'EnvoyFilter' ? 'networking.istio.io/v1alpha3' : 'networking.istio.io/v1beta1';
  if (group === 'security.istio.io') return 'security.istio.io/v1beta1';
  if (group === 'telemetry.istio.io') return 'telemetry.istio.io/v1alpha1';
  if (group === 'extensions.istio.io') return 'extensions.istio.io/v1alpha1';
  throw new Error(`no 1.20 apiVersion known for ${kind} (${group})`);
}

const dir = istioModuleDir();
const tally = { exact: 0, equivalent: 0, raw: 0 };

describe('real-world corpus: upstream Istio configurations said with our typed constructs', () => {
  test('at least 40 configurations, unique ids, every source in the istio.io/istio module', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CORPUS.map((e) => e.id)).size).toBe(CORPUS.length);
    for (const e of CORPUS) expect(fs.existsSync(path.join(dir, e.source))).toBe(true);
  });

  test('an equivalent entry states its difference in words and as normalisations; an exact one has neither', () => {
    for (const e of CORPUS) {
      const equivalent = e.class === 'equivalent';
      expect([e.id, !!e.difference, (e.normalise?.length ?? 0) > 0]).toEqual([e.id, equivalent, equivalent]);
    }
  });

  describe.each(CORPUS.map((e) => [`${e.id} (${e.class})`, e] as const))('%s', (_name, entry) => {
    // built in the tests, so that one entry's failure is reported as that entry's
    let memo: { upstream: CorpusObject[]; chart: Chart; ours: CorpusObject[] } | undefined;
    const built = () => {
      if (!memo) {
        const chart = buildEntry(entry, IstioVersion.V1_30_3);
        memo = { upstream: upstreamObjects(dir, entry), chart, ours: synthValid(chart) as unknown as CorpusObject[] };
      }
      return memo;
    };

    test('the upstream file has Istio objects, all compared', () => {
      expect(built().upstream.length).toBeGreaterThan(0);
    });

    test('no object comes from a raw ApiObject: each is emitted by a typed Istio construct', () => {
      const raw = rawObjects(built().chart);
      tally.raw += raw.length;
      expect(raw).toEqual([]);
    });

    if (entry.class === 'exact') {
      test('1.30.3: the same objects (apiVersion, name, namespace where upstream sets one, spec), nothing else', () => {
        const { ours, upstream } = built();
        const s = sides(ours, upstream, entry, false);
        expect(s.ours).toEqual(s.upstream);
        expect(isDeepStrictEqual(s.ours, s.upstream)).toBe(true);
        tally.exact++;
      });
    } else {
      test(`1.30.3: equal after the stated differences (${(entry.normalise ?? []).map((n) => n.what).join('; ')}), not before`, () => {
        const { ours, upstream } = built();
        const s = sides(ours, upstream, entry, true);
        expect(s.ours).toEqual(s.upstream);
        expect(isDeepStrictEqual(s.ours, s.upstream)).toBe(true);
        const raw = sides(ours, upstream, entry, false);
        expect(isDeepStrictEqual(raw.ours, raw.upstream)).toBe(false);
        tally.equivalent++;
      });
    }

    if (entry.refusedAt1_20 === undefined) {
      test('1.20.3: builds, with the release\'s apiVersions and the same objects and specs', () => {
        const { ours } = built();
        const old = synthValid(buildEntry(entry, IstioVersion.V1_20_3)) as unknown as CorpusObject[];
        expect(old.map((o) => o.apiVersion)).toEqual(ours.map((o) => apiVersionAt1_20(o.kind, o.apiVersion!.split('/')[0])));
        expect(old.map((o) => [o.kind, o.metadata, o.spec])).toEqual(ours.map((o) => [o.kind, o.metadata, o.spec]));
      });
    } else {
      test(`1.20.3: refused, naming the field 1.20 lacks (${entry.refusedAt1_20})`, () => {
        let error: unknown;
        try {
          buildEntry(entry, IstioVersion.V1_20_3);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(IstioValidationError);
        expect((error as IstioValidationError).field).toBe(entry.refusedAt1_20);
        expect((error as IstioValidationError).expected).toMatch(/Istio 1\.20/);
      });
    }
  });

  describe.each(GAPS.map((g) => [g.id, g] as const))('not expressible: %s', (_name, gap) => {
    test(gap.field === undefined
      ? `no ${gap.construct} construct; reported, not said with raw objects`
      : `${gap.construct} refuses it (${gap.field}); reported, not said with raw objects`, () => {
      expect(fs.existsSync(path.join(dir, gap.source))).toBe(true);
      expect(upstreamObjects(dir, gap).length).toBeGreaterThan(0);
      if (gap.field === undefined) {
        expect(Object.keys(lib)).not.toContain(gap.construct);
        expect(gap.build).toBeUndefined();
        return;
      }
      let error: unknown;
      try {
        buildEntry(gap, IstioVersion.V1_30_3);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(IstioValidationError);
      expect((error as IstioValidationError).field).toBe(gap.field);
    });
  });

  test('docs/corpus.md lists every entry with its source, constructs, class and difference, and every gap', () => {
    const doc = fs.readFileSync(path.join(root, 'docs', 'corpus.md'), 'utf8');
    const rows = doc.split('\n').filter((l) => /^\| `[^`]+` \|/.test(l)).map((l) => l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '')));
    const expected = [
      ...CORPUS.map((e) => [
        `\`${e.id}\``,
        `\`${e.source}\``,
        constructsOf(buildEntry(e, IstioVersion.V1_30_3)).join(', '),
        e.class,
        e.difference ?? '',
      ]),
      ...GAPS.map((g) => [`\`${g.id}\``, `\`${g.source}\``, g.construct, g.field === undefined ? '(no construct)' : `\`${g.field}\``, g.reason]),
    ];
    expect(rows).toEqual(expected);
    expect(doc).toContain(`${CORPUS.length} configurations (${CORPUS.filter((e) => e.class === 'exact').length} exact, ${CORPUS.filter((e) => e.class === 'equivalent').length} equivalent)`);
  });

  test('the conformance case `corpus` holds every entry\'s objects, each once (entries in namespaces of their own)', () => {
    for (const version of [IstioVersion.V1_30_3, IstioVersion.V1_20_3]) {
      const objs = corpusObjects(version);
      const keys = objs.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
      expect(new Set(keys).size).toBe(keys.length);
      const built = CORPUS.filter((e) => version === IstioVersion.V1_30_3 || e.refusedAt1_20 === undefined);
      const count = built.reduce((n, e) => n + synthValid(buildEntry(e, version)).length, 0);
      expect(objs.length).toBe(count);
      expect(objs.every((o) => /^corpus-[0-9]{2}-/.test(o.metadata.namespace ?? ''))).toBe(true);
    }
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`corpus: ${tally.exact + tally.equivalent} configurations (${tally.exact} exact, ${tally.equivalent} equivalent), ${tally.raw} by raw objects`);
  });
});
