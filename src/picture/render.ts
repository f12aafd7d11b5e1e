/**
 * The async part: DOT to SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`, no native binary).
 * The module is loaded on first use only, so `require('cdk8s-istio')` stays small.
 */
import { buildMeshGraph } from './build';
import { escapeHtml, LAYOUT_FONT, toDot } from './dot';
import { meshMarkdownFromGraph, toMermaid } from './mermaid';
import { MeshGraphOptions } from './model';
import { checkKnownKeys } from '../resource/keys';
import { callScope } from '../validation';
import { graphOptions, MESH_PICTURE_OPTIONS } from './shapes';

/** The part of `@viz-js/viz`'s instance this module uses. */
interface VizInstance {
  renderString(input: string, options?: { format?: string; engine?: string }): string;
}

let viz: Promise<VizInstance> | undefined;

/** One Graphviz instance per process, created on first use. */
function vizInstance(): Promise<VizInstance> {
  if (!viz) {
    // The package is ESM with a CommonJS build (`require` condition → dist/viz.cjs); a plain require
    // picks that build under Node's CommonJS loader and under jest alike.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@viz-js/viz') as { instance: () => Promise<VizInstance> };
    viz = mod.instance();
    viz.catch(() => {
      viz = undefined;
    });
  }
  return viz;
}

/** Renders a DOT document to an SVG document. Throws when Graphviz rejects the input. */
export async function dotToSvg(dot: string): Promise<string> {
  const instance = await vizInstance();
  const svg = instance.renderString(dot, { format: 'svg', engine: 'dot' });
  // Graphviz writes `-` as `&#45;` (so it can put edge names in XML comments): drop the comments and
  // write hyphens plainly, so host names can be searched for in the file.
  // Text was measured with Helvetica metrics; viewers without Helvetica should pick a font of the same widths.
  return svg
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .replace(/&#45;/g, '-')
    .replace(new RegExp(`font-family="${LAYOUT_FONT}[^"]*"`, 'g'), `font-family="${LAYOUT_FONT},Arial,'Liberation Sans',sans-serif"`);
}

/** Options for {@link renderMeshPicture} and {@link meshMarkdown}. */
export interface MeshPictureOptions extends MeshGraphOptions {
  /**
   * Title of the picture (heading of `mesh.md`, caption of the SVG).
   * @default 'Istio mesh'
   */
  readonly title?: string;
  /**
   * Largest graph (in nodes) laid out as SVG. Graphviz's layout time grows faster than linearly
   * (about 0.4 s for 500 nodes, 4 s for 2,000 and 40 s for 5,000 on a 2-core machine); above the
   * limit the SVG is a short note saying so, and `mesh.md` still has the whole Mermaid text.
   * @default 1000
   */
  readonly maxSvgNodes?: number;
}

/** The rendered picture. */
export interface MeshPicture {
  /** Mermaid `flowchart LR` source. */
  readonly mermaid: string;
  /** SVG document (Graphviz `dot` layout). */
  readonly svg: string;
  /** `mesh.md`: heading, legend and the Mermaid block. */
  readonly markdown: string;
}

/** `mesh.md` for plain objects (synthesized charts or parsed YAML): heading, legend and a Mermaid flowchart. */
export function meshMarkdown(objects: ReadonlyArray<unknown>, options: MeshPictureOptions = {}): string {
  checkKnownKeys(callScope('meshMarkdown'), 'options', options, MESH_PICTURE_OPTIONS);
  return meshMarkdownFromGraph(buildMeshGraph(objects, graphOptions(options)), { title: options.title });
}

/** Mermaid, SVG and `mesh.md` for plain objects (synthesized charts or parsed YAML). */
export async function renderMeshPicture(objects: ReadonlyArray<unknown>, options: MeshPictureOptions = {}): Promise<MeshPicture> {
  checkKnownKeys(callScope('renderMeshPicture'), 'options', options, MESH_PICTURE_OPTIONS);
  const graph = buildMeshGraph(objects, graphOptions(options));
  const limit = options.maxSvgNodes ?? 1000;
  const dot = graph.nodes.length <= limit ? toDot(graph, { title: options.title }) : tooLargeDot(graph.nodes.length, graph.edges.length, limit, options.title);
  const svg = await dotToSvg(dot);
  return { mermaid: toMermaid(graph), svg, markdown: meshMarkdownFromGraph(graph, { title: options.title }) };
}

/** A one-note picture for graphs above the SVG size limit. */
function tooLargeDot(nodes: number, edges: number, limit: number, title = 'Istio mesh'): string {
  const text = `${escapeHtml(title)}: ${nodes} nodes and ${edges} edges, more than the ${limit} nodes laid out as SVG.<BR/>See the Mermaid text in mesh.md, or raise maxSvgNodes.`;
  return `digraph mesh {\n  "too_large" [shape=note, style=filled, fillcolor="#fff8e1", color="#ef6c00", fontname="${LAYOUT_FONT}", fontsize=12, label=<${text}>];\n}\n`;
}
