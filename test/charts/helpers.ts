/** Helpers for the platform chart tests. */
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { MlopsMeshChart, MlopsMeshChartProps, PiClusterMeshChart, PiClusterMeshChartProps } from '../../src/charts';
import { K8sObject } from '../support/schema';
import { findOne, synthValid } from '../support/synth';

/** Synthesizes the MLOps chart and validates every object. */
export function mlops(props: MlopsMeshChartProps = {}): { chart: MlopsMeshChart; objs: K8sObject[] } {
  const chart = new MlopsMeshChart(Testing.app(), 'mlops', props);
  return { chart, objs: synthValid(chart) };
}

/** Synthesizes the Raspberry-Pi chart and validates every object. */
export function pi(props: PiClusterMeshChartProps = {}): { chart: PiClusterMeshChart; objs: K8sObject[] } {
  const chart = new PiClusterMeshChart(Testing.app(), 'pi', props);
  return { chart, objs: synthValid(chart) };
}

/** A chart under construction, for error tests (construction throws before synthesis). */
export function build(ctor: (app: ReturnType<typeof Testing.app>) => Chart): () => Chart {
  return () => ctor(Testing.app());
}

/** The mesh config (`mesh` key of ConfigMap `istio`), parsed. */
export function meshConfig(objs: K8sObject[], namespace = 'istio-system'): Record<string, any> {
  return parse(findOne(objs, 'ConfigMap', 'istio', namespace).data.mesh);
}

/** The injector values (`values` key of ConfigMap `istio-sidecar-injector`), parsed. */
export function injectorValues(objs: K8sObject[], namespace = 'istio-system'): Record<string, any> {
  return JSON.parse(findOne(objs, 'ConfigMap', 'istio-sidecar-injector', namespace).data.values);
}

/** The first container of a Deployment. */
export function container(objs: K8sObject[], name: string, namespace: string): Record<string, any> {
  return findOne(objs, 'Deployment', name, namespace).spec.template.spec.containers[0];
}

/** `[port, nodePort]` pairs of a Service, by port number. */
export function servicePorts(objs: K8sObject[], name: string, namespace: string): Record<number, number | undefined> {
  const svc = findOne(objs, 'Service', name, namespace);
  return Object.fromEntries(svc.spec.ports.map((p: { port: number; nodePort?: number }) => [p.port, p.nodePort]));
}

/** apiVersion of every Istio custom resource, by `Kind namespace/name`. */
export function istioApiVersions(objs: K8sObject[]): Record<string, string> {
  return Object.fromEntries(objs
    .filter((o) => /\.istio\.io\//.test(o.apiVersion))
    .map((o) => [`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o.apiVersion]));
}
