/**
 * The lean YAML writer must write exactly what cdk8s's `Yaml.stringify` writes (the `yaml` package with
 * cdk8s's options): on every document the library synthesizes, on hand-picked edge cases, and on
 * generated values. Documents it is not sure of go to the package; these tests also check that the
 * library's own documents never need it (that is where the memory saving comes from).
 */
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import fc from 'fast-check';
import { parse } from 'yaml';
import { buildExampleApp } from '../../src/charts';
import { IngressGateway, IstioBase, Istiod, IstioVersion } from '../../src';
import { CDK8S_YAML_OPTIONS, stringifyDocument, stringifyDocuments, writeDocument, writerMatchesYaml, WRITER_YAML_RELEASES } from '../../src/synth/yaml-writer';
import { yaml, yamlVersion } from '../../src/yaml';
import { K8sObject, validateAll } from '../support/schema';

/** The package's rendering with cdk8s's options: the reference. */
const reference = (doc: unknown): string => yaml().stringify(doc, CDK8S_YAML_OPTIONS);

function allDocuments(app: App): K8sObject[] {
  return app.charts.flatMap((c) => Object.values(c.toJson()) as K8sObject[]);
}

function defaultInstall(version: IstioVersion): App {
  const app = new App();
  const chart = new Chart(app, 'istio', { disableResourceNameHashes: true });
  const base = new IstioBase(chart, 'base', { version });
  const istiod = new Istiod(chart, 'istiod', { base });
  new IngressGateway(chart, 'ingress', { istiod });
  return app;
}

describe('every document the library synthesizes', () => {
  const cases: Array<[string, () => App]> = [
    ['the example app (MLOps 1.30.3 + Pi 1.20.3 charts)', () => buildExampleApp()],
    ['the default install at 1.30.3', () => defaultInstall(IstioVersion.V1_30_3)],
    ['the default install at 1.20.3', () => defaultInstall(IstioVersion.V1_20_3)],
  ];
  test.each(cases)('%s: written by the writer itself, byte for byte the package', (_name, build) => {
    const docs = allDocuments(build());
    expect(validateAll(docs)).toBeGreaterThan(40);
    for (const doc of docs) {
      const own = writeDocument(doc);
      expect({ id: `${doc.kind} ${doc.metadata.name}`, handled: own !== undefined }).toEqual({ id: `${doc.kind} ${doc.metadata.name}`, handled: true });
      expect(own).toBe(reference(doc));
    }
    expect(stringifyDocuments(docs)).toBe(Yaml.stringify(...docs));
  });

  test('the multi-line strings of the injector ConfigMap come out as literal blocks that read back the same', () => {
    const docs = allDocuments(defaultInstall(IstioVersion.V1_30_3));
    const injector = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'istio-sidecar-injector')!;
    const text = stringifyDocument(injector);
    expect(text).toMatch(/^ {2}config: \|-?\n/m);
    expect(parse(text, { version: '1.1' })).toEqual(injector);
  });
});

describe('edge cases', () => {
  // [description, value]: each is written inside a small document, in map-value, list-item and key position.
  const strings: Array<[string, string]> = [
    ['empty', ''],
    ['YAML 1.1 booleans', 'yes'],
    ['a lone y', 'y'],
    ['on', 'on'],
    ['octal-looking', '0777'],
    ['sexagesimal', '1:20'],
    ['timestamp', '2001-12-14'],
    ['merge key', '<<'],
    ['null word', 'null'],
    ['tilde', '~'],
    ['float-looking', '1e3'],
    ['leading dash and space', '- x'],
    ['colon space', 'a: b'],
    ['trailing colon', 'a:'],
    ['comment-looking', 'a #b'],
    ['leading hash', '#a'],
    ['leading star', '*'],
    ['wildcard host', '*.example.com'],
    ['double quotes only', 'say "hi"'],
    ['single quote only', "it's"],
    ['both quotes', `it's "x"`],
    ['backslash', 'a\\b'],
    ['tab inside', 'a\tb'],
    ['leading space', ' x'],
    ['trailing space', 'x '],
    ['document marker', '---x'],
    ['percent', '%x'],
    ['unicode', 'héllo ✓'],
    ['astral characters (surrogate pairs)', 'ship it 🚀 𝔘'],
    ['non-breaking and zero-width spaces', 'a\u00a0b\ufeffc'],
    ['multi-line', 'a\nb'],
    ['multi-line, final newline', 'a\nb\n'],
    ['multi-line, leading spaces', '  a\nb'],
    ['multi-line, blank lines inside', 'a\n\n\nb\n'],
    ['multi-line, trailing spaces on a line', 'a  \nb'],
    ['multi-line, document marker line', 'a\n---\nb'],
    ['multi-line, tab first', '\ta\nb'],
    ['kept trailing newlines (|+)', 'a\nb\n\n'],
    ['a blank line first', '\nline\n'],
    ['blank lines and spaces first', ' \n\n  a\nb'],
    ['kept trailing newlines, blanks between', 'a\n \n\n'],
    ['kept trailing newlines, leading spaces', '  a\n\n\n'],
    ['multi-line, template text', '{{- if .Values.x }}\n  key: "{{ .Values.y }}"\n{{- end }}\n'],
  ];
  test.each(strings)('%s', (_name, s) => {
    const doc = { a: s, b: [s, { c: s }], [s.replace(/\n/g, ' ')]: 1, d: { e: [[s]] } };
    expect(stringifyDocument(doc)).toBe(reference(doc));
  });

  const others: Array<[string, Record<string, unknown>]> = [
    ['numbers', { i: 42, neg: -7, f: 1.5, big: 1e21, small: 1e-7, zero: 0, negZero: -0 }],
    ['booleans and null', { t: true, f: false, n: null, u: undefined, list: [null, undefined, true] }],
    ['empty collections', { m: {}, l: [], nested: [{}, [], { x: [] }] }],
    ['lists of lists', { l: [[1, 2], [[3]], [{ a: 1, b: { c: [] } }]] }],
    ['a map in a list, first value a block', { l: [{ a: 'x\ny', b: 1 }] }],
  ];
  test.each(others)('%s', (_name, doc) => {
    expect(writeDocument(doc)).toBe(reference(doc));
  });

  // Shapes the writer leaves to the package: the result is still the package's.
  const handedOver: Array<[string, unknown]> = [
    ['a control character', { a: 'bell\x07' }],
    ['a lone surrogate', { a: 'x\ud800' }],
    ['nothing but blank lines', { a: '\n\n' }],
    ['blank last line with spaces', { a: 'x\n  ' }],
    ['NaN', { a: Number.NaN }],
    ['Infinity', { a: Number.POSITIVE_INFINITY }],
    ['a repeated object (anchors)', (() => {
      const shared = { x: 1 };
      return { a: shared, b: shared };
    })()],
    ['a multi-line key', { 'a\nb': 1 }],
    ['a very long key', { ['k'.repeat(1100)]: 1 }],
    ['a key whose quoted text passes 1024 characters', { ['\t'.repeat(512)]: 1 }],
    ['a shared empty map (anchors)', (() => {
      const e = {};
      return { a: e, b: e };
    })()],
    ['a shared empty list (anchors)', (() => {
      const e: unknown[] = [];
      return { a: [e, [e]] };
    })()],
    ['a map with toJSON()', { a: { x: 1, toJSON: () => 'J' } }],
    ['a list with its own toJSON()', { a: Object.assign([1], { toJSON: () => 'x' }) }],
    ['an iterable map', { a: { x: 1, *[Symbol.iterator]() { yield 5; } } }],
    ['a list subclass', { a: new (class extends Array<number> {})() }],
    ['a class instance', { a: new Date(0) }],
    ['a scalar document', 'just text'],
  ];
  test.each(handedOver)('%s: handed to the package', (_name, doc) => {
    expect(writeDocument(doc)).toBeUndefined();
    expect(stringifyDocument(doc)).toBe(reference(doc));
  });

  test('keys with up to 1,000 characters of text are written by the writer', () => {
    const doc = { ['k'.repeat(1000)]: 1, [`'${'\t'.repeat(400)}"`]: 2 };
    expect(writeDocument(doc)).toBe(reference(doc));
  });

  test('empty documents and undefined documents, as cdk8s joins them', () => {
    const docs = [{}, undefined, [], { a: 1 }];
    expect(stringifyDocuments(docs)).toBe(Yaml.stringify(...docs));
    expect(stringifyDocuments([])).toBe(Yaml.stringify());
  });

  test('an ApiObject-sized document with every kind of value reads back to the same JSON', () => {
    const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'x', on: 'yes' } }, data: { 'a.yaml': 'k: v\nl:\n  - 1\n', n: '0777', e: '' } };
    const text = stringifyDocument(doc);
    expect(parse(text, { version: '1.1' })).toEqual(doc);
    expect(validateAll([doc as K8sObject])).toBe(1);
  });
});

test('the writer follows the rules of the yaml release in use (2.9.x); with another release the package writes everything', () => {
  expect(yamlVersion()).toMatch(WRITER_YAML_RELEASES);
  expect(writerMatchesYaml()).toBe(true);
  expect(WRITER_YAML_RELEASES.test('2.10.0')).toBe(false);
  expect(WRITER_YAML_RELEASES.test('3.0.0')).toBe(false);
});

describe('generated values (fast-check, fixed seeds)', () => {
  const pieces = ['a', 'b', 'y', 'z', '0', '9', ' ', ':', '-', '?', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', ',', '[', ']', '{', '}',
    '\n', '\t', '.', '~', '_', '+', '=', '/', '\\', '<', 'é', '---', '...', 'yes', 'null', 'on', '0x', '\n\n', '  ', '\x07', '\u2028'];
  const text = fc.oneof(
    fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((a) => a.join('')),
    fc.constantFrom('', 'y', 'N', '<<', '0777', '1:20', '2001-12-14', '.inf', '1e3', '1_0', '~', 'True', '- x', '? x', 'x #y', '#', '-'),
    fc.string(),
  );
  const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
    list: fc.array(tie('tree'), { maxLength: 4 }),
    map: fc.dictionary(text, tie('tree'), { maxKeys: 4 }),
  }));

  test('the writer either matches the package or hands the document over', () => {
    let handled = 0;
    let runs = 0;
    fc.assert(fc.property(fc.dictionary(text, tree, { maxKeys: 5 }), (doc) => {
      runs++;
      const own = writeDocument(doc);
      if (own !== undefined) {
        handled++;
        expect(own).toBe(reference(doc));
      }
      expect(stringifyDocument(doc)).toBe(reference(doc));
    }), { numRuns: 4000, seed: 20261122 });
    // generated text is full of control characters and odd endings, yet a good share is written here
    expect(runs).toBe(4000);
    expect(handled).toBeGreaterThan(runs / 5);
  });

  test('documents shaped like Kubernetes objects are all written by the writer itself', () => {
    const name = fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/);
    const labels = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9.]{0,9}\/[a-z]{1,8}$|^[a-z]{1,8}$/), fc.oneof(name, fc.constantFrom('true', 'on', '1.0', '0777', '')), { maxKeys: 4 });
    const obj = fc.record({
      apiVersion: fc.constantFrom('v1', 'apps/v1', 'networking.istio.io/v1'),
      kind: fc.constantFrom('ConfigMap', 'Service', 'VirtualService'),
      metadata: fc.record({ name, namespace: name, labels }),
      spec: fc.record({
        hosts: fc.array(fc.oneof(name, fc.constant('*.apps.example.com')), { maxLength: 3 }),
        ports: fc.array(fc.record({ name, port: fc.integer({ min: 1, max: 65535 }), weight: fc.integer({ min: 0, max: 100 }) }), { maxLength: 3 }),
        template: fc.array(fc.constantFrom('line', '  indented: "x"', '{{ .Values.y }}', '', '- item'), { minLength: 2, maxLength: 6 }).map((l) => `${['{{- /* first */}}', ...l].join('\n')}\n`),
        enabled: fc.boolean(),
      }),
    });
    fc.assert(fc.property(obj, (doc) => {
      const own = writeDocument(doc);
      expect(own).toBeDefined();
      expect(own).toBe(reference(doc));
    }), { numRuns: 1000, seed: 8 });
  });
});

test('ApiObject JSON written by the writer is what cdk8s writes for the same chart', () => {
  const app = new App();
  const chart = new Chart(app, 'plain');
  new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { x: 'yes', y: 'a\nb\n' } });
  const docs = Object.values(chart.toJson());
  validateAll(docs as K8sObject[]);
  expect(stringifyDocuments(docs)).toBe(app.synthYaml());
});
