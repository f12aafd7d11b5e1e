/**
 * One case per code (several for codes with several triggers): the `bad` objects raise the code on
 * the named object and field, the `good` objects (the same set, corrected) do not raise it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { ANALYZER_CODES, Finding, analyze } from '../../src/analyzer';
import { EgressGateway, IstioBase, Istiod, ZeroTrustNamespace } from '../../src';
import { K8sObject, validateAll } from '../support/schema';
import { Case, UPSTREAM_CASES } from './code-cases';
import {
  authorizationPolicy, deployment, dest, destinationRule, gateway, ingressWorkload, injectorConfigMap, namespace,
  peerAuthentication, service, serviceEntry, sidecar, virtualService,
} from './fixtures';

const reviewsApp = (...versions: string[]): K8sObject[] => [
  namespace('shop', { 'istio-injection': 'enabled' }),
  service('reviews', 'shop', { app: 'reviews' }),
  ...versions.map((v) => deployment(`reviews-${v}`, 'shop', { app: 'reviews', version: v })),
];

const routeTo = (spec: Record<string, unknown>) => virtualService('reviews', 'shop', { hosts: ['reviews'], ...spec });

/** The ingress gateway (pods and Service), Gateway `web` and a VirtualService routing reviews.example.com to shop/reviews through it. */
const gatewayRouteIntoShop = (): K8sObject[] => [
  ...ingressWorkload(), gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }]), ...reviewsApp('v1'),
  virtualService('reviews', 'shop', { hosts: ['reviews.example.com'], gateways: ['istio-ingress/web'], http: [{ route: [dest('reviews')] }] }),
];

/** An allow-nothing AuthorizationPolicy (`spec: {}`): the namespace (or the mesh, in the root namespace) denies everything. */
const denyAll = (name: string, ns: string): K8sObject => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec: {} });

const allowFrom = (name: string, ns: string, source: Record<string, string[]>, matchLabels?: Record<string, string>): K8sObject => ({
  apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns },
  spec: { ...(matchLabels ? { selector: { matchLabels } } : {}), action: 'ALLOW', rules: [{ from: [{ source }] }] },
});

/** A revision tag's injection webhook configuration (istio-revision-tag-<tag>) calling the revision's istiod. */
const tagWebhook = (tag: string, revision: string): K8sObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration',
  metadata: { name: `istio-revision-tag-${tag}`, labels: { 'istio.io/tag': tag, 'istio.io/rev': revision } },
  webhooks: [{
    name: 'rev.namespace.sidecar-injector.istio.io', sideEffects: 'None', admissionReviewVersions: ['v1'],
    clientConfig: { service: { name: `istiod-${revision}`, namespace: 'istio-system', path: '/inject', port: 443 } },
    namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: [tag] }, { key: 'istio-injection', operator: 'DoesNotExist' }] },
  }],
});

const CASES: Case[] = [
  ...UPSTREAM_CASES,
  // IST0101 ReferencedResourceNotFound
  {
    code: 'IST0101', title: 'VirtualService names a Gateway that does not exist',
    bad: [gateway('web', 'shop', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }]),
      virtualService('api', 'shop', { hosts: ['api.example.com'], gateways: ['shop/webx'], http: [{ route: [dest('api.example.com')] }] })],
    good: [gateway('web', 'shop', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }]),
      virtualService('api', 'shop', { hosts: ['api.example.com'], gateways: ['web'], http: [{ route: [dest('api.example.com')] }] })],
    expect: { kind: 'VirtualService', name: 'api', field: 'spec.gateways[0]', message: /Referenced gateway not found: "shop\/webx"/ },
  },
  {
    code: 'IST0101', title: 'VirtualService routes to a subset no DestinationRule defines',
    bad: [...reviewsApp('v1'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      routeTo({ http: [{ route: [dest('reviews', { subset: 'v2' })] }] })],
    good: [...reviewsApp('v1'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }),
      routeTo({ http: [{ route: [dest('reviews', { subset: 'v1' })] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0].route[0].destination.subset', message: /"reviews\+v2".*defines no subset "v2"/ },
  },
  {
    code: 'IST0101', title: 'VirtualService routes to a host with no Service in a described namespace',
    bad: [...reviewsApp('v1'), routeTo({ http: [{ route: [dest('reviewz')] }] })],
    good: [...reviewsApp('v1'), routeTo({ http: [{ route: [dest('reviews')] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0].route[0].destination.host', message: /Referenced host not found: "reviewz"/ },
  },
  {
    code: 'IST0101', title: 'VirtualService delegates to a VirtualService that does not exist',
    bad: [...reviewsApp('v1'), routeTo({ http: [{ delegate: { name: 'reviews-v1-routes' } }] })],
    good: [...reviewsApp('v1'), routeTo({ http: [{ delegate: { name: 'reviews-routes' } }] }),
      virtualService('reviews-routes', 'shop', { http: [{ route: [dest('reviews')] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0].delegate', message: /delegate VirtualService not found: "shop\/reviews-v1-routes"/ },
  },
  {
    code: 'IST0101', title: 'Gateway selector matches no workload (assumeComplete)',
    options: { assumeComplete: true },
    bad: [...ingressWorkload(), gateway('web', 'istio-ingress', { istio: 'ingress-gateway' }, [{ port: 80, hosts: ['*'] }])],
    good: [...ingressWorkload(), gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }])],
    expect: { kind: 'Gateway', name: 'web', field: 'spec.selector', message: /Referenced selector not found: "istio=ingress-gateway"/ },
  },
  // IST0102 NamespaceNotInjected
  {
    code: 'IST0102', title: 'namespace with workloads and no injection label',
    bad: [namespace('shop'), deployment('reviews-v1', 'shop', { app: 'reviews' })],
    good: [namespace('shop', { 'istio-injection': 'enabled' }), deployment('reviews-v1', 'shop', { app: 'reviews' })],
    expect: { kind: 'Namespace', name: 'shop', field: 'metadata.labels', message: /not enabled for Istio injection.*1 workload\(s\) \(e\.g\. Deployment reviews-v1\)/ },
  },
  // IST0106 SchemaValidationError
  {
    code: 'IST0106', title: 'VirtualService without hosts binds gateways', badIsSchemaInvalid: true,
    bad: [virtualService('api', 'shop', { gateways: ['web'], http: [{ route: [dest('api.example.com')] }] }),
      gateway('web', 'shop', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }])],
    good: [virtualService('api', 'shop', { hosts: ['api.example.com'], gateways: ['web'], http: [{ route: [dest('api.example.com')] }] }),
      gateway('web', 'shop', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }])],
    expect: { kind: 'VirtualService', name: 'api', field: 'spec.hosts', message: /without hosts is a delegate and must not set gateways/ },
  },
  {
    code: 'IST0106', title: 'route weight is not an integer', badIsSchemaInvalid: true,
    bad: [...reviewsApp('v1'), routeTo({ http: [{ route: [dest('reviews', { port: { number: 80 } }), { ...dest('reviews'), weight: 12.5 }] }] })],
    good: [...reviewsApp('v1'), routeTo({ http: [{ route: [{ ...dest('reviews'), weight: 100 }] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0].route[1].weight', message: /weight 12\.5 is not a non-negative integer/ },
  },
  {
    code: 'IST0106', title: 'several destinations with a total weight of 0',
    bad: [...reviewsApp('v1', 'v2'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
      routeTo({ http: [{ route: [dest('reviews', { subset: 'v1' }), dest('reviews', { subset: 'v2' })] }] })],
    good: [...reviewsApp('v1', 'v2'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
      routeTo({ http: [{ route: [{ ...dest('reviews', { subset: 'v1' }), weight: 50 }, { ...dest('reviews', { subset: 'v2' }), weight: 50 }] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0].route', message: /total destination weight is 0 across 2 destinations/ },
  },
  {
    code: 'IST0106', title: 'HTTP rule without route, redirect, directResponse or delegate',
    bad: [...reviewsApp('v1'), routeTo({ http: [{ match: [{ uri: { prefix: '/' } }], timeout: '5s' }] })],
    good: [...reviewsApp('v1'), routeTo({ http: [{ match: [{ uri: { prefix: '/' } }], timeout: '5s', route: [dest('reviews')] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0]', message: /needs one of route, redirect, directResponse or delegate/ },
  },
  {
    code: 'IST0106', title: 'DestinationRule with duplicate subset names',
    bad: [...reviewsApp('v1', 'v2'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v1', labels: { version: 'v2' } }] })],
    good: [...reviewsApp('v1', 'v2'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] })],
    expect: { kind: 'DestinationRule', name: 'reviews', field: 'spec.subsets[1].name', message: /duplicate subset name "v1"/ },
  },
  {
    code: 'IST0106', title: 'Gateway without servers', badIsSchemaInvalid: true,
    bad: [...ingressWorkload(), { ...gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, []), spec: { selector: { istio: 'ingressgateway' } } }],
    good: [...ingressWorkload(), gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }])],
    expect: { kind: 'Gateway', name: 'web', field: 'spec.servers', message: /Gateway has no servers/ },
  },
  {
    code: 'IST0106', title: 'PeerAuthentication portLevelMtls without selector',
    bad: [peerAuthentication('ports', 'shop', { mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } })],
    good: [peerAuthentication('ports', 'shop', { selector: { matchLabels: { app: 'legacy' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } })],
    expect: { kind: 'PeerAuthentication', name: 'ports', field: 'spec.portLevelMtls', message: /portLevelMtls requires a workload selector/ },
  },
  // IST0107 MisplacedAnnotation
  {
    code: 'IST0107', title: 'pod annotation on the Deployment instead of its pod template',
    bad: [deployment('legacy', 'shop', { app: 'legacy' }, { annotations: { 'sidecar.istio.io/inject': 'false' } })],
    good: [deployment('legacy', 'shop', { app: 'legacy' }, { podAnnotations: { 'sidecar.istio.io/inject': 'false' } })],
    expect: { kind: 'Deployment', name: 'legacy', field: 'metadata.annotations["sidecar.istio.io/inject"]', message: /can only be applied to Pod, not to a Deployment/ },
  },
  // IST0108 UnknownAnnotation
  {
    code: 'IST0108', title: 'misspelt Istio annotation',
    bad: [deployment('reviews-v1', 'shop', { app: 'reviews' }, { podAnnotations: { 'sidecar.istio.io/proxyCpu': '100m' } })],
    good: [deployment('reviews-v1', 'shop', { app: 'reviews' }, { podAnnotations: { 'sidecar.istio.io/proxyCPU': '100m' } })],
    expect: { kind: 'Deployment', name: 'reviews-v1', field: 'spec.template.metadata.annotations["sidecar.istio.io/proxyCpu"]', message: /Unknown annotation: sidecar\.istio\.io\/proxyCpu/ },
  },
  // IST0109 ConflictingMeshGatewayVirtualServiceHosts
  {
    code: 'IST0109', title: 'two mesh VirtualServices for one host',
    bad: [...reviewsApp('v1'), routeTo({ http: [{ route: [dest('reviews')] }] }),
      virtualService('reviews-timeouts', 'shop', { hosts: ['reviews.shop.svc.cluster.local'], http: [{ timeout: '2s', route: [dest('reviews')] }] })],
    good: [...reviewsApp('v1'), routeTo({ http: [{ timeout: '2s', route: [dest('reviews')] }] })],
    expect: { kind: 'VirtualService', name: 'reviews-timeouts', field: 'spec.hosts[0]', message: /shop\/reviews, shop\/reviews-timeouts bound to the mesh define the same host reviews\.shop\.svc\.cluster\.local/ },
  },
  // IST0110 ConflictingSidecarWorkloadSelectors
  {
    code: 'IST0110', title: 'two Sidecars select the same workload',
    bad: [...reviewsApp('v1'), sidecar('by-app', 'shop', { app: 'reviews' }), sidecar('by-version', 'shop', { version: 'v1' })],
    good: [...reviewsApp('v1', 'v2'), sidecar('by-app', 'shop', { app: 'reviews', version: 'v2' }), sidecar('by-version', 'shop', { version: 'v1' })],
    expect: { kind: 'Sidecar', name: 'by-version', field: 'spec.workloadSelector.labels', message: /select the same workload Deployment reviews-v1/ },
  },
  // IST0111 MultipleSidecarsWithoutWorkloadSelectors
  {
    code: 'IST0111', title: 'two namespace-wide Sidecars',
    bad: [sidecar('default', 'shop'), sidecar('egress', 'shop')],
    good: [sidecar('default', 'shop'), sidecar('egress', 'shop', { app: 'reviews' })],
    expect: { kind: 'Sidecar', name: 'egress', field: 'spec.workloadSelector', message: /shop\/default, shop\/egress in namespace shop have no workload selector/ },
  },
  // IST0112 VirtualServiceDestinationPortSelectorRequired
  {
    code: 'IST0112', title: 'destination without port to a multi-port Service',
    bad: [namespace('shop', { 'istio-injection': 'enabled' }), service('reviews', 'shop', { app: 'reviews' }, [{ name: 'http', port: 80 }, { name: 'http-metrics', port: 9090 }]),
      routeTo({ http: [{ route: [dest('reviews')] }] })],
    good: [namespace('shop', { 'istio-injection': 'enabled' }), service('reviews', 'shop', { app: 'reviews' }, [{ name: 'http', port: 80 }, { name: 'http-metrics', port: 9090 }]),
      routeTo({ http: [{ route: [dest('reviews', { port: { number: 80 } })] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0].route[0].destination', message: /exposes ports 80, 9090/ },
  },
  // IST0118 PortNameIsNotUnderNamingConvention
  {
    code: 'IST0118', title: 'Service port named without protocol prefix',
    bad: [service('reviews', 'shop', { app: 'reviews' }, [{ name: 'web', port: 80, targetPort: 8080 }])],
    good: [service('reviews', 'shop', { app: 'reviews' }, [{ name: 'http-web', port: 80, targetPort: 8080 }])],
    expect: { kind: 'Service', name: 'reviews', field: 'spec.ports[0].name', message: /Port name "web" \(port: 80, targetPort: 8080\)/ },
  },
  // IST0123 NamespaceMultipleInjectionLabels
  {
    code: 'IST0123', title: 'namespace with istio-injection and istio.io/rev',
    bad: [namespace('shop', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' })],
    good: [namespace('shop', { 'istio.io/rev': 'canary' })],
    expect: { kind: 'Namespace', name: 'shop', field: 'metadata.labels', message: /istio-injection=enabled, istio\.io\/rev=canary/ },
  },
  // IST0127 NoMatchingWorkloadsFound
  {
    code: 'IST0127', title: 'AuthorizationPolicy selects labels no workload has',
    bad: [...reviewsApp('v1'), authorizationPolicy('allow-argocd', 'shop', { app: 'reveiws' })],
    good: [...reviewsApp('v1'), authorizationPolicy('allow-argocd', 'shop', { app: 'reviews' })],
    expect: { kind: 'AuthorizationPolicy', name: 'allow-argocd', field: 'spec.selector.matchLabels', message: /labels app=reveiws in namespace shop/ },
  },
  // IST0128 / IST0129
  {
    code: 'IST0128', title: 'DestinationRule originates TLS without a CA',
    bad: [serviceEntry('bank', 'shop', { hosts: ['api.bank.example'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS', location: 'MESH_EXTERNAL' }),
      destinationRule('bank', 'shop', { host: 'api.bank.example', trafficPolicy: { tls: { mode: 'SIMPLE', sni: 'api.bank.example' } } })],
    good: [serviceEntry('bank', 'shop', { hosts: ['api.bank.example'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS', location: 'MESH_EXTERNAL' }),
      destinationRule('bank', 'shop', { host: 'api.bank.example', trafficPolicy: { tls: { mode: 'SIMPLE', sni: 'api.bank.example', caCertificates: '/etc/ssl/certs/ca-certificates.crt' } } })],
    expect: { kind: 'DestinationRule', name: 'bank', field: 'spec.trafficPolicy.tls', message: /TLS mode SIMPLE but no caCertificates .* host: ?api\.bank\.example|TLS mode SIMPLE but no caCertificates.*api\.bank\.example/ },
  },
  {
    code: 'IST0129', title: 'port-level TLS without a CA',
    bad: [serviceEntry('bank', 'shop', { hosts: ['api.bank.example'], ports: [{ number: 8443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }),
      destinationRule('bank', 'shop', { host: 'api.bank.example', trafficPolicy: { portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'MUTUAL', clientCertificate: '/c.pem', privateKey: '/k.pem' } }] } })],
    good: [serviceEntry('bank', 'shop', { hosts: ['api.bank.example'], ports: [{ number: 8443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' }),
      destinationRule('bank', 'shop', { host: 'api.bank.example', trafficPolicy: { portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'MUTUAL', clientCertificate: '/c.pem', privateKey: '/k.pem', caCertificates: '/ca.pem' } }] } })],
    expect: { kind: 'DestinationRule', name: 'bank', field: 'spec.trafficPolicy.portLevelSettings[0].tls', message: /TLS mode MUTUAL .* at port 8443/ },
  },
  // IST0130 / IST0131
  {
    code: 'IST0130', title: 'rule after a catch-all rule',
    bad: [...reviewsApp('v1'), routeTo({ http: [{ route: [dest('reviews')] }, { match: [{ uri: { prefix: '/api' } }], route: [dest('reviews')] }] })],
    good: [...reviewsApp('v1'), routeTo({ http: [{ match: [{ uri: { prefix: '/api' } }], route: [dest('reviews')] }, { route: [dest('reviews')] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[1]', message: /rule 1 is never used: rule 0 before it has no matches and takes all traffic/ },
  },
  {
    code: 'IST0130', title: 'rule whose matches all repeat earlier ones',
    bad: [...reviewsApp('v1'), routeTo({ http: [
      { match: [{ uri: { prefix: '/api' } }], route: [dest('reviews')] },
      { name: 'again', match: [{ uri: { prefix: '/api' }, name: 'dup' }], route: [dest('reviews')] },
      { route: [dest('reviews')] }] })],
    good: [...reviewsApp('v1'), routeTo({ http: [
      { match: [{ uri: { prefix: '/api' } }], route: [dest('reviews')] },
      { name: 'again', match: [{ uri: { prefix: '/api/v2' } }], route: [dest('reviews')] },
      { route: [dest('reviews')] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[1]', message: /rule 1 \("again"\) is never used: all of its matches are used by earlier rules/ },
  },
  {
    code: 'IST0131', title: 'one match repeats an earlier match',
    bad: [...reviewsApp('v1'), routeTo({ http: [
      { match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [dest('reviews')] },
      { match: [{ headers: { 'x-canary': { exact: 'true' } } }, { uri: { prefix: '/api/v2' } }], route: [dest('reviews')] },
      { route: [dest('reviews')] }] })],
    good: [...reviewsApp('v1'), routeTo({ http: [
      { match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [dest('reviews')] },
      { match: [{ uri: { prefix: '/api/v2' } }], route: [dest('reviews')] },
      { route: [dest('reviews')] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[1].match[0]', message: /rule 1 match 0 is not used \(it repeats a match of rule 0\)/ },
  },
  // IST0132 VirtualServiceHostNotFoundInGateway
  {
    code: 'IST0132', title: 'VirtualService host not served by its Gateway',
    bad: [gateway('web', 'istio-system', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*.local'] }]),
      virtualService('fraud-api', 'fraud-detection', { hosts: ['fraud-api.example.com'], gateways: ['istio-system/web'], http: [{ route: [dest('fraud-service', { port: { number: 8080 } })] }] })],
    good: [gateway('web', 'istio-system', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*.local'] }]),
      virtualService('fraud-api', 'fraud-detection', { hosts: ['fraud-api.local'], gateways: ['istio-system/web'], http: [{ route: [dest('fraud-service', { port: { number: 8080 } })] }] })],
    expect: { kind: 'VirtualService', name: 'fraud-api', field: 'spec.gateways[0]', message: /None of the hosts \[fraud-api\.example\.com\] of VirtualService fraud-detection\/fraud-api is served by Gateway istio-system\/web/ },
  },
  // IST0134 ServiceEntryAddressesRequired
  {
    code: 'IST0134', title: 'TCP ServiceEntry without addresses',
    bad: [serviceEntry('postgres', 'shop', { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'tcp-pg', protocol: 'TCP' }], resolution: 'DNS', location: 'MESH_EXTERNAL' })],
    good: [serviceEntry('postgres', 'shop', { hosts: ['db.example.com'], addresses: ['10.10.0.5'], ports: [{ number: 5432, name: 'tcp-pg', protocol: 'TCP' }], resolution: 'DNS', location: 'MESH_EXTERNAL' })],
    expect: { kind: 'ServiceEntry', name: 'postgres', field: 'spec.ports[0]', message: /addresses are required/ },
  },
  // IST0135 DeprecatedAnnotation
  {
    code: 'IST0135', title: 'deprecated pod annotation',
    bad: [deployment('vm-bridge', 'shop', { app: 'vm' }, { podAnnotations: { 'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1' } })],
    good: [deployment('vm-bridge', 'shop', { app: 'vm' }, { podAnnotations: { 'istio.io/reroute-virtual-interfaces': 'net1' } })],
    expect: { kind: 'Deployment', name: 'vm-bridge', field: 'spec.template.metadata.annotations["traffic.sidecar.istio.io/kubevirtInterfaces"]', message: /has been deprecated/ },
  },
  // IST0145 ConflictingGateways
  {
    code: 'IST0145', title: 'two Gateways with the same selector and port and overlapping hosts',
    bad: [...ingressWorkload(),
      gateway('shop', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 443, protocol: 'HTTPS', hosts: ['shop.example.com'] }]),
      gateway('wildcard', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 443, protocol: 'HTTPS', hosts: ['*.example.com'] }])],
    good: [...ingressWorkload(),
      gateway('shop', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 443, protocol: 'HTTPS', hosts: ['shop.example.com'] }]),
      gateway('wildcard', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 443, protocol: 'HTTPS', hosts: ['*.example.org'] }])],
    expect: { kind: 'Gateway', name: 'shop', field: 'spec.servers[0]', message: /Conflict with Gateway\(s\) istio-ingress\/wildcard \(workload selector istio=ingressgateway, port 443, hosts shop\.example\.com\)/ },
  },
  // IST0162 GatewayPortNotDefinedOnService
  {
    code: 'IST0162', title: 'Gateway port the gateway Service does not expose',
    bad: [...ingressWorkload(), gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 8080, hosts: ['*'] }])],
    good: [...ingressWorkload(), gateway('web', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*'] }])],
    expect: { kind: 'Gateway', name: 'web', field: 'spec.servers[0].port.number', message: /listens on port 8080.*selector istio=ingressgateway/ },
  },
  // IST0173 DestinationRuleSubsetNotSelectPods
  {
    code: 'IST0173', title: 'subset labels match no pod of the Service',
    bad: [...reviewsApp('v1'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] })],
    good: [...reviewsApp('v1', 'v2'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] })],
    expect: { kind: 'DestinationRule', name: 'reviews', field: 'spec.subsets[1].labels', message: /subset v2 \(version=v2\) selects no pod of Service shop\/reviews/ },
  },
  // IST0174 UnknownDestinationRuleHost
  {
    code: 'IST0174', title: 'DestinationRule host names no Service',
    bad: [...reviewsApp('v1'), destinationRule('reviews', 'shop', { host: 'reveiws', trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } })],
    good: [...reviewsApp('v1'), destinationRule('reviews', 'shop', { host: 'reviews', trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } })],
    expect: { kind: 'DestinationRule', name: 'reviews', field: 'spec.host', message: /host reveiws defined in the DestinationRule does not match any Service/ },
  },
  // CIS0001 RouteWeightsNotHundred
  {
    code: 'CIS0001', title: 'weights adding up to 110',
    bad: [...reviewsApp('v1', 'v2'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
      routeTo({ http: [{ route: [{ ...dest('reviews', { subset: 'v1' }), weight: 90 }, { ...dest('reviews', { subset: 'v2' }), weight: 20 }] }] })],
    good: [...reviewsApp('v1', 'v2'), destinationRule('reviews', 'shop', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
      routeTo({ http: [{ route: [{ ...dest('reviews', { subset: 'v1' }), weight: 90 }, { ...dest('reviews', { subset: 'v2' }), weight: 10 }] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0].route', message: /weights add up to 110, not 100/ },
  },
  // CIS0002 PodSecurityBlocksInjection
  {
    code: 'CIS0002', title: 'restricted Pod Security with istio-init injection (1.30 values)',
    bad: [injectorConfigMap(false), namespace('trading', { 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' })],
    good: [injectorConfigMap(true), namespace('trading', { 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' })],
    expect: { kind: 'Namespace', name: 'trading', field: 'metadata.labels["pod-security.kubernetes.io/enforce"]', message: /enforces Pod Security "restricted".*istio-init/ },
  },
  {
    code: 'CIS0002', title: 'baseline Pod Security with istio-init injection of a revision (1.20 values)',
    bad: [injectorConfigMap(false, '1.20', 'canary'), namespace('trading', { 'istio.io/rev': 'canary', 'pod-security.kubernetes.io/enforce': 'baseline' })],
    good: [injectorConfigMap(false, '1.20', 'canary'), namespace('trading', { 'istio.io/rev': 'canary', 'pod-security.kubernetes.io/enforce': 'privileged' })],
    expect: { kind: 'Namespace', name: 'trading', field: 'metadata.labels["pod-security.kubernetes.io/enforce"]', message: /enforces Pod Security "baseline"/ },
  },
  // CIS0003 DuplicateObject
  {
    code: 'CIS0003', title: 'the same VirtualService twice',
    bad: [...reviewsApp('v1'), routeTo({ http: [{ route: [dest('reviews')] }] }), routeTo({ http: [{ route: [dest('reviews')] }] })],
    good: [...reviewsApp('v1'), routeTo({ http: [{ route: [dest('reviews')] }] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'metadata.name', message: /VirtualService shop\/reviews is defined more than once/ },
  },
  // CIS0005 GatewayTrafficDenied
  {
    code: 'CIS0005', title: 'a gateway route into a default-deny namespace that allows only argocd',
    bad: [...gatewayRouteIntoShop(), denyAll('default-deny', 'shop'), authorizationPolicy('allow-argocd', 'shop')],
    good: [...gatewayRouteIntoShop(), denyAll('default-deny', 'shop'), authorizationPolicy('allow-argocd', 'shop'),
      allowFrom('allow-gateway', 'shop', { namespaces: ['istio-ingress'] })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0].route[0].destination.host', message: /gateway \(Deployment istio-ingress\/istio-ingressgateway, service account istio-ingress\/default\) to "reviews" are denied: namespace shop has sidecar injection and is in allow-list mode, and none of the ALLOW policies there or in the root namespace \(shop\/allow-argocd, shop\/default-deny\) admits namespace istio-ingress/ },
  },
  {
    code: 'CIS0005', title: 'mesh-wide deny-all in the root namespace; the allow names another service account',
    bad: [...gatewayRouteIntoShop(), denyAll('deny-all', 'istio-system'), allowFrom('from-gw', 'shop', { principals: ['cluster.local/ns/istio-ingress/sa/other'] }, { app: 'reviews' })],
    good: [...gatewayRouteIntoShop(), denyAll('deny-all', 'istio-system'), allowFrom('from-gw', 'shop', { principals: ['cluster.local/ns/istio-ingress/sa/default'] }, { app: 'reviews' })],
    expect: { kind: 'VirtualService', name: 'reviews', field: 'spec.http[0].route[0].destination.host', message: /namespace shop has sidecar injection .*\(istio-system\/deny-all, shop\/from-gw\)/ },
  },
  // CIS0004 UnknownInjectionTemplate
  {
    code: 'CIS0004', title: 'a pod asks for grpc-agent, the injector has sidecar and gateway',
    bad: [injectorConfigMap(true, '1.30', undefined, ['sidecar', 'gateway']), namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('grpc-client', 'shop', { app: 'grpc-client' }, { podAnnotations: { 'inject.istio.io/templates': 'grpc-agent' } })],
    good: [injectorConfigMap(true, '1.30', undefined, ['sidecar', 'gateway', 'grpc-agent']), namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('grpc-client', 'shop', { app: 'grpc-client' }, { podAnnotations: { 'inject.istio.io/templates': 'grpc-agent' } })],
    expect: { kind: 'Deployment', name: 'grpc-client', field: 'spec.template.metadata.annotations["inject.istio.io/templates"]', message: /"grpc-agent", which the injector \(ConfigMap istio-sidecar-injector\) does not have; it has "gateway", "sidecar"/ },
  },
  {
    code: 'CIS0004', title: 'the namespace injects with revision canary, whose injector lacks the template the default one has',
    bad: [injectorConfigMap(true, '1.30', undefined, ['sidecar', 'gateway', 'custom']), injectorConfigMap(true, '1.30', 'canary', ['sidecar', 'gateway']),
      namespace('shop', { 'istio.io/rev': 'canary' }),
      deployment('api', 'shop', { app: 'api' }, { podAnnotations: { 'inject.istio.io/templates': 'sidecar, custom' } })],
    good: [injectorConfigMap(true, '1.30', undefined, ['sidecar', 'gateway', 'custom']), injectorConfigMap(true, '1.30', 'canary', ['sidecar', 'gateway']),
      namespace('shop', { 'istio.io/rev': 'canary' }),
      deployment('api', 'shop', { app: 'api' }, { podAnnotations: { 'inject.istio.io/templates': 'sidecar,gateway' } })],
    expect: { kind: 'Deployment', name: 'api', field: 'spec.template.metadata.annotations["inject.istio.io/templates"]', message: /"custom", which the injector \(ConfigMap istio-sidecar-injector-canary\)/ },
  },
  // CIS0006 RevisionNotServed
  {
    code: 'CIS0006', title: 'a namespace points at a revision tag no injection webhook serves',
    bad: [tagWebhook('prod', '1-30'), namespace('shop', { 'istio.io/rev': 'stable' })],
    good: [tagWebhook('prod', '1-30'), namespace('shop', { 'istio.io/rev': 'prod' })],
    expect: { kind: 'Namespace', name: 'shop', field: 'metadata.labels.istio.io/rev', message: /revision or tag "stable".*served: prod\)/ },
  },
];

function ofCode(findings: Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

describe('analyzer codes', () => {
  test.each(CASES.map((c) => [`${c.code} ${c.title}`, c] as const))('%s: triggers', (_t, c) => {
    if (!c.badIsSchemaInvalid && !c.notInSchemas) validateAll(c.bad);
    const hits = ofCode(analyze(c.bad, c.options), c.code);
    const hit = hits.find((f) => f.object.kind === c.expect.kind && f.object.name === c.expect.name && f.field === c.expect.field);
    if (!hit) throw new Error(`no ${c.code} on ${c.expect.kind} ${c.expect.name} ${c.expect.field}; got: ${JSON.stringify(hits.map((h) => [h.object.name, h.field]))}`);
    const info = ANALYZER_CODES.find((e) => e.code === c.code)!;
    expect(hit.name).toBe(info.name);
    expect(hit.severity).toBe(info.severity);
    expect(hit.message).toMatch(c.expect.message);
    expect(hit.fix.length).toBeGreaterThan(10);
    expect(hit.constructPath).toBeUndefined();
  });

  test.each(CASES.map((c) => [`${c.code} ${c.title}`, c] as const))('%s: corrected input does not trigger', (_t, c) => {
    if (!c.notInSchemas) validateAll(c.good);
    expect(ofCode(analyze(c.good, c.options), c.code)).toEqual([]);
  });

  test('every catalog code has a triggering case, and the catalog has at least 15 Istio codes', () => {
    const covered = new Set(CASES.map((c) => c.code));
    expect(ANALYZER_CODES.map((e) => e.code).filter((code) => !covered.has(code))).toEqual([]);
    expect(ANALYZER_CODES.filter((e) => e.code.startsWith('IST')).length).toBeGreaterThanOrEqual(15);
  });

  test('catalog names and severities match Istio for a sample of codes', () => {
    const byCode = Object.fromEntries(ANALYZER_CODES.map((e) => [e.code, `${e.name}/${e.severity}`]));
    expect(byCode.IST0101).toBe('ReferencedResourceNotFound/Error');
    expect(byCode.IST0102).toBe('NamespaceNotInjected/Info');
    expect(byCode.IST0112).toBe('VirtualServiceDestinationPortSelectorRequired/Error');
    expect(byCode.IST0118).toBe('PortNameIsNotUnderNamingConvention/Info');
    expect(byCode.IST0132).toBe('VirtualServiceHostNotFoundInGateway/Warning');
    expect(byCode.IST0145).toBe('ConflictingGateways/Error');
    expect(byCode.IST0174).toBe('UnknownDestinationRuleHost/Warning');
  });

  test('docs/analyzer.md lists every code with its name and severity', () => {
    const doc = fs.readFileSync(path.join(__dirname, '../../docs/analyzer.md'), 'utf-8');
    for (const e of ANALYZER_CODES) expect(doc).toContain(`| ${e.code} | ${e.name} | ${e.severity} |`);
  });
});

describe('CIS0005 stays silent where the gateway is not denied', () => {
  const cis5 = (objs: K8sObject[]) => analyze(objs).filter((f) => f.code === 'CIS0005');
  const base = () => [...gatewayRouteIntoShop(), denyAll('default-deny', 'shop')];

  test('the deny applies, as the trigger case shows', () => {
    expect(cis5(base())).toHaveLength(1);
  });

  test('a destination namespace without sidecar injection (its pods enforce no AuthorizationPolicy)', () => {
    for (const labels of [{}, { 'istio-injection': 'disabled' }] as Array<Record<string, string>>) {
      const objs = base().map((o) => (o.kind === 'Namespace' && o.metadata.name === 'shop' ? namespace('shop', labels) : o));
      validateAll(objs);
      expect(cis5(objs)).toEqual([]);
    }
  });

  test('a rule whose match[].gateways leaves the gateway out carries no gateway traffic', () => {
    const objs = [...base().filter((o) => o.kind !== 'VirtualService'),
      virtualService('reviews', 'shop', { hosts: ['reviews.example.com'], gateways: ['istio-ingress/web', 'mesh'], http: [{ match: [{ gateways: ['mesh'] }], route: [dest('reviews')] }] })];
    validateAll(objs);
    expect(cis5(objs)).toEqual([]);
  });

  test('a principal pattern whose trust domain cannot be told (e.g. "example.org/*") counts as admitting', () => {
    const objs = [...base(), allowFrom('td', 'shop', { principals: ['example.org/*'] })];
    validateAll(objs);
    expect(cis5(objs)).toEqual([]);
  });

  test('many gateway pods with one identity are judged once (no per-pod work)', () => {
    const pods = Array.from({ length: 50 }, (_, i) => deployment(`gw-${i}`, 'istio-ingress', { istio: 'ingressgateway' }));
    const objs = [...base(), ...pods];
    validateAll(objs);
    expect(cis5(objs)).toHaveLength(1);
  });
});

test('CIS0005: the egress gateway route of EgressGateway.routeExternalHost is not reported against itself', () => {
  const chart = new Chart(new App(), 'mesh', { disableResourceNameHashes: true });
  const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base'), analyzer: { enabled: false } });
  const ns = new ZeroTrustNamespace(chart, 'egress-ns', { istiod, name: 'istio-egress' });
  ns.allow('from-apps', { rules: [{ from: [{ namespaces: ['shop'] }] }] });
  new EgressGateway(chart, 'egress', { istiod, createNamespace: false }).routeExternalHost('github', { host: 'api.github.com' });
  const objs = Object.values(chart.toJson()) as K8sObject[];
  validateAll(objs);
  expect(analyze(objs).filter((f) => f.code === 'CIS0005')).toEqual([]);
});

describe('CIS0004 follows the webhooks: which revision injects the pod, and whether anything does', () => {
  const cis4 = (objs: K8sObject[]) => analyze(objs).filter((f) => f.code === 'CIS0004');
  const injectors = () => [injectorConfigMap(true, '1.30', 'canary', ['sidecar', 'gateway', 'canary-only']),
    injectorConfigMap(true, '1.30', 'stable', ['sidecar', 'gateway']), injectorConfigMap(true, '1.30', undefined, ['sidecar', 'gateway', 'default-only'])];
  const pod = (labels: Record<string, string>, template: string) =>
    deployment('api', 'shop', { app: 'api', ...labels }, { podAnnotations: { 'inject.istio.io/templates': template } });
  const run = (nsLabels: Record<string, string>, podLabels: Record<string, string>, template: string) => {
    const objs = [...injectors(), namespace('shop', nsLabels), pod(podLabels, template)];
    validateAll(objs);
    return cis4(objs).map((f) => f.message.match(/ConfigMap ([^)]+)\)/)![1]);
  };

  test('the namespace revision wins over the pod revision', () => {
    expect(run({ 'istio.io/rev': 'canary' }, { 'istio.io/rev': 'stable' }, 'canary-only')).toEqual([]);
    expect(run({ 'istio.io/rev': 'canary' }, { 'istio.io/rev': 'stable' }, 'default-only')).toEqual(['istio-sidecar-injector-canary']);
  });

  test('istio-injection=enabled means the default revision, whatever the pod says', () => {
    expect(run({ 'istio-injection': 'enabled' }, { 'istio.io/rev': 'canary' }, 'default-only')).toEqual([]);
  });

  test('an unlabelled namespace: the pod revision decides', () => {
    expect(run({}, { 'istio.io/rev': 'stable' }, 'canary-only')).toEqual(['istio-sidecar-injector-stable']);
  });

  test('pods nothing injects are not checked', () => {
    expect(run({ 'istio-injection': 'disabled' }, {}, 'nope')).toEqual([]);
    expect(run({}, {}, 'nope')).toEqual([]);
    expect(run({ 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'false' }, 'nope')).toEqual([]);
  });

  test('templates indented by four spaces are read; a config whose templates cannot be read keeps the check silent', () => {
    const fourSpaces = { ...injectorConfigMap(true), data: { values: '{}', config: 'policy: enabled\ntemplates:\n    sidecar: |\n        spec: {}\n    gateway: |\n        spec: {}\n' } };
    const flow = { ...injectorConfigMap(true), data: { values: '{}', config: 'policy: enabled\ntemplates: {sidecar: "spec: {}"}\n' } };
    for (const [cm, expected] of [[fourSpaces, 1], [flow, 0]] as const) {
      const objs = [cm as K8sObject, namespace('shop', { 'istio-injection': 'enabled' }), pod({}, 'grpc-agent'), pod({}, 'gateway')];
      objs[3] = deployment('gw', 'shop', { app: 'gw' }, { podAnnotations: { 'inject.istio.io/templates': 'gateway' } });
      validateAll(objs);
      expect(cis4(objs)).toHaveLength(expected);
    }
  });
});
