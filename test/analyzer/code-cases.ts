/**
 * Cases of the codes that follow Istio's analyzers beyond the routing basics (one or more per code): `bad` raises
 * the code on the named object and field, `good` (the same input, corrected) does not. Used by codes.test.ts.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AnalyzeOptions } from '../../src/analyzer';
import { K8sObject } from '../support/schema';
import { authorizationPolicy, deployment, dest, gateway, namespace, service, serviceEntry, sidecar, virtualService } from './fixtures';

export interface Case {
  readonly code: string;
  readonly title: string;
  readonly bad: K8sObject[];
  readonly good: K8sObject[];
  /** The finding expected on `bad`. */
  readonly expect: { kind: string; name: string; field: string; message: RegExp };
  readonly options?: AnalyzeOptions;
  /** The bad input breaks the Istio schema on purpose (IST0106 cases). */
  readonly badIsSchemaInvalid?: boolean;
  /** The objects carry parts the test schemas do not describe (status, running pods' proxies): not schema-checked. */
  readonly notInSchemas?: boolean;
}

type Labels = Record<string, string>;

const pod = (name: string, ns: string, labels: Labels, spec: Record<string, unknown> = {}, annotations?: Labels): K8sObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels, ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'app', image: 'example/app:1' }], ...spec },
});
const withProxy = (image: string) => ({ containers: [{ name: 'app', image: 'example/app:1' }, { name: 'istio-proxy', image }] });
const istioObject = (apiVersion: string, kind: string, name: string, ns: string, spec: Record<string, unknown>, status?: Record<string, unknown>): K8sObject => ({
  apiVersion, kind, metadata: { name, namespace: ns }, spec, ...(status ? { status } : {}),
});
const telemetry = (name: string, ns: string, spec: Record<string, unknown>) => istioObject('telemetry.istio.io/v1', 'Telemetry', name, ns, spec);
const envoyFilter = (name: string, patches: Array<Record<string, unknown>>, priority?: number) =>
  istioObject('networking.istio.io/v1alpha3', 'EnvoyFilter', name, 'shop', { ...(priority !== undefined ? { priority } : {}), configPatches: patches });
const injectorValues = (hub: string, tag: string, extra: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
  data: { values: JSON.stringify({ global: { hub, tag, proxy: { image: 'proxyv2' } }, ...extra }), config: 'policy: enabled' },
});
const webhookConfig = (name: string, kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', webhooks: Array<Record<string, unknown>>, labels?: Labels): K8sObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name, ...(labels ? { labels } : {}) },
  webhooks: webhooks.map((w) => ({ admissionReviewVersions: ['v1'], sideEffects: 'None', ...w })),
});
const injectionWebhook = (name: string, namespaceSelector: Record<string, unknown>, service = { name: 'istiod', namespace: 'istio-system' }) =>
  ({ name, namespaceSelector, clientConfig: { service: { ...service, path: '/inject' } } });
const istiodService = () => service('istiod', 'istio-system', { app: 'istiod' }, [{ name: 'https-webhook', port: 443, targetPort: 15017 }]);
const tlsGateway = (name: string, ns: string, credentialName: string) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name, namespace: ns },
  spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: [`${name}.example.com`], tls: { mode: 'SIMPLE', credentialName } }] },
});
const meshConfigMap = (meshNetworks: string): K8sObject => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'rootNamespace: istio-system\n', meshNetworks },
});
const istiod = (env: Array<{ name: string; value: string }>): K8sObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod' } },
  spec: { selector: { matchLabels: { app: 'istiod' } }, template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [{ name: 'discovery', image: 'pilot', env }] } } },
});
const gatewayPods = (): K8sObject[] => [
  namespace('istio-ingress', {}),
  deployment('istio-ingressgateway', 'istio-ingress', { istio: 'ingressgateway' }, { podAnnotations: { 'inject.istio.io/templates': 'gateway' } }),
];

const networkPolicy = (name: string, ns: string, spec: Record<string, unknown>): K8sObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
const fromNamespace = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
/** Two zero-trust namespaces: each admits only itself (ingress and egress), as ZeroTrustNamespace's baseline. */
const zeroTrust = (...nss: string[]): K8sObject[] => nss.flatMap((ns) => [
  namespace(ns, { 'istio-injection': 'enabled' }),
  deployment('app', ns, { app: ns }),
  networkPolicy('baseline', ns, { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] }),
]);
const allowCaller = (caller: string) => istioObject('security.istio.io/v1', 'AuthorizationPolicy', `allow-${caller}`, 'ledger', { action: 'ALLOW', rules: [{ from: [{ source: { namespaces: [caller] } }] }] });

/** A self-signed certificate valid now (made with openssl, which the project's machines have). */
function currentCertificate(): { cert: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=shop.example.com', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')], { stdio: 'pipe' });
    return { cert: fs.readFileSync(path.join(dir, 'c.pem'), 'utf-8'), key: fs.readFileSync(path.join(dir, 'k.pem'), 'utf-8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const tlsSecret = (name: string, ns: string, data: Record<string, string>): K8sObject => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'Opaque',
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

export const UPSTREAM_CASES: Case[] = [
  {
    code: 'IST0002', title: 'fault delay with the deprecated percent field',
    bad: [virtualService('api', 'shop', { hosts: ['api'], http: [{ fault: { delay: { percent: 10, fixedDelay: '1s' } }, route: [dest('api')] }] })],
    good: [virtualService('api', 'shop', { hosts: ['api'], http: [{ fault: { delay: { percentage: { value: 10 }, fixedDelay: '1s' } }, route: [dest('api')] }] })],
    expect: { kind: 'VirtualService', name: 'api', field: 'spec.http[0].fault.delay.percent', message: /percent is deprecated; use HTTPRoute\.fault\.delay\.percentage/ },
  },
  {
    code: 'IST0002', title: 'Telemetry tracing to a Lightstep provider',
    bad: [telemetry('mesh-default', 'istio-system', { tracing: [{ providers: [{ name: 'lightstep' }] }] })],
    good: [telemetry('mesh-default', 'istio-system', { tracing: [{ providers: [{ name: 'otel' }] }] })],
    options: { meshConfig: { extensionProviders: [{ name: 'lightstep', lightstep: { service: 'ls.monitoring.svc.cluster.local', port: 443 } }, { name: 'otel', opentelemetry: {} }] } },
    expect: { kind: 'Telemetry', name: 'mesh-default', field: 'spec.tracing[0].providers[0]', message: /Lightstep provider lightstep is deprecated/ },
  },
  {
    code: 'IST0103', title: 'a running pod of an injected namespace without the proxy',
    bad: [namespace('shop', { 'istio-injection': 'enabled' }), pod('api-1', 'shop', { app: 'api' })],
    good: [namespace('shop', { 'istio-injection': 'enabled' }), pod('api-1', 'shop', { app: 'api' }, withProxy('docker.io/istio/proxyv2:1.30.3'))],
    expect: { kind: 'Pod', name: 'api-1', field: 'spec.containers', message: /pod shop\/api-1 is missing the Istio proxy/ },
    notInSchemas: true,
  },
  {
    code: 'IST0116', title: 'two Services give one port of a Deployment different protocols',
    bad: [namespace('shop', { 'istio-injection': 'enabled' }), deployment('api', 'shop', { app: 'api' }),
      service('api', 'shop', { app: 'api' }, [{ name: 'http', port: 8080 }]), service('api-udp', 'shop', { app: 'api' }, [{ name: 'udp', port: 8080, protocol: 'UDP' }])],
    good: [namespace('shop', { 'istio-injection': 'enabled' }), deployment('api', 'shop', { app: 'api' }),
      service('api', 'shop', { app: 'api' }, [{ name: 'http', port: 8080 }]), service('api-udp', 'shop', { app: 'api' }, [{ name: 'udp', port: 8081, protocol: 'UDP' }])],
    expect: { kind: 'Deployment', name: 'api', field: 'metadata.name', message: /multiple services using port 8080 but different protocols: shop\/api, shop\/api-udp/ },
  },
  {
    code: 'IST0125', title: 'a readiness annotation that is not a number',
    bad: [deployment('api', 'shop', { app: 'api' }, { podAnnotations: { 'readiness.status.sidecar.istio.io/initialDelaySeconds': 'soon' } })],
    good: [deployment('api', 'shop', { app: 'api' }, { podAnnotations: { 'readiness.status.sidecar.istio.io/initialDelaySeconds': '5' } })],
    expect: { kind: 'Deployment', name: 'api', field: 'spec.template.metadata.annotations["readiness.status.sidecar.istio.io/initialDelaySeconds"]', message: /Invalid annotation .*"soon"/ },
  },
  {
    code: 'IST0126', title: 'mesh networks naming a registry istiod does not have (names are case-sensitive)',
    bad: [meshConfigMap('networks:\n  net1:\n    endpoints:\n    - fromRegistry: kubernetes\n')],
    good: [meshConfigMap('networks:\n  net1:\n    endpoints:\n    - fromRegistry: Kubernetes\n')],
    expect: { kind: 'ConfigMap', name: 'istio', field: 'networks.net1.endpoints[0].fromRegistry', message: /Unknown service registry kubernetes in network net1/ },
  },
  {
    code: 'IST0137', title: 'two Services map one targetPort of a Deployment to different ports',
    bad: [namespace('shop', { 'istio-injection': 'enabled' }), deployment('api', 'shop', { app: 'api' }),
      service('api', 'shop', { app: 'api' }, [{ name: 'http', port: 80, targetPort: 8080 }]), service('api-alt', 'shop', { app: 'api' }, [{ name: 'http', port: 8000, targetPort: 8080 }])],
    good: [namespace('shop', { 'istio-injection': 'enabled' }), deployment('api', 'shop', { app: 'api' }),
      service('api', 'shop', { app: 'api' }, [{ name: 'http', port: 80, targetPort: 8080 }]), service('api-alt', 'shop', { app: 'api' }, [{ name: 'http', port: 80, targetPort: 8080 }])],
    expect: { kind: 'Deployment', name: 'api', field: 'metadata.name', message: /targetPort "8080" but different ports: 80, 8000/ },
  },
  {
    code: 'IST0138', title: 'two Gateways of the same pods with one certificate',
    bad: [...gatewayPods(), tlsGateway('shop', 'istio-ingress', 'wildcard-cert'), tlsGateway('blog', 'istio-ingress', 'wildcard-cert')],
    good: [...gatewayPods(), tlsGateway('shop', 'istio-ingress', 'shop-cert'), tlsGateway('blog', 'istio-ingress', 'blog-cert')],
    expect: { kind: 'Gateway', name: 'shop', field: 'spec.servers', message: /Duplicate certificate in multiple gateways istio-ingress\/shop, istio-ingress\/blog/ },
  },
  {
    code: 'IST0139', title: 'two injection webhooks both inject istio-injection=enabled namespaces',
    bad: [istiodService(), webhookConfig('istio-sidecar-injector', 'MutatingWebhookConfiguration', [injectionWebhook('namespace.sidecar-injector.istio.io', { matchLabels: { 'istio-injection': 'enabled' } })]),
      webhookConfig('istio-sidecar-injector-old', 'MutatingWebhookConfiguration', [injectionWebhook('old.sidecar-injector.istio.io', { matchLabels: { 'istio-injection': 'enabled' } })])],
    good: [istiodService(), webhookConfig('istio-sidecar-injector', 'MutatingWebhookConfiguration', [injectionWebhook('namespace.sidecar-injector.istio.io', { matchLabels: { 'istio-injection': 'enabled' } })])],
    expect: { kind: 'MutatingWebhookConfiguration', name: 'istio-sidecar-injector', field: 'webhooks', message: /overlaps with others: istio-sidecar-injector-old\/old\.sidecar-injector\.istio\.io/ },
  },
  {
    code: 'IST0139', title: 'an injection webhook naming an istiod Service that is not there',
    bad: [istiodService(), webhookConfig('istio-sidecar-injector-canary', 'MutatingWebhookConfiguration',
      [injectionWebhook('rev.namespace.sidecar-injector.istio.io', { matchLabels: { 'istio.io/rev': 'canary' } }, { name: 'istiod-canary', namespace: 'istio-system' })])],
    good: [istiodService(), service('istiod-canary', 'istio-system', { app: 'istiod', 'istio.io/rev': 'canary' }, [{ name: 'https-webhook', port: 443, targetPort: 15017 }]),
      webhookConfig('istio-sidecar-injector-canary', 'MutatingWebhookConfiguration',
        [injectionWebhook('rev.namespace.sidecar-injector.istio.io', { matchLabels: { 'istio.io/rev': 'canary' } }, { name: 'istiod-canary', namespace: 'istio-system' })])],
    expect: { kind: 'MutatingWebhookConfiguration', name: 'istio-sidecar-injector-canary', field: 'webhooks[0].clientConfig.service', message: /control plane service that does not exist: istio-system\/istiod-canary/ },
  },
  {
    code: 'IST0140', title: 'the gateway route names no subset while the mesh route splits by subset',
    bad: [virtualService('reviews', 'shop', { hosts: ['reviews'], http: [{ route: [dest('reviews', { subset: 'v2' })] }] }),
      virtualService('reviews-edge', 'shop', { hosts: ['reviews.example.com'], gateways: ['web'], http: [{ route: [dest('reviews')] }] })],
    good: [virtualService('reviews', 'shop', { hosts: ['reviews'], http: [{ route: [dest('reviews', { subset: 'v2' })] }] }),
      virtualService('reviews-edge', 'shop', { hosts: ['reviews.example.com'], gateways: ['web'], http: [{ route: [dest('reviews', { subset: 'v2' })] }] })],
    expect: { kind: 'VirtualService', name: 'reviews-edge', field: 'spec.http[0].route[0].destination', message: /Subset in virtual service shop\/reviews has no effect on ingress gateway shop\/reviews-edge/ },
  },
  {
    code: 'IST0144', title: 'a container running as the proxy UID',
    bad: [{ ...deployment('api', 'shop', { app: 'api' }), spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'app', image: 'example/app:1', securityContext: { runAsUser: 1337 } }] } } } }],
    good: [{ ...deployment('api', 'shop', { app: 'api' }), spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'app', image: 'example/app:1', securityContext: { runAsUser: 1000 } }] } } } }],
    expect: { kind: 'Deployment', name: 'api', field: 'spec.template.spec.containers[0].securityContext.runAsUser', message: /UID\) 1337 is reserved for the sidecar proxy/ },
  },
  {
    code: 'IST0146', title: 'a gateway Deployment with image: auto in a namespace no injection webhook selects',
    bad: [namespace('edge', {}), webhookConfig('istio-sidecar-injector', 'MutatingWebhookConfiguration', [injectionWebhook('namespace.sidecar-injector.istio.io', { matchLabels: { 'istio-injection': 'enabled' } })]),
      { ...deployment('gw', 'edge', { istio: 'gw' }), spec: { selector: { matchLabels: { istio: 'gw' } }, template: { metadata: { labels: { istio: 'gw' }, annotations: { 'inject.istio.io/templates': 'gateway' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } } } }],
    good: [namespace('edge', { 'istio-injection': 'enabled' }), webhookConfig('istio-sidecar-injector', 'MutatingWebhookConfiguration', [injectionWebhook('namespace.sidecar-injector.istio.io', { matchLabels: { 'istio-injection': 'enabled' } })]),
      { ...deployment('gw', 'edge', { istio: 'gw' }), spec: { selector: { matchLabels: { istio: 'gw' } }, template: { metadata: { labels: { istio: 'gw' }, annotations: { 'inject.istio.io/templates': 'gateway' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } } } }],
    expect: { kind: 'Deployment', name: 'gw', field: 'spec.template.metadata', message: /image: auto, but no Istio injection webhook selects its pods/ },
  },
  {
    code: 'IST0147', title: 'a running pod still has image: auto',
    bad: [pod('gw-1', 'edge', { istio: 'gw' }, { containers: [{ name: 'istio-proxy', image: 'auto' }] })],
    good: [pod('gw-1', 'edge', { istio: 'gw' }, { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }] })],
    expect: { kind: 'Pod', name: 'gw-1', field: 'spec.containers', message: /image: auto, which the injector did not replace/ },
    notInSchemas: true,
  },
  {
    code: 'IST0148', title: 'a namespace without labels injected by enableNamespacesByDefault',
    bad: [namespace('shop', {}), injectorValues('docker.io/istio', '1.30.3', { sidecarInjectorWebhook: { enableNamespacesByDefault: true } })],
    good: [namespace('shop', { 'istio-injection': 'enabled' }), injectorValues('docker.io/istio', '1.30.3', { sidecarInjectorWebhook: { enableNamespacesByDefault: true } })],
    expect: { kind: 'Namespace', name: 'shop', field: 'metadata.labels', message: /injects such namespaces by default/ },
  },
  {
    code: 'IST0149', title: 'JWT claim routing through a gateway without RequestAuthentication',
    bad: [...gatewayPods(), gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }]),
      virtualService('api', 'shop', { hosts: ['api.example.com'], gateways: ['istio-ingress/web'], http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: 'admin' } } }], route: [dest('api')] }] })],
    good: [...gatewayPods(), gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }]),
      istioObject('security.istio.io/v1', 'RequestAuthentication', 'jwt', 'istio-ingress', { selector: { matchLabels: { istio: 'ingressgateway' } }, jwtRules: [{ issuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/jwks' }] }),
      virtualService('api', 'shop', { hosts: ['api.example.com'], gateways: ['istio-ingress/web'], http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: 'admin' } } }], route: [dest('api')] }] })],
    expect: { kind: 'VirtualService', name: 'api', field: 'spec.http', message: /JWT claim \(key: @request\.auth\.claims\.group\) but no RequestAuthentication applies/ },
  },
  {
    code: 'IST0150', title: 'an ExternalName Service with a port named tcp',
    bad: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'db.example.com', ports: [{ name: 'tcp', port: 5432 }] } }],
    good: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'db.example.com', ports: [{ name: 'tls-db', port: 5432 }] } }],
    expect: { kind: 'Service', name: 'db', field: 'spec.ports[0].name', message: /ExternalName Service db gives no protocol/ },
  },
  {
    code: 'IST0151', title: 'INSERT_BEFORE without priority',
    bad: [envoyFilter('lua', [{ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua' } } }])],
    good: [envoyFilter('lua', [{ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua' } } }], 10)],
    expect: { kind: 'EnvoyFilter', name: 'lua', field: 'spec.configPatches[0].patch.operation', message: /no priority and a relative patch operation \(INSERT_BEFORE\)/ },
  },
  {
    code: 'IST0152', title: 'REPLACE on a cluster',
    bad: [envoyFilter('replace', [{ applyTo: 'CLUSTER', patch: { operation: 'REPLACE', value: { name: 'c' } } }])],
    good: [envoyFilter('replace', [{ applyTo: 'CLUSTER', patch: { operation: 'MERGE', value: { name: 'c' } } }])],
    expect: { kind: 'EnvoyFilter', name: 'replace', field: 'spec.configPatches[0].patch.operation', message: /REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER, not CLUSTER/ },
  },
  {
    code: 'IST0153', title: 'ADD to a route configuration',
    bad: [envoyFilter('add', [{ applyTo: 'ROUTE_CONFIGURATION', patch: { operation: 'ADD', value: { name: 'r' } } }])],
    good: [envoyFilter('add', [{ applyTo: 'ROUTE_CONFIGURATION', patch: { operation: 'MERGE', value: { name: 'r' } } }])],
    expect: { kind: 'EnvoyFilter', name: 'add', field: 'spec.configPatches[0].patch.operation', message: /ADD operation is ignored when applyTo is ROUTE_CONFIGURATION/ },
  },
  {
    code: 'IST0154', title: 'REMOVE of an HTTP route',
    bad: [envoyFilter('remove', [{ applyTo: 'HTTP_ROUTE', patch: { operation: 'REMOVE' } }])],
    good: [envoyFilter('remove', [{ applyTo: 'HTTP_ROUTE', patch: { operation: 'MERGE', value: { name: 'r' } } }])],
    expect: { kind: 'EnvoyFilter', name: 'remove', field: 'spec.configPatches[0].patch.operation', message: /REMOVE operation is ignored when applyTo is HTTP_ROUTE/ },
  },
  {
    code: 'IST0155', title: 'a relative operation on a filter also patched for a proxy version',
    bad: [envoyFilter('versioned', [
      { applyTo: 'HTTP_FILTER', match: { proxy: { proxyVersion: '^1\\.30.*' } }, patch: { operation: 'INSERT_FIRST', value: { name: 'envoy.lua' } } },
      { applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_AFTER', value: { name: 'envoy.lua' } } }])],
    good: [envoyFilter('versioned', [
      { applyTo: 'HTTP_FILTER', match: { proxy: { proxyVersion: '^1\\.30.*' } }, patch: { operation: 'INSERT_FIRST', value: { name: 'envoy.lua' } } },
      { applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_AFTER', value: { name: 'envoy.lua' } } }], 5)],
    expect: { kind: 'EnvoyFilter', name: 'versioned', field: 'spec.configPatches[1].patch.operation', message: /also patched for a proxy version/ },
  },
  {
    code: 'IST0157', title: 'access logging without providers and no mesh default',
    bad: [telemetry('mesh-default', 'istio-system', { accessLogging: [{}] })],
    good: [telemetry('mesh-default', 'istio-system', { accessLogging: [{ providers: [{ name: 'envoy' }] }] })],
    expect: { kind: 'Telemetry', name: 'mesh-default', field: 'spec.accessLogging[0].providers', message: /names no access logging providers/ },
  },
  {
    code: 'IST0158', title: 'a pod runs another proxy image than the injector injects',
    bad: [namespace('shop', { 'istio-injection': 'enabled' }), injectorValues('docker.io/istio', '1.30.3'), pod('api-1', 'shop', { app: 'api' }, withProxy('docker.io/istio/proxyv2:1.29.0'))],
    good: [namespace('shop', { 'istio-injection': 'enabled' }), injectorValues('docker.io/istio', '1.30.3'), pod('api-1', 'shop', { app: 'api' }, withProxy('docker.io/istio/proxyv2:1.30.3'))],
    expect: { kind: 'Namespace', name: 'shop', field: 'metadata.name', message: /differs from the image the injector injects: api-1/ },
    notInSchemas: true,
  },
  {
    code: 'IST0159', title: 'two Telemetries select the same pods',
    bad: [deployment('api', 'shop', { app: 'api', tier: 'web' }), telemetry('a', 'shop', { selector: { matchLabels: { app: 'api' } } }), telemetry('b', 'shop', { selector: { matchLabels: { tier: 'web' } } })],
    good: [deployment('api', 'shop', { app: 'api', tier: 'web' }), telemetry('a', 'shop', { selector: { matchLabels: { app: 'api' } } })],
    expect: { kind: 'Telemetry', name: 'a', field: 'spec.selector.matchLabels', message: /Telemetries shop\/a, shop\/b in namespace shop select the same workload/ },
  },
  {
    code: 'IST0160', title: 'two namespace-wide Telemetries',
    bad: [telemetry('a', 'shop', { tracing: [{ randomSamplingPercentage: 1 }] }), telemetry('b', 'shop', { tracing: [{ randomSamplingPercentage: 5 }] })],
    good: [telemetry('a', 'shop', { tracing: [{ randomSamplingPercentage: 1 }] })],
    expect: { kind: 'Telemetry', name: 'a', field: 'spec.selector', message: /Telemetries shop\/a, shop\/b in namespace shop have no workload selector/ },
  },
  (() => {
    const { cert, key } = currentCertificate();
    return {
      code: 'IST0161', title: 'the credential Secret has no certificate',
      bad: [...gatewayPods(), tlsGateway('shop', 'istio-ingress', 'shop-cert'), tlsSecret('shop-cert', 'istio-ingress', { 'tls.key': key })],
      good: [...gatewayPods(), tlsGateway('shop', 'istio-ingress', 'shop-cert'), tlsSecret('shop-cert', 'istio-ingress', { 'tls.crt': cert, 'tls.key': key })],
      expect: { kind: 'Gateway', name: 'shop', field: 'spec.servers[0].tls.credentialName', message: /Secret istio-ingress\/shop-cert: it has neither cert\/key nor tls\.crt\/tls\.key/ },
    };
  })(),
  {
    code: 'IST0161', title: 'the credential Secret holds an expired certificate',
    bad: [...gatewayPods(), tlsGateway('shop', 'istio-ingress', 'shop-cert'),
      tlsSecret('shop-cert', 'istio-ingress', { 'tls.crt': fs.readFileSync(path.join(__dirname, 'expired-cert.pem'), 'utf-8'), 'tls.key': 'unused' })],
    good: [...gatewayPods(), tlsGateway('shop', 'istio-ingress', 'shop-cert')],
    options: { assumeComplete: false },
    expect: { kind: 'Gateway', name: 'shop', field: 'spec.servers[0].tls.credentialName', message: /its certificate is valid from .* to / },
  },
  {
    code: 'IST0163', title: 'an external control plane injection webhook without an address',
    bad: [webhookConfig('istio-sidecar-injector-external-istiod', 'MutatingWebhookConfiguration', [{ name: 'rev.namespace.sidecar-injector.istio.io', clientConfig: {} }])],
    good: [webhookConfig('istio-sidecar-injector-external-istiod', 'MutatingWebhookConfiguration', [{ name: 'rev.namespace.sidecar-injector.istio.io', clientConfig: { url: 'https://istiod.example.com:15017/inject' } }])],
    expect: { kind: 'MutatingWebhookConfiguration', name: 'istio-sidecar-injector-external-istiod', field: 'webhooks[0].clientConfig', message: /is blank/ },
  },
  {
    code: 'IST0164', title: 'an external control plane reached by IP address',
    bad: [webhookConfig('istio-validator-external-istiod', 'ValidatingWebhookConfiguration', [{ name: 'rev.validation.istio.io', clientConfig: { url: 'https://203.0.113.7:15017/validate' } }])],
    good: [webhookConfig('istio-validator-external-istiod', 'ValidatingWebhookConfiguration', [{ name: 'rev.validation.istio.io', clientConfig: { url: 'https://istiod.example.com:15017/validate' } }])],
    expect: { kind: 'ValidatingWebhookConfiguration', name: 'istio-validator-external-istiod', field: 'webhooks[0].clientConfig.url', message: /is an IP address/ },
  },
  {
    code: 'IST0165', title: 'a VirtualService bound to istiod\'s internal Gateway of a Gateway API Gateway',
    bad: [virtualService('api', 'shop', { hosts: ['api.example.com'], gateways: ['shop/web-istio-autogenerated-k8s-gateway~istio-autogenerated-k8s-gateway~http'], http: [{ route: [dest('api')] }] })],
    good: [virtualService('api', 'shop', { hosts: ['api'], http: [{ route: [dest('api')] }] })],
    expect: { kind: 'VirtualService', name: 'api', field: 'spec.gateways[0]', message: /implementation-generated internal Gateway/ },
  },
  {
    code: 'IST0166', title: 'an AuthorizationPolicy selecting a Kubernetes Gateway\'s pods',
    bad: [deployment('web-istio', 'shop', { 'gateway.networking.k8s.io/gateway-name': 'web' }), authorizationPolicy('edge', 'shop', { 'gateway.networking.k8s.io/gateway-name': 'web' })],
    good: [deployment('web-istio', 'shop', { 'gateway.networking.k8s.io/gateway-name': 'web' }),
      istioObject('security.istio.io/v1', 'AuthorizationPolicy', 'edge', 'shop', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'web' }], action: 'ALLOW', rules: [{}] })],
    expect: { kind: 'AuthorizationPolicy', name: 'edge', field: 'spec.selector', message: /Ineffective selector on Kubernetes Gateway web/ },
  },
  {
    code: 'IST0167', title: 'a namespace-wide Sidecar in an ambient namespace',
    bad: [namespace('shop', { 'istio.io/dataplane-mode': 'ambient' }), sidecar('default', 'shop')],
    good: [namespace('shop', { 'istio-injection': 'enabled' }), sidecar('default', 'shop')],
    expect: { kind: 'Sidecar', name: 'default', field: 'spec', message: /no impact: namespace shop is in ambient mode/ },
  },
  {
    code: 'IST0171', title: 'a ServiceEntry the waypoint did not bind',
    bad: [{ ...serviceEntry('api', 'shop', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' }),
      status: { conditions: [{ type: 'istio.io/WaypointBound', status: 'False', reason: 'WaypointNotFound', message: 'waypoint shop/waypoint not found' }] } }],
    good: [{ ...serviceEntry('api', 'shop', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' }),
      status: { conditions: [{ type: 'istio.io/WaypointBound', status: 'True', reason: 'Bound', message: 'bound to shop/waypoint' }] } }],
    expect: { kind: 'ServiceEntry', name: 'api', field: 'status.conditions', message: /type=istio\.io\/WaypointBound, reason=WaypointNotFound/ },
    notInSchemas: true,
  },
  {
    code: 'IST0175', title: 'RequestAuthentications while istiod runs without BLOCKED_CIDRS_IN_JWKS_URIS',
    bad: [istiod([]), istioObject('security.istio.io/v1', 'RequestAuthentication', 'jwt', 'shop', { jwtRules: [{ issuer: 'https://issuer.example.com' }] })],
    good: [istiod([{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: '10.0.0.0/8' }]),
      istioObject('security.istio.io/v1', 'RequestAuthentication', 'jwt', 'shop', { jwtRules: [{ issuer: 'https://issuer.example.com' }] })],
    expect: { kind: 'Deployment', name: 'istiod', field: 'spec.template.spec.containers', message: /BLOCKED_CIDRS_IN_JWKS_URIS is not configured but 1 RequestAuthentication/ },
  },
  {
    code: 'IST0176', title: 'a TLSRoute CRD older than Istio reads',
    bad: [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'tlsroutes.gateway.networking.k8s.io', annotations: { 'gateway.networking.k8s.io/bundle-version': 'v1.4.0' } } }],
    good: [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'tlsroutes.gateway.networking.k8s.io', annotations: { 'gateway.networking.k8s.io/bundle-version': 'v1.5.0' } } }],
    expect: { kind: 'CustomResourceDefinition', name: 'tlsroutes.gateway.networking.k8s.io', field: 'metadata.annotations["gateway.networking.k8s.io/bundle-version"]', message: /at version "v1\.4\.0" but Istio requires at least "1\.5\.0"/ },
    notInSchemas: true,
  },
  {
    code: 'CIS0007', title: 'a cross-namespace allow whose callee NetworkPolicy is opened but the caller\'s egress still blocks',
    bad: [...zeroTrust('ledger', 'trading'), allowCaller('trading'), networkPolicy('from-trading', 'ledger', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [fromNamespace('trading')] }] })],
    good: [...zeroTrust('ledger', 'trading'), allowCaller('trading'), networkPolicy('from-trading', 'ledger', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [fromNamespace('trading')] }] }),
      networkPolicy('to-ledger', 'trading', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [fromNamespace('ledger')] }] })],
    expect: { kind: 'AuthorizationPolicy', name: 'allow-trading', field: 'spec.rules[0].from[0].source', message: /caller's egress NetworkPolicy trading\/baseline admits no traffic to namespace ledger/ },
  },
  {
    code: 'CIS0007', title: 'a cross-namespace allow the callee\'s NetworkPolicy does not admit',
    bad: [...zeroTrust('ledger'), namespace('trading', { 'istio-injection': 'enabled' }), allowCaller('trading')],
    good: [...zeroTrust('ledger'), namespace('trading', { 'istio-injection': 'enabled' }), allowCaller('trading'),
      networkPolicy('from-trading', 'ledger', { podSelector: { matchLabels: { app: 'ledger' } }, policyTypes: ['Ingress'], ingress: [{ from: [fromNamespace('trading')], ports: [{ port: 8080, protocol: 'TCP' }] }] })],
    expect: { kind: 'AuthorizationPolicy', name: 'allow-trading', field: 'spec.rules[0].from[0].source', message: /NetworkPolicy ledger\/baseline .* admits no ingress from trading/ },
  },  {
    code: 'CIS0008', title: 'a route in cluster a (network net-a) to a host only cluster b on net-b serves, which has no east-west gateway',
    options: { network: 'net-a', meshPeers: [{ name: 'b', network: 'net-b', objects: [namespace('ledger', { 'istio-injection': 'enabled' }), service('ledger', 'ledger', { app: 'ledger' })] }] },
    bad: [namespace('trading', { 'istio-injection': 'enabled' }), service('trader', 'trading', { app: 'trader' }),
      virtualService('ledger', 'trading', { hosts: ['ledger.ledger.svc.cluster.local'], http: [{ route: [dest('ledger.ledger.svc.cluster.local')] }] })],
    good: [namespace('trading', { 'istio-injection': 'enabled' }), service('trader', 'trading', { app: 'trader' }),
      namespace('ledger', { 'istio-injection': 'enabled' }), service('ledger', 'ledger', { app: 'ledger' }),
      virtualService('ledger', 'trading', { hosts: ['ledger.ledger.svc.cluster.local'], http: [{ route: [dest('ledger.ledger.svc.cluster.local')] }] })],
    expect: { kind: 'VirtualService', name: 'ledger', field: 'spec.http[0].route[0].destination.host', message: /served only by b \(network net-b, Service ledger\/ledger\).*no east-west gateway there exposes it/ },
  },
];
