import { GatewayService, IngressGateway } from '../../src';
import { isIstioPortName } from '../../src/gateway/ports';
import { findOne, synthValid } from '../support/synth';
import { mesh } from './fixtures';

const NS = 'istio-ingress';
const NAME = 'istio-ingressgateway';

function service(svc: GatewayService, extra: Partial<ConstructorParameters<typeof IngressGateway>[2]> = {}) {
  const { istiod, chart } = mesh();
  const gw = new IngressGateway(chart, 'ingress', { istiod, service: svc, ...extra });
  return { gw, svc: findOne(synthValid(chart), 'Service', NAME, NS) };
}

describe('LoadBalancer', () => {
  test('MetalLB address and pool through the current metallb.io annotations, no spec.loadBalancerIP', () => {
    const { svc } = service(GatewayService.loadBalancer({ ip: '192.168.1.240', pool: 'public-pool' }));
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.metadata.annotations).toEqual({
      'metallb.io/address-pool': 'public-pool',
      'metallb.io/loadBalancerIPs': '192.168.1.240',
    });
    expect(svc.spec.loadBalancerIP).toBeUndefined();
    expect(Object.keys(svc.metadata.annotations ?? {}).some((k) => k.startsWith('metallb.universe.tf'))).toBe(false);
  });

  test('IPv6 address', () => {
    const { svc } = service(GatewayService.loadBalancer({ ip: 'fd00::240' }));
    expect(svc.metadata.annotations?.['metallb.io/loadBalancerIPs']).toBe('fd00::240');
  });

  test('externalTrafficPolicy Local and source ranges', () => {
    const { svc } = service(GatewayService.loadBalancer({ externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['10.0.0.0/8'] }));
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
    expect(svc.spec.loadBalancerSourceRanges).toEqual(['10.0.0.0/8']);
    expect(svc.metadata.annotations).toBeUndefined();
  });

  test('MetalLB annotations merge with user service annotations', () => {
    const { svc } = service(GatewayService.loadBalancer({ ip: '192.168.1.240' }), { serviceAnnotations: { 'example.com/a': 'b' } });
    expect(svc.metadata.annotations).toEqual({ 'example.com/a': 'b', 'metallb.io/loadBalancerIPs': '192.168.1.240' });
  });
});

describe('NodePort', () => {
  test('fixed node ports on http2/https/status', () => {
    const { gw, svc } = service(GatewayService.nodePort({ http: 31080, https: 31443, status: 31021 }));
    expect(gw.serviceType).toBe('NodePort');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports).toEqual([
      { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021, nodePort: 31021 },
      { name: 'http2', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 31080 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 443, nodePort: 31443 },
    ]);
    expect(svc.metadata.annotations).toBeUndefined();
  });

  test('unset node ports are left to Kubernetes', () => {
    const { svc } = service(GatewayService.nodePort({ https: 31443 }));
    expect(svc.spec.ports.map((p: { nodePort?: number }) => p.nodePort)).toEqual([undefined, undefined, 31443]);
  });

  test('externalTrafficPolicy on NodePort', () => {
    const { svc } = service(GatewayService.nodePort({ externalTrafficPolicy: 'Local' }));
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
  });

  test('extra ports may carry a node port', () => {
    const { svc } = service(GatewayService.nodePort({ http: 31080 }), { ports: [{ name: 'tcp-db', port: 5432, nodePort: 31432 }] });
    expect(svc.spec.ports[3]).toEqual({ name: 'tcp-db', port: 5432, protocol: 'TCP', targetPort: 5432, nodePort: 31432 });
  });
});

describe('ClusterIP', () => {
  test('in-cluster only, no annotations, no node ports', () => {
    const { gw, svc } = service(GatewayService.clusterIP());
    expect(gw.serviceType).toBe('ClusterIP');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.externalTrafficPolicy).toBeUndefined();
    expect(svc.spec.ports.every((p: { nodePort?: number }) => p.nodePort === undefined)).toBe(true);
  });
});

describe('extra ports', () => {
  test('named by Istio protocol prefix, with target port and protocol; bindable by Gateways', () => {
    const { gw, svc } = service(GatewayService.loadBalancer(), {
      ports: [
        { name: 'tcp-postgres', port: 5432 },
        { name: 'tls', port: 15443, targetPort: 15443 },
        { name: 'grpc-web-api', port: 8080, targetPort: 8081 },
        { name: 'udp-dns', port: 5353, protocol: 'UDP' },
      ],
    });
    expect(svc.spec.ports.slice(3)).toEqual([
      { name: 'tcp-postgres', port: 5432, protocol: 'TCP', targetPort: 5432 },
      { name: 'tls', port: 15443, protocol: 'TCP', targetPort: 15443 },
      { name: 'grpc-web-api', port: 8080, protocol: 'TCP', targetPort: 8081 },
      { name: 'udp-dns', port: 5353, protocol: 'UDP', targetPort: 5353 },
    ]);
    expect(gw.gatewayPorts).toEqual([80, 443, 5432, 15443, 8080, 5353]);
    expect(gw.servicePorts.map((p) => p.name)).toEqual(['status-port', 'http2', 'https', 'tcp-postgres', 'tls', 'grpc-web-api', 'udp-dns']);
  });

  test.each([
    ['http', true], ['http2', true], ['https-web', true], ['grpc', true], ['grpc-web', true], ['tcp-db', true],
    ['tls-passthrough', true], ['mongo', true], ['mysql-main', true], ['redis', true], ['udp-dns', true],
    ['postgres', false], ['web-http', false], ['httpx', false], ['tcp_', false], ['HTTP', false], ['', false],
  ])('isIstioPortName(%j) is %s', (name, ok) => {
    expect(isIstioPortName(name as string)).toBe(ok);
  });
});
