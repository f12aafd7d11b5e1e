import { Chart, Testing } from 'cdk8s';
import { K8sObject, validateAll } from './schema';

/** A fresh chart for a test (no name hashes, deterministic ids). */
export function newChart(id = 'test'): Chart {
  const app = Testing.app();
  return new Chart(app, id, { disableResourceNameHashes: true });
}

/** Synthesizes a chart and validates every object against its schema. */
export function synthValid(chart: Chart): K8sObject[] {
  const objs = Testing.synth(chart) as K8sObject[];
  validateAll(objs);
  return objs;
}

/** Finds exactly one object by kind and name (and namespace, when given); throws otherwise. */
export function findOne(objs: K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const hits = objs.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (hits.length !== 1) {
    const have = objs.filter((o) => o.kind === kind).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    throw new Error(`expected one ${kind} ${namespace ?? '*'}/${name}, found ${hits.length}; ${kind} present: ${have.join(', ') || 'none'}`);
  }
  return hits[0];
}

/** All objects of a kind. */
export function ofKind(objs: K8sObject[], kind: string): K8sObject[] {
  return objs.filter((o) => o.kind === kind);
}

/** `kind namespace/name` of each object, for object-set assertions. */
export function ids(objs: K8sObject[]): string[] {
  return objs.map((o) => `${o.kind} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`);
}
