/**
 * Mermaid `flowchart LR` for the mesh graph (GitHub and GitLab render it in pull requests), and the
 * `mesh.md` page around it.
 */
import { MeshEdge, MeshGraph, MeshNode, MeshNodeKind } from './model';
import { cmp } from './read';
import { badges, EDGE_STYLE, KIND_STYLE, layoutOrder, markOutline, meshLine, namespaceTitle, present } from './style';
import { checkKnownKeys } from '../resource/keys';
import { callScope } from '../validation';
import { MESH_MARKDOWN_OPTIONS } from './shapes';

/** Shape brackets per kind (open, close), label quoted inside. */
const SHAPE: Record<MeshNodeKind, [string, string]> = {
  gatewayWorkload: ['[/', '/]'],
  gateway: ['{{', '}}'],
  mesh: ['((', '))'],
  host: ['([', '])'],
  route: ['[', ']'],
  service: ['[(', ')]'],
  subset: ['[[', ']]'],
  workload: ['[/', '\\]'],
  caller: ['(', ')'],
};

/** Shape names for the legend. */
const SHAPE_NAME: Record<MeshNodeKind, string> = {
  gatewayWorkload: 'parallelogram',
  gateway: 'hexagon',
  mesh: 'circle',
  host: 'stadium',
  route: 'rectangle',
  service: 'cylinder',
  subset: 'double-sided box',
  workload: 'trapezoid',
  caller: 'rounded box',
};

/**
 * Text safe inside a quoted Mermaid label: quotes, angle brackets, `&`, `#` and backticks become
 * Mermaid entity codes (`#34;` ...), control characters become spaces.
 */
export function escapeMermaid(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/"/g, '#34;')
    .replace(/&/g, '#38;')
    .replace(/</g, '#60;')
    .replace(/>/g, '#62;')
    .replace(/`/g, '#96;')
    .replace(/\|/g, '#124;');
}

function clip(s: string, max = 72): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function nodeText(n: MeshNode): string {
  return [n.label, ...badges(n), ...n.details].map((l) => escapeMermaid(clip(l))).join('<br/>');
}

function nodeDecl(n: MeshNode, indent: string): string {
  const [open, close] = SHAPE[n.kind];
  return `${indent}${n.id}${open}"${nodeText(n)}"${close}`;
}

const ARROW: Record<string, string> = { 'solid|normal': '-->', 'solid|none': '---', 'dashed|normal': '-.->', 'dashed|cross': '-.-x', 'dotted|normal': '-.->', 'dotted|none': '-.-' };

function edgeDecl(e: MeshEdge): string {
  const st = EDGE_STYLE[e.kind];
  const arrow = ARROW[`${st.line}|${st.arrow}`] ?? '-->';
  return e.label ? `  ${e.from} ${arrow}|"${escapeMermaid(clip(e.label, 48))}"| ${e.to}` : `  ${e.from} ${arrow} ${e.to}`;
}

/**
 * The mesh graph as a Mermaid `flowchart LR` (deterministic: the same graph gives the same text).
 *
 * Unlike the SVG, services are plain nodes here (Mermaid does not make room for a multi-line
 * subgraph title); a subset is tied to its service by a dotted line drawn subset → service, so
 * subsets sit between the routes and the service.
 */
export function toMermaid(graph: MeshGraph): string {
  const lines: string[] = ['flowchart LR'];
  if (!graph.nodes.length) {
    lines.push('  empty["No Istio gateways, routes or policies in these objects"]');
    return lines.join('\n') + '\n';
  }
  const ordered = layoutOrder(graph.nodes);
  for (const n of ordered) if (n.namespace === undefined) lines.push(nodeDecl(n, '  '));
  const nsNames = [...new Set(ordered.map((n) => n.namespace).filter((x): x is string => x !== undefined))].sort(cmp);
  const nsIds: string[] = [];
  nsNames.forEach((name, i) => {
    const id = `ns_${i + 1}_${name.replace(/[^A-Za-z0-9]+/g, '_')}`;
    nsIds.push(id);
    lines.push(`  subgraph ${id}["${escapeMermaid(namespaceTitle(graph, name))}"]`);
    lines.push('    direction LR');
    for (const n of ordered) if (n.namespace === name) lines.push(nodeDecl(n, '    '));
    lines.push('  end');
  });
  const edges = graph.edges.map((e) => (e.kind === 'subset' ? { ...e, from: e.to, to: e.from } : e));
  for (const e of edges) lines.push(edgeDecl(e));

  // colours: one class per kind, outlines for marks, namespace boxes, link colours by edge kind
  for (const kind of Object.keys(KIND_STYLE) as MeshNodeKind[]) {
    const ids = graph.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    if (!ids.length) continue;
    const st = KIND_STYLE[kind];
    lines.push(`  classDef k_${kind} fill:${st.fill},stroke:${st.stroke},color:#263238`);
    lines.push(`  class ${ids.join(',')} k_${kind}`);
  }
  for (const [cls, colour] of [
    ['alarm', '#c62828'],
    ['caution', '#ef6c00'],
  ] as const) {
    const ids = graph.nodes.filter((n) => markOutline(n) === colour).map((n) => n.id);
    if (!ids.length) continue;
    lines.push(`  classDef ${cls} stroke:${colour},stroke-width:3px`);
    lines.push(`  class ${ids.join(',')} ${cls}`);
  }
  for (const id of nsIds) lines.push(`  style ${id} fill:#fafafa,stroke:#78909c,stroke-dasharray:6 4,color:#263238`);
  const byColour = new Map<string, number[]>();
  edges.forEach((e, i) => {
    const c = EDGE_STYLE[e.kind].color;
    byColour.set(c, [...(byColour.get(c) ?? []), i]);
  });
  for (const [colour, idx] of [...byColour.entries()].sort((a, b) => a[1][0] - b[1][0])) {
    lines.push(`  linkStyle ${idx.join(',')} stroke:${colour},color:${colour}`);
  }
  return lines.join('\n') + '\n';
}

/** Mermaid's default `maxTextSize`: longer diagram text is refused. */
const MERMAID_MAX_TEXT = 50000;
/** Mermaid's default `maxEdges`: diagrams with more links are refused. */
const MERMAID_MAX_EDGES = 500;

/** Options for {@link meshMarkdownFromGraph}. */
export interface MeshMarkdownOptions {
  /**
   * Heading of the page.
   * @default 'Istio mesh'
   */
  readonly title?: string;
}

/** The `mesh.md` page: a heading, what the picture shows, a legend of what is in it, and the Mermaid block. */
export function meshMarkdownFromGraph(graph: MeshGraph, options: MeshMarkdownOptions = {}): string {
  checkKnownKeys(callScope('meshMarkdownFromGraph'), 'options', options, MESH_MARKDOWN_OPTIONS);
  const { kinds, edges } = present(graph);
  const count = (k: MeshNodeKind) => graph.nodes.filter((n) => n.kind === k).length;
  const authz = graph.edges.filter((e) => e.kind === 'allows' || e.kind === 'denies' || e.kind === 'audits' || e.kind === 'delegates').length;
  const out: string[] = [`# ${options.title ?? 'Istio mesh'}`, ''];
  out.push(
    `Generated from the synthesized objects: ${count('gateway')} gateway(s), ${count('route')} route(s), ${count('service')} service(s), ` +
      `${count('subset')} subset(s), ${authz} authorization edge(s). ${meshLine(graph)}.`,
    '',
    'Traffic flows left to right: gateway pods → Gateway → host → route → service/subset, with weights and ports on the arrows. ' +
      'Dotted green (allow) and red (deny) arrows show who may call whom (AuthorizationPolicy). Each dashed box is a namespace with its mTLS mode.',
    '',
  );
  if (kinds.length) {
    out.push('| shape | stands for |', '| --- | --- |');
    for (const k of kinds) out.push(`| ${SHAPE_NAME[k]} | ${KIND_STYLE[k].legend} |`);
    out.push('');
  }
  if (edges.length) {
    out.push('| arrow | means |', '| --- | --- |');
    for (const k of edges) {
      const st = EDGE_STYLE[k];
      // Mermaid draws both dashed and dotted links dotted
      const line = st.line === 'solid' ? 'solid' : 'dotted';
      out.push(`| ${st.colorName}, ${line}${st.arrow === 'none' ? ', no head' : st.arrow === 'cross' ? ', cross' : ''} (${k}) | ${st.legend} |`);
    }
    out.push('');
  }
  out.push('Red outline: denies everything, or refers to something missing. Orange outline: default deny (only the callers shown), unrouted, or relaxed mTLS.', '');
  const text = toMermaid(graph);
  const drawn = graph.edges.length; // every edge is one Mermaid link
  if (text.length > MERMAID_MAX_TEXT || drawn > MERMAID_MAX_EDGES) {
    out.push(
      `> **Too large for Mermaid's default limits** (${text.length} characters, ${drawn} links; Mermaid stops at ${MERMAID_MAX_TEXT} and ${MERMAID_MAX_EDGES}), ` +
        'so GitHub and GitLab may show an error instead of the diagram. The text below still lists every node and link.',
      '',
    );
  }
  out.push('```mermaid', text.trimEnd(), '```', '');
  return out.join('\n');
}
