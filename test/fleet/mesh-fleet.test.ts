import { App, Testing } from 'cdk8s';
import { EastWestGateway, GatewayService, IstioBase, Istiod, IstioVersion, MeshFleet } from '../../src';
import { K8sObject } from '../support/schema';
import { findOne, newChart, ofKind, synthValid } from '../support/synth';

const VERSIONS = [IstioVersion.V1_30_3, IstioVersion.V1_20_3];

function env(container: Record<string, any>): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
}

describe.each(VERSIONS.map((v) => [v.tag, v] as const))('MeshFleet at %s', (_t, version) => {
  test('multi-network multi-primary: per cluster names, the network label, an east-west gateway, no secrets', () => {
    const app = Testing.app();
    const fleet = new MeshFleet(app, 'home', { meshId: 'home-mesh', version, clusters: [
      { name: 'pi-a', network: 'net-a' },
      { name: 'pi-b', network: 'net-b', eastWestService: GatewayService.loadBalancer({ ip: '192.168.2.241' }) },
    ] });
    expect(fleet.topology).toBe('multi-primary-multi-network');
    for (const c of fleet.clusters) {
      const objs = synthValid(c);
      expect(c.gitOpsFolder).toBe(`home/${c.clusterName}`);
      expect(findOne(objs, 'Namespace', 'istio-system').metadata.labels).toMatchObject({ 'topology.istio.io/network': c.network });
      const istiod = findOne(objs, 'Deployment', 'istiod', 'istio-system');
      expect(env((istiod.spec as any).template.spec.containers[0]).CLUSTER_ID).toBe(c.clusterName);
      const values = JSON.parse(findOne(objs, 'ConfigMap', 'istio-sidecar-injector').data!.values as string);
      expect(values.global).toMatchObject({ meshID: 'home-mesh', network: c.network, multiCluster: { clusterName: c.clusterName } });
      const svc = findOne(objs, 'Service', 'istio-eastwestgateway', 'istio-system');
      expect(svc.metadata.labels).toMatchObject({ 'topology.istio.io/network': c.network, 'istio': 'eastwestgateway' });
      expect((svc.spec as any).ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`)).toEqual(['status-port:15021', 'tls:15443', 'tls-istiod:15012', 'tls-webhook:15017']);
      const gw = findOne(objs, 'Deployment', 'istio-eastwestgateway', 'istio-system');
      expect((gw.spec as any).template.metadata.labels).toMatchObject({ 'topology.istio.io/network': c.network });
      expect(env((gw.spec as any).template.spec.containers[0])).toEqual({ ISTIO_META_REQUESTED_NETWORK_VIEW: c.network });
      const cross = findOne(objs, 'Gateway', 'cross-network-gateway', 'istio-system');
      expect((cross.spec as any).servers).toEqual([{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }]);
      // the reader identity other clusters' istiods use, and its read-only grants
      findOne(objs, 'ServiceAccount', 'istio-reader-service-account', 'istio-system');
      expect(ofKind(objs, 'ClusterRoleBinding').some((b) => (b.subjects as Array<{ name: string }>).some((s) => s.name === 'istio-reader-service-account'))).toBe(true);
      expect(ofKind(objs, 'Secret')).toEqual([]);
    }
    const script = fleet.remoteSecretScript();
    expect(script).toContain("istioctl create-remote-secret --context='pi-b' --name='pi-b' --namespace='istio-system' \\\n  | kubectl apply --context='pi-a'");
    expect(script).toContain("istioctl create-remote-secret --context='pi-a' --name='pi-a'");
    expect(script).not.toMatch(/token:|BEGIN .*PRIVATE KEY|client-key-data/);
  });

  test('one network: a flat multi-primary mesh without east-west gateways', () => {
    const app = Testing.app();
    const fleet = new MeshFleet(app, 'flat', { meshId: 'm', version, clusters: [{ name: 'a' }, { name: 'b' }, { name: 'c', context: 'kind-c' }] });
    expect(fleet.topology).toBe('multi-primary');
    for (const c of fleet.clusters) {
      const objs = synthValid(c);
      expect(objs.some((o) => o.metadata.name === 'istio-eastwestgateway')).toBe(false);
      expect(findOne(objs, 'Namespace', 'istio-system').metadata.labels).toMatchObject({ 'topology.istio.io/network': 'network1' });
    }
    expect(fleet.remoteSecretScript().match(/create-remote-secret/g)).toHaveLength(6);
    expect(fleet.remoteSecretScript()).toContain("--context='kind-c'");
  });
});

describe('MeshFleet: bad input', () => {
  test.each([
    ['one cluster', { meshId: 'm', clusters: [{ name: 'a' }] }, /clusters.*at least two/],
    ['duplicate names', { meshId: 'm', clusters: [{ name: 'a' }, { name: 'a' }] }, /clusters\[1\].name.*unique/],
    ['bad network', { meshId: 'm', clusters: [{ name: 'a', network: 'net a' }, { name: 'b' }] }, /clusters\[0\].network/],
    ['context with a quote', { meshId: 'm', clusters: [{ name: 'a', context: "x'y" }, { name: 'b' }] }, /clusters\[0\].context/],
    ['istiod option the fleet owns', { meshId: 'm', clusters: [{ name: 'a', istiod: { network: 'x' } }, { name: 'b' }] }, /clusters\[0\].istiod.network.*not a key/],
    ['empty mesh ID', { meshId: '', clusters: [{ name: 'a' }, { name: 'b' }] }, /meshId/],
    ['base props the fleet owns', { meshId: 'm', clusters: [{ name: 'a' }, { name: 'b', base: { namespaceLabels: { x: 'y' } } }] }, /clusters\[1\].base.namespaceLabels.*set by the fleet/],
  ])('%s', (_t, props, message) => {
    expect(() => new MeshFleet(new App(), 'f', props as never)).toThrow(message);
  });
});

describe('EastWestGateway', () => {
  test('exposeIstiod adds istiod-gateway and istiod-vs for remote clusters', () => {
    const chart = newChart();
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', {}), network: 'n1' });
    const gw = new EastWestGateway(chart, 'ew', { istiod, exposeIstiod: true });
    expect(gw.network).toBe('n1');
    const objs = synthValid(chart) as K8sObject[];
    expect((findOne(objs, 'Gateway', 'istiod-gateway').spec as any).servers.map((s: any) => `${s.port.number}/${s.tls.mode}`)).toEqual(['15012/PASSTHROUGH', '15017/PASSTHROUGH']);
    const vs = findOne(objs, 'VirtualService', 'istiod-vs', 'istio-system');
    expect((vs.spec as any).tls.map((t: any) => t.route[0].destination.port.number)).toEqual([15012, 443]);
  });

  test('needs a network; refuses one that differs from istiod\'s', () => {
    const chart = newChart();
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', {}) });
    expect(() => new EastWestGateway(chart, 'ew', { istiod })).toThrow(/network.*must name the network/);
    const c2 = newChart();
    const i2 = new Istiod(c2, 'istiod', { base: new IstioBase(c2, 'base', {}), network: 'a' });
    expect(() => new EastWestGateway(c2, 'ew', { istiod: i2, network: 'b' })).toThrow(/differs from the network/);
    expect(() => new EastWestGateway(newChart(), 'ew', { istiod: i2, exposeIstio: true } as never)).toThrow(/did you mean `exposeIstiod`/);
    expect(() => new EastWestGateway(newChart(), 'ew', { istiod: i2, serviceLabels: { 'topology.istio.io/network': 'x' } })).toThrow(/serviceLabels.topology.istio.io\/network.*set by the network gateway/);
  });
});
