/**
 * Loads the injection templates (`src/istiod/templates/<name>.tpl`) at synth time.
 *
 * The files ship with the npm package. The folder is found by walking up from this module to the
 * directory holding `package.json`, so the same code works from `src/` (tests, tsx) and from the
 * compiled `lib/src/`.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Templates cdk8s-istio writes itself, in the order they appear in the ConfigMap. */
export const BUILTIN_TEMPLATES: readonly string[] = ['sidecar', 'gateway'];

let templatesDir: string | undefined;
const cache = new Map<string, string>();

/** The folder holding the `.tpl` files. */
export function injectionTemplatesDir(): string {
  if (templatesDir) return templatesDir;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const candidate = path.join(dir, 'src', 'istiod', 'templates');
      if (fs.existsSync(candidate)) {
        templatesDir = candidate;
        return candidate;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`cdk8s-istio: injection templates not found (looked for src/istiod/templates next to a package.json above ${__dirname})`);
    }
    dir = parent;
  }
}

/** The text of a built-in template, exactly as in its file. */
export function loadTemplate(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(injectionTemplatesDir(), `${name}.tpl`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
