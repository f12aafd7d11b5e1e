/**
 * ztunnel: what `Istiod({ ambient })` renders for the node proxy, its options, and the bad input it refuses.
 * (Value-by-value equality with upstream's `ztunnel` chart is checked by test/conformance/istio-1.30/controlplane.)
 */
import { Testing } from 'cdk8s';
import { IstioBase, Istiod, IstioValidationError, IstioVersion, ResourcePreset, Ztunnel } from '../../src';
import { render } from '../istiod/helpers';
import { K8sObject } from '../support/schema';
import { findOne } from '../support/synth';

const V30 = IstioVersion.V1_30_3;

function ztunnel(objs: K8sObject[]): any {
  return findOne(objs, 'DaemonSet', 'ztunnel', 'istio-system');
}
function proxy(objs: K8sObject[]): any {
  return ztunnel(objs).spec.template.spec.containers[0];
}
function env(objs: K8sObject[]): Record<string, string | undefined> {
  return Object.fromEntries(proxy(objs).env.map((e: { name: string; value?: string }) => [e.name, e.value]));
}
function expectInvalid(fn: () => unknown, field: string, message: RegExp): IstioValidationError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IstioValidationError);
  expect((caught as IstioValidationError).field).toBe(field);
  expect((caught as IstioValidationError).message).toMatch(message);
  return caught as IstioValidationError;
}

describe('ambient at 1.30.3', () => {
  const { istiod, objs } = render(V30, { ambient: true });

  test('ServiceAccount and DaemonSet ztunnel in the control plane namespace, on every node', () => {
    expect(istiod.ztunnel).toBeInstanceOf(Ztunnel);
    expect(findOne(objs, 'ServiceAccount', 'ztunnel', 'istio-system').metadata.labels?.['app.kubernetes.io/name']).toBe('ztunnel');
    const spec = ztunnel(objs).spec;
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(spec.template.spec.priorityClassName).toBe('system-node-critical');
    expect(spec.template.spec.serviceAccountName).toBe('ztunnel');
    expect(spec.template.metadata.labels).toMatchObject({ 'app': 'ztunnel', 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' });
  });

  test('the proxy: distroless image, root with NET_ADMIN/SYS_ADMIN/NET_RAW only, the chart requests', () => {
    const c = proxy(objs);
    expect(c.image).toBe('docker.io/istio/ztunnel:1.30.3-distroless');
    expect(c.args).toEqual(['proxy', 'ztunnel']);
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'] });
    expect(c.securityContext).toMatchObject({ privileged: false, readOnlyRootFilesystem: true, runAsUser: 0, runAsGroup: 1337 });
    expect(c.resources).toEqual({ requests: { cpu: '200m', memory: '512Mi' } });
    expect(istiod.ztunnel!.resources).toEqual({ requests: { cpu: '200m', memory: '512Mi' } });
  });

  test('env: istiod as CA and xDS server, the cluster, HBONE from the mesh config', () => {
    expect(env(objs)).toMatchObject({
      CA_ADDRESS: 'istiod.istio-system.svc:15012', XDS_ADDRESS: 'istiod.istio-system.svc:15012', RUST_LOG: 'info',
      ISTIO_META_CLUSTER_ID: 'Kubernetes', INPOD_ENABLED: 'true', TERMINATION_GRACE_PERIOD_SECONDS: '30', ISTIO_META_ENABLE_HBONE: 'true',
    });
    expect(env(objs)).not.toHaveProperty('NETWORK');
  });

  test('istiod trusts the ztunnel ServiceAccount to ask for certificates of the pods on its node', () => {
    const istiodEnv = findOne(objs, 'Deployment', 'istiod', 'istio-system').spec.template.spec.containers[0].env;
    expect(istiodEnv).toContainEqual({ name: 'CA_TRUSTED_NODE_ACCOUNTS', value: 'istio-system/ztunnel' });
  });
});

describe('options and the control plane it follows', () => {
  test('revision, cluster and network reach ztunnel; options set log level, resources, grace period and env', () => {
    const { objs } = render(V30, {
      revision: 'canary', clusterName: 'pi', network: 'lan',
      ambient: { ztunnel: { logLevel: 'debug', resources: ResourcePreset.of({ requests: { cpu: '20m', memory: '48Mi' } }), terminationGracePeriodSeconds: 10, env: { LOG_FORMAT: 'json' } } },
    });
    const ds = ztunnel(objs);
    expect(ds.metadata.annotations).toEqual({ 'istio.io/rev': 'canary' });
    expect(ds.spec.template.spec.terminationGracePeriodSeconds).toBe(10);
    expect(env(objs)).toMatchObject({
      CA_ADDRESS: 'istiod-canary.istio-system.svc:15012', XDS_ADDRESS: 'istiod-canary.istio-system.svc:15012', NETWORK: 'lan',
      ISTIO_META_CLUSTER_ID: 'pi', RUST_LOG: 'debug', TERMINATION_GRACE_PERIOD_SECONDS: '10', LOG_FORMAT: 'json',
    });
    expect(proxy(objs).resources).toEqual({ requests: { cpu: '20m', memory: '48Mi' } });
  });

  test('one ztunnel per cluster: a canary revision in ambient mode shares it (it keeps using the first control plane)', () => {
    const chart = Testing.chart();
    const base = new IstioBase(chart, 'base', { version: V30 });
    const stable = new Istiod(chart, 'istiod', { base, ambient: true });
    const canary = new Istiod(chart, 'canary', { base, revision: 'canary', ambient: true });
    expect(canary.ztunnel).toBe(stable.ztunnel);
    expect(canary.cniAgent).toBe(stable.cniAgent);
    const objs = Testing.synth(chart) as K8sObject[];
    expect(objs.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.name).sort()).toEqual(['istio-cni-node', 'ztunnel']);
    expect(env(objs).CA_ADDRESS).toBe('istiod.istio-system.svc:15012');
    expectInvalid(() => new Istiod(chart, 'other', { base, revision: 'other', ambient: { ztunnel: { logLevel: 'debug' } } }), 'ambient.ztunnel', /renders it already/);
  });

  test('the image follows the control plane unless set', () => {
    const { objs } = render(V30, { image: { hub: 'registry.local/istio', variant: 'debug' }, ambient: { ztunnel: { image: { tag: '1.30.3-patched' } } } });
    expect(proxy(objs).image).toBe('registry.local/istio/ztunnel:1.30.3-patched-debug');
  });
});

describe('bad input', () => {
  const build = (version: IstioVersion, ambient: object | boolean) => () =>
    new Istiod(Testing.chart(), 'istiod', { base: new IstioBase(Testing.chart(), 'base', { version }), ambient: ambient as any });

  test('ambient at 1.20.3 is refused, with the reason and the fix', () => {
    const e = expectInvalid(build(IstioVersion.V1_20_3, true), 'ambient', /ambient mode needs Istio 1\.24 or later/);
    expect(e.constructPath).toBe('test/istiod');
    expect(e.expected).toMatch(/Fix: use version 1\.30\.3, or the sidecar data plane/);
  });

  test.each<[string, object, string, RegExp]>([
    ['an unknown ambient key', { waypoint: true }, 'ambient.waypoint', /is not a key here/],
    ['an unknown ztunnel key', { ztunnel: { loglevel: 'debug' } }, 'ambient.ztunnel.loglevel', /did you mean `logLevel`/],
    ['a log level', { ztunnel: { logLevel: 'verbose' } }, 'logLevel', /must be one of "trace", "debug", "info", "warn", "error"/],
    ['an env name ztunnel sets', { ztunnel: { env: { RUST_LOG: 'trace' } } }, 'env key', /is set by Ztunnel itself/],
    ['an env name that is none', { ztunnel: { env: { '1X': 'a' } } }, 'env key', /must be an environment variable name/],
    ['a grace period of 0', { ztunnel: { terminationGracePeriodSeconds: 0 } }, 'terminationGracePeriodSeconds', /./],
  ])('%s', (_name, ambient, field, message) => {
    expectInvalid(build(V30, ambient), field, message);
  });

  test('a Ztunnel created beside the Istiod is refused: the Istiod owns it', () => {
    const chart = Testing.chart();
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version: V30 }) });
    expectInvalid(() => new Ztunnel(chart, 'z', { istiod }), 'istiod', /set ambient on the Istiod/);
  });
});
