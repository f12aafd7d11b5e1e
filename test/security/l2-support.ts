/**
 * The @example of a construct's class doc comment runs in its test as written: the test holds the example's code
 * between `// example:start` and `// example:end` (so the compiler checks it and the test runs it), and
 * {@link expectExampleInSync} asserts that this code is the doc comment's example, line for line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IstioValidationError } from '../../src/validation';

const root = path.resolve(__dirname, '..', '..');

/** Lines of `text` with the common leading indentation removed, blank ends trimmed. */
function dedent(lines: string[]): string[] {
  const body = lines.filter((l) => l.trim() !== '');
  const indent = Math.min(...body.map((l) => l.length - l.trimStart().length));
  const out = lines.map((l) => l.slice(indent).trimEnd());
  while (out.length && out[0] === '') out.shift();
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/** The code of the `@example` in the doc comment right above `export class <name>` (or `export function <name>`) in `srcFile`. */
export function classExample(srcFile: string, name: string): string[] {
  const text = fs.readFileSync(path.join(root, srcFile), 'utf8');
  const at = Math.max(text.indexOf(`\nexport class ${name} `), text.indexOf(`\nexport function ${name}(`));
  if (at < 0) throw new Error(`${srcFile} has no class or function ${name}`);
  const start = text.lastIndexOf('/**', at);
  const comment = text.slice(start, at).split('\n').map((l) => l.replace(/^\s*\*( |$)/, ''));
  const i = comment.findIndex((l) => l.trim() === '@example');
  if (i < 0) throw new Error(`the doc comment of ${name} has no @example`);
  const rest = comment.slice(i + 1);
  const end = rest.findIndex((l) => l.trim().startsWith('@') || l.trim().startsWith('*/') || l.trim() === '/');
  return dedent(end < 0 ? rest : rest.slice(0, end));
}

/** The lines between `// example:start` and `// example:end` in `testFile` (relative to the repo). */
export function markedExample(testFile: string): string[] {
  const lines = fs.readFileSync(path.join(root, testFile), 'utf8').split('\n');
  const s = lines.findIndex((l) => l.trim() === '// example:start');
  const e = lines.findIndex((l) => l.trim() === '// example:end');
  if (s < 0 || e < s) throw new Error(`${testFile} has no // example:start ... // example:end block`);
  return dedent(lines.slice(s + 1, e));
}

/** Asserts that the class's @example is the code the test runs. */
export function expectExampleInSync(srcFile: string, name: string, testFile: string): void {
  expect(markedExample(testFile)).toEqual(classExample(srcFile, name));
}

/** What an {@link IstioValidationError} must say. */
export interface ExpectedError {
  readonly path: string;
  readonly field: string;
  /** The value as the error shows it (JSON text). */
  readonly value: string;
  /** A part of what would be valid. */
  readonly message: string | RegExp;
}

/** Runs `fn`, expecting an {@link IstioValidationError} that names `e.path`, `e.field`, `e.value` and says `e.message`. */
export function expectIstioError(fn: () => unknown, e: ExpectedError): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(IstioValidationError);
  const err = thrown as IstioValidationError;
  expect({ path: err.constructPath, field: err.field, value: err.value }).toEqual({ path: e.path, field: e.field, value: e.value });
  if (typeof e.message === 'string') expect(err.expected).toContain(e.message);
  else expect(err.expected).toMatch(e.message);
}

/** Asserts that docs/istio-api.md shows the class's (or function's) @example as one of its code blocks, line for line. */
export function expectExampleInDocs(srcFile: string, name: string): void {
  const docs = fs.readFileSync(path.join(root, 'docs', 'istio-api.md'), 'utf8');
  const blocks = [...docs.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1].replace(/\n$/, ''));
  expect(blocks).toContain(classExample(srcFile, name).join('\n'));
}
