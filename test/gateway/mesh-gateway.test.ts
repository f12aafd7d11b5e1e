import { EgressGateway, IngressGateway, MeshGateway } from '../../src';
import { findOne, ofKind, synthValid } from '../support/synth';
import { VERSIONS, mesh } from './fixtures';

const NS = 'istio-ingress';

describe.each(VERSIONS)('Gateway binding on Istio %s', (version) => {
  const apiVersion = version.line === '1.30' ? 'networking.istio.io/v1' : 'networking.istio.io/v1beta1';

  test('HTTPS with credential and HTTP redirect; selector equals the ingress selector', () => {
    const { istiod, chart } = mesh(version);
    const ingress = new IngressGateway(chart, 'ingress', { istiod });
    const gw = ingress.addGateway('public', {
      servers: [
        { port: { number: 443, protocol: 'HTTPS' }, hosts: ['api.example.com', '*.apps.example.com'], tls: { mode: 'SIMPLE', credentialName: 'example-com-tls', minProtocolVersion: 'TLSV1_2' } },
        { port: { number: 80, protocol: 'HTTP' }, hosts: ['api.example.com'], httpsRedirect: true },
      ],
    });
    const objs = synthValid(chart);
    const res = findOne(objs, 'Gateway', 'public', NS);
    expect(res.apiVersion).toBe(apiVersion);
    expect(res.spec.selector).toEqual(ingress.selector);
    expect(res.spec.selector).toEqual(findOne(objs, 'Service', ingress.name, NS).spec.selector);
    expect(res.spec.servers).toEqual([
      {
        port: { number: 443, name: 'https-443', protocol: 'HTTPS' },
        hosts: ['api.example.com', '*.apps.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'example-com-tls', minProtocolVersion: 'TLSV1_2' },
      },
      { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['api.example.com'], tls: { httpsRedirect: true } },
    ]);
    expect(gw).toBeInstanceOf(MeshGateway);
    expect(gw.gatewayRef).toBe(`${NS}/public`);
    expect(gw.name).toBe('public');
    expect(gw.namespace).toBe(NS);
    expect(gw.hosts).toEqual(['api.example.com', '*.apps.example.com']);
    expect(gw.ports).toEqual([443, 80]);
  });

  test('Gateway in another namespace, namespaced hosts, MUTUAL and PASSTHROUGH', () => {
    const { istiod, chart } = mesh(version);
    const ingress = new IngressGateway(chart, 'ingress', { istiod, ports: [{ name: 'tls-passthrough', port: 15443 }] });
    const gw = ingress.addGateway('shop', {
      name: 'shop-gateway',
      namespace: 'shop',
      labels: { team: 'shop' },
      servers: [
        { port: { number: 443, protocol: 'HTTPS', name: 'https-shop' }, hosts: ['shop/shop.example.com', './admin.example.com'], tls: { mode: 'MUTUAL', credentialName: 'shop-mtls', subjectAltNames: ['spiffe://partner'] } },
        { port: { number: 15443, protocol: 'TLS' }, hosts: ['*/legacy.example.com'], tls: { mode: 'PASSTHROUGH' } },
      ],
    });
    const res = findOne(synthValid(chart), 'Gateway', 'shop-gateway', 'shop');
    expect(res.metadata.labels).toEqual({ team: 'shop' });
    expect(res.spec.servers[0].tls).toEqual({ mode: 'MUTUAL', credentialName: 'shop-mtls', subjectAltNames: ['spiffe://partner'] });
    expect(res.spec.servers[1]).toEqual({ port: { number: 15443, name: 'tls-15443', protocol: 'TLS' }, hosts: ['*/legacy.example.com'], tls: { mode: 'PASSTHROUGH' } });
    expect(gw.gatewayRef).toBe('shop/shop-gateway');
    expect(gw.hosts).toEqual(['shop.example.com', 'admin.example.com', 'legacy.example.com']);
  });

  test('servers sharing a port get distinct default port names', () => {
    const { istiod, chart } = mesh(version);
    const ingress = new IngressGateway(chart, 'ingress', { istiod });
    ingress.addGateway('multi', {
      servers: [
        { port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'a-tls' } },
        { port: { number: 443, protocol: 'HTTPS' }, hosts: ['b.example.com'], tls: { mode: 'SIMPLE', credentialName: 'b-tls' } },
      ],
    });
    const res = findOne(synthValid(chart), 'Gateway', 'multi', NS);
    expect(res.spec.servers.map((s: { port: { name: string } }) => s.port.name)).toEqual(['https-443', 'https-443-1']);
  });

  test('ISTIO_MUTUAL, OPTIONAL_MUTUAL and AUTO_PASSTHROUGH', () => {
    const { istiod, chart } = mesh(version);
    const ingress = new IngressGateway(chart, 'ingress', { istiod, ports: [{ name: 'tls', port: 15443 }, { name: 'tls-mesh', port: 15012 }] });
    ingress.addGateway('cross', {
      servers: [
        { port: { number: 15443, protocol: 'TLS' }, hosts: ['*.local'], tls: { mode: 'AUTO_PASSTHROUGH' } },
        { port: { number: 15012, protocol: 'TLS' }, hosts: ['*'], tls: { mode: 'ISTIO_MUTUAL' } },
        { port: { number: 443, protocol: 'HTTPS' }, hosts: ['opt.example.com'], tls: { mode: 'OPTIONAL_MUTUAL', credentialName: 'opt' } },
      ],
    });
    const res = findOne(synthValid(chart), 'Gateway', 'cross', NS);
    expect(res.spec.servers.map((s: { tls: { mode: string } }) => s.tls.mode)).toEqual(['AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']);
  });

  test('an egress gateway binds Gateways with its own selector', () => {
    const { istiod, chart } = mesh(version);
    const egress = new EgressGateway(chart, 'egress', { istiod });
    egress.addGateway('out', { servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['example.org'] }] });
    const objs = synthValid(chart);
    expect(findOne(objs, 'Gateway', 'out', 'istio-egress').spec.selector).toEqual({ app: 'istio-egressgateway', istio: 'egressgateway' });
    expect(ofKind(objs, 'Gateway')).toHaveLength(1);
  });
});
