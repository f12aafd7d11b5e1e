import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { IstioBase, IstioCrds } from '../../src/base';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { ids, newChart, ofKind, synthValid } from '../support/synth';

const FIXTURE = join(__dirname, 'fixtures', 'two-istio-crds.yaml');

function fixtureDocs(): any[] {
  return parseAllDocuments(readFileSync(FIXTURE, 'utf8')).map((d) => d.toJS()).filter((d) => d !== null);
}

describe('IstioCrds.fromFile', () => {
  test.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('%s: emits the file\'s CRDs verbatim, sorted by group and kind', (version) => {
    const chart = newChart();
    const base = new IstioBase(chart, 'base', { version, crds: IstioCrds.fromFile(FIXTURE) });
    const objs = synthValid(chart);
    const crds = ofKind(objs, 'CustomResourceDefinition');
    expect(base.crds.source).toBe('file');
    // the file lists networking first; output is extensions, then networking
    expect(crds.map((c) => c.metadata.name)).toEqual(['wasmplugins.extensions.istio.io', 'destinationrules.networking.istio.io']);
    const [dr, wasm] = fixtureDocs();
    expect(crds[0]).toEqual(wasm);
    expect(crds[1]).toEqual(dr);
    // nothing of the built-in CRDs leaks in: labels, annotation and schema are the file's
    expect(crds[1].metadata.labels).toEqual({ fixture: 'two-istio-crds' });
    expect(crds[1].spec.versions[0].schema.openAPIV3Schema.properties.spec.required).toEqual(['host']);
    expect(crds[1].spec.versions[0].additionalPrinterColumns[0].description).toBe('Service the rule applies to');
    expect(ids(objs).filter((i) => !i.startsWith('CustomResourceDefinition'))).toEqual([
      'Namespace istio-system',
      'ServiceAccount istio-system/istio-reader-service-account',
      'ValidatingWebhookConfiguration istiod-default-validator',
    ]);
    // crdKinds() still describes the release, not the file
    expect(base.crdKinds()).toHaveLength(15);
  });

  test('the result does not depend on the order of documents in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-crds-'));
    try {
      const [dr, wasm] = readFileSync(FIXTURE, 'utf8').split(/^---$/m).slice(1, 3);
      const swapped = join(dir, 'swapped.yaml');
      writeFileSync(swapped, `${wasm}---${dr}`);
      const synth = (path: string) => {
        const chart = newChart();
        new IstioBase(chart, 'base', { crds: IstioCrds.fromFile(path) });
        return JSON.stringify(synthValid(chart));
      };
      expect(synth(swapped)).toBe(synth(FIXTURE));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('IstioCrds.none() emits no CRDs and keeps everything else', () => {
  const chart = newChart();
  const base = new IstioBase(chart, 'base', { crds: IstioCrds.none() });
  const objs = synthValid(chart);
  expect(base.crds.source).toBe('none');
  expect(base.crdObjects).toEqual([]);
  expect(ids(objs)).toEqual([
    'Namespace istio-system',
    'ServiceAccount istio-system/istio-reader-service-account',
    'ValidatingWebhookConfiguration istiod-default-validator',
  ]);
});

describe('IstioCrds.fromFile rejects', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'istio-crds-bad-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const crd = (group: string, plural: string, kind: string, versions = '[{name: v1, served: true, storage: true}]', name = `${plural}.${group}`) =>
    `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}\nspec:\n  group: ${group}\n  names: {kind: ${kind}, plural: ${plural}}\n  scope: Namespaced\n  versions: ${versions}\n`;

  function build(file: string, content: string | undefined, version = IstioVersion.V1_30_3): () => void {
    const path = join(dir, file);
    if (content !== undefined) writeFileSync(path, content);
    return () => new IstioBase(newChart(), 'base', { version, crds: IstioCrds.fromFile(path) });
  }

  test('a missing file', () => {
    const f = build('missing.yaml', undefined);
    expect(f).toThrow(IstioValidationError);
    expect(f).toThrow(/test\/base: invalid crds ".*missing\.yaml": must be a readable YAML file of Istio CRDs \(ENOENT\)/);
  });

  test('an empty path', () => {
    expect(() => new IstioBase(newChart(), 'base', { crds: IstioCrds.fromFile('') }))
      .toThrow(/test\/base: invalid crds "": IstioCrds.fromFile\(\) needs the path of a YAML file/);
  });

  test('a document that is not a CRD', () => {
    const f = build('configmap.yaml', `${crd('networking.istio.io', 'gateways', 'Gateway')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n`);
    expect(f).toThrow(/test\/base: invalid crds \(file .*configmap\.yaml\) document 2 "v1 ConfigMap istio": must be an apiextensions\.k8s\.io\/v1 CustomResourceDefinition of an Istio API group \(\*\.istio\.io\)/);
  });

  test('a document that is not an object', () => {
    const f = build('scalar.yaml', 'just text\n');
    expect(f).toThrow(/test\/base: invalid crds \(file .*scalar\.yaml\) document 1 "a scalar: just text": must be an apiextensions\.k8s\.io\/v1 CustomResourceDefinition/);
  });

  test('a CRD of a non-Istio group', () => {
    const f = build('gateway-api.yaml', crd('gateway.networking.k8s.io', 'httproutes', 'HTTPRoute'));
    expect(f).toThrow(/test\/base: invalid crds \(file .*gateway-api\.yaml\) document 1 spec\.group "gateway\.networking\.k8s\.io": must be an Istio API group such as "networking\.istio\.io"/);
  });

  test('a group that only ends like istio.io', () => {
    const f = build('lookalike.yaml', crd('notistio.io', 'things', 'Thing'));
    expect(f).toThrow(/document 1 spec\.group "notistio\.io": must be an Istio API group/);
  });

  test('a CRD whose name is not <plural>.<group>', () => {
    const f = build('badname.yaml', crd('networking.istio.io', 'gateways', 'Gateway', undefined, 'gw.networking.istio.io'));
    expect(f).toThrow(/document 1 metadata\.name "gw\.networking\.istio\.io": must be "<plural>\.<group>", here "gateways\.networking\.istio\.io"/);
  });

  test('a CRD without versions', () => {
    const f = build('noversions.yaml', crd('networking.istio.io', 'gateways', 'Gateway', '[]'));
    expect(f).toThrow(/document 1 spec\.versions \[\]: must list at least one named version/);
  });

  test('a CRD without names', () => {
    const f = build('nonames.yaml', 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x.networking.istio.io}\nspec: {group: networking.istio.io}\n');
    expect(f).toThrow(/document 1 spec\.names \(undefined\): must name the kind and the plural of the CRD/);
  });

  test('invalid YAML', () => {
    const f = build('broken.yaml', 'apiVersion: [unclosed\n');
    expect(f).toThrow(/test\/base: invalid crds \(file .*broken\.yaml\) document 1 ".+": must be valid YAML/);
  });

  test('a file without documents', () => {
    const f = build('empty.yaml', '# nothing here\n');
    expect(f).toThrow(/test\/base: invalid crds \(file .*empty\.yaml\) "\(no documents\)": must contain at least one Istio CustomResourceDefinition/);
  });

  test('the same CRD twice', () => {
    const one = crd('networking.istio.io', 'gateways', 'Gateway');
    const f = build('twice.yaml', `${one}---\n${one}`);
    expect(f).toThrow(/invalid crds \(file .*twice\.yaml\) "gateways\.networking\.istio\.io": must define each CustomResourceDefinition once/);
  });

  test('CRDs of an older release that do not serve the apiVersion the chosen version emits', () => {
    const old = crd('networking.istio.io', 'virtualservices', 'VirtualService', '[{name: v1alpha3, served: true, storage: true}, {name: v1beta1, served: true, storage: false}]');
    expect(build('old.yaml', old, IstioVersion.V1_30_3)).toThrow(
      /document 1 spec\.versions \["v1alpha3","v1beta1"\]: must serve v1 for VirtualService, which Istio 1\.30\.3 uses; download crd-all\.gen\.yaml of Istio 1\.30\.3/);
    // the same file is fine for 1.20, which emits v1beta1
    expect(build('old.yaml', old, IstioVersion.V1_20_3)).not.toThrow();
  });
});
