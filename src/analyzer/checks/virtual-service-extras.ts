/**
 * VirtualService checks across objects: gateway routes that bypass subset rules of the mesh VirtualService
 * (IST0140), and JWT claim routing on gateways without a RequestAuthentication (IST0149).
 */
import { Entry, MeshModel, Reporter, arr, rec, ref, str, strMap } from '../model';
import { parseGatewayRef } from './routing';

/** Header names that route on JWT claims: `@request.auth.claims.<a>.<b>` or `@request.auth.claims[<a>][<b>]`. */
function isClaimHeader(name: string): boolean {
  const prefix = '@request.auth.claims';
  if (!name.toLowerCase().startsWith(prefix)) return false;
  const rest = name.slice(prefix.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

function claimKey(vs: Entry): string | undefined {
  for (const h of arr(vs.spec.http)) {
    for (const mt of arr(rec(h)?.match)) {
      for (const field of ['headers', 'withoutHeaders']) {
        const key = Object.keys(rec(rec(mt)?.[field]) ?? {}).find(isClaimHeader);
        if (key) return key;
      }
    }
  }
  return undefined;
}

export function checkVirtualServiceExtras(m: MeshModel, r: Reporter): void {
  const services = m.istio('VirtualService').filter((v) => v.group === 'networking.istio.io');

  // IST0140: destinations with subsets that a VirtualService routes its own hosts to.
  const subsetHosts = new Map<Entry, Set<string>>();
  for (const vs of services) {
    const own = new Set(arr(vs.spec.hosts).filter((h): h is string => typeof h === 'string'));
    for (const h of arr(vs.spec.http)) {
      for (const route of arr(rec(h)?.route)) {
        const d = rec(rec(route)?.destination);
        const host = str(d?.host);
        if (host && str(d?.subset) && own.has(host)) {
          let s = subsetHosts.get(vs);
          if (!s) subsetHosts.set(vs, (s = new Set()));
          s.add(host);
        }
      }
    }
  }
  for (const vs of services) {
    if (arr(vs.spec.gateways).length === 0) continue;
    const done = new Set<Entry>();
    arr(vs.spec.http).forEach((h, i) => {
      arr(rec(h)?.route).forEach((route, j) => {
        const d = rec(rec(route)?.destination);
        const host = str(d?.host);
        if (!host || str(d?.subset)) return;
        for (const [other, hosts] of subsetHosts) {
          if (!hosts.has(host) || done.has(other)) continue;
          done.add(other);
          r.report('IST0140', vs, `spec.http[${i}].route[${j}].destination`,
            `Subset in virtual service ${ref(other)} has no effect on ingress gateway ${ref(vs)} requests: this route to ${host} names no subset.`,
            `Route to the subsets here too, or delegate the gateway's requests to ${ref(other)}.`);
        }
      });
    });
  }

  // IST0149: JWT claim routing through a gateway whose pods no RequestAuthentication applies to.
  const requestAuthns = m.istio('RequestAuthentication');
  for (const vs of services) {
    const key = claimKey(vs);
    if (!key) continue;
    for (const g of arr(vs.spec.gateways)) {
      if (typeof g !== 'string' || g === 'mesh') continue;
      const { ns, name } = parseGatewayRef(g, vs.ns!);
      const gw = m.gateways.get(`${ns}/${name}`);
      if (!gw) continue;
      const selector = strMap(gw.spec.selector);
      for (const pod of m.select(selector, undefined)) {
        const covered = requestAuthns.some((ra) => {
          if (ra.ns !== m.rootNamespace && ra.ns !== pod.ns) return false;
          const sel = strMap(rec(ra.spec.selector)?.matchLabels);
          return Object.keys(sel).every((k) => pod.labels[k] === sel[k]);
        });
        if (!covered) {
          r.report('IST0149', vs, 'spec.http',
            `The virtual service routes on a JWT claim (key: ${key}) but no RequestAuthentication applies to the pod ${pod.entry.name} of gateway ${ref(gw)}: the claims are not validated and not available for routing.`,
            `Apply a RequestAuthentication to the gateway pods (selector ${Object.keys(selector).map((k) => `${k}=${selector[k]}`).join(',')}) in namespace ${pod.ns} or ${m.rootNamespace}.`);
        }
      }
    }
  }
}
