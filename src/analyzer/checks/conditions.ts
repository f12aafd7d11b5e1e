/** IST0171: objects whose status reports a negative condition (what the cluster said about them). */
import { MeshModel, Reporter, arr, rec, str } from '../model';

/** Condition types whose `False` status Istio's analyzer reports, by kind (and API group suffix). */
const NEGATIVE: ReadonlyArray<{ kind: string; group: (g: string) => boolean; types: readonly string[]; parents: boolean }> = [
  { kind: 'Service', group: (g) => g === '', types: ['istio.io/WaypointBound'], parents: false },
  { kind: 'ServiceEntry', group: (g) => g === 'networking.istio.io', types: ['istio.io/WaypointBound'], parents: false },
  { kind: 'WorkloadEntry', group: (g) => g === 'networking.istio.io', types: ['istio.io/WaypointBound'], parents: false },
  { kind: 'AuthorizationPolicy', group: (g) => g === 'security.istio.io', types: ['ZtunnelAccepted', 'WaypointAccepted'], parents: false },
  { kind: 'Gateway', group: (g) => g === 'gateway.networking.k8s.io', types: ['Accepted', 'Programmed', 'ResolvedRefs'], parents: false },
  { kind: 'HTTPRoute', group: (g) => g === 'gateway.networking.k8s.io', types: ['Accepted', 'Programmed', 'ResolvedRefs'], parents: true },
  { kind: 'GRPCRoute', group: (g) => g === 'gateway.networking.k8s.io', types: ['Accepted', 'Programmed', 'ResolvedRefs'], parents: true },
];

export function checkConditions(m: MeshModel, r: Reporter): void {
  for (const e of m.entries) {
    const rule = NEGATIVE.find((n) => n.kind === e.kind && n.group(e.group));
    if (!rule) continue;
    const status = rec(e.obj.status);
    if (!status) continue;
    const conditions = rule.parents
      ? arr(status.parents).flatMap((p) => arr(rec(p)?.conditions))
      : arr(status.conditions);
    conditions.forEach((cRaw) => {
      const c = rec(cRaw) ?? {};
      const type = str(c.type) ?? '';
      const negative = rule.types.includes(type) && str(c.status) === 'False';
      // a waypoint that accepted only part of an AuthorizationPolicy
      const partial = e.kind === 'AuthorizationPolicy' && type === 'WaypointAccepted' && str(c.reason) === 'PartiallyInvalid';
      if (negative || partial) {
        r.report('IST0171', e, 'status.conditions',
          `A condition with a negative status is present: type=${type}, reason=${str(c.reason) ?? ''}, message=${str(c.message) ?? ''}.`);
      }
    });
  }
}
