import { ZeroTrustNamespace } from '../../src/policy';
import { MeshRoute, MeshRouteProps } from '../../src/traffic';
import { meshAndApps, VERSIONS } from '../policy/fixtures';
import { findOne, ids, synthValid } from '../support/synth';

describe.each(VERSIONS)('MeshRoute on Istio %s', (_tag, version, _security, networking) => {
  test('MLOps: ml-routing (fraud-api.local + /v1/ -> fraud-service:8080 via istio-system/ml-gateway), exactly', () => {
    const { istiod, chart } = meshAndApps(version);
    const route = new MeshRoute(chart, 'ml-routing', {
      namespace: { istiod, name: 'fraud-detection' },
      hosts: ['fraud-api.local'],
      gateways: ['istio-system/ml-gateway'],
      routes: [{ match: { uri: { prefix: '/v1/' } }, destination: { host: 'fraud-service', port: 8080 } }],
    });
    expect(route.version).toBe(version);
    const objs = synthValid(chart);
    expect(ids(objs)).toEqual(['VirtualService fraud-detection/ml-routing']);
    const vs = findOne(objs, 'VirtualService', 'ml-routing', 'fraud-detection');
    expect(vs.apiVersion).toBe(networking);
    expect(vs.spec).toEqual({
      hosts: ['fraud-api.local'],
      gateways: ['istio-system/ml-gateway'],
      http: [{ match: [{ uri: { prefix: '/v1/' } }], route: [{ destination: { host: 'fraud-service', port: { number: 8080 } } }] }],
    });
  });

  test('Pi cluster: trading-app (hosts "*", gateway trading-gateway -> trading-app-service:80), exactly', () => {
    const { istiod, chart } = meshAndApps(version);
    const trading = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    new MeshRoute(chart, 'trading-app', {
      namespace: trading,
      hosts: ['*'],
      gateways: ['trading-gateway'],
      routes: [{ destination: { host: 'trading-app-service', port: 80 } }],
    });
    const vs = findOne(synthValid(chart), 'VirtualService', 'trading-app', 'trading');
    expect(vs.apiVersion).toBe(networking);
    expect(vs.spec).toEqual({
      hosts: ['*'],
      gateways: ['trading-gateway'],
      http: [{ route: [{ destination: { host: 'trading-app-service', port: { number: 80 } } }] }],
    });
  });
});

describe('MeshRoute: features', () => {
  test('gateway binding checked against its hosts; mesh traffic on request; rewrite, retries and timeout per route', () => {
    const { istiod, chart } = meshAndApps();
    const ml = { gatewayRef: 'istio-system/ml-gateway', hosts: ['*.local'] };
    new MeshRoute(chart, 'r', {
      namespace: { istiod, name: 'fraud-detection' },
      name: 'fraud-api',
      hosts: ['fraud-api.local'],
      gateways: [ml],
      mesh: true,
      routes: [
        { match: { uri: { prefix: '/v2/' } }, rewriteUri: '/', destination: { host: 'fraud-service-v2', port: 8080 }, timeout: '3s', retries: { attempts: 1 } },
        { destination: { host: 'fraud-service.fraud-detection.svc.cluster.local' } },
      ],
    });
    const vs = findOne(synthValid(chart), 'VirtualService', 'fraud-api');
    expect(vs.spec).toEqual({
      hosts: ['fraud-api.local'],
      gateways: ['istio-system/ml-gateway', 'mesh'],
      http: [
        {
          match: [{ uri: { prefix: '/v2/' } }], rewrite: { uri: '/' },
          route: [{ destination: { host: 'fraud-service-v2', port: { number: 8080 } } }], timeout: '3s', retries: { attempts: 1 },
        },
        { route: [{ destination: { host: 'fraud-service.fraud-detection.svc.cluster.local' } }] },
      ],
    });
  });

  test('a match on the port the request came to (plain HTTP on 80 sent to 443 of an external host)', () => {
    const { istiod, chart } = meshAndApps();
    new MeshRoute(chart, 'googleapis', {
      namespace: { istiod, name: 'fraud-detection' }, hosts: ['www.googleapis.com'],
      routes: [{ match: { port: 80 }, destination: { host: 'www.googleapis.com', port: 443 } }],
    });
    expect(findOne(synthValid(chart), 'VirtualService', 'googleapis').spec).toEqual({
      hosts: ['www.googleapis.com'],
      http: [{ match: [{ port: 80 }], route: [{ destination: { host: 'www.googleapis.com', port: { number: 443 } } }] }],
    });
  });

  test('without gateways the route is in-mesh (no gateways field)', () => {
    const { istiod, chart } = meshAndApps();
    new MeshRoute(chart, 'r', { namespace: { istiod, name: 'a' }, hosts: ['svc'], routes: [{ destination: { host: 'svc-v2' } }] });
    const vs = findOne(synthValid(chart), 'VirtualService', 'r');
    expect(vs.spec).toEqual({ hosts: ['svc'], http: [{ route: [{ destination: { host: 'svc-v2' } }] }] });
  });
});

describe('MeshRoute: bad input', () => {
  const make = (over: Partial<MeshRouteProps>) => {
    const { istiod, chart } = meshAndApps();
    return () => new MeshRoute(chart, 'r', {
      namespace: { istiod, name: 'fraud-detection' }, hosts: ['fraud-api.local'], gateways: ['istio-system/ml-gateway'],
      routes: [{ destination: { host: 'fraud-service', port: 8080 } }], ...over,
    });
  };

  test('a catch-all route before others', () => {
    expect(make({ routes: [{ destination: { host: 'a' } }, { match: { uri: { prefix: '/v1/' } }, destination: { host: 'b' } }] }))
      .toThrow(/apps\/r: invalid routes\[0\].match \(undefined\): must be set: a route without match takes every request/);
  });

  test('invalid hosts', () => {
    expect(make({ hosts: ['fraud api'] })).toThrow(/apps\/r: invalid hosts\[0\] "fraud api": must be a host name/);
    expect(make({ hosts: ['*'], gateways: undefined })).toThrow(/apps\/r: invalid hosts\[0\] "\*": must not be "\*" for in-mesh routing/);
    expect(make({ routes: [{ destination: { host: '*.svc' } }] })).toThrow(/apps\/r: invalid routes\[0\].destination.host "\*.svc": must be a host name/);
  });

  test('port outside 1-65535', () => {
    expect(make({ routes: [{ destination: { host: 'a', port: 99999 } }] })).toThrow(/apps\/r: invalid routes\[0\].destination.port 99999: must be an integer from 1 to 65535/);
    expect(make({ routes: [{ match: { port: 0 }, destination: { host: 'a' } }] })).toThrow(/apps\/r: invalid routes\[0\].match.port 0: must be an integer from 1 to 65535/);
  });

  test('gateway reference malformed or "mesh"', () => {
    expect(make({ gateways: ['istio-system/ml_gateway'] })).toThrow(/apps\/r: invalid gateways\[0\] "istio-system\/ml_gateway": must be a Gateway reference "<namespace>\/<name>" or "<name>"/);
    expect(make({ gateways: ['mesh'] })).toThrow(/apps\/r: invalid gateways\[0\] "mesh": must be a Gateway reference .*use the mesh option/);
    expect(make({ gateways: [{ gatewayRef: 'ml-gateway', hosts: ['*'] }] })).toThrow(/apps\/r: invalid gateways\[0\].gatewayRef "ml-gateway": must be "<namespace>\/<name>"/);
  });

  test('host not exposed by the gateway to this namespace', () => {
    const scoped = { gatewayRef: 'istio-system/ml-gateway', hosts: ['financial-inference/*.local'] };
    expect(make({ gateways: [scoped] }))
      .toThrow(/apps\/r: invalid hosts\[0\] "fraud-api.local": must match a host the gateways expose to namespace fraud-detection \(none\)/);
  });

  test('no routes; mesh off without gateways; bad namespace', () => {
    expect(make({ routes: [] })).toThrow(/apps\/r: invalid routes \[\]: must be a non-empty list when given/);
    expect(make({ gateways: undefined, mesh: false })).toThrow(/apps\/r: invalid mesh false: must be true when no gateways are given/);
    const { istiod, chart } = meshAndApps();
    expect(() => new MeshRoute(chart, 'r', { namespace: { istiod, name: 'fraud_detection' }, hosts: ['a'], routes: [{ destination: { host: 'a' } }] }))
      .toThrow(/apps\/r: invalid namespace.name "fraud_detection": must be a DNS-1123 label/);
  });
});
