/**
 * scripts/import-crds.js, the generator of src/base/schemas/*.generated.ts: descriptions go and nothing else
 * does, the output is sorted and the same bytes for the same CRDs, releases are recognised from the content.
 * (The generated modules themselves are checked in crd-schemas.test.ts; the CRD files are not needed here.)
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';

type Json = any;

/** The functions the script exports (it runs `main` only when executed). */
interface ImportCrds {
  detectLine(crds: Json[]): string | undefined;
  tagFromPath(file: string): string | undefined;
  stripSchema(schema: Json): Json;
  stripSpec(spec: Json): Json;
  sortKeys(value: Json): Json;
  moduleCrd(crd: Json): Json;
  moduleRelease(crds: Json[], line: string, source: string): Json;
  expandCrd(entry: Json): Json;
  renderModule(release: Json, command: string, leafCount: number): string;
  parseModule(text: string): Json;
  leaves(value: Json): Map<string, string>;
  moduleLeaves(release: Json): Map<string, string>;
  parseYamlDocuments(text: string, where: string): Json[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const gen = require('../../scripts/import-crds.js') as ImportCrds;
const ROOT = join(__dirname, '..', '..');
const FIXTURE = join(__dirname, 'fixtures', 'two-istio-crds.yaml');

function fixtureCrds(): Json[] {
  return parseAllDocuments(readFileSync(FIXTURE, 'utf8')).map((d) => d.toJS()).filter((d) => d !== null);
}

/** `value` with every object's keys in reverse order. */
function reverseKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reverseKeys(value[k])]));
}

describe('descriptions', () => {
  test('go from every schema node; property names, defaults, examples, enums and CEL messages stay', () => {
    const schema = {
      type: 'object',
      description: 'root',
      properties: {
        description: { type: 'string', description: 'a field called description', maxLength: 10 },
        mode: { 'type': 'string', 'enum': ['description', 'STRICT'], 'description': 'mode', 'default': 'STRICT' },
        settings: {
          'type': 'object',
          'description': 'settings',
          'default': { description: 'kept: a default value' },
          'example': { description: 'kept: an example' },
          'additionalProperties': { type: 'string', description: 'map values' },
          'x-kubernetes-validations': [{ rule: 'size(self) < 3', message: 'at most 2', messageExpression: '"too many"', reason: 'FieldValueInvalid' }],
        },
        list: {
          'type': 'array',
          'items': { type: 'object', description: 'item', properties: { name: { type: 'string', description: 'n' } } },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
        },
        port: { 'x-kubernetes-int-or-string': true, 'anyOf': [{ type: 'integer', description: 'i' }, { type: 'string' }] },
        choice: { oneOf: [{ not: { anyOf: [{ required: ['a'], description: 'x' }] } }, { required: ['b'] }], allOf: [{ description: 'all' }] },
        patterned: { type: 'object', patternProperties: { '^x-': { type: 'string', description: 'p' } } },
        docs: { type: 'string', externalDocs: { description: 'prose', url: 'https://example.com' } },
      },
    };
    expect(gen.stripSchema(schema)).toEqual({
      type: 'object',
      properties: {
        description: { type: 'string', maxLength: 10 },
        mode: { type: 'string', enum: ['description', 'STRICT'], default: 'STRICT' },
        settings: {
          'type': 'object',
          'default': { description: 'kept: a default value' },
          'example': { description: 'kept: an example' },
          'additionalProperties': { type: 'string' },
          'x-kubernetes-validations': [{ rule: 'size(self) < 3', message: 'at most 2', messageExpression: '"too many"', reason: 'FieldValueInvalid' }],
        },
        list: {
          'type': 'array',
          'items': { type: 'object', properties: { name: { type: 'string' } } },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
        },
        port: { 'x-kubernetes-int-or-string': true, 'anyOf': [{ type: 'integer' }, { type: 'string' }] },
        choice: { oneOf: [{ not: { anyOf: [{ required: ['a'] }] } }, { required: ['b'] }], allOf: [{}] },
        patterned: { type: 'object', patternProperties: { '^x-': { type: 'string' } } },
        docs: { type: 'string', externalDocs: { url: 'https://example.com' } },
      },
    });
    // the input is not changed
    expect(schema.properties.description.description).toBe('a field called description');
  });

  test('go from printer columns (priority and the rest stay); the rest of the spec is unchanged', () => {
    const [dr] = fixtureCrds();
    const stripped = gen.stripSpec(dr.spec);
    expect(stripped.versions[0].additionalPrinterColumns).toEqual([{ name: 'Host', type: 'string', jsonPath: '.spec.host', priority: 0 }]);
    const removed = [...gen.leaves(dr.spec).keys()].filter((p) => !gen.leaves(stripped).has(p));
    expect(removed).toEqual(['/versions/0/additionalPrinterColumns/0/description']);
  });
});

describe('the generated module', () => {
  test('keeps one body per distinct version and gives the upstream spec back, without descriptions', () => {
    const [dr] = fixtureCrds();
    const entry = gen.moduleCrd(dr);
    expect(entry.bodies).toHaveLength(2); // v1 and v1beta1 differ
    expect(entry.versions).toEqual([{ body: 0, name: 'v1', served: true, storage: true }, { body: 1, name: 'v1beta1', served: true, storage: false }]);
    expect(gen.expandCrd(entry)).toEqual(gen.stripSpec(dr.spec));

    const same = { ...dr, spec: { ...dr.spec, versions: [dr.spec.versions[0], { ...dr.spec.versions[0], name: 'v1beta1', storage: false }] } };
    expect(gen.moduleCrd(same).bodies).toHaveLength(1);
    expect(gen.expandCrd(gen.moduleCrd(same))).toEqual(gen.stripSpec(same.spec));
  });

  test('is the same bytes whatever the order of keys and documents in the file, and reads back', () => {
    const crds = fixtureCrds();
    const render = (list: Json[]) => gen.renderModule(gen.moduleRelease(list, '1.30', '1.30.3/crds.yaml'), 'npx projen import-crds -- 1.30.3/crds.yaml', 42);
    const text = render(crds);
    expect(render(crds)).toBe(text);
    expect(render([...crds].reverse().map(reverseKeys))).toBe(text);
    expect(text.split('\n')[0]).toBe('// Generated by `npx projen import-crds -- 1.30.3/crds.yaml` (scripts/import-crds.js). Do not edit.');
    const data = gen.parseModule(text);
    expect(data).toEqual(gen.sortKeys(data));
    expect(Object.keys(data.crds)).toEqual(['destinationrules.networking.istio.io', 'wasmplugins.extensions.istio.io']);
    // every leaf of the input but the one description
    const input = new Map<string, string>();
    for (const crd of crds) for (const [p, v] of gen.leaves(crd.spec)) input.set(`${crd.metadata.name}/spec${p}`, v);
    const written = gen.moduleLeaves(data);
    expect([...input.keys()].filter((p) => input.get(p) !== written.get(p))).toEqual(['destinationrules.networking.istio.io/spec/versions/0/additionalPrinterColumns/0/description']);
    expect(written.size).toBe(input.size - 1);
  });

  test.each([['1.30', 'v1_30.generated.ts'], ['1.20', 'v1_20.generated.ts']])('%s: the committed module is exactly what the generator writes for its data', (_line, file) => {
    const text = readFileSync(join(ROOT, 'src', 'base', 'schemas', file), 'utf8');
    const data = gen.parseModule(text);
    expect(gen.renderModule(data, `npx projen import-crds -- ${data.source}`, gen.moduleLeaves(data).size)).toBe(text);
  });
});

describe('recognising the release', () => {
  const crd = (name: string, versions: string) => ({
    metadata: { name },
    spec: { versions: versions.split(',').map((v) => ({ name: v.replace('*', ''), served: true, storage: v.endsWith('*') })) },
  });
  const common30 = [crd('destinationrules.networking.istio.io', 'v1*,v1alpha3,v1beta1'), crd('authorizationpolicies.security.istio.io', 'v1*,v1beta1')];
  const common20 = [crd('destinationrules.networking.istio.io', 'v1alpha3*,v1beta1'), crd('authorizationpolicies.security.istio.io', 'v1,v1beta1*')];

  test('from the content', () => {
    expect(gen.detectLine([crd('trafficextensions.extensions.istio.io', 'v1alpha1*'), ...common30])).toBe('1.30');
    expect(gen.detectLine(common20)).toBe('1.20');
    expect(gen.detectLine(common30)).toBeUndefined(); // v1 storage without TrafficExtension: a release in between
    expect(gen.detectLine([crd('trafficextensions.extensions.istio.io', 'v1alpha1*'), ...common20])).toBeUndefined();
    expect(gen.detectLine([])).toBeUndefined();
  });

  test('the tag of a path', () => {
    expect(gen.tagFromPath('../shared/istio/1.30.3/crds.yaml')).toBe('1.30.3');
    expect(gen.tagFromPath('/tmp/istio-1.20.3/manifests/charts/base/crds/crd-all.gen.yaml')).toBe('1.20.3');
    expect(gen.tagFromPath('crds.yaml')).toBeUndefined();
  });

  test('YAML that Kubernetes (YAML 1.1) would read differently is refused', () => {
    expect(() => gen.parseYamlDocuments('enum: [yes, no]\n', 'x.yaml')).toThrow(/x\.yaml: a scalar reads differently as YAML 1\.1 and 1\.2/);
    expect(gen.parseYamlDocuments('enum: ["yes", "no"]\n---\n', 'x.yaml')).toEqual([{ enum: ['yes', 'no'] }]);
  });
});

describe('--gateway-api: the Kubernetes Gateway API CRDs', () => {
  const gw = gen as unknown as {
    readGatewayApiInput(args: string[]): { crds: Json[]; leftOut: string[]; bundleVersion: string; line: string };
    gatewayApiRelease(input: Json, source: string): Json;
    gatewayApiSourceLabel(arg: string): string;
    GATEWAY_API_LINES: Record<string, string>;
  };
  // a small CRD of the group, written here (not upstream's), in the shape of the standard channel's files
  const crd = (bundle: string, channel = 'standard', name = 'widgets') => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    api-approved.kubernetes.io: https://github.com/kubernetes-sigs/gateway-api/pull/1
    gateway.networking.k8s.io/bundle-version: ${bundle}
    gateway.networking.k8s.io/channel: ${channel}
    other.example.com/dropped: "x"
  name: ${name}.gateway.networking.k8s.io
spec:
  group: gateway.networking.k8s.io
  names: { kind: Widget, plural: ${name}, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: a widget
        properties:
          spec:
            type: object
            description: its spec
            x-kubernetes-validations: [{ rule: "self.size > 0", message: size must be positive }]
            properties: { size: { type: integer, description: how big } }
`;
  let dir: string;
  beforeEach(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dir = require('fs').mkdtempSync(join(require('os').tmpdir(), 'gw-crds-'));
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const write = (file: string, text: string) => require('fs').writeFileSync(join(dir, file), text);

  test('the lines it knows: v1.5.1 for 1.30, v1.0.0 for 1.20', () => {
    expect(gw.GATEWAY_API_LINES).toEqual({ 'v1.5.1': '1.30', 'v1.0.0': '1.20' });
  });

  test('reads a folder: CRDs of the standard channel; other documents named and left out; descriptions go, CEL and the three annotations stay', () => {
    write('a_widgets.yaml', crd('v1.5.1'));
    write('b_policy.yaml', 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: { name: guard }\nspec: {}\n');
    const input = gw.readGatewayApiInput([dir]);
    expect([input.line, input.bundleVersion, input.crds.length]).toEqual(['1.30', 'v1.5.1', 1]);
    expect(input.leftOut).toEqual(['ValidatingAdmissionPolicy guard (b_policy.yaml): not a CustomResourceDefinition']);
    const release = gw.gatewayApiRelease(input, 'x');
    const entry = release.crds['widgets.gateway.networking.k8s.io'];
    expect(entry.annotations).toEqual({
      'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/1',
      'gateway.networking.k8s.io/bundle-version': 'v1.5.1',
      'gateway.networking.k8s.io/channel': 'standard',
    });
    const schema = gen.expandCrd(entry).versions[0].schema.openAPIV3Schema;
    expect(JSON.stringify(schema)).not.toContain('description');
    expect(schema.properties.spec['x-kubernetes-validations']).toEqual([{ rule: 'self.size > 0', message: 'size must be positive' }]);
    expect([release.bundleVersion, release.channel, release.line]).toEqual(['v1.5.1', 'standard', '1.30']);
  });

  test('refuses the experimental channel, mixed bundles and bundles of no supported line', () => {
    write('a.yaml', crd('v1.5.1', 'experimental'));
    expect(() => gw.readGatewayApiInput([dir])).toThrow(/of the experimental channel; give the standard channel/);
    write('a.yaml', crd('v1.5.1'));
    write('b.yaml', crd('v1.0.0', 'standard', 'gadgets'));
    expect(() => gw.readGatewayApiInput([dir])).toThrow(/several bundle versions \(v1\.5\.1, v1\.0\.0\)/);
    write('b.yaml', '');
    write('a.yaml', crd('v1.3.0'));
    expect(() => gw.readGatewayApiInput([dir])).toThrow(/Gateway API v1\.3\.0 is not the version of a supported Istio line/);
  });

  test('the source label names the module version of a module-cache path', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('fs');
    const standard = join(dir, 'sigs.k8s.io', 'gateway-api@v1.5.1', 'config', 'crd', 'standard');
    fs.mkdirSync(standard, { recursive: true });
    fs.writeFileSync(join(standard, 'a.yaml'), crd('v1.5.1'));
    expect(gw.gatewayApiSourceLabel(standard)).toBe('sigs.k8s.io/gateway-api@v1.5.1/config/crd/standard');
    expect(gw.gatewayApiSourceLabel(join(standard, 'a.yaml'))).toBe('sigs.k8s.io/gateway-api@v1.5.1/config/crd/standard');
    expect(gw.gatewayApiSourceLabel(dir)).toBe(require('path').basename(dir));
  });
});
