import { IstioVersion } from '../../src/version';
import { ResourcePreset } from '../../src/workload';
import { findOne, ofKind } from '../support/synth';
import { meshOf, render, VERSIONS } from './helpers';

const V30 = IstioVersion.V1_30_3;
const V20 = IstioVersion.V1_20_3;

describe('mesh config ConfigMap istio', () => {
  test('1.30.3 default mesh', () => {
    expect(meshOf(render(V30).objs)).toEqual({
      defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
      defaultProviders: { metrics: ['prometheus'] },
      enablePrometheusMerge: true,
      rootNamespace: 'istio-system',
      trustDomain: 'cluster.local',
    });
  });

  test('1.20.3 default mesh adds the zipkin address in the install namespace', () => {
    expect(meshOf(render(V20).objs)).toEqual({
      defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012', tracing: { zipkin: { address: 'zipkin.istio-system:9411' } } },
      defaultProviders: { metrics: ['prometheus'] },
      enablePrometheusMerge: true,
      rootNamespace: 'istio-system',
      trustDomain: 'cluster.local',
    });
    expect(meshOf(render(V20, {}, { namespace: 'mesh' }).objs, 'istio', 'mesh').defaultConfig.tracing.zipkin.address).toBe('zipkin.mesh:9411');
  });

  test.each(VERSIONS)('%s: mesh text has sorted keys; meshNetworks is empty', (_tag, version) => {
    const cm = findOne(render(version, { meshConfig: { trustDomain: 'example.org', accessLogFile: '/dev/stdout' } }).objs, 'ConfigMap', 'istio');
    const topKeys = (cm.data.mesh as string).split('\n').filter((l) => /^[a-zA-Z]/.test(l)).map((l) => l.split(':')[0]);
    expect(topKeys).toEqual([...topKeys].sort());
    expect(topKeys[0]).toBe('accessLogFile');
    expect(cm.data.meshNetworks).toBe('networks: {}\n');
    expect(Object.keys(cm.data).sort()).toEqual(['mesh', 'meshNetworks']);
  });

  test('typed options render into the mesh', () => {
    const { objs, istiod } = render(V30, {
      meshId: 'mlops',
      meshConfig: {
        trustDomain: 'example.org',
        accessLogFile: '/dev/stdout',
        accessLogEncoding: 'JSON',
        outboundTrafficPolicy: 'REGISTRY_ONLY',
        enablePrometheusMerge: false,
        enableTracing: true,
        rootNamespace: 'mesh-root',
        defaultConfig: {
          holdApplicationUntilProxyStarts: true,
          proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
          tracing: { sampling: 10 },
        },
      },
    });
    expect(meshOf(objs)).toEqual({
      accessLogEncoding: 'JSON',
      accessLogFile: '/dev/stdout',
      defaultConfig: {
        discoveryAddress: 'istiod.istio-system.svc:15012',
        holdApplicationUntilProxyStarts: true,
        meshId: 'mlops',
        proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
        tracing: { sampling: 10 },
      },
      defaultProviders: { metrics: ['prometheus'] },
      enablePrometheusMerge: false,
      enableTracing: true,
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      rootNamespace: 'mesh-root',
      trustDomain: 'example.org',
    });
    expect(istiod.trustDomain).toBe('example.org');
    expect(istiod.rootNamespace).toBe('mesh-root');
    expect(istiod.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
  });

  test('public mesh properties default to the chart values', () => {
    const { istiod } = render(V20);
    expect([istiod.trustDomain, istiod.rootNamespace, istiod.outboundTrafficPolicy]).toEqual(['cluster.local', 'istio-system', 'ALLOW_ANY']);
  });

  test('1.20.3: tracing false drops the default zipkin block; zipkinAddress replaces it', () => {
    expect(meshOf(render(V20, { meshConfig: { defaultConfig: { tracing: false } } }).objs).defaultConfig).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012' });
    expect(meshOf(render(V20, { meshConfig: { defaultConfig: { tracing: { zipkinAddress: 'jaeger-collector.observability:9411', sampling: 1 } } } }).objs)
      .defaultConfig.tracing).toEqual({ sampling: 1, zipkin: { address: 'jaeger-collector.observability:9411' } });
  });

  test('extension providers and default providers', () => {
    const mesh = meshOf(render(V30, {
      meshConfig: {
        extensionProviders: [
          { type: 'opentelemetry', name: 'otel', service: 'otel-collector.observability.svc.cluster.local', port: 4317 },
          { type: 'zipkin', name: 'jaeger', service: 'jaeger-collector.observability.svc.cluster.local', port: 9411, maxTagLength: 64 },
          { type: 'prometheus', name: 'prom' },
          { type: 'envoyFileAccessLog', name: 'stdout-log' },
          { type: 'envoyFileAccessLog', name: 'file-log', path: '/var/log/envoy.log' },
        ],
        defaultProviders: { tracing: ['otel'], accessLogging: ['stdout-log'] },
      },
    }).objs);
    expect(mesh.extensionProviders).toEqual([
      { name: 'otel', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } },
      { name: 'jaeger', zipkin: { service: 'jaeger-collector.observability.svc.cluster.local', port: 9411, maxTagLength: 64 } },
      { name: 'prom', prometheus: {} },
      { name: 'stdout-log', envoyFileAccessLog: { path: '/dev/stdout' } },
      { name: 'file-log', envoyFileAccessLog: { path: '/var/log/envoy.log' } },
    ]);
    // given keys replace the default's keys; metrics keeps its default
    expect(mesh.defaultProviders).toEqual({ accessLogging: ['stdout-log'], metrics: ['prometheus'], tracing: ['otel'] });
  });

  test('revision and namespace flow into the discovery address', () => {
    const mesh = meshOf(render(V30, { revision: 'canary' }, { namespace: 'istio-control' }).objs, 'istio-canary', 'istio-control');
    expect(mesh.defaultConfig.discoveryAddress).toBe('istiod-canary.istio-control.svc:15012');
    expect(mesh.rootNamespace).toBe('istio-control');
  });
});

describe('injector ConfigMap istio-sidecar-injector', () => {
  test.each(VERSIONS)('%s: keys config and values, policy enabled by default', (_tag, version) => {
    const cm = findOne(render(version).objs, 'ConfigMap', 'istio-sidecar-injector', 'istio-system');
    expect(Object.keys(cm.data).sort()).toEqual(['config', 'values']);
    expect(cm.data.config).toMatch(/^policy: enabled$/m);
    expect(() => JSON.parse(cm.data.values)).not.toThrow();
  });

  test('injection.enabled false gives policy disabled', () => {
    const cm = findOne(render(V30, { injection: { enabled: false } }).objs, 'ConfigMap', 'istio-sidecar-injector');
    expect(cm.data.config).toMatch(/^policy: disabled$/m);
  });

  test('a revision renames it', () => {
    expect(ofKind(render(V20, { revision: 'canary' }).objs, 'ConfigMap').map((c) => c.metadata.name))
      .toEqual(expect.arrayContaining(['istio-canary', 'istio-sidecar-injector-canary']));
  });
});

describe('values ConfigMap (1.30)', () => {
  test('1.30.3 renders merged-values and original-values JSON; 1.20.3 none', () => {
    const cm = findOne(render(V30).objs, 'ConfigMap', 'values', 'istio-system');
    expect(Object.keys(cm.data).sort()).toEqual(['merged-values', 'original-values']);
    expect(JSON.parse(cm.data['original-values'])).toEqual({});
    const merged = JSON.parse(cm.data['merged-values']);
    expect(merged).toMatchObject({
      autoscaleEnabled: true, autoscaleMin: 1, autoscaleMax: 5, replicaCount: 1,
      resources: { requests: { cpu: '500m', memory: '2048Mi' } },
      // as the istiod chart's values: the cluster name stays empty unless set (istiod falls back to "Kubernetes"), and
      // meshConfig holds the chart default plus what the user set (the resolved mesh config is the `istio` ConfigMap)
      global: { istioNamespace: 'istio-system', hub: 'docker.io/istio', tag: '1.30.3', multiCluster: { clusterName: '' } },
      meshConfig: { enablePrometheusMerge: true },
    });
    expect(merged.meshConfig.trustDomain).toBeUndefined();
    // the chart's keys beyond what the library configures are there too (istio-control/istio-discovery defaults)
    expect(merged).toMatchObject({ rollingMaxSurge: '100%', taint: { name: 'cni.istio.io/not-ready' }, global: { resourceScope: 'all' } });
    expect(cm.metadata.annotations?.['kubernetes.io/description']).toMatch(/no effect/);
    expect(ofKind(render(V20).objs, 'ConfigMap').map((c) => c.metadata.name)).not.toContain('values');
  });

  test('original-values lists what the props set, merged-values overlays it', () => {
    const { objs } = render(V30, {
      revision: 'canary',
      replicas: 2,
      resources: ResourcePreset.raspberryPi(),
      env: { PILOT_X: '1' },
      clusterName: 'edge',
      meshConfig: { trustDomain: 'example.org' },
    });
    const cm = findOne(objs, 'ConfigMap', 'values-canary');
    const original = JSON.parse(cm.data['original-values']);
    expect(original).toEqual({
      autoscaleEnabled: false,
      env: { PILOT_X: '1' },
      global: { multiCluster: { clusterName: 'edge' } },
      meshConfig: expect.objectContaining({ trustDomain: 'example.org' }),
      replicaCount: 2,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      revision: 'canary',
    });
    const merged = JSON.parse(cm.data['merged-values']);
    expect(merged).toMatchObject({ autoscaleEnabled: false, replicaCount: 2, revision: 'canary', global: { multiCluster: { clusterName: 'edge' }, istioNamespace: 'istio-system' } });
  });
});

describe('YAML 1.1 text for istiod', () => {
  test('strings a YAML 1.1 reader would take for booleans stay quoted in the mesh and injector configs', () => {
    const { objs } = render(V30, { meshId: 'y', meshConfig: { trustDomain: 'n' }, injection: { injectedAnnotations: { 'example.com/x': 'on' } } });
    const mesh = findOne(objs, 'ConfigMap', 'istio').data.mesh;
    expect(mesh).toContain('trustDomain: "n"');
    expect(mesh).toContain('meshId: "y"');
    expect(findOne(objs, 'ConfigMap', 'istio-sidecar-injector').data.config).toContain('example.com/x: "on"');
  });
});
