/**
 * What both renderers share: colours, kind names, the order nodes are laid out in, node text lines,
 * and the grouping of nodes into namespaces and services.
 */
import { MeshEdgeKind, MeshGraph, MeshMark, MeshNode, MeshNodeKind } from './model';
import { cmp } from './read';

/** How a node kind looks and is explained. */
export interface KindStyle {
  /** Caption word (drawn small above the node's name in the SVG). */
  readonly caption: string;
  /** Legend text. */
  readonly legend: string;
  readonly fill: string;
  readonly stroke: string;
}

export const KIND_STYLE: Record<MeshNodeKind, KindStyle> = {
  gatewayWorkload: { caption: 'GATEWAY PODS', legend: 'pods a Gateway selects (the gateway proxy workload)', fill: '#e3f2fd', stroke: '#1565c0' },
  gateway: { caption: 'GATEWAY', legend: 'Istio Gateway: its servers (port, protocol, hosts, TLS)', fill: '#bbdefb', stroke: '#0d47a1' },
  mesh: { caption: 'SIDECARS', legend: 'the mesh: sidecars, for VirtualServices bound to `mesh`', fill: '#ede7f6', stroke: '#4527a0' },
  host: { caption: 'HOST', legend: 'a host clients call, accepted by a gateway or on the mesh', fill: '#fff8e1', stroke: '#ef6c00' },
  route: { caption: 'ROUTE', legend: 'one VirtualService route and what it matches', fill: '#fffde7', stroke: '#9e9d24' },
  service: { caption: 'SERVICE', legend: 'destination service with its DestinationRule policy', fill: '#e8f5e9', stroke: '#2e7d32' },
  subset: { caption: 'SUBSET', legend: 'DestinationRule subset (pod labels)', fill: '#f1f8e9', stroke: '#558b2f' },
  workload: { caption: 'WORKLOAD', legend: 'workloads an AuthorizationPolicy or PeerAuthentication selects', fill: '#fce4ec', stroke: '#ad1457' },
  caller: { caption: 'CALLER', legend: 'a caller an AuthorizationPolicy rule names', fill: '#f3e5f5', stroke: '#6a1b9a' },
};

/** Layout order of kinds (left to right in the flow). */
export const KIND_ORDER: readonly MeshNodeKind[] = ['gatewayWorkload', 'gateway', 'mesh', 'host', 'route', 'service', 'subset', 'caller', 'workload'];

/** How an edge kind looks and is explained. */
export interface EdgeStyle {
  readonly legend: string;
  readonly color: string;
  /** The colour in words, for the legend. */
  readonly colorName: string;
  /** dashed: authorization; dotted: secondary relations. */
  readonly line: 'solid' | 'dashed' | 'dotted';
  readonly arrow: 'normal' | 'none' | 'cross';
}

export const EDGE_STYLE: Record<MeshEdgeKind, EdgeStyle> = {
  serves: { legend: 'the pods carry the Gateway', color: '#1565c0', colorName: 'blue', line: 'solid', arrow: 'normal' },
  exposes: { legend: 'the host is accepted there (ports)', color: '#37474f', colorName: 'grey', line: 'solid', arrow: 'normal' },
  matches: { legend: 'requests for the host are tried against the route', color: '#37474f', colorName: 'grey', line: 'solid', arrow: 'normal' },
  routes: { legend: 'the route forwards there (weight %, port)', color: '#37474f', colorName: 'grey', line: 'solid', arrow: 'normal' },
  mirrors: { legend: 'the route mirrors a copy of its traffic there', color: '#78909c', colorName: 'light grey', line: 'dotted', arrow: 'normal' },
  subset: { legend: 'the subset belongs to the service', color: '#9e9e9e', colorName: 'light grey', line: 'dotted', arrow: 'none' },
  allows: { legend: 'AuthorizationPolicy ALLOW: the caller may call (ports, methods, paths)', color: '#2e7d32', colorName: 'green', line: 'dashed', arrow: 'normal' },
  denies: { legend: 'AuthorizationPolicy DENY: the caller is refused', color: '#c62828', colorName: 'red', line: 'dashed', arrow: 'cross' },
  audits: { legend: 'AuthorizationPolicy AUDIT: the calls are logged', color: '#6d4c41', colorName: 'brown', line: 'dotted', arrow: 'normal' },
  delegates: { legend: 'AuthorizationPolicy CUSTOM: an external authorizer decides', color: '#6a1b9a', colorName: 'purple', line: 'dashed', arrow: 'normal' },
  selects: { legend: 'the Kubernetes Service selects these workloads', color: '#9e9e9e', colorName: 'light grey', line: 'dotted', arrow: 'normal' },
};

/** Marks drawn as a badge line under a node's name. */
export const MARK_BADGE: Partial<Record<MeshMark, string>> = {
  'deny-all': 'DENY ALL: no request is allowed',
  'default-deny': 'DEFAULT DENY: only the callers shown get in',
  'unrouted': 'NOT ROUTED',
  'unmatched-host': 'NOT ACCEPTED BY THE GATEWAY',
  'undefined-subset': 'UNDEFINED SUBSET',
  'not-found': 'NOT FOUND',
  'external': 'external',
};

/** Marks that get a warning outline (red) or a caution outline (orange). */
export const ALARM_MARKS: readonly MeshMark[] = ['deny-all', 'unmatched-host', 'undefined-subset', 'not-found', 'mtls-disable'];
export const CAUTION_MARKS: readonly MeshMark[] = ['default-deny', 'has-deny-rules', 'unrouted', 'mtls-permissive'];

/** The outline colour a node's marks call for, if any. */
export function markOutline(n: MeshNode): string | undefined {
  if (n.marks.some((m) => ALARM_MARKS.includes(m))) return '#c62828';
  if (n.marks.some((m) => CAUTION_MARKS.includes(m))) return '#ef6c00';
  return undefined;
}

/** The badge lines of a node (deny-all replaces default-deny). */
export function badges(n: MeshNode): string[] {
  const marks = n.marks.includes('deny-all') ? n.marks.filter((m) => m !== 'default-deny') : n.marks;
  return marks.map((m) => MARK_BADGE[m]).filter((b): b is string => b !== undefined);
}

/** Nodes in layout order: by kind order, then id. */
export function layoutOrder(nodes: readonly MeshNode[]): MeshNode[] {
  return [...nodes].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || cmp(a.id, b.id));
}

/** A service drawn as a group around its subsets. */
export interface ServiceGroup {
  readonly service: MeshNode;
  readonly subsets: MeshNode[];
  /** True when the service node itself is drawn inside the group (something targets it directly). */
  readonly drawService: boolean;
}

/** The drawing plan: namespaces with their loose nodes and service groups, plus nodes outside any namespace. */
export interface Plan {
  readonly namespaces: Array<{ name: string; title: string; nodes: MeshNode[]; groups: ServiceGroup[] }>;
  readonly outside: MeshNode[];
  readonly outsideGroups: ServiceGroup[];
  /** Ids of nodes that are drawn (a service folded into its group's title is not). */
  readonly drawn: Set<string>;
  /** Edges that are drawn (subset membership is shown by the group, not by an edge). */
  readonly edges: MeshGraph['edges'];
}

/** The title of a namespace box, with its mTLS mode. */
export function namespaceTitle(graph: MeshGraph, name: string): string {
  const ns = graph.namespaces.find((n) => n.name === name);
  if (!ns) return `namespace ${name}`;
  const where = ns.mtlsSource === 'namespace' ? '' : ns.mtlsSource === 'mesh' ? ' (mesh-wide)' : ' (Istio default)';
  return `namespace ${name}: mTLS ${ns.mtls}${where}`;
}

/** Groups nodes by namespace and folds subsets into their service. */
export function plan(graph: MeshGraph): Plan {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const subsetEdges = graph.edges.filter((e) => e.kind === 'subset');
  const groups = new Map<string, ServiceGroup>();
  for (const e of subsetEdges) {
    const svc = byId.get(e.from)!;
    const sub = byId.get(e.to)!;
    const group = groups.get(svc.id) ?? { service: svc, subsets: [], drawService: graph.edges.some((x) => x.kind !== 'subset' && (x.to === svc.id || x.from === svc.id)) };
    group.subsets.push(sub);
    groups.set(svc.id, group);
  }
  const inGroup = new Set<string>();
  for (const gr of groups.values()) {
    inGroup.add(gr.service.id);
    gr.subsets.forEach((s) => inGroup.add(s.id));
    gr.subsets.sort((a, b) => cmp(a.id, b.id));
  }
  const drawn = new Set(graph.nodes.map((n) => n.id).filter((id) => !groups.has(id) || groups.get(id)!.drawService));
  const ordered = layoutOrder(graph.nodes);
  const groupList = [...groups.values()].sort((a, b) => cmp(a.service.id, b.service.id));
  const nsNames = [...new Set(graph.nodes.map((n) => n.namespace).filter((n): n is string => n !== undefined))].sort(cmp);
  return {
    namespaces: nsNames.map((name) => ({
      name,
      title: namespaceTitle(graph, name),
      nodes: ordered.filter((n) => n.namespace === name && !inGroup.has(n.id)),
      groups: groupList.filter((gr) => gr.service.namespace === name),
    })),
    outside: ordered.filter((n) => n.namespace === undefined && !inGroup.has(n.id)),
    outsideGroups: groupList.filter((gr) => gr.service.namespace === undefined),
    drawn,
    edges: graph.edges.filter((e) => e.kind !== 'subset'),
  };
}

/** The line under the picture's title: the mesh-wide mTLS mode. */
export function meshLine(graph: MeshGraph): string {
  const m = graph.meshMtls;
  return m.source === 'mesh' ? `mesh-wide mTLS ${m.mode} (PeerAuthentication ${m.policy})` : 'no mesh-wide PeerAuthentication: Istio default mTLS PERMISSIVE';
}

/** Node kinds and edge kinds present in the graph, in layout order (for the legend). */
export function present(graph: MeshGraph): { kinds: MeshNodeKind[]; edges: MeshEdgeKind[] } {
  const kinds = KIND_ORDER.filter((k) => graph.nodes.some((n) => n.kind === k));
  const order = Object.keys(EDGE_STYLE) as MeshEdgeKind[];
  const edges = order.filter((k) => graph.edges.some((e) => e.kind === k));
  return { kinds, edges };
}
