import { EgressGateway, GatewayService, IngressGateway, IstioVersion, ResourcePreset } from '../../src';
import { findOne, ids, ofKind, synthValid } from '../support/synth';
import { mesh } from './fixtures';

/** Memory as the MLOps role sets it; CPU stays at the chart's defaults, as a Helm values override would leave it. */
const MLOPS_RESOURCES = ResourcePreset.of({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '2000m', memory: '512Mi' } });

describe('MLOps platform (../shared/platforms/mlops-platform-istio-role.md)', () => {
  function mlops(service: GatewayService) {
    const { istiod, chart } = mesh(IstioVersion.V1_30_3);
    const gateway = new IngressGateway(chart, 'gateway', {
      istiod,
      name: 'istio-gateway',
      namespace: 'istio-gateway',
      // the role's Gateway resources select `istio: ingressgateway`
      selectorLabels: { istio: 'ingressgateway' },
      service,
      resources: MLOPS_RESOURCES,
    });
    const ml = gateway.addGateway('ml', {
      name: 'ml-gateway',
      namespace: 'istio-system',
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.local'] }],
    });
    return { gateway, ml, objs: synthValid(chart) };
  }

  test('MetalLB LoadBalancer at 192.168.1.240 in namespace istio-gateway, Service istio-gateway', () => {
    const { objs } = mlops(GatewayService.loadBalancer({ ip: '192.168.1.240' }));
    expect(ids(objs).sort()).toEqual([
      'Deployment istio-gateway/istio-gateway',
      'Gateway istio-system/ml-gateway',
      'HorizontalPodAutoscaler istio-gateway/istio-gateway',
      'Namespace istio-gateway',
      'Role istio-gateway/istio-gateway',
      'RoleBinding istio-gateway/istio-gateway',
      'Service istio-gateway/istio-gateway',
      'ServiceAccount istio-gateway/istio-gateway',
    ]);
    const svc = findOne(objs, 'Service', 'istio-gateway', 'istio-gateway');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.metadata.annotations).toEqual({ 'metallb.io/loadBalancerIPs': '192.168.1.240' });
    expect(findOne(objs, 'Namespace', 'istio-gateway').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  test('NodePorts 31080/31443', () => {
    const { objs } = mlops(GatewayService.nodePort({ http: 31080, https: 31443 }));
    const svc = findOne(objs, 'Service', 'istio-gateway', 'istio-gateway');
    expect(svc.spec.type).toBe('NodePort');
    const byName = Object.fromEntries(svc.spec.ports.map((p: { name: string; nodePort?: number }) => [p.name, p.nodePort]));
    expect(byName).toEqual({ 'status-port': undefined, 'http2': 31080, 'https': 31443 });
  });

  test('memory 256Mi request / 512Mi limit, HPA on, Gateway selects the gateway pods', () => {
    const { gateway, ml, objs } = mlops(GatewayService.loadBalancer({ ip: '192.168.1.240' }));
    const c = findOne(objs, 'Deployment', 'istio-gateway', 'istio-gateway').spec.template.spec.containers[0];
    expect(c.resources.requests.memory).toBe('256Mi');
    expect(c.resources.limits.memory).toBe('512Mi');
    expect(findOne(objs, 'HorizontalPodAutoscaler', 'istio-gateway', 'istio-gateway').spec).toMatchObject({ minReplicas: 1, maxReplicas: 5 });
    const res = findOne(objs, 'Gateway', 'ml-gateway', 'istio-system');
    expect(res.spec.selector).toEqual({ app: 'istio-gateway', istio: 'ingressgateway' });
    expect(res.spec.selector).toEqual(gateway.selector);
    expect(ml.gatewayRef).toBe('istio-system/ml-gateway');
    expect(ml.hosts).toEqual(['*.local']);
  });
});

describe('Raspberry-Pi cluster (../shared/platforms/pi-cluster-istio-role.md)', () => {
  function pi() {
    const { istiod, chart } = mesh(IstioVersion.V1_20_3);
    const ingress = new IngressGateway(chart, 'ingress', { istiod, namespace: 'istio-system', resources: ResourcePreset.raspberryPi() });
    const egress = new EgressGateway(chart, 'egress', { istiod, namespace: 'istio-system', resources: ResourcePreset.raspberryPi() });
    const trading = ingress.addGateway('trading', {
      name: 'trading-gateway',
      namespace: 'trading',
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    });
    return { ingress, egress, trading, objs: synthValid(chart) };
  }

  test('ingress and egress in istio-system, no Namespace object, services named as the role expects', () => {
    const { objs } = pi();
    expect(ofKind(objs, 'Namespace')).toHaveLength(0);
    expect(findOne(objs, 'Service', 'istio-ingressgateway', 'istio-system').spec.type).toBe('LoadBalancer');
    expect(findOne(objs, 'Service', 'istio-egressgateway', 'istio-system').spec.type).toBe('ClusterIP');
    expect(objs.every((o) => ['istio-system', 'trading'].includes(o.metadata.namespace!))).toBe(true);
  });

  test('requests 100m/128Mi, limits 500m/256Mi on both gateways; Istio 1.20 pod security', () => {
    const { objs } = pi();
    for (const name of ['istio-ingressgateway', 'istio-egressgateway']) {
      const c = findOne(objs, 'Deployment', name, 'istio-system').spec.template.spec.containers[0];
      expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
      expect(c.securityContext).toMatchObject({ runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true });
    }
  });

  test('the trading Gateway is v1beta1 and selects istio: ingressgateway', () => {
    const { trading, objs } = pi();
    const res = findOne(objs, 'Gateway', 'trading-gateway', 'trading');
    expect(res.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(res.spec.selector).toEqual({ app: 'istio-ingressgateway', istio: 'ingressgateway' });
    expect(trading.gatewayRef).toBe('trading/trading-gateway');
    expect(trading.hosts).toEqual(['*']);
  });
});
