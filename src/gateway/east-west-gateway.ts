import { Construct } from 'constructs';
import { VirtualService } from '../networking/virtual-service';
import { fail, isLabelValue } from '../validation';
import { GatewayWorkload, GatewayWorkloadProps, NETWORK_GATEWAY_PORTS } from './gateway-workload';
import { MeshGateway } from './mesh-gateway';
import { GatewayService } from './service';
import { EAST_WEST_GATEWAY_PROPS } from './shapes';

/** Props of {@link EastWestGateway}. */
export interface EastWestGatewayProps extends GatewayWorkloadProps {
  /**
   * The network this gateway serves (the gateway chart's `networkGateway`): other networks reach this network's
   * services through it. A label value.
   * @default - the network of `istiod` (an error when that has none)
   */
  readonly network?: string;
  /**
   * Expose this network's services to the other networks: the Gateway `cross-network-gateway` on port 15443 with
   * TLS `AUTO_PASSTHROUGH` for hosts `*.local` (mTLS from the calling sidecar straight to the workload; the gateway
   * routes on SNI and never terminates).
   * @default true
   */
  readonly exposeServices?: boolean;
  /**
   * Expose istiod to remote clusters of a primary-remote mesh on another network: the Gateway `istiod-gateway`
   * (15012 xDS/CA and 15017 webhooks, TLS `PASSTHROUGH`) and the VirtualService `istiod-vs` routing them to istiod.
   * @default false
   */
  readonly exposeIstiod?: boolean;
}

/**
 * The east-west gateway of a multi-network mesh: Istio's `gateway` chart in its network-gateway mode
 * (`networkGateway: <network>`), by default `istio-eastwestgateway` in the control-plane namespace, selected by
 * `istio: eastwestgateway`, behind a LoadBalancer Service with status-port 15021, tls 15443, tls-istiod 15012 and
 * tls-webhook 15017; Service and pods labelled `topology.istio.io/network: <network>`, the proxy asking for its
 * network's view. With it the `cross-network-gateway` Gateway (and with `exposeIstiod` istiod's Gateway and route).
 *
 * istiod finds the gateway by the network label of its Service and hands its address to the other networks' proxies
 * as the endpoint of this network's services.
 *
 * @example
 * const istiod = new Istiod(chart, 'istiod', { base, clusterName: 'pi-a', meshId: 'home', network: 'net-a' });
 * new EastWestGateway(chart, 'eastwest', { istiod, service: GatewayService.loadBalancer({ ip: '192.168.1.241' }) });
 */
export class EastWestGateway extends GatewayWorkload {
  /** The network the gateway serves. */
  public readonly network: string;
  /** `cross-network-gateway`, when `exposeServices` is on. */
  public readonly crossNetworkGateway?: MeshGateway;
  /** `istiod-gateway`, when `exposeIstiod` is on. */
  public readonly istiodGateway?: MeshGateway;

  public constructor(scope: Construct, id: string, props: EastWestGatewayProps) {
    const { network: given, exposeServices, exposeIstiod, ...workload } = props ?? ({} as EastWestGatewayProps);
    const network = given ?? workload.istiod?.network;
    super(scope, id, props, {
      name: 'istio-eastwestgateway',
      namespace: workload.istiod?.namespace ?? 'istio-system',
      service: GatewayService.loadBalancer(),
      networkGateway: network,
      propsShape: EAST_WEST_GATEWAY_PROPS,
    });
    if (network === undefined) {
      fail(this, 'network', network, `must name the network this gateway serves; ${workload.istiod.node.path} has no network either (set Istiod network, or network here)`);
    }
    if (network === '' || !isLabelValue(network)) fail(this, 'network', network, 'must be a non-empty label value (it becomes topology.istio.io/network)');
    if (workload.istiod.network !== undefined && workload.istiod.network !== network) {
      fail(this, 'network', network, `differs from the network of ${workload.istiod.node.path} ("${workload.istiod.network}"): an east-west gateway serves its own cluster's network`);
    }
    this.network = network;
    if (exposeServices ?? true) {
      this.crossNetworkGateway = this.addGateway('cross-network', {
        name: 'cross-network-gateway',
        servers: [{ port: { number: NETWORK_GATEWAY_PORTS.tls, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }],
      });
    }
    if (exposeIstiod ?? false) {
      this.istiodGateway = this.addGateway('istiod', {
        name: 'istiod-gateway',
        servers: [
          { port: { number: NETWORK_GATEWAY_PORTS.tlsIstiod, name: 'tls-istiod', protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH' }, hosts: ['*'] },
          { port: { number: NETWORK_GATEWAY_PORTS.tlsWebhook, name: 'tls-istiodwebhook', protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH' }, hosts: ['*'] },
        ],
      });
      const istiodHost = `${workload.istiod.serviceName}.${workload.istiod.namespace}.svc.cluster.local`;
      new VirtualService(this, 'istiod-vs', {
        namespace: { istiod: workload.istiod, name: this.istiodGateway.namespace },
        name: 'istiod-vs',
        spec: {
          hosts: ['*'],
          gateways: [this.istiodGateway.name],
          tls: [
            { match: [{ port: NETWORK_GATEWAY_PORTS.tlsIstiod, sniHosts: ['*'] }], route: [{ destination: { host: istiodHost, port: { number: 15012 } } }] },
            { match: [{ port: NETWORK_GATEWAY_PORTS.tlsWebhook, sniHosts: ['*'] }], route: [{ destination: { host: istiodHost, port: { number: 443 } } }] },
          ],
        },
      });
    }
  }
}
