import { IstioBase } from '../../src/base/istio-base';
import { Istiod } from '../../src/istiod/istiod';
import { IstioVersion } from '../../src/version';
import { newChart, synthValid } from '../support/synth';
import {
  container, envNames, envOf, injectorDataFromObjects, meshConfigFromObjects, PodTemplate, renderInjection,
} from './harness';

const V130 = IstioVersion.V1_30_3;
const V120 = IstioVersion.V1_20_3;

/** The pod template of the gateway chart's Deployment (facts §7), as the gateway construct renders it. */
function gatewayPod(version: IstioVersion): PodTemplate {
  return {
    metadata: {
      annotations: {
        'inject.istio.io/templates': 'gateway',
        'sidecar.istio.io/inject': 'true',
        'prometheus.io/port': '15020',
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': '/stats/prometheus',
      },
      labels: { 'sidecar.istio.io/inject': 'true', 'app': 'istio-ingressgateway', 'istio': 'ingressgateway' },
    },
    spec: {
      serviceAccountName: 'istio-ingressgateway',
      terminationGracePeriodSeconds: 30,
      securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }], seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'istio-proxy',
        image: 'auto',
        ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
        securityContext: {
          capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
          ...(version.gatewayRunAsUser1337 ? { runAsUser: 1337, runAsGroup: 1337 } : {}),
        },
      }],
    },
  };
}

const workload = { kind: 'Deployment', apiVersion: 'apps/v1', name: 'istio-ingressgateway', namespace: 'istio-ingress' };

/** The gateway template's env order: as the sidecar's, but the app containers after the Go limits (as Istio's). */
const PROXY_ENV = [
  'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP',
  'ISTIO_CPU_LIMIT', 'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'GOMEMLIMIT', 'GOMAXPROCS', 'ISTIO_META_APP_CONTAINERS',
  'ISTIO_META_NODE_NAME', 'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME',
  'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
  // istiod sets the cluster env itself after templating, appended last (updateClusterEnvs)
  'ISTIO_META_CLUSTER_ID',
];

describe.each([V130, V120])('gateway Deployment pod with image: auto on %s', (version) => {
  const r = renderInjection({ version, pod: gatewayPod(version), workload, namespace: 'istio-ingress' });
  const proxy = container(r.pod, 'istio-proxy');
  const sidecarProxy = container(renderInjection({ version, pod: { metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'app' }] } } }).pod, 'istio-proxy');

  test('the pod annotation selected the gateway template only', () => {
    expect(r.rendered).toHaveLength(1);
    expect(r.rendered[0]).toContain('- router');
  });

  test('no init container, one proxy container with the real image', () => {
    expect(r.pod.spec.initContainers).toBeUndefined();
    expect(r.pod.spec.containers.map((c) => c.name)).toEqual(['istio-proxy']);
    expect(proxy.image).toBe(`docker.io/istio/proxyv2:${version.tag}`);
  });

  test('router args', () => {
    expect(proxy.args).toEqual([
      'proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info',
    ]);
  });

  test('readiness on 15021, port 15090 once', () => {
    // initialDelaySeconds 0 is Kubernetes' default: the API types omit it
    expect(proxy.readinessProbe).toEqual({
      httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4,
    });
    expect(proxy.startupProbe).toBeUndefined();
    expect(proxy.ports).toEqual([{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }]);
  });

  test('env names are those of the sidecar, in the gateway template\'s order', () => {
    expect([...envNames(proxy)].sort()).toEqual([...envNames(sidecarProxy)].sort());
    expect(envNames(proxy)).toEqual(version.proxyEnvJwtPolicy ? ['JWT_POLICY', ...PROXY_ENV] : PROXY_ENV);
    expect(envOf(proxy, 'ISTIO_META_WORKLOAD_NAME')).toBe('istio-ingressgateway');
    expect(envOf(proxy, 'ISTIO_META_OWNER')).toBe('kubernetes://apis/apps/v1/namespaces/istio-ingress/deployments/istio-ingressgateway');
    // no application container: an empty value, which the Kubernetes types omit
    expect(proxy.env.find((e: any) => e.name === 'ISTIO_META_APP_CONTAINERS')).toEqual({ name: 'ISTIO_META_APP_CONTAINERS' });
    expect(envOf(proxy, 'CA_ADDR')).toBe('istiod.istio-system.svc:15012');
    // every container's ports, the proxy's own included (as upstream's gateway template lists them)
    expect(JSON.parse(envOf(proxy, 'ISTIO_META_POD_PORTS'))).toEqual([{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }]);
  });

  test('the 8 sidecar volumes without istio-ca-crl, all mounted', () => {
    const names = ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'];
    expect(r.pod.spec.volumes!.map((v) => v.name)).toEqual(names);
    expect(proxy.volumeMounts.map((m: any) => m.name)).toEqual(names);
  });

  test('the chart settings stay; the container meets the restricted Pod Security Standard', () => {
    // quantities in Kubernetes' canonical form (2000m is 2, 1024Mi is 1Gi)
    expect(proxy.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(proxy.securityContext).toEqual({
      capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true,
      runAsNonRoot: true, runAsUser: 1337, runAsGroup: 1337,
    });
    expect(r.pod.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(r.pod.metadata.annotations['prometheus.io/port']).toBe('15020');
    expect(r.pod.metadata.annotations['istio.io/rev']).toBe('default');
    expect(r.pod.metadata.labels['service.istio.io/canonical-name']).toBe('istio-ingressgateway');
  });
});

describe('gateway template inputs', () => {
  test('resource annotations and a full proxy image reference', () => {
    const pod = gatewayPod(V130);
    pod.metadata!.annotations = {
      ...pod.metadata!.annotations,
      'sidecar.istio.io/proxyMemory': '256Mi',
      'sidecar.istio.io/proxyMemoryLimit': '512Mi',
      'sidecar.istio.io/proxyImage': 'mirror.local/istio/proxyv2:1.30.3',
    };
    const proxy = container(renderInjection({ version: V130, pod, workload }).pod, 'istio-proxy');
    // the pod's own istio-proxy container sets resources, and istiod re-applies the pod's container over the
    // template's (reapplyOverwrittenContainers): the annotations lose to the chart's resources
    expect(proxy.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(proxy.image).toBe('mirror.local/istio/proxyv2:1.30.3');
  });

  test('revision and log level', () => {
    const pod = gatewayPod(V120);
    pod.metadata!.annotations!['sidecar.istio.io/logLevel'] = 'info';
    const r = renderInjection({ version: V120, pod, workload, input: { revision: 'canary' } });
    const proxy = container(r.pod, 'istio-proxy');
    expect(proxy.args).toContain('--proxyLogLevel=info');
    expect(envOf(proxy, 'CA_ADDR')).toBe('istiod-canary.istio-system.svc:15012');
    expect(r.pod.metadata.annotations['istio.io/rev']).toBe('canary');
  });
});

describe.each([V130, V120])('end to end with the ConfigMaps Istiod synthesizes on %s', (version) => {
  const chart = newChart();
  const base = new IstioBase(chart, 'base', { version });
  new Istiod(chart, 'istiod', { base });
  const objs = synthValid(chart);
  const injectorData = injectorDataFromObjects(objs);
  const meshConfig = meshConfigFromObjects(objs);

  test('a gateway pod', () => {
    const r = renderInjection({ version, pod: gatewayPod(version), workload, injectorData, meshConfig });
    const proxy = container(r.pod, 'istio-proxy');
    expect(proxy.args.slice(0, 2)).toEqual(['proxy', 'router']);
    expect(envOf(proxy, 'TRUST_DOMAIN')).toBe(meshConfig.trustDomain);
    // istiod leaves out what equals its mesh defaults (the discovery address here). 1.20's mesh config names the
    // zipkin tracer, a default of 1.20's istiod but not of the 1.30-line injector these cases run through.
    expect(JSON.parse(envOf(proxy, 'PROXY_CONFIG'))).toEqual(version.zipkinInMeshConfig ? { tracing: { zipkin: { address: 'zipkin.istio-system:9411' } } } : {});
    expect(envOf(proxy, 'CA_ADDR')).toBe('istiod.istio-system.svc:15012');
  });

  test('an application pod', () => {
    const r = renderInjection({ version, pod: { metadata: { name: 'app' }, spec: { containers: [{ name: 'app', image: 'app:1' }] } }, injectorData, meshConfig });
    expect(r.rendered).toHaveLength(1);
    expect(container(r.pod, 'istio-init').args[0]).toBe('istio-iptables');
    expect(envNames(container(r.pod, 'istio-proxy'))).toContain('TRUST_DOMAIN');
  });
});
