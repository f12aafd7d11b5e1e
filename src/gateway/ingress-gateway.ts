import { Construct } from 'constructs';
import { GatewayWorkload, GatewayWorkloadProps } from './gateway-workload';
import { GatewayService } from './service';

/** Props of {@link IngressGateway}. */
export interface IngressGatewayProps extends GatewayWorkloadProps {}

/**
 * The mesh's entry point: Istio's `gateway` chart for the chosen version, by default named
 * `istio-ingressgateway` in its own namespace `istio-ingress`, selected by `istio: ingressgateway`,
 * behind a LoadBalancer Service (ports 15021, 80, 443), autoscaled 1-5 on CPU.
 *
 * @example
 * const ingress = new IngressGateway(chart, 'ingress', {
 *   istiod,
 *   service: GatewayService.loadBalancer({ ip: '192.168.1.240' }),
 * });
 * ingress.addGateway('public', { servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['*.example.com'] }] });
 */
export class IngressGateway extends GatewayWorkload {
  public constructor(scope: Construct, id: string, props: IngressGatewayProps) {
    super(scope, id, props, {
      name: 'istio-ingressgateway',
      namespace: 'istio-ingress',
      service: GatewayService.loadBalancer(),
    });
  }
}
