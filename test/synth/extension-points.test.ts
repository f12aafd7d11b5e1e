/**
 * The library works through cdk8s's extension points only: construct validations (`node.addValidation`)
 * for the analyzer, subclasses for its objects, an explicit function for the lean synthesis. Nothing in
 * src/ assigns to a method of cdk8s or constructs, and synthesis leaves the app's and the objects' methods
 * as cdk8s made them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, ApiObjectMetadataDefinition, App, Chart } from 'cdk8s';
import { Construct, Node } from 'constructs';
import { buildExampleApp } from '../../src/charts';
import { MeshAnalyzer } from '../../src/analyzer';
import { IngressGateway, IstioBase, Istiod, synthYaml } from '../../src';

const SRC = path.resolve(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts') ? [p] : [];
  });
}

/**
 * Names of the methods of cdk8s's and constructs' classes (own and inherited; accessors such as
 * `Chart.labels` are left out, since plain objects have fields of those names).
 */
function methodNames(): string[] {
  const names = new Set<string>();
  const classes: Array<{ prototype: object } & object> = [App, Chart, ApiObject, ApiObjectMetadataDefinition, Construct, Node];
  for (const cls of classes) {
    for (let proto: object | null = cls.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const n of Object.getOwnPropertyNames(proto)) {
        if (n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, n)?.value === 'function') names.add(n);
      }
    }
    for (const n of Object.getOwnPropertyNames(cls)) {
      if (typeof (cls as Record<string, unknown>)[n] === 'function') names.add(n);
    }
  }
  return [...names].sort();
}

describe('no method of cdk8s is replaced', () => {
  test('no source file assigns to a cdk8s or constructs method, defines one on an object or edits a prototype', () => {
    const names = methodNames();
    expect(names).toEqual(expect.arrayContaining(['synth', 'synthYaml', 'toJson', 'addJsonPatch', 'validate', 'addValidation']));
    const alternatives = names.map((n) => n.replace(/[$]/g, '\\$')).join('|');
    const patterns = [
      // obj.synth = ..., obj.toJson = ...   (not ==, ===, =>)
      new RegExp(`\\.(?:${alternatives})\\s*=(?![=>])`),
      // obj['toJson'] = ...
      new RegExp(`\\[\\s*['"\`](?:${alternatives})['"\`]\\s*\\]\\s*=(?![=>])`),
      // Object.defineProperty(obj, 'toJson', ...) / Reflect.set / Object.assign onto a prototype
      new RegExp(`(?:defineProperty|Reflect\\.set)\\([^,]+,\\s*['"\`](?:${alternatives})['"\`]`),
      /\.prototype\s*(?:\.\w+|\[[^\]]+\])\s*=(?![=>])/,
      /Object\.(?:assign|setPrototypeOf)\(\s*\w+\.prototype/,
    ];
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const hits: string[] = [];
    for (const file of files) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        if (/^\s*\*/.test(code)) return; // doc comments
        if (patterns.some((p) => p.test(code))) hits.push(`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });

  test('the pattern catches what it is meant to catch', () => {
    // the same check on the shapes the library used to have, so a regression is caught
    const names = methodNames();
    const alternatives = names.join('|');
    const assign = new RegExp(`\\.(?:${alternatives})\\s*=(?![=>])`);
    const define = new RegExp(`(?:defineProperty|Reflect\\.set)\\([^,]+,\\s*['"\`](?:${alternatives})['"\`]`);
    expect(assign.test('app.synth = () => inSession(synth);')).toBe(true);
    expect(assign.test('app.synthYaml = () => x;')).toBe(true);
    expect(define.test("Object.defineProperty(o, 'toJson', { value: () => json })")).toBe(true);
    expect(assign.test('if (a.toJson === b) {}')).toBe(false);
    expect(assign.test('const f = (x) => x.node;')).toBe(false);
  });

  test('after synthesis (app.synth, app.synthYaml, synthYaml) the app and its objects keep the methods cdk8s gave them', () => {
    const app = buildExampleApp();
    app.synthYaml();
    synthYaml(app);
    for (const n of ['synth', 'synthYaml']) expect(Object.prototype.hasOwnProperty.call(app, n)).toBe(false);
    const objects = app.node.findAll().filter(ApiObject.isApiObject);
    expect(objects.length).toBeGreaterThan(120);
    for (const o of objects) {
      expect(Object.prototype.hasOwnProperty.call(o, 'toJson')).toBe(false);
      // rendered by cdk8s: ApiObject's own toJson, or a generated L1 class's (which calls it and renames fields)
      const owner = ownerOf(o, 'toJson');
      expect([ApiObject, ...generatedClasses()]).toContain(owner);
    }
  });

  test('the analyzer is a construct validation under the app root', () => {
    const app = new App();
    const chart = new Chart(app, 'istio');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base') });
    new IngressGateway(chart, 'ingress', { istiod });
    const analyzer = MeshAnalyzer.of(app)!;
    expect(analyzer.node.scope).toBe(app);
    expect(analyzer.node.validate()).toEqual([]);
  });
});

/** The class whose prototype defines `method` for `o`. */
function ownerOf(o: object, method: string): unknown {
  for (let p = Object.getPrototypeOf(o); p; p = Object.getPrototypeOf(p)) {
    if (Object.prototype.hasOwnProperty.call(p, method)) return p.constructor;
  }
  return undefined;
}

let generated: unknown[] | undefined;
/** Every class of the generated Istio bindings in imports/. */
function generatedClasses(): unknown[] {
  /* eslint-disable @typescript-eslint/no-require-imports */
  generated ??= ['networking', 'security', 'telemetry', 'extensions'].flatMap((g) => {
    const file = path.resolve(__dirname, '..', '..', 'imports', `${g}.istio.io`);
    if (!fs.existsSync(`${file}.ts`)) return [];
    return Object.values(require(file) as Record<string, unknown>).filter((v) => typeof v === 'function');
  });
  /* eslint-enable @typescript-eslint/no-require-imports */
  return generated;
}
