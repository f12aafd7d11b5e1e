import { analyze, EgressGateway, GatewayService } from '../../src';
import { findOne, ids, ofKind, synthValid } from '../support/synth';
import { VERSIONS, mesh } from './fixtures';

const NS = 'istio-egress';
const NAME = 'istio-egressgateway';
const SVC = `${NAME}.${NS}.svc.cluster.local`;

describe.each(VERSIONS)('EgressGateway on Istio %s', (version) => {
  const net = version.line === '1.30' ? 'networking.istio.io/v1' : 'networking.istio.io/v1beta1';

  test('default: chart object set, ClusterIP service with 15021/80/443, selector istio: egressgateway', () => {
    const { istiod, chart } = mesh(version);
    const egress = new EgressGateway(chart, 'egress', { istiod });
    const objs = synthValid(chart);
    expect(ids(objs).sort()).toEqual([
      `Deployment ${NS}/${NAME}`,
      `HorizontalPodAutoscaler ${NS}/${NAME}`,
      `Namespace ${NS}`,
      `Role ${NS}/${NAME}`,
      `RoleBinding ${NS}/${NAME}`,
      `Service ${NS}/${NAME}`,
      `ServiceAccount ${NS}/${NAME}`,
    ]);
    expect(egress.selector).toEqual({ app: NAME, istio: 'egressgateway' });
    const svc = findOne(objs, 'Service', NAME, NS);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`)).toEqual(['status-port:15021', 'http2:80', 'https:443']);
    const pod = findOne(objs, 'Deployment', NAME, NS).spec.template;
    expect(pod.metadata.annotations['inject.istio.io/templates']).toBe('gateway');
    expect(pod.spec.containers[0].image).toBe('auto');
  });

  test('routeExternalHost (TLS passthrough): ServiceEntry + Gateway + VirtualService + DestinationRule', () => {
    const { istiod, chart } = mesh(version, { meshConfig: { outboundTrafficPolicy: 'REGISTRY_ONLY' } });
    const egress = new EgressGateway(chart, 'egress', { istiod });
    const route = egress.routeExternalHost('github', { host: 'api.github.com' });
    const objs = synthValid(chart);
    expect(route.name).toBe('api-github-com');
    expect(route.port).toBe(443);
    expect(route.protocol).toBe('TLS');

    const se = findOne(objs, 'ServiceEntry', 'api-github-com', NS);
    expect(se.apiVersion).toBe(net);
    expect(se.spec).toEqual({
      hosts: ['api.github.com'],
      ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
    });

    const gw = findOne(objs, 'Gateway', 'api-github-com', NS);
    expect(gw.spec).toEqual({
      selector: egress.selector,
      servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['api.github.com'], tls: { mode: 'PASSTHROUGH' } }],
    });
    expect(route.gateway.gatewayRef).toBe(`${NS}/api-github-com`);

    const vs = findOne(objs, 'VirtualService', 'api-github-com', NS);
    expect(vs.spec.hosts).toEqual(['api.github.com']);
    expect(vs.spec.gateways).toEqual([`${NS}/api-github-com`, 'mesh']);
    expect(vs.spec.tls).toEqual([
      { match: [{ gateways: ['mesh'], port: 443, sniHosts: ['api.github.com'] }], route: [{ destination: { host: SVC, subset: 'api-github-com', port: { number: 443 } } }] },
      { match: [{ gateways: [`${NS}/api-github-com`], port: 443, sniHosts: ['api.github.com'] }], route: [{ destination: { host: 'api.github.com', port: { number: 443 } }, weight: 100 }] },
    ]);
    expect(vs.spec.http).toBeUndefined();

    const dr = findOne(objs, 'DestinationRule', NAME, NS);
    expect(dr.apiVersion).toBe(net);
    expect(dr.spec).toEqual({ host: SVC, subsets: [{ name: 'api-github-com' }] });
  });

  test('routeExternalHost (plain HTTP) routes on port 80', () => {
    const { istiod, chart } = mesh(version);
    const egress = new EgressGateway(chart, 'egress', { istiod });
    egress.routeExternalHost('plain', { host: 'example.org', protocol: 'HTTP', name: 'example' });
    const objs = synthValid(chart);
    expect(findOne(objs, 'ServiceEntry', 'example', NS).spec.ports).toEqual([{ number: 80, name: 'http-80', protocol: 'HTTP' }]);
    expect(findOne(objs, 'Gateway', 'example', NS).spec.servers).toEqual([{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['example.org'] }]);
    const vs = findOne(objs, 'VirtualService', 'example', NS);
    expect(vs.spec.http).toEqual([
      { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: SVC, subset: 'example', port: { number: 80 } } }] },
      { match: [{ gateways: [`${NS}/example`], port: 80 }], route: [{ destination: { host: 'example.org', port: { number: 80 } }, weight: 100 }] },
    ]);
    expect(ofKind(objs, 'DestinationRule').map((d) => d.metadata.name)).toEqual([NAME]);
  });

  test('routeExternalHost with TLS origination at the gateway', () => {
    const { istiod, chart } = mesh(version);
    const egress = new EgressGateway(chart, 'egress', { istiod });
    egress.routeExternalHost('api', { host: 'api.partner.com', protocol: 'HTTP', tls: { credentialName: 'partner-client' } });
    const objs = synthValid(chart);
    expect(findOne(objs, 'ServiceEntry', 'api-partner-com', NS).spec.ports).toEqual([
      { number: 80, name: 'http-80', protocol: 'HTTP' },
      { number: 443, name: 'https-443', protocol: 'HTTPS' },
    ]);
    const vs = findOne(objs, 'VirtualService', 'api-partner-com', NS);
    expect(vs.spec.http[1].route).toEqual([{ destination: { host: 'api.partner.com', port: { number: 443 } }, weight: 100 }]);
    const dr = findOne(objs, 'DestinationRule', 'api-partner-com-tls-origination', NS);
    expect(dr.spec).toEqual({
      host: 'api.partner.com',
      exportTo: ['.'],
      trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'MUTUAL', sni: 'api.partner.com', credentialName: 'partner-client' } }] },
    });
  });

  test('simple TLS origination verifies the host against the system CA bundle (no IST0129 warning)', () => {
    const { istiod, chart } = mesh(version);
    const egress = new EgressGateway(chart, 'egress', { istiod });
    egress.routeExternalHost('api', { host: 'api.partner.com', protocol: 'HTTP', tls: {} });
    egress.routeExternalHost('own', { host: 'own.partner.com', protocol: 'HTTP', tls: { caCertificates: '/etc/partner/ca.pem' } });
    const objs = synthValid(chart);
    const tlsOf = (name: string) => findOne(objs, 'DestinationRule', name, NS).spec.trafficPolicy.portLevelSettings[0].tls;
    expect(tlsOf('api-partner-com-tls-origination')).toEqual({ mode: 'SIMPLE', sni: 'api.partner.com', caCertificates: '/etc/ssl/certs/ca-certificates.crt' });
    expect(tlsOf('own-partner-com-tls-origination').caCertificates).toBe('/etc/partner/ca.pem');
    expect(analyze(objs).filter((f) => f.code === 'IST0128' || f.code === 'IST0129')).toEqual([]);
    expect(() => egress.routeExternalHost('bad', { host: 'bad.partner.com', protocol: 'HTTP', tls: { caCertificates: 'ca.pem' } }))
      .toThrow(/test\/egress\/bad: invalid tls\.caCertificates "ca\.pem": must be an absolute file path inside the proxy/);
  });

  test('several routes share one DestinationRule with one subset each', () => {
    const { istiod, chart } = mesh(version);
    const egress = new EgressGateway(chart, 'egress', { istiod });
    egress.routeExternalHost('a', { host: 'a.example.com' });
    egress.routeExternalHost('b', { host: 'b.example.com', protocol: 'HTTP' });
    egress.routeExternalHost('c', { host: 'c.example.com', port: 8443 });
    const objs = synthValid(chart);
    expect(ofKind(objs, 'DestinationRule')).toHaveLength(1);
    expect(findOne(objs, 'DestinationRule', NAME, NS).spec.subsets).toEqual([
      { name: 'a-example-com' }, { name: 'b-example-com' }, { name: 'c-example-com' },
    ]);
    expect(ofKind(objs, 'ServiceEntry')).toHaveLength(3);
    expect(ofKind(objs, 'VirtualService')).toHaveLength(3);
    expect(ofKind(objs, 'Gateway')).toHaveLength(3);
    // an app on port 8443 goes through the gateway's 443 listener and out to 8443
    const vs = findOne(objs, 'VirtualService', 'c-example-com', NS);
    expect(vs.spec.tls[0].match[0].port).toBe(8443);
    expect(vs.spec.tls[1].match[0].port).toBe(443);
    expect(vs.spec.tls[1].route[0].destination.port.number).toBe(8443);
  });

  test('egress in istio-system with a LoadBalancer on request', () => {
    const { istiod, chart } = mesh(version);
    new EgressGateway(chart, 'egress', { istiod, namespace: 'istio-system', service: GatewayService.loadBalancer() });
    const objs = synthValid(chart);
    expect(ofKind(objs, 'Namespace')).toHaveLength(0);
    expect(findOne(objs, 'Service', NAME, 'istio-system').spec.type).toBe('LoadBalancer');
  });
});
