/**
 * Hand-written plain objects: the analyzer's input format. Each builder returns a schema-valid
 * object unless a test deliberately breaks it.
 */
import { K8sObject } from '../support/schema';

type Labels = Record<string, string>;

export function namespace(name: string, labels: Labels = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface PortSpec {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export function service(name: string, ns: string, selector: Labels, ports: PortSpec[] = [{ name: 'http', port: 80 }]): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns },
    spec: { selector, ports: ports.map((p) => ({ protocol: 'TCP', ...p })) },
  };
}

export function deployment(name: string, ns: string, podLabels: Labels, opts: { podAnnotations?: Labels; annotations?: Labels } = {}): K8sObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: ns, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: podLabels, ...(opts.podAnnotations ? { annotations: opts.podAnnotations } : {}) },
        spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
      },
    },
  };
}

export function virtualService(name: string, ns: string, spec: Record<string, unknown>): K8sObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: ns }, spec };
}

export function destinationRule(name: string, ns: string, spec: Record<string, unknown>): K8sObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: ns }, spec };
}

export function gateway(name: string, ns: string, selector: Labels, servers: Array<{ port: number; hosts: string[]; protocol?: string; name?: string }>): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name, namespace: ns },
    spec: {
      selector,
      servers: servers.map((s) => ({ port: { number: s.port, name: s.name ?? `p${s.port}`, protocol: s.protocol ?? 'HTTP' }, hosts: s.hosts })),
    },
  };
}

export function serviceEntry(name: string, ns: string, spec: Record<string, unknown>): K8sObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name, namespace: ns }, spec };
}

export function sidecar(name: string, ns: string, labels?: Labels): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name, namespace: ns },
    spec: { ...(labels ? { workloadSelector: { labels } } : {}), egress: [{ hosts: ['./*', 'istio-system/*'] }] },
  };
}

export function authorizationPolicy(name: string, ns: string, matchLabels?: Labels): K8sObject {
  return {
    apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns },
    spec: { ...(matchLabels ? { selector: { matchLabels } } : {}), action: 'ALLOW', rules: [{ from: [{ source: { namespaces: ['argocd'] } }] }] },
  };
}

export function peerAuthentication(name: string, ns: string, spec: Record<string, unknown>): K8sObject {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns }, spec };
}

/** The injector ConfigMap as far as the analyzer reads it (values JSON with the CNI flag). */
export function injectorConfigMap(cni: boolean, line: '1.20' | '1.30' = '1.30', revision?: string, templates?: string[]): K8sObject {
  const values = line === '1.30' ? { pilot: { cni: { enabled: cni } } } : { istio_cni: { enabled: cni } };
  // the layout the injector's config has: templates as literal blocks under a top-level `templates:` map
  const config = templates
    ? `policy: enabled\ntemplates:\n${templates.map((t) => `  ${t}: |\n    {{- /* ${t} */}}\n    spec: {}\n`).join('')}`
    : 'policy: enabled';
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: revision ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector', namespace: 'istio-system' },
    data: { values: JSON.stringify(values), config },
  };
}

/** A route destination. */
export function dest(host: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { destination: { host, ...extra } };
}

/** An ingress gateway workload with its Service (ports 80/443 and status port 15021). */
export function ingressWorkload(ns = 'istio-ingress'): K8sObject[] {
  return [
    deployment('istio-ingressgateway', ns, { app: 'istio-ingressgateway', istio: 'ingressgateway' }, { podAnnotations: { 'inject.istio.io/templates': 'gateway' } }),
    service('istio-ingressgateway', ns, { app: 'istio-ingressgateway', istio: 'ingressgateway' }, [
      { name: 'status-port', port: 15021, targetPort: 15021 },
      { name: 'http2', port: 80, targetPort: 80 },
      { name: 'https', port: 443, targetPort: 443 },
    ]),
  ];
}
