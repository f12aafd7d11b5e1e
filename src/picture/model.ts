/**
 * The mesh picture's graph model: what the renderers draw, built from plain Kubernetes/Istio objects.
 *
 * Every node and edge is derived from the objects alone (no cluster, no constructs), ids are stable
 * and safe for Mermaid and Graphviz (letters, digits and `_` only), and arrays are sorted, so the same
 * input always gives the same graph.
 */
import type { MtlsMode } from '../security/peer-authentication';

/** What a node stands for. */
export type MeshNodeKind =
  /** The pods a `Gateway` selects (its `spec.selector`), e.g. the ingress gateway Deployment. */
  | 'gatewayWorkload'
  /** An Istio `Gateway` resource with its servers (ports, protocols, hosts). */
  | 'gateway'
  /** The sidecars of the mesh, for VirtualServices bound to `mesh` (or to no gateway). */
  | 'mesh'
  /** A host name clients address: a gateway server host, or a VirtualService host on the mesh. */
  | 'host'
  /** One http, tcp or tls route of a VirtualService, with its match summary. */
  | 'route'
  /** A destination service (by host), with its DestinationRule traffic policy. */
  | 'service'
  /** A DestinationRule subset of a service, with its pod labels. */
  | 'subset'
  /** Workloads selected by an AuthorizationPolicy or PeerAuthentication (by labels, namespace-wide or mesh-wide). */
  | 'workload'
  /** A caller named in an AuthorizationPolicy rule (a namespace, a principal, a JWT principal, an IP block, or anyone). */
  | 'caller';

/** A property of a node worth drawing attention to. */
export type MeshMark =
  /** An ALLOW policy selects these workloads: every request no rule allows is denied. */
  | 'default-deny'
  /** An ALLOW policy without rules selects these workloads: every request is denied. */
  | 'deny-all'
  /** A DENY policy selects these workloads. */
  | 'has-deny-rules'
  /** The policy applies to every workload of its namespace. */
  | 'namespace-wide'
  /** The policy applies to every workload in the mesh (root namespace, no selector). */
  | 'mesh-wide'
  /** A host outside the cluster's service domain, or declared by a ServiceEntry. */
  | 'external'
  /** A gateway server host that no VirtualService routes. */
  | 'unrouted'
  /** A VirtualService host that no server of the bound gateway accepts. */
  | 'unmatched-host'
  /** A subset a route uses that no DestinationRule of the service defines. */
  | 'undefined-subset'
  /** A gateway a VirtualService binds to that is not among the objects. */
  | 'not-found'
  /** A PeerAuthentication sets these workloads to STRICT mTLS. */
  | 'mtls-strict'
  /** A PeerAuthentication sets these workloads (or some of their ports) to PERMISSIVE mTLS. */
  | 'mtls-permissive'
  /** A PeerAuthentication disables mTLS for these workloads (or some of their ports). */
  | 'mtls-disable';

/** One node of the mesh graph. */
export interface MeshNode {
  /** Stable id: letters, digits and `_` only, starts with the kind's prefix. */
  readonly id: string;
  /** What the node stands for. */
  readonly kind: MeshNodeKind;
  /** The first line of the node's text (a name, a host, a selector). */
  readonly label: string;
  /** Further lines: match summary, ports, policy, labels. */
  readonly details: readonly string[];
  /** The namespace the node is drawn in; absent for nodes that belong to no namespace. */
  readonly namespace?: string;
  /** Properties worth drawing attention to, sorted. */
  readonly marks: readonly MeshMark[];
  /** The objects the node comes from, as `Kind namespace/name`, sorted. */
  readonly sources: readonly string[];
}

/** What an edge stands for. */
export type MeshEdgeKind =
  /** gateway workload → Gateway: these pods carry the gateway's servers. */
  | 'serves'
  /** Gateway or mesh → host: the host is accepted there (label: ports). */
  | 'exposes'
  /** host → route: requests for the host are matched against the route. */
  | 'matches'
  /** route → service or subset: the route forwards there (weight, port). */
  | 'routes'
  /** route → service or subset: the route mirrors a copy of its traffic there. */
  | 'mirrors'
  /** service → subset: the subset is a labelled part of the service's pods. */
  | 'subset'
  /** caller → workload: an ALLOW rule lets the caller in (label: ports, methods, paths, conditions). */
  | 'allows'
  /** caller → workload: a DENY rule shuts the caller out. */
  | 'denies'
  /** caller → workload: an AUDIT rule logs the caller's requests. */
  | 'audits'
  /** caller → workload: a CUSTOM rule hands the decision to an external authorizer. */
  | 'delegates'
  /** service → workload: the Kubernetes Service selects these workloads. */
  | 'selects';

/** One edge of the mesh graph. */
export interface MeshEdge {
  /** Id of the node the edge starts at. */
  readonly from: string;
  /** Id of the node the edge ends at. */
  readonly to: string;
  /** What the edge stands for. */
  readonly kind: MeshEdgeKind;
  /** Text drawn on the edge (empty when there is none). */
  readonly label: string;
  /** Traffic weight in percent, for `routes` and `mirrors` edges. */
  readonly weight?: number;
  /** Destination port, for `routes` and `mirrors` edges that name one. */
  readonly port?: number;
  /** Ports the edge is limited to: server ports for `exposes`, rule ports for authorization edges. */
  readonly ports?: readonly string[];
}

export type { MtlsMode };

/** Where a namespace's mTLS mode comes from. */
export type MtlsSource =
  /** A namespace-wide PeerAuthentication in the namespace. */
  | 'namespace'
  /** The mesh-wide PeerAuthentication in the root namespace. */
  | 'mesh'
  /** No PeerAuthentication: Istio's default (PERMISSIVE). */
  | 'default';

/** A namespace of the picture and its mTLS mode. */
export interface MeshNamespace {
  /** Namespace name. */
  readonly name: string;
  /** The mTLS mode workloads of the namespace get unless a workload policy says otherwise. */
  readonly mtls: MtlsMode;
  /** Where that mode comes from. */
  readonly mtlsSource: MtlsSource;
  /** The PeerAuthentication that sets it, as `namespace/name`, when there is one. */
  readonly mtlsPolicy?: string;
  /** True for the root namespace (mesh-wide policies live there). */
  readonly root: boolean;
}

/** The mesh as a graph. */
export interface MeshGraph {
  /** Nodes, sorted by id. */
  readonly nodes: readonly MeshNode[];
  /** Edges, sorted by from, to, kind and label. */
  readonly edges: readonly MeshEdge[];
  /** Every namespace a node is drawn in or a PeerAuthentication names, sorted by name. */
  readonly namespaces: readonly MeshNamespace[];
  /** The mesh-wide mTLS mode and where it comes from. */
  readonly meshMtls: { readonly mode: MtlsMode; readonly source: 'mesh' | 'default'; readonly policy?: string };
  /** The root namespace used to recognise mesh-wide policies. */
  readonly rootNamespace: string;
}

/** Options for reading objects into a {@link MeshGraph}. */
export interface MeshGraphOptions {
  /**
   * The cluster's DNS suffix: short service names `svc` in namespace `ns` resolve to
   * `svc.ns.svc.<domainSuffix>`, and hosts under `.svc.<domainSuffix>` are drawn in their namespace.
   * @default 'cluster.local'
   */
  readonly domainSuffix?: string;
  /**
   * Istio's root namespace: a PeerAuthentication or AuthorizationPolicy there without a selector applies mesh-wide.
   * @default 'istio-system'
   */
  readonly rootNamespace?: string;
}
