/**
 * ServiceEntry: Istio's samples rendered as written, and each rule of Istio's validating webhook for the kind refused
 * at construction with the construct path, field, value and what would be valid.
 */
import { ServiceEntry, ServiceEntryProps } from '../../src/networking';
import type { ServiceEntrySpec } from '../../src/resource/specs.generated';
import { IstioVersion } from '../../src/version';
import { findOne } from '../support/synth';
import { mesh, refusal, RELEASES, synth, where } from './support';

function entry(spec: ServiceEntrySpec, over: Partial<ServiceEntryProps> = {}, version = IstioVersion.V1_30_3) {
  const { chart, istiod } = mesh(version);
  return () => new ServiceEntry(chart, 'se', { namespace: { istiod, name: 'default' }, spec, ...over });
}

describe.each(RELEASES)('ServiceEntry, Istio %s', (_tag, version, apiVersion) => {
  test('the JSDoc example renders (Istio task "Accessing External Services": httpbin-ext, HTTP, DNS resolution)', () => {
    const { chart, istiod } = mesh(version);
    const se = new ServiceEntry(chart, 'httpbin-ext', {
      namespace: { istiod, name: 'default' },
      spec: {
        hosts: ['httpbin.org'],
        ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
        resolution: 'DNS',
        location: 'MESH_EXTERNAL',
      },
    });
    expect(se.hosts).toEqual(['httpbin.org']);
    expect(findOne(synth(chart), 'ServiceEntry', 'httpbin-ext', 'default')).toEqual({
      apiVersion, kind: 'ServiceEntry', metadata: { name: 'httpbin-ext', namespace: 'default' },
      spec: { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS', location: 'MESH_EXTERNAL' },
    });
  });

  test('Istio task "Accessing External Services": google, HTTPS to www.google.com renders as given', () => {
    const { chart, istiod } = mesh(version);
    const spec: ServiceEntrySpec = { hosts: ['www.google.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS', location: 'MESH_EXTERNAL' };
    new ServiceEntry(chart, 'google', { namespace: { istiod, name: 'default' }, spec });
    expect(findOne(synth(chart), 'ServiceEntry', 'google').spec).toEqual(spec);
  });

  test('Istio reference "ServiceEntry": external-svc-mongocluster, MESH_INTERNAL with STATIC endpoints and a CIDR address', () => {
    const { chart, istiod } = mesh(version);
    const spec: ServiceEntrySpec = {
      hosts: ['mymongodb.somedomain'],
      addresses: ['192.192.192.192/24'],
      ports: [{ number: 27018, name: 'mongodb', protocol: 'MONGO' }],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      endpoints: [{ address: '2.2.2.2' }, { address: '3.3.3.3' }],
    };
    new ServiceEntry(chart, 'external-svc-mongocluster', { namespace: { istiod, name: 'default' }, spec });
    expect(findOne(synth(chart), 'ServiceEntry', 'external-svc-mongocluster').spec).toEqual(spec);
  });

  test('Istio reference "ServiceEntry": external-svc-redirect, wikipedia.org and *.wikipedia.org with resolution NONE', () => {
    const { chart, istiod } = mesh(version);
    const spec: ServiceEntrySpec = {
      hosts: ['wikipedia.org', '*.wikipedia.org'], location: 'MESH_EXTERNAL', ports: [{ number: 443, name: 'https', protocol: 'TLS' }], resolution: 'NONE',
    };
    new ServiceEntry(chart, 'external-svc-redirect', { namespace: { istiod, name: 'default' }, spec });
    expect(findOne(synth(chart), 'ServiceEntry', 'external-svc-redirect').spec).toEqual(spec);
  });
});

describe('ServiceEntry: what the release serves', () => {
  test('resolution DYNAMIC_DNS (1.30 only) renders at 1.30 and is refused at 1.20 with the values 1.20 has', () => {
    const spec: ServiceEntrySpec = { hosts: ['*.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DYNAMIC_DNS' };
    const { chart, istiod } = mesh(IstioVersion.V1_30_3);
    new ServiceEntry(chart, 'se', { namespace: { istiod, name: 'default' }, spec });
    expect(findOne(synth(chart), 'ServiceEntry', 'se').spec.resolution).toBe('DYNAMIC_DNS');
    const e = refusal(entry(spec, {}, IstioVersion.V1_20_3));
    expect(where(e)).toEqual(['c/se', 'spec.resolution', '"DYNAMIC_DNS"']);
    expect(e.expected).toBe('must be one of "NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN"');
  });
});

describe('ServiceEntry: the webhook rules', () => {
  const https = [{ number: 443, name: 'https', protocol: 'TLS' }];

  test('hosts: required, never "*", DNS names', () => {
    expect(where(refusal(entry({ hosts: [] })))).toEqual(['c/se', 'spec.hosts', '[]']);
    const star = refusal(entry({ hosts: ['*'] }));
    expect(where(star)).toEqual(['c/se', 'spec.hosts[0]', '"*"']);
    expect(star.expected).toMatch(/^must not be "\*": a ServiceEntry names the hosts it adds/);
    expect(where(refusal(entry({ hosts: ['a..b'] })))).toEqual(['c/se', 'spec.hosts[0]', '"a..b"']);
    expect(refusal(entry({ hosts: ['api.example.123'] })).field).toBe('spec.hosts[0]');
  });

  test('DNS (and DNS_ROUND_ROBIN) without endpoints refuses a wildcard host; with endpoints it is accepted', () => {
    const e = refusal(entry({ hosts: ['*.example.com'], ports: https, resolution: 'DNS' }));
    expect(where(e)).toEqual(['c/se', 'spec.hosts[0]', '"*.example.com"']);
    expect(e.expected).toMatch(/^must be a DNS name without wildcard with resolution DNS and no endpoints/);
    expect(() => entry({ hosts: ['*.example.com'], ports: https, resolution: 'DNS', endpoints: [{ address: 'proxy.example.com' }] })()).not.toThrow();
  });

  test('DNS_ROUND_ROBIN takes one endpoint at most', () => {
    const e = refusal(entry({ hosts: ['a.example.com'], ports: https, resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: '1.1.1.1' }, { address: '2.2.2.2' }] }));
    expect([e.field, e.expected]).toEqual(['spec.endpoints', 'must have at most 1 endpoint with resolution DNS_ROUND_ROBIN']);
  });

  test('DNS endpoint addresses are IPs or DNS names', () => {
    const e = refusal(entry({ hosts: ['a.example.com'], ports: https, resolution: 'DNS', endpoints: [{ address: 'not a host' }] }));
    expect(where(e)).toEqual(['c/se', 'spec.endpoints[0].address', '"not a host"']);
  });

  test('STATIC needs endpoints or a workloadSelector; its endpoints are IPs or unix sockets, not DNS names', () => {
    const none = refusal(entry({ hosts: ['db.internal'], ports: https, resolution: 'STATIC' }));
    expect([none.field, none.expected]).toEqual(['spec.endpoints', 'must list endpoints (or set workloadSelector) with resolution STATIC: otherwise the entry has no endpoint to send traffic to']);
    expect(() => entry({ hosts: ['db.internal'], ports: https, resolution: 'STATIC', workloadSelector: { labels: { app: 'db' } } })()).not.toThrow();
    const dns = refusal(entry({ hosts: ['db.internal'], ports: https, resolution: 'STATIC', endpoints: [{ address: 'db.example.com' }] }));
    expect(where(dns)).toEqual(['c/se', 'spec.endpoints[0].address', '"db.example.com"']);
    expect(dns.expected).toMatch(/^must be an IP address \(or unix:\/\/ socket\) with resolution STATIC/);
    const noAddr = refusal(entry({ hosts: ['db.internal'], ports: https, resolution: 'STATIC', endpoints: [{ labels: { a: 'b' } }] }));
    expect(noAddr.field).toBe('spec.endpoints[0].address');
    expect(() => entry({ hosts: ['db.internal'], ports: https, resolution: 'STATIC', endpoints: [{ network: 'vpc-2' }] })()).not.toThrow();
  });

  test('unix socket endpoints: absolute path, no ports, exactly one entry port', () => {
    const ok: ServiceEntrySpec = { hosts: ['uds.local'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'STATIC', endpoints: [{ address: 'unix:///var/run/app.sock' }] };
    expect(() => entry(ok)()).not.toThrow();
    expect(where(refusal(entry({ ...ok, endpoints: [{ address: 'unix://var/run/app.sock' }] })))).toEqual(['c/se', 'spec.endpoints[0].address', '"unix://var/run/app.sock"']);
    expect(refusal(entry({ ...ok, endpoints: [{ address: 'unix:///var/run/app.sock', ports: { http: 8080 } }] })).field).toBe('spec.endpoints[0].ports');
    const two = refusal(entry({ ...ok, ports: [...ok.ports!, { number: 81, name: 'http2', protocol: 'HTTP' }] }));
    expect(two.expected).toBe('needs exactly 1 port on the entry for a unix socket endpoint (it has 2)');
  });

  test('endpoints and workloadSelector exclusive; NONE takes no endpoints', () => {
    const both = refusal(entry({ hosts: ['a.example.com'], ports: https, resolution: 'STATIC', endpoints: [{ address: '1.1.1.1' }], workloadSelector: { labels: { app: 'a' } } }));
    expect([both.field, both.expected]).toEqual(['spec.endpoints', 'must be left out when workloadSelector is set: a ServiceEntry takes its endpoints from one or the other']);
    const none = refusal(entry({ hosts: ['a.example.com'], ports: https, endpoints: [{ address: '1.1.1.1' }] }));
    expect(none.expected).toMatch(/^must be left out with resolution NONE/);
  });

  test('workloadSelector labels: no wildcard', () => {
    const e = refusal(entry({ hosts: ['a.example.com'], ports: https, resolution: 'STATIC', workloadSelector: { labels: { app: 'web*' } } }));
    expect(where(e)).toEqual(['c/se', 'spec.workloadSelector.labels.app', '"app=web*"']);
  });

  test('endpoint ports name a port of the entry and are 1-65535', () => {
    const e = refusal(entry({ hosts: ['a.example.com'], ports: https, resolution: 'STATIC', endpoints: [{ address: '1.1.1.1', ports: { http: 8080 } }] }));
    expect(where(e)).toEqual(['c/se', 'spec.endpoints[0].ports.http', '8080']);
    expect(e.expected).toBe('must name a port of the entry (https)');
  });

  test('ports unique by number and by name; names are DNS labels; protocols Istio knows', () => {
    const num = refusal(entry({ hosts: ['a.example.com'], ports: [{ number: 443, name: 'a', protocol: 'TLS' }, { number: 443, name: 'b', protocol: 'TLS' }] }));
    expect(where(num)).toEqual(['c/se', 'spec.ports[1].number', '443']);
    const name = refusal(entry({ hosts: ['a.example.com'], ports: [{ number: 443, name: 'a', protocol: 'TLS' }, { number: 80, name: 'a', protocol: 'HTTP' }] }));
    expect(where(name)).toEqual(['c/se', 'spec.ports[1].name', '"a"']);
    expect(where(refusal(entry({ hosts: ['a.example.com'], ports: [{ number: 443, name: 'my_port', protocol: 'TLS' }] })))).toEqual(['c/se', 'spec.ports[0].name', '"my_port"']);
    const proto = refusal(entry({ hosts: ['a.example.com'], ports: [{ number: 443, name: 'a', protocol: 'QUIC' }] }));
    expect(where(proto)).toEqual(['c/se', 'spec.ports[0].protocol', '"QUIC"']);
    expect(proto.expected).toMatch(/^must be a protocol Istio knows: HTTP, HTTPS, HTTP2, GRPC/);
  });

  test('addresses: IPs or CIDR blocks, CIDR only with NONE or STATIC resolution', () => {
    expect(where(refusal(entry({ hosts: ['a.example.com'], addresses: ['10.0.0.300'] })))).toEqual(['c/se', 'spec.addresses[0]', '"10.0.0.300"']);
    const e = refusal(entry({ hosts: ['a.example.com'], addresses: ['10.0.0.0/16'], ports: https, resolution: 'DNS' }));
    expect(where(e)).toEqual(['c/se', 'spec.resolution', '"DNS"']);
  });

  test('several hosts with a resolution need HTTP or TLS ports', () => {
    const e = refusal(entry({ hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 3306, name: 'tcp', protocol: 'TCP' }], resolution: 'DNS' }));
    expect(where(e)).toEqual(['c/se', 'spec.ports[0].protocol', '"TCP"']);
    expect(() => entry({ hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 3306, name: 'tcp', protocol: 'TCP' }], resolution: 'NONE' })()).not.toThrow();
  });

  test('DYNAMIC_DNS: wildcard hosts, no addresses or endpoints, HTTP/TLS/GRPC/HTTP2 ports, not MESH_INTERNAL behind a waypoint', () => {
    const base: ServiceEntrySpec = { hosts: ['*.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DYNAMIC_DNS' };
    expect(where(refusal(entry({ ...base, hosts: ['api.example.com'] })))).toEqual(['c/se', 'spec.hosts[0]', '"api.example.com"']);
    expect(refusal(entry({ ...base, addresses: ['1.2.3.4'] })).field).toBe('spec.addresses');
    expect(refusal(entry({ ...base, ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] })).field).toBe('spec.ports[0].protocol');
    const wp = refusal(entry({ ...base, location: 'MESH_INTERNAL' }, { labels: { 'istio.io/use-waypoint': 'waypoint' } }));
    expect(where(wp)).toEqual(['c/se', 'spec.location', '"MESH_INTERNAL"']);
    expect(() => entry({ ...base, location: 'MESH_INTERNAL' })()).not.toThrow();
  });

  test('exportTo: ".", "*", "~" or namespaces, no duplicates, "*" and "~" alone', () => {
    const dup = refusal(entry({ hosts: ['a.example.com'], exportTo: ['.', 'default'] }));
    expect(where(dup)).toEqual(['c/se', 'spec.exportTo[1]', '"default"']);
    expect(dup.expected).toBe('duplicates an earlier entry: "." and "default" both mean this namespace');
    expect(refusal(entry({ hosts: ['a.example.com'], exportTo: ['*', 'prod'] })).expected).toBe('must not combine "*" (every namespace) with other entries');
    expect(refusal(entry({ hosts: ['a.example.com'], exportTo: ['~', 'prod'] })).expected).toBe('must not combine "~" (no namespace) with other entries');
    expect(() => entry({ hosts: ['a.example.com'], exportTo: ['~'] })()).not.toThrow();
  });

  test('an unknown key is refused with the nearest valid one', () => {
    const e = refusal(entry({ hosts: ['a.example.com'], resolutoin: 'DNS' } as unknown as ServiceEntrySpec));
    expect(e.field).toBe('spec.resolutoin');
    expect(e.expected).toMatch(/did you mean `resolution`\?/);
  });
});
