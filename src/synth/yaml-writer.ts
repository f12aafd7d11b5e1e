/**
 * A lean YAML writer for synthesized Kubernetes objects: the same bytes as cdk8s's `Yaml.stringify`
 * (the `yaml` package with `{ keepUndefined: true, lineWidth: 0, version: '1.1' }`), without building
 * the package's document tree first.
 *
 * `yaml.stringify` turns every value into a node object, then every node into text. For a control plane
 * that is tens of thousands of short-lived objects, and enough hot code that V8's optimising compiler
 * runs on it, which is what most of the memory of a small synth goes to. This writer walks the plain
 * JSON once and appends text.
 *
 * It covers the shapes Kubernetes objects have: maps with string keys, lists, strings, finite numbers,
 * booleans and null. For a value whose rendering it is not certain of (control characters, a multi-line
 * string ending in blank space, an anchor-worthy repeated object, a key that is not a plain or simply
 * quoted scalar, ...) it hands that whole document to `yaml.stringify` with cdk8s's options, so the
 * output is always the `yaml` package's own. Tests compare the two on every object the library
 * synthesizes and on generated values.
 *
 * @internal
 */
import { yaml, yamlVersion } from '../yaml';

/** The options cdk8s passes to `yaml.stringify` for every document (cdk8s `Yaml.stringify`). */
export const CDK8S_YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

/**
 * The `yaml` releases whose rules the writer follows (checked against 2.9.1). With another release (a
 * cdk8s that bundles a newer copy) every document goes to the package, so the bytes stay the package's.
 */
export const WRITER_YAML_RELEASES = /^2\.9\./;

let writerApplies: boolean | undefined;

/** Whether the `yaml` copy in use is one whose rules the writer follows. */
export function writerMatchesYaml(): boolean {
  writerApplies ??= WRITER_YAML_RELEASES.test(yamlVersion() ?? '');
  return writerApplies;
}

/** Thrown inside the writer when a document needs the `yaml` package. */
class NeedsYamlPackage extends Error {}

const BAIL = new NeedsYamlPackage('needs the yaml package');

/**
 * Characters the `yaml` package always writes in double quotes with escapes (C0/C1 control characters
 * other than tab and newline, DEL, and lone surrogates): left to the package.
 */
const ESCAPED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{d800}-\u{dfff}]/u;

/**
 * Strings that cannot be plain scalars because of where their indicators or spaces are: a leading
 * indicator or blank, a lone or space-followed `-`/`?`, `: `, a blank before a newline or a `#`, or a
 * trailing blank or colon. (The YAML grammar's plain-scalar rules, as the `yaml` package applies them.)
 */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;

/** A line starting with `%`, `---` or `...` reads as a directive or a document marker. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

/**
 * The package writes a key whose text (quotes and escapes included) is longer than 1024 characters as
 * an explicit `? key`; keys whose text comes near that are left to it.
 */
const MAX_KEY_TEXT = 1000;

let resolvesToOtherType: ((s: string) => boolean) | undefined;

/**
 * Whether a plain scalar `s` would read back as something other than a string under YAML 1.1 (null,
 * a boolean such as `yes`/`on`, an octal or sexagesimal number, a timestamp, ...). The tests come from
 * the `yaml` package's own 1.1 schema, so the writer quotes exactly what the package quotes.
 */
function readsAsOtherType(s: string): boolean {
  if (!resolvesToOtherType) {
    const schema = new (yaml().Document)(null, { version: '1.1' }).schema;
    const tests: RegExp[] = [];
    for (const tag of [...schema.tags, ...(schema.compat ?? [])]) {
      const test = (tag as { test?: unknown }).test;
      // The merge key `<<` is left out: the package writes the string '<<' through the merge tag, plain.
      if (tag.default === true && tag.tag !== 'tag:yaml.org,2002:str' && test instanceof RegExp) tests.push(test);
    }
    resolvesToOtherType = (x) => tests.some((t) => {
      t.lastIndex = 0;
      return t.test(x);
    });
  }
  return resolvesToOtherType(s);
}

/** A quoted scalar on one line: single quotes when the text has `"` and no `'`, else JSON's double quotes. */
function quoted(s: string): string {
  if (s.includes('"') && !s.includes("'")) return `'${s}'`;
  return JSON.stringify(s);
}

/** A single-line string that may stand without quotes. */
function isPlain(s: string): boolean {
  return !NOT_PLAIN.test(s) && !readsAsOtherType(s);
}

/** A map key (always a single-line implicit key). */
function key(k: string): string {
  if (k.includes('\n') || ESCAPED.test(k) || DOCUMENT_MARKER.test(k)) throw BAIL;
  const text = isPlain(k) ? k : quoted(k);
  if (text.length > MAX_KEY_TEXT) throw BAIL;
  return text;
}

/**
 * A multi-line string as a literal block scalar, its content lines indented by `indent`. The header
 * carries the chomping indicator the text's end needs (`-` no final newline, none for one, `+` for
 * more), and the indentation indicator `2` when the blank run the text starts with (spaces and line
 * breaks) holds a space. Strings the package writes otherwise (ending in
 * a line of only blanks: double quotes, or nothing but blanks) are left to it.
 */
function literalBlock(s: string, indent: string): string {
  if (/\n[\t ]+$/.test(s)) throw BAIL;
  let cut = s.length;
  while (cut > 0 && (s[cut - 1] === '\n' || s[cut - 1] === ' ' || s[cut - 1] === '\t')) cut--;
  if (cut === 0) throw BAIL;
  const text = s.slice(0, cut);
  let end = s.slice(cut);
  const nl = end.indexOf('\n');
  const chomp = nl === -1 ? '-' : nl === end.length - 1 ? '' : '+';
  if (end.endsWith('\n')) end = end.slice(0, -1); // the line break that ends the block
  // kept blank lines at the end: a line with blanks on it is indented, empty ones stay empty
  end = end.replace(/(^|(?<!\n))\n+(?!\n|$)/g, `$&${indent}`);
  // blank lines and spaces first: a space anywhere there needs the explicit indentation indicator, and
  // the blank lines up to the last of them are indented like the end's
  let lead = 0;
  let lastBreak = -1;
  let space = false;
  for (; lead < text.length; lead++) {
    if (text[lead] === ' ') space = true;
    else if (text[lead] === '\n') lastBreak = lead;
    else break;
  }
  const start = text.slice(0, lastBreak + 1).replace(/\n+/g, `$&${indent}`);
  const body = text.slice(lastBreak + 1).replace(/\n+/g, `$&${indent}`);
  return `|${space ? '2' : ''}${chomp}\n${indent}${start}${body}${end}`;
}

/** A scalar in value position (after `key: ` or `- `), with `indent` the indentation of block content. */
function scalar(v: unknown, indent: string): string {
  switch (typeof v) {
    case 'string':
      if (ESCAPED.test(v)) throw BAIL;
      if (v.includes('\n')) return literalBlock(v, indent);
      return isPlain(v) ? v : quoted(v);
    case 'number':
      if (!Number.isFinite(v)) throw BAIL;
      return Object.is(v, -0) ? '-0' : JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      if (v === null) return 'null';
      throw BAIL; // bigint, symbol, function
  }
}

type Json = Record<string, unknown>;

/**
 * Whether `v` is a plain map (an object literal or a null-prototype object). Objects the package treats
 * in its own way are left to it: class instances, objects with a `toJSON()` method (the package writes
 * what it returns) or an iterator (written as a list).
 */
function isMap(v: unknown): v is Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw BAIL;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function' || Symbol.iterator in v) throw BAIL;
  return true;
}

/** Whether `v` is a plain array (not a subclass, no own `toJSON()` or iterator). */
function isList(v: unknown): v is unknown[] {
  if (!Array.isArray(v)) return false;
  if (Object.getPrototypeOf(v) !== Array.prototype || Object.prototype.hasOwnProperty.call(v, 'toJSON')
    || Object.prototype.hasOwnProperty.call(v, Symbol.iterator)) throw BAIL;
  return true;
}

/** Appends the text of a document, line by line, to `out`. */
class DocumentWriter {
  private readonly out: string[] = [];
  private readonly seen = new Set<object>();

  public document(doc: unknown): string {
    if (isMap(doc)) {
      this.enter(doc);
      const keys = Object.keys(doc);
      if (keys.length === 0) return '{}\n';
      this.map(doc, keys, '', '');
    } else if (isList(doc)) {
      this.enter(doc);
      if (doc.length === 0) return '[]\n';
      this.seq(doc, '', '');
    } else {
      throw BAIL; // a scalar document
    }
    return this.out.join('');
  }

  /** An object met twice (even an empty one) gets an anchor and aliases from the package. */
  private enter(v: object): void {
    if (this.seen.has(v)) throw BAIL;
    this.seen.add(v);
  }

  /**
   * A block map whose keys sit at column `indent.length`; the first line starts with `first` (a space
   * after the `-` of the list item it is in, or the indentation).
   */
  private map(m: Json, keys: string[], indent: string, first: string): void {
    const child = indent + '  ';
    let prefix = first;
    for (const k of keys) {
      this.out.push(prefix, key(k), ':');
      prefix = indent;
      this.after(m[k], child, false);
    }
  }

  /** A block list whose dashes sit at column `indent.length`; the first line starts with `first`. */
  private seq(s: unknown[], indent: string, first: string): void {
    const child = indent + '  ';
    let prefix = first;
    for (let i = 0; i < s.length; i++) {
      if (!(i in s)) throw BAIL; // a hole
      this.out.push(prefix, '-');
      prefix = indent;
      this.after(s[i], child, true);
    }
  }

  /**
   * A value after the `key:` or `-` already written on the line; `child` is one level deeper. A
   * non-empty collection starts on the next line after a key, and on the same line after a dash.
   */
  private after(v: unknown, child: string, inList: boolean): void {
    if (isList(v)) {
      this.enter(v);
      if (v.length === 0) {
        this.out.push(' []\n');
      } else if (inList) {
        this.seq(v, child, ' ');
      } else {
        this.out.push('\n');
        this.seq(v, child, child);
      }
    } else if (isMap(v)) {
      this.enter(v);
      const keys = Object.keys(v);
      if (keys.length === 0) {
        this.out.push(' {}\n');
      } else if (inList) {
        this.map(v, keys, child, ' ');
      } else {
        this.out.push('\n');
        this.map(v, keys, child, child);
      }
    } else {
      this.out.push(' ', scalar(v, child), '\n');
    }
  }
}

/**
 * One document written by this writer alone, or `undefined` when it needs the `yaml` package (see the
 * top of this file).
 */
export function writeDocument(doc: unknown): string | undefined {
  if (!writerMatchesYaml()) return undefined;
  try {
    return new DocumentWriter().document(doc);
  } catch (e) {
    if (e instanceof NeedsYamlPackage) return undefined;
    throw e;
  }
}

/** One document as cdk8s writes it (without the `---` separator). */
export function stringifyDocument(doc: unknown): string {
  return writeDocument(doc) ?? yaml().stringify(doc, CDK8S_YAML_OPTIONS);
}

/**
 * Documents as one multi-document YAML text, byte for byte what cdk8s's `Yaml.stringify(...docs)` writes:
 * each document ends with a newline, `---` lines separate them, and an `undefined` document is an
 * empty line.
 */
export function stringifyDocuments(docs: readonly unknown[]): string {
  const parts: string[] = [];
  for (const d of docs) parts.push(d === undefined ? '\n' : stringifyDocument(d));
  return parts.join('---\n');
}
