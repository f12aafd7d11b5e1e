import { Chart } from 'cdk8s';
import { Istiod } from '../../src/istiod';
import { DestinationRule } from '../../src/networking/destination-rule';
import { VirtualService } from '../../src/networking/virtual-service';
import { IstioVersion } from '../../src/version';
import { validationError } from '../support/errors';
import { newChart, synthValid } from '../support/synth';

const RELEASES = [IstioVersion.V1_30_3, IstioVersion.V1_20_3];

function mesh(version: IstioVersion): { chart: Chart; ns: { istiod: ReturnType<typeof Istiod.fromAttributes>; name: string } } {
  const chart = newChart('mesh');
  const istiod = Istiod.fromAttributes(chart, 'cp', { version });
  return { chart, ns: { istiod, name: 'bookinfo' } };
}

const error = validationError;

describe.each(RELEASES)('VirtualService at Istio %s', (version) => {
  test('the bookinfo "reviews for jason" route renders field for field, with the release\'s apiVersion', () => {
    // Istio's samples/bookinfo/networking/virtual-service-reviews-test-v2.yaml, in our constructs
    const { chart, ns } = mesh(version);
    const dr = new DestinationRule(chart, 'reviews-dr', {
      namespace: ns, name: 'reviews',
      spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
    });
    new VirtualService(chart, 'reviews', {
      namespace: ns,
      spec: {
        hosts: ['reviews'],
        http: [
          { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: dr.subset('v2') } }] },
          { route: [{ destination: { host: 'reviews', subset: dr.subset('v1') } }] },
        ],
      },
    });
    const vs = synthValid(chart).find((o) => o.kind === 'VirtualService')!;
    expect(vs.apiVersion).toBe(version.line === '1.30' ? 'networking.istio.io/v1' : 'networking.istio.io/v1beta1');
    expect(vs.metadata).toEqual({ name: 'reviews', namespace: 'bookinfo' });
    expect(vs.spec).toEqual({
      hosts: ['reviews'],
      http: [
        { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
        { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      ],
    });
  });

  test('an unknown key at any depth is an error naming its path and the nearest key, never dropped', () => {
    const { chart, ns } = mesh(version);
    const e = error(() => new VirtualService(chart, 'r', {
      namespace: ns,
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subst: 'v1' } as never }] }] },
    }));
    expect(e.constructPath).toBe('mesh/r');
    expect(e.field).toBe('spec.http[0].route[0].destination.subst');
    expect(e.expected).toContain('did you mean `subset`?');
    expect(synthValid(chart).filter((o) => o.kind === 'VirtualService')).toEqual([]);
  });

  test('webhook rules: one of route/redirect/directResponse, hosts that do not overlap, ports, percentages', () => {
    const { chart, ns } = mesh(version);
    const cases: Array<[object, string, string]> = [
      [{ hosts: ['a'], http: [{}] }, 'spec.http[0]', 'exactly one of route, redirect, directResponse or delegate'],
      [{ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], redirect: { uri: '/x' } }] }, 'spec.http[0]', 'exactly one of'],
      [{ hosts: ['*.example.com', 'api.example.com'], gateways: ['istio-ingress/web'], http: [{ route: [{ destination: { host: 'a' } }] }] }, 'spec.hosts[1]', 'must not overlap'],
      [{ hosts: ['a'], http: [{ route: [{ destination: { host: 'a', port: { number: 70000 } } }] }] }, 'spec.http[0].route[0].destination.port.number', 'from 1 to 65535'],
      [{ hosts: ['a'], http: [{ route: [{ destination: { host: 'a', port: { number: 0 } } }] }] }, 'spec.http[0].route[0].destination.port.number', 'port'],
      [{ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], fault: { abort: { httpStatus: 503, percentage: { value: 0.00001 } } } }] }, 'spec.http[0].fault.abort.percentage.value', 'percentage'],
      [{ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], timeout: '10 seconds' }] }, 'spec.http[0].timeout', 'duration'],
      [{ hosts: ['a'], gateways: ['istio-ingress/web.b0'], http: [{ route: [{ destination: { host: 'a' } }] }] }, 'spec.gateways[0]', 'Gateway reference'],
      [{ hosts: ['a'] }, 'spec', 'at least one of http, tcp or tls'],
      [{ hosts: ['a'], tls: [{ match: [{}], route: [{ destination: { host: 'a' } }] }] }, 'spec.tls[0].match[0].sniHosts', 'is required in VirtualService'],
    ];
    cases.forEach(([spec, field, expected], i) => {
      const e = error(() => new VirtualService(chart, `c${i}`, { namespace: ns, spec: spec as never }));
      expect({ i, field: e.field }).toEqual({ i, field });
      expect(e.message).toContain(expected);
    });
  });

  test('TCP routes and ORed matches render as written', () => {
    const { chart, ns } = mesh(version);
    // Istio's samples/tcp-echo/tcp-echo-20-v2.yaml: a weighted TCP split
    new VirtualService(chart, 'tcp-echo', {
      namespace: ns,
      spec: { hosts: ['tcp-echo'], tcp: [{ match: [{ port: 9000 }], route: [{ destination: { host: 'tcp-echo', port: { number: 9000 }, subset: 'v1' }, weight: 80 }, { destination: { host: 'tcp-echo', port: { number: 9000 }, subset: 'v2' }, weight: 20 }] }] },
    });
    const vs = synthValid(chart).find((o) => o.kind === 'VirtualService')!;
    expect((vs.spec as { tcp: Array<{ route: Array<{ weight: number }> }> }).tcp[0].route.map((r) => r.weight)).toEqual([80, 20]);
  });
});

test('a field only a newer release has is refused at 1.20 with the reason', () => {
  const { chart, ns } = mesh(IstioVersion.V1_20_3);
  // `retries.retryIgnorePreviousHosts` came after 1.20
  const e = error(() => new VirtualService(chart, 'r', {
    namespace: ns,
    spec: { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], retries: { attempts: 2, retryIgnorePreviousHosts: true } }] },
  }));
  expect(e.field).toBe('spec.http[0].retries.retryIgnorePreviousHosts');
  expect(e.expected).toContain('Istio 1.30 has it: it needs a newer release');
});

test('DestinationRule.subset refuses a subset the rule does not define', () => {
  const { chart, ns } = mesh(IstioVersion.V1_30_3);
  const dr = new DestinationRule(chart, 'dr', { namespace: ns, spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] } });
  const e = error(() => dr.subset('v3'));
  expect(e.field).toBe('subset');
  expect(e.expected).toContain('must be a subset of DestinationRule bookinfo/dr: v1');
});
