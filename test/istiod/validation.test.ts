import { IstioBase } from '../../src/base';
import { Istiod, IstiodProps } from '../../src/istiod';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { ResourcePreset } from '../../src/workload';
import { newChart } from '../support/synth';

/** Builds an Istiod at path `test/istiod` with the given props. */
function build(props: Omit<IstiodProps, 'base'>, version = IstioVersion.V1_30_3): () => Istiod {
  return () => {
    const chart = newChart();
    const base = new IstioBase(chart, 'base', { version });
    return new Istiod(chart, 'istiod', { base, ...props });
  };
}

describe('Istiod rejects bad input at construction', () => {
  test('the error type carries path, field, value and expectation', () => {
    try {
      build({ replicas: -1 })();
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(IstioValidationError);
      const err = e as IstioValidationError;
      expect([err.constructPath, err.field, err.value]).toEqual(['test/istiod', 'replicas', '-1']);
      expect(err.expected).toMatch(/integer >= 0/);
    }
  });

  test('base that is not an IstioBase', () => {
    const chart = newChart();
    expect(() => new Istiod(chart, 'istiod', { base: {} as IstioBase })).toThrow(/test\/istiod: invalid base \{\}: must be an IstioBase construct/);
  });

  test('revision not a DNS-1123 label', () => {
    expect(build({ revision: 'Canary_1' })).toThrow(/test\/istiod: invalid revision "Canary_1": must be a DNS-1123 label/);
  });

  test('revision "default"', () => {
    expect(build({ revision: 'default' })).toThrow(/test\/istiod: invalid revision "default": "default" names the default revision/);
  });

  test('revision too long for the istiod-<revision> Service name', () => {
    const rev = 'r'.repeat(57);
    expect(build({ revision: rev })).toThrow(new RegExp(`test/istiod: invalid revision "${rev}": must be at most 56 characters`));
  });

  test('namespace not a DNS-1123 label (checked by the base)', () => {
    const chart = newChart();
    expect(() => new IstioBase(chart, 'base', { namespace: 'Istio_System' })).toThrow(/test\/base: invalid namespace "Istio_System": must be a DNS-1123 label/);
  });

  test('HPA min > max', () => {
    expect(build({ autoscaling: { minReplicas: 6, maxReplicas: 5 } }))
      .toThrow(/test\/istiod: invalid autoscaling.minReplicas 6: must not exceed autoscaling.maxReplicas \(5\)/);
  });

  test('HPA CPU target out of range', () => {
    expect(build({ autoscaling: { targetCpuUtilization: 101 } })).toThrow(/test\/istiod: invalid autoscaling.targetCpuUtilization 101: must be an integer from 1 to 100/);
  });

  test('malformed CPU quantity', () => {
    expect(build({ resources: ResourcePreset.of({ requests: { cpu: 'lots' } }) }))
      .toThrow(/test\/istiod: invalid resources.requests.cpu "lots": must be a CPU quantity/);
  });

  test('malformed memory quantity', () => {
    expect(build({ resources: ResourcePreset.of({ limits: { memory: '2 GB' } }) }))
      .toThrow(/test\/istiod: invalid resources.limits.memory "2 GB": must be a memory quantity/);
  });

  test('request above limit', () => {
    expect(build({ resources: ResourcePreset.of({ requests: { memory: '1Gi' }, limits: { memory: '512Mi' } }) }))
      .toThrow(/test\/istiod: invalid resources.requests.memory "1Gi": must not exceed the memory limit 512Mi/);
  });

  test('resources that are not a ResourcePreset', () => {
    expect(build({ resources: { requests: { cpu: '1' } } as unknown as ResourcePreset }))
      .toThrow(/test\/istiod: invalid resources .*: must be a ResourcePreset/);
  });

  test('replicas < 0', () => {
    expect(build({ replicas: -1 })).toThrow(/test\/istiod: invalid replicas -1: must be an integer >= 0/);
  });

  test('replicas not an integer', () => {
    expect(build({ replicas: 1.5 })).toThrow(/test\/istiod: invalid replicas 1.5: must be an integer >= 0/);
  });

  test('replicas together with autoscaling outside its bounds', () => {
    expect(build({ replicas: 7, autoscaling: { minReplicas: 2, maxReplicas: 5 } }))
      .toThrow(/^test\/istiod: invalid replicas 7: conflicts with autoscaling: give replicas for a fixed count \(no HPA\), or autoscaling for an HPA that owns the count, not both$/);
  });

  test('replicas together with autoscaling, even within its bounds (conflicting options, as for gateways)', () => {
    expect(build({ replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 3 } }))
      .toThrow(/test\/istiod: invalid replicas 2: conflicts with autoscaling: give replicas for a fixed count/);
    expect(build({ replicas: 1, autoscaling: {} }))
      .toThrow(/test\/istiod: invalid replicas 1: conflicts with autoscaling/);
  });

  test('PDB with both minAvailable and maxUnavailable', () => {
    expect(build({ podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }))
      .toThrow(/test\/istiod: invalid podDisruptionBudget.maxUnavailable 1: conflicts with podDisruptionBudget.minAvailable/);
  });

  test('PDB percentage out of range', () => {
    expect(build({ podDisruptionBudget: { minAvailable: '150%' } }))
      .toThrow(/test\/istiod: invalid podDisruptionBudget.minAvailable "150%": must be a non-negative integer or a percentage/);
  });

  test('env name that is not an environment variable name', () => {
    expect(build({ env: { '1BAD=': 'x' } })).toThrow(/test\/istiod: invalid env key "1BAD=": must be an environment variable name/);
  });

  test('env name that a typed prop controls', () => {
    expect(build({ env: { CLUSTER_ID: 'x' } })).toThrow(/test\/istiod: invalid env key "CLUSTER_ID": is set by Istiod itself .*use the typed props/);
  });

  test('JWT_POLICY is reserved on 1.20.3 only', () => {
    expect(build({ env: { JWT_POLICY: 'first-party-jwt' } }, IstioVersion.V1_20_3)).toThrow(/test\/istiod: invalid env key "JWT_POLICY": is set by Istiod itself/);
    expect(build({ env: { JWT_POLICY: 'first-party-jwt' } }, IstioVersion.V1_30_3)).not.toThrow();
  });

  test('env value that is not a string', () => {
    expect(build({ env: { PILOT_X: 1 as unknown as string } })).toThrow(/test\/istiod: invalid env.PILOT_X 1: must be a string/);
  });

  test('nativeSidecars conflicting with env ENABLE_NATIVE_SIDECARS', () => {
    expect(build({ nativeSidecars: true, env: { ENABLE_NATIVE_SIDECARS: 'false' } }))
      .toThrow(/test\/istiod: invalid env.ENABLE_NATIVE_SIDECARS "false": conflicts with nativeSidecars: true/);
  });

  test('invalid trust domain', () => {
    expect(build({ meshConfig: { trustDomain: 'Cluster_Local!' } })).toThrow(/test\/istiod: invalid meshConfig.trustDomain "Cluster_Local!": must be a DNS name/);
  });

  test('extension provider port out of range', () => {
    expect(build({ meshConfig: { extensionProviders: [{ type: 'zipkin', name: 'z', service: 'zipkin.istio-system', port: 70000 }] } }))
      .toThrow(/test\/istiod: invalid meshConfig.extensionProviders\[0\].port 70000: must be an integer from 1 to 65535/);
  });

  test('extension provider port 0', () => {
    expect(build({ meshConfig: { extensionProviders: [{ type: 'opentelemetry', name: 'o', service: 'otel.observability', port: 0 }] } }))
      .toThrow(/test\/istiod: invalid meshConfig.extensionProviders\[0\].port 0: must be an integer from 1 to 65535/);
  });

  test('extension provider service that is not a host', () => {
    expect(build({ meshConfig: { extensionProviders: [{ type: 'opentelemetry', name: 'o', service: 'otel collector', port: 4317 }] } }))
      .toThrow(/test\/istiod: invalid meshConfig.extensionProviders\[0\].service "otel collector": must be a host name/);
  });

  test('duplicate extension provider names', () => {
    expect(build({ meshConfig: { extensionProviders: [{ type: 'prometheus', name: 'p' }, { type: 'prometheus', name: 'p' }] } }))
      .toThrow(/test\/istiod: invalid meshConfig.extensionProviders\[1\].name "p": extension provider names must be unique/);
  });

  test('unknown extension provider type', () => {
    expect(build({ meshConfig: { extensionProviders: [{ type: 'jaeger', name: 'j' } as never] } }))
      .toThrow(/test\/istiod: invalid meshConfig.extensionProviders\[0\].type "jaeger": must be one of "prometheus", "zipkin"/);
  });

  test('default provider that names no provider', () => {
    expect(build({ meshConfig: { defaultProviders: { tracing: ['otel'] } } }))
      .toThrow(/test\/istiod: invalid meshConfig.defaultProviders.tracing\[0\] "otel": must name an extensionProviders entry or a built-in provider \("prometheus", "stackdriver", "envoy"\)/);
  });

  test('tracing sampling above 100', () => {
    expect(build({ meshConfig: { defaultConfig: { tracing: { sampling: 150 } } } }))
      .toThrow(/test\/istiod: invalid meshConfig.defaultConfig.tracing.sampling 150: must be a percentage from 0 to 100/);
  });

  test('zipkin address without a port', () => {
    expect(build({ meshConfig: { defaultConfig: { tracing: { zipkinAddress: 'zipkin.istio-system' } } } }))
      .toThrow(/test\/istiod: invalid meshConfig.defaultConfig.tracing.zipkinAddress "zipkin.istio-system": must be "host:port"/);
  });

  test('proxyMetadata key that is not an environment variable name', () => {
    expect(build({ meshConfig: { defaultConfig: { proxyMetadata: { 'BAD KEY': 'x' } } } }))
      .toThrow(/test\/istiod: invalid meshConfig.defaultConfig.proxyMetadata key "BAD KEY": must be an environment variable name/);
  });

  test('relative access log path', () => {
    expect(build({ meshConfig: { accessLogFile: 'stdout' } })).toThrow(/test\/istiod: invalid meshConfig.accessLogFile "stdout": must be an absolute path/);
  });

  test('unknown access log encoding', () => {
    expect(build({ meshConfig: { accessLogEncoding: 'XML' as never } })).toThrow(/test\/istiod: invalid meshConfig.accessLogEncoding "XML": must be "TEXT" or "JSON"/);
  });

  test('unknown outbound traffic policy', () => {
    expect(build({ meshConfig: { outboundTrafficPolicy: 'DENY' as never } }))
      .toThrow(/test\/istiod: invalid meshConfig.outboundTrafficPolicy "DENY": must be "ALLOW_ANY" or "REGISTRY_ONLY"/);
  });

  test('root namespace not a namespace name', () => {
    expect(build({ meshConfig: { rootNamespace: 'Root' } })).toThrow(/test\/istiod: invalid meshConfig.rootNamespace "Root": must be a namespace name/);
  });

  test('unknown log level', () => {
    expect(build({ logLevel: 'verbose' as never })).toThrow(/test\/istiod: invalid logLevel "verbose": must be one of "debug", "info", "warn", "error", "none"/);
  });

  test('image tag with a space', () => {
    expect(build({ image: { tag: 'bad tag' } })).toThrow(/test\/istiod: invalid image.tag "bad tag": must be an image tag/);
  });

  test('image hub with a trailing slash', () => {
    expect(build({ image: { hub: 'docker.io/istio/' } })).toThrow(/test\/istiod: invalid image.hub "docker.io\/istio\/": must be a registry and path/);
  });

  test('image variant with upper case', () => {
    expect(build({ image: { variant: 'Distroless' } })).toThrow(/test\/istiod: invalid image.variant "Distroless": must be a variant name/);
  });

  test('empty cluster name', () => {
    expect(build({ clusterName: '' })).toThrow(/test\/istiod: invalid clusterName "": must be a non-empty label value/);
  });

  test('network name with a space', () => {
    expect(build({ network: 'net 1' })).toThrow(/test\/istiod: invalid network "net 1": must be a non-empty label value/);
  });

  test('node selector with an invalid key', () => {
    expect(build({ nodeSelector: { 'bad key': 'x' } })).toThrow(/test\/istiod: invalid nodeSelector key "bad key": must be a label key/);
  });

  test('toleration with operator Exists and a value', () => {
    expect(build({ tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }))
      .toThrow(/test\/istiod: invalid tolerations\[0\].value "v": must be unset when operator is "Exists"/);
  });

  test('toleration seconds without NoExecute', () => {
    expect(build({ tolerations: [{ key: 'k', effect: 'NoSchedule', tolerationSeconds: 10 }] }))
      .toThrow(/test\/istiod: invalid tolerations\[0\].tolerationSeconds 10: is only allowed with effect "NoExecute"/);
  });
});
