/** Reading manifests: YAML files (multi-document), directories, `kind: List` documents. */
import * as fs from 'fs';
import * as path from 'path';
import { yaml } from '../yaml';
import { AnalyzerMeshConfig, AnalyzerMeshNetworks, ManifestObject, SourcedObject } from './types';

/** The objects of one parsed document: the document itself, or the items of a `kind: List`. */
export function expandDocument(doc: unknown): ManifestObject[] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [];
  const o = doc as ManifestObject;
  // kustomize's own files (kustomization.yaml, components) are build instructions, not cluster objects
  if (typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kustomize.config.k8s.io/')) return [];
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
    return (o.items as unknown[]).flatMap(expandDocument);
  }
  return [o];
}

/** A YAML file that could not be read or parsed. */
export class ManifestReadError extends Error {
  public constructor(public readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ManifestReadError';
  }
}

/** Parses YAML text with any number of documents; throws ManifestReadError on a syntax error. */
export function parseManifestText(text: string, file: string): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const doc of yaml().parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ManifestReadError(file, doc.errors[0].message.split('\n')[0]);
    for (const object of expandDocument(doc.toJS())) out.push({ object, file });
  }
  return out;
}

/**
 * The files to read for the given paths: files as given; directories searched recursively for
 * `*.yaml`/`*.yml`, sorted. Throws ManifestReadError for a path that does not exist.
 */
export function collectFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const names = fs.readdirSync(dir).sort();
    for (const n of names) {
      const p = path.join(dir, n);
      const st = fs.statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/\.ya?ml$/i.test(n)) out.push(p);
    }
  };
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new ManifestReadError(p, 'no such file or directory');
    }
    if (st.isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}

/** Reads and parses every file. */
export function loadFiles(files: readonly string[]): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf-8');
    } catch (e) {
      throw new ManifestReadError(f, (e as Error).message);
    }
    out.push(...parseManifestText(text, f));
  }
  return out;
}

/**
 * Reads a mesh config as `istioctl analyze --meshConfigFile` does: a MeshConfig YAML document, or the `istio`
 * ConfigMap (its `mesh` key). Throws ManifestReadError when the file cannot be read or is not one of these.
 */
export function readMeshConfigFile(file: string): AnalyzerMeshConfig {
  return readConfigFile(file, 'mesh') as AnalyzerMeshConfig;
}

/** Reads mesh networks (`networks: ...`), or the `istio` ConfigMap's `meshNetworks` key. */
export function readMeshNetworksFile(file: string): AnalyzerMeshNetworks {
  return readConfigFile(file, 'meshNetworks') as AnalyzerMeshNetworks;
}

function readConfigFile(file: string, key: string): object {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    throw new ManifestReadError(file, (e as Error).message);
  }
  const doc = yaml().parseDocument(text);
  if (doc.errors.length > 0) throw new ManifestReadError(file, doc.errors[0].message.split('\n')[0]);
  const value = doc.toJS() as unknown;
  const parsed = configMapValue(value, key, file) ?? value ?? {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ManifestReadError(file, `not a YAML map`);
  return parsed as object;
}

/**
 * The parsed YAML text under `data[key]` when `value` is a ConfigMap (undefined when it is not one, or it
 * has no such key).
 */
export function configMapValue(value: unknown, key: string, file = '<input>'): object | undefined {
  if (value === null || typeof value !== 'object' || (value as ManifestObject).kind !== 'ConfigMap') return undefined;
  const text = ((value as ManifestObject).data as Record<string, unknown> | undefined)?.[key];
  if (typeof text !== 'string') return undefined;
  const doc = yaml().parseDocument(text);
  if (doc.errors.length > 0) throw new ManifestReadError(file, `data.${key}: ${doc.errors[0].message.split('\n')[0]}`);
  const v = doc.toJS() as unknown;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}
