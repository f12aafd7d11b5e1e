import { InjectorInput } from '../../src/istiod/injector';
import { IstioVersion } from '../../src/version';
import { ResourcePreset } from '../../src/workload';
import {
  argAfter, container, envNames, envOf, PodTemplate, renderInjection, RenderInjectionOptions,
} from './harness';

const V130 = IstioVersion.V1_30_3;
const V120 = IstioVersion.V1_20_3;

function helloPod(extra: { annotations?: Record<string, string>; labels?: Record<string, string> } = {}): PodTemplate {
  return {
    metadata: { name: 'hello', namespace: 'apps', labels: { app: 'hello', ...extra.labels }, annotations: extra.annotations },
    spec: { containers: [{ name: 'hello', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }] }] },
  };
}

function inject(version: IstioVersion, opts: Partial<RenderInjectionOptions> & { input?: Partial<InjectorInput> } = {}) {
  return renderInjection({ version, pod: helloPod(), ...opts });
}

const SIDECAR_ENV_130 = [
  'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP',
  'ISTIO_CPU_LIMIT', 'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'ISTIO_META_APP_CONTAINERS', 'GOMEMLIMIT', 'GOMAXPROCS',
  'ISTIO_META_NODE_NAME', 'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME',
  'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
  // istiod sets the cluster (and network) env itself after templating, appending them sorted (updateClusterEnvs)
  'ISTIO_META_CLUSTER_ID',
];
const VOLUMES_130 = [
  'workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo',
  'istio-token', 'istiod-ca-cert', 'istio-ca-crl',
];

describe('plain pod, Istio 1.30.3 (native sidecars on, as with kubelets >= 1.33)', () => {
  const { pod, overlay } = inject(V130);
  const init = container(pod, 'istio-init');
  const proxy = container(pod, 'istio-proxy');

  test('labels and annotations', () => {
    expect(pod.metadata.labels).toEqual({
      'app': 'hello',
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'hello',
      'service.istio.io/canonical-revision': 'latest',
    });
    expect(pod.metadata.annotations).toEqual({
      'istio.io/rev': 'default',
      'kubectl.kubernetes.io/default-container': 'hello',
      'kubectl.kubernetes.io/default-logs-container': 'hello',
      // added by istiod's Go code: what it injected, and the Prometheus merge (the mesh enables it)
      'sidecar.istio.io/status': JSON.stringify({
        initContainers: ['istio-init', 'istio-proxy'], containers: null, volumes: VOLUMES_130, imagePullSecrets: null, revision: 'default',
      }),
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
    });
    // istiod's Go code adds sidecar.istio.io/status and the Prometheus merge annotations; the template must not.
    expect(overlay.metadata.annotations['sidecar.istio.io/status']).toBeUndefined();
    expect(overlay.metadata.annotations['prometheus.io/port']).toBeUndefined();
  });

  test('istio-init runs istio-iptables as root with NET_ADMIN/NET_RAW', () => {
    expect(pod.spec.initContainers!.map((c) => c.name)).toEqual(['istio-init', 'istio-proxy']);
    expect(init.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(init.args).toEqual([
      'istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '',
      '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info',
    ]);
    expect(init.securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0,
    });
    expect(init.resources).toEqual(proxy.resources);
  });

  test('istio-proxy is a native sidecar with a drain hook', () => {
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['hello']);
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.lifecycle).toEqual({ preStop: { exec: { command: ['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain'] } } });
  });

  test('proxy args, port, probes', () => {
    expect(proxy.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(proxy.args).toEqual([
      'proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info',
    ]);
    expect(proxy.ports).toEqual([{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }]);
    // initialDelaySeconds 0 is Kubernetes' default: the API types omit it
    expect(proxy.readinessProbe).toEqual({
      httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4,
    });
    expect(proxy.startupProbe).toEqual({
      httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 600,
    });
  });

  test('proxy env in order, with values', () => {
    expect(envNames(proxy)).toEqual(SIDECAR_ENV_130);
    expect(envOf(proxy, 'PILOT_CERT_PROVIDER')).toBe('istiod');
    expect(envOf(proxy, 'CA_ADDR')).toBe('istiod.istio-system.svc:15012');
    expect(envOf(proxy, 'POD_NAMESPACE')).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(envOf(proxy, 'ISTIO_CPU_LIMIT')).toEqual({ resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } });
    expect(envOf(proxy, 'GOMEMLIMIT')).toEqual({ resourceFieldRef: { resource: 'limits.memory', divisor: '1' } });
    // istiod leaves out what equals the mesh defaults (the discovery address here)
    expect(JSON.parse(envOf(proxy, 'PROXY_CONFIG'))).toEqual({});
    expect(JSON.parse(envOf(proxy, 'ISTIO_META_POD_PORTS'))).toEqual([{ name: 'http', containerPort: 80 }]);
    expect(envOf(proxy, 'ISTIO_META_APP_CONTAINERS')).toBe('hello');
    expect(envOf(proxy, 'ISTIO_META_CLUSTER_ID')).toBe('Kubernetes');
    expect(envOf(proxy, 'ISTIO_META_INTERCEPTION_MODE')).toBe('REDIRECT');
    expect(envOf(proxy, 'ISTIO_META_WORKLOAD_NAME')).toBe('hello');
    expect(envOf(proxy, 'ISTIO_META_OWNER')).toBe('kubernetes://apis/v1/namespaces/apps/pods/hello');
    expect(envOf(proxy, 'ISTIO_META_MESH_ID')).toBe('cluster.local');
    expect(envOf(proxy, 'TRUST_DOMAIN')).toBe('cluster.local');
  });

  test('security context and resources', () => {
    expect(proxy.securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337,
    });
    // quantities in Kubernetes' canonical form (2000m is 2, 1024Mi is 1Gi)
    expect(proxy.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } });
  });

  test('volumes and mounts', () => {
    expect(pod.spec.volumes!.map((v) => v.name)).toEqual(VOLUMES_130);
    expect(proxy.volumeMounts.map((m: any) => [m.name, m.mountPath])).toEqual([
      ['workload-socket', '/var/run/secrets/workload-spiffe-uds'],
      ['credential-socket', '/var/run/secrets/credential-uds'],
      ['workload-certs', '/var/run/secrets/workload-spiffe-credentials'],
      ['istio-envoy', '/etc/istio/proxy'],
      ['istio-data', '/var/lib/istio/data'],
      ['istio-podinfo', '/etc/istio/pod'],
      ['istio-token', '/var/run/secrets/tokens'],
      ['istiod-ca-cert', '/var/run/secrets/istio'],
      ['istio-ca-crl', '/var/run/secrets/istio/crl'],
    ]);
    const vol = (n: string) => pod.spec.volumes!.find((v) => v.name === n);
    expect(vol('istio-envoy')).toEqual({ name: 'istio-envoy', emptyDir: { medium: 'Memory' } });
    expect(vol('istio-token').projected.sources[0].serviceAccountToken).toEqual({ audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' });
    expect(vol('istiod-ca-cert').configMap).toEqual({ name: 'istio-ca-root-cert' });
    expect(vol('istio-ca-crl').configMap).toEqual({ name: 'istio-ca-crl', optional: true });
    expect(vol('istio-podinfo').downwardAPI.items.map((i: any) => i.fieldRef.fieldPath)).toEqual(['metadata.labels', 'metadata.annotations']);
  });
});

describe('plain pod, Istio 1.20.3', () => {
  const { pod } = inject(V120);
  const proxy = container(pod, 'istio-proxy');

  test('the proxy is a regular container, placed last', () => {
    expect(pod.spec.initContainers!.map((c) => c.name)).toEqual(['istio-init']);
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['hello', 'istio-proxy']);
    expect(proxy.restartPolicy).toBeUndefined();
    expect(proxy.lifecycle).toBeUndefined();
    expect(proxy.image).toBe('docker.io/istio/proxyv2:1.20.3');
  });

  test('JWT_POLICY first, divisors "0", no CRL volume', () => {
    expect(envNames(proxy)).toEqual(['JWT_POLICY', ...SIDECAR_ENV_130]);
    expect(envOf(proxy, 'JWT_POLICY')).toBe('third-party-jwt');
    expect(envOf(proxy, 'GOMAXPROCS')).toEqual({ resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } });
    expect(pod.spec.volumes!.map((v) => v.name)).toEqual(VOLUMES_130.filter((v) => v !== 'istio-ca-crl'));
    expect(proxy.volumeMounts.map((m: any) => m.name)).not.toContain('istio-ca-crl');
  });

  test('same probes and args as 1.30', () => {
    expect(proxy.args).toEqual([
      'proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info',
    ]);
    expect(proxy.readinessProbe.periodSeconds).toBe(15);
    expect(proxy.startupProbe.failureThreshold).toBe(600);
  });
});

describe('pod with several containers', () => {
  const pod: PodTemplate = {
    metadata: { name: 'shop', labels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/version': 'v7' } },
    spec: {
      initContainers: [{ name: 'migrate', image: 'shop:7', command: ['migrate'] }],
      containers: [
        { name: 'web', image: 'shop:7', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
        { name: 'metrics', image: 'exporter:1', ports: [{ containerPort: 9100 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] },
      ],
    },
  };

  test.each([V130, V120])('on %s: app containers and ports are told to the agent, kubectl defaults to the first', (version) => {
    const r = renderInjection({ version, pod });
    const proxy = container(r.pod, 'istio-proxy');
    expect(envOf(proxy, 'ISTIO_META_APP_CONTAINERS')).toBe('web,metrics');
    expect(JSON.parse(envOf(proxy, 'ISTIO_META_POD_PORTS'))).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' }, { containerPort: 9100 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' },
    ]);
    expect(r.pod.metadata.annotations['kubectl.kubernetes.io/default-container']).toBe('web');
    expect(r.pod.metadata.labels['service.istio.io/canonical-name']).toBe('shop');
    expect(r.pod.metadata.labels['service.istio.io/canonical-revision']).toBe('v7');
    expect(r.pod.spec.containers.map((c) => c.name)).toEqual(
      version.nativeSidecarsDefault === 'auto' ? ['web', 'metrics'] : ['web', 'metrics', 'istio-proxy']);
    // istiod orders init containers: with a native proxy iptables and the proxy first, otherwise istio-init last.
    expect(r.pod.spec.initContainers!.map((c) => c.name)).toEqual(
      version.nativeSidecarsDefault === 'auto' ? ['istio-init', 'istio-proxy', 'migrate'] : ['migrate', 'istio-init']);
    expect(container(r.pod, 'migrate').command).toEqual(['migrate']);
  });
});

describe('CNI on', () => {
  test.each([V130, V120])('on %s: istio-validation without capabilities, capture settings as annotations', (version) => {
    const { pod, values } = inject(version, { input: { cni: true } });
    expect(version.cniValuesPath === 'istio_cni' ? values.istio_cni.enabled : values.pilot.cni.enabled).toBe(true);
    expect(pod.spec.initContainers!.map((c) => c.name)).not.toContain('istio-init');
    const validation = container(pod, 'istio-validation');
    expect(validation.args.slice(-2)).toEqual(['--run-validation', '--skip-rule-apply']);
    expect(argAfter(validation.args, '-d')).toBe('15090,15021,15020');
    expect(validation.securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337,
    });
    expect(pod.spec.initContainers![0].name).toBe('istio-validation');
    // as Istio's templates write them for the CNI plugin: an empty exclude list is left out, and the plugin adds
    // Envoy's own ports (15090, 15021) itself, so only the status port and the pod's exclusions are listed
    expect(pod.metadata.annotations).toMatchObject({
      'sidecar.istio.io/interceptionMode': 'REDIRECT',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
      'traffic.sidecar.istio.io/includeInboundPorts': '*',
      'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
    });
    expect(pod.metadata.annotations).not.toHaveProperty(['traffic.sidecar.istio.io/excludeOutboundIPRanges']);
  });

  test('values-level capture settings reach the CNI plugin through the annotations', () => {
    const { pod } = inject(V130, { input: { cni: true, proxy: { excludeIPRanges: ['169.254.169.254/32'], excludeOutboundPorts: [5432] } } });
    expect(pod.metadata.annotations['traffic.sidecar.istio.io/excludeOutboundIPRanges']).toBe('169.254.169.254/32');
    expect(pod.metadata.annotations['traffic.sidecar.istio.io/excludeOutboundPorts']).toBe('5432');
  });
});

describe('TPROXY', () => {
  test.each([V130, V120])('on %s (mesh default): init gets -m TPROXY, the proxy runs as root with NET_ADMIN', (version) => {
    const { pod } = inject(version, {
      meshConfig: { trustDomain: 'cluster.local', defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012', interceptionMode: 'TPROXY' } },
    });
    expect(argAfter(container(pod, 'istio-init').args, '-m')).toBe('TPROXY');
    const proxy = container(pod, 'istio-proxy');
    expect(envOf(proxy, 'ISTIO_META_INTERCEPTION_MODE')).toBe('TPROXY');
    expect(proxy.securityContext).toMatchObject({ capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, runAsUser: 0, runAsNonRoot: false, runAsGroup: 1337 });
  });
});

describe('native sidecars', () => {
  test('1.20 with nativeSidecars: true makes the proxy an init container', () => {
    const { pod, values } = inject(V120, { input: { nativeSidecars: true } });
    expect(values.global.nativeSidecars).toBe(true);
    expect(pod.spec.initContainers!.map((c) => c.name)).toEqual(['istio-init', 'istio-proxy']);
    expect(container(pod, 'istio-proxy').restartPolicy).toBe('Always');
  });

  test('1.30 with nativeSidecars: false keeps a regular container', () => {
    const { pod, values } = inject(V130, { input: { nativeSidecars: false } });
    expect(values.pilot.env.ENABLE_NATIVE_SIDECARS).toBe('false');
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['hello', 'istio-proxy']);
    expect(container(pod, 'istio-proxy').restartPolicy).toBeUndefined();
  });
});

describe('hold application until proxy starts', () => {
  test.each([V130, V120])('on %s via values: proxy first with a pilot-agent wait hook', (version) => {
    const { pod } = inject(version, { input: { proxy: { holdApplicationUntilProxyStarts: true }, nativeSidecars: false } });
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['istio-proxy', 'hello']);
    expect(container(pod, 'istio-proxy').lifecycle).toEqual({ postStart: { exec: { command: ['pilot-agent', 'wait'] } } });
  });

  test('via the mesh proxy config', () => {
    const { pod } = inject(V120, {
      meshConfig: { trustDomain: 'cluster.local', defaultConfig: { holdApplicationUntilProxyStarts: true } },
    });
    expect(pod.spec.containers[0].name).toBe('istio-proxy');
    expect(container(pod, 'istio-proxy').lifecycle.postStart.exec.command).toEqual(['pilot-agent', 'wait']);
  });

  test('a native sidecar needs no hook: the startup probe holds the app', () => {
    const { pod } = inject(V130, { input: { proxy: { holdApplicationUntilProxyStarts: true } } });
    const proxy = container(pod, 'istio-proxy');
    expect(proxy.lifecycle.postStart).toBeUndefined();
    expect(proxy.startupProbe.periodSeconds).toBe(1);
  });
});

describe('proxy image', () => {
  test.each([V130, V120])('on %s a full reference in the values is used for proxy and init', (version) => {
    const { pod } = inject(version, {
      input: { proxy: { image: 'registry.example.com/mesh/proxyv2:1.2.3', initImage: 'registry.example.com/mesh/proxyv2:1.2.3' } },
    });
    expect(container(pod, 'istio-proxy').image).toBe('registry.example.com/mesh/proxyv2:1.2.3');
    expect(container(pod, 'istio-init').image).toBe('registry.example.com/mesh/proxyv2:1.2.3');
  });

  test('hub, tag and variant resolve through istiod', () => {
    const { pod } = inject(V130, { input: { hub: 'registry.local/istio', tag: '1.30.3', variant: 'distroless' } });
    expect(container(pod, 'istio-proxy').image).toBe('registry.local/istio/proxyv2:1.30.3-distroless');
    expect(container(pod, 'istio-init').image).toBe('registry.local/istio/proxyv2:1.30.3-distroless');
  });

  test('pull policy and secrets', () => {
    const { pod } = inject(V130, { input: { imagePullPolicy: 'IfNotPresent', imagePullSecrets: ['regcred'] } });
    expect(container(pod, 'istio-proxy').imagePullPolicy).toBe('IfNotPresent');
    expect(container(pod, 'istio-init').imagePullPolicy).toBe('IfNotPresent');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });
});

describe('control-plane and mesh inputs', () => {
  test('revision: CA address and istio.io/rev', () => {
    const { pod } = inject(V130, { input: { revision: 'canary' } });
    expect(envOf(container(pod, 'istio-proxy'), 'CA_ADDR')).toBe('istiod-canary.istio-system.svc:15012');
    expect(pod.metadata.annotations['istio.io/rev']).toBe('canary');
  });

  test('mesh ID, network, cluster name, trust domain, pilot cert provider', () => {
    const { pod } = inject(V120, {
      input: { meshId: 'pi-mesh', network: 'home', clusterName: 'pi', pilotCertProvider: 'kubernetes', trustDomain: 'pi.local' },
    });
    const proxy = container(pod, 'istio-proxy');
    expect(envOf(proxy, 'ISTIO_META_MESH_ID')).toBe('pi-mesh');
    expect(envOf(proxy, 'ISTIO_META_NETWORK')).toBe('home');
    // istiod sets cluster and network itself after templating, appended in name order
    expect(envNames(proxy).slice(-2)).toEqual(['ISTIO_META_CLUSTER_ID', 'ISTIO_META_NETWORK']);
    expect(envOf(proxy, 'ISTIO_META_CLUSTER_ID')).toBe('pi');
    expect(envOf(proxy, 'TRUST_DOMAIN')).toBe('pi.local');
    expect(envOf(proxy, 'PILOT_CERT_PROVIDER')).toBe('kubernetes');
  });

  test('mesh ID defaults to the trust domain', () => {
    const { pod } = inject(V130, { input: { trustDomain: 'example.org' } });
    expect(envOf(container(pod, 'istio-proxy'), 'ISTIO_META_MESH_ID')).toBe('example.org');
  });

  test('proxy metadata becomes env; HBONE adds the tunnel label', () => {
    const { pod } = inject(V130, {
      meshConfig: { trustDomain: 'cluster.local', defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_ENABLE_HBONE: 'true' } } },
    });
    const proxy = container(pod, 'istio-proxy');
    expect(envOf(proxy, 'ISTIO_META_DNS_CAPTURE')).toBe('true');
    expect(envNames(proxy).slice(-3)).toEqual(['ISTIO_META_DNS_CAPTURE', 'ISTIO_META_ENABLE_HBONE', 'ISTIO_META_CLUSTER_ID']);
    expect(pod.metadata.labels['networking.istio.io/tunnel']).toBe('http');
  });

  test('the owner is the workload istiod derived', () => {
    const { pod } = inject(V130, { workload: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'hello-deploy', namespace: 'apps' } });
    const proxy = container(pod, 'istio-proxy');
    expect(envOf(proxy, 'ISTIO_META_OWNER')).toBe('kubernetes://apis/apps/v1/namespaces/apps/deployments/hello-deploy');
    expect(envOf(proxy, 'ISTIO_META_WORKLOAD_NAME')).toBe('hello-deploy');
  });

  test('Raspberry-Pi sidecar resources', () => {
    const { pod } = inject(V120, { input: { proxy: { resources: ResourcePreset.raspberryPiSidecar() } } });
    const expected = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } };
    expect(container(pod, 'istio-proxy').resources).toEqual(expected);
    expect(container(pod, 'istio-init').resources).toEqual(expected);
  });

  test('values-level capture settings drive istio-iptables', () => {
    const { pod } = inject(V130, {
      input: {
        proxy: {
          includeIPRanges: ['10.0.0.0/8'], excludeIPRanges: ['10.96.0.1/32'], includeInboundPorts: [8080, 8443],
          excludeInboundPorts: [9000], includeOutboundPorts: [443], excludeOutboundPorts: [5432, 6379], statusPort: 15030,
        },
      },
    });
    const args = container(pod, 'istio-init').args;
    expect(argAfter(args, '-i')).toBe('10.0.0.0/8');
    expect(argAfter(args, '-x')).toBe('10.96.0.1/32');
    expect(argAfter(args, '-b')).toBe('8080,8443');
    expect(argAfter(args, '-d')).toBe('15090,15021,9000,15030');
    expect(argAfter(args, '-q')).toBe('443');
    expect(argAfter(args, '-o')).toBe('5432,6379');
    expect(container(pod, 'istio-proxy').lifecycle.preStop.exec.command).toContain('--debug-port=15030');
  });

  test('log levels, cluster domain, readiness and startup probe from the values', () => {
    const { pod } = inject(V130, {
      input: {
        proxy: {
          logLevel: 'debug', componentLogLevel: 'misc:error,upstream:debug', agentLogLevel: 'default:debug', clusterDomain: 'pi.cluster',
          readinessInitialDelaySeconds: 2, readinessPeriodSeconds: 5, readinessFailureThreshold: 10, startupProbe: { failureThreshold: 120 },
        },
      },
    });
    const proxy = container(pod, 'istio-proxy');
    expect(proxy.args).toEqual(['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.pi.cluster', '--proxyLogLevel=debug',
      '--proxyComponentLogLevel=misc:error,upstream:debug', '--log_output_level=default:debug']);
    expect(proxy.readinessProbe).toMatchObject({ initialDelaySeconds: 2, periodSeconds: 5, failureThreshold: 10 });
    expect(proxy.startupProbe.failureThreshold).toBe(120);
    expect(argAfter(container(pod, 'istio-init').args, '-d')).toBe('15090,15021,15020');
    expect(container(pod, 'istio-init').args).toContain('--log_output_level=default:debug');
  });

  test('startup probe off', () => {
    const { pod } = inject(V120, { input: { proxy: { startupProbe: { enabled: false } } } });
    expect(container(pod, 'istio-proxy').startupProbe).toBeUndefined();
    expect(container(pod, 'istio-proxy').readinessProbe).toBeDefined();
  });

  test('privileged proxy', () => {
    const { pod } = inject(V120, { input: { proxy: { privileged: true } } });
    expect(container(pod, 'istio-proxy').securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true });
    expect(container(pod, 'istio-init').securityContext).toMatchObject({ privileged: true });
  });

  test('native nftables (1.30)', () => {
    const { pod } = inject(V130, { input: { proxy: { nativeNftables: true } } });
    expect(container(pod, 'istio-init').args).toContain('--native-nftables');
    expect(container(inject(V130).pod, 'istio-init').args).not.toContain('--native-nftables');
  });

  test('compliance policy (1.30 template data)', () => {
    const { pod } = inject(V130, { compliancePolicy: 'fips-140-2' });
    const proxy = container(pod, 'istio-proxy');
    expect(envOf(proxy, 'COMPLIANCE_POLICY')).toBe('fips-140-2');
    expect(envNames(proxy).indexOf('COMPLIANCE_POLICY')).toBe(envNames(proxy).indexOf('GOMAXPROCS') + 1);
  });

  test('core dumps (1.20): an enable-core-dump init container from the values', () => {
    const { pod } = inject(V120, { input: { proxy: { enableCoreDump: true } } });
    const dump = container(pod, 'enable-core-dump');
    expect(dump.args).toEqual(['-c', 'sysctl -w kernel.core_pattern=/var/lib/istio/data/core.proxy && ulimit -c unlimited']);
    expect(dump.securityContext).toMatchObject({ privileged: true, runAsUser: 0, capabilities: { add: ['SYS_ADMIN'] } });
  });
});
