#!/usr/bin/env node
// Generates code from Istio CRD YAML files (each an Istio release's `crd-all.gen.yaml`):
//
// - for every file: src/base/schemas/v<major>_<minor>.generated.ts, the release's CustomResourceDefinition
//   specs (schemas, printer columns, subresources, names, versions, ...) without descriptions, keys sorted.
//   IstioCrds.builtIn() emits them. The release line is recognised from the file's content (and checked
//   against a release tag in the path, e.g. `.../1.30.3/crds.yaml`, when there is one);
// - from the file of the default release line (1.30) only: imports/, the L1 bindings (`cdk8s import`).
//   `--schemas-only` leaves imports/ alone.
//
// Usage: npx projen import-crds -- [--schemas-only] <crds.yaml> [<crds.yaml> ...]
// Then it prints, per file, how many leaves of the file's CRD specs (descriptions and metadata left out) the
// generated module holds, and how many of them IstioCrds.builtIn() emits unchanged (loading src/ with tsx).
// The CRD files themselves are input only: they are never copied into this repository.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..');
const SCHEMAS_DIR = path.join(ROOT, 'src', 'base', 'schemas');
const IMPORTS_DIR = path.join(ROOT, 'imports');
/** The release line imports/ is generated from (the library's default Istio version). */
const IMPORTS_LINE = '1.30';
const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

// ---- reading -------------------------------------------------------------------------------------

/** The documents of a YAML text as plain data (empty documents left out); YAML 1.1 and 1.2 must agree. */
function parseYamlDocuments(text, where) {
  const read = (version) => YAML.parseAllDocuments(text, { version }).map((doc, i) => {
    if (doc.errors.length) throw new Error(`${where}: document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}`);
    return doc.toJS({ maxAliasCount: -1 });
  });
  const docs = read('1.2');
  // Kubernetes reads YAML the 1.1 way (yes/no/on/off are booleans): a scalar read differently would change meaning
  if (JSON.stringify(read('1.1')) !== JSON.stringify(docs)) {
    throw new Error(`${where}: a scalar reads differently as YAML 1.1 and 1.2 (quote it)`);
  }
  return docs.filter((d) => d !== null && d !== undefined);
}

/** The CustomResourceDefinitions of a file, checked. */
function readCrdFile(file) {
  const docs = parseYamlDocuments(fs.readFileSync(file, 'utf8'), file);
  if (docs.length === 0) throw new Error(`${file}: no documents`);
  const seen = new Set();
  docs.forEach((d, i) => {
    const name = d && d.metadata && d.metadata.name;
    if (d.apiVersion !== CRD_API_VERSION || d.kind !== 'CustomResourceDefinition' || typeof name !== 'string'
      || !d.spec || !Array.isArray(d.spec.versions) || d.spec.versions.length === 0) {
      throw new Error(`${file}: document ${i + 1} is not an ${CRD_API_VERSION} CustomResourceDefinition with versions`);
    }
    if (seen.has(name)) throw new Error(`${file}: ${name} appears twice`);
    seen.add(name);
  });
  return docs;
}

/** Storage version of a CRD of `crds`, by name (undefined when absent). */
function storageVersion(crds, name) {
  const crd = crds.find((c) => c.metadata.name === name);
  const v = crd && crd.spec.versions.find((x) => x.storage);
  return v && v.name;
}

/**
 * The release line of a CRD file, from its content: 1.30 defines TrafficExtension and stores networking in
 * `v1`; 1.20 has no TrafficExtension and stores networking in `v1alpha3` and security in `v1beta1`.
 */
function detectLine(crds) {
  const has = (name) => crds.some((c) => c.metadata.name === name);
  const networking = storageVersion(crds, 'destinationrules.networking.istio.io');
  if (has('trafficextensions.extensions.istio.io') && networking === 'v1') return '1.30';
  if (!has('trafficextensions.extensions.istio.io') && networking === 'v1alpha3'
    && storageVersion(crds, 'authorizationpolicies.security.istio.io') === 'v1beta1') return '1.20';
  return undefined;
}

/** The last `X.Y.Z` release tag in a path, e.g. `1.30.3` of `../shared/istio/1.30.3/crds.yaml`. */
function tagFromPath(file) {
  const tags = path.resolve(file).match(/\d+\.\d+\.\d+/g);
  return tags ? tags[tags.length - 1] : undefined;
}

/** The release line of a file: its content decides; a tag in the path must agree. */
function releaseLine(file, crds) {
  const line = detectLine(crds);
  if (!line) throw new Error(`${file}: not the CRDs of a release line this library supports (1.20, 1.30)`);
  const tag = tagFromPath(file);
  if (tag && !tag.startsWith(`${line}.`)) throw new Error(`${file}: the path says ${tag}, the content is Istio ${line}`);
  return line;
}

// ---- descriptions ---------------------------------------------------------------------------------

/** Keys of a JSON schema (JSONSchemaProps) whose value maps names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);
/** Keys whose value is a schema or a list of schemas (or a boolean / a string list, left as they are). */
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'additionalItems', 'not', 'allOf', 'anyOf', 'oneOf']);

/** A schema node (or a list of them) without descriptions; everything else (defaults, enums, CEL rules) verbatim. */
function stripSchema(node) {
  if (Array.isArray(node)) return node.map(stripSchema);
  if (node === null || typeof node !== 'object') return node; // true/false of additionalProperties, strings of dependencies
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description') continue;
    if (SCHEMA_MAPS.has(key)) out[key] = mapValues(value, stripSchema);
    else if (SCHEMA_VALUES.has(key)) out[key] = stripSchema(value);
    else if (key === 'externalDocs') out[key] = withoutKey(value, 'description');
    else out[key] = value;
  }
  return out;
}

function mapValues(obj, fn) {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}

function withoutKey(obj, key) {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
}

/** One `spec.versions` entry without descriptions (in its schema and its printer columns). */
function stripVersion(version) {
  const out = { ...version };
  if (out.schema && out.schema.openAPIV3Schema) out.schema = { ...out.schema, openAPIV3Schema: stripSchema(out.schema.openAPIV3Schema) };
  if (Array.isArray(out.additionalPrinterColumns)) out.additionalPrinterColumns = out.additionalPrinterColumns.map((c) => withoutKey(c, 'description'));
  return out;
}

/** A CRD's `spec` without descriptions. */
function stripSpec(spec) {
  return { ...spec, versions: spec.versions.map(stripVersion) };
}

// ---- the generated module -------------------------------------------------------------------------

/** `value` with every object's keys sorted (arrays keep their order). */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
  return out;
}

/**
 * One CRD for the generated module: `spec` without `versions`, the distinct version bodies (all of a version
 * but name, served and storage) and the versions pointing at them. Multi-version Istio CRDs repeat the same
 * schema on every version; keeping it once keeps the module small.
 */
function moduleCrd(crd) {
  const { versions, ...spec } = stripSpec(crd.spec);
  const bodies = [];
  const index = new Map();
  const refs = versions.map(({ name, served, storage, ...body }) => {
    const key = JSON.stringify(sortKeys(body));
    if (!index.has(key)) {
      index.set(key, bodies.length);
      bodies.push(body);
    }
    return { body: index.get(key), name, served, storage };
  });
  return sortKeys({ bodies, spec, versions: refs });
}

/** The generated module's data for a release: every CRD by name (sorted), the line and the source label. */
function moduleRelease(crds, line, source) {
  const byName = {};
  for (const crd of [...crds].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) byName[crd.metadata.name] = moduleCrd(crd);
  return { crds: byName, line, source };
}

/** The full `spec` of a module CRD (what src/base/schemas/index.ts rebuilds at synth). */
function expandCrd(entry) {
  return { ...entry.spec, versions: entry.versions.map((v) => ({ ...entry.bodies[v.body], name: v.name, served: v.served, storage: v.storage })) };
}

const MODULE_MARKER = 'export const RELEASE: UpstreamCrdRelease = ';

/** The text of a generated module. */
function renderModule(release, command, leafCount) {
  const n = Object.keys(release.crds).length;
  return [
    `// Generated by \`${command}\` (scripts/import-crds.js). Do not edit.`,
    'import type { UpstreamCrdRelease } from \'./types\';',
    '',
    '/**',
    ` * The CustomResourceDefinitions of Istio ${release.line} as \`${release.source}\` defines them, without`,
    ` * descriptions and metadata: ${n} CRDs, ${leafCount.toLocaleString('en-US')} leaves. Read through ./index.ts.`,
    ' */',
    // One JSON text parsed at load: V8 parses JSON faster and with less memory than an object literal this size.
    `${MODULE_MARKER}JSON.parse(${JSON.stringify(JSON.stringify(release))});`,
    '',
  ].join('\n');
}

/** The data of a generated module's text (the inverse of renderModule). */
function parseModule(text) {
  const start = text.indexOf(MODULE_MARKER);
  if (start < 0) throw new Error('not a generated CRD module');
  const literal = text.slice(start + MODULE_MARKER.length).replace(/;\s*$/, '');
  const m = /^JSON\.parse\(([\s\S]*)\)$/.exec(literal);
  return JSON.parse(m ? JSON.parse(m[1]) : literal);
}

/** File name of a line's module, e.g. `v1_30.generated.ts`. */
function moduleFile(line) {
  return `v${line.replace('.', '_')}.generated.ts`;
}

// ---- leaves -----------------------------------------------------------------------------------------

/** Every leaf (scalar, empty object, empty list) of `value` by JSON pointer, its value as JSON text. */
function leaves(value, pointer = '', out = new Map()) {
  const isObject = value !== null && typeof value === 'object';
  const keys = isObject ? Object.keys(value) : [];
  if (keys.length === 0) {
    out.set(pointer, JSON.stringify(value));
    return out;
  }
  for (const k of keys) leaves(value[k], `${pointer}/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  return out;
}

/** How many leaves of `expected` `actual` has with the same value, and how many `actual` has beyond them. */
function compareLeaves(expected, actual) {
  let equal = 0;
  for (const [p, v] of expected) if (actual.get(p) === v) equal++;
  let extra = 0;
  for (const p of actual.keys()) if (!expected.has(p)) extra++;
  return { equal, extra, total: expected.size };
}

/** Leaves of every CRD's spec of a file, descriptions left out, keyed `<crd name>/spec<pointer>`. */
function inputLeaves(crds, strip) {
  const out = new Map();
  for (const crd of crds) {
    for (const [p, v] of leaves(strip ? stripSpec(crd.spec) : crd.spec)) out.set(`${crd.metadata.name}/spec${p}`, v);
  }
  return out;
}

/** Leaves of the specs in a generated module's data. */
function moduleLeaves(release) {
  const out = new Map();
  for (const [name, entry] of Object.entries(release.crds)) {
    for (const [p, v] of leaves(expandCrd(entry))) out.set(`${name}/spec${p}`, v);
  }
  return out;
}

let tsxRegistered = false;

/** Leaves of the CRD specs IstioCrds.builtIn() emits for `line` (src/ loaded with tsx). */
function builtInLeaves(line) {
  if (!tsxRegistered) {
    require('tsx/cjs/api').register();
    tsxRegistered = true;
  }
  const { Testing } = require('cdk8s');
  const { IstioBase } = require(path.join(ROOT, 'src', 'base'));
  const { IstioVersion } = require(path.join(ROOT, 'src', 'version'));
  const version = [IstioVersion.V1_30_3, IstioVersion.V1_20_3].find((v) => v.line === line);
  const chart = Testing.chart();
  new IstioBase(chart, 'base', { version });
  const out = new Map();
  for (const crd of Testing.synth(chart).filter((o) => o.kind === 'CustomResourceDefinition')) {
    for (const [p, v] of leaves(crd.spec)) out.set(`${crd.metadata.name}/spec${p}`, v);
  }
  return out;
}

const pct = (a, b) => (b === 0 ? '100.00' : ((100 * a) / b).toFixed(2));
const n = (x) => x.toLocaleString('en-US');

/** Only the leaves of `map` below the CRDs named in `names`. */
function onlyCrds(map, names) {
  return new Map([...map].filter(([p]) => names.has(p.slice(0, p.indexOf('/')))));
}

/** Leaves of `map` inside an openAPIV3Schema. */
function schemaOnly(map) {
  return new Map([...map].filter(([p]) => p.includes('/schema/openAPIV3Schema/')));
}

// ---- imports/ ---------------------------------------------------------------------------------------

/** Regenerates imports/ from `file` (cdk8s import into a scratch folder, header added, then swapped in). */
function regenerateImports(file, command) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'import-crds-'));
  try {
    const out = path.join(scratch, 'imports');
    execFileSync(
      path.join(ROOT, 'node_modules', '.bin', 'cdk8s'),
      ['import', path.resolve(file), '--output', out, '--language', 'typescript', '--no-save', '--check-upgrade=false'],
      { stdio: 'inherit', cwd: ROOT, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } },
    );
    const header = `// Generated by \`${command}\`. Do not edit.\n`;
    for (const f of fs.readdirSync(out)) fs.writeFileSync(path.join(out, f), header + fs.readFileSync(path.join(out, f), 'utf8'));
    // the Istio bindings are replaced; other generated bindings (the Gateway API's, `--gateway-api`) stay
    fs.mkdirSync(IMPORTS_DIR, { recursive: true });
    for (const f of fs.readdirSync(IMPORTS_DIR)) if (f.endsWith('.istio.io.ts')) fs.rmSync(path.join(IMPORTS_DIR, f));
    fs.cpSync(out, IMPORTS_DIR, { recursive: true });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`imports/ (from ${file}): ${fs.readdirSync(IMPORTS_DIR).sort().join(', ')}`);
}

// ---- main ---------------------------------------------------------------------------------------------

/** `<release folder>/<file name>`, as the generated headers name their source. */
function sourceLabel(file) {
  return `${path.basename(path.dirname(path.resolve(file)))}/${path.basename(file)}`;
}

/** Writes a release's module and prints what it holds against the file; returns the module's leaves. */
function writeSchemas(file, crds, line) {
  const source = sourceLabel(file);
  const release = moduleRelease(crds, line, source);
  const expected = inputLeaves(crds, true);
  const target = path.join(SCHEMAS_DIR, moduleFile(line));
  fs.mkdirSync(SCHEMAS_DIR, { recursive: true });
  fs.writeFileSync(target, renderModule(release, `npx projen import-crds -- ${source}`, expected.size));
  // read back what was written
  const written = moduleLeaves(parseModule(fs.readFileSync(target, 'utf8')));
  const raw = inputLeaves(crds, false);
  const all = compareLeaves(expected, written);
  const schema = compareLeaves(schemaOnly(expected), schemaOnly(written));
  console.log(`${path.relative(ROOT, target)} (Istio ${line}, from ${file}): ${crds.length} CRDs, ${n(fs.statSync(target).size)} bytes`);
  console.log(`  input: ${n(raw.size)} spec leaves, ${n(raw.size - expected.size)} of them descriptions`);
  console.log(`  written: ${n(all.equal)} / ${n(all.total)} spec leaves equal (${pct(all.equal, all.total)}%), ${n(all.extra)} extra;`
    + ` schema leaves ${n(schema.equal)} / ${n(schema.total)} (${pct(schema.equal, schema.total)}%)`);
  return { expected, ok: all.equal === all.total && all.extra === 0 };
}

/** Prints how many of the file's leaves IstioCrds.builtIn() emits unchanged; false on any difference. */
function checkBuiltIn(line, crds, expected) {
  const names = new Set(crds.map((c) => c.metadata.name));
  const emitted = builtInLeaves(line);
  const emittedNames = new Set([...emitted.keys()].map((p) => p.slice(0, p.indexOf('/'))));
  const all = compareLeaves(expected, onlyCrds(emitted, names));
  const schema = compareLeaves(schemaOnly(expected), schemaOnly(onlyCrds(emitted, names)));
  console.log(`  IstioCrds.builtIn() at ${line}: ${n(all.equal)} / ${n(all.total)} spec leaves equal (${pct(all.equal, all.total)}%), ${n(all.extra)} extra;`
    + ` schema leaves ${n(schema.equal)} / ${n(schema.total)} (${pct(schema.equal, schema.total)}%)`);
  const missing = [...names].filter((x) => !emittedNames.has(x));
  const notInFile = [...emittedNames].filter((x) => !names.has(x));
  if (missing.length) console.log(`  not emitted by IstioCrds.builtIn(): ${missing.join(', ')}`);
  if (notInFile.length) console.log(`  emitted but not in the file (spec from src/base/schemas): ${notInFile.join(', ')}`);
  return all.equal === all.total && all.extra === 0 && missing.length === 0;
}

function parseArgs(argv) {
  const args = argv.filter((a) => a !== '--');
  const schemasOnly = args.includes('--schemas-only');
  const gatewayApi = args.includes('--gateway-api');
  const files = args.filter((a) => a !== '--schemas-only' && a !== '--gateway-api');
  const unknown = files.filter((a) => a.startsWith('--'));
  if (unknown.length || files.length === 0) {
    console.error('usage: npx projen import-crds -- [--schemas-only] <path/to/crds.yaml> [<path/to/crds.yaml> ...]');
    console.error('       npx projen import-crds -- --gateway-api [--schemas-only] <gateway-api module>/config/crd/standard [...]');
    process.exit(2);
  }
  for (const f of files) {
    if (!fs.existsSync(f)) {
      console.error(`import-crds: no such file: ${f}`);
      process.exit(2);
    }
  }
  return { files, schemasOnly, gatewayApi };
}

function main(argv) {
  const { files, schemasOnly, gatewayApi } = parseArgs(argv);
  if (gatewayApi) {
    gatewayApiMain(files, schemasOnly);
    return;
  }
  const inputs = files.map((file) => {
    const crds = readCrdFile(file);
    return { file, crds, line: releaseLine(file, crds) };
  });
  const lines = inputs.map((i) => i.line);
  const twice = lines.find((l, i) => lines.indexOf(l) !== i);
  if (twice) throw new Error(`two files of Istio ${twice}: give one file per release line`);
  let ok = true;
  for (const { file, crds, line } of inputs) {
    const written = writeSchemas(file, crds, line);
    ok = checkBuiltIn(line, crds, written.expected) && written.ok && ok;
  }
  const forImports = inputs.find((i) => i.line === IMPORTS_LINE);
  if (schemasOnly) console.log('imports/ left as it is (--schemas-only)');
  else if (forImports) regenerateImports(forImports.file, `npx projen import-crds -- ${sourceLabel(forImports.file)}`);
  else console.log(`imports/ left as it is: it is generated from the Istio ${IMPORTS_LINE} file only`);
  if (!ok) {
    console.error('import-crds: the generated CRDs differ from the input (see above)');
    process.exitCode = 1;
  }
}

// ---- Kubernetes Gateway API (`--gateway-api`) -------------------------------------------------------------
//
// The standard channel CRDs of `sigs.k8s.io/gateway-api` at the version an Istio release line is built against
// (istio's go.mod): v1.5.1 for 1.30, v1.0.x for 1.20. Input: the module's `config/crd/standard` folder (or its
// files) from the Go module cache, e.g.
//   npx projen import-crds -- --gateway-api "$(go mod download -json sigs.k8s.io/gateway-api@v1.5.1 | jq -r .Dir)/config/crd/standard"
// Output: src/base/schemas/gateway-api-v<line>.generated.ts (specs without descriptions, plus the CRDs' own
// annotations: the API approval, bundle version and channel), and, from the 1.30 input, the L1 bindings
// imports/gateway.networking.k8s.io.ts (the other files of imports/ are left alone). Documents that are not CRDs
// (v1.5's ValidatingAdmissionPolicy `safe-upgrades`) are named and left out.

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** The Gateway API bundle version (the CRDs' `gateway.networking.k8s.io/bundle-version`) of each Istio line. */
const GATEWAY_API_LINES = { 'v1.5.1': '1.30', 'v1.0.0': '1.20' };
/** CRD annotations the generated module keeps. */
const GATEWAY_API_ANNOTATIONS = ['api-approved.kubernetes.io', 'gateway.networking.k8s.io/bundle-version', 'gateway.networking.k8s.io/channel'];

/** The YAML files of an argument: a file, or every `*.yaml` of a folder (sorted). */
function yamlFiles(arg) {
  if (!fs.statSync(arg).isDirectory()) return [arg];
  return fs.readdirSync(arg).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(arg, f));
}

/** The Gateway API CRDs of the given files or folders (one bundle version, standard channel), and what was left out. */
function readGatewayApiInput(args) {
  const crds = [];
  const leftOut = [];
  for (const file of args.flatMap(yamlFiles)) {
    for (const d of parseYamlDocuments(fs.readFileSync(file, 'utf8'), file)) {
      if (d.apiVersion !== CRD_API_VERSION || d.kind !== 'CustomResourceDefinition') {
        leftOut.push(`${d.kind} ${d.metadata && d.metadata.name} (${path.basename(file)}): not a CustomResourceDefinition`);
        continue;
      }
      if (!d.spec || d.spec.group !== GATEWAY_API_GROUP || !Array.isArray(d.spec.versions)) {
        throw new Error(`${file}: ${d.metadata && d.metadata.name} is not a ${GATEWAY_API_GROUP} CRD with versions`);
      }
      const ann = (d.metadata && d.metadata.annotations) || {};
      if (ann['gateway.networking.k8s.io/channel'] !== 'standard') {
        throw new Error(`${file}: ${d.metadata.name} is of the ${ann['gateway.networking.k8s.io/channel']} channel; give the standard channel (config/crd/standard)`);
      }
      if (crds.some((c) => c.metadata.name === d.metadata.name)) throw new Error(`${file}: ${d.metadata.name} appears twice`);
      crds.push(d);
    }
  }
  if (crds.length === 0) throw new Error(`no ${GATEWAY_API_GROUP} CRDs in ${args.join(', ')}`);
  const bundles = [...new Set(crds.map((c) => c.metadata.annotations['gateway.networking.k8s.io/bundle-version']))];
  if (bundles.length !== 1) throw new Error(`the CRDs are of several bundle versions (${bundles.join(', ')}): give one version's folder`);
  const line = GATEWAY_API_LINES[bundles[0]];
  if (!line) throw new Error(`Gateway API ${bundles[0]} is not the version of a supported Istio line (${Object.entries(GATEWAY_API_LINES).map(([v, l]) => `${v} for ${l}`).join(', ')})`);
  return { crds, leftOut, bundleVersion: bundles[0], line };
}

/** `sigs.k8s.io/gateway-api@<version>/config/crd/standard` when the path is in the module cache, else the folder name. */
function gatewayApiSourceLabel(arg) {
  const abs = path.resolve(arg);
  const m = /(sigs\.k8s\.io\/gateway-api@[^/]+)(\/.*)?$/.exec(abs);
  return m ? `${m[1]}${fs.statSync(abs).isDirectory() ? (m[2] || '') : path.dirname(m[2] || '')}` : path.basename(abs);
}

/** The generated module's data: the CRDs by name, each with its kept annotations. */
function gatewayApiRelease(input, source) {
  const release = moduleRelease(input.crds, input.line, source);
  for (const crd of input.crds) {
    const ann = crd.metadata.annotations;
    release.crds[crd.metadata.name].annotations = Object.fromEntries(GATEWAY_API_ANNOTATIONS.filter((k) => ann[k] !== undefined).map((k) => [k, ann[k]]));
  }
  return sortKeys({ ...release, bundleVersion: input.bundleVersion, channel: 'standard' });
}

const GATEWAY_API_MARKER = 'export const RELEASE: GatewayApiCrdRelease = ';

function renderGatewayApiModule(release, command, leafCount) {
  const n = Object.keys(release.crds).length;
  return [
    `// Generated by \`${command}\` (scripts/import-crds.js). Do not edit.`,
    'import type { GatewayApiCrdRelease } from \'./types\';',
    '',
    '/**',
    ` * The Kubernetes Gateway API CRDs (standard channel, bundle ${release.bundleVersion}) for Istio ${release.line}, as`,
    ` * \`${release.source}\` defines them, without descriptions: ${n} CRDs, ${leafCount.toLocaleString('en-US')} spec leaves.`,
    ' * Read through ./index.ts.',
    ' */',
    `${GATEWAY_API_MARKER}JSON.parse(${JSON.stringify(JSON.stringify(release))});`,
    '',
  ].join('\n');
}

/** File name of a line's Gateway API module, e.g. `gateway-api-v1_30.generated.ts`. */
function gatewayApiModuleFile(line) {
  return `gateway-api-v${line.replace('.', '_')}.generated.ts`;
}

/** Leaves of the Gateway API CRDs IstioBase emits with `gatewayApi: true` at `line` (src/ loaded with tsx). */
function builtInGatewayApiLeaves(line) {
  if (!tsxRegistered) {
    require('tsx/cjs/api').register();
    tsxRegistered = true;
  }
  const { Testing } = require('cdk8s');
  const { IstioBase } = require(path.join(ROOT, 'src', 'base'));
  const { IstioVersion } = require(path.join(ROOT, 'src', 'version'));
  const version = [IstioVersion.V1_30_3, IstioVersion.V1_20_3].find((v) => v.line === line);
  const chart = Testing.chart();
  new IstioBase(chart, 'base', { version, gatewayApi: true });
  const out = new Map();
  for (const crd of Testing.synth(chart).filter((o) => o.kind === 'CustomResourceDefinition' && o.spec.group === GATEWAY_API_GROUP)) {
    for (const [p, v] of leaves(crd.spec)) out.set(`${crd.metadata.name}/spec${p}`, v);
    for (const k of GATEWAY_API_ANNOTATIONS) out.set(`${crd.metadata.name}/annotations/${k}`, JSON.stringify(crd.metadata.annotations && crd.metadata.annotations[k]));
  }
  return out;
}

/** Regenerates imports/gateway.networking.k8s.io.ts only (cdk8s import of the CRDs, in a scratch folder). */
function regenerateGatewayApiImports(crds, command) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'import-gateway-api-'));
  try {
    const input = path.join(scratch, 'gateway-api-crds.yaml');
    fs.writeFileSync(input, crds.map((c) => `---\n${YAML.stringify(c, { lineWidth: 0 })}`).join(''));
    const out = path.join(scratch, 'imports');
    execFileSync(
      path.join(ROOT, 'node_modules', '.bin', 'cdk8s'),
      ['import', input, '--output', out, '--language', 'typescript', '--no-save', '--check-upgrade=false'],
      { stdio: 'inherit', cwd: ROOT, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } },
    );
    const file = `${GATEWAY_API_GROUP}.ts`;
    const header = `// Generated by \`${command}\`. Do not edit.\n`;
    fs.writeFileSync(path.join(IMPORTS_DIR, file), header + fs.readFileSync(path.join(out, file), 'utf8'));
    console.log(`imports/${file} (${n(fs.statSync(path.join(IMPORTS_DIR, file)).size)} bytes)`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function gatewayApiMain(args, schemasOnly) {
  const inputs = args.map((arg) => ({ arg, ...readGatewayApiInput([arg]) }));
  let ok = true;
  for (const input of inputs) {
    const source = gatewayApiSourceLabel(input.arg);
    const command = `npx projen import-crds -- --gateway-api ${source}`;
    const expected = inputLeaves(input.crds, true);
    for (const crd of input.crds) {
      for (const k of GATEWAY_API_ANNOTATIONS) expected.set(`${crd.metadata.name}/annotations/${k}`, JSON.stringify(crd.metadata.annotations[k]));
    }
    const specLeaves = inputLeaves(input.crds, true).size;
    const target = path.join(SCHEMAS_DIR, gatewayApiModuleFile(input.line));
    fs.writeFileSync(target, renderGatewayApiModule(gatewayApiRelease(input, source), command, specLeaves));
    const written = parseModule(fs.readFileSync(target, 'utf8').replace(GATEWAY_API_MARKER, MODULE_MARKER));
    const writtenLeaves = moduleLeaves(written);
    const all = compareLeaves(inputLeaves(input.crds, true), writtenLeaves);
    const raw = inputLeaves(input.crds, false);
    console.log(`${path.relative(ROOT, target)} (Gateway API ${input.bundleVersion} for Istio ${input.line}, from ${source}): ${input.crds.length} CRDs`
      + ` (${input.crds.map((c) => c.spec.names.kind).join(', ')}), ${n(fs.statSync(target).size)} bytes`);
    console.log(`  input: ${n(raw.size)} spec leaves, ${n(raw.size - specLeaves)} of them descriptions`);
    console.log(`  written: ${n(all.equal)} / ${n(all.total)} spec leaves equal (${pct(all.equal, all.total)}%), ${n(all.extra)} extra`);
    for (const l of input.leftOut) console.log(`  left out: ${l}`);
    const emitted = builtInGatewayApiLeaves(input.line);
    const built = compareLeaves(expected, emitted);
    console.log(`  IstioBase gatewayApi at ${input.line}: ${n(built.equal)} / ${n(built.total)} spec and annotation leaves equal (${pct(built.equal, built.total)}%), ${n(built.extra)} extra`);
    ok = ok && all.equal === all.total && all.extra === 0 && built.equal === built.total && built.extra === 0;
    if (input.line === IMPORTS_LINE && !schemasOnly) regenerateGatewayApiImports(input.crds, command);
  }
  if (!ok) {
    console.error('import-crds: the generated Gateway API CRDs differ from the input (see above)');
    process.exitCode = 1;
  }
}

module.exports = {
  detectLine, tagFromPath, stripSchema, stripSpec, sortKeys, moduleCrd, moduleRelease, expandCrd, renderModule,
  parseModule, leaves, moduleLeaves, compareLeaves, parseYamlDocuments,
  readGatewayApiInput, gatewayApiRelease, gatewayApiSourceLabel, GATEWAY_API_LINES,
};

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`import-crds: ${e.message}`);
    process.exit(1);
  }
}
