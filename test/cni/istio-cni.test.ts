/**
 * The Istio CNI node agent: what `Istiod({ cni })` renders at each release, its options, and the bad input it
 * refuses. (That the objects equal upstream's `istio-cni` chart render, value by value, is the conformance
 * suite's job: test/conformance/istio-1.30/controlplane.)
 */
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { IstioBase, IstioCni, Istiod, IstioValidationError, IstioVersion, ResourcePreset } from '../../src';
import { render, VERSIONS } from '../istiod/helpers';
import { K8sObject } from '../support/schema';
import { findOne, ids, ofKind } from '../support/synth';

const V30 = IstioVersion.V1_30_3;
const V20 = IstioVersion.V1_20_3;

function agent(objs: K8sObject[]): any {
  return findOne(objs, 'DaemonSet', 'istio-cni-node', 'istio-system');
}
function agentContainer(objs: K8sObject[]): any {
  return agent(objs).spec.template.spec.containers[0];
}
function cniConfig(objs: K8sObject[]): Record<string, string> {
  return findOne(objs, 'ConfigMap', 'istio-cni-config', 'istio-system').data;
}
function injectorValues(objs: K8sObject[]): any {
  return JSON.parse(findOne(objs, 'ConfigMap', 'istio-sidecar-injector', 'istio-system').data.values);
}
function cniIds(objs: K8sObject[]): string[] {
  return ids(objs).filter((i) => i.includes('istio-cni')).sort();
}
function expectInvalid(fn: () => unknown, field: string, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IstioValidationError);
  expect((caught as IstioValidationError).field).toBe(field);
  expect((caught as IstioValidationError).message).toMatch(message);
}

describe('one decision: the agent and the injector CNI mode', () => {
  test.each(VERSIONS)('%s: cni renders the agent and turns on CNI-mode injection; without it, neither', (_tag, version) => {
    const on = render(version, { cni: true });
    expect(on.istiod.cni).toBe(true);
    expect(on.istiod.cniAgent).toBeInstanceOf(IstioCni);
    expect(ofKind(on.objs, 'DaemonSet').map((d) => d.metadata.name)).toEqual(['istio-cni-node']);
    const values = injectorValues(on.objs);
    expect(version.cniValuesPath === 'pilot.cni' ? values.pilot.cni.enabled : values.istio_cni.enabled).toBe(true);

    const off = render(version, {});
    expect(off.istiod.cni).toBe(false);
    expect(off.istiod.cniAgent).toBeUndefined();
    expect(cniIds(off.objs)).toEqual([]);
    const offValues = injectorValues(off.objs);
    expect(version.cniValuesPath === 'pilot.cni' ? offValues.pilot.cni.enabled : offValues.istio_cni.enabled).toBe(false);
  });

  test('one agent per cluster: a canary revision shares the agent of the first control plane', () => {
    const chart = Testing.chart();
    const base = new IstioBase(chart, 'base', { version: V30 });
    const stable = new Istiod(chart, 'istiod', { base, cni: { logLevel: 'debug' } });
    const canary = new Istiod(chart, 'canary', { base, revision: 'canary', cni: true });
    expect(canary.cniAgent).toBe(stable.cniAgent);
    const objs = Testing.synth(chart) as K8sObject[];
    expect(objs.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.name)).toEqual(['istio-cni-node']);
    const canaryValues = JSON.parse(findOne(objs, 'ConfigMap', 'istio-sidecar-injector-canary', 'istio-system').data.values);
    expect(canaryValues.pilot.cni.enabled).toBe(true);
    // options belong to the control plane that renders the agent; ambient must agree
    expectInvalid(() => new Istiod(chart, 'other', { base, revision: 'other', cni: { logLevel: 'warn' } }), 'cni', /renders it already \(this control plane shares it\)/);
    expectInvalid(() => new Istiod(chart, 'amb', { base, revision: 'amb', ambient: true }), 'ambient', /every control plane of a cluster must agree on ambient/);
  });

  test('an IstioCni created beside the Istiod is refused: the Istiod owns its agent', () => {
    const chart = Testing.chart();
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version: V30 }) });
    expectInvalid(() => new IstioCni(chart, 'cni', { istiod }), 'istiod', /set cni \(or ambient\) on the Istiod/);
    const withCni = new Istiod(Testing.chart(), 'istiod', { base: new IstioBase(Testing.chart(), 'base', { version: V30 }), cni: true });
    expectInvalid(() => new IstioCni(withCni, 'second', { istiod: withCni }), 'istiod', /creates its CNI agent itself/);
  });
});

describe('1.30.3 (settings in istio-cni-config, read through envFrom)', () => {
  const { objs } = render(V30, { cni: true });

  test('objects: ServiceAccount, ConfigMap, ClusterRoles and bindings, DaemonSet; no ambient role in sidecar mode', () => {
    expect(cniIds(objs)).toEqual([
      'ClusterRole istio-cni',
      'ClusterRole istio-cni-repair-role',
      'ClusterRoleBinding istio-cni',
      'ClusterRoleBinding istio-cni-repair-rolebinding',
      'ConfigMap istio-system/istio-cni-config',
      'DaemonSet istio-system/istio-cni-node',
      'ServiceAccount istio-system/istio-cni',
    ]);
  });

  test('the DaemonSet: install-cni with the least privileges upstream grants, on every node', () => {
    const ds = agent(objs);
    const c = agentContainer(objs);
    expect(c.image).toBe('docker.io/istio/install-cni:1.30.3');
    expect(c.args).toEqual(['--log_output_level=info']);
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'istio-cni-config' } }]);
    expect(c.securityContext).toEqual({
      privileged: false, runAsGroup: 0, runAsUser: 0, runAsNonRoot: false,
      capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'] },
    });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' } });
    expect(ds.spec.template.spec.priorityClassName).toBe('system-node-critical');
    expect(ds.spec.template.spec.tolerations).toHaveLength(3);
    expect(ds.spec.template.metadata.labels['istio.io/dataplane-mode']).toBe('none');
    // repairPods needs the host's /proc (read-only); no ztunnel socket outside ambient
    expect(c.volumeMounts.map((m: { name: string }) => m.name)).toEqual(['cni-bin-dir', 'cni-host-procfs', 'cni-net-dir', 'cni-socket-dir']);
  });

  test('istio-cni-config: sidecar mode, kube-system excluded, pods repaired in place', () => {
    expect(cniConfig(objs)).toMatchObject({
      AMBIENT_ENABLED: 'false', CURRENT_AGENT_VERSION: '1.30.3', EXCLUDE_NAMESPACES: 'kube-system',
      REPAIR_ENABLED: 'true', REPAIR_REPAIR_PODS: 'true', REPAIR_DELETE_PODS: 'false', REPAIR_LABEL_PODS: 'false',
    });
    // which pods are ambient: labelled themselves, or in a labelled namespace and not opted out
    expect(parse(cniConfig(objs).AMBIENT_ENABLEMENT_SELECTOR)).toEqual([
      { podSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } } },
      {
        namespaceSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } },
        podSelector: { matchExpressions: [{ key: 'istio.io/dataplane-mode', operator: 'NotIn', values: ['none'] }] },
      },
    ]);
  });
});

describe('1.20.3 (settings as env and a cni_network_config template)', () => {
  const { objs } = render(V20, { cni: true });

  test('the plugin config names the excluded namespaces; broken pods are deleted by default', () => {
    const conf = JSON.parse(cniConfig(objs).cni_network_config);
    expect(conf).toMatchObject({ type: 'istio-cni', log_level: 'debug', kubernetes: { exclude_namespaces: ['istio-system', 'kube-system'], cni_bin_dir: '/opt/cni/bin' } });
    const c = agentContainer(objs);
    expect(c.image).toBe('docker.io/istio/install-cni:1.20.3');
    expect(c.args).toEqual(['--log_output_level=default:info,cni:info']);
    expect(c.env.find((e: { name: string }) => e.name === 'REPAIR_DELETE_PODS').value).toBe('true');
    expect(c.envFrom).toBeUndefined();
    expect(c.securityContext.capabilities).toBeUndefined();
    expect(agent(objs).spec.template.spec.terminationGracePeriodSeconds).toBe(5);
    const repair = findOne(objs, 'ClusterRole', 'istio-cni-repair-role');
    expect(repair.rules).toContainEqual({ apiGroups: [''], resources: ['pods'], verbs: ['delete'] });
    // 1.20's repair binding carries no release label
    expect(findOne(objs, 'ClusterRoleBinding', 'istio-cni-repair-rolebinding').metadata.labels?.release).toBeUndefined();
  });
});

describe('options', () => {
  test('exclude namespaces, log level, resources, host paths and image', () => {
    const { objs } = render(V30, {
      cni: {
        excludeNamespaces: ['kube-system', 'monitoring'], logLevel: 'debug', resources: ResourcePreset.of({ requests: { cpu: '20m', memory: '48Mi' }, limits: { memory: '96Mi' } }),
        cniBinDir: '/var/lib/rancher/k3s/data/cni', cniConfDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d', image: { hub: 'registry.local/istio', variant: 'distroless' },
      },
    });
    expect(cniConfig(objs).EXCLUDE_NAMESPACES).toBe('kube-system,monitoring');
    const c = agentContainer(objs);
    expect(c.args).toEqual(['--log_output_level=debug']);
    expect(c.resources).toEqual({ requests: { cpu: '20m', memory: '48Mi' }, limits: { memory: '96Mi' } });
    expect(c.image).toBe('registry.local/istio/install-cni:1.30.3-distroless');
    const volumes = agent(objs).spec.template.spec.volumes;
    expect(volumes.find((v: { name: string }) => v.name === 'cni-bin-dir').hostPath.path).toBe('/var/lib/rancher/k3s/data/cni');
    expect(volumes.find((v: { name: string }) => v.name === 'cni-net-dir').hostPath.path).toBe('/var/lib/rancher/k3s/agent/etc/cni/net.d');
  });

  test.each<['labelPods' | 'deletePods' | false, string[] | undefined]>([
    ['labelPods', ['|events|create,patch', '|pods|get,list,watch', '|pods/status|patch,update']],
    ['deletePods', ['|events|create,patch', '|pods|get,list,watch', '|pods|delete']],
    [false, undefined],
  ])('repair %s', (repair, rules) => {
    const { objs } = render(V30, { cni: { repair } });
    const role = objs.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'istio-cni-repair-role');
    if (rules === undefined) {
      expect(role).toBeUndefined();
      expect(cniIds(objs)).not.toContain('ClusterRoleBinding istio-cni-repair-rolebinding');
      expect(cniConfig(objs).REPAIR_ENABLED).toBe('false');
    } else {
      expect(role!.rules.map((r: any) => `${r.apiGroups[0]}|${r.resources[0]}|${[...r.verbs].sort().join(',')}`)).toEqual(rules);
      expect(cniConfig(objs)[`REPAIR_${repair === 'labelPods' ? 'LABEL' : 'DELETE'}_PODS`]).toBe('true');
    }
    // without in-place repair (and outside ambient), the agent needs no view of the host's /proc
    expect(agentContainer(objs).volumeMounts.map((m: { name: string }) => m.name)).not.toContain('cni-host-procfs');
  });
});

describe('bad input', () => {
  const bad = (cni: object, field: string, message: RegExp, ambient?: boolean) => expectInvalid(
    () => new Istiod(new Chart(Testing.app(), 'c'), 'istiod', { base: new IstioBase(Testing.chart(), 'base', { version: V30 }), cni: cni as any, ambient }), field, message);

  test.each<[string, object, string, RegExp]>([
    ['an unknown key', { excludedNamespaces: ['x'] }, 'cni.excludedNamespaces', /did you mean `excludeNamespaces`/],
    ['an unknown image key', { image: { registry: 'x' } }, 'cni.image.registry', /is not a key here/],
    ['a log level', { logLevel: 'verbose' }, 'logLevel', /must be one of "debug", "info", "warn", "error", "none"/],
    ['a repair mode', { repair: 'fixPods' }, 'repair', /must be "repairPods", "deletePods", "labelPods" or false/],
    ['a namespace that is no DNS label', { excludeNamespaces: ['Kube_System'] }, 'excludeNamespaces[0]', /DNS-1123 label/],
    ['a namespace twice', { excludeNamespaces: ['a', 'a'] }, 'excludeNamespaces', /must not name a namespace twice/],
    ['a relative host path', { cniBinDir: 'opt/cni/bin' }, 'cniBinDir', /must be an absolute host path/],
    ['an ambient setting in sidecar mode', { dnsCapture: false }, 'dnsCapture', /needs ambient on the Istiod/],
    ['a request above its limit', { resources: ResourcePreset.of({ requests: { memory: '200Mi' }, limits: { memory: '100Mi' } }) }, 'resources.requests.memory', /must not exceed the memory limit/],
  ])('%s', (_name, cni, field, message) => bad(cni, field, message));

  test('cni: false with ambient', () => {
    expectInvalid(() => new Istiod(Testing.chart(), 'istiod', { base: new IstioBase(Testing.chart(), 'base', { version: V30 }), cni: false, ambient: true }),
      'cni', /ambient mode needs the Istio CNI agent/);
  });
});

describe('values of the wrong type are refused, never a crash', () => {
  const WRONG: unknown[] = [null, 0, 'x', ['x'], { a: 1 }, true];
  const FIELDS: Array<[string, (v: unknown) => object]> = [
    ['cni', (v) => ({ cni: v })],
    ['ambient', (v) => ({ ambient: v })],
    ['ambient.ztunnel', (v) => ({ ambient: { ztunnel: v } })],
    ...['excludeNamespaces', 'logLevel', 'resources', 'repair', 'image', 'cniBinDir', 'cniConfDir', 'dnsCapture', 'ipv6']
      .map((k): [string, (v: unknown) => object] => [`cni.${k}`, (v) => ({ ambient: true, cni: { [k]: v } })]),
    ...['hub', 'tag', 'variant'].map((k): [string, (v: unknown) => object] => [`cni.image.${k}`, (v) => ({ cni: { image: { [k]: v } } })]),
    ...['logLevel', 'resources', 'image', 'env', 'terminationGracePeriodSeconds']
      .map((k): [string, (v: unknown) => object] => [`ambient.ztunnel.${k}`, (v) => ({ ambient: { ztunnel: { [k]: v } } })]),
  ];
  test.each(FIELDS)('%s', (_field, props) => {
    for (const v of WRONG) {
      try {
        new Istiod(Testing.chart(), 'istiod', { base: new IstioBase(Testing.chart(), 'base', { version: V30 }), ...(props(v) as any) });
      } catch (e) {
        if (!(e instanceof IstioValidationError)) throw new Error(`${JSON.stringify(props(v))}: ${String(e)}`);
      }
    }
  });
});
