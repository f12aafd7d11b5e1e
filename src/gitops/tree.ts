import * as fs from 'fs';
import * as path from 'path';

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** True for a relative file path made of plain segments (no `..`, no leading `/`, no backslash). */
function isTreePath(p: string): boolean {
  return typeof p === 'string' && p.length > 0 && p.split('/').every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
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
   * The files are first written to a sibling folder `<outdir>.tmp-<pid>`; then the old folder is renamed
   * to `<outdir>.old-<pid>`, the new one renamed into place, and the old one deleted. If anything fails
   * before the new folder is in place, the temporary folder is removed and the previous `outdir` is left
   * (or put back) untouched, byte for byte.
   */
  public write(outdir: string): void {
    const target = path.resolve(outdir);
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
