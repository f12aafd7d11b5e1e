/**
 * The indexed view of the input the checks work on. Everything is built in one pass over the
 * objects; checks then use map look-ups (by kind, namespace/name, host, label), never a scan of all
 * objects per object.
 */
import { CLUSTER_SCOPED_KINDS, apiGroupOf } from '../kinds';
import { codeInfo } from './codes';
import { HostIndex, hostsMatch } from '../internal/host-match';
import { Json, arr, rec, str, textMap } from '../internal/json';
import { clusterLocalNamespace, serviceCandidates } from './hosts';
import { configMapValue } from './load';
import { AnalyzeOptions, AnalyzerMeshConfig, AnalyzerMeshNetworks, Finding, ManifestObject, SourcedObject } from './types';

export { arr, rec, str } from '../internal/json';
export type { Json } from '../internal/json';

/** Reads a string map (labels, selectors); numbers and booleans are kept as their text, other values dropped. */
export function strMap(v: unknown): Record<string, string> {
  return textMap(v) ?? {};
}

/** Kubernetes namespaces that are never part of the mesh. */
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** One input object with what the checks need to know about it. */
export interface Entry {
  readonly index: number;
  readonly obj: ManifestObject;
  readonly apiVersion: string;
  /** API group ('' for core). */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** Namespace (defaulted), undefined for cluster-scoped kinds. */
  readonly ns?: string;
  readonly spec: Json;
  readonly constructPath?: string;
  readonly file?: string;
  /** Codes suppressed on this object by `galley.istio.io/analyze-suppress` ('*' = all). */
  readonly suppressed?: ReadonlySet<string> | '*';
  /** Set for the objects `istioctl analyze` assumes on a complete input (the default ingress gateway): never reported on. */
  readonly virtual?: boolean;
}

/** A pod-producing object: its pod labels/annotations and where the pod template sits. */
export interface Workload {
  readonly entry: Entry;
  readonly ns: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Dotted path of the pod template metadata ('metadata' for a Pod). */
  readonly podMetaPath: string;
  readonly podSpec: Json;
}

/** Another cluster of the mesh, indexed (fleet analysis). */
export interface MeshPeer {
  /** Cluster name. */
  readonly name: string;
  /** Its indexed input (its network is `model.network`). */
  readonly model: MeshModel;
}

/** Kinds whose objects produce pods, and where their pod template is. */
const WORKLOAD_TEMPLATES: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/**
 * The injection revision a namespace's labels select, as the injection webhooks read them: `''` (the default
 * revision) for `istio-injection=enabled`, the `istio.io/rev` value otherwise, and undefined when they inject
 * nothing (`istio-injection=disabled`, or neither label).
 */
export function namespaceRevision(labels: Record<string, string>): string | undefined {
  const injection = labels['istio-injection'];
  if (injection === 'enabled') return '';
  if (injection === 'disabled') return undefined;
  return labels['istio.io/rev'];
}

/** True for an object of an Istio API group (`*.istio.io`). */
export function isIstio(e: Entry): boolean {
  return e.group.endsWith('istio.io');
}

const K8S_CORE_GROUPS = new Set(['', 'apps', 'batch', 'extensions']);

/** The indexed input. */
export class MeshModel {
  public readonly domain: string;
  public readonly rootNamespace: string;
  public readonly assumeComplete: boolean;
  public readonly entries: Entry[] = [];
  /** Entries by `kind` for Istio kinds (`Gateway` = networking.istio.io Gateway only). */
  private readonly istioByKind = new Map<string, Entry[]>();
  /** Kubernetes core/apps objects by kind. */
  private readonly k8sByKind = new Map<string, Entry[]>();
  /** Namespace objects by name. */
  public readonly namespaces = new Map<string, Entry>();
  /** Kubernetes Services by FQDN. */
  public readonly servicesByFqdn = new Map<string, Entry>();
  /** Number of Services per namespace (a namespace with Services is "described" for host look-ups). */
  public readonly serviceCountByNs = new Map<string, number>();
  /** ServiceEntry hosts (resolved) to their ServiceEntries. */
  public readonly serviceEntryHosts = new HostIndex<Entry>();
  /** Istio Gateways by `ns/name`. */
  public readonly gateways = new Map<string, Entry>();
  /** VirtualServices by `ns/name` (delegate look-up). */
  public readonly virtualServices = new Map<string, Entry>();
  /** DestinationRules by resolved host. */
  public readonly destinationRules = new HostIndex<Entry>();
  public readonly workloads: Workload[] = [];
  public readonly workloadsByNs = new Map<string, Workload[]>();
  /** `k=v` to workloads carrying that pod label, per namespace and mesh-wide (key ''). */
  private readonly labelIndex = new Map<string, Map<string, Workload[]>>();
  /** Namespaces that run istiod (never reported as not injected). */
  public readonly controlPlaneNamespaces = new Set<string>();
  /** Number of Istio objects per `kind|namespace`. */
  private readonly istioCountByKindNs = new Map<string, number>();
  /** Services per namespace by each `k=v` of their selector. */
  private readonly serviceSelectorIndex = new Map<string, Map<string, Entry[]>>();
  /** Whether the injector of a revision ('' = default) injects with CNI; absent = unknown. */
  private readonly cniByRevision = new Map<string, boolean>();
  /** The injector's `config` text per revision ('' = default), and the template names read from it. */
  private readonly injectorConfigByRevision = new Map<string, string>();
  private readonly templatesByRevision = new Map<string, ReadonlySet<string> | undefined>();
  private cniNodeAgent = false;
  /** The mesh config: the option, else the input's `istio` ConfigMap in the root namespace, else empty (Istio's defaults). */
  public readonly mesh: AnalyzerMeshConfig;
  /** The mesh networks: the option, else the input's `istio` ConfigMap, if any. */
  public readonly meshNetworks?: AnalyzerMeshNetworks;
  /** The cluster's network: the option, else the root namespace's `topology.istio.io/network` label. */
  public readonly network?: string;
  /** The other clusters of the mesh (fleet analysis); empty for a single cluster. */
  private meshPeers: readonly MeshPeer[] = [];
  private eastWestServers?: Array<{ gateway: Entry; hosts: string[] }>;

  public constructor(input: readonly SourcedObject[], options: AnalyzeOptions) {
    this.domain = options.clusterDomain ?? 'cluster.local';
    this.rootNamespace = options.rootNamespace ?? 'istio-system';
    this.assumeComplete = options.assumeComplete ?? false;
    const defaultNs = options.defaultNamespace ?? 'default';
    this.controlPlaneNamespaces.add(this.rootNamespace);

    for (const src of input) {
      const obj = src.object;
      if (!rec(obj) || typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') continue;
      const meta = rec(obj.metadata) ?? {};
      const kind = obj.kind;
      const nsGiven = str(meta.namespace);
      const entry: Entry = {
        index: this.entries.length,
        obj,
        apiVersion: obj.apiVersion,
        group: apiGroupOf(obj.apiVersion),
        kind,
        name: str(meta.name) ?? '',
        ns: CLUSTER_SCOPED_KINDS.has(kind) ? undefined : nsGiven || defaultNs,
        spec: rec(obj.spec) ?? {},
        constructPath: src.constructPath,
        file: src.file,
        suppressed: suppressionOf(strMap(meta.annotations)['galley.istio.io/analyze-suppress']),
      };
      this.entries.push(entry);
      this.index(entry);
    }
    const meshConfigMap = this.k8s('ConfigMap').find((e) => e.name === 'istio' && e.ns === this.rootNamespace);
    const fromInput = (key: string): object | undefined => {
      try {
        return meshConfigMap ? configMapValue(meshConfigMap.obj, key) : undefined;
      } catch {
        return undefined; // unreadable YAML in the ConfigMap: Istio's defaults
      }
    };
    this.mesh = options.meshConfig ?? (fromInput('mesh') as AnalyzerMeshConfig | undefined) ?? {};
    this.meshNetworks = options.meshNetworks ?? (fromInput('meshNetworks') as AnalyzerMeshNetworks | undefined);
    if (this.assumeComplete) this.addDefaultIngress();
    this.network = options.network ?? strMap(rec(this.namespaces.get(this.rootNamespace)?.obj.metadata)?.labels)['topology.istio.io/network'];
    if (options.meshPeers && options.meshPeers.length > 0) {
      const { meshPeers, network: _n, ...own } = options;
      this.setPeers(meshPeers.map((p) => ({
        name: p.name,
        model: new MeshModel(p.objects.map((object) => ({ object })), { ...own, ...(p.network !== undefined ? { network: p.network } : {}) }),
      })));
    }
  }

  /** Makes the other clusters of the mesh known to this one (fleet analysis). */
  public setPeers(peers: readonly MeshPeer[]): void {
    this.meshPeers = peers;
  }

  /** The other clusters of the mesh (fleet analysis); empty for a single cluster. */
  public get peers(): readonly MeshPeer[] {
    return this.meshPeers;
  }

  /**
   * The servers of this cluster's east-west gateways: Gateway servers on port 15443 with TLS `AUTO_PASSTHROUGH`
   * (the `cross-network-gateway` of Istio's multi-network setup), with their hosts (namespace prefixes dropped).
   */
  public eastWestGateways(): ReadonlyArray<{ gateway: Entry; hosts: string[] }> {
    if (!this.eastWestServers) {
      this.eastWestServers = [];
      for (const gw of this.istio('Gateway')) {
        if (gw.group !== 'networking.istio.io') continue;
        for (const sRaw of arr(gw.spec.servers)) {
          const server = rec(sRaw) ?? {};
          if (rec(server.port)?.number !== 15443 || str(rec(server.tls)?.mode) !== 'AUTO_PASSTHROUGH') continue;
          const hosts = arr(server.hosts).filter((h): h is string => typeof h === 'string').map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h));
          this.eastWestServers.push({ gateway: gw, hosts });
        }
      }
    }
    return this.eastWestServers;
  }

  /** The east-west gateways of this cluster that expose the FQDN `fqdn` to other networks. */
  public eastWestGatewaysFor(fqdn: string): Entry[] {
    return this.eastWestGateways().filter((s) => s.hosts.some((h) => hostsMatch(h, fqdn))).map((s) => s.gateway);
  }

  /**
   * On a complete input `istioctl analyze` assumes Istio's default ingress gateway (a pod labelled
   * `istio: ingressgateway` behind the mesh config's `ingressService`, ports 80, 443, 31400, 15443) unless the
   * ingress controller mode is OFF; so does this analyzer, unless the input has that Service. Nothing is ever
   * reported on these objects.
   */
  private addDefaultIngress(): void {
    if ((this.mesh.ingressControllerMode ?? 'STRICT').toUpperCase() === 'OFF') return;
    const name = this.mesh.ingressService ?? 'istio-ingressgateway';
    const ns = this.rootNamespace;
    if (this.servicesByFqdn.has(`${name}.${ns}.svc.${this.domain}`)) return;
    const selector = { istio: 'ingressgateway' };
    const objects: ManifestObject[] = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-dummypod`, namespace: ns, labels: selector }, spec: { containers: [{ name: 'istio-proxy' }] } },
      {
        apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns },
        spec: {
          selector,
          ports: [[80, 'http2'], [443, 'https'], [31400, 'tcp'], [15443, 'tls']].map(([port, pname]) => ({ name: pname, port, targetPort: port, protocol: 'TCP' })),
        },
      },
    ];
    for (const obj of objects) {
      const entry: Entry = {
        index: this.entries.length, obj, apiVersion: obj.apiVersion!, group: '', kind: obj.kind!, name: obj.metadata!.name!, ns,
        spec: rec(obj.spec) ?? {}, virtual: true,
      };
      this.entries.push(entry);
      this.index(entry);
    }
  }

  private index(e: Entry): void {
    if (isIstio(e)) {
      push(this.istioByKind, e.kind, e);
      const ns = e.ns!;
      const countKey = `${e.kind}|${ns}`;
      this.istioCountByKindNs.set(countKey, (this.istioCountByKindNs.get(countKey) ?? 0) + 1);
      if (e.group === 'networking.istio.io') {
        if (e.kind === 'Gateway') this.gateways.set(`${ns}/${e.name}`, e);
        else if (e.kind === 'VirtualService') this.virtualServices.set(`${ns}/${e.name}`, e);
        else if (e.kind === 'DestinationRule') {
          const host = str(e.spec.host);
          if (host) this.destinationRules.add(this.resolve(host, ns), e);
        } else if (e.kind === 'ServiceEntry') {
          for (const h of arr(e.spec.hosts)) if (typeof h === 'string') this.serviceEntryHosts.add(this.resolve(h, ns), e);
        }
      }
      return;
    }
    if (!K8S_CORE_GROUPS.has(e.group)) return;
    push(this.k8sByKind, e.kind, e);
    if (e.kind === 'DaemonSet' && e.name === 'istio-cni-node') this.cniNodeAgent = true;
    if (e.kind === 'Namespace' && e.group === '') {
      this.namespaces.set(e.name, e);
    } else if (e.kind === 'Service' && e.group === '') {
      this.servicesByFqdn.set(`${e.name}.${e.ns}.svc.${this.domain}`, e);
      this.serviceCountByNs.set(e.ns!, (this.serviceCountByNs.get(e.ns!) ?? 0) + 1);
      const selector = strMap(e.spec.selector);
      let idx = this.serviceSelectorIndex.get(e.ns!);
      if (!idx) this.serviceSelectorIndex.set(e.ns!, (idx = new Map()));
      for (const k of Object.keys(selector)) push(idx, `${k}=${selector[k]}`, e);
    } else if (e.kind === 'ConfigMap' && e.group === '' && (e.name === 'istio-sidecar-injector' || e.name.startsWith('istio-sidecar-injector-'))) {
      const revision = e.name.slice('istio-sidecar-injector-'.length);
      const cni = injectorCni(rec(e.obj.data));
      if (cni !== undefined) this.cniByRevision.set(revision, cni);
      const config = str(rec(e.obj.data)?.config);
      if (config !== undefined) this.injectorConfigByRevision.set(revision, config);
    } else if (e.kind === 'Pod' && e.group === '') {
      const meta = rec(e.obj.metadata) ?? {};
      this.addWorkload({ entry: e, ns: e.ns!, labels: strMap(meta.labels), annotations: strMap(meta.annotations), podMetaPath: 'metadata', podSpec: e.spec });
    } else if (WORKLOAD_TEMPLATES[e.kind]) {
      const path = WORKLOAD_TEMPLATES[e.kind];
      let t: Json | undefined = e.obj as Json;
      for (const p of path) t = rec(t?.[p]);
      if (!t) return;
      const meta = rec(t.metadata) ?? {};
      this.addWorkload({
        entry: e, ns: e.ns!, labels: strMap(meta.labels), annotations: strMap(meta.annotations),
        podMetaPath: `${path.join('.')}.metadata`, podSpec: rec(t.spec) ?? {},
      });
    }
  }

  private addWorkload(w: Workload): void {
    this.workloads.push(w);
    push(this.workloadsByNs, w.ns, w);
    let nsIdx = this.labelIndex.get(w.ns);
    if (!nsIdx) this.labelIndex.set(w.ns, (nsIdx = new Map()));
    let global = this.labelIndex.get('');
    if (!global) this.labelIndex.set('', (global = new Map()));
    for (const k of Object.keys(w.labels)) {
      const key = `${k}=${w.labels[k]}`;
      push(nsIdx, key, w);
      push(global, key, w);
    }
    if (w.entry.kind === 'Deployment' && (w.labels.app === 'istiod' || w.entry.name.startsWith('istiod'))) {
      this.controlPlaneNamespaces.add(w.ns);
    }
  }

  /** Number of Istio objects of `kind` in namespace `ns`. */
  public istioCount(kind: string, ns: string): number {
    return this.istioCountByKindNs.get(`${kind}|${ns}`) ?? 0;
  }

  /** Services of the workload's namespace whose (non-empty) selector selects its pods. */
  public servicesSelecting(w: Workload): Entry[] {
    const idx = this.serviceSelectorIndex.get(w.ns);
    if (!idx) return [];
    const seen = new Set<Entry>();
    for (const k of Object.keys(w.labels)) {
      for (const s of idx.get(`${k}=${w.labels[k]}`) ?? []) {
        if (seen.has(s)) continue;
        const sel = strMap(s.spec.selector);
        if (Object.keys(sel).every((x) => w.labels[x] === sel[x])) seen.add(s);
      }
    }
    return [...seen];
  }

  /**
   * Whether pods injected by `revision` ('' = default) use the CNI node agent: true/false when the
   * input holds the injector ConfigMap (or the istio-cni-node DaemonSet), undefined when unknown.
   */
  public injectsWithCni(revision: string): boolean | undefined {
    if (this.cniNodeAgent) return true;
    return this.cniByRevision.get(revision) ?? (revision === 'default' ? this.cniByRevision.get('') : undefined);
  }

  /**
   * The injection templates the injector of `revision` ('' or 'default' = default) has, when its
   * ConfigMap is in the input and its `templates` map can be read; undefined otherwise. Read on first
   * use (only pods that name templates need it).
   */
  public injectionTemplates(revision: string): ReadonlySet<string> | undefined {
    const rev = revision === 'default' ? '' : revision;
    if (!this.templatesByRevision.has(rev)) {
      const config = this.injectorConfigByRevision.get(rev);
      this.templatesByRevision.set(rev, config === undefined ? undefined : templateNames(config));
    }
    return this.templatesByRevision.get(rev);
  }

  /** Istio objects of `kind` (any Istio group). */
  public istio(kind: string): readonly Entry[] {
    return this.istioByKind.get(kind) ?? [];
  }

  /** Kubernetes core/apps/batch objects of `kind`. */
  public k8s(kind: string): readonly Entry[] {
    return this.k8sByKind.get(kind) ?? [];
  }

  /** Expands a host in namespace `ns` (short names become FQDNs). */
  public resolve(host: string, ns: string): string {
    return serviceCandidates(host, ns, this.domain)[0];
  }

  /** The Kubernetes Service a host in namespace `ns` names, if it is in the input. */
  public serviceFor(host: string, ns: string): Entry | undefined {
    for (const c of serviceCandidates(host, ns, this.domain)) {
      const s = this.servicesByFqdn.get(c);
      if (s) return s;
    }
    return undefined;
  }

  /**
   * The Service or ServiceEntry a destination host of an object in namespace `ns` names, as Istio's analyzers
   * find it: Services export to the namespaces of their `networking.istio.io/exportTo` annotation,
   * ServiceEntries to their `spec.exportTo` (both default to every namespace); `exportTo` is the referring
   * object's own `spec.exportTo` (a VirtualService exported elsewhere also sees hosts exported there).
   */
  public destination(host: string, ns: string, exportTo: readonly unknown[] = []): Entry | undefined {
    return this.localDestination(host, ns, exportTo) ?? this.servingPeers(host, ns, exportTo).map((p) => p.target)[0];
  }

  /**
   * The other clusters of the mesh whose own Services or ServiceEntries serve the host (as {@link destination} finds
   * it there), with what they found.
   */
  public servingPeers(host: string, ns: string, exportTo: readonly unknown[] = []): Array<{ peer: MeshPeer; target: Entry }> {
    const out: Array<{ peer: MeshPeer; target: Entry }> = [];
    for (const peer of this.meshPeers) {
      const target = peer.model.localDestination(host, ns, exportTo);
      if (target) out.push({ peer, target });
    }
    return out;
  }

  /** Like {@link destination}, in this cluster's own input only. */
  public localDestination(host: string, ns: string, exportTo: readonly unknown[] = []): Entry | undefined {
    const from = exportTo.length === 0 ? [ns] : exportTo.filter((x): x is string => typeof x === 'string').map((x) => (x === '.' ? ns : x));
    const svc = this.serviceFor(host, ns);
    if (svc) {
      const scopes = exportScopes(strMap(rec(svc.obj.metadata)?.annotations)['networking.istio.io/exportTo']?.split(','), svc.ns!);
      if (scopes.has('*') || from.some((n) => scopes.has(n))) return svc;
    }
    for (const se of this.serviceEntryHosts.matching(this.resolve(host, ns))) {
      const scopes = exportScopes(arr(se.spec.exportTo), se.ns!);
      // a wildcard host is visible only to its own scope (as Istio's analyzers look wildcards up)
      if (scopes.has('*') || from.some((n) => scopes.has(n)) || scopes.has(ns)) return se;
    }
    return undefined;
  }

  /** The port numbers a Service (`spec.ports[].port`) or ServiceEntry (`spec.ports[].number`) offers. */
  public destinationPorts(e: Entry): number[] {
    const key = e.kind === 'Service' ? 'port' : 'number';
    return arr(e.spec.ports).map((p) => rec(p)?.[key]).filter((p): p is number => typeof p === 'number');
  }

  /** True when the host names a Service or a ServiceEntry host of the input. */
  public hostKnown(host: string, ns: string): boolean {
    return [this, ...this.meshPeers.map((p) => p.model)].some((m) => m.serviceFor(host, ns) !== undefined
      || m.serviceEntryHosts.matching(m.resolve(host, ns)).length > 0);
  }

  /**
   * True when the input describes the namespace a host lives in well enough to conclude that the
   * host does not exist: always with assumeComplete; otherwise only for cluster-local hosts of a
   * namespace that has at least one Service in the input.
   */
  public canConcludeHostMissing(host: string, ns: string): boolean {
    if (this.assumeComplete) return true;
    for (const c of serviceCandidates(host, ns, this.domain)) {
      const hostNs = clusterLocalNamespace(c, this.domain);
      // in a fleet, the namespace counts as described when any cluster of the mesh describes it
      if (hostNs !== undefined) return [this, ...this.meshPeers.map((p) => p.model)].some((m) => (m.serviceCountByNs.get(hostNs) ?? 0) > 0);
    }
    return false;
  }

  /** True when the workloads of `ns` are in the input (or assumeComplete). */
  public workloadsDescribed(ns: string): boolean {
    return this.assumeComplete || (this.workloadsByNs.get(ns)?.length ?? 0) > 0;
  }

  /**
   * Workloads whose pod labels include every `selector` label, in namespace `ns` (or mesh-wide when
   * `ns` is undefined). An empty selector selects every workload of the scope.
   */
  public select(selector: Record<string, string>, ns: string | undefined): Workload[] {
    const keys = Object.keys(selector);
    if (keys.length === 0) return [...(ns === undefined ? this.workloads : this.workloadsByNs.get(ns) ?? [])];
    const idx = this.labelIndex.get(ns ?? '');
    if (!idx) return [];
    let smallest: Workload[] | undefined;
    for (const k of keys) {
      const l = idx.get(`${k}=${selector[k]}`);
      if (!l) return [];
      if (!smallest || l.length < smallest.length) smallest = l;
    }
    return smallest!.filter((w) => keys.every((k) => w.labels[k] === selector[k]));
  }
}

/**
 * The namespaces an `exportTo` list makes an object visible to: `*` (all), `.` (its own namespace `ownNs`),
 * named namespaces; `~` (none) gives an empty set. An absent or empty list means all.
 */
export function exportScopes(list: readonly unknown[] | undefined, ownNs: string): Set<string> {
  const names = (list ?? []).filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter((x) => x !== '');
  if (names.length === 0) return new Set(['*']);
  return new Set(names.filter((x) => x !== '~').map((x) => (x === '.' ? ownNs : x)));
}

/**
 * Whether a Kubernetes label selector (`matchLabels` and `matchExpressions` with In, NotIn, Exists,
 * DoesNotExist) selects `labels`. An absent selector selects everything; an unreadable one nothing.
 */
export function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return true;
  const sel = rec(selector);
  if (!sel) return false;
  const ml = strMap(sel.matchLabels);
  if (Object.keys(ml).some((k) => labels[k] !== ml[k])) return false;
  for (const eRaw of arr(sel.matchExpressions)) {
    const e = rec(eRaw) ?? {};
    const key = str(e.key) ?? '';
    const values = arr(e.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (str(e.operator)) {
      case 'In': if (!has || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Reads the CNI flag from an injector ConfigMap's `values` JSON (`pilot.cni.enabled` or `istio_cni.enabled`). */
/**
 * The keys of the top-level `templates:` block map in an injector `config` text (the lines indented like its
 * first key; the template texts are block scalars indented deeper), or undefined when the text has no such
 * block or no key can be read from it (a flow map, another layout): the check then stays silent.
 */
function templateNames(config: string): ReadonlySet<string> | undefined {
  const lines = config.split('\n');
  const start = lines.findIndex((l) => /^templates:\s*$/.test(l));
  if (start < 0) return undefined;
  const names = new Set<string>();
  let indent: string | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    if (!line.startsWith(' ')) break; // the next top-level key
    indent ??= /^ +/.exec(line)![0];
    if (!line.startsWith(indent) || line[indent.length] === ' ') continue; // deeper: template text
    const m = /^(?:"([^"]+)"|'([^']+)'|([^\s'"#][^:]*)):(?:\s|$)/.exec(line.slice(indent.length));
    if (m) names.add(m[1] ?? m[2] ?? m[3]);
  }
  return names.size > 0 ? names : undefined;
}

function injectorCni(data: Json | undefined): boolean | undefined {
  const text = str(data?.values);
  if (!text) return undefined;
  let values: Json | undefined;
  try {
    values = rec(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!values) return undefined;
  const pilotCni = rec(rec(values.pilot)?.cni)?.enabled;
  const legacyCni = rec(values.istio_cni)?.enabled;
  return pilotCni === true || legacyCni === true;
}

function suppressionOf(v: string | undefined): ReadonlySet<string> | '*' | undefined {
  if (!v) return undefined;
  if (v.trim() === '*') return '*';
  return new Set(v.split(',').map((s) => s.trim()).filter((s) => s));
}

/** Collects findings, applying suppression and filling in object identity. */
export class Reporter {
  public readonly findings: Finding[] = [];
  private readonly suppress: ReadonlySet<string>;

  public constructor(options: AnalyzeOptions) {
    this.suppress = new Set(options.suppress ?? []);
  }

  /**
   * Records a finding with the catalog severity of `code` and its default fix (unless given). `analyzer`
   * names Istio's analyzer that reports the same, when several of Istio's analyzers report the code.
   */
  public report(code: string, e: Entry, field: string, message: string, fix?: string, analyzer?: string | readonly string[]): void {
    if (e.virtual) return;
    if (this.suppress.has(code)) return;
    if (e.suppressed === '*' || e.suppressed?.has(code)) return;
    const info = codeInfo(code);
    const given = analyzer === undefined ? undefined : typeof analyzer === 'string' ? [analyzer] : analyzer;
    for (const a of given ?? []) if (!info.analyzers.includes(a)) throw new Error(`analyzer: ${a} does not report ${code}`);
    const upstream = given
      ?? (code === 'IST0106' ? [`schema.ValidationAnalyzer.${e.kind}`] : info.analyzers.length === 1 ? [info.analyzers[0]] : undefined);
    this.findings.push({
      code,
      name: info.name,
      severity: info.severity,
      object: { apiVersion: e.apiVersion, kind: e.kind, ...(e.ns !== undefined ? { namespace: e.ns } : {}), name: e.name },
      field,
      message,
      fix: fix ?? info.fix,
      ...(upstream !== undefined ? { analyzers: upstream } : {}),
      ...(e.constructPath !== undefined ? { constructPath: e.constructPath } : {}),
      ...(e.file !== undefined ? { file: e.file } : {}),
    });
  }
}

/** `ns/name` of an entry for messages. */
export function ref(e: Entry): string {
  return e.ns !== undefined ? `${e.ns}/${e.name}` : e.name;
}
