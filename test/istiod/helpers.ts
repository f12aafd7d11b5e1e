import { parse } from 'yaml';
import { IstioBase, IstioBaseProps } from '../../src/base';
import { Istiod, IstiodProps } from '../../src/istiod';
import { IstioVersion } from '../../src/version';
import { K8sObject } from '../support/schema';
import { findOne, ids, newChart, synthValid } from '../support/synth';

export const VERSIONS: Array<[string, IstioVersion]> = [['1.30.3', IstioVersion.V1_30_3], ['1.20.3', IstioVersion.V1_20_3]];

export interface Rendered {
  readonly istiod: Istiod;
  /** Every object of the chart (base included), schema-validated. */
  readonly all: K8sObject[];
  /** The objects Istiod added (the chart minus what the base alone renders), schema-validated. */
  readonly objs: K8sObject[];
}

/** Renders `new IstioBase` + `new Istiod` in one chart and separates istiod's objects from the base's. */
export function render(version: IstioVersion, props: Omit<IstiodProps, 'base'> = {}, baseProps: IstioBaseProps = {}): Rendered {
  const chart = newChart();
  const base = new IstioBase(chart, 'base', { version, ...baseProps });
  const istiod = new Istiod(chart, 'istiod', { base, ...props });
  const all = synthValid(chart);

  const baseOnly = newChart();
  new IstioBase(baseOnly, 'base', { version, ...baseProps });
  const baseIds = new Set(ids(synthValid(baseOnly)));
  const objs = all.filter((o) => !baseIds.has(ids([o])[0]));
  return { istiod, all, objs };
}

export function deployment(objs: K8sObject[], name = 'istiod', ns = 'istio-system'): K8sObject {
  return findOne(objs, 'Deployment', name, ns);
}

export function container(objs: K8sObject[], name = 'istiod', ns = 'istio-system'): any {
  const c = deployment(objs, name, ns).spec.template.spec.containers;
  expect(c).toHaveLength(1);
  return c[0];
}

export function envNames(objs: K8sObject[], name = 'istiod'): string[] {
  return container(objs, name).env.map((e: { name: string }) => e.name);
}

export function envValue(objs: K8sObject[], env: string, name = 'istiod'): string | undefined {
  return container(objs, name).env.find((e: { name: string }) => e.name === env)?.value;
}

/** The parsed `mesh` key of the mesh-config ConfigMap. */
export function meshOf(objs: K8sObject[], name = 'istio', ns = 'istio-system'): any {
  return parse(findOne(objs, 'ConfigMap', name, ns).data.mesh);
}

/** Rules of a ClusterRole as `group|resource|verbs` strings, for containment checks. */
export function grants(role: K8sObject): string[] {
  const out: string[] = [];
  for (const r of role.rules) {
    for (const g of r.apiGroups) for (const res of r.resources) out.push(`${g}|${res}|${[...r.verbs].sort().join(',')}`);
  }
  return out;
}

export function grant(group: string, resource: string, verbs: string[]): string {
  return `${group}|${resource}|${[...verbs].sort().join(',')}`;
}

const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * Violations of the Pod Security Standard `restricted` (Kubernetes 1.28 rules) by a pod spec; empty when it complies.
 */
export function restrictedViolations(pod: any): string[] {
  const v: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) v.push('host namespaces');
  for (const vol of pod.volumes ?? []) {
    const type = Object.keys(vol).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUME_TYPES.includes(type)) v.push(`volume type ${type}`);
  }
  const podSc = pod.securityContext ?? {};
  const seccompOk = (t?: string) => t === 'RuntimeDefault' || t === 'Localhost';
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) v.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${c.name}: allowPrivilegeEscalation not false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${c.name}: capabilities not dropping ALL`);
    if ((sc.capabilities?.add ?? []).some((x: string) => x !== 'NET_BIND_SERVICE')) v.push(`${c.name}: adds capabilities`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) v.push(`${c.name}: runAsNonRoot not true`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) v.push(`${c.name}: runs as uid 0`);
    if (!seccompOk(sc.seccompProfile?.type ?? podSc.seccompProfile?.type)) v.push(`${c.name}: seccompProfile not RuntimeDefault/Localhost`);
    for (const p of c.ports ?? []) if (p.hostPort) v.push(`${c.name}: hostPort`);
  }
  return v;
}
