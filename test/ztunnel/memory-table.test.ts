/**
 * The memory table of docs/ambient.md is what the library renders: this test builds each row from synthesized
 * objects (the proxy requests in the injector values, the requests of the istio-cni-node and ztunnel DaemonSets)
 * and expects the page to hold exactly that table between its markers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { IstioBase, Istiod, IstiodProps, IstioVersion, ResourcePreset } from '../../src';

type Obj = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: any };

const MI = (q: string): number => {
  const m = /^([0-9]+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unexpected memory quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};

function install(props: Omit<IstiodProps, 'base'>): Obj[] {
  const chart = new Chart(Testing.app(), 'mesh', { disableResourceNameHashes: true });
  new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version: IstioVersion.V1_30_3 }), ...props });
  return Testing.synth(chart) as Obj[];
}

/** Requests of each meshed pod's proxy (the injector values istiod injects with). */
function perPod(objs: Obj[]): { cpu: string; memory: string } {
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio-sidecar-injector')!;
  return JSON.parse(cm.data!.values).global.proxy.resources.requests;
}

/** Requests of the node agents (one pod of each DaemonSet per node). */
function perNode(objs: Obj[]): Array<{ name: string; cpu: string; memory: string }> {
  return objs.filter((o) => o.kind === 'DaemonSet').map((o) => ({ name: o.metadata.name, ...o.spec.template.spec.containers[0].resources.requests }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function table(): string {
  const sidecar = install({});
  const cni = install({ cni: true });
  const ambient = install({ ambient: true });
  // the sidecar preset PiClusterMeshChart gives its meshed pods
  const pi = install({ proxy: { resources: ResourcePreset.raspberryPiSidecar() } });
  const pod = (objs: Obj[]) => `${perPod(objs).memory} (${perPod(objs).cpu} CPU)`;
  const nodes = (objs: Obj[]) => {
    const agents = perNode(objs);
    if (agents.length === 0) return '—';
    const total = agents.reduce((n, a) => n + MI(a.memory), 0);
    return `${agents.map((a) => `${a.name} ${a.memory}`).join(' + ')} = ${total}Mi`;
  };
  const rows: string[][] = [
    ['sidecar (`install`)', pod(sidecar), nodes(sidecar)],
    ['sidecar, Raspberry-Pi preset (`ResourcePreset.raspberryPiSidecar()`, `PiClusterMeshChart`\'s default)', pod(pi), nodes(pi)],
    ['sidecar with CNI (`install --cni`)', pod(cni), nodes(cni)],
    ['ambient (`install --profile ambient`)', 'none: no sidecar', nodes(ambient)],
  ];
  // a worked example: 20 meshed pods on 4 nodes
  const pods = 20;
  const nodeCount = 4;
  const memory = (objs: Obj[], sidecars: boolean) => (sidecars ? pods * MI(perPod(objs).memory) : 0) + nodeCount * perNode(objs).reduce((n, a) => n + MI(a.memory), 0);
  rows.push([`${pods} meshed pods on ${nodeCount} nodes`, `sidecar ${memory(sidecar, true)}Mi, Pi preset ${memory(pi, true)}Mi, with CNI ${memory(cni, true)}Mi`, `ambient ${memory(ambient, false)}Mi`]);
  return ['| data plane | requested per meshed pod | requested per node |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

test('docs/ambient.md holds the memory table the library renders', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'ambient.md'), 'utf8');
  const m = /<!-- memory-table -->\n([\s\S]*?)\n<!-- \/memory-table -->/.exec(doc);
  expect(m).not.toBeNull();
  expect(m![1]).toBe(table());
});
