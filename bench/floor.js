'use strict';
/**
 * The floor: the objects of a generated mesh (mesh.js) built as plain JavaScript object literals and
 * dumped with the `yaml` package alone, with the options cdk8s uses. Nothing here loads cdk8s, constructs
 * or the library.
 *
 * The per-namespace and per-service objects below mirror what ZeroTrustNamespace, its `allow` and
 * CanaryRoute emit for the default install (Istio 1.30.3: v1 APIs, revision-less injection label,
 * trust domain cluster.local), with keys in the sorted order cdk8s writes. The control-plane objects
 * (CRDs, istiod, gateway: a constant ~40 objects whatever the mesh size) are read from a JSON snapshot
 * of the library's output. The benchmark compares the floor's YAML with the synthesized YAML byte for
 * byte at every size, so a drift between this file and the constructs shows up in its output.
 */
const YAML = require('yaml');
const shape = require('./shape');

const CONTROL_PLANE_NS = 'istio-system';
const INGRESS_NS = 'istio-ingress';
const INGRESS_SA = 'istio-ingressgateway';
const TRUST_DOMAIN = 'cluster.local';

/** `name` and `kubernetes.io/metadata.name` selectors of a namespace, as the zero-trust NetworkPolicies write them. */
function namespacePeers(ns, podLabels) {
  return [
    { namespaceSelector: { matchLabels: { name: ns } }, ...(podLabels ? { podSelector: { matchLabels: { ...podLabels } } } : {}) },
    { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, ...(podLabels ? { podSelector: { matchLabels: { ...podLabels } } } : {}) },
  ];
}

function namespaceObjects(ns) {
  const port = shape.SERVICE_PORT;
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        labels: {
          'istio-injection': 'enabled',
          'name': ns,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
        name: ns,
      },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: ns },
      spec: { mtls: { mode: 'STRICT' } },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'default-deny', namespace: ns },
      spec: { action: 'ALLOW' },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: ns },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-baseline', namespace: ns },
      spec: {
        egress: [
          { to: [{ podSelector: {} }] },
          { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], to: namespacePeers('kube-system', { 'k8s-app': 'kube-dns' }) },
          { ports: [{ port: 15012, protocol: 'TCP' }], to: namespacePeers(CONTROL_PLANE_NS) },
        ],
        ingress: [{ from: [{ podSelector: {} }] }, { from: namespacePeers(INGRESS_NS) }],
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
      },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'from-ingress', namespace: ns },
      spec: {
        action: 'ALLOW',
        rules: [{
          from: [{ source: { principals: [`${TRUST_DOMAIN}/ns/${INGRESS_NS}/sa/${INGRESS_SA}`] } }],
          to: [{ operation: { ports: [String(port)] } }],
        }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'from-ingress', namespace: ns },
      spec: {
        ingress: [{ from: namespacePeers(INGRESS_NS), ports: [{ port, protocol: 'TCP' }] }],
        podSelector: {},
        policyTypes: ['Ingress'],
      },
    },
  ];
}

function serviceObjects(svc, ns, gatewayExposure) {
  const port = shape.SERVICE_PORT;
  const host = shape.internalHost(svc, ns);
  const deployment = (version) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { labels: { app: svc, version }, name: `${svc}-${version}`, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: svc, version } },
      template: {
        metadata: { labels: { app: svc, version } },
        spec: {
          containers: [{ image: shape.image(svc, version), name: 'app', ports: [{ containerPort: port, name: 'http' }] }],
          serviceAccountName: svc,
        },
      },
    },
  });
  const destination = (subset) => ({ host, port: { number: port }, subset });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: svc, namespace: ns } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { labels: { app: svc }, name: svc, namespace: ns },
      spec: { ports: [{ name: 'http', port, targetPort: port }], selector: { app: svc } },
    },
    deployment('v1'),
    deployment('v2'),
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: svc, namespace: ns },
      spec: { host, subsets: [{ labels: { version: 'v1' }, name: 'v1' }, { labels: { version: 'v2' }, name: 'v2' }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: svc, namespace: ns },
      spec: {
        ...(gatewayExposure ? { gateways: [`${INGRESS_NS}/${shape.GATEWAY_NAME}`, 'mesh'] } : {}),
        hosts: gatewayExposure ? [host, shape.externalHost(svc, ns)] : [host],
        http: [{
          route: [
            { destination: destination('v1'), weight: 100 - shape.CANARY_WEIGHT },
            { destination: destination('v2'), weight: shape.CANARY_WEIGHT },
          ],
        }],
      },
    },
  ];
}

/** Every object of the mesh, in the order cdk8s writes them: control plane, then each namespace and its services. */
function floorObjects(services, snapshot) {
  const docs = [...snapshot.objects];
  for (const { namespace, services: names } of shape.layout(services)) {
    docs.push(...namespaceObjects(namespace));
    for (const svc of names) docs.push(...serviceObjects(svc, namespace, snapshot.features.gatewayExposure));
  }
  return docs;
}

/** The YAML stream, exactly as cdk8s's `Yaml.stringify` formats documents (same `yaml` options and separator). */
function dump(docs) {
  return docs.map((d) => YAML.stringify(d, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n');
}

module.exports = { floorObjects, dump };
