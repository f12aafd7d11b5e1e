/**
 * Realistic object sets for the GitOps tests: the real IstioBase and Istiod constructs plus hand-made
 * gateway, policy and application objects shaped like what an Istio install and its users render.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import {
  IntOrString, KubeClusterRole, KubeClusterRoleBinding, KubeConfigMap, KubeDeployment, KubeHorizontalPodAutoscalerV2,
  KubeMutatingWebhookConfiguration, KubeNamespace, KubeNetworkPolicy, KubePodDisruptionBudget, KubeRole,
  KubeRoleBinding, KubeService, KubeServiceAccount, KubeValidatingWebhookConfiguration,
} from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { IstioBase } from '../../src/base/istio-base';
import { istioObject } from '../../src/istio-object';
import { Istiod } from '../../src/istiod/istiod';
import { IstioVersion } from '../../src/version';
import { K8sObject, validateAll } from '../support/schema';

/** A fresh app whose charts have no name hashes. */
export function newApp(): App {
  return Testing.app();
}

/** A chart with the given id in `app`. */
export function chartIn(app: App, id: string): Chart {
  return new Chart(app, id, { disableResourceNameHashes: true });
}

/** The real control plane: IstioBase + Istiod. */
export function addControlPlane(chart: Chart, version: IstioVersion = IstioVersion.V1_30_3): Istiod {
  const base = new IstioBase(chart, 'base', { version });
  return new Istiod(chart, 'istiod', { base });
}

/**
 * A gateway as Istio's gateway chart renders it: a Deployment injected with the `gateway` template,
 * ServiceAccount, Role/RoleBinding, Service, HPA and PDB. `saName`/`roleName` differ from the workload
 * name in the legacy-style set-up to exercise the reference rules.
 */
export function addGateway(scope: Construct, id: string, opts: {
  name: string; namespace: string; istio: string; saName?: string; roleName?: string; serviceName?: string; pdbName?: string; hpaName?: string;
}): void {
  const labels = { app: opts.name, istio: opts.istio };
  const sa = opts.saName ?? opts.name;
  const role = opts.roleName ?? opts.name;
  const ns = opts.namespace;
  new KubeServiceAccount(scope, `${id}-sa`, { metadata: { name: sa, namespace: ns, labels } });
  new KubeRole(scope, `${id}-role`, {
    metadata: { name: role, namespace: ns },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
  });
  new KubeRoleBinding(scope, `${id}-rb`, {
    metadata: { name: role, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
    subjects: [{ kind: 'ServiceAccount', name: sa }],
  });
  new KubeService(scope, `${id}-svc`, {
    metadata: { name: opts.serviceName ?? opts.name, namespace: ns, labels },
    spec: { type: 'LoadBalancer', selector: labels, ports: [{ name: 'status-port', port: 15021 }, { name: 'http2', port: 80 }, { name: 'https', port: 443 }] },
  });
  new KubeDeployment(scope, `${id}-deploy`, {
    metadata: { name: opts.name, namespace: ns, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
          annotations: { 'inject.istio.io/templates': 'gateway', 'sidecar.istio.io/inject': 'true' },
        },
        spec: { serviceAccountName: sa, containers: [{ name: 'istio-proxy', image: 'auto' }] },
      },
    },
  });
  new KubeHorizontalPodAutoscalerV2(scope, `${id}-hpa`, {
    metadata: { name: opts.hpaName ?? opts.name, namespace: ns },
    spec: { minReplicas: 1, maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: opts.name } },
  });
  new KubePodDisruptionBudget(scope, `${id}-pdb`, {
    metadata: { name: opts.pdbName ?? opts.name, namespace: ns },
    spec: { minAvailable: IntOrString.fromNumber(1), selector: { matchLabels: labels } },
  });
}

/**
 * A hand-made control plane shaped like Istio's istiod chart (what the classifier must place without
 * relying on the real constructs' details).
 */
export function addHandMadeControlPlane(scope: Construct, ns = 'istio-system'): void {
  const labels = { app: 'istiod', istio: 'pilot' };
  new KubeNamespace(scope, 'ns-cp', { metadata: { name: ns } });
  new KubeServiceAccount(scope, 'cp-sa', { metadata: { name: 'istiod', namespace: ns } });
  new KubeConfigMap(scope, 'cp-cm', { metadata: { name: 'istio', namespace: ns }, data: { mesh: 'trustDomain: cluster.local\n' } });
  new KubeClusterRole(scope, 'cp-cr', { metadata: { name: `istiod-clusterrole-${ns}` }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
  new KubeClusterRoleBinding(scope, 'cp-crb', {
    metadata: { name: `istiod-clusterrole-${ns}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `istiod-clusterrole-${ns}` },
    subjects: [{ kind: 'ServiceAccount', name: 'istiod', namespace: ns }],
  });
  new KubeRole(scope, 'cp-role', { metadata: { name: 'istiod', namespace: ns }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create'] }] });
  new KubeRoleBinding(scope, 'cp-rb', {
    metadata: { name: 'istiod', namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'istiod' },
    subjects: [{ kind: 'ServiceAccount', name: 'istiod', namespace: ns }],
  });
  new KubeDeployment(scope, 'cp-deploy', {
    metadata: { name: 'istiod', namespace: ns, labels },
    spec: {
      selector: { matchLabels: { istio: 'pilot' } },
      template: { metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false' } }, spec: { serviceAccountName: 'istiod', containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.30.3' }] } },
    },
  });
  new KubeService(scope, 'cp-svc', { metadata: { name: 'istiod', namespace: ns }, spec: { selector: labels, ports: [{ name: 'grpc-xds', port: 15010 }] } });
  new KubeHorizontalPodAutoscalerV2(scope, 'cp-hpa', {
    metadata: { name: 'istiod', namespace: ns },
    spec: { maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod' } },
  });
  new KubePodDisruptionBudget(scope, 'cp-pdb', { metadata: { name: 'istiod', namespace: ns }, spec: { selector: { matchLabels: labels } } });
  const service = { name: 'istiod', namespace: ns, path: '/inject', port: 443 };
  new KubeMutatingWebhookConfiguration(scope, 'cp-mwc', {
    metadata: { name: 'istio-sidecar-injector' },
    webhooks: ['namespace', 'object'].map((w) => ({
      name: `${w}.sidecar-injector.istio.io`, admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: 'Fail',
      clientConfig: { service },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      // as istiod's chart: one webhook by namespace label, one by pod label, so they never both inject a pod
      // (two injectors for the same pods are IST0139, which Istio's analyzer reports as an error)
      ...(w === 'namespace'
        ? { namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } }
        : { namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }] }, objectSelector: { matchLabels: { 'sidecar.istio.io/inject': 'true' } } }),
    })),
  });
  for (const [id, name, wh] of [['cp-vwc', `istio-validator-${ns}`, 'rev.validation.istio.io'], ['cp-dv', 'istiod-default-validator', 'validation.istio.io']]) {
    new KubeValidatingWebhookConfiguration(scope, id, {
      metadata: { name },
      webhooks: [{
        name: wh, admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: 'Ignore',
        clientConfig: { service: { name: 'istiod', namespace: ns, path: '/validate' } },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['security.istio.io'], apiVersions: ['*'], resources: ['*'] }],
      }],
    });
  }
  // A cert-manager Certificate issuing istiod's plug-in CA secret lives with the control plane.
  new ApiObject(scope, 'cp-cacerts', {
    apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'istio-ca', namespace: ns },
    spec: { isCA: true, commonName: 'istio-ca', secretName: 'cacerts', issuerRef: { name: 'vault', kind: 'Issuer' } },
  });
}

/** Application namespace `trading` with Istio policy, routes and a NetworkPolicy, plus app objects. */
export function addMeshPolicy(scope: Construct, version: IstioVersion, rootNs = 'istio-system'): void {
  new KubeNamespace(scope, 'ns-trading', { metadata: { name: 'trading', labels: { 'istio-injection': 'enabled', 'name': 'trading' } } });
  istioObject(scope, 'mesh-mtls', version, 'PeerAuthentication', { name: 'default', namespace: rootNs }, { mtls: { mode: 'STRICT' as never } });
  istioObject(scope, 'pa', version, 'PeerAuthentication', { name: 'default', namespace: 'trading' }, { mtls: { mode: 'STRICT' as never } });
  istioObject(scope, 'deny', version, 'AuthorizationPolicy', { name: 'deny-all', namespace: 'trading' }, {});
  istioObject(scope, 'gw', version, 'Gateway', { name: 'trading-gateway', namespace: 'istio-ingress' }, {
    selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['trading.local'], port: { number: 80, name: 'http', protocol: 'HTTP' } }],
  });
  istioObject(scope, 'vs', version, 'VirtualService', { name: 'trading-app', namespace: 'trading' }, {
    hosts: ['trading.local'], gateways: ['istio-ingress/trading-gateway'], http: [{ route: [{ destination: { host: 'trading-app' } }] }],
  });
  istioObject(scope, 'dr', version, 'DestinationRule', { name: 'trading-app', namespace: 'trading' }, { host: 'trading-app' });
  istioObject(scope, 'se', version, 'ServiceEntry', { name: 'exchange', namespace: 'trading' }, { hosts: ['api.exchange.example'], resolution: 'DNS' as never, ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] });
  istioObject(scope, 'sc', version, 'Sidecar', { name: 'default', namespace: 'trading' }, { egress: [{ hosts: ['./*', `${rootNs}/*`] }] });
  istioObject(scope, 'tel', version, 'Telemetry', { name: 'mesh-default', namespace: rootNs }, { accessLogging: [{ providers: [{ name: 'envoy' }] }] });
  new KubeNetworkPolicy(scope, 'np', { metadata: { name: 'default-deny', namespace: 'trading' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  // Application objects the rules do not know: they must land in 40-other, never be dropped.
  new KubeConfigMap(scope, 'app-cm', { metadata: { name: 'trading-config', namespace: 'trading' }, data: { mode: 'paper' } });
  new KubeServiceAccount(scope, 'app-sa', { metadata: { name: 'trading-agent', namespace: 'trading' } });
}

/**
 * A complete, realistic chart: hand-made control plane in istio-system, an ingress gateway in its own
 * namespace (chart-style names), an egress gateway inside istio-system (legacy-style SA and Role
 * names), mesh policy and application objects.
 */
export function addHandMadeMesh(chart: Chart, version: IstioVersion = IstioVersion.V1_30_3): void {
  addHandMadeControlPlane(chart);
  new KubeNamespace(chart, 'ns-ingress', { metadata: { name: 'istio-ingress', labels: { 'istio-injection': 'enabled' } } });
  addGateway(chart, 'ingress', { name: 'istio-ingressgateway', namespace: 'istio-ingress', istio: 'ingressgateway' });
  addGateway(chart, 'egress', {
    name: 'istio-egressgateway', namespace: 'istio-system', istio: 'egressgateway',
    saName: 'istio-egressgateway-service-account', roleName: 'istio-egressgateway-sds', serviceName: 'egress', pdbName: 'egress-pdb', hpaName: 'egress-hpa',
  });
  addMeshPolicy(chart, version);
}

/** A chart `mesh` in a fresh app, built by `build`, synthesized and schema-validated. */
export function synthMesh(build: (chart: Chart) => void): K8sObject[] {
  const chart = chartIn(newApp(), 'mesh');
  build(chart);
  const objs = Testing.synth(chart) as K8sObject[];
  validateAll(objs);
  return objs;
}
