import { MeshEdge, MeshGraph, MeshNode } from '../../src/picture';
import { K8sObject } from '../support/schema';

/** The one node of a kind with a label (and namespace, when given); throws otherwise. */
export function node(graph: MeshGraph, kind: MeshNode['kind'], label: string, namespace?: string): MeshNode {
  const hits = graph.nodes.filter((n) => n.kind === kind && n.label === label && (namespace === undefined || n.namespace === namespace));
  if (hits.length !== 1) {
    const have = graph.nodes.filter((n) => n.kind === kind).map((n) => `${n.namespace ?? '-'}/${n.label}`);
    throw new Error(`expected one ${kind} "${label}", found ${hits.length}; have: ${have.join(', ')}`);
  }
  return hits[0];
}

/** Edges from one node to another (any kind, or the given one). */
export function edgesBetween(graph: MeshGraph, from: MeshNode, to: MeshNode, kind?: MeshEdge['kind']): MeshEdge[] {
  return graph.edges.filter((e) => e.from === from.id && e.to === to.id && (kind === undefined || e.kind === kind));
}

/** The one edge between two nodes; throws otherwise. */
export function edge(graph: MeshGraph, from: MeshNode, to: MeshNode, kind?: MeshEdge['kind']): MeshEdge {
  const hits = edgesBetween(graph, from, to, kind);
  if (hits.length !== 1) throw new Error(`expected one ${kind ?? ''} edge ${from.id} -> ${to.id}, found ${hits.length}`);
  return hits[0];
}

/** A v1 Istio networking object. */
export function net(kind: string, name: string, namespace: string, spec: Record<string, unknown>, api = 'v1'): K8sObject {
  return { apiVersion: `networking.istio.io/${api}`, kind, metadata: { name, namespace }, spec };
}

/** A v1 Istio security object. */
export function sec(kind: string, name: string, namespace: string, spec: Record<string, unknown>, api = 'v1'): K8sObject {
  return { apiVersion: `security.istio.io/${api}`, kind, metadata: { name, namespace }, spec };
}

/** A minimal valid Deployment whose pods carry `labels`. */
export function deployment(name: string, namespace: string, labels: Record<string, string>): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'example/app:1' }] } },
    },
  };
}

/** A minimal valid Service selecting `selector`. */
export function service(name: string, namespace: string, selector: Record<string, string>, port = 80): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ name: 'http', port }] } };
}
