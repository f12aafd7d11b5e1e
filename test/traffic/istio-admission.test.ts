/**
 * Route input Istio's own validation (istiod's admission webhook) refuses is refused at construction: tiny positive
 * percentages, a retry policy that is off (attempts 0) but sets other fields, overlapping VirtualService hosts and
 * dotted Gateway references. Each rule also has its valid neighbours, which must render as given.
 */
import { CanaryRoute, CanaryRouteProps, MeshRoute, MeshRouteProps } from '../../src/traffic';
import { IstioValidationError } from '../../src/validation';
import { meshAndApps, VERSIONS } from '../policy/fixtures';
import { findOne, synthValid } from '../support/synth';

const canary = (over: Partial<CanaryRouteProps>) => {
  const { istiod, chart } = meshAndApps();
  const route = () => new CanaryRoute(chart, 'r', {
    namespace: { istiod, name: 'trading' }, host: 'svc', stable: { version: 'v1' }, canary: { version: 'v2', weight: 10 }, ...over,
  });
  return Object.assign(route, { chart });
};

const meshRoute = (over: Partial<MeshRouteProps>) => {
  const { istiod, chart } = meshAndApps();
  const route = () => new MeshRoute(chart, 'r', {
    namespace: { istiod, name: 'fraud-detection' }, hosts: ['fraud-api.local'], gateways: ['istio-system/ml-gateway'],
    routes: [{ destination: { host: 'fraud-service', port: 8080 } }], ...over,
  });
  return Object.assign(route, { chart });
};

/** The IstioValidationError `fn` throws (fails the test when it throws nothing or something else). */
function refusal(fn: () => unknown): IstioValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IstioValidationError);
    return e as IstioValidationError;
  }
  throw new Error('expected an IstioValidationError, nothing was thrown');
}

describe('percentages (fault injection, mirroring): 0, or 0.0001 to 100', () => {
  test.each([5e-323, 1e-9, 0.00009999])('fault delay and abort percentage %p (below 0.0001, above 0) is refused', (p) => {
    const delay = refusal(canary({ fault: { delay: { fixedDelay: '1s', percentage: p } } }));
    expect([delay.constructPath, delay.field, delay.value]).toEqual(['apps/r', 'fault.delay.percentage', String(p)]);
    expect(delay.expected).toBe('must be a percentage from 0 to 100: 0, or a share from 0.0001 to 100 (fractions allowed; Istio refuses a share between 0 and 0.0001)');
    expect(refusal(canary({ fault: { abort: { httpStatus: 503, percentage: p } } })).field).toBe('fault.abort.percentage');
    expect(refusal(meshRoute({ routes: [{ destination: { host: 'a' }, fault: { delay: { fixedDelay: '1s', percentage: p } } }] })).field)
      .toBe('routes[0].fault.delay.percentage');
  });

  test('mirror percentage below 0.0001 is refused', () => {
    const err = refusal(canary({ mirror: { subset: 'v2', percentage: 1e-5 } }));
    expect([err.field, err.value]).toEqual(['mirror.percentage', '0.00001']);
  });

  test.each([0, 0.0001, 0.5, 100])('percentage %p is rendered as given', (p) => {
    const make = canary({ fault: { abort: { httpStatus: 503, percentage: p } }, mirror: { subset: 'v2', percentage: p } });
    make();
    const http = findOne(synthValid(make.chart), 'VirtualService', 'r').spec.http;
    expect(http[0].fault).toEqual({ abort: { httpStatus: 503, percentage: { value: p } } });
    expect(http[0].mirrorPercentage).toEqual({ value: p });
  });

  test.each([-0.0001, 100.0001])('percentage %p outside 0-100 is refused', (p) => {
    expect(refusal(canary({ fault: { abort: { httpStatus: 503, percentage: p } } })).expected).toMatch(/^must be a percentage from 0 to 100/);
  });
});

describe('retries: attempts 0 turns retries off and stands alone', () => {
  test('attempts 0 with perTryTimeout or retryOn is refused, naming the field to leave out', () => {
    const t = refusal(canary({ retries: { attempts: 0, perTryTimeout: '2s' } }));
    expect([t.constructPath, t.field, t.value]).toEqual(['apps/r', 'retries.perTryTimeout', '"2s"']);
    expect(t.message).toContain('must be left out when retries.attempts is 0: attempts 0 turns retries off');
    const r = refusal(meshRoute({ routes: [{ destination: { host: 'a' }, retries: { attempts: 0, retryOn: ['5xx'] } }] }));
    expect([r.field, r.value]).toEqual(['routes[0].retries.retryOn', '["5xx"]']);
  });

  test('attempts 0 alone, and attempts 1 with both fields, render as given', () => {
    const off = canary({ retries: { attempts: 0 } });
    off();
    expect(findOne(synthValid(off.chart), 'VirtualService', 'r').spec.http[0].retries).toEqual({ attempts: 0 });
    const on = canary({ retries: { attempts: 1, perTryTimeout: '2s', retryOn: ['5xx', '503'] } });
    on();
    expect(findOne(synthValid(on.chart), 'VirtualService', 'r').spec.http[0].retries).toEqual({ attempts: 1, perTryTimeout: '2s', retryOn: '5xx,503' });
  });
});

describe('VirtualService hosts must not overlap (Istio: "duplicate hosts in virtual service")', () => {
  test('"*" with another host behind a gateway is refused', () => {
    const err = refusal(meshRoute({ hosts: ['*', 'fraud-api.local'], mesh: false }));
    expect([err.field, err.value]).toEqual(['hosts[1]', '"fraud-api.local"']);
    expect(err.expected).toMatch(/^must not overlap hosts\[0\] "\*": Istio refuses a VirtualService two of whose hosts match the same name/);
  });

  test('a wildcard covering another host is refused, whichever comes first', () => {
    expect(refusal(meshRoute({ hosts: ['api.example.com', '*.example.com'] })).expected).toMatch(/^must not overlap hosts\[0\] "api.example.com"/);
    expect(refusal(meshRoute({ hosts: ['*.example.com', '*.api.example.com'] })).field).toBe('hosts[1]');
    expect(refusal(meshRoute({ hosts: ['API.example.com', 'api.example.com'] })).field).toBe('hosts[1]');
  });

  test('a canary external host overlapping its in-mesh host is refused', () => {
    const gw = { gatewayRef: 'istio-system/public', hosts: ['*'] };
    const err = refusal(canary({ host: 'trading.example.com', gateways: [gw], externalHosts: ['*.example.com'] }));
    expect([err.field, err.value]).toEqual(['externalHosts[0]', '"*.example.com"']);
    expect(err.expected).toMatch(/^must not overlap host "trading.example.com"/);
    expect(refusal(canary({ host: 'trading.example.com', gateways: [gw], externalHosts: ['trading.example.com'] })).expected)
      .toBe('must not repeat host (the route lists it already)');
  });

  test('without in-mesh traffic the canary host is not a host of the VirtualService, so it may overlap', () => {
    const gw = { gatewayRef: 'istio-system/public', hosts: ['*'] };
    const make = canary({ host: 'trading.example.com', gateways: [gw], externalHosts: ['*.example.com'], meshTraffic: false });
    make();
    expect(findOne(synthValid(make.chart), 'VirtualService', 'r').spec.hosts).toEqual(['*.example.com']);
  });

  test('disjoint hosts, wildcards included, render as given', () => {
    const make = meshRoute({ hosts: ['*.example.com', '*.example.org', 'fraud-api.local', 'example.com'] });
    make();
    expect(findOne(synthValid(make.chart), 'VirtualService', 'r').spec.hosts).toEqual(['*.example.com', '*.example.org', 'fraud-api.local', 'example.com']);
  });
});

describe.each(VERSIONS)('Gateway references on Istio %s: labels only (Istio refuses a dot in a Gateway name)', (_tag, version) => {
  const make = (gateways: MeshRouteProps['gateways']) => {
    const { istiod, chart } = meshAndApps(version);
    return () => new MeshRoute(chart, 'r', { namespace: { istiod, name: 'apps' }, hosts: ['a.example.com'], gateways, routes: [{ destination: { host: 'a' } }] });
  };

  test.each(['istio-egressgateway.b0', 'istio-system/istio-egressgateway.b0', 'public.istio-system'])('reference %p is refused', (ref) => {
    const err = refusal(make([ref]));
    expect([err.field, err.value]).toEqual(['gateways[0]', JSON.stringify(ref)]);
    expect(err.expected).toContain('namespace and name are DNS-1123 labels (Istio refuses a dot in a Gateway name');
  });

  test('a binding whose gatewayRef names a dotted Gateway is refused', () => {
    const err = refusal(make([{ gatewayRef: 'istio-system/public.b0', hosts: ['*'] }]));
    expect([err.field, err.expected]).toEqual(['gateways[0].gatewayRef', 'must be "<namespace>/<name>" of an Istio Gateway, each a DNS-1123 label']);
  });

  test.each(['public', 'istio-system/public-b0'])('reference %p renders as given', (ref) => {
    const { istiod, chart } = meshAndApps(version);
    new MeshRoute(chart, 'r', { namespace: { istiod, name: 'apps' }, hosts: ['a.example.com'], gateways: [ref], routes: [{ destination: { host: 'a' } }] });
    expect(findOne(synthValid(chart), 'VirtualService', 'r').spec.gateways).toEqual([ref]);
  });
});
