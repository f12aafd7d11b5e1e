/** Istio Gateway checks: structure, selector, conflicts between Gateways, ports missing on the Service. */
import { HostIndex } from '../../internal/host-match';
import { Entry, MeshModel, Reporter, arr, rec, ref, str, strMap } from '../model';
import { listNames } from './routing';

interface ServerHost {
  readonly gw: Entry;
  readonly server: number;
  readonly host: string;
}

interface PortGroup {
  readonly selector: string;
  readonly port: number;
  readonly index: HostIndex<ServerHost>;
  readonly items: ServerHost[];
}

/** At most this many conflicting Gateways are collected per server. */
const MAX_CONFLICTS = 10;

function selectorText(sel: Record<string, string>): string {
  return Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
}

function selectorOfText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/**
 * Whether the input holds gateway workloads (pods injected with the `gateway` template, or labelled
 * `istio: <...>gateway`): then a Gateway selector that matches none of them is a mistake, not a workload
 * deployed elsewhere.
 */
function holdsGatewayWorkloads(m: MeshModel): boolean {
  return m.workloads.some((w) => !w.entry.virtual && ((w.annotations['inject.istio.io/templates'] ?? '').split(',').map((t) => t.trim()).includes('gateway')
    || /gateway$/.test(w.labels.istio ?? '')));
}

export function checkGateways(m: MeshModel, r: Reporter): void {
  const groups = new Map<string, PortGroup>();

  const gatewayWorkloads = holdsGatewayWorkloads(m);
  for (const gw of m.istio('Gateway')) {
    if (gw.group !== 'networking.istio.io') continue;
    const servers = arr(gw.spec.servers);
    if (servers.length === 0) {
      r.report('IST0106', gw, 'spec.servers', 'Schema validation error: Gateway has no servers.', 'Add at least one server (port, hosts).');
    }
    const selector = strMap(gw.spec.selector);
    const selText = selectorText(selector);
    const pods = Object.keys(selector).length ? m.select(selector, undefined) : [];
    if (Object.keys(selector).length && pods.length === 0 && (m.assumeComplete || gatewayWorkloads)) {
      r.report('IST0101', gw, 'spec.selector', `Referenced selector not found: "${selText}" (no workload carries these labels).`,
        'Correct the selector to the labels of the gateway pods, or deploy the gateway.', ['gateway.IngressGatewayPortAnalyzer', 'gateway.SecretAnalyzer']);
    }

    // Ports offered by the Services in front of the selected gateway pods (IST0162).
    let servicePorts: Set<number> | undefined;
    if (pods.length > 0) {
      servicePorts = new Set();
      let unresolved = false;
      for (const w of pods) {
        for (const svc of m.servicesSelecting(w)) {
          for (const pRaw of arr(svc.spec.ports)) {
            const p = rec(pRaw) ?? {};
            if (typeof p.port === 'number') servicePorts.add(p.port);
            if (typeof p.targetPort === 'number') servicePorts.add(p.targetPort);
            else if (typeof p.targetPort === 'string') {
              const n = Number(p.targetPort);
              if (Number.isInteger(n)) servicePorts.add(n);
              else unresolved = true;
            }
          }
        }
      }
      // Without any Service in front of the pods, conclude only for a complete input.
      if (unresolved || (servicePorts.size === 0 && !m.assumeComplete)) servicePorts = undefined;
    }

    servers.forEach((sRaw, i) => {
      const s = rec(sRaw) ?? {};
      const base = `spec.servers[${i}]`;
      const port = rec(s.port);
      const number = port?.number;
      if (!port || typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) {
        r.report('IST0106', gw, `${base}.port.number`, `Schema validation error: port number ${JSON.stringify(number)} is not 1-65535.`,
          'Set port.number to a port from 1 to 65535.');
      } else {
        if (!str(port.protocol)) {
          r.report('IST0106', gw, `${base}.port.protocol`, 'Schema validation error: server port has no protocol.',
            'Set port.protocol (HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP or TLS).');
        }
        if (servicePorts && !servicePorts.has(number)) {
          r.report('IST0162', gw, `${base}.port.number`,
            `The Gateway listens on port ${number}, which no Service in front of its workload (selector ${selText}) exposes.`,
            servicePorts.size
              ? `Add port ${number} to the gateway Service, or change the server port to one the Service exposes (${[...servicePorts].sort((a, b) => a - b).join(', ')}).`
              : `Create a Service selecting the gateway pods with port ${number}.`);
        }
      }
      const hosts = arr(s.hosts).filter((h): h is string => typeof h === 'string' && h.length > 0);
      if (hosts.length === 0) {
        r.report('IST0106', gw, `${base}.hosts`, 'Schema validation error: server has no hosts.', 'List at least one host ("*" accepts all).');
      }
      if (typeof number !== 'number') return;
      const key = `${selText}~${number}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { selector: selText, port: number, index: new HostIndex(), items: [] }));
      for (const h of hosts) {
        const slash = h.indexOf('/');
        const item = { gw, server: i, host: slash >= 0 ? h.slice(slash + 1) : h };
        g.index.add(item.host, item);
        g.items.push(item);
      }
    });
  }

  // Gateways with different selectors that select the same pods (one narrower than the other) also share
  // those pods' ports: their servers are compared too.
  const byPort = new Map<number, PortGroup[]>();
  for (const g of groups.values()) byPort.set(g.port, [...(byPort.get(g.port) ?? []), g]);
  const pairs: PortGroup[] = [];
  for (const list of byPort.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [selectorOfText(list[i].selector), selectorOfText(list[j].selector)];
        if (Object.keys(a).some((k) => k in b && a[k] !== b[k])) continue;
        if (Object.keys(a).length === 0 || Object.keys(b).length === 0 || m.select({ ...a, ...b }, undefined).length === 0) continue;
        const merged: PortGroup = { selector: `${list[i].selector} / ${list[j].selector}`, port: list[i].port, index: new HostIndex(), items: [] };
        for (const item of [...list[i].items, ...list[j].items]) {
          merged.index.add(item.host, item);
          merged.items.push(item);
        }
        pairs.push(merged);
      }
    }
  }

  // IST0145: same selector (or the same pods) and port, overlapping hosts, different Gateways.
  const reported = new Set<string>();
  for (const g of [...groups.values(), ...pairs]) {
    // conflicts of one (gateway, server): other gateway -> shared host
    const conflicts = new Map<Entry, Map<number, Map<Entry, string>>>();
    const note = (a: ServerHost, b: ServerHost, host: string) => {
      let byServer = conflicts.get(a.gw);
      if (!byServer) conflicts.set(a.gw, (byServer = new Map()));
      let others = byServer.get(a.server);
      if (!others) byServer.set(a.server, (others = new Map()));
      if (others.size < MAX_CONFLICTS && !others.has(b.gw)) others.set(b.gw, host);
    };
    for (const item of g.items) {
      // Patterns covering this host (the same host, or wider wildcards): each pair is found from its narrower side.
      let seen = 0;
      for (const other of g.index.matching(item.host)) {
        if (other.gw === item.gw) continue;
        if (++seen > MAX_CONFLICTS) break;
        note(item, other, item.host);
        note(other, item, item.host);
      }
    }
    for (const [gw, byServer] of conflicts) {
      for (const [server, others] of byServer) {
        const once = `${gw.index}/${server}`;
        if (reported.has(once)) continue;
        reported.add(once);
        const names = [...others.keys()].map(ref);
        const hosts = [...new Set(others.values())];
        r.report('IST0145', gw, `spec.servers[${server}]`,
          `Conflict with Gateway(s) ${listNames(names)} (workload selector ${g.selector || '(none)'}, port ${g.port}, hosts ${hosts.join(', ')}).`,
          'Serve these hosts from one Gateway (merge the servers), or make the hosts of the Gateways distinct.');
      }
    }
  }
}
