import { IConstruct } from 'constructs';
import { hostsMatch } from '../internal/host-match';
import { checkHost, fail, isDnsLabel } from '../validation';

/**
 * An Istio `Gateway` a route can attach to (north-south exposure). The gateway constructs' binding
 * class implements it; any object with these two properties works.
 */
export interface IGatewayBinding {
  /** `<namespace>/<name>` of the Istio Gateway object. */
  readonly gatewayRef: string;
  /** Hosts the Gateway's servers accept (`*`, `*.example.com`, `ns/host` …). */
  readonly hosts: string[];
}

/** A gateway given to a route: a binding, or a reference string `name` (same namespace) or `namespace/name`. */
export type GatewayRef = IGatewayBinding | string;

/**
 * Parses a Gateway reference (`name` or `namespace/name`); undefined when it is not one. Istio names a Gateway by a DNS-1123 label (it refuses a Gateway whose name has a dot),
 * and reads a dotted reference without "/" as the legacy `<name>.<namespace>` form: so both parts are labels.
 */
export function parseGatewayRef(ref: unknown): { ns?: string; name: string } | undefined {
  if (typeof ref !== 'string') return undefined;
  const parts = ref.split('/');
  if (parts.length === 1 && isDnsLabel(parts[0]) && parts[0] !== 'mesh') return { name: parts[0] };
  if (parts.length === 2 && isDnsLabel(parts[0]) && isDnsLabel(parts[1])) return { ns: parts[0], name: parts[1] };
  return undefined;
}

/** True when two host patterns can both match some host (Istio's host matching, case-insensitive). */
export function hostsIntersect(a: string, b: string): boolean {
  return hostsMatch(a.toLowerCase(), b.toLowerCase());
}

/**
 * Validates a route's gateways and returns their references. When every gateway is a binding, each
 * external host must match a host some gateway exposes to the route's namespace.
 * @internal
 */
export function resolveGateways(scope: IConstruct, field: string, gateways: GatewayRef[], routeNamespace: string, hostsField: string, hosts: string[]): string[] {
  if (!Array.isArray(gateways) || gateways.length === 0) fail(scope, field, gateways, 'must be a non-empty list of gateways when given');
  const exposed: string[] = [];
  let allBindings = true;
  const refs = gateways.map((g, i) => {
    if (typeof g === 'string') {
      if (!parseGatewayRef(g)) {
        fail(scope, `${field}[${i}]`, g, 'must be a Gateway reference "<namespace>/<name>" or "<name>" (same namespace); for in-mesh traffic use the mesh option, not "mesh"; namespace and name are DNS-1123 labels (Istio refuses a dot in a Gateway name, and reads "<a>.<b>" as name a in namespace b)');
      }
      allBindings = false;
      return g;
    }
    const parsed = parseGatewayRef(g?.gatewayRef);
    if (!parsed?.ns) fail(scope, `${field}[${i}].gatewayRef`, g?.gatewayRef, 'must be "<namespace>/<name>" of an Istio Gateway, each a DNS-1123 label');
    if (!Array.isArray(g.hosts) || g.hosts.length === 0) fail(scope, `${field}[${i}].hosts`, g.hosts, 'must list the hosts the Gateway accepts');
    for (const h of g.hosts) {
      const slash = h.indexOf('/');
      if (slash < 0) { exposed.push(h); continue; }
      const ns = h.slice(0, slash);
      if (ns === '*' || ns === routeNamespace || (ns === '.' && parsed.ns === routeNamespace)) exposed.push(h.slice(slash + 1));
    }
    return g.gatewayRef;
  });
  const seen = new Set<string>();
  refs.forEach((r, i) => {
    if (seen.has(r)) fail(scope, `${field}[${i}]`, r, 'gateways must be unique');
    seen.add(r);
  });
  if (allBindings) {
    hosts.forEach((h, i) => {
      if (!exposed.some((e) => hostsIntersect(e, h))) {
        fail(scope, `${hostsField}[${i}]`, h, `must match a host the gateways expose to namespace ${routeNamespace} (${exposed.join(', ') || 'none'}); otherwise no request reaches the route`);
      }
    });
  }
  return refs;
}

/**
 * Validates VirtualService hosts: DNS names with optional leading wildcard (`*` only without mesh), unique, and no
 * two overlapping. Istio refuses a VirtualService two of whose hosts can match the same name ("duplicate hosts in
 * virtual service"): `*` with anything, `*.example.com` with `api.example.com` or `*.api.example.com`. `before` is
 * a host the VirtualService lists ahead of these (a CanaryRoute's service host).
 * @internal
 */
export function checkRouteHosts(scope: IConstruct, field: string, hosts: string[], mesh: boolean, before?: { field: string; host: string }): string[] {
  if (!Array.isArray(hosts) || hosts.length === 0) fail(scope, field, hosts, Array.isArray(hosts) ? 'must list at least one host' : 'must be a list of hosts, e.g. ["api.example.com"]');
  const seen: Array<{ field: string; host: string }> = before ? [before] : [];
  hosts.forEach((h, i) => {
    checkHost(scope, `${field}[${i}]`, h);
    if (h === '*' && mesh) fail(scope, `${field}[${i}]`, h, 'must not be "*" for in-mesh routing (Istio refuses a wildcard host bound to the mesh): name the host, or route through a gateway only');
    const same = seen.find((s) => s.host === h);
    if (same) fail(scope, `${field}[${i}]`, h, same === before ? `must not repeat ${before.field} (the route lists it already)` : 'hosts must be unique');
    const overlap = seen.find((s) => hostsIntersect(s.host, h));
    if (overlap) {
      fail(scope, `${field}[${i}]`, h, `must not overlap ${overlap.field} "${overlap.host}": Istio refuses a VirtualService two of whose hosts match the same name (a wildcard covering another host); split them into two routes, or keep only the wider host`);
    }
    seen.push({ field: `${field}[${i}]`, host: h });
  });
  return hosts;
}
