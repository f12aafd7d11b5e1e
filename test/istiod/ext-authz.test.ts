import { parse } from 'yaml';
import { IstioBase } from '../../src/base';
import { Istiod } from '../../src/istiod';
import { ZeroTrustNamespace } from '../../src/policy';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { newChart, synthValid } from '../support/synth';

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('ext-authz extension providers at Istio %s', (version) => {
  test('HTTP and gRPC authorizers render in the mesh config, and a CUSTOM policy names one', () => {
    const chart = newChart('mesh');
    const base = new IstioBase(chart, 'base', { version });
    const istiod = new Istiod(chart, 'istiod', {
      base,
      meshConfig: {
        extensionProviders: [
          { type: 'envoyExtAuthzHttp', name: 'ext-authz-http', service: 'ext-authz.foo.svc.cluster.local', port: 8000, includeRequestHeadersInCheck: ['x-ext-authz'] },
          { type: 'envoyExtAuthzGrpc', name: 'ext-authz-grpc', service: 'ext-authz.foo.svc.cluster.local', port: 9000, timeout: '2s', failOpen: true },
        ],
      },
    });
    new ZeroTrustNamespace(chart, 'foo', { istiod, name: 'foo' }).custom('ext-authz', { provider: 'ext-authz-grpc', selector: { app: 'httpbin' }, rules: [{ to: [{ paths: ['/headers'] }] }] });
    const objs = synthValid(chart);
    const mesh = parse((objs.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'istio') as unknown as { data: { mesh: string } }).data.mesh);
    // as Istio's "External Authorization" task configures them
    expect(mesh.extensionProviders).toEqual([
      { name: 'ext-authz-http', envoyExtAuthzHttp: { service: 'ext-authz.foo.svc.cluster.local', port: 8000, includeRequestHeadersInCheck: ['x-ext-authz'] } },
      { name: 'ext-authz-grpc', envoyExtAuthzGrpc: { service: 'ext-authz.foo.svc.cluster.local', port: 9000, timeout: '2s', failOpen: true } },
    ]);
    const policy = objs.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata?.name === 'ext-authz')!;
    expect(policy.spec).toEqual({ selector: { matchLabels: { app: 'httpbin' } }, action: 'CUSTOM', provider: { name: 'ext-authz-grpc' }, rules: [{ to: [{ operation: { paths: ['/headers'] } }] }] });
  });

  test('a key of another provider type is refused, not dropped', () => {
    const chart = newChart('mesh');
    const base = new IstioBase(chart, 'base', { version });
    const make = (p: object) => () => new Istiod(chart, `i${Math.random()}`.replace('.', ''), { base, meshConfig: { extensionProviders: [p as never] } });
    expect(make({ type: 'envoyExtAuthzGrpc', name: 'g', service: 'a.b', port: 1, pathPrefix: '/x' })).toThrow(IstioValidationError);
    expect(make({ type: 'envoyExtAuthzGrpc', name: 'g', service: 'a.b', port: 1, pathPrefix: '/x' })).toThrow(/pathPrefix.*not a key of a envoyExtAuthzGrpc provider/);
    expect(make({ type: 'zipkin', name: 'z', service: 'a.b', port: 1, path: '/x' })).toThrow(/path.*not a key of a zipkin provider/);
    expect(make({ type: 'envoyExtAuthzHttp', name: 'h', service: 'a.b', port: 1, statusOnError: 'bad' })).toThrow(/statusOnError/);
  });
});
