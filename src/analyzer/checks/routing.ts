/**
 * VirtualService checks: references (gateways, delegates, hosts, subsets), structure, weights,
 * rule order, mesh host conflicts and gateway host coverage.
 */
import { HostIndex, hostsMatch as hostsIntersect, isWildcardHost as isWildcard } from '../../internal/host-match';
import { Entry, Json, MeshModel, Reporter, arr, rec, ref, str } from '../model';
import { checkCrossNetworkDestination } from './cross-network';

const ROUTE_KINDS = ['http', 'tcp', 'tls'] as const;

/** At most this many names are listed in one message. */
const MAX_NAMES = 5;

/** `a, b, c and 4 more`. */
export function listNames(names: readonly string[]): string {
  if (names.length <= MAX_NAMES) return names.join(', ');
  return `${names.slice(0, MAX_NAMES).join(', ')} and ${names.length - MAX_NAMES} more`;
}

/** Splits a Gateway reference of a VirtualService (`name`, `ns/name` or `name.ns.svc...`). */
export function parseGatewayRef(g: string, ns: string): { ns: string; name: string } {
  const slash = g.indexOf('/');
  if (slash >= 0) return { ns: g.slice(0, slash), name: g.slice(slash + 1) };
  if (g.includes('.')) {
    const [name, gns] = g.split('.');
    return { ns: gns, name };
  }
  return { ns, name: g };
}

/** JSON with sorted keys, for comparing match blocks. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Json;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function matchKey(m: unknown): string {
  const r = rec(m);
  if (!r) return canonical(m);
  const { name: _ignored, ...rest } = r;
  return canonical(rest);
}

interface MeshHost {
  readonly vs: Entry;
  readonly field: string;
}

/** Per-Gateway index of the hosts its servers accept, with the namespace part of each. */
interface GatewayHosts {
  readonly index: HostIndex<{ ns: string; host: string }>;
  readonly all: Array<{ ns: string; host: string }>;
}

export function checkVirtualServices(m: MeshModel, r: Reporter): void {
  const meshHosts = new Map<string, MeshHost[]>();
  const gatewayHosts = new Map<Entry, GatewayHosts>();

  for (const vs of m.istio('VirtualService')) {
    if (vs.group !== 'networking.istio.io') continue;
    const ns = vs.ns!;
    const spec = vs.spec;
    const rawHosts = arr(spec.hosts);
    const hosts: Array<{ host: string; i: number }> = [];
    rawHosts.forEach((h, i) => {
      if (typeof h === 'string' && h.length > 0) hosts.push({ host: h, i });
      else r.report('IST0106', vs, `spec.hosts[${i}]`, `Schema validation error: host ${JSON.stringify(h)} is not a non-empty string.`, 'Give every entry of spec.hosts as a host name.');
    });
    const gateways = arr(spec.gateways);

    if (rawHosts.length === 0 && gateways.length > 0) {
      r.report('IST0106', vs, 'spec.hosts',
        'Schema validation error: a VirtualService without hosts is a delegate and must not set gateways.',
        'Add spec.hosts, or remove spec.gateways and reference this VirtualService from another one\'s http[].delegate.');
    }

    // Gateway references.
    const boundGateways: Array<{ gw: Entry; i: number }> = [];
    gateways.forEach((g, i) => {
      if (typeof g !== 'string') return;
      const gw = checkGatewayRef(m, r, vs, g, `spec.gateways[${i}]`);
      // A Gateway that does not exist is one finding (IST0101); istioctl also reports IST0132 for it.
      if (gw && gw !== 'missing') boundGateways.push({ gw, i });
    });

    // Rules of each protocol.
    for (const kind of ROUTE_KINDS) {
      const rules = arr(spec[kind]);
      rules.forEach((ruleRaw, i) => {
        const rule = rec(ruleRaw) ?? {};
        const base = `spec.${kind}[${i}]`;
        checkRuleShape(m, r, vs, kind, rule, base);
        arr(rule.match).forEach((mt, j) => {
          arr(rec(mt)?.gateways).forEach((g, k) => {
            if (typeof g === 'string') checkGatewayRef(m, r, vs, g, `${base}.match[${j}].gateways[${k}]`);
          });
        });
        checkDestinations(m, r, vs, arr(rule.route), `${base}.route`);
        if (kind === 'http') {
          const mirror = rec(rule.mirror);
          if (mirror) checkDestination(m, r, vs, mirror, `${base}.mirror`);
          arr(rule.mirrors).forEach((mm, k) => {
            const d = rec(rec(mm)?.destination);
            if (d) checkDestination(m, r, vs, d, `${base}.mirrors[${k}].destination`);
          });
        }
      });
      checkRuleOrder(r, vs, kind, rules);
    }

    // Mesh-bound hosts (no gateways, or `mesh` among them), keyed like Istio by visibility scope
    // (`*`, or each namespace of exportTo) and FQDN.
    if (gateways.length === 0 || gateways.includes('mesh')) {
      const exportTo = arr(spec.exportTo).filter((x): x is string => typeof x === 'string');
      const scopes = exportTo.length === 0 || exportTo.includes('*') ? ['*'] : [...new Set(exportTo.map((x) => (x === '.' ? ns : x)))];
      const seen = new Set<string>();
      for (const { host, i } of hosts) {
        for (const scope of scopes) {
          const key = `${scope}|${m.resolve(host, ns)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const list = meshHosts.get(key);
          const item = { vs, field: `spec.hosts[${i}]` };
          if (list) list.push(item);
          else meshHosts.set(key, [item]);
        }
      }
    }

    // IST0132: each bound Gateway must accept at least one of the hosts (as Istio checks it: a
    // VirtualService may list in-mesh short names next to the external hosts the Gateway serves).
    if (hosts.length > 0) {
      for (const { gw, i } of boundGateways) {
        let gh = gatewayHosts.get(gw);
        if (!gh) gatewayHosts.set(gw, (gh = indexGatewayHosts(gw)));
        const served = hosts.some(({ host }) => gatewayAccepts(gh!, gw, host, ns) || gatewayAccepts(gh!, gw, m.resolve(host, ns), ns));
        if (!served) {
          const shown = hosts.map((h) => h.host);
          r.report('IST0132', vs, `spec.gateways[${i}]`,
            `None of the hosts [${shown.join(', ')}] of VirtualService ${ref(vs)} is served by Gateway ${ref(gw)} (for namespace ${ns}).`,
            `Add ${shown.length === 1 ? `"${shown[0]}"` : 'the host'} (or a wildcard covering it, visible to namespace ${ns}) to the servers of Gateway ${ref(gw)}, or bind the VirtualService to the Gateway that serves it.`);
        }
      }
    }
  }

  reportMeshConflicts(r, meshHosts);
}

/** The infix of the Gateways istiod generates internally for Gateway API Gateways (`<name>-istio-autogenerated-k8s-gateway-...`). */
const INTERNAL_GATEWAY = '~istio-autogenerated-k8s-gateway~';

/**
 * Resolves a Gateway reference: the Gateway, `'missing'` when the input shows it does not exist (reported
 * IST0101), or undefined (mesh, internal, or not concluded). References to istiod's internal Gateways are IST0165.
 */
function checkGatewayRef(m: MeshModel, r: Reporter, vs: Entry, g: string, field: string): Entry | 'missing' | undefined {
  if (g === 'mesh') return undefined;
  const shortName = g.includes('/') ? g.slice(g.indexOf('/') + 1) : g;
  if (shortName.includes(INTERNAL_GATEWAY)) {
    r.report('IST0165', vs, field, `Gateway reference in VirtualService ${ref(vs)} is to an implementation-generated internal Gateway: ${g}.`,
      'Reference the Gateway API Gateway through an HTTPRoute, or an Istio Gateway you define.');
    return undefined;
  }
  const { ns, name } = parseGatewayRef(g, vs.ns!);
  const gw = m.gateways.get(`${ns}/${name}`);
  if (gw) return gw;
  if (m.assumeComplete || m.istioCount('Gateway', ns) > 0) {
    r.report('IST0101', vs, field, `Referenced gateway not found: "${g}" (no Gateway ${ns}/${name}).`,
      `Correct the reference (namespace/name of an existing Gateway), or create Gateway ${ns}/${name}.`, 'virtualservice.GatewayAnalyzer');
    return 'missing';
  }
  return undefined;
}

function checkRuleShape(m: MeshModel, r: Reporter, vs: Entry, kind: string, rule: Json, base: string): void {
  if (kind === 'http') {
    if (!rule.route && !rule.redirect && !rule.directResponse && !rule.delegate) {
      r.report('IST0106', vs, base, 'Schema validation error: an HTTP rule needs one of route, redirect, directResponse or delegate.',
        'Add a route (destination) to the rule, or remove the rule.');
    }
    const delegate = rec(rule.delegate);
    if (delegate) {
      const name = str(delegate.name);
      const ns = str(delegate.namespace) ?? vs.ns!;
      if (!name) {
        r.report('IST0106', vs, `${base}.delegate.name`, 'Schema validation error: delegate has no name.', 'Name the delegate VirtualService.');
      } else if (!m.virtualServices.has(`${ns}/${name}`) && (m.assumeComplete || m.istioCount('VirtualService', ns) > 0)) {
        r.report('IST0101', vs, `${base}.delegate`, `Referenced delegate VirtualService not found: "${ns}/${name}".`,
          `Create VirtualService ${ns}/${name} (without hosts), or correct the delegate reference.`);
      }
    }
  } else if (arr(rule.route).length === 0) {
    r.report('IST0106', vs, `${base}.route`, `Schema validation error: a ${kind.toUpperCase()} rule needs at least one route.`,
      'Add a route destination to the rule.');
  }
  if (kind === 'tls' && !arr(rule.match).some((mt) => arr(rec(mt)?.sniHosts).length > 0)) {
    r.report('IST0106', vs, `${base}.match`, 'Schema validation error: a TLS rule needs a match with sniHosts.',
      'Add match[].sniHosts to the TLS rule.');
  }
}

function checkDestinations(m: MeshModel, r: Reporter, vs: Entry, routes: readonly unknown[], base: string): void {
  let total = 0;
  let weightsValid = true;
  routes.forEach((routeRaw, k) => {
    const route = rec(routeRaw) ?? {};
    const dest = rec(route.destination);
    if (!dest) {
      r.report('IST0106', vs, `${base}[${k}].destination`, 'Schema validation error: route has no destination.', 'Add destination.host.');
      r.report('IST0101', vs, `${base}[${k}].destination`, 'Referenced host not found: "" (the route has no destination).', 'Add destination.host.',
        'virtualservice.DestinationHostAnalyzer');
    } else {
      checkDestination(m, r, vs, dest, `${base}[${k}].destination`);
    }
    const w = route.weight;
    if (w === undefined) return;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0) {
      weightsValid = false;
      r.report('IST0106', vs, `${base}[${k}].weight`, `Schema validation error: weight ${JSON.stringify(w)} is not a non-negative integer.`,
        'Use whole-number weights from 0 to 100.');
    } else {
      total += w;
    }
  });
  if (routes.length > 1 && weightsValid) {
    if (total === 0) {
      r.report('IST0106', vs, base, `Schema validation error: total destination weight is 0 across ${routes.length} destinations.`,
        'Give the destinations weights that add up to 100.');
    } else if (total !== 100) {
      r.report('CIS0001', vs, base, `Destination weights add up to ${total}, not 100; Istio normalises them to percentages.`,
        'Make the weights add up to 100 so the split is what it reads.');
    }
  }
}

function checkDestination(m: MeshModel, r: Reporter, vs: Entry, dest: Json, base: string): void {
  const ns = vs.ns!;
  const host = str(dest.host);
  if (!host) {
    r.report('IST0106', vs, `${base}.host`, 'Schema validation error: destination has no host.', 'Set destination.host to a Service or ServiceEntry host.');
    return;
  }
  const target = m.destination(host, ns, arr(vs.spec.exportTo));
  const mirror = base.endsWith('.mirror') || base.includes('.mirrors[');
  if (!target && !isWildcard(host) && m.canConcludeHostMissing(host, ns)) {
    r.report('IST0101', vs, `${base}.host`, `Referenced ${mirror ? 'mirror host' : 'host'} not found: "${host}"${m.hostKnown(host, ns) ? ' (it exists, but is not exported to this namespace)' : ''}.`,
      `Create the Service (or a ServiceEntry) for "${host}", or correct the host (use name.namespace.svc.${m.domain} for other namespaces).`, 'virtualservice.DestinationHostAnalyzer');
  }
  const subset = str(dest.subset);
  if (subset) {
    const resolved = m.resolve(host, ns);
    const rules = m.destinationRules.matching(resolved);
    const hostNs = m.serviceFor(host, ns)?.ns;
    const defined = rules.some((dr) => arr(dr.spec.subsets).some((s) => str(rec(s)?.name) === subset));
    const conclude = rules.length > 0 || m.assumeComplete || m.istioCount('DestinationRule', ns) > 0
      || (hostNs !== undefined && m.istioCount('DestinationRule', hostNs) > 0);
    if (!defined && conclude) {
      r.report('IST0101', vs, `${base}.subset`,
        `Referenced host+subset in DestinationRule not found: "${host}+${subset}"${rules.length ? ` (DestinationRule ${rules.map(ref).join(', ')} defines no subset "${subset}")` : ' (no DestinationRule for this host)'}.`,
        `Add subset "${subset}" to the DestinationRule for ${resolved}, or route to a subset it defines.`, 'virtualservice.DestinationRuleAnalyzer');
    }
  }
  if (!target) return;
  checkCrossNetworkDestination(m, r, vs, host, arr(vs.spec.exportTo), `${base}.host`);
  const ports = m.destinationPorts(target);
  const port = rec(dest.port)?.number;
  if (!rec(dest.port)) {
    if (ports.length > 1) {
      r.report('IST0112', vs, base,
        `This VirtualService routes to ${target.kind} ${ref(target)}, which exposes ports ${ports.join(', ')}; the destination must say which one.`,
        `Set ${base}.port.number to one of ${ports.join(', ')}.`);
    }
  } else if (typeof port === 'number' && ports.length > 0 && !ports.includes(port)) {
    r.report('IST0101', vs, `${base}.port.number`, `Referenced host:port not found: "${host}:${port}" (${target.kind} ${ref(target)} offers ${ports.join(', ')}).`,
      `Route to one of the ports ${ports.join(', ')}, or add port ${port} to ${target.kind} ${ref(target)}.`, 'virtualservice.DestinationHostAnalyzer');
  }
}

function ruleLabel(rule: unknown, i: number): string {
  const name = str(rec(rule)?.name);
  return name ? `${i} ("${name}")` : String(i);
}

/** The parts of an HTTP match compared for prefix overlap (as Istio's validation compares them). */
interface PrefixMatch {
  readonly rule: number;
  readonly match: number;
  readonly prefix: string;
  readonly port: unknown;
  readonly method: string;
  readonly authority: string;
  readonly headers: Record<string, string>;
  readonly queryParams: Record<string, string>;
  readonly withoutHeaders: Record<string, string>;
}

/** `exact:<v>` or `prefix:<v>` of a StringMatch, '' for other kinds. */
function exactOrPrefix(v: unknown): string {
  const sm = rec(v);
  const exact = str(sm?.exact);
  if (exact) return `exact:${exact}`;
  const prefix = str(sm?.prefix);
  return prefix ? `prefix:${prefix}` : '';
}

function stringMatches(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const r = rec(v) ?? {};
  for (const k of Object.keys(r)) out[k] = exactOrPrefix(r[k]);
  return out;
}

function prefixMatch(mt: Json, rule: number, match: number): PrefixMatch | undefined {
  const prefix = str(rec(mt.uri)?.prefix);
  if (!prefix) return undefined;
  return {
    rule, match, prefix, port: mt.port,
    method: exactOrPrefix(mt.method) || 'exact:GET', // no method: Istio compares as GET
    authority: exactOrPrefix(mt.authority),
    headers: stringMatches(mt.headers), queryParams: stringMatches(mt.queryParams), withoutHeaders: stringMatches(mt.withoutHeaders),
  };
}

/** Whether the earlier prefix match `a` takes every request of the later `b` (Istio's overlap test). */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix) || b.port !== a.port) return false;
  const within = (x: string, y: string) => x === y || x.startsWith(y);
  if (!within(a.method, b.method) || !within(a.authority, b.authority)) return false;
  for (const [ma, mb] of [[a.headers, b.headers], [a.queryParams, b.queryParams], [a.withoutHeaders, b.withoutHeaders]]) {
    const keys = Object.keys(ma);
    if (keys.length !== Object.keys(mb).length) return false;
    if (keys.some((k) => !(k in mb) || !within(ma[k], mb[k]))) return false;
  }
  return true;
}

/**
 * IST0130/IST0131 as Istio's validation finds them: rules after a rule without matches, matches repeating an
 * earlier one (and rules all of whose matches do), and HTTP prefix matches an earlier, shorter prefix covers.
 */
function checkRuleOrder(r: Reporter, vs: Entry, kind: string, rules: readonly unknown[]): void {
  const seen = new Map<string, number>();
  let catchAll = -1;
  const prefixes: PrefixMatch[] = [];
  const unreachable = new Set<number>();
  const dead = (i: number, why: string) => {
    if (unreachable.has(i)) return;
    unreachable.add(i);
    r.report('IST0130', vs, `spec.${kind}[${i}]`, `VirtualService rule ${ruleLabel(rules[i], i)} is never used: ${why}.`,
      `Move rule ${i} before the rules that take its traffic, give it distinct matches, or remove it.`);
  };
  rules.forEach((rule, i) => {
    const base = `spec.${kind}[${i}]`;
    const matches = arr(rec(rule)?.match);
    if (matches.length === 0) {
      if (catchAll >= 0) dead(i, `only the last rule can have no matches (rule ${ruleLabel(rules[catchAll], catchAll)} has none either)`);
      catchAll = i;
      return;
    }
    let duplicates = 0;
    matches.forEach((mt, j) => {
      if (catchAll >= 0) {
        dead(i, `rule ${ruleLabel(rules[catchAll], catchAll)} before it has no matches and takes all traffic`);
        return;
      }
      const key = matchKey(mt);
      const prev = seen.get(key);
      if (prev !== undefined) {
        duplicates++;
        r.report('IST0131', vs, `${base}.match[${j}]`,
          `VirtualService rule ${ruleLabel(rule, i)} match ${j} is not used (it repeats a match of rule ${ruleLabel(rules[prev], prev)}).`,
          `Remove match ${j} of rule ${i} or make it distinct.`);
        return;
      }
      seen.set(key, i);
      const pm = kind === 'http' ? prefixMatch(rec(mt) ?? {}, i, j) : undefined;
      if (pm) prefixes.push(pm);
    });
    if (duplicates === matches.length) dead(i, 'all of its matches are used by earlier rules');
  });
  for (let a = 0; a < prefixes.length; a++) {
    for (let b = a + 1; b < prefixes.length; b++) {
      const [pa, pb] = [prefixes[a], prefixes[b]];
      if (pa.prefix === pb.prefix || !covers(pa, pb)) continue;
      r.report('IST0131', vs, `spec.${kind}[${pb.rule}].match[${pb.match}]`,
        `VirtualService rule ${ruleLabel(rules[pb.rule], pb.rule)} match ${pb.match} (prefix ${pb.prefix}) is not used: match ${pa.match} of rule ${ruleLabel(rules[pa.rule], pa.rule)} (prefix ${pa.prefix}) takes its requests first.`,
        `Move the longer prefix ${pb.prefix} before ${pa.prefix}, or use an exact match.`);
    }
  }
}

/**
 * IST0109 as Istio groups mesh-bound hosts: per visibility scope and host; a host of a VirtualService exported
 * to some namespaces also meets every overlapping host exported to all. Each VirtualService is reported once.
 */
function reportMeshConflicts(r: Reporter, meshHosts: Map<string, MeshHost[]>): void {
  const everywhere = new HostIndex<{ host: string; items: MeshHost[] }>();
  const everywhereList: Array<{ host: string; items: MeshHost[] }> = [];
  for (const [key, items] of meshHosts) {
    if (!key.startsWith('*|')) continue;
    const e = { host: key.slice(2), items };
    everywhere.add(e.host, e);
    everywhereList.push(e);
  }
  const reported = new Set<Entry>();
  for (const [key, own] of meshHosts) {
    const [scope, host] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
    let items = own;
    if (scope !== '*') {
      const overlapping = isWildcard(host) ? everywhereList.filter((e) => hostsIntersect(e.host, host)) : everywhere.matching(host);
      items = [...own, ...overlapping.flatMap((e) => e.items)];
    }
    if (items.length < 2) continue;
    const names = listNames([...new Set(items.map((p) => ref(p.vs)))].sort());
    const where = scope === '*' ? '' : ` (visible in namespace ${scope})`;
    for (const x of items) {
      if (reported.has(x.vs)) continue;
      reported.add(x.vs);
      r.report('IST0109', x.vs, x.field,
        `The VirtualServices ${names} bound to the mesh define the same host ${host}${where}; which one applies is undefined.`,
        `Merge the VirtualServices for ${host} into one, or bind all but one to a gateway.`);
    }
  }
}

function indexGatewayHosts(gw: Entry): GatewayHosts {
  const index = new HostIndex<{ ns: string; host: string }>();
  const all: Array<{ ns: string; host: string }> = [];
  for (const s of arr(gw.spec.servers)) {
    for (const h of arr(rec(s)?.hosts)) {
      if (typeof h !== 'string') continue;
      const slash = h.indexOf('/');
      const item = slash >= 0 ? { ns: h.slice(0, slash), host: h.slice(slash + 1) } : { ns: '*', host: h };
      index.add(item.host, item);
      all.push(item);
    }
  }
  return { index, all };
}

function visibleTo(item: { ns: string }, gw: Entry, vsNs: string): boolean {
  return item.ns === '*' || item.ns === vsNs || (item.ns === '.' && gw.ns === vsNs);
}

function gatewayAccepts(gh: GatewayHosts, gw: Entry, host: string, vsNs: string): boolean {
  if (gh.index.matching(host).some((it) => visibleTo(it, gw, vsNs))) return true;
  // A wildcard VirtualService host also meets narrower Gateway hosts (rare: scan this Gateway only).
  return isWildcard(host) && gh.all.some((it) => visibleTo(it, gw, vsNs) && hostsIntersect(it.host, host));
}
