import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { GatewayService, IstioBase, IstioVersion, MeshFleet, RemoteControlPlane, writeGitOps, ZeroTrustNamespace } from '../../src';
import { findOne, newChart, ofKind, synthValid } from '../support/synth';

function env(container: Record<string, any>): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
}

function primaryRemote(version = IstioVersion.V1_30_3): MeshFleet {
  return new MeshFleet(Testing.app(), 'pr', { meshId: 'mesh1', version, clusters: [
    { name: 'main', network: 'site-a', eastWestService: GatewayService.loadBalancer({ ip: '192.168.1.241' }) },
    { name: 'edge', network: 'site-a', role: 'remote' },
  ] });
}

describe('primary-remote at 1.30.3', () => {
  test('the remote runs no istiod: injector webhook, Service and EndpointSlice to the primary, reader RBAC', () => {
    const fleet = primaryRemote();
    expect(fleet.topology).toBe('primary-remote');
    const edge = fleet.cluster('edge');
    expect(edge.role).toBe('remote');
    expect(edge.primary).toBe(fleet.cluster('main'));
    expect(edge.remoteControlPlane!.remotePilotAddress).toBe('192.168.1.241');
    const objs = synthValid(edge);
    for (const kind of ['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Role', 'RoleBinding']) expect(ofKind(objs, kind)).toEqual([]);
    expect(ofKind(objs, 'ConfigMap').map((c) => c.metadata.name)).toEqual(['values']);
    expect(ofKind(objs, 'ServiceAccount').map((s) => s.metadata.name)).toEqual(['istio-reader-service-account']);
    const mwc = findOne(objs, 'MutatingWebhookConfiguration', 'istio-sidecar-injector');
    const hooks = mwc.webhooks as Array<{ name: string; clientConfig: any }>;
    expect(hooks.map((h) => h.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io', 'object.sidecar-injector.istio.io']);
    for (const h of hooks) {
      expect(h.clientConfig).toEqual({ service: { name: 'istiod', namespace: 'istio-system', path: '/inject/cluster/edge/net/site-a', port: 443 } });
    }
    const svc = findOne(objs, 'Service', 'istiod', 'istio-system');
    expect((svc.spec as any).selector).toBeUndefined();
    expect((svc.spec as any).ports).toEqual([
      { name: 'tcp-istiod', port: 15012, protocol: 'TCP' }, { name: 'tcp-webhook', port: 443, targetPort: 15017, protocol: 'TCP' }]);
    const slice = findOne(objs, 'EndpointSlice', 'istiod', 'istio-system');
    expect(slice).toMatchObject({ apiVersion: 'discovery.k8s.io/v1', addressType: 'IPv4', endpoints: [{ addresses: ['192.168.1.241'] }] });
    expect(slice.metadata.labels).toMatchObject({ 'kubernetes.io/service-name': 'istiod' });
    const role = findOne(objs, 'ClusterRole', 'istio-reader-clusterrole-istio-system');
    expect((role.rules as Array<{ resources: string[]; verbs: string[] }>).some((r) => r.resources.includes('mutatingwebhookconfigurations') && r.verbs.includes('patch'))).toBe(true);
    const binding = findOne(objs, 'ClusterRoleBinding', 'istio-reader-clusterrole-istio-system');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-reader-service-account', namespace: 'istio-system' }]);
    const values = JSON.parse(findOne(objs, 'ConfigMap', 'values').data!['merged-values'] as string);
    expect(values).toMatchObject({ profile: 'remote', configMap: false, istiodRemote: { enabled: true, injectionPath: '/inject/cluster/edge/net/site-a' },
      global: { remotePilotAddress: '192.168.1.241', meshID: 'mesh1', network: 'site-a', multiCluster: { clusterName: 'edge' }, omitSidecarInjectorConfigMap: true } });
    expect(ofKind(objs, 'Secret')).toEqual([]);
  });

  test('the primary: EXTERNAL_ISTIOD and an east-west gateway exposing istiod, on one network too', () => {
    const objs = synthValid(primaryRemote().cluster('main'));
    const istiod = findOne(objs, 'Deployment', 'istiod', 'istio-system');
    expect(env((istiod.spec as any).template.spec.containers[0])).toMatchObject({ EXTERNAL_ISTIOD: 'true', CLUSTER_ID: 'main' });
    findOne(objs, 'Gateway', 'istiod-gateway', 'istio-system');
    findOne(objs, 'VirtualService', 'istiod-vs', 'istio-system');
    findOne(objs, 'Service', 'istio-eastwestgateway', 'istio-system');
  });

  test('namespaces of a remote join through its control plane; istiod of a remote is refused', () => {
    const fleet = primaryRemote();
    const edge = fleet.cluster('edge');
    const ns = new ZeroTrustNamespace(edge, 'shop', { istiod: edge.controlPlane, name: 'shop' });
    expect(ns).toBeDefined();
    expect(findOne(synthValid(edge), 'Namespace', 'shop').metadata.labels).toMatchObject({ 'istio-injection': 'enabled' });
    expect(() => edge.istiod).toThrow(/remote cluster and runs no istiod/);
    expect(fleet.cluster('main').controlPlane).toBe(fleet.cluster('main').istiod);
  });

  test('the whole app synthesizes (analyzer included) and lays out one folder per cluster', () => {
    const app = Testing.app();
    const fleet = new MeshFleet(app, 'site', { meshId: 'mesh1', clusters: [
      { name: 'main', network: 'a', eastWestService: GatewayService.loadBalancer({ ip: '192.168.1.241' }) },
      { name: 'edge', network: 'a', role: 'remote' }] });
    for (const c of fleet.clusters) new ZeroTrustNamespace(c, 'shop', { istiod: c.controlPlane, name: 'shop' });
    app.synth();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'primary-remote-'));
    writeGitOps(app, { outdir: out });
    expect(fs.readdirSync(path.join(out, 'site')).sort()).toEqual(['edge', 'main', 'remote-secrets.sh']);
    const edge = fs.readdirSync(path.join(out, 'site', 'edge')).map((f) => fs.readFileSync(path.join(out, 'site', 'edge', f), 'utf8')).join('\n');
    expect(edge).toContain('kind: EndpointSlice');
    expect(edge).not.toContain('kind: Deployment');
    fs.rmSync(out, { recursive: true });
  });

  test('remote secrets go to primaries only', () => {
    const script = primaryRemote().remoteSecretScript();
    expect(script).toContain("--context='edge' --name='edge'");
    expect(script).toContain("kubectl apply --context='main'");
    expect(script).not.toContain("kubectl apply --context='edge'");
  });

  test('a DNS name becomes an ExternalName Service without EndpointSlice', () => {
    const fleet = new MeshFleet(Testing.app(), 'pr', { meshId: 'mesh1', clusters: [
      { name: 'main' }, { name: 'edge', role: 'remote', remotePilotAddress: 'istiod.main.example.com' }] });
    const objs = synthValid(fleet.cluster('edge'));
    expect(findOne(objs, 'Service', 'istiod', 'istio-system').spec).toMatchObject({ type: 'ExternalName', externalName: 'istiod.main.example.com' });
    expect(ofKind(objs, 'EndpointSlice')).toEqual([]);
  });

  test('an IPv6 address becomes an IPv6 EndpointSlice', () => {
    const fleet = new MeshFleet(Testing.app(), 'pr', { meshId: 'mesh1', clusters: [
      { name: 'main' }, { name: 'edge', role: 'remote', remotePilotAddress: 'fd00::241' }] });
    const objs = synthValid(fleet.cluster('edge'));
    expect(findOne(objs, 'EndpointSlice', 'istiod', 'istio-system')).toMatchObject({ addressType: 'IPv6', endpoints: [{ addresses: ['fd00::241'] }] });
    expect((findOne(objs, 'Service', 'istiod', 'istio-system').spec as any).type).toBeUndefined();
  });

  test.each([
    ['no address', [{ name: 'main' }, { name: 'edge', role: 'remote' }], /remotePilotAddress.*east-west gateway/],
    ['another network', [{ name: 'main', network: 'a' }, { name: 'edge', role: 'remote', network: 'b', remotePilotAddress: '10.0.0.1' }], /differs from the network of its primary main/],
    ['no primary', [{ name: 'a', role: 'remote', remotePilotAddress: '10.0.0.1' }, { name: 'b', role: 'remote', remotePilotAddress: '10.0.0.1' }], /needs a primary/],
    ['ambiguous primary', [{ name: 'a' }, { name: 'b' }, { name: 'edge', role: 'remote', remotePilotAddress: '10.0.0.1' }], /must name the primary.*several \(a, b\)/],
    ['unknown primary', [{ name: 'a' }, { name: 'edge', role: 'remote', primary: 'z', remotePilotAddress: '10.0.0.1' }], /must name a primary cluster of the fleet: a/],
    ['remote istiod options', [{ name: 'a' }, { name: 'edge', role: 'remote', remotePilotAddress: '10.0.0.1', istiod: { replicas: 2 } }], /runs no istiod/],
    ['remote keys on a primary', [{ name: 'a', remotePilotAddress: '10.0.0.1' }, { name: 'b' }], /is for a remote cluster/],
    ['bad role', [{ name: 'a' }, { name: 'b', role: 'secondary' }], /must be "primary" or "remote"/],
    ['bad address', [{ name: 'a' }, { name: 'b', role: 'remote', remotePilotAddress: 'https://x:15012' }], /IPv4\/IPv6 address or a DNS name/],
  ])('refused: %s', (_n, clusters, message) => {
    expect(() => new MeshFleet(new App(), 'f', { meshId: 'm', clusters } as never)).toThrow(message);
  });

  test('an explicit primary among several', () => {
    const fleet = new MeshFleet(Testing.app(), 'pr', { meshId: 'mesh1', clusters: [
      { name: 'a' }, { name: 'b' }, { name: 'edge', role: 'remote', primary: 'b', remotePilotAddress: '10.0.0.9' }] });
    expect(fleet.cluster('edge').primary!.clusterName).toBe('b');
    expect(ofKind(synthValid(fleet.cluster('b')), 'Gateway').map((g) => g.metadata.name)).toContain('istiod-gateway');
    expect(ofKind(synthValid(fleet.cluster('a')), 'Gateway')).toEqual([]);
  });
});

describe('primary-remote at 1.20.3', () => {
  test('refused with the reason', () => {
    expect(() => primaryRemote(IstioVersion.V1_20_3)).toThrow(/1\.30\.x only: Istio 1\.20 installed remotes with its separate istiod-remote chart/);
    const base = new IstioBase(newChart(), 'base', { version: IstioVersion.V1_20_3 });
    expect(() => new RemoteControlPlane(base.node.scope as never, 'r', { base, clusterName: 'c', remotePilotAddress: '10.0.0.1' })).toThrow(/istiod-remote chart/);
  });
});
