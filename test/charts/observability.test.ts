import { IstioBase, Istiod, IstioVersion } from '../../src';
import { MeshTelemetry, MeshTelemetryProps, observabilityMeshConfig, resolveObservability } from '../../src/charts';
import { findOne, newChart, synthValid } from '../support/synth';
import { meshConfig } from './helpers';

function mesh(version: IstioVersion) {
  const chart = newChart();
  const base = new IstioBase(chart, 'base', { version });
  return { chart, base };
}

describe('observability', () => {
  test.each([
    [IstioVersion.V1_30_3, 'telemetry.istio.io/v1'],
    [IstioVersion.V1_20_3, 'telemetry.istio.io/v1alpha1'],
  ])('Istio %s: mesh config and a mesh-wide Telemetry (%s) that names the same tracer', (version, apiVersion) => {
    const { chart, base } = mesh(version);
    const o = resolveObservability(chart, 'observability', {}, 'istio-system');
    const istiod = new Istiod(chart, 'istiod', { base, meshConfig: observabilityMeshConfig(o) });
    new MeshTelemetry(chart, 'telemetry', { istiod, tracingProvider: o.tracer.name, samplingPercentage: o.samplingPercentage });
    const objs = synthValid(chart);
    const t = findOne(objs, 'Telemetry', 'mesh-default', 'istio-system');
    expect(t.apiVersion).toBe(apiVersion);
    expect(t.spec.tracing).toEqual([{ providers: [{ name: 'zipkin' }], randomSamplingPercentage: 1 }]);
    expect(t.spec.accessLogging).toEqual([{ providers: [{ name: 'envoy' }] }]);
    const m = meshConfig(objs);
    expect(m.extensionProviders.map((p: { name: string }) => p.name)).toEqual(['zipkin']);
    expect(m.defaultProviders.tracing).toEqual(['zipkin']);
    expect([m.enableTracing, m.enablePrometheusMerge, m.defaultConfig.tracing]).toEqual([true, true, undefined]);
  });

  test('defaults follow the control-plane namespace', () => {
    const o = resolveObservability(newChart(), 'observability', {}, 'mesh-system');
    expect(o).toEqual({
      tracer: { type: 'zipkin', name: 'zipkin', service: 'zipkin.mesh-system.svc.cluster.local', port: 9411 },
      samplingPercentage: 1,
      accessLogging: true,
      prometheusNamespace: 'mesh-system',
      prometheusServiceAccount: 'prometheus',
      telemetryName: 'mesh-default',
    });
  });

  describe('bad input', () => {
    const resolve = (o: object) => () => resolveObservability(newChart(), 'observability', o, 'istio-system');
    test('tracer type', () => expect(resolve({ tracer: { type: 'jaeger', name: 'j' } })).toThrow(/^test: invalid observability.tracer.type "jaeger": must be "zipkin" or "opentelemetry"$/));
    test('sampling', () => expect(resolve({ samplingPercentage: -1 })).toThrow(/^test: invalid observability.samplingPercentage -1: must be a percentage from 0 to 100/));
    test('accessLogging', () => expect(resolve({ accessLogging: 'yes' })).toThrow(/^test: invalid observability.accessLogging "yes": must be true or false$/));
    test('prometheus', () => expect(resolve({ prometheus: { namespace: 'Monitoring' } })).toThrow(/^test: invalid observability.prometheus.namespace "Monitoring": must be a DNS-1123 label/));
    test('telemetry name', () => expect(resolve({ telemetryName: 'Mesh' })).toThrow(/^test: invalid observability.telemetryName "Mesh"/));
    test('a tracer collector that is not a host is reported by Istiod', () => {
      const { chart, base } = mesh(IstioVersion.V1_30_3);
      const o = resolveObservability(chart, 'observability', { tracer: { type: 'zipkin', name: 'zipkin', service: 'http://zipkin', port: 9411 } }, 'istio-system');
      expect(() => new Istiod(chart, 'istiod', { base, meshConfig: observabilityMeshConfig(o) }))
        .toThrow(/^test\/istiod: invalid meshConfig.extensionProviders\[0\].service "http:\/\/zipkin": must be a host name/);
    });
    test('MeshTelemetry props', () => {
      const { chart, base } = mesh(IstioVersion.V1_30_3);
      const istiod = new Istiod(chart, 'istiod', { base });
      const t = (p: Partial<MeshTelemetryProps>, id: string) => () => new MeshTelemetry(chart, id, { istiod, tracingProvider: 'zipkin', samplingPercentage: 1, ...p });
      expect(t({ samplingPercentage: 200 }, 'a')).toThrow(/^test\/a: invalid samplingPercentage 200: must be a percentage from 0 to 100/);
      expect(t({ tracingProvider: '' }, 'b')).toThrow(/^test\/b: invalid tracingProvider "": must be the name of a tracing extension provider/);
      expect(t({ name: 'Mesh' }, 'c')).toThrow(/^test\/c: invalid name "Mesh"/);
      expect(() => new MeshTelemetry(chart, 'd', { istiod: {} as Istiod, tracingProvider: 'zipkin', samplingPercentage: 1 })).toThrow(/^test\/d: invalid istiod "\(not an Istiod\)"/);
    });
  });
});
