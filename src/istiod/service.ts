/**
 * The istiod Service: xDS, CA/DNS, webhook and monitoring ports.
 *
 * @internal
 */
import { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KubeJson, kubeObject } from '../kube';
import { IstiodContext } from './context';

/** Ports of the istiod Service, the same on every version. */
export function istiodServicePorts(): Array<KubeJson<k8s.ServicePort>> {
  return [
    { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
    { name: 'https-dns', port: 15012, protocol: 'TCP' },
    { name: 'https-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
    { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
  ];
}

/** Adds the ClusterIP Service `istiod[-rev]` selecting this revision's pods. */
export function addService(scope: Construct, ctx: IstiodContext): ApiObject {
  return kubeObject(scope, 'service', 'Service', {
    metadata: ctx.meta(ctx.name),
    spec: { ports: istiodServicePorts(), selector: ctx.selectorLabels },
  });
}
