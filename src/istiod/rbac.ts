/**
 * istiod's RBAC: the three ClusterRoles with their bindings, and the namespaced Role with its binding.
 *
 * @internal
 */
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KubeJson, kubeObject } from '../kube';
import { IstiodContext, IstiodLabelKind } from './context';

type PolicyRule = KubeJson<k8s.PolicyRule>;

/** ServiceAccount the base creates for multicluster readers; the reader ClusterRole is bound to it. */
export const READER_SERVICE_ACCOUNT = 'istio-reader-service-account';

const READ = ['get', 'watch', 'list'];
const READ_LGW = ['get', 'list', 'watch'];
const ALL7 = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];
const ISTIO_GROUPS = ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io', 'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];
const MCS_GROUP = 'multicluster.x-k8s.io';
/** Gateway API kinds whose status istiod writes (1.30). */
const GATEWAY_API_STATUS_KINDS = [
  'backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'referencegrants', 'tcproutes', 'tlsroutes', 'udproutes', 'listenersets',
];

function rule(apiGroups: string[], resources: string[], verbs: string[]): PolicyRule {
  return { apiGroups, resources, verbs };
}

/** Grants of `istiod-clusterrole[-rev]-<ns>` for the context's version. */
export function istiodClusterRules(ctx: IstiodContext): PolicyRule[] {
  const v = ctx.version;
  const status = v.istiodStatusSubresourceGrants;
  const rules: PolicyRule[] = [
    // webhook controllers patch caBundle/failurePolicy into the configurations
    rule(['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'], ['get', 'list', 'watch', 'update', 'patch']),
    rule(['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'], ['get', 'list', 'watch', 'update']),
    // Istio configuration
    rule(ISTIO_GROUPS, ['*'], READ),
    rule(['networking.istio.io'], ['workloadentries'], ALL7),
    rule(['networking.istio.io'], status ? ['workloadentries/status', 'serviceentries/status'] : ['workloadentries/status'], ALL7),
  ];
  if (status) {
    rules.push(
      rule(['security.istio.io'], ['authorizationpolicies/status'], ALL7),
      rule([''], ['services/status'], ALL7),
    );
  }
  rules.push(
    rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], READ_LGW),
    // discovery and routing
    rule([''], ['pods', 'nodes', 'services', 'namespaces', 'endpoints'], READ_LGW),
    rule(['discovery.k8s.io'], ['endpointslices'], READ_LGW),
    // Kubernetes Ingress support
    rule(['networking.k8s.io'], ['ingresses', 'ingressclasses'], READ_LGW),
    rule(['networking.k8s.io'], ['ingresses/status'], ['*']),
    // the CA publishes istio-ca-root-cert into every namespace
    rule([''], ['configmaps'], ['create', 'get', 'list', 'watch', 'update']),
    // token and SDS authorization checks
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    // Gateway API
    rule(['gateway.networking.k8s.io', v.istiodGatewayApiExperimentalGroup], ['*'], READ),
  );
  if (status) {
    rules.push(
      rule(['gateway.networking.x-k8s.io'], ['xbackendtrafficpolicies/status'], ['update', 'patch']),
      rule(['gateway.networking.k8s.io'], GATEWAY_API_STATUS_KINDS.map((k) => `${k}/status`), ['update', 'patch']),
    );
  } else {
    rules.push(rule(['gateway.networking.k8s.io'], ['*'], ['update', 'patch']));
  }
  rules.push(rule(['gateway.networking.k8s.io'], ['gatewayclasses'], ['create', 'update', 'patch', 'delete']));
  if (v.istiodInferencePoolGrants) {
    rules.push(
      rule(['inference.networking.k8s.io'], ['inferencepools'], READ),
      rule(['inference.networking.k8s.io'], ['inferencepools/status'], ['update', 'patch']),
    );
  }
  rules.push(
    // multicluster secrets
    rule([''], ['secrets'], READ),
    // Multi-Cluster Services
    rule([MCS_GROUP], ['serviceexports'], ['get', 'watch', 'list', 'create', 'delete']),
    rule([MCS_GROUP], ['serviceimports'], READ),
  );
  return rules;
}

/** Grants of `istiod-gateway-controller[-rev]-<ns>`: what deploying gateways for Gateway API resources needs. */
export function gatewayControllerRules(ctx: IstiodContext): PolicyRule[] {
  // Upstream's order: deployments, then (1.30) the autoscaling grants, then services and service accounts.
  const scaling = ctx.version.gatewayControllerScalingGrants
    ? [rule(['autoscaling'], ['horizontalpodautoscalers'], ALL7), rule(['policy'], ['poddisruptionbudgets'], ALL7)]
    : [];
  return [
    rule(['apps'], ['deployments'], ALL7),
    ...scaling,
    rule([''], ['services'], ALL7),
    rule([''], ['serviceaccounts'], ALL7),
  ];
}

/** Grants of `istio-reader-clusterrole[-rev]-<ns>` (read-only access for remote clusters and tools). */
export function readerRules(ctx: IstiodContext): PolicyRule[] {
  const extended = ctx.version.readerTelemetryExtensionsConfigMaps;
  const istioGroups = extended ? ISTIO_GROUPS : ISTIO_GROUPS.filter((g) => g !== 'telemetry.istio.io' && g !== 'extensions.istio.io');
  const core = ['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces', 'secrets'];
  if (extended) core.push('configmaps');
  return [
    rule(istioGroups, ['*'], READ_LGW),
    rule([''], core, READ_LGW),
    rule(['networking.istio.io'], ['workloadentries'], READ),
    rule(['networking.x-k8s.io', 'gateway.networking.k8s.io'], ['gateways'], READ),
    rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], READ_LGW),
    rule(['discovery.k8s.io'], ['endpointslices'], READ_LGW),
    rule([MCS_GROUP], ['serviceexports'], ['get', 'list', 'watch', 'create', 'delete']),
    rule([MCS_GROUP], ['serviceimports'], READ_LGW),
    rule(['apps'], ['replicasets'], READ_LGW),
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
  ];
}

/** Grants of the namespaced Role `istiod[-rev]`. */
export function istiodRoleRules(): PolicyRule[] {
  return [
    rule(['networking.istio.io'], ['gateways'], ['create']),
    rule([''], ['secrets'], ['create', 'get', 'watch', 'list', 'update', 'delete']),
    rule([''], ['configmaps'], ['delete']),
    rule(['coordination.k8s.io'], ['leases'], ['get', 'update', 'patch', 'create']),
  ];
}

/** Adds the three ClusterRoles with their bindings, and the Role with its binding. */
export function addRbac(scope: Construct, ctx: IstiodContext, serviceAccountName: string): void {
  const sa = { kind: 'ServiceAccount', name: serviceAccountName, namespace: ctx.namespace };
  const clusterRoles: Array<[string, string, PolicyRule[], typeof sa, IstiodLabelKind]> = [
    ['clusterrole', ctx.clusterScopedName('istiod-clusterrole'), istiodClusterRules(ctx), sa, 'rbac'],
    ['gateway-controller', ctx.clusterScopedName('istiod-gateway-controller'), gatewayControllerRules(ctx), sa, 'rbac'],
    ['reader-clusterrole', ctx.clusterScopedName('istio-reader-clusterrole'), readerRules(ctx),
      { kind: 'ServiceAccount', name: READER_SERVICE_ACCOUNT, namespace: ctx.namespace }, 'reader'],
  ];
  for (const [id, name, rules, subject, labels] of clusterRoles) {
    kubeObject(scope, id, 'ClusterRole', { metadata: ctx.clusterMeta(name, labels), rules });
    kubeObject(scope, `${id}-binding`, 'ClusterRoleBinding', {
      metadata: ctx.clusterMeta(name, labels),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [subject],
    });
  }
  kubeObject(scope, 'role', 'Role', { metadata: ctx.meta(ctx.name, 'rbac'), rules: istiodRoleRules() });
  kubeObject(scope, 'role-binding', 'RoleBinding', {
    metadata: ctx.meta(ctx.name, 'rbac'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ctx.name },
    subjects: [sa],
  });
}
