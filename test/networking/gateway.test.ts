/**
 * Gateway (Istio's networking Gateway): Istio's samples rendered as written, its binding used by a route, and each rule
 * of Istio's validating webhook for the kind refused at construction with the construct path, field, value and what
 * would be valid.
 */
import { Gateway, GatewayProps } from '../../src/networking';
import type { GatewaySpec, GatewaySpecServer } from '../../src/resource/specs.generated';
import { MeshRoute } from '../../src/traffic';
import { IstioVersion } from '../../src/version';
import { findOne } from '../support/synth';
import { mesh, refusal, RELEASES, synth, where } from './support';

function gateway(spec: GatewaySpec, over: Partial<GatewayProps> = {}, version = IstioVersion.V1_30_3) {
  const { chart, istiod } = mesh(version);
  return () => new Gateway(chart, 'gw', { namespace: { istiod, name: 'istio-ingress' }, spec, ...over });
}

const server = (s: Partial<GatewaySpecServer>): GatewaySpec => ({
  selector: { istio: 'ingressgateway' },
  servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'], ...s } as GatewaySpecServer],
});

describe.each(RELEASES)('Gateway, Istio %s', (_tag, version, apiVersion) => {
  test('the JSDoc example renders (Istio sample samples/bookinfo/networking/bookinfo-gateway.yaml)', () => {
    const { chart, istiod } = mesh(version);
    const gw = new Gateway(chart, 'bookinfo-gateway', {
      namespace: { istiod, name: 'bookinfo' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
      },
    });
    expect(gw.gatewayRef).toBe('bookinfo/bookinfo-gateway');
    expect(gw.hosts).toEqual(['*']);
    expect(findOne(synth(chart), 'Gateway', 'bookinfo-gateway', 'bookinfo')).toEqual({
      apiVersion, kind: 'Gateway', metadata: { name: 'bookinfo-gateway', namespace: 'bookinfo' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    });
  });

  test('Istio task "Secure Gateways": an HTTPS server terminating TLS with a credential renders, and a route binds to it', () => {
    const { chart, istiod } = mesh(version);
    const spec: GatewaySpec = {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'httpbin-credential' }, hosts: ['httpbin.example.com'] }],
    };
    const gw = new Gateway(chart, 'mygateway', { namespace: { istiod, name: 'default' }, spec });
    new MeshRoute(chart, 'httpbin', {
      namespace: { istiod, name: 'default' }, hosts: ['httpbin.example.com'], gateways: [gw],
      routes: [{ destination: { host: 'httpbin', port: 8000 } }],
    });
    const objs = synth(chart);
    expect(findOne(objs, 'Gateway', 'mygateway').spec).toEqual(spec);
    expect(findOne(objs, 'VirtualService', 'httpbin').spec.gateways).toEqual(['default/mygateway']);
  });

  test('a route whose host the Gateway does not serve is refused through the binding', () => {
    const { chart, istiod } = mesh(version);
    const gw = new Gateway(chart, 'gw', { namespace: { istiod, name: 'istio-ingress' }, spec: server({ hosts: ['prod/api.example.com'] }) });
    expect(gw.hosts).toEqual(['prod/api.example.com']);
    const e = refusal(() => new MeshRoute(chart, 'r', {
      namespace: { istiod, name: 'dev' }, hosts: ['api.example.com'], gateways: [gw], routes: [{ destination: { host: 'api' } }],
    }));
    expect(e.field).toBe('hosts[0]');
  });
});

describe('Gateway: what the release serves', () => {
  test('tls.credentialNames (1.30 only) renders at 1.30 and is refused at 1.20 naming the release that has it', () => {
    const spec: GatewaySpec = {
      servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialNames: ['rsa-cert', 'ecdsa-cert'] }, hosts: ['a.example.com'] }],
    };
    expect(() => gateway(spec)()).not.toThrow();
    const e = refusal(gateway(spec, {}, IstioVersion.V1_20_3));
    expect(e.field).toBe('spec.servers[0].tls.credentialNames');
    expect(e.expected).toMatch(/1\.30/);
  });
});

describe('Gateway: the webhook rules', () => {
  test('servers required', () => {
    const e = refusal(gateway({ selector: { istio: 'ingressgateway' } }));
    expect(where(e)).toEqual(['c/gw', 'spec.servers', '(undefined)']);
  });

  test('the name is a DNS label (no dots)', () => {
    const e = refusal(gateway(server({}), { name: 'my.gateway' }));
    expect(where(e)).toEqual(['c/gw', 'name', '"my.gateway"']);
  });

  test('hosts: [namespace/]host, no short names, no partial wildcards, namespace "*", "." or a name', () => {
    expect(where(refusal(gateway(server({ hosts: [] }))))).toEqual(['c/gw', 'spec.servers[0].hosts', '[]']);
    const short = refusal(gateway(server({ hosts: ['reviews'] })));
    expect(where(short)).toEqual(['c/gw', 'spec.servers[0].hosts[0]', '"reviews"']);
    expect(short.expected).toMatch(/^must not use a short name/);
    expect(refusal(gateway(server({ hosts: ['*foo.example.com'] }))).expected).toMatch(/^must not use a partial wildcard/);
    expect(refusal(gateway(server({ hosts: ['Prod_1/a.example.com'] }))).expected).toMatch(/^has an invalid namespace "Prod_1"/);
    expect(refusal(gateway(server({ hosts: ['~/a.example.com'] }))).field).toBe('spec.servers[0].hosts[0]');
    expect(() => gateway(server({ hosts: ['./a.example.com', '*/*.example.com', 'prod/*', '10.0.0.1'] }))()).not.toThrow();
  });

  test('port: protocol Istio knows, number 1-65535, no targetPort, names unique', () => {
    const proto = refusal(gateway(server({ port: { number: 80, name: 'http', protocol: 'SPDY' } })));
    expect(where(proto)).toEqual(['c/gw', 'spec.servers[0].port.protocol', '"SPDY"']);
    expect(where(refusal(gateway(server({ port: { number: 0, name: 'http', protocol: 'HTTP' } }))))).toEqual(['c/gw', 'spec.servers[0].port.number', '0']);
    const tp = refusal(gateway(server({ port: { number: 80, name: 'http', protocol: 'HTTP', targetPort: 8080 } })));
    expect([tp.field, tp.expected]).toEqual(['spec.servers[0].port.targetPort', 'must be left out: targetPort has no effect on a Gateway (the gateway Service maps ports)']);
    const dup = refusal(gateway({
      servers: [
        { port: { number: 80, name: 'web', protocol: 'HTTP' }, hosts: ['a.example.com'] },
        { port: { number: 8080, name: 'web', protocol: 'HTTP' }, hosts: ['b.example.com'] },
      ],
    }));
    expect(where(dup)).toEqual(['c/gw', 'spec.servers[1].port.name', '"web"']);
    expect(dup.expected).toBe('must be unique among the Gateway\'s servers (spec.servers[0] has it)');
  });

  test('bind: an IP, or a unix socket with port number 0', () => {
    expect(where(refusal(gateway(server({ bind: 'localhost' }))))).toEqual(['c/gw', 'spec.servers[0].bind', '"localhost"']);
    expect(() => gateway(server({ bind: 'unix:///var/run/gw.sock', port: { number: 0, name: 'uds', protocol: 'HTTP' } }))()).not.toThrow();
    expect(refusal(gateway(server({ bind: 'unix:///var/run/gw.sock' }))).expected).toBe('must be 0 when bind is a unix domain socket');
  });

  test('HTTPS and TLS servers need tls; plain-text HTTP takes only httpsRedirect; TCP takes none', () => {
    const https = refusal(gateway(server({ port: { number: 443, name: 'https', protocol: 'HTTPS' } })));
    expect(where(https)).toEqual(['c/gw', 'spec.servers[0].tls', '(undefined)']);
    expect(() => gateway(server({ tls: { httpsRedirect: true } }))()).not.toThrow();
    const simple = refusal(gateway(server({ tls: { mode: 'SIMPLE', credentialName: 'c' } })));
    expect(simple.expected).toMatch(/^must only set httpsRedirect for plain-text protocol HTTP/);
    const tcp = refusal(gateway(server({ port: { number: 31400, name: 'tcp', protocol: 'TCP' }, tls: { mode: 'PASSTHROUGH' } })));
    expect(tcp.expected).toBe('must be left out for protocol TCP: TLS settings belong to HTTPS and TLS servers');
  });

  const tlsServer = (tls: GatewaySpecServer['tls']) => server({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls });

  test('SIMPLE and MUTUAL need a credentialName or serverCertificate and privateKey; MUTUAL files need caCertificates', () => {
    const cert = refusal(gateway(tlsServer({ mode: 'SIMPLE' })));
    expect(where(cert)).toEqual(['c/gw', 'spec.servers[0].tls.serverCertificate', '(undefined)']);
    expect(refusal(gateway(tlsServer({ mode: 'SIMPLE', serverCertificate: '/etc/certs/tls.crt' }))).field).toBe('spec.servers[0].tls.privateKey');
    expect(() => gateway(tlsServer({ mode: 'SIMPLE', serverCertificate: '/etc/certs/tls.crt', privateKey: '/etc/certs/tls.key' }))()).not.toThrow();
    const ca = refusal(gateway(tlsServer({ mode: 'MUTUAL', serverCertificate: '/c', privateKey: '/k' })));
    expect([ca.field, ca.expected]).toEqual(['spec.servers[0].tls.caCertificates', 'must be set: MUTUAL TLS (mode MUTUAL) without a credentialName needs a client CA bundle file']);
    expect(() => gateway(tlsServer({ mode: 'MUTUAL', credentialName: 'httpbin-credential' }))()).not.toThrow();
  });

  test('one certificate source; ISTIO_MUTUAL takes none; a CRL not with credentialName nor SIMPLE', () => {
    const two = refusal(gateway(tlsServer({ mode: 'SIMPLE', credentialName: 'a', serverCertificate: '/c', privateKey: '/k' })));
    expect(where(two)).toEqual(['c/gw', 'spec.servers[0].tls', '"serverCertificate/privateKey, credentialName"']);
    const im = refusal(gateway(tlsServer({ mode: 'ISTIO_MUTUAL', credentialName: 'a' })));
    expect([im.field, im.expected]).toEqual(['spec.servers[0].tls.credentialName', 'must be left out with mode ISTIO_MUTUAL: the mesh\'s own workload certificates are used']);
    expect(refusal(gateway(tlsServer({ mode: 'MUTUAL', credentialName: 'a', caCrl: '/crl' }))).field).toBe('spec.servers[0].tls.caCrl');
    expect(refusal(gateway(tlsServer({ mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k', caCrl: '/crl' }))).expected)
      .toBe('must be left out with mode SIMPLE: a CRL applies to client certificates (MUTUAL modes)');
    expect(() => gateway(tlsServer({ mode: 'PASSTHROUGH' }))()).not.toThrow();
    expect(() => gateway(server({ port: { number: 15443, name: 'tls', protocol: 'TLS' }, hosts: ['*.local'], tls: { mode: 'AUTO_PASSTHROUGH' } }))()).not.toThrow();
  });

  test('selector labels are label keys and values', () => {
    const e = refusal(gateway({ ...server({}), selector: { istio: 'ingress gateway' } }));
    expect(where(e)).toEqual(['c/gw', 'spec.selector.istio', '"ingress gateway"']);
  });
});
