import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** True for a relative file path made of plain segments (no `..`, no leading `/`, no backslash). */
function isTreePath(p: string): boolean {
  return typeof p === 'string' && p.length > 0 && p.split('/').every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
}

/** Files desktop systems drop into any folder they show. */
const DESKTOP_DROPPINGS = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/**
 * Why replacing `target` with a tree whose top-level entries are `topLevel` would destroy something that is not
 * a previous output, or undefined when it is safe. The folder must not be the file system root, the home
 * folder, the current folder or one above it, and must hold no `.git`; each of its top-level entries must be
 * one the tree writes again, or a folder with a kustomization.yaml (a chart folder of an earlier output).
 */
function notAnOutputFolder(target: string, topLevel: ReadonlySet<string>): string | undefined {
  const cwd = process.cwd();
  if (target === path.parse(target).root) return 'it is the root of the file system';
  if (target === os.homedir()) return 'it is the home folder';
  const rel = path.relative(target, cwd);
  if (rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel))) return `it holds the current folder (${cwd})`;
  if (!fs.existsSync(target)) return undefined;
  if (!fs.statSync(target).isDirectory()) return 'it is a file, not a folder';
  const stack = [target];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.git') return `it holds ${path.relative(target, path.join(dir, e.name)).split(path.sep).join('/')} (a git repository)`;
      if (e.isDirectory()) stack.push(path.join(dir, e.name));
    }
  }
  for (const e of fs.readdirSync(target, { withFileTypes: true })) {
    if (topLevel.has(e.name) || DESKTOP_DROPPINGS.has(e.name)) continue;
    if (e.isDirectory() && ['kustomization.yaml', 'kustomization.yml'].some((k) => fs.existsSync(path.join(target, e.name, k)))) continue;
    return `it holds ${e.name}${e.isDirectory() ? '/' : ''}, which is neither written by this tree nor an output folder with a kustomization.yaml`;
  }
  return undefined;
}

/**
 * The complete content of an output folder, held in memory: relative path → file text.
 *
 * Everything is rendered into a tree first and written only when complete, with {@link GitOpsTree.write},
 * which replaces the folder in one step: an error at any point leaves the previous folder as it was.
 * Other generators (diagrams, reports) can add their files to the same tree before it is written.
 */
export class GitOpsTree {
  private readonly files = new Map<string, string>();

  /**
   * Adds a file.
   * @param file relative path with `/` separators, e.g. `mlops/00-crds.yaml`
   * @param content file text
   * @throws Error if the path is not a plain relative path or is already taken
   */
  public add(file: string, content: string): void {
    if (!isTreePath(file)) {
      throw new Error(`GitOpsTree: invalid path ${JSON.stringify(file)}: must be relative, "/"-separated, made of letters, digits, ".", "_" and "-", without "." or ".." segments`);
    }
    if (this.files.has(file)) throw new Error(`GitOpsTree: ${file} is added twice`);
    for (const other of this.files.keys()) {
      if (other.startsWith(file + '/') || file.startsWith(other + '/')) {
        throw new Error(`GitOpsTree: ${file} and ${other} cannot both exist (one is a folder of the other)`);
      }
    }
    this.files.set(file, content);
  }

  /** All file paths, sorted. */
  public get paths(): string[] {
    return [...this.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Text of one file, or undefined. */
  public content(file: string): string | undefined {
    return this.files.get(file);
  }

  /**
   * Writes the tree to `outdir`, replacing whatever the folder held (the folder belongs to this tree).
   *
   * As a guard against a mistyped path, an existing `outdir` is replaced only when it looks like an
   * earlier output: not the file system root, the home folder, the current folder or one above it, no
   * `.git` in it, and every top-level entry either one this tree writes again or a folder with a
   * kustomization.yaml. Otherwise nothing is written and an error says why.
   *
   * The files are first written to a sibling folder `<outdir>.tmp-<pid>`; then the old folder is renamed
   * to `<outdir>.old-<pid>`, the new one renamed into place, and the old one deleted. If anything fails
   * before the new folder is in place, the temporary folder is removed and the previous `outdir` is left
   * (or put back) untouched, byte for byte.
   */
  public write(outdir: string): void {
    const target = path.resolve(outdir);
    const refused = notAnOutputFolder(target, new Set(this.paths.map((p) => p.split('/')[0])));
    if (refused) {
      throw new Error(`GitOpsTree: refusing to replace ${JSON.stringify(outdir)} (${target}): ${refused}. `
        + 'The output folder is replaced as a whole; give it a folder of its own, e.g. "dist".');
    }
    const tmp = `${target}.tmp-${process.pid}`;
    const old = `${target}.old-${process.pid}`;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
    try {
      fs.mkdirSync(tmp);
      for (const file of this.paths) {
        const dest = path.join(tmp, ...file.split('/'));
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, this.files.get(file)!);
      }
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }

    let movedAway = false;
    try {
      if (fs.existsSync(target)) {
        fs.renameSync(target, old);
        movedAway = true;
      }
      fs.renameSync(tmp, target);
    } catch (e) {
      if (movedAway && !fs.existsSync(target)) fs.renameSync(old, target);
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    fs.rmSync(old, { recursive: true, force: true });
  }
}
