/**
 * What the route constructs share: parents (checked against the Gateway's listeners), backends (typed Service
 * references, checked at construction; Services named by string, checked at synth against the app), and the
 * cross-namespace rule (a backend in another namespace needs a ReferenceGrant there).
 * @internal
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { hostsMatch } from '../internal/host-match';
import { IstioValidationError, checkList, fail, pathOf } from '../validation';
import { checkWeight } from './checks';
import { KubernetesGateway, ListenerProtocol } from './kubernetes-gateway';
import { GATEWAY_API_GROUP } from './object';
import { BackendService, IRouteParent, ResolvedService, servicePorts } from './refs';
import { ReferenceGrant } from './reference-grant';

/** A backend of a route rule: a Service and its share of the rule's traffic. */
export interface RouteBackend {
  /** The Service (and port). */
  readonly service: BackendService;
  /**
   * Relative weight, an integer 0-1,000,000; the rule's traffic is split in proportion (0: none).
   * @default 1
   */
  readonly weight?: number;
}

/** The route kinds and the listener protocols each attaches to. */
const LISTENER_PROTOCOLS: Record<'HTTPRoute' | 'GRPCRoute' | 'TLSRoute', readonly ListenerProtocol[]> = {
  HTTPRoute: ['HTTP', 'HTTPS'],
  GRPCRoute: ['HTTP', 'HTTPS'],
  TLSRoute: ['TLS'],
};

/** A resolved parentRefs entry (JSON form). */
export interface ParentRefJson {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

/** Checks and renders the parents of a route in namespace `ns`. */
export function renderParents(scope: Construct, kind: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute', ns: string, parents: IRouteParent[], hostnames?: string[]): ParentRefJson[] {
  checkList(scope, 'parents', parents, 'must be a list of parents: KubernetesGateways, their listeners, or BackendServices (GAMMA)');
  if (!parents || parents.length === 0 || parents.length > 32) fail(scope, 'parents', parents?.length ?? parents, 'must list 1 to 32 parents (a KubernetesGateway, gateway.listener(name), or a BackendService for mesh traffic)');
  const seen = new Set<string>();
  return parents.map((p, i) => {
    const field = `parents[${i}]`;
    if (!p || typeof p !== 'object' || !p.parentRef) fail(scope, field, p, 'must be a KubernetesGateway, gateway.listener(name) or a BackendService');
    let ref: ParentRefJson;
    if (p instanceof BackendService) {
      if (kind === 'TLSRoute') fail(scope, field, p.parentRef.name, 'must be a KubernetesGateway or one of its TLS listeners: a TLSRoute does not attach to a Service');
      const svc = p._resolve(scope, field, ns, false);
      checkLater(scope, field, svc);
      ref = { group: '', kind: 'Service', name: svc.name, ...(svc.namespace !== ns ? { namespace: svc.namespace } : {}), ...(svc.port !== undefined ? { port: svc.port } : {}) };
    } else {
      const r = p.parentRef;
      if (r.kind !== 'Gateway' || r.group !== GATEWAY_API_GROUP) fail(scope, field, r, 'must be a KubernetesGateway, gateway.listener(name) or a BackendService');
      checkGatewayParent(scope, field, kind, ns, r.name, r.namespace ?? ns, r.sectionName, hostnames);
      ref = { group: GATEWAY_API_GROUP, kind: 'Gateway', name: r.name, ...(r.namespace !== undefined && r.namespace !== ns ? { namespace: r.namespace } : {}), ...(r.sectionName !== undefined ? { sectionName: r.sectionName } : {}) };
    }
    const key = JSON.stringify(ref);
    if (seen.has(key)) fail(scope, field, ref, 'must not repeat a parent of the list');
    seen.add(key);
    return ref;
  });
}

/** A Gateway parent of this app: its listeners must take this kind of route from this namespace. */
function checkGatewayParent(scope: Construct, field: string, kind: keyof typeof LISTENER_PROTOCOLS, ns: string, name: string, gwNs: string, sectionName?: string, hostnames?: string[]): void {
  const gw = scope.node.root.node.findAll().find((c): c is KubernetesGateway => c instanceof KubernetesGateway && c.name === name && c.namespace === gwNs);
  if (!gw) return; // a Gateway made elsewhere: the Gateway API's status reports a mismatch
  const listeners = gw._listeners(sectionName);
  const fits = listeners.filter((l) => LISTENER_PROTOCOLS[kind].includes(l.protocol));
  const where = sectionName === undefined ? `Gateway ${gwNs}/${name}` : `listener "${sectionName}" of Gateway ${gwNs}/${name}`;
  if (fits.length === 0) {
    fail(scope, field, sectionName ?? name, `must be a Gateway listener a ${kind} attaches to (protocol ${LISTENER_PROTOCOLS[kind].join(' or ')}); ${where} has ${listeners.map((l) => `${l.name} (${l.protocol})`).join(', ')}`);
  }
  if (gwNs !== ns && fits.every((l) => (l.allowedRoutes?.from ?? 'Same') === 'Same')) {
    fail(scope, field, `${gwNs}/${name}`, `must admit routes of namespace "${ns}": ${where} takes routes of its own namespace only; set allowedRoutes: { from: 'All' } (or 'Selector') on its listener, or put the route in "${gwNs}"`);
  }
  // The route serves the hosts its hostnames share with a listener's hostname; with none in common it serves nothing.
  if (hostnames?.length && fits.every((l) => l.hostname !== undefined) && !fits.some((l) => hostnames.some((h) => hostsIntersect(l.hostname!, h)))) {
    fail(scope, 'hostnames', hostnames, `must share a host with ${where}, which serves ${fits.map((l) => l.hostname).join(', ')}: otherwise the route attaches to nothing`);
  }
}

/** Whether two Gateway API hostnames (each possibly `*.`-prefixed) have a host in common (the library's one host rule). */
export function hostsIntersect(a: string, b: string): boolean {
  return hostsMatch(a, b);
}

/** A resolved backendRefs entry (JSON form). */
export interface BackendRefJson {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

/** Checks and renders the backends of one rule. */
export function renderBackends(scope: Construct, kind: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute', field: string, ns: string, backends: RouteBackend[] | undefined): BackendRefJson[] | undefined {
  if (backends === undefined) return undefined;
  checkList(scope, field, backends, 'must be a list of { service, weight? }');
  if (backends.length > 16) fail(scope, field, backends.length, 'must list at most 16 backends');
  return backends.map((b, i) => {
    const f = `${field}[${i}]`;
    if (!(b.service instanceof BackendService)) {
      fail(scope, `${f}.service`, b.service, 'must be a BackendService: BackendService.fromService(svc), BackendService.fromName(name, { port }) or BackendService.external(name, { port })');
    }
    const svc = b.service._resolve(scope, `${f}.service`, ns, true);
    const weight = b.weight === undefined ? undefined : checkWeight(scope, `${f}.weight`, b.weight);
    checkLater(scope, `${f}.service`, svc);
    if (svc.namespace !== ns && svc.source !== 'external') checkGrantLater(scope, kind, `${f}.service`, ns, svc);
    return { group: '', kind: 'Service', name: svc.name, ...(svc.namespace !== ns ? { namespace: svc.namespace } : {}), port: svc.port, ...(weight !== undefined ? { weight } : {}) };
  });
}

/** Every Service object of the app, by `namespace/name` (the chart's namespace for objects without one). */
function appServices(scope: IConstruct): Map<string, ApiObject> {
  const out = new Map<string, ApiObject>();
  for (const c of scope.node.root.node.findAll()) {
    if (c instanceof ApiObject && c.kind === 'Service' && c.apiVersion === 'v1' && c.metadata.name) {
      out.set(`${c.metadata.namespace ?? c.chart.namespace ?? 'default'}/${c.metadata.name}`, c);
    }
  }
  return out;
}

/** For a Service named by string (`BackendService.fromName`): at synth, the app must hold it, with that port. */
function checkLater(scope: Construct, field: string, svc: ResolvedService): void {
  if (svc.source !== 'name') return;
  scope.node.addValidation({
    validate: () => {
      const services = appServices(scope);
      const found = services.get(`${svc.namespace}/${svc.name}`);
      if (!found) {
        const inNs = [...services.keys()].filter((k) => k.startsWith(`${svc.namespace}/`)).map((k) => k.slice(k.indexOf('/') + 1));
        return [new IstioValidationError(pathOf(scope), field, `${svc.namespace}/${svc.name}`,
          `must name a Service of this app (BackendService.fromName is checked at synth): ${inNs.length ? `namespace ${svc.namespace} has ${inNs.join(', ')}` : `the app has no Service in namespace ${svc.namespace}`}; for a Service deployed elsewhere use BackendService.external(name, { port })`).message];
      }
      const ports = servicePorts(found);
      if (svc.port !== undefined && ports.length > 0 && !ports.some((p) => p.port === svc.port)) {
        return [new IstioValidationError(pathOf(scope), `${field}.port`, svc.port, `must be a port of Service ${svc.namespace}/${svc.name}: ${ports.map((p) => p.port).join(', ')}`).message];
      }
      return [];
    },
  });
}

/** A backend in another namespace: at synth, a ReferenceGrant of this app there must let the route's namespace in. */
function checkGrantLater(scope: Construct, kind: string, field: string, ns: string, svc: ResolvedService): void {
  scope.node.addValidation({
    validate: () => {
      const granted = scope.node.root.node.findAll().some((c) => c instanceof ReferenceGrant && c.namespace === svc.namespace && c._allows(kind, ns, 'Service', svc.name));
      return granted ? [] : [new IstioValidationError(pathOf(scope), field, `${svc.namespace}/${svc.name}`,
        `must be in the route's namespace "${ns}", or namespace ${svc.namespace} needs a ReferenceGrant from ${kind} of "${ns}" to Services: add new ReferenceGrant(..., { namespace: ${svc.namespace}, from: [{ kind: '${kind}', namespace: '${ns}' }], to: [{ kind: 'Service' }] }) (the Gateway API ignores the backend otherwise)`).message];
    },
  });
}
