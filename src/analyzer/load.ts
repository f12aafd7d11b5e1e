/** Reading manifests: YAML files (multi-document), directories, `kind: List` documents. */
import * as fs from 'fs';
import * as path from 'path';
import { yaml } from '../yaml';
import { ManifestObject, SourcedObject } from './types';

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
