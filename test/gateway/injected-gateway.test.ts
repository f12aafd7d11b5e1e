/**
 * The gateway Deployment's pod, run through our `gateway` injection template with the Go harness
 * (test/injection/harness.ts): what the webhook makes of it must be a working gateway proxy.
 */
import { IngressGateway, IstioVersion } from '../../src';
import { container, envNames, renderInjection } from '../injection/harness';
import { findOne, synthValid } from '../support/synth';
import { VERSIONS, mesh } from './fixtures';

const NS = 'istio-ingress';
const NAME = 'istio-ingressgateway';

function injectedPod(version: IstioVersion, istiodProps: { revision?: string } = {}) {
  const { istiod, chart } = mesh(version, istiodProps);
  new IngressGateway(chart, 'ingress', { istiod });
  const deploy = findOne(synthValid(chart), 'Deployment', NAME, NS);
  return renderInjection({
    version,
    input: { namespace: istiod.namespace, revision: istiod.revision },
    pod: { metadata: { ...deploy.spec.template.metadata, namespace: NS }, spec: deploy.spec.template.spec },
    namespace: NS,
    workload: { kind: 'Deployment', apiVersion: 'apps/v1', name: NAME, namespace: NS },
  });
}

const PROXY_ENV = [
  'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP',
  'ISTIO_CPU_LIMIT', 'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'ISTIO_META_APP_CONTAINERS', 'GOMEMLIMIT', 'GOMAXPROCS',
  'ISTIO_META_CLUSTER_ID', 'ISTIO_META_NODE_NAME', 'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME',
  'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
];

const VOLUMES = [
  'workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo',
  'istio-token', 'istiod-ca-cert',
];

describe.each(VERSIONS)('injected gateway pod on Istio %s', (version) => {
  let result: ReturnType<typeof renderInjection>;
  beforeAll(() => {
    result = injectedPod(version);
  });

  test('the gateway template ran (no init container, one proxy container with the real image)', () => {
    const { pod } = result;
    expect(pod.spec.initContainers ?? []).toEqual([]);
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['istio-proxy']);
    expect(container(pod, 'istio-proxy').image).toBe(`docker.io/istio/proxyv2:${version.tag}`);
  });

  test('the proxy runs as a router for the pod namespace', () => {
    const args: string[] = container(result.pod, 'istio-proxy').args;
    expect(args.slice(0, 2)).toEqual(['proxy', 'router']);
    expect(args[args.indexOf('--domain') + 1]).toBe('$(POD_NAMESPACE).svc.cluster.local');
  });

  test('env carries what pilot-agent needs', () => {
    const names = envNames(container(result.pod, 'istio-proxy'));
    expect(names).toEqual(expect.arrayContaining(PROXY_ENV));
    expect(names.includes('JWT_POLICY')).toBe(version.proxyEnvJwtPolicy);
  });

  test('readiness on 15021, Envoy stats on 15090', () => {
    const proxy = container(result.pod, 'istio-proxy');
    expect(proxy.readinessProbe.httpGet).toMatchObject({ path: '/healthz/ready', port: 15021 });
    expect(proxy.readinessProbe).toMatchObject({ periodSeconds: 15, failureThreshold: 4 });
    expect(proxy.ports).toEqual(expect.arrayContaining([expect.objectContaining({ containerPort: 15090, name: 'http-envoy-prom' })]));
  });

  test('volumes: the sidecar set without istio-ca-crl, each mounted by the proxy', () => {
    const { pod } = result;
    const volumes = (pod.spec.volumes ?? []).map((v: { name: string }) => v.name);
    expect([...volumes].sort()).toEqual([...VOLUMES].sort());
    const mounts = (container(pod, 'istio-proxy').volumeMounts ?? []).map((m: { name: string }) => m.name);
    expect(mounts).toEqual(expect.arrayContaining(VOLUMES));
  });

  test('the chart\'s security settings survive injection, meeting PSS restricted', () => {
    const { pod } = result;
    expect(pod.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    const sc = container(pod, 'istio-proxy').securityContext;
    expect(sc).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(sc.privileged ?? false).toBe(false);
    expect(sc.capabilities.add ?? []).toEqual([]);
    // a volume without a source is an emptyDir: the API server defaults it so (Istio's templates write some that way)
    const kinds = (pod.spec.volumes ?? []).map((v: Record<string, unknown>) => Object.keys(v).filter((k) => k !== 'name')[0] ?? 'emptyDir');
    for (const k of kinds) expect(['emptyDir', 'configMap', 'secret', 'projected', 'downwardAPI']).toContain(k);
  });

  test('the pod keeps the gateway\'s labels, so the Service still selects it', () => {
    expect(result.pod.metadata.labels).toMatchObject({ app: NAME, istio: 'ingressgateway' });
  });
});

test.each(VERSIONS)('a revisioned control plane: the injected gateway talks to istiod-canary (%s)', (version) => {
  const { pod } = injectedPod(version, { revision: 'canary' });
  const ca = (container(pod, 'istio-proxy').env ?? []).find((e: { name: string }) => e.name === 'CA_ADDR');
  expect(ca.value).toBe(`istiod-canary.istio-system.svc:15012`);
  expect(pod.metadata.labels['istio.io/rev']).toBe('canary');
});
