/**
 * Loads the injection templates (`src/istiod/templates/<name>.tpl`) at synth time.
 *
 * The files ship with the npm package. The folder is found by walking up from this module to the
 * directory holding `package.json`, so the same code works from `src/` (tests, tsx) and from the
 * compiled `lib/src/`.
 *
 * A template whose input differs too much between release lines has a file per line:
 * `src/istiod/templates/<line>/<name>.tpl` (e.g. `1.20/kube-gateway.tpl`) is used for that line instead of
 * `<name>.tpl`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { IstioVersion } from '../../version';

/**
 * Every template cdk8s-istio writes itself, over all release lines, in the order they appear in the ConfigMap.
 * Which of them a release's injector carries is `builtinTemplateNames(version)`.
 */
export const BUILTIN_TEMPLATES: readonly string[] = [
  'sidecar', 'gateway', 'grpc-simple', 'grpc-agent', 'waypoint', 'kube-gateway', 'agentgateway',
];

/**
 * The templates the injector of `version` carries, in ConfigMap order: every name istiod of that release asks
 * for (pods by `inject.istio.io/templates`, the Gateway API deployment controller by class), so none is
 * "requested template not found".
 */
export function builtinTemplateNames(version: IstioVersion): readonly string[] {
  return version.injectionTemplates;
}

/** The built-in templates of `version`'s injector: name and text, in ConfigMap order. */
export function builtinTemplates(version: IstioVersion): Array<[string, string]> {
  return builtinTemplateNames(version).map((name) => [name, loadTemplate(name, version.line)]);
}

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

/**
 * The file of a built-in template for a release line (`'1.20'`, `'1.30'`): the line's own
 * `<line>/<name>.tpl` when there is one, else the shared `<name>.tpl`.
 */
export function templateFile(name: string, line?: string): string {
  const dir = injectionTemplatesDir();
  if (line !== undefined) {
    const own = path.join(dir, line, `${name}.tpl`);
    if (fs.existsSync(own)) return own;
  }
  return path.join(dir, `${name}.tpl`);
}

/** The text of a built-in template (for `line`, see `templateFile`), exactly as in its file. */
export function loadTemplate(name: string, line?: string): string {
  const file = templateFile(name, line);
  let text = cache.get(file);
  if (text === undefined) {
    text = fs.readFileSync(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}
