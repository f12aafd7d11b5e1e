/**
 * Sidecar: Istio's reference examples rendered as written, and each rule of Istio's validating webhook for the kind
 * refused at construction with the construct path, field, value and what would be valid.
 */
import { Sidecar, SidecarProps } from '../../src/networking';
import type { SidecarSpec, SidecarSpecIngress } from '../../src/resource/specs.generated';
import { IstioVersion } from '../../src/version';
import { findOne } from '../support/synth';
import { mesh, refusal, RELEASES, synth, where } from './support';

function sidecar(spec: SidecarSpec, over: Partial<SidecarProps> = {}, version = IstioVersion.V1_30_3) {
  const { chart, istiod } = mesh(version);
  return () => new Sidecar(chart, 'sc', { namespace: { istiod, name: 'prod-us1' }, spec, ...over });
}

const ingress = (l: Partial<SidecarSpecIngress>): SidecarSpec => ({
  workloadSelector: { labels: { app: 'ratings' } },
  ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'somename' }, ...l }],
});

describe.each(RELEASES)('Sidecar, Istio %s', (_tag, version, apiVersion) => {
  test('the JSDoc example renders (Istio reference "Sidecar": default of the root namespace istio-config, egress to ./* and istio-system/*)', () => {
    const { chart, istiod } = mesh(version);
    new Sidecar(chart, 'default', {
      namespace: { istiod, name: 'istio-config' },
      spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] },
    });
    expect(findOne(synth(chart), 'Sidecar', 'default', 'istio-config')).toEqual({
      apiVersion, kind: 'Sidecar', metadata: { name: 'default', namespace: 'istio-config' },
      spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] },
    });
  });

  test('Istio reference "Sidecar": ratings with a unix-socket ingress endpoint and a catch-all egress listener last', () => {
    const { chart, istiod } = mesh(version);
    const spec: SidecarSpec = {
      workloadSelector: { labels: { app: 'ratings' } },
      ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'somename' }, defaultEndpoint: 'unix:///var/run/someuds.sock' }],
      egress: [
        { port: { number: 9080, protocol: 'HTTP', name: 'egresshttp' }, hosts: ['prod-us1/*'] },
        { hosts: ['istio-system/*'] },
      ],
    };
    new Sidecar(chart, 'ratings', { namespace: { istiod, name: 'prod-us1' }, spec });
    expect(findOne(synth(chart), 'Sidecar', 'ratings').spec).toEqual(spec);
  });

  test('Istio reference "Sidecar": ratings terminating one-way TLS on an HTTPS ingress port with certificate files', () => {
    const { chart, istiod } = mesh(version);
    const spec: SidecarSpec = {
      workloadSelector: { labels: { app: 'ratings' } },
      ingress: [{
        port: { number: 80, protocol: 'HTTPS', name: 'somename' },
        defaultEndpoint: 'unix:///var/run/someuds.sock',
        tls: { mode: 'SIMPLE', privateKey: '/etc/certs/privatekey.pem', serverCertificate: '/etc/certs/servercert.pem' },
      }],
    };
    new Sidecar(chart, 'ratings', { namespace: { istiod, name: 'prod-us1' }, spec });
    expect(findOne(synth(chart), 'Sidecar', 'ratings').spec).toEqual(spec);
  });

  test('Istio reference "Sidecar": no-ip-tables, capture mode NONE with a MySQL egress listener bound to 127.0.0.1', () => {
    const { chart, istiod } = mesh(version);
    const spec: SidecarSpec = {
      workloadSelector: { labels: { app: 'productpage' } },
      ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'somename' }, defaultEndpoint: '127.0.0.1:8080', captureMode: 'NONE' }],
      egress: [{ port: { number: 3306, protocol: 'MYSQL', name: 'egressmysql' }, captureMode: 'NONE', bind: '127.0.0.1', hosts: ['*/mysql.foo.com'] }],
    };
    new Sidecar(chart, 'no-ip-tables', { namespace: { istiod, name: 'prod-us1' }, spec });
    expect(findOne(synth(chart), 'Sidecar', 'no-ip-tables').spec).toEqual(spec);
  });
});

describe('Sidecar: what the release serves', () => {
  test('inboundConnectionPool.http.maxConcurrentStreams (1.30 only) renders at 1.30 and is refused at 1.20', () => {
    const spec: SidecarSpec = { inboundConnectionPool: { http: { maxConcurrentStreams: 100 } } };
    expect(() => sidecar(spec)()).not.toThrow();
    const e = refusal(sidecar(spec, {}, IstioVersion.V1_20_3));
    expect(e.field).toBe('spec.inboundConnectionPool.http.maxConcurrentStreams');
    expect(e.expected).toMatch(/1\.30/);
  });
});

describe('Sidecar: the webhook rules', () => {
  test('an empty Sidecar is refused; at 1.20 inboundConnectionPool alone counts as empty (its webhook says so)', () => {
    const e = refusal(sidecar({ workloadSelector: { labels: { app: 'a' } } }));
    expect([e.field, e.expected]).toEqual(['spec', 'must set at least one of egress, ingress, outboundTrafficPolicy or inboundConnectionPool (Istio refuses an empty Sidecar)']);
    const pool = { inboundConnectionPool: { tcp: { maxConnections: 100 } } };
    expect(() => sidecar(pool)()).not.toThrow();
    const old = refusal(sidecar(pool, {}, IstioVersion.V1_20_3));
    expect([old.field, old.expected]).toEqual(['spec', 'must set at least one of egress, ingress or outboundTrafficPolicy (Istio 1.20.3 refuses a Sidecar without them as empty, inboundConnectionPool alone included)']);
  });

  test('egress hosts are "namespace/host": no bare host, no short name, no partial wildcard, a valid namespace', () => {
    const bare = refusal(sidecar({ egress: [{ hosts: ['reviews.prod.svc.cluster.local'] }] }));
    expect(where(bare)).toEqual(['c/sc', 'spec.egress[0].hosts[0]', '"reviews.prod.svc.cluster.local"']);
    expect(bare.expected).toMatch(/^must be of the form "<namespace>\/<host>"/);
    expect(refusal(sidecar({ egress: [{ hosts: ['prod/reviews'] }] })).expected).toMatch(/^must not use a short name \("reviews"\)/);
    expect(refusal(sidecar({ egress: [{ hosts: ['prod/*reviews.com'] }] })).expected).toMatch(/^must not use a partial wildcard/);
    expect(refusal(sidecar({ egress: [{ hosts: ['Prod/*'] }] })).expected).toMatch(/^has an invalid namespace "Prod"/);
    expect(refusal(sidecar({ egress: [{ hosts: [] }] })).field).toBe('spec.egress[0].hosts');
    expect(() => sidecar({ egress: [{ hosts: ['~/*', '*/*.example.com', './reviews.prod.svc.cluster.local'] }] })()).not.toThrow();
  });

  test('one catch-all (portless) egress listener, and it comes last', () => {
    const e = refusal(sidecar({ egress: [{ hosts: ['./*'] }, { port: { number: 80, protocol: 'HTTP', name: 'http' }, hosts: ['./*'] }] }));
    expect(where(e)).toEqual(['c/sc', 'spec.egress[0].port', '(undefined)']);
    expect(refusal(sidecar({ egress: [{ hosts: ['./*'] }, { hosts: ['istio-system/*'] }] })).field).toBe('spec.egress[0].port');
  });

  test('egress ports: unique, 1-65535 or a unix socket bind with port 0, captureMode DEFAULT/NONE for sockets, bind an IP', () => {
    const dup = refusal(sidecar({ egress: [
      { port: { number: 80, protocol: 'HTTP', name: 'a' }, hosts: ['./*'] },
      { port: { number: 80, protocol: 'HTTP', name: 'b' }, hosts: ['istio-system/*'] },
    ] }));
    expect(where(dup)).toEqual(['c/sc', 'spec.egress[1].port.number', '80']);
    const uds = refusal(sidecar({ egress: [{ port: { number: 0, protocol: 'HTTP', name: 'a' }, hosts: ['./*'] }] }));
    expect(uds.field).toBe('spec.egress[0].bind');
    expect(() => sidecar({ egress: [{ port: { number: 0, protocol: 'HTTP', name: 'a' }, bind: 'unix:///var/run/out.sock', hosts: ['./*'] }] })()).not.toThrow();
    const capture = refusal(sidecar({ egress: [{ port: { number: 0, protocol: 'HTTP', name: 'a' }, bind: 'unix:///var/run/out.sock', captureMode: 'IPTABLES', hosts: ['./*'] }] }));
    expect(where(capture)).toEqual(['c/sc', 'spec.egress[0].captureMode', '"IPTABLES"']);
    expect(where(refusal(sidecar({ egress: [{ port: { number: 80, protocol: 'HTTP', name: 'a' }, bind: 'localhost', hosts: ['./*'] }] })))).toEqual(['c/sc', 'spec.egress[0].bind', '"localhost"']);
    expect(refusal(sidecar({ egress: [{ port: { number: 80, protocol: 'HTTP', name: 'a', targetPort: 8080 }, hosts: ['./*'] }] })).field).toBe('spec.egress[0].port.targetPort');
    expect(refusal(sidecar({ egress: [{ port: { number: 80, protocol: 'QUIC', name: 'a' }, hosts: ['./*'] }] })).field).toBe('spec.egress[0].port.protocol');
  });

  test('ingress: port 1-65535 and unique, port name a DNS label, no targetPort', () => {
    expect(where(refusal(sidecar(ingress({ port: { number: 70000, protocol: 'HTTP', name: 'a' } }))))).toEqual(['c/sc', 'spec.ingress[0].port.number', '70000']);
    expect(refusal(sidecar(ingress({ port: { number: 80, protocol: 'HTTP', name: 'a_b' } }))).field).toBe('spec.ingress[0].port.name');
    expect(refusal(sidecar(ingress({ port: { number: 80, protocol: 'HTTP', name: 'a', targetPort: 81 } }))).field).toBe('spec.ingress[0].port.targetPort');
    const dup = refusal(sidecar({ ingress: [{ port: { number: 80, protocol: 'HTTP', name: 'a' } }, { port: { number: 80, protocol: 'TCP', name: 'b' } }] }));
    expect(where(dup)).toEqual(['c/sc', 'spec.ingress[1].port.number', '80']);
  });

  test('ingress defaultEndpoint: loopback or any address with a port, or a unix socket', () => {
    for (const ok of ['127.0.0.1:8080', '0.0.0.0:8080', '[::1]:8080', '[::]:8080', ':8080', 'unix:///var/run/app.sock']) {
      expect(() => sidecar(ingress({ defaultEndpoint: ok }))()).not.toThrow();
    }
    const remote = refusal(sidecar(ingress({ defaultEndpoint: '10.0.0.1:8080' })));
    expect(where(remote)).toEqual(['c/sc', 'spec.ingress[0].defaultEndpoint', '"10.0.0.1:8080"']);
    expect(refusal(sidecar(ingress({ defaultEndpoint: '127.0.0.1:http' }))).field).toBe('spec.ingress[0].defaultEndpoint');
    expect(refusal(sidecar(ingress({ defaultEndpoint: 'unix://app.sock' }))).field).toBe('spec.ingress[0].defaultEndpoint');
  });

  test('ingress tls: HTTPS/TLS ports only, no credentialName, no ISTIO_MUTUAL, certificate files for SIMPLE', () => {
    const https = { port: { number: 9443, protocol: 'HTTPS', name: 'https' } };
    const cred = refusal(sidecar(ingress({ ...https, tls: { mode: 'SIMPLE', credentialName: 'cert' } })));
    expect(where(cred)).toEqual(['c/sc', 'spec.ingress[0].tls.credentialName', '"cert"']);
    expect(refusal(sidecar(ingress({ ...https, tls: { mode: 'ISTIO_MUTUAL' } }))).field).toBe('spec.ingress[0].tls.mode');
    const http = refusal(sidecar(ingress({ tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k' } })));
    expect(where(http)).toEqual(['c/sc', 'spec.ingress[0].port.protocol', '"HTTP"']);
    expect(refusal(sidecar(ingress({ ...https, tls: { mode: 'SIMPLE', serverCertificate: '/c' } }))).field).toBe('spec.ingress[0].tls.privateKey');
    expect(refusal(sidecar(ingress({ ...https, tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k', httpsRedirect: true } }))).field).toBe('spec.ingress[0].tls.httpsRedirect');
  });

  test('connection pools: http or tcp, no negative counts, durations of 1ms or more, no useClientProtocol with UPGRADE', () => {
    expect(where(refusal(sidecar({ inboundConnectionPool: {} })))).toEqual(['c/sc', 'spec.inboundConnectionPool', '{}']);
    expect(where(refusal(sidecar({ inboundConnectionPool: { tcp: { connectTimeout: '0.1ms' } } })))).toEqual(['c/sc', 'spec.inboundConnectionPool.tcp.connectTimeout', '"0.1ms"']);
    expect(() => sidecar({ inboundConnectionPool: { tcp: { idleTimeout: '0s' } } })()).not.toThrow();
    expect(refusal(sidecar({ inboundConnectionPool: { http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } } })).field).toBe('spec.inboundConnectionPool.http.useClientProtocol');
    expect(refusal(sidecar(ingress({ connectionPool: { http: { maxRetries: -1 } } }))).field).toBe('spec.ingress[0].connectionPool.http.maxRetries');
  });

  test('outboundTrafficPolicy: an egress proxy only with ALLOW_ANY, a DNS host and a port', () => {
    const proxy = { host: 'egress.istio-system.svc.cluster.local', port: { number: 3128 } };
    const mode = refusal(sidecar({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: proxy } }));
    expect(where(mode)).toEqual(['c/sc', 'spec.outboundTrafficPolicy.mode', '"REGISTRY_ONLY"']);
    expect(() => sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: proxy } })()).not.toThrow();
    expect(refusal(sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'egress' } } })).field).toBe('spec.outboundTrafficPolicy.egressProxy.port');
    expect(refusal(sidecar({ outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { ...proxy, host: '*' } } })).field).toBe('spec.outboundTrafficPolicy.egressProxy.host');
  });

  test('workloadSelector labels: no wildcard', () => {
    const e = refusal(sidecar({ workloadSelector: { labels: { app: '*' } }, egress: [{ hosts: ['./*'] }] }));
    expect(where(e)).toEqual(['c/sc', 'spec.workloadSelector.labels.app', '"app=*"']);
  });
});
