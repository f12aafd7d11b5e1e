import { IstioVersion } from '../../src/version';
import { ResourcePreset } from '../../src/workload';
import { findOne } from '../support/synth';
import { container, deployment, envNames, envValue, render, restrictedViolations, VERSIONS } from './helpers';

const V30 = IstioVersion.V1_30_3;
const V20 = IstioVersion.V1_20_3;

describe('istiod Deployment', () => {
  test.each(VERSIONS)('%s: strategy, no replicas under the HPA, container and image', (tag, version) => {
    const { objs } = render(version);
    const dep = deployment(objs);
    // as upstream's chart: no explicit type (the API server defaults RollingUpdate)
    expect(dep.spec.strategy).toEqual({ rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } });
    expect(dep.spec.replicas).toBeUndefined();
    const c = container(objs);
    expect(c.name).toBe('discovery');
    expect(c.image).toBe(`docker.io/istio/pilot:${tag}`);
    expect(dep.spec.template.spec.serviceAccountName).toBe('istiod');
  });

  test.each(VERSIONS)('%s: args', (_tag, version) => {
    const { objs } = render(version);
    expect(container(objs).args).toEqual([
      'discovery', '--monitoringAddr=:15014', '--log_output_level=default:info',
      '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m',
    ]);
  });

  test('logLevel sets --log_output_level', () => {
    const { objs } = render(V30, { logLevel: 'debug' });
    expect(container(objs).args).toContain('--log_output_level=default:debug');
  });

  test('1.30.3: env names in order', () => {
    const { objs } = render(V30);
    expect(envNames(objs)).toEqual([
      'REVISION', 'PILOT_CERT_PROVIDER', 'POD_NAME', 'POD_NAMESPACE', 'SERVICE_ACCOUNT', 'KUBECONFIG', 'CA_TRUSTED_NODE_ACCOUNTS',
      'PILOT_TRACE_SAMPLING', 'PILOT_ENABLE_ANALYSIS', 'CLUSTER_ID', 'GOMAXPROCS', 'PLATFORM',
    ]);
    expect(envValue(objs, 'CA_TRUSTED_NODE_ACCOUNTS')).toBe('istio-system/ztunnel');
    const gomaxprocs = container(objs).env.find((e: any) => e.name === 'GOMAXPROCS');
    expect(gomaxprocs.valueFrom.resourceFieldRef).toEqual({ resource: 'limits.cpu', divisor: '1' });
  });

  test('1.20.3: env names in order', () => {
    const { objs } = render(V20);
    expect(envNames(objs)).toEqual([
      'REVISION', 'JWT_POLICY', 'PILOT_CERT_PROVIDER', 'POD_NAME', 'POD_NAMESPACE', 'SERVICE_ACCOUNT', 'KUBECONFIG',
      'PILOT_TRACE_SAMPLING', 'PILOT_ENABLE_ANALYSIS', 'CLUSTER_ID', 'GOMEMLIMIT', 'GOMAXPROCS', 'PLATFORM',
    ]);
    expect(envValue(objs, 'JWT_POLICY')).toBe('third-party-jwt');
    const env = container(objs).env;
    expect(env.find((e: any) => e.name === 'GOMEMLIMIT').valueFrom.resourceFieldRef).toEqual({ resource: 'limits.memory' });
    expect(env.find((e: any) => e.name === 'GOMAXPROCS').valueFrom.resourceFieldRef).toEqual({ resource: 'limits.cpu' });
  });

  test.each(VERSIONS)('%s: env values', (_tag, version) => {
    const { objs } = render(version);
    expect(envValue(objs, 'REVISION')).toBe('default');
    expect(envValue(objs, 'PILOT_CERT_PROVIDER')).toBe('istiod');
    expect(envValue(objs, 'KUBECONFIG')).toBe('/var/run/secrets/remote/config');
    expect(envValue(objs, 'PILOT_TRACE_SAMPLING')).toBe('1');
    expect(envValue(objs, 'PILOT_ENABLE_ANALYSIS')).toBe('false');
    expect(envValue(objs, 'CLUSTER_ID')).toBe('Kubernetes');
    expect(envValue(objs, 'PLATFORM')).toBe('');
    expect(envNames(objs)).not.toContain('CA_ADDR');
    const pod = container(objs).env.find((e: any) => e.name === 'POD_NAME');
    expect(pod.valueFrom.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.name' });
  });

  test('1.30.3: user env goes after CA_TRUSTED_NODE_ACCOUNTS, sorted by name', () => {
    const { objs } = render(V30, { env: { PILOT_ENABLE_STATUS: 'true', ENABLE_NATIVE_SIDECARS: 'true' } });
    const names = envNames(objs);
    expect(names.slice(6, 10)).toEqual(['CA_TRUSTED_NODE_ACCOUNTS', 'ENABLE_NATIVE_SIDECARS', 'PILOT_ENABLE_STATUS', 'PILOT_TRACE_SAMPLING']);
    expect(envValue(objs, 'PILOT_ENABLE_STATUS')).toBe('true');
  });

  test('1.20.3: user env goes after KUBECONFIG', () => {
    const { objs } = render(V20, { env: { PILOT_X: '1' } });
    const names = envNames(objs);
    expect(names.slice(names.indexOf('KUBECONFIG'), names.indexOf('KUBECONFIG') + 3)).toEqual(['KUBECONFIG', 'PILOT_X', 'PILOT_TRACE_SAMPLING']);
  });

  test('a user env entry replaces CA_TRUSTED_NODE_ACCOUNTS and PILOT_TRACE_SAMPLING at the user position', () => {
    const { objs } = render(V30, { env: { CA_TRUSTED_NODE_ACCOUNTS: 'istio-system/ztunnel,kube-system/ztunnel', PILOT_TRACE_SAMPLING: '10' } });
    const names = envNames(objs);
    expect(names.filter((n) => n === 'CA_TRUSTED_NODE_ACCOUNTS')).toHaveLength(1);
    expect(names.filter((n) => n === 'PILOT_TRACE_SAMPLING')).toHaveLength(1);
    expect(names.slice(6, 8)).toEqual(['CA_TRUSTED_NODE_ACCOUNTS', 'PILOT_TRACE_SAMPLING']);
    expect(envValue(objs, 'PILOT_TRACE_SAMPLING')).toBe('10');
  });

  test('nativeSidecars is passed to istiod as ENABLE_NATIVE_SIDECARS in the user-env slot', () => {
    expect(envValue(render(V20, { nativeSidecars: true }).objs, 'ENABLE_NATIVE_SIDECARS')).toBe('true');
    const { objs } = render(V30, { nativeSidecars: false, env: { PILOT_X: '1' } });
    const names = envNames(objs);
    expect(names.slice(7, 9)).toEqual(['ENABLE_NATIVE_SIDECARS', 'PILOT_X']);
    expect(envValue(objs, 'ENABLE_NATIVE_SIDECARS')).toBe('false');
    expect(envNames(render(V30).objs)).not.toContain('ENABLE_NATIVE_SIDECARS');
  });

  test('clusterName sets CLUSTER_ID', () => {
    const { objs } = render(V20, { clusterName: 'pi-cluster' });
    expect(envValue(objs, 'CLUSTER_ID')).toBe('pi-cluster');
  });

  test('1.30.3: five named container ports', () => {
    const { objs } = render(V30);
    expect(container(objs).ports).toEqual([
      { name: 'http-debug', containerPort: 8080, protocol: 'TCP' },
      { name: 'grpc-xds', containerPort: 15010, protocol: 'TCP' },
      { name: 'tls-xds', containerPort: 15012, protocol: 'TCP' },
      { name: 'https-webhooks', containerPort: 15017, protocol: 'TCP' },
      { name: 'http-monitoring', containerPort: 15014, protocol: 'TCP' },
    ]);
  });

  test('1.20.3: three unnamed container ports', () => {
    const { objs } = render(V20);
    expect(container(objs).ports).toEqual([
      { containerPort: 8080, protocol: 'TCP' },
      { containerPort: 15010, protocol: 'TCP' },
      { containerPort: 15017, protocol: 'TCP' },
    ]);
  });

  test.each(VERSIONS)('%s: readiness probe', (_tag, version) => {
    const { objs } = render(version);
    expect(container(objs).readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5,
    });
  });

  test.each(VERSIONS)('%s: volumes and mounts', (_tag, version) => {
    const { objs } = render(version);
    const pod = deployment(objs).spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: 'local-certs', emptyDir: { medium: 'Memory' } },
      { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
      { name: 'cacerts', secret: { secretName: 'cacerts', optional: true } },
      { name: 'istio-kubeconfig', secret: { secretName: 'istio-kubeconfig', optional: true } },
      { name: 'istio-csr-dns-cert', secret: { secretName: 'istiod-tls', optional: true } },
      { name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', defaultMode: 420, optional: true } },
    ]);
    const mounts = Object.fromEntries(container(objs).volumeMounts.map((m: any) => [m.name, [m.mountPath, m.readOnly ?? false]]));
    expect(mounts).toEqual({
      'local-certs': ['/var/run/secrets/istio-dns', false],
      'istio-token': ['/var/run/secrets/tokens', true],
      'cacerts': ['/etc/cacerts', true],
      'istio-kubeconfig': ['/var/run/secrets/remote', true],
      'istio-csr-dns-cert': ['/var/run/secrets/istiod/tls', true],
      'istio-csr-ca-configmap': ['/var/run/secrets/istiod/ca', true],
    });
  });

  test('1.30.3: pod labels and annotations', () => {
    const { objs } = render(V30);
    const meta = deployment(objs).spec.template.metadata;
    expect(meta.labels).toMatchObject({ 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none', 'app': 'istiod', 'istio': 'pilot', 'app.kubernetes.io/name': 'istiod' });
    expect(meta.annotations).toEqual({ 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' });
  });

  test('1.20.3: pod labels and annotations', () => {
    const { objs } = render(V20);
    const meta = deployment(objs).spec.template.metadata;
    expect(meta.labels['sidecar.istio.io/inject']).toBe('false');
    expect(meta.labels['istio.io/dataplane-mode']).toBeUndefined();
    expect(meta.annotations).toEqual({
      'ambient.istio.io/redirection': 'disabled', 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false',
    });
  });

  test('tolerations: 1.30.3 tolerates cni not-ready, then the user ones; 1.20.3 only the user ones', () => {
    const user = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const };
    expect(deployment(render(V30, { tolerations: [user] }).objs).spec.template.spec.tolerations).toEqual([
      { key: 'cni.istio.io/not-ready', operator: 'Exists' },
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(deployment(render(V20).objs).spec.template.spec.tolerations).toBeUndefined();
    expect(deployment(render(V20, { tolerations: [{ key: 'dedicated', value: 'mesh', effect: 'NoExecute', tolerationSeconds: 30 }] }).objs)
      .spec.template.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'mesh', effect: 'NoExecute', tolerationSeconds: 30 }]);
  });

  test('scheduling knobs go into the pod spec', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] }] } } };
    const spread = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'istiod' } } }];
    const pod = deployment(render(V30, { nodeSelector: { 'kubernetes.io/os': 'linux' }, affinity, topologySpreadConstraints: spread }).objs).spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.affinity).toEqual(affinity);
    expect(pod.topologySpreadConstraints).toEqual(spread);
  });

  test('image hub, tag and variant', () => {
    expect(container(render(V30, { image: { hub: 'registry.example.com:5000/istio', tag: '1.30.3-patched', variant: 'distroless' } }).objs).image)
      .toBe('registry.example.com:5000/istio/pilot:1.30.3-patched-distroless');
    expect(container(render(V20, { image: { variant: 'distroless' } }).objs).image).toBe('docker.io/istio/pilot:1.20.3-distroless');
  });

  test.each(VERSIONS)('%s: the pod meets the Pod Security Standard "restricted" (seccomp RuntimeDefault added)', (_tag, version) => {
    const { objs } = render(version);
    const pod = deployment(objs).spec.template.spec;
    expect(restrictedViolations(pod)).toEqual([]);
    expect(container(objs).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('the restricted checker notices a missing seccomp profile', () => {
    const { objs } = render(V30);
    const pod = JSON.parse(JSON.stringify(deployment(objs).spec.template.spec));
    delete pod.containers[0].securityContext.seccompProfile;
    expect(restrictedViolations(pod)).toEqual(['discovery: seccompProfile not RuntimeDefault/Localhost']);
  });
});

describe('resources', () => {
  test.each(VERSIONS)('%s: upstream default requests 500m / 2048Mi, no limits', (_tag, version) => {
    expect(container(render(version).objs).resources).toEqual({ requests: { cpu: '500m', memory: '2048Mi' } });
  });

  test('ResourcePreset.raspberryPi(): requests 100m/128Mi, limits 500m/256Mi', () => {
    const { objs } = render(V20, { resources: ResourcePreset.raspberryPi() });
    expect(container(objs).resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  });

  test('ResourcePreset.of(): the MLOps pilot memory 512Mi / 1Gi', () => {
    const { objs } = render(V30, { resources: ResourcePreset.of({ requests: { memory: '512Mi' }, limits: { memory: '1Gi' } }) });
    expect(container(objs).resources).toEqual({ requests: { memory: '512Mi' }, limits: { memory: '1Gi' } });
  });
});

describe('istiod Service', () => {
  test.each(VERSIONS)('%s: ports 15010, 15012, 443->15017, 15014', (_tag, version) => {
    const svc = findOne(render(version).objs, 'Service', 'istiod', 'istio-system');
    expect(svc.spec.type).toBeUndefined();
    expect(svc.spec.ports).toEqual([
      { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
      { name: 'https-dns', port: 15012, protocol: 'TCP' },
      { name: 'https-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
      { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
    ]);
  });
});
