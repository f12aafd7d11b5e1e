/**
 * Builds the {@link MeshGraph} from plain objects: Istio Gateways, VirtualServices, DestinationRules,
 * ServiceEntries, AuthorizationPolicies and PeerAuthentications (networking/security.istio.io, any
 * served version), plus Kubernetes Deployments and Services to name the workloads they select.
 */
import { MeshEdge, MeshEdgeKind, MeshGraph, MeshGraphOptions, MeshMark, MeshNamespace, MeshNode, MeshNodeKind, MtlsMode } from './model';
import { cmp, Json, labelMap, labelsWithin, labelText, list, obj, ReadObject, readObjects, text, texts } from './read';
import {
  conditionText,
  httpActionLines,
  httpMatchText,
  l4MatchText,
  matchLines,
  operationText,
  routeMatches,
  serverText,
  trafficPolicyLines,
} from './summarize';
import { hostWithin, narrowerHost } from '../internal/host-match';
import { checkKnownKeys } from '../resource/keys';
import { callScope } from '../validation';
import { MESH_GRAPH_OPTIONS } from './shapes';

const NETWORKING = 'networking.istio.io';
const SECURITY = 'security.istio.io';

/** Id prefix per node kind (never starting with `o` or `x`, which Mermaid reads as edge ends). */
const PREFIX: Record<MeshNodeKind, string> = {
  gatewayWorkload: 'gwpods',
  gateway: 'gw',
  mesh: 'mesh',
  host: 'host',
  route: 'route',
  service: 'svc',
  subset: 'subset',
  workload: 'wl',
  caller: 'caller',
};

interface Draft {
  key: string;
  kind: MeshNodeKind;
  label: string;
  namespace?: string;
  details: string[];
  marks: Set<MeshMark>;
  sources: Set<string>;
  /** Pod labels a workload node selects (workload nodes chosen by labels only). */
  selector?: Record<string, string>;
}

interface DraftEdge {
  from: string;
  to: string;
  kind: MeshEdgeKind;
  label: string;
  weight?: number;
  port?: number;
  ports?: string[];
}

/** Host of a gateway server entry (`ns/host`) and which VirtualService namespaces may bind it. */
interface ServerHost {
  readonly host: string;
  readonly ns: string; // '*' for any
  readonly port: string;
}

class GraphDraft {
  public readonly nodes = new Map<string, Draft>();
  public readonly edges = new Map<string, DraftEdge>();

  public node(kind: MeshNodeKind, rawKey: string, label: string, namespace: string | undefined, source?: string): Draft {
    const key = `${kind}|${rawKey}`;
    let n = this.nodes.get(key);
    if (!n) {
      n = { key, kind, label, namespace, details: [], marks: new Set(), sources: new Set() };
      this.nodes.set(key, n);
    }
    if (source) n.sources.add(source);
    return n;
  }

  public detail(n: Draft, ...lines: string[]): void {
    for (const l of lines) if (l && !n.details.includes(l)) n.details.push(l);
  }

  public edge(from: Draft, to: Draft, kind: MeshEdgeKind, label = '', extra: Partial<Pick<DraftEdge, 'weight' | 'port' | 'ports'>> = {}): void {
    const key = `${from.key}\u0000${to.key}\u0000${kind}\u0000${label}`;
    if (!this.edges.has(key)) this.edges.set(key, { from: from.key, to: to.key, kind, label, ...extra });
  }
}

/** Host-name helpers bound to the cluster's domain suffix. */
class Hosts {
  private readonly clusterTail: string;

  public constructor(suffix: string) {
    this.clusterTail = `.svc.${suffix}`;
  }

  /** Istio's short-name rule: a host without a dot (and no wildcard) lives in the namespace of the rule naming it. */
  public resolve(host: string, ns: string): string {
    const h = host.trim().toLowerCase();
    if (h.includes('.') || h.includes('*')) return h;
    return `${h}.${ns}${this.clusterTail}`;
  }

  /** The namespace of a cluster service host (`name.ns.svc.<suffix>`), if it is one. */
  public namespaceOf(fqdn: string): string | undefined {
    if (!fqdn.endsWith(this.clusterTail)) return undefined;
    const parts = fqdn.slice(0, -this.clusterTail.length).split('.');
    return parts.length === 2 && !parts[0].includes('*') && !parts[1].includes('*') ? parts[1] : undefined;
  }

  /** The short name drawn for a host: `name` for cluster services, the host itself otherwise. */
  public short(fqdn: string): string {
    return this.namespaceOf(fqdn) ? fqdn.split('.')[0] : fqdn;
  }
}

function ref(o: ReadObject): string {
  return `${o.kind} ${o.namespace}/${o.name}`;
}

function mtlsModeOf(v: unknown): MtlsMode | undefined {
  const m = text(obj(v)?.mode)?.toUpperCase();
  return m === 'STRICT' || m === 'PERMISSIVE' || m === 'DISABLE' ? m : undefined;
}

const MTLS_MARK: Record<MtlsMode, MeshMark> = { STRICT: 'mtls-strict', PERMISSIVE: 'mtls-permissive', DISABLE: 'mtls-disable' };

/** A Deployment, StatefulSet or DaemonSet and the labels of its pods. */
interface PodOwner {
  readonly o: ReadObject;
  readonly labels: Record<string, string>;
}

/** A Kubernetes Service that selects pods (its selector is not empty). */
interface SelectingService {
  readonly o: ReadObject;
  readonly selector: Record<string, string>;
}

/** What the steps read: the objects by kind (in {@link readObjects} order) and the cluster's naming context. */
interface MeshIndex {
  readonly hosts: Hosts;
  readonly rootNs: string;
  readonly domainSuffix: string;
  readonly gateways: ReadObject[];
  readonly virtualServices: ReadObject[];
  readonly serviceEntries: ReadObject[];
  readonly destinationRules: ReadObject[];
  readonly authorizationPolicies: ReadObject[];
  readonly peerAuthentications: ReadObject[];
  readonly podOwners: PodOwner[];
  readonly k8sServices: SelectingService[];
}

/** A Gateway read into the draft: its node and the hosts its servers accept. */
interface PlannedGateway {
  readonly o: ReadObject;
  readonly node: Draft;
  readonly servers: ServerHost[];
}

/** Mesh-wide and per-namespace mTLS, from the PeerAuthentications without a selector. */
interface MtlsPlan {
  readonly meshMtls: MeshGraph['meshMtls'];
  readonly nsMtls: Map<string, { mode: MtlsMode; policy: string }>;
}

/**
 * Reads plain objects (synthesized charts or any parsed YAML) into the mesh graph.
 *
 * Objects that are not Istio traffic or security resources are ignored, except Deployments and
 * Services, which name the pods a Gateway or policy selects. Fields of unexpected types are skipped.
 */
export function buildMeshGraph(objects: ReadonlyArray<unknown>, options: MeshGraphOptions = {}): MeshGraph {
  checkKnownKeys(callScope('buildMeshGraph'), 'options', options, MESH_GRAPH_OPTIONS);
  const index = indexObjects(objects, options);
  const g = new GraphDraft();
  // The steps run in this order: later ones read nodes earlier ones drew (DestinationRules attach to
  // the services routes name; Services select the workloads policies name).
  const gateways = planGateways(g, index);
  const routedServerHosts = planVirtualServices(g, index, gateways);
  planUnroutedServerHosts(g, gateways, routedServerHosts);
  planServiceEntries(g, index);
  planDestinationRules(g, index);
  planAuthorizationPolicies(g, index);
  const mtls = planPeerAuthentications(g, index);
  planServiceSelections(g, index);
  return finish(g, mtls.nsMtls, mtls.meshMtls, index.rootNs, index.domainSuffix);
}

/** Step 1: the objects by kind, and the pods and Services that name what Gateways and policies select. */
function indexObjects(objects: ReadonlyArray<unknown>, options: MeshGraphOptions): MeshIndex {
  const domainSuffix = options.domainSuffix ?? 'cluster.local';
  const all = readObjects(objects);
  const of = (group: string, kind: string) => all.filter((o) => o.group === group && o.kind === kind);
  return {
    hosts: new Hosts(domainSuffix),
    rootNs: options.rootNamespace ?? 'istio-system',
    domainSuffix,
    gateways: of(NETWORKING, 'Gateway'),
    virtualServices: of(NETWORKING, 'VirtualService'),
    serviceEntries: of(NETWORKING, 'ServiceEntry'),
    destinationRules: of(NETWORKING, 'DestinationRule'),
    authorizationPolicies: of(SECURITY, 'AuthorizationPolicy'),
    peerAuthentications: of(SECURITY, 'PeerAuthentication'),
    podOwners: all
      .filter((o) => o.group === 'apps' && (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'DaemonSet'))
      .map((o) => ({ o, labels: labelMap(obj(obj(o.spec.template)?.metadata)?.labels) ?? {} })),
    k8sServices: all
      .filter((o) => o.group === '' && o.kind === 'Service')
      .map((o) => ({ o, selector: labelMap(o.spec.selector) ?? {} }))
      .filter((s) => Object.keys(s.selector).length > 0),
  };
}

/** The service node of a host (marked external unless it is a cluster service). */
function serviceNode(g: GraphDraft, hosts: Hosts, fqdn: string, source?: string): Draft {
  const ns = hosts.namespaceOf(fqdn);
  const n = g.node('service', fqdn, hosts.short(fqdn), ns, source);
  if (!ns) n.marks.add('external');
  return n;
}

/** The subset node of a service, with its `subset` edge. */
function subsetNode(g: GraphDraft, svc: Draft, fqdn: string, name: string, source?: string): Draft {
  const n = g.node('subset', `${fqdn}|${name}`, `subset ${name}`, svc.namespace, source);
  g.edge(svc, n, 'subset');
  return n;
}

/** Step 2: Gateways, their server hosts, and the pods (and Services in front of them) that serve them. */
function planGateways(g: GraphDraft, index: MeshIndex): Map<string, PlannedGateway> {
  const gateways = new Map<string, PlannedGateway>();
  for (const o of index.gateways) {
    const node = g.node('gateway', `${o.namespace}/${o.name}`, o.name, o.namespace, ref(o));
    const servers: ServerHost[] = [];
    for (const s of list(o.spec.servers)) {
      g.detail(node, serverText(s));
      const so = obj(s) ?? {};
      const port = obj(so.port) ?? {};
      const portText = `${text(port.number) ?? '?'}/${text(port.protocol) ?? '?'}`;
      for (const entry of texts(so.hosts)) {
        const slash = entry.indexOf('/');
        const nsPart = slash < 0 ? '*' : entry.slice(0, slash);
        servers.push({ host: (slash < 0 ? entry : entry.slice(slash + 1)).toLowerCase(), ns: nsPart === '.' ? o.namespace : nsPart, port: portText });
      }
    }
    gateways.set(`${o.namespace}/${o.name}`, { o, node, servers });
    planGatewayPods(g, index, o, node);
  }
  return gateways;
}

/** The pods a Gateway selects (one node per selector), the workloads and Services behind them. */
function planGatewayPods(g: GraphDraft, index: MeshIndex, o: ReadObject, gatewayNode: Draft): void {
  const selector = labelMap(o.spec.selector) ?? {};
  const matched = index.podOwners.filter((d) => labelsWithin(selector, d.labels));
  const matchedNs = [...new Set(matched.map((d) => d.o.namespace))];
  const wlNs = matchedNs.length === 1 ? matchedNs[0] : undefined;
  const selText = Object.keys(selector).length ? labelText(selector) : 'all pods';
  const pods = g.node('gatewayWorkload', `${wlNs ?? '*'}|${selText}`, selText, wlNs, ref(o));
  g.detail(pods, ...matched.map((d) => `${d.o.kind} ${d.o.namespace}/${d.o.name}`));
  for (const svc of index.k8sServices) {
    const podsMatch = matched.length ? matched.some((d) => labelsWithin(svc.selector, d.labels)) : labelsWithin(svc.selector, selector);
    if (podsMatch) {
      const ports = list(svc.o.spec.ports).map((p) => text(obj(p)?.port)).filter(Boolean);
      g.detail(pods, `Service ${svc.o.namespace}/${svc.o.name}${ports.length ? ' :' + ports.join(', :') : ''}`);
    }
  }
  g.edge(pods, gatewayNode, 'serves');
}

/**
 * Step 3: VirtualServices: the hosts each is reachable on (per bound gateway or the mesh), its routes
 * and their destinations. Returns the gateway server hosts some VirtualService routes (`gatewayKey|host`).
 */
function planVirtualServices(g: GraphDraft, index: MeshIndex, gateways: ReadonlyMap<string, PlannedGateway>): Set<string> {
  const routedServerHosts = new Set<string>();
  for (const o of index.virtualServices) {
    const resolveGw = (r: string): string => {
      if (r === 'mesh') return 'mesh';
      if (r.includes('/')) return r;
      if (r.includes('.')) {
        const [name, ns] = r.split('.');
        return `${ns}/${name}`;
      }
      return `${o.namespace}/${r}`;
    };
    const gwRefs = texts(o.spec.gateways);
    const vsGateways = (gwRefs.length ? gwRefs : ['mesh']).map(resolveGw);
    const hostNodes = planVirtualServiceHosts(g, index.hosts, o, vsGateways, gateways, routedServerHosts);
    planRoutes(g, index.hosts, o, vsGateways, resolveGw, hostNodes);
  }
  return routedServerHosts;
}

/** The host nodes a VirtualService is reachable on, per bound gateway key (or `mesh`), in key order. */
function planVirtualServiceHosts(
  g: GraphDraft,
  hosts: Hosts,
  o: ReadObject,
  vsGateways: string[],
  gateways: ReadonlyMap<string, PlannedGateway>,
  routedServerHosts: Set<string>,
): Map<string, Draft[]> {
  const vsHosts = texts(o.spec.hosts);
  const hostNodes = new Map<string, Draft[]>();
  for (const gwKey of [...new Set(vsGateways)].sort(cmp)) {
    hostNodes.set(gwKey, gwKey === 'mesh' ? planMeshHosts(g, hosts, o, vsHosts) : planGatewayHosts(g, hosts, o, vsHosts, gwKey, gateways.get(gwKey), routedServerHosts));
  }
  return hostNodes;
}

/** The hosts of a VirtualService bound to the mesh (sidecars): one node per host, exposed by the mesh node. */
function planMeshHosts(g: GraphDraft, hosts: Hosts, o: ReadObject, vsHosts: string[]): Draft[] {
  const nodes: Draft[] = [];
  const meshNode = g.node('mesh', 'mesh', 'mesh', undefined);
  meshNode.sources.add(ref(o));
  for (const h of vsHosts) {
    const fqdn = hosts.resolve(h, o.namespace);
    const hn = g.node('host', `mesh|${fqdn}`, h, hosts.namespaceOf(fqdn) ?? (h.includes('*') ? o.namespace : undefined), ref(o));
    if (!hosts.namespaceOf(fqdn) && !h.includes('*')) hn.marks.add('external');
    g.edge(meshNode, hn, 'exposes');
    nodes.push(hn);
  }
  return nodes;
}

/**
 * The hosts of a VirtualService bound to one gateway: per host, the server hosts that accept it (the
 * narrower of the two, with the server ports), or one `unmatched-host` node when none does. A gateway
 * not among the objects is drawn `not-found`. Adds the server hosts it routes to `routedServerHosts`.
 */
function planGatewayHosts(
  g: GraphDraft,
  hosts: Hosts,
  o: ReadObject,
  vsHosts: string[],
  gwKey: string,
  gw: PlannedGateway | undefined,
  routedServerHosts: Set<string>,
): Draft[] {
  const nodes: Draft[] = [];
  let gwNode: Draft;
  if (gw) {
    gwNode = gw.node;
  } else {
    const [gns, gname] = gwKey.split('/');
    gwNode = g.node('gateway', gwKey, gname, gns);
    gwNode.marks.add('not-found');
    g.detail(gwNode, 'not among these objects');
  }
  gwNode.sources.add(ref(o));
  for (const h of vsHosts) {
    const vh = h.includes('*') || h.includes('.') ? h.toLowerCase() : hosts.resolve(h, o.namespace);
    const byHost = new Map<string, string[]>();
    for (const s of gw?.servers ?? []) {
      if (s.ns !== '*' && s.ns !== o.namespace) continue;
      const eff = narrowerHost(vh, s.host) ?? narrowerHost(h.toLowerCase(), s.host);
      if (eff === undefined) continue;
      routedServerHosts.add(`${gwKey}|${s.host}`);
      const ports = byHost.get(eff) ?? [];
      if (!ports.includes(s.port)) ports.push(s.port);
      byHost.set(eff, ports);
    }
    if (byHost.size === 0) {
      const hn = g.node('host', `gw|${gwKey}|${h}`, h, gwNode.namespace, ref(o));
      if (gw) {
        hn.marks.add('unmatched-host');
        g.detail(hn, 'no server of the gateway accepts it');
      }
      g.edge(gwNode, hn, 'exposes');
      nodes.push(hn);
    }
    for (const eff of [...byHost.keys()].sort(cmp)) {
      const label = eff === vh ? h : eff;
      const hn = g.node('host', `gw|${gwKey}|${eff}`, label, gwNode.namespace, ref(o));
      const ports = byHost.get(eff)!.sort(cmp);
      g.edge(gwNode, hn, 'exposes', ports.join(', '), { ports });
      nodes.push(hn);
    }
  }
  return nodes;
}

/** The route nodes of a VirtualService (http, tcp, tls in order), matched from its hosts, with their destinations and mirrors. */
function planRoutes(
  g: GraphDraft,
  hosts: Hosts,
  o: ReadObject,
  vsGateways: string[],
  resolveGw: (r: string) => string,
  hostNodes: ReadonlyMap<string, Draft[]>,
): void {
  for (const proto of ['http', 'tcp', 'tls'] as const) {
    list(o.spec[proto]).forEach((r, i) => {
      const route = obj(r) ?? {};
      const name = text(route.name);
      const rn = g.node('route', `${o.namespace}/${o.name}/${proto}/${String(i).padStart(4, '0')}`, `${o.name} ${proto}#${i + 1}${name ? ' ' + name : ''}`, o.namespace, ref(o));
      const matches = routeMatches(route);
      g.detail(rn, ...matchLines(matches, proto === 'http' ? httpMatchText : l4MatchText, proto === 'http' ? 'any request' : 'any connection'));
      if (proto === 'http') g.detail(rn, ...httpActionLines(route));

      // which gateways this route applies to: match-level gateways override the VirtualService's
      const routeGws = new Set<string>();
      if (!matches.length) vsGateways.forEach((x) => routeGws.add(x));
      for (const m of matches) {
        const mg = texts(obj(m)?.gateways);
        (mg.length ? mg.map(resolveGw) : vsGateways).forEach((x) => routeGws.add(x));
      }
      for (const gwKey of [...routeGws].sort(cmp)) for (const hn of hostNodes.get(gwKey) ?? []) g.edge(hn, rn, 'matches');

      planDestinations(g, hosts, o, route, rn);
      if (proto === 'http') planMirrors(g, hosts, o, route, rn);
    });
  }
}

/** The `routes` edges of one route to its destinations (services or subsets), with weight and port. */
function planDestinations(g: GraphDraft, hosts: Hosts, o: ReadObject, route: Json, rn: Draft): void {
  const dests = list(route.route);
  dests.forEach((d) => {
    const dw = obj(d) ?? {};
    const dest = obj(dw.destination) ?? {};
    const host = text(dest.host);
    if (!host) return;
    const fqdn = hosts.resolve(host, o.namespace);
    const svc = serviceNode(g, hosts, fqdn);
    const sub = text(dest.subset);
    const target = sub ? subsetNode(g, svc, fqdn, sub) : svc;
    const rawWeight = text(dw.weight);
    const weight = rawWeight !== undefined ? Number(rawWeight) : dests.length === 1 ? 100 : undefined;
    const port = text(obj(dest.port)?.number);
    const label = [weight !== undefined && !Number.isNaN(weight) ? `${weight}%` : '', port ? `:${port}` : ''].filter(Boolean).join(' ');
    g.edge(rn, target, 'routes', label, {
      ...(weight !== undefined && !Number.isNaN(weight) ? { weight } : {}),
      ...(port ? { port: Number(port) } : {}),
    });
  });
}

/** The `mirrors` edges of one HTTP route (`mirror` then `mirrors`), with percentage and port. */
function planMirrors(g: GraphDraft, hosts: Hosts, o: ReadObject, route: Json, rn: Draft): void {
  const mirrors: Array<{ dest: Json; pct?: string }> = [];
  const single = obj(route.mirror);
  if (single) mirrors.push({ dest: single, pct: text(obj(route.mirrorPercentage)?.value) ?? text(route.mirrorPercent) });
  for (const m of list(route.mirrors)) {
    const mo = obj(m) ?? {};
    const dest = obj(mo.destination);
    if (dest) mirrors.push({ dest, pct: text(obj(mo.percentage)?.value) });
  }
  for (const m of mirrors) {
    const host = text(m.dest.host);
    if (!host) continue;
    const fqdn = hosts.resolve(host, o.namespace);
    const svc = serviceNode(g, hosts, fqdn);
    const sub = text(m.dest.subset);
    const port = text(obj(m.dest.port)?.number);
    const pct = m.pct !== undefined ? Number(m.pct) : 100;
    g.edge(rn, sub ? subsetNode(g, svc, fqdn, sub) : svc, 'mirrors', `mirror ${pct}%${port ? ' :' + port : ''}`, {
      weight: pct,
      ...(port ? { port: Number(port) } : {}),
    });
  }
}

/** Step 4: gateway server hosts no VirtualService routes, marked `unrouted` (gateways in key order). */
function planUnroutedServerHosts(g: GraphDraft, gateways: ReadonlyMap<string, PlannedGateway>, routedServerHosts: ReadonlySet<string>): void {
  for (const [gwKey, gw] of [...gateways.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const seen = new Set<string>();
    for (const s of gw.servers) {
      if (routedServerHosts.has(`${gwKey}|${s.host}`) || seen.has(s.host)) continue;
      seen.add(s.host);
      const hn = g.node('host', `gw|${gwKey}|${s.host}`, s.host, gw.o.namespace, ref(gw.o));
      hn.marks.add('unrouted');
      g.detail(hn, 'no VirtualService routes it');
      const ports = gw.servers.filter((x) => x.host === s.host).map((x) => x.port).filter((p, i, a) => a.indexOf(p) === i).sort(cmp);
      g.edge(gw.node, hn, 'exposes', ports.join(', '), { ports });
    }
  }
}

/** Step 5: ServiceEntries: a service node per host, external unless the entry is MESH_INTERNAL. */
function planServiceEntries(g: GraphDraft, index: MeshIndex): void {
  for (const o of index.serviceEntries) {
    const internal = text(o.spec.location) === 'MESH_INTERNAL';
    const ports = list(o.spec.ports).map((p) => {
      const po = obj(p) ?? {};
      return `${text(po.number) ?? '?'}/${text(po.protocol) ?? '?'}`;
    });
    for (const h of texts(o.spec.hosts)) {
      const n = serviceNode(g, index.hosts, h.toLowerCase(), ref(o));
      if (internal) n.marks.delete('external');
      else n.marks.add('external');
      g.detail(n, `ServiceEntry ${o.name}${ports.length ? ' ' + ports.join(', ') : ''}${internal ? ' (mesh internal)' : ''}`);
    }
  }
}

/**
 * Step 6: DestinationRules: the services they name, the rule that applies to each service (exact host,
 * else the narrowest wildcard), its subsets; subsets routes name that no rule defines are marked.
 */
function planDestinationRules(g: GraphDraft, index: MeshIndex): void {
  const rules = index.destinationRules.map((o) => ({ o, host: index.hosts.resolve(text(o.spec.host) ?? '', o.namespace) }));
  for (const r of rules) if (r.host && !r.host.includes('*')) serviceNode(g, index.hosts, r.host, ref(r.o));
  for (const r of rules.filter((x) => x.host.includes('*'))) {
    const covered = [...g.nodes.values()].some((n) => n.kind === 'service' && hostWithin(n.key.slice('service|'.length), r.host));
    if (!covered) serviceNode(g, index.hosts, r.host, ref(r.o));
  }
  const definedSubsets = new Set<string>(); // fqdn|subset
  const serviceNodes = [...g.nodes.values()].filter((n) => n.kind === 'service').sort((a, b) => cmp(a.key, b.key));
  for (const svc of serviceNodes) {
    const fqdn = svc.key.slice('service|'.length);
    const exact = rules.filter((r) => r.host === fqdn);
    const applying = exact.length ? exact : rules.filter((r) => r.host && hostWithin(fqdn, r.host)).sort((a, b) => b.host.length - a.host.length).slice(0, 1);
    for (const r of applying) {
      svc.sources.add(ref(r.o));
      g.detail(svc, `DestinationRule ${r.o.name}`, ...trafficPolicyLines(r.o.spec.trafficPolicy));
      for (const s of list(r.o.spec.subsets)) {
        const so = obj(s) ?? {};
        const name = text(so.name);
        if (!name) continue;
        definedSubsets.add(`${fqdn}|${name}`);
        const sn = subsetNode(g, svc, fqdn, name, ref(r.o));
        const labels = labelMap(so.labels);
        if (labels && Object.keys(labels).length) g.detail(sn, labelText(labels));
        g.detail(sn, ...trafficPolicyLines(so.trafficPolicy));
      }
    }
  }
  for (const n of g.nodes.values()) {
    if (n.kind === 'subset' && !definedSubsets.has(n.key.slice('subset|'.length))) {
      n.marks.add('undefined-subset');
      g.detail(n, 'no DestinationRule defines it');
    }
  }
}

/** The workload node a policy applies to: its targetRefs, its selector, or every workload of its namespace (or the mesh, in the root namespace). */
function policyWorkload(g: GraphDraft, o: ReadObject, rootNs: string): Draft {
  const selector = labelMap(obj(o.spec.selector)?.matchLabels) ?? {};
  const targetRefs = [obj(o.spec.targetRef), ...list(o.spec.targetRefs).map(obj)].filter((x): x is Json => !!x);
  if (targetRefs.length) {
    const names = targetRefs.map((t) => `${text(t.kind) ?? '?'} ${text(t.name) ?? '?'}`).sort(cmp);
    return g.node('workload', `${o.namespace}|ref|${names.join(',')}`, names.join(', '), o.namespace, ref(o));
  }
  if (Object.keys(selector).length) {
    const n = g.node('workload', `${o.namespace}|${labelText(selector)}`, labelText(selector), o.namespace, ref(o));
    n.selector = selector;
    return n;
  }
  if (o.namespace === rootNs) {
    const n = g.node('workload', `${rootNs}|*mesh`, 'every workload in the mesh', rootNs, ref(o));
    n.marks.add('mesh-wide');
    return n;
  }
  const n = g.node('workload', `${o.namespace}|*`, 'every workload', o.namespace, ref(o));
  n.marks.add('namespace-wide');
  return n;
}

const EDGE_OF: Record<string, MeshEdgeKind> = { ALLOW: 'allows', DENY: 'denies', AUDIT: 'audits', CUSTOM: 'delegates' };

/** Step 7: AuthorizationPolicies: who may call whom, one edge per rule source and target workload. */
function planAuthorizationPolicies(g: GraphDraft, index: MeshIndex): void {
  // A target is "deny all" only when every ALLOW policy on it has no rules; one ALLOW rule lets callers in.
  const allowTargets = new Map<Draft, boolean>();
  for (const o of index.authorizationPolicies) {
    const action = (text(o.spec.action) ?? 'ALLOW').toUpperCase();
    const target = policyWorkload(g, o, index.rootNs);
    const rulesList = list(o.spec.rules);
    const provider = text(obj(o.spec.provider)?.name);
    if (action === 'ALLOW') {
      target.marks.add('default-deny');
      allowTargets.set(target, (allowTargets.get(target) ?? false) || rulesList.length > 0);
      g.detail(target, `ALLOW policy ${o.name}${rulesList.length ? '' : ' (no rules)'}`);
    } else {
      if (action === 'DENY') target.marks.add('has-deny-rules');
      g.detail(target, `${action} policy ${o.name}${provider ? ' via ' + provider : ''}`);
    }
    const kind = EDGE_OF[action] ?? 'allows';
    for (const r of rulesList) {
      const rule = obj(r) ?? {};
      const ops = list(rule.to).map((t) => operationText(obj(t)?.operation));
      const opText = ops.map((x) => x.text).filter(Boolean).join(' | ');
      const when = list(rule.when).map(conditionText);
      const ports = [...new Set(ops.flatMap((x) => x.ports))].sort(cmp);
      const label = [kind === 'delegates' && provider ? `via ${provider}` : '', opText, when.length ? `when ${when.join(' & ')}` : ''].filter(Boolean).join(' ') || 'any request';
      const froms = list(rule.from).map((f) => obj(obj(f)?.source) ?? {});
      const callers = froms.length ? froms.flatMap((src) => callerNodes(g, src, o)) : [g.node('caller', 'any', 'any caller', undefined, ref(o))];
      for (const c of callers) g.edge(c, target, kind, label, ports.length ? { ports } : {});
    }
  }
  for (const [target, hasRules] of allowTargets) if (!hasRules) target.marks.add('deny-all');
}

/** Step 8: PeerAuthentications: mTLS of the mesh and per namespace (first policy wins), and workload exceptions as marks. */
function planPeerAuthentications(g: GraphDraft, index: MeshIndex): MtlsPlan {
  const rootNs = index.rootNs;
  let meshMtls: MeshGraph['meshMtls'] = { mode: 'PERMISSIVE', source: 'default' };
  const nsMtls = new Map<string, { mode: MtlsMode; policy: string }>();
  for (const o of index.peerAuthentications) {
    const mode = mtlsModeOf(o.spec.mtls);
    const selector = labelMap(obj(o.spec.selector)?.matchLabels) ?? {};
    const portLevel = obj(o.spec.portLevelMtls) ?? {};
    if (!Object.keys(selector).length) {
      if (!mode) continue;
      if (o.namespace === rootNs) {
        if (meshMtls.source === 'default') meshMtls = { mode, source: 'mesh', policy: `${o.namespace}/${o.name}` };
      } else if (!nsMtls.has(o.namespace)) {
        nsMtls.set(o.namespace, { mode, policy: `${o.namespace}/${o.name}` });
      }
      continue;
    }
    const wl = policyWorkload(g, o, rootNs);
    if (mode) {
      wl.marks.add(MTLS_MARK[mode]);
      g.detail(wl, `mTLS ${mode} (${o.name})`);
    }
    for (const port of Object.keys(portLevel).sort((a, b) => Number(a) - Number(b) || cmp(a, b))) {
      const pm = mtlsModeOf(portLevel[port]);
      if (!pm) continue;
      wl.marks.add(MTLS_MARK[pm]);
      g.detail(wl, `port ${port}: mTLS ${pm} (${o.name})`);
    }
  }
  return { meshMtls, nsMtls };
}

/** Step 9: `selects` edges from the drawn Kubernetes Services to the policy workloads whose labels they share. */
function planServiceSelections(g: GraphDraft, index: MeshIndex): void {
  for (const svc of index.k8sServices) {
    const svcNode = g.nodes.get(`service|${index.hosts.resolve(svc.o.name, svc.o.namespace)}`);
    if (!svcNode) continue;
    for (const n of g.nodes.values()) {
      const sel = n.selector;
      if (n.kind !== 'workload' || n.namespace !== svc.o.namespace || !sel) continue;
      if (labelsWithin(sel, svc.selector) || labelsWithin(svc.selector, sel)) g.edge(svcNode, n, 'selects');
    }
  }
}

/** The caller nodes of one `from.source` of an AuthorizationPolicy rule. */
function callerNodes(g: GraphDraft, src: Json, o: ReadObject): Draft[] {
  const source = ref(o);
  const fields = ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'];
  const present = fields.filter((f) => texts(src[f]).length > 0);
  if (present.length === 0) return [g.node('caller', 'any', 'any caller', undefined, source)];
  if (present.length === 1 && !present[0].startsWith('not')) {
    const field = present[0];
    return texts(src[field]).map((v) => singleCaller(g, field, v, source));
  }
  // several conditions, ANDed: one node that lists them all
  const lines = present.map((f) => `${FIELD_WORD[f]} ${texts(src[f]).join(', ')}`);
  const nsValues = texts(src.namespaces);
  const ns = nsValues.length === 1 && !nsValues[0].includes('*') ? nsValues[0] : undefined;
  const n = g.node('caller', `all|${lines.join('|')}`, lines[0], ns, source);
  g.detail(n, ...lines.slice(1));
  return [n];
}

const FIELD_WORD: Record<string, string> = {
  principals: 'principal',
  notPrincipals: 'not principal',
  requestPrincipals: 'JWT',
  notRequestPrincipals: 'not JWT',
  namespaces: 'namespace',
  notNamespaces: 'not namespace',
  ipBlocks: 'IP',
  notIpBlocks: 'not IP',
  remoteIpBlocks: 'remote IP',
  notRemoteIpBlocks: 'not remote IP',
};

function singleCaller(g: GraphDraft, field: string, v: string, source: string): Draft {
  if (field === 'namespaces') {
    if (v === '*') return g.node('caller', 'ns|*', 'any namespace', undefined, source);
    if (v.includes('*')) return g.node('caller', `ns|${v}`, `namespaces ${v}`, undefined, source);
    const n = g.node('caller', `ns|${v}`, 'any workload', v, source);
    g.detail(n, `namespace ${v}`);
    return n;
  }
  if (field === 'principals') {
    if (v === '*') return g.node('caller', 'principal|*', 'any mTLS peer', undefined, source);
    const m = /^(.+)\/ns\/([^/*]+)\/sa\/([^/]+)$/.exec(v);
    if (m) {
      const n = g.node('caller', `principal|${v}`, `service account ${m[3]}`, m[2], source);
      g.detail(n, v);
      return n;
    }
    return g.node('caller', `principal|${v}`, `principal ${v}`, undefined, source);
  }
  if (field === 'requestPrincipals') {
    return g.node('caller', `jwt|${v}`, v === '*' ? 'any JWT' : `JWT ${v}`, undefined, source);
  }
  return g.node('caller', `${field}|${v}`, `${FIELD_WORD[field]} ${v}`, undefined, source);
}

/** Safe ids, sorted nodes and edges, and the namespace table. */
function finish(g: GraphDraft, nsMtls: Map<string, { mode: MtlsMode; policy: string }>, meshMtls: MeshGraph['meshMtls'], rootNs: string, suffix: string): MeshGraph {
  // ids: kind prefix + the key's letters and digits (without the cluster's `.svc.<suffix>`, to keep
  // them short); keys that collide get _2, _3, ... in key order
  const drafts = [...g.nodes.values()].sort((a, b) => cmp(a.key, b.key));
  const bySlug = new Map<string, Draft[]>();
  const clusterTail = `.svc.${suffix}`;
  for (const d of drafts) {
    const body = d.key
      .slice(d.key.indexOf('|') + 1)
      .split(clusterTail)
      .join('')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    const slug = `${PREFIX[d.kind]}_${body || 'all'}`;
    bySlug.set(slug, [...(bySlug.get(slug) ?? []), d]);
  }
  const idOf = new Map<string, string>();
  const taken = new Set(bySlug.keys());
  for (const [slug, ds] of bySlug) {
    ds.forEach((d, i) => {
      if (i === 0) {
        idOf.set(d.key, slug);
        return;
      }
      let n = i + 1;
      while (taken.has(`${slug}_${n}`)) n++;
      taken.add(`${slug}_${n}`);
      idOf.set(d.key, `${slug}_${n}`);
    });
  }

  const nodes: MeshNode[] = drafts
    .map((d) => ({
      id: idOf.get(d.key)!,
      kind: d.kind,
      label: d.label,
      details: [...d.details],
      ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
      marks: [...d.marks].sort(cmp),
      sources: [...d.sources].sort(cmp),
    }))
    .sort((a, b) => cmp(a.id, b.id));

  const edges: MeshEdge[] = [...g.edges.values()]
    .map((e) => ({ ...e, from: idOf.get(e.from)!, to: idOf.get(e.to)! }))
    .sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.kind, b.kind) || cmp(a.label, b.label));

  const nsNames = new Set<string>();
  for (const n of nodes) if (n.namespace !== undefined) nsNames.add(n.namespace);
  for (const ns of nsMtls.keys()) nsNames.add(ns);
  if (meshMtls.source === 'mesh') nsNames.add(rootNs);
  const namespaces: MeshNamespace[] = [...nsNames].sort(cmp).map((name) => {
    const own = nsMtls.get(name);
    return {
      name,
      mtls: own ? own.mode : meshMtls.mode,
      mtlsSource: own ? 'namespace' : meshMtls.source,
      ...(own ? { mtlsPolicy: own.policy } : meshMtls.policy ? { mtlsPolicy: meshMtls.policy } : {}),
      root: name === rootNs,
    };
  });

  return { nodes, edges, namespaces, meshMtls, rootNamespace: rootNs };
}
