import { buildMeshGraph, dotToSvg, renderMeshPicture, toDot, toMermaid } from '../../src/picture';
import { K8sObject, validateAll } from '../support/schema';
import { net, sec } from './helpers';
import { piMeshObjects } from './pi-fixture';

function validated(objs: K8sObject[]): K8sObject[] {
  expect(validateAll(objs)).toBe(objs.length);
  return objs;
}

/** Text content of the SVG's <text> elements, entities decoded. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

describe('DOT', () => {
  const graph = buildMeshGraph(validated(piMeshObjects('v1beta1')));
  const dot = toDot(graph, { title: 'raspberry-pi' });

  test('left to right, a cluster per namespace, a cluster around the service with subsets', () => {
    expect(dot.startsWith('digraph mesh {\n')).toBe(true);
    expect(dot).toContain('rankdir=LR');
    for (const ns of ['argocd', 'istio-system', 'trading']) expect(dot).toContain(`subgraph "cluster_ns_${ns}" {`);
    expect(dot).toContain('subgraph "cluster_svc_trading_agent_service_trading" {');
    // traffic enters at the left: gateway pods and sidecars share the first rank
    expect(dot).toContain('{ rank=min; "gwpods_istio_ingressgateway"; "mesh_mesh"; }');
  });

  test('every drawn edge is in the DOT; subset membership is drawn as the service cluster instead', () => {
    const arrows = dot.split('\n').filter((l) => l.includes(' -> '));
    expect(arrows).toHaveLength(graph.edges.filter((e) => e.kind !== 'subset').length);
    expect(dot).toContain('"route_trading_trading_canary_http_0001" -> "subset_trading_agent_service_trading_v1" [color="#37474f", fontcolor="#37474f", label=<90%>, penwidth=2.80];');
    expect(dot).toMatch(/"caller_principal_cluster_local_ns_istio_system_sa_prometheus" -> "wl_trading_app_trading_agent" \[color="#2e7d32", fontcolor="#2e7d32", label=<ports 8888>, style=dashed/);
  });

  test('HTML label text is escaped', () => {
    const objs = validated([
      net('VirtualService', 'web', 'shop', {
        hosts: ['web'],
        http: [{ name: 'a"b', match: [{ headers: { 'x-evil': { exact: '<b>&"\'</b>' } } }], route: [{ destination: { host: 'web' } }] }],
      }),
    ]);
    const text = toDot(buildMeshGraph(objs));
    expect(text).toContain('header x-evil=&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;');
    const label = /"route_shop_web_http_0000" \[label=<(.*?)>, shape=/.exec(text)![1];
    expect(label).not.toContain('<b>&');
    expect(label).toContain('web http#1 a&quot;b');
    // the tooltip is a quoted DOT string: only quotes are escaped there
    expect(text).toContain('tooltip="web http#1 a\\"b | header x-evil=<b>&\\"\'</b> | VirtualService shop/web"');
  });
});

describe('SVG through @viz-js/viz', () => {
  let first: { mermaid: string; svg: string; markdown: string };
  beforeAll(async () => {
    first = await renderMeshPicture(validated(piMeshObjects('v1beta1')), { title: 'raspberry-pi' });
  });

  test('an SVG document that names every host, service, route match, weight and caller', () => {
    expect(first.svg).toMatch(/^<\?xml[^>]*>\s*<!DOCTYPE svg[^>]*>\s*<svg /);
    expect(first.svg.trimEnd().endsWith('</svg>')).toBe(true);
    const texts = svgTexts(first.svg);
    for (const t of [
      'raspberry-pi',
      'trading-gateway',
      '*',
      'trading-agent-service',
      'trading-app-service',
      'prefix /api/v2',
      '90%',
      '10%',
      'subset v1',
      'subset v2',
      'version=v2',
      'ports 8888',
      'service account prometheus',
      'app=trading-agent',
      'DEFAULT DENY: only the callers shown get in',
      'namespace trading: mTLS STRICT (mesh-wide)',
      'mTLS PERMISSIVE (legacy-service-permissive)',
    ]) {
      expect(texts).toContain(t);
    }
    // hyphens are written plainly (no &#45;) and there are no comments left
    expect(first.svg).not.toContain('&#45;');
    expect(first.svg).not.toContain('<!--');
  });

  test('mermaid and markdown come with it', () => {
    expect(first.mermaid).toBe(toMermaid(buildMeshGraph(piMeshObjects('v1beta1'))));
    expect(first.markdown.startsWith('# raspberry-pi\n')).toBe(true);
    expect(first.markdown).toContain('```mermaid\n' + first.mermaid + '```');
  });

  test('deterministic: byte-identical SVG and Mermaid for the same objects, in any order, v1 or v1beta1', async () => {
    const again = await renderMeshPicture(piMeshObjects('v1beta1'), { title: 'raspberry-pi' });
    const reversed = await renderMeshPicture([...piMeshObjects('v1beta1')].reverse(), { title: 'raspberry-pi' });
    const v1 = await renderMeshPicture(validated(piMeshObjects('v1')), { title: 'raspberry-pi' });
    for (const other of [again, reversed, v1]) {
      expect(other.svg).toBe(first.svg);
      expect(other.mermaid).toBe(first.mermaid);
      expect(other.markdown).toBe(first.markdown);
    }
  });

  test('no Istio objects: a valid minimal SVG', async () => {
    const pic = await renderMeshPicture([]);
    expect(pic.svg).toContain('<svg ');
    expect(svgTexts(pic.svg)).toEqual(expect.arrayContaining(['Istio mesh', 'No Istio gateways, routes or policies in these objects']));
    expect(pic.mermaid.startsWith('flowchart LR\n')).toBe(true);
  });

  test('hostile text is escaped in the SVG', async () => {
    const objs = validated([
      sec('AuthorizationPolicy', 'p', 'shop', {
        selector: { matchLabels: { app: 'web' } },
        rules: [{ to: [{ operation: { paths: ['/<script>alert("x")</script>&'] } }] }],
      }),
    ]);
    const { svg } = await renderMeshPicture(objs);
    expect(svg).not.toContain('<script>');
    expect(svgTexts(svg)).toContain('/<script>alert("x")</script>&');
  });

  test('graphs above maxSvgNodes get a note instead of a slow layout', async () => {
    const objs = validated(piMeshObjects('v1'));
    const nodes = buildMeshGraph(objs).nodes.length;
    const { svg, mermaid } = await renderMeshPicture(objs, { maxSvgNodes: nodes - 1 });
    expect(svgTexts(svg).join(' ')).toContain(`Istio mesh: ${nodes} nodes and 14 edges, more than the ${nodes - 1} nodes laid out as SVG.`);
    expect(svg).not.toContain('trading-gateway');
    expect(mermaid).toContain('trading-gateway');
    const full = await renderMeshPicture(objs, { maxSvgNodes: nodes });
    expect(svgTexts(full.svg)).toContain('trading-gateway');
  });

  test('Graphviz errors surface as exceptions', async () => {
    await expect(dotToSvg('digraph { a -> }')).rejects.toThrow();
  });
});
