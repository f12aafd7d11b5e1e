/**
 * One case per pod annotation / label that injection reads (facts §10), on the version that reads it,
 * each asserting the effect on the injected pod.
 */
import { InjectorInput } from '../../src/istiod/injector';
import { IstioVersion } from '../../src/version';
import {
  argAfter, container, envNames, envOf, InjectedPod, PodTemplate, renderInjection, RenderInjectionOptions,
} from './harness';

const V130 = IstioVersion.V1_30_3;
const V120 = IstioVersion.V1_20_3;

function pod(annotations: Record<string, string> = {}, labels: Record<string, string> = { app: 'hello' }): PodTemplate {
  return {
    metadata: { name: 'hello-7d9f', namespace: 'apps', labels, annotations },
    spec: { containers: [{ name: 'hello', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }, { name: 'log', image: 'fluent-bit:3' }] },
  };
}

function inject(annotations: Record<string, string>, opts: Partial<RenderInjectionOptions> & { input?: Partial<InjectorInput> } = {}): InjectedPod {
  return renderInjection({ version: V130, pod: pod(annotations), ...opts }).pod;
}

const proxyOf = (p: InjectedPod) => container(p, 'istio-proxy');
const initOf = (p: InjectedPod) => container(p, 'istio-init');

describe('proxy resources', () => {
  test('sidecar.istio.io/proxyCPU alone replaces all default resources', () => {
    const p = inject({ 'sidecar.istio.io/proxyCPU': '250m' });
    expect(proxyOf(p).resources).toEqual({ requests: { cpu: '250m' } });
    expect(initOf(p).resources).toEqual({ requests: { cpu: '250m' } });
  });
  test('sidecar.istio.io/proxyMemory', () => {
    expect(proxyOf(inject({ 'sidecar.istio.io/proxyMemory': '256Mi' })).resources).toEqual({ requests: { memory: '256Mi' } });
  });
  test('sidecar.istio.io/proxyCPULimit', () => {
    expect(proxyOf(inject({ 'sidecar.istio.io/proxyCPULimit': '1' })).resources).toEqual({ limits: { cpu: '1' } });
  });
  test('sidecar.istio.io/proxyMemoryLimit', () => {
    expect(proxyOf(inject({ 'sidecar.istio.io/proxyMemoryLimit': '1Gi' })).resources).toEqual({ limits: { memory: '1Gi' } });
  });
  test('all four together', () => {
    const p = inject({
      'sidecar.istio.io/proxyCPU': '50m', 'sidecar.istio.io/proxyMemory': '64Mi',
      'sidecar.istio.io/proxyCPULimit': '200m', 'sidecar.istio.io/proxyMemoryLimit': '256Mi',
    }, { version: V120 });
    expect(proxyOf(p).resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } });
  });
});

describe('capture', () => {
  test('sidecar.istio.io/interceptionMode TPROXY', () => {
    const p = inject({ 'sidecar.istio.io/interceptionMode': 'TPROXY' });
    expect(argAfter(initOf(p).args, '-m')).toBe('TPROXY');
    expect(proxyOf(p).securityContext).toMatchObject({ runAsUser: 0, runAsNonRoot: false, capabilities: { add: ['NET_ADMIN'] } });
    expect(envOf(proxyOf(p), 'ISTIO_META_INTERCEPTION_MODE')).toBe('TPROXY');
  });
  test('sidecar.istio.io/interceptionMode NONE: no iptables init container', () => {
    const p = inject({ 'sidecar.istio.io/interceptionMode': 'NONE' }, { nativeSidecars: false });
    expect(p.spec.initContainers).toBeUndefined();
    expect(envOf(proxyOf(p), 'ISTIO_META_INTERCEPTION_MODE')).toBe('NONE');
  });
  test('traffic.sidecar.istio.io/includeOutboundIPRanges', () => {
    expect(argAfter(initOf(inject({ 'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.0.0.0/8' })).args, '-i')).toBe('10.0.0.0/8');
  });
  test('traffic.sidecar.istio.io/excludeOutboundIPRanges', () => {
    expect(argAfter(initOf(inject({ 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '169.254.169.254/32' })).args, '-x')).toBe('169.254.169.254/32');
  });
  test('traffic.sidecar.istio.io/includeInboundPorts', () => {
    expect(argAfter(initOf(inject({ 'traffic.sidecar.istio.io/includeInboundPorts': '8080' })).args, '-b')).toBe('8080');
  });
  test('traffic.sidecar.istio.io/excludeInboundPorts (after the proxy ports; the status port appended once)', () => {
    expect(argAfter(initOf(inject({ 'traffic.sidecar.istio.io/excludeInboundPorts': '9000, 15021' })).args, '-d')).toBe('15090,15021,9000,15021,15020');
    expect(argAfter(initOf(inject({ 'traffic.sidecar.istio.io/excludeInboundPorts': '9000' })).args, '-d')).toBe('15090,15021,9000,15020');
    expect(argAfter(initOf(inject({ 'traffic.sidecar.istio.io/excludeInboundPorts': '9000,15020' })).args, '-d')).toBe('15090,15021,9000,15020');
  });
  test('traffic.sidecar.istio.io/includeOutboundPorts', () => {
    const args = initOf(inject({ 'traffic.sidecar.istio.io/includeOutboundPorts': '443,8443' })).args;
    expect(argAfter(args, '-q')).toBe('443,8443');
    expect(initOf(inject({})).args).not.toContain('-q');
  });
  test('traffic.sidecar.istio.io/excludeOutboundPorts', () => {
    const args = initOf(inject({ 'traffic.sidecar.istio.io/excludeOutboundPorts': '5432' })).args;
    expect(argAfter(args, '-o')).toBe('5432');
    expect(initOf(inject({})).args).not.toContain('-o');
  });
  test('traffic.sidecar.istio.io/kubevirtInterfaces', () => {
    expect(argAfter(initOf(inject({ 'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1' }, { version: V120 })).args, '-k')).toBe('net1');
  });
  test('istio.io/reroute-virtual-interfaces takes precedence (1.30)', () => {
    const both = { 'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1', 'istio.io/reroute-virtual-interfaces': 'net2' };
    expect(argAfter(initOf(inject(both)).args, '-k')).toBe('net2');
    // 1.20 does not know the new name
    expect(argAfter(initOf(inject(both, { version: V120 })).args, '-k')).toBe('net1');
    expect(initOf(inject({ 'istio.io/reroute-virtual-interfaces': 'net2' }, { version: V120 })).args).not.toContain('-k');
  });
  test('traffic.sidecar.istio.io/excludeInterfaces', () => {
    expect(argAfter(initOf(inject({ 'traffic.sidecar.istio.io/excludeInterfaces': 'eth1' })).args, '-c')).toBe('eth1');
  });
});

describe('proxy container', () => {
  test('sidecar.istio.io/capNetBindService', () => {
    const sc = proxyOf(inject({ 'sidecar.istio.io/capNetBindService': 'true' })).securityContext;
    expect(sc).toMatchObject({ capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, runAsUser: 0, runAsNonRoot: false });
  });
  test('sidecar.istio.io/proxyImage (full reference, proxy and init)', () => {
    const p = inject({ 'sidecar.istio.io/proxyImage': 'mirror.local/istio/proxyv2:1.30.3' });
    expect(proxyOf(p).image).toBe('mirror.local/istio/proxyv2:1.30.3');
    expect(initOf(p).image).toBe('mirror.local/istio/proxyv2:1.30.3');
  });
  test('sidecar.istio.io/proxyImage without "/" is ignored', () => {
    expect(proxyOf(inject({ 'sidecar.istio.io/proxyImage': 'proxyv2-custom' })).image).toBe('docker.io/istio/proxyv2:1.30.3');
  });
  test('sidecar.istio.io/proxyImageType (read by istiod when resolving .ProxyImage)', () => {
    expect(proxyOf(inject({ 'sidecar.istio.io/proxyImageType': 'distroless' })).image).toBe('docker.io/istio/proxyv2:1.30.3-distroless');
  });
  test('sidecar.istio.io/logLevel', () => {
    expect(proxyOf(inject({ 'sidecar.istio.io/logLevel': 'debug' })).args).toContain('--proxyLogLevel=debug');
  });
  test('sidecar.istio.io/componentLogLevel', () => {
    expect(proxyOf(inject({ 'sidecar.istio.io/componentLogLevel': 'upstream:debug' })).args).toContain('--proxyComponentLogLevel=upstream:debug');
  });
  test('sidecar.istio.io/agentLogLevel', () => {
    const p = inject({ 'sidecar.istio.io/agentLogLevel': 'default:debug,ads:info' });
    expect(proxyOf(p).args).toContain('--log_output_level=default:debug,ads:info');
    // istio-iptables logs at the pod's level too, as Istio's templates pass it at both releases
    expect(initOf(p).args).toContain('--log_output_level=default:debug,ads:info');
    expect(initOf(p).args).not.toContain('--log_output_level=default:info');
  });
  test('sidecar.istio.io/bootstrapOverride', () => {
    const p = inject({ 'sidecar.istio.io/bootstrapOverride': 'my-bootstrap' });
    expect(envOf(proxyOf(p), 'ISTIO_BOOTSTRAP_OVERRIDE')).toBe('/etc/istio/custom-bootstrap/custom_bootstrap.json');
    expect(proxyOf(p).volumeMounts).toContainEqual({ name: 'custom-bootstrap-volume', mountPath: '/etc/istio/custom-bootstrap' });
    expect(p.spec.volumes).toContainEqual({ name: 'custom-bootstrap-volume', configMap: { name: 'my-bootstrap' } });
  });
  test('sidecar.istio.io/userVolume (rendered through toYaml)', () => {
    const p = inject({
      'sidecar.istio.io/userVolume': JSON.stringify({
        'lua-scripts': { configMap: { name: 'lua', items: [{ key: 'filter.lua', path: 'filter.lua' }], defaultMode: 420 } },
        'scratch': { emptyDir: {} },
      }),
    });
    expect(p.spec.volumes).toContainEqual({ name: 'lua-scripts', configMap: { name: 'lua', items: [{ key: 'filter.lua', path: 'filter.lua' }], defaultMode: 420 } });
    expect(p.spec.volumes).toContainEqual({ name: 'scratch', emptyDir: {} });
  });
  test('sidecar.istio.io/userVolumeMount', () => {
    const p = inject({
      'sidecar.istio.io/userVolume': JSON.stringify({ 'lua-scripts': { configMap: { name: 'lua' } } }),
      'sidecar.istio.io/userVolumeMount': JSON.stringify({ 'lua-scripts': { mountPath: '/var/lib/lua', readOnly: true } }),
    });
    expect(proxyOf(p).volumeMounts).toContainEqual({ name: 'lua-scripts', mountPath: '/var/lib/lua', readOnly: true });
  });
  test('sidecar.istio.io/nativeSidecar "false" opts out on 1.30', () => {
    const p = inject({ 'sidecar.istio.io/nativeSidecar': 'false' });
    expect(p.spec.containers.map((c) => c.name)).toEqual(['hello', 'log', 'istio-proxy']);
    expect(proxyOf(p).restartPolicy).toBeUndefined();
  });
  test('sidecar.istio.io/nativeSidecar "true" opts in where istiod says no (1.30), ignored by 1.20', () => {
    const on = inject({ 'sidecar.istio.io/nativeSidecar': 'true' }, { nativeSidecars: false });
    expect(proxyOf(on).restartPolicy).toBe('Always');
    expect(on.spec.initContainers!.map((c) => c.name)).toEqual(['istio-init', 'istio-proxy']);
    const old = inject({ 'sidecar.istio.io/nativeSidecar': 'true' }, { version: V120 });
    expect(old.spec.containers.map((c) => c.name)).toContain('istio-proxy');
  });
  test('sidecar.istio.io/enableCoreDump (1.20 only)', () => {
    expect(container(inject({ 'sidecar.istio.io/enableCoreDump': 'true' }, { version: V120 }), 'enable-core-dump').securityContext.privileged).toBe(true);
    expect(inject({ 'sidecar.istio.io/enableCoreDump': 'true' }).spec.initContainers!.map((c) => c.name)).not.toContain('enable-core-dump');
  });
});

describe('status port and readiness', () => {
  test('status.sidecar.istio.io/port moves the excluded port and the drain port', () => {
    const p = inject({ 'status.sidecar.istio.io/port': '15099' });
    expect(argAfter(initOf(p).args, '-d')).toBe('15090,15021,15099');
    expect(proxyOf(p).lifecycle.preStop.exec.command).toContain('--debug-port=15099');
  });
  test('status.sidecar.istio.io/port "0" removes the probes', () => {
    const p = inject({ 'status.sidecar.istio.io/port': '0' });
    expect(proxyOf(p).readinessProbe).toBeUndefined();
    expect(proxyOf(p).startupProbe).toBeUndefined();
    expect(argAfter(initOf(p).args, '-d')).toBe('15090,15021');
  });
  test('readiness.status.sidecar.istio.io/initialDelaySeconds', () => {
    expect(proxyOf(inject({ 'readiness.status.sidecar.istio.io/initialDelaySeconds': '10' })).readinessProbe.initialDelaySeconds).toBe(10);
  });
  test('readiness.status.sidecar.istio.io/periodSeconds', () => {
    expect(proxyOf(inject({ 'readiness.status.sidecar.istio.io/periodSeconds': '30' })).readinessProbe.periodSeconds).toBe(30);
  });
  test('readiness.status.sidecar.istio.io/failureThreshold', () => {
    expect(proxyOf(inject({ 'readiness.status.sidecar.istio.io/failureThreshold': '8' })).readinessProbe.failureThreshold).toBe(8);
  });
});

describe('metadata', () => {
  test('kubectl.kubernetes.io/default-container is kept', () => {
    const p = inject({ 'kubectl.kubernetes.io/default-container': 'log' });
    expect(p.metadata.annotations['kubectl.kubernetes.io/default-container']).toBe('log');
    expect(p.metadata.annotations['kubectl.kubernetes.io/default-logs-container']).toBe('hello');
  });
  test('kubectl.kubernetes.io/default-logs-container is kept', () => {
    const p = inject({ 'kubectl.kubernetes.io/default-logs-container': 'log' });
    expect(p.metadata.annotations['kubectl.kubernetes.io/default-logs-container']).toBe('log');
    expect(p.metadata.annotations['kubectl.kubernetes.io/default-container']).toBe('hello');
  });
  test('k8s.v1.cni.cncf.io/networks gets default/istio-cni with the multus provider (comma form)', () => {
    const p = inject({ 'k8s.v1.cni.cncf.io/networks': 'macvlan-conf' }, { input: { cni: true, cniProvider: 'multus' } });
    expect(p.metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe('macvlan-conf, default/istio-cni');
  });
  test('k8s.v1.cni.cncf.io/networks JSON form, and no duplicate (1.20 values path)', () => {
    const p = inject({ 'k8s.v1.cni.cncf.io/networks': '[{"name": "macvlan-conf"}]' }, { version: V120, input: { cni: true, cniProvider: 'multus' } });
    // the 1.30-line injector's appendMultusNetwork writes a namespaced network as name + namespace
    expect(JSON.parse(p.metadata.annotations['k8s.v1.cni.cncf.io/networks'])).toEqual([{ name: 'macvlan-conf' }, { name: 'istio-cni', namespace: 'default' }]);
    const again = inject({ 'k8s.v1.cni.cncf.io/networks': 'default/istio-cni' }, { input: { cni: true, cniProvider: 'multus' } });
    expect(again.metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe('default/istio-cni');
    expect(inject({}, { input: { cni: true } }).metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBeUndefined();
  });
  test('apm.datadoghq.com/env becomes env vars with the datadog tracer', () => {
    const annotations = { 'apm.datadoghq.com/env': '{"DD_ENV":"prod","DD_SERVICE":"hello","DD_TRACE_SAMPLE_RATE":0.5}' };
    const p = inject(annotations, { input: { proxy: { tracer: 'datadog' } } });
    expect(envOf(proxyOf(p), 'DD_ENV')).toBe('prod');
    expect(envOf(proxyOf(p), 'DD_SERVICE')).toBe('hello');
    expect(envOf(proxyOf(p), 'DD_TRACE_SAMPLE_RATE')).toBe('0.5');
    expect(envNames(proxyOf(inject(annotations)))).not.toContain('DD_ENV');
  });
  test('resource.opentelemetry.io/* feed OTEL_RESOURCE_ATTRIBUTES (proxy.otelResourceAttributes)', () => {
    const p = inject({
      'resource.opentelemetry.io/service.namespace': 'shop',
      'resource.opentelemetry.io/service.version': '2.1.0',
      'resource.opentelemetry.io/service.instance.id': 'hello-1',
    }, { input: { proxy: { otelResourceAttributes: true } } });
    expect(envOf(proxyOf(p), 'OTEL_RESOURCE_ATTRIBUTES'))
      .toBe('service.name=hello,service.namespace=shop,service.version=2.1.0,service.instance.id=hello-1');
    const defaults = inject({}, { input: { proxy: { otelResourceAttributes: true } } });
    expect(envOf(proxyOf(defaults), 'OTEL_RESOURCE_ATTRIBUTES')).toBe('service.name=hello,service.namespace=$(POD_NAMESPACE),service.version=latest');
    expect(envNames(proxyOf(inject({})))).not.toContain('OTEL_RESOURCE_ATTRIBUTES');
  });
  test('proxy.istio.io/config (applied by istiod before templating) holds the application', () => {
    const p = inject({ 'proxy.istio.io/config': '{ "holdApplicationUntilProxyStarts": true }' }, { nativeSidecars: false });
    expect(p.spec.containers[0].name).toBe('istio-proxy');
    expect(JSON.parse(envOf(proxyOf(p), 'PROXY_CONFIG')).holdApplicationUntilProxyStarts).toBe(true);
  });
});

describe('labels', () => {
  const labelled = (labels: Record<string, string>, opts: Partial<RenderInjectionOptions> = {}) =>
    renderInjection({ version: V130, pod: pod({}, labels), ...opts }).pod;

  test('security.istio.io/tlsMode is kept, else "istio"', () => {
    expect(labelled({ 'security.istio.io/tlsMode': 'disabled' }).metadata.labels['security.istio.io/tlsMode']).toBe('disabled');
    expect(labelled({}).metadata.labels['security.istio.io/tlsMode']).toBe('istio');
  });
  test('service.istio.io/canonical-name and its fallbacks, truncated to 63', () => {
    const name = (labels: Record<string, string>) => labelled(labels).metadata.labels['service.istio.io/canonical-name'];
    expect(name({ 'service.istio.io/canonical-name': 'checkout', 'app': 'x' })).toBe('checkout');
    expect(name({ 'app.kubernetes.io/name': 'cart', 'app': 'x' })).toBe('cart');
    expect(name({ app: 'x' })).toBe('x');
    expect(name({})).toBe('hello-7d9f');
    expect(name({ app: `${'a'.repeat(62)}-b` })).toBe('a'.repeat(62));
  });
  test('service.istio.io/canonical-revision and its fallbacks', () => {
    const rev = (labels: Record<string, string>) => labelled(labels).metadata.labels['service.istio.io/canonical-revision'];
    expect(rev({ 'service.istio.io/canonical-revision': 'r1', 'version': 'v1' })).toBe('r1');
    expect(rev({ 'app.kubernetes.io/version': '1.2.3', 'version': 'v1' })).toBe('1.2.3');
    expect(rev({ version: 'v1' })).toBe('v1');
    expect(rev({})).toBe('latest');
  });
  test('networking.istio.io/tunnel is kept when HBONE is on', () => {
    const mesh = { trustDomain: 'cluster.local', defaultConfig: { proxyMetadata: { ISTIO_META_ENABLE_HBONE: 'true' } } };
    expect(labelled({ 'networking.istio.io/tunnel': 'none' }, { meshConfig: mesh }).metadata.labels['networking.istio.io/tunnel']).toBe('none');
    expect(labelled({}).metadata.labels['networking.istio.io/tunnel']).toBeUndefined();
  });
  test('service.istio.io/workload-name overrides ISTIO_META_WORKLOAD_NAME (1.30 only)', () => {
    const labels = { 'app': 'hello', 'service.istio.io/workload-name': 'hello-v2' };
    expect(envOf(proxyOf(labelled(labels)), 'ISTIO_META_WORKLOAD_NAME')).toBe('hello-v2');
    expect(envOf(proxyOf(labelled(labels, { version: V120 })), 'ISTIO_META_WORKLOAD_NAME')).toBe('hello-7d9f');
  });
});
