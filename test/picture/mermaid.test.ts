import { buildMeshGraph, meshMarkdown, meshMarkdownFromGraph, MeshGraph, toMermaid } from '../../src/picture';
import { escapeMermaid } from '../../src/picture/mermaid';
import { K8sObject, validateAll } from '../support/schema';
import { net } from './helpers';
import { piMeshObjects } from './pi-fixture';

const ID = '[A-Za-z][A-Za-z0-9_]*';
/** A node declaration: id, a shape opening, a quoted label, the shape's closing. */
const DECL = new RegExp(`^\\s+(${ID})(\\[/|\\{\\{|\\(\\(|\\(\\[|\\[\\(|\\[\\[|\\[|\\()"([^"]*)"(/\\]|\\\\\\]|\\}\\}|\\)\\)|\\]\\)|\\)\\]|\\]\\]|\\]|\\))$`);
/** An edge: from, arrow, optional quoted label, to. */
const EDGE = new RegExp(`^\\s+(${ID}) (-->|---|-\\.->|-\\.-x|-\\.-)(?:\\|"([^"]*)"\\|)? (${ID})$`);
const OTHER = /^\s+(subgraph \S+\["[^"]*"\]|end|direction LR|classDef \S+ \S+|class \S+ \S+|style \S+ [^"]+|linkStyle [0-9,]+ \S+)$/;

function validated(objs: K8sObject[]): K8sObject[] {
  expect(validateAll(objs)).toBe(objs.length);
  return objs;
}

/** Parses the flowchart into declarations and edges; fails on any line it does not recognise. */
function parse(text: string): { decls: Map<string, string[]>; edges: Array<{ from: string; to: string; arrow: string; label?: string }>; subgraphs: number; ends: number } {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('flowchart LR');
  const decls = new Map<string, string[]>();
  const edges: Array<{ from: string; to: string; arrow: string; label?: string }> = [];
  let subgraphs = 0;
  let ends = 0;
  for (const line of lines.slice(1)) {
    const d = DECL.exec(line);
    const e = EDGE.exec(line);
    if (d && !line.trim().startsWith('subgraph')) {
      decls.set(d[1], [...(decls.get(d[1]) ?? []), d[3]]);
    } else if (e) {
      edges.push({ from: e[1], arrow: e[2], label: e[3], to: e[4] });
    } else if (OTHER.test(line)) {
      if (line.trim().startsWith('subgraph ')) subgraphs++;
      if (line.trim() === 'end') ends++;
    } else {
      throw new Error(`unrecognised Mermaid line: ${line}`);
    }
  }
  return { decls, edges, subgraphs, ends };
}

describe('Mermaid flowchart of the Raspberry-Pi mesh', () => {
  const graph: MeshGraph = buildMeshGraph(validated(piMeshObjects('v1beta1')));
  const text = toMermaid(graph);
  const parsed = parse(text);

  test('starts with the flowchart header and every line is a declaration, an edge, a subgraph or a style', () => {
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    expect(parsed.subgraphs).toBe(parsed.ends);
  });

  test('every node is declared exactly once, with a safe id', () => {
    expect([...parsed.decls.keys()].sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    for (const [id, labels] of parsed.decls) {
      expect(labels).toHaveLength(1);
      expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      expect(['end', 'graph', 'subgraph', 'flowchart']).not.toContain(id);
    }
  });

  test('every edge joins declared nodes; subset ties are drawn subset → service', () => {
    expect(parsed.edges).toHaveLength(graph.edges.length);
    for (const e of parsed.edges) {
      expect(parsed.decls.has(e.from)).toBe(true);
      expect(parsed.decls.has(e.to)).toBe(true);
    }
    const subsetTies = parsed.edges.filter((e) => e.arrow === '-.-');
    expect(subsetTies.map((e) => e.to)).toEqual([graph.nodes.find((n) => n.kind === 'service' && n.label === 'trading-agent-service')!.id, graph.nodes.find((n) => n.kind === 'service' && n.label === 'trading-agent-service')!.id]);
  });

  test('one subgraph per namespace, titled with its mTLS mode', () => {
    expect(parsed.subgraphs).toBe(3);
    expect(text).toContain('subgraph ns_3_trading["namespace trading: mTLS STRICT (mesh-wide)"]');
    expect(text).toContain('subgraph ns_1_argocd["namespace argocd: mTLS STRICT (mesh-wide)"]');
  });

  test('weights, matches, ports and the default-deny badge are in the text', () => {
    const labels = parsed.edges.map((e) => e.label).filter(Boolean);
    expect(labels).toEqual(expect.arrayContaining(['90%', '10%', '100%', '100% :80', '80/HTTP', 'ports 8888', 'any request']));
    const route = graph.nodes.find((n) => n.label === 'trading-canary http#1')!;
    expect(parsed.decls.get(route.id)![0]).toBe('trading-canary http#35;1<br/>prefix /api/v2');
    const agent = graph.nodes.find((n) => n.label === 'app=trading-agent')!;
    expect(parsed.decls.get(agent.id)![0]).toContain('DEFAULT DENY');
    // authorization edges are dashed; traffic edges solid
    expect(parsed.edges.filter((e) => e.arrow === '-.->').map((e) => e.label).sort()).toEqual(['any request', 'ports 8888']);
  });

  test('colour classes and link styles name only declared nodes and existing links', () => {
    for (const line of text.split('\n').filter((l) => l.trim().startsWith('class '))) {
      const ids = line.trim().split(' ')[1].split(',');
      for (const id of ids) expect(parsed.decls.has(id)).toBe(true);
    }
    const linked = text
      .split('\n')
      .filter((l) => l.trim().startsWith('linkStyle '))
      .flatMap((l) => l.trim().split(' ')[1].split(',').map(Number));
    expect(linked.sort((a, b) => a - b)).toEqual(parsed.edges.map((_, i) => i));
  });

  test('deterministic: the same objects, in any order, give byte-identical text', () => {
    expect(toMermaid(buildMeshGraph(piMeshObjects('v1beta1')))).toBe(text);
    expect(toMermaid(buildMeshGraph([...piMeshObjects('v1beta1')].reverse()))).toBe(text);
    expect(toMermaid(buildMeshGraph(validated(piMeshObjects('v1'))))).toBe(text);
  });
});

describe('escaping', () => {
  test('label text never breaks out of its quotes', () => {
    expect(escapeMermaid('a"b#c<d>e&f`g|h\ni')).toBe('a#34;b#35;c#60;d#62;e#38;f#96;g#124;h i');
  });

  test('hostile header values and route names render as inert text', () => {
    const objs = validated([
      net('VirtualService', 'web', 'shop', {
        hosts: ['web'],
        http: [
          {
            name: 'end"] --> x[boom',
            match: [{ headers: { 'x-evil': { exact: '"><script>alert(1)</script>|`#' } } }],
            route: [{ destination: { host: 'web' } }],
          },
        ],
      }),
    ]);
    const text = toMermaid(buildMeshGraph(objs));
    const parsed = parse(text);
    expect(text).not.toContain('<script>');
    expect(parsed.decls.size).toBe(buildMeshGraph(objs).nodes.length);
    const route = [...parsed.decls.values()].map((l) => l[0]).find((l) => l.startsWith('web http'))!;
    expect(route).toBe('web http#35;1 end#34;] --#62; x[boom<br/>header x-evil=#34;#62;#60;script#62;alert(1)#60;/script#62;#124;#96;#35;');
  });
});

describe('mesh.md', () => {
  test('a heading, what the picture shows, a legend of the kinds present, and the Mermaid block', () => {
    const objs = validated(piMeshObjects('v1'));
    const md = meshMarkdown(objs, { title: 'Mesh of the Raspberry-Pi cluster' });
    const lines = md.split('\n');
    expect(lines[0]).toBe('# Mesh of the Raspberry-Pi cluster');
    expect(md).toContain('1 gateway(s), 3 route(s), 2 service(s), 2 subset(s), 2 authorization edge(s). mesh-wide mTLS STRICT (PeerAuthentication istio-system/default).');
    expect(md).toContain('| hexagon | Istio Gateway: its servers (port, protocol, hosts, TLS) |');
    expect(md).toContain('| green, dotted (allows) | AuthorizationPolicy ALLOW: the caller may call (ports, methods, paths) |');
    expect(md).not.toContain('(denies)');
    const block = md.slice(md.indexOf('```mermaid\n') + '```mermaid\n'.length, md.lastIndexOf('```'));
    expect(block).toBe(toMermaid(buildMeshGraph(objs)));
    expect(md.endsWith('```\n')).toBe(true);
    expect(meshMarkdownFromGraph(buildMeshGraph(objs), { title: 'Mesh of the Raspberry-Pi cluster' })).toBe(md);
  });

  test('a mesh beyond the default Mermaid limits says so above the diagram', () => {
    const objs: K8sObject[] = [];
    for (let i = 0; i < 120; i++) {
      objs.push(
        net('VirtualService', `svc-${i}`, `team-${i % 5}`, {
          hosts: [`svc-${i}`],
          http: [{ route: [{ destination: { host: `svc-${i}`, subset: 'v1' }, weight: 90 }, { destination: { host: `svc-${i}`, subset: 'v2' }, weight: 10 }] }],
        }),
        net('DestinationRule', `svc-${i}`, `team-${i % 5}`, { host: `svc-${i}`, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
      );
    }
    const small = buildMeshGraph(validated(objs.slice(0, 40)));
    expect(small.edges.length).toBe(20 * 6);
    expect(meshMarkdownFromGraph(small)).not.toContain('Too large');
    const bigger = buildMeshGraph(validated(objs));
    expect(bigger.edges.length).toBe(720);
    const md = meshMarkdownFromGraph(bigger);
    expect(md).toMatch(/> \*\*Too large for Mermaid's default limits\*\* \(\d+ characters, 720 links; Mermaid stops at 50000 and 500\)/);
    expect(md).toContain('```mermaid\n' + toMermaid(bigger) + '```');
  });

  test('no Istio objects: a valid minimal picture', () => {
    const md = meshMarkdown([]);
    expect(md.split('\n')[0]).toBe('# Istio mesh');
    expect(md).toContain('no mesh-wide PeerAuthentication: Istio default mTLS PERMISSIVE');
    const mermaid = toMermaid(buildMeshGraph([]));
    expect(mermaid).toBe('flowchart LR\n  empty["No Istio gateways, routes or policies in these objects"]\n');
    expect(md).toContain('```mermaid\n' + mermaid + '```');
    expect(md).not.toContain('| shape |');
  });
});
