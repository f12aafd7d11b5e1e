/**
 * Graphviz DOT for the mesh graph: left to right, one box per namespace, services drawn as boxes
 * around their subsets, colours and shapes by kind, weights and matches on the edges.
 */
import { MeshEdge, MeshGraph, MeshNode, MeshNodeKind } from './model';
import { badges, EDGE_STYLE, KIND_STYLE, markOutline, meshLine, plan, ServiceGroup } from './style';
import { checkKnownKeys } from '../resource/keys';
import { callScope } from '../validation';
import { DOT_OPTIONS } from './shapes';

/**
 * Graphviz measures text with built-in metrics for a few font names only; a list such as
 * `Helvetica,Arial` falls back to Times metrics and labels overflow their boxes. Lay out with
 * Helvetica (Arial has the same metrics); {@link dotToSvg} then names fallbacks in the SVG.
 */
export const LAYOUT_FONT = 'Helvetica';
const FONT = LAYOUT_FONT;

const SHAPE: Record<MeshNodeKind, string> = {
  gatewayWorkload: 'box3d',
  gateway: 'box',
  mesh: 'box',
  host: 'box',
  route: 'box',
  service: 'cylinder',
  subset: 'box',
  workload: 'component',
  caller: 'box',
};

const STYLE: Record<MeshNodeKind, string> = {
  gatewayWorkload: 'filled',
  gateway: 'filled',
  mesh: 'rounded,filled',
  host: 'rounded,filled',
  route: 'filled',
  service: 'filled',
  subset: 'rounded,filled',
  workload: 'filled',
  caller: 'rounded,filled',
};

/** Text for an HTML-like Graphviz label. */
export function escapeHtml(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A double-quoted DOT string. */
function quote(s: string): string {
  return `"${s.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Long texts are cut so one odd value cannot blow up the layout. */
function clip(s: string, max = 72): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function nodeLabel(n: MeshNode, caption = KIND_STYLE[n.kind].caption): string {
  const parts = [`<FONT POINT-SIZE="8" COLOR="#546e7a">${escapeHtml(caption)}</FONT>`, `<B>${escapeHtml(clip(n.label))}</B>`];
  for (const b of badges(n)) parts.push(`<FONT POINT-SIZE="10" COLOR="#c62828">${escapeHtml(b)}</FONT>`);
  for (const d of n.details) parts.push(`<FONT POINT-SIZE="10">${escapeHtml(clip(d))}</FONT>`);
  return `<${parts.join('<BR/>')}>`;
}

function nodeLine(n: MeshNode, indent: string, caption?: string): string {
  const style = KIND_STYLE[n.kind];
  const outline = markOutline(n);
  const attrs = [
    `label=${nodeLabel(n, caption)}`,
    `shape=${SHAPE[n.kind]}`,
    `style=${quote(STYLE[n.kind])}`,
    `fillcolor=${quote(style.fill)}`,
    `color=${quote(outline ?? style.stroke)}`,
    `penwidth=${outline ? '2.4' : '1.2'}`,
    ...(n.kind === 'mesh' ? ['peripheries=2'] : []),
    `tooltip=${quote([n.label, ...n.details, ...n.sources].join(' | '))}`,
  ];
  return `${indent}${quote(n.id)} [${attrs.join(', ')}];`;
}

function groupLines(gr: ServiceGroup, indent: string): string[] {
  const svc = gr.service;
  const style = KIND_STYLE.service;
  const outline = markOutline(svc);
  const title = [`<FONT POINT-SIZE="8" COLOR="#546e7a">SERVICE</FONT>`, `<B>${escapeHtml(clip(svc.label))}</B>`]
    .concat(badges(svc).map((b) => `<FONT POINT-SIZE="10" COLOR="#c62828">${escapeHtml(b)}</FONT>`))
    .concat(svc.details.map((d) => `<FONT POINT-SIZE="10">${escapeHtml(clip(d))}</FONT>`));
  const lines = [
    `${indent}subgraph ${quote('cluster_' + svc.id)} {`,
    `${indent}  graph [label=<${title.join('<BR/>')}>, style="rounded,filled", fillcolor=${quote(style.fill)}, color=${quote(outline ?? style.stroke)}, penwidth=1.4, labeljust=c, margin=10];`,
  ];
  const members = gr.subsets.map((s) => s.id);
  if (gr.drawService) {
    lines.push(nodeLine({ ...svc, details: [], marks: [] }, indent + '  ', 'ALL PODS'));
    members.unshift(svc.id);
  }
  for (const s of gr.subsets) lines.push(nodeLine(s, indent + '  '));
  // one column: the service's parts stack instead of stretching the box across the picture
  if (members.length > 1) lines.push(`${indent}  { rank=same; ${members.map(quote).join('; ')}; }`);
  lines.push(`${indent}}`);
  return lines;
}

function edgeLine(e: MeshEdge): string {
  const st = EDGE_STYLE[e.kind];
  const attrs = [`color=${quote(st.color)}`, `fontcolor=${quote(st.color)}`];
  if (e.label) attrs.push(`label=<${escapeHtml(clip(e.label, 48))}>`);
  if (st.line !== 'solid') attrs.push(`style=${st.line}`);
  if (st.arrow === 'none') attrs.push('arrowhead=none');
  if (e.kind === 'selects') attrs.push('constraint=false');
  if (st.arrow === 'cross') attrs.push('arrowhead=tee');
  if (e.kind === 'routes' && e.weight !== undefined) attrs.push(`penwidth=${(1 + (2 * Math.min(Math.max(e.weight, 0), 100)) / 100).toFixed(2)}`);
  if (e.kind === 'allows' || e.kind === 'denies' || e.kind === 'audits' || e.kind === 'delegates') attrs.push('penwidth=1.6');
  return `  ${quote(e.from)} -> ${quote(e.to)} [${attrs.join(', ')}];`;
}

/** Options for {@link toDot}. */
export interface DotOptions {
  /**
   * Title drawn above the picture.
   * @default 'Istio mesh'
   */
  readonly title?: string;
}

/** The mesh graph as a Graphviz DOT document (deterministic: the same graph gives the same text). */
export function toDot(graph: MeshGraph, options: DotOptions = {}): string {
  checkKnownKeys(callScope('toDot'), 'options', options, DOT_OPTIONS);
  const p = plan(graph);
  const title = options.title ?? 'Istio mesh';
  const lines: string[] = [
    'digraph mesh {',
    `  graph [rankdir=LR, newrank=true, fontname=${quote(FONT)}, fontsize=12, nodesep=0.3, ranksep=0.55, pad=0.3, bgcolor="white", labelloc=t, labeljust=l,` +
      ` label=<<B><FONT POINT-SIZE="16">${escapeHtml(title)}</FONT></B><BR/><FONT POINT-SIZE="10" COLOR="#455a64">${escapeHtml(meshLine(graph))}</FONT>>];`,
    `  node [fontname=${quote(FONT)}, fontsize=11, margin="0.16,0.06"];`,
    `  edge [fontname=${quote(FONT)}, fontsize=10, arrowsize=0.7];`,
  ];
  if (!graph.nodes.length) {
    lines.push(`  "empty" [shape=note, style=filled, fillcolor="#eceff1", color="#90a4ae", label=<No Istio gateways, routes or policies in these objects>];`);
  }
  for (const n of p.outside) if (p.drawn.has(n.id)) lines.push(nodeLine(n, '  '));
  for (const gr of p.outsideGroups) lines.push(...groupLines(gr, '  '));
  for (const ns of p.namespaces) {
    lines.push(`  subgraph ${quote('cluster_ns_' + ns.name)} {`);
    lines.push(
      `    graph [label=<${escapeHtml(ns.title)}>, style="rounded,dashed", color="#78909c", fontcolor="#263238", fontsize=13, labeljust=l, margin=16];`,
    );
    for (const n of ns.nodes) if (p.drawn.has(n.id)) lines.push(nodeLine(n, '    '));
    for (const gr of ns.groups) lines.push(...groupLines(gr, '    '));
    lines.push('  }');
  }
  // where traffic enters (gateway pods, sidecars) starts at the left edge
  const sources = graph.nodes.filter((n) => (n.kind === 'gatewayWorkload' || n.kind === 'mesh') && p.drawn.has(n.id)).map((n) => quote(n.id));
  if (sources.length) lines.push(`  { rank=min; ${sources.join('; ')}; }`);
  for (const e of p.edges) lines.push(edgeLine(e));
  lines.push('}');
  return lines.join('\n') + '\n';
}
