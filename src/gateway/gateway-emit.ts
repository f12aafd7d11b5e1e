/**
 * Emit step of a gateway: the objects of Istio's `gateway` chart, built from resolved {@link GatewaySettings}.
 * No checks here: `resolveGatewaySettings` has made them all before the first object is emitted.
 *
 * @internal
 */
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { sortLabels } from '../base/labels';
import { KubeJson, kubeObject } from '../kube';
import { findNamespaceObject } from '../validation';
import { addHpa, addPdb } from '../workload';
import type { GatewaySettings } from './gateway-settings';
import { GATEWAY_ENVOY_PROM_PORT } from './gateway-workload';

/** `metadata` of a namespaced chart object: the gateway's name and namespace, object labels plus `extraLabels`. */
function meta(s: GatewaySettings, extraLabels: Record<string, string> = {}): { name: string; namespace: string; labels: Record<string, string> } {
  return {
    name: s.name,
    namespace: s.namespace,
    labels: sortLabels({ ...s.objectLabels, ...extraLabels }),
  };
}

/**
 * The gateway's Namespace, labelled for injection, when asked for and not emitted yet by another construct of the
 * chart (a gateway, a ZeroTrustNamespace).
 */
export function addGatewayNamespace(scope: Construct, s: GatewaySettings): void {
  if (s.createNamespace && !findNamespaceObject(scope, s.namespace)) {
    kubeObject(scope, 'namespace', 'Namespace', {
      metadata: { name: s.namespace, labels: sortLabels(s.istiod.namespaceInjectionLabels()) },
    });
  }
}

/** ServiceAccount, and the Role and RoleBinding that let it read secrets (TLS credentials). */
export function addGatewayRbac(scope: Construct, s: GatewaySettings): void {
  kubeObject(scope, 'service-account', 'ServiceAccount', { metadata: meta(s) });

  kubeObject(scope, 'role', 'Role', {
    metadata: meta(s),
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
  });

  kubeObject(scope, 'role-binding', 'RoleBinding', {
    metadata: meta(s),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: s.name },
    subjects: [{ kind: 'ServiceAccount', name: s.serviceAccountName }],
  });
}

/** The Service in front of the gateway pods. */
export function addGatewayService(scope: Construct, s: GatewaySettings): void {
  const svc = s.service;
  kubeObject(scope, 'service', 'Service', {
    metadata: {
      ...meta(s, s.serviceLabels),
      ...(Object.keys(s.serviceAnnotations).length ? { annotations: sortLabels(s.serviceAnnotations) } : {}),
    },
    spec: {
      type: svc.type,
      ...(svc.externalTrafficPolicy ? { externalTrafficPolicy: svc.externalTrafficPolicy } : {}),
      ...(svc.loadBalancerSourceRanges?.length ? { loadBalancerSourceRanges: svc.loadBalancerSourceRanges } : {}),
      ports: s.ports.map((p) => ({
        name: p.name,
        port: p.port,
        protocol: p.protocol,
        targetPort: p.targetPort,
        ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
      })),
      selector: sortLabels(s.selectorLabels),
    },
  });
}

/**
 * The Deployment: one `istio-proxy` container with `image: auto`, filled in by the control plane's `gateway`
 * injection template; the pod runs with `seccompProfile: RuntimeDefault`.
 */
export function addGatewayDeployment(scope: Construct, s: GatewaySettings): void {
  const sysctl = s.version.gatewaySysctl(s.kubernetesMinor);
  const containerSecurityContext: KubeJson<k8s.SecurityContext> | undefined = sysctl
    ? {
      capabilities: { drop: ['ALL'] },
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      ...(s.version.gatewayRunAsUser1337 ? { runAsUser: 1337, runAsGroup: 1337 } : {}),
      runAsNonRoot: true,
    }
    : undefined;
  kubeObject(scope, 'deployment', 'Deployment', {
    metadata: meta(s),
    spec: {
      ...(s.scaling.replicas !== undefined ? { replicas: s.scaling.replicas } : {}),
      selector: { matchLabels: sortLabels(s.selectorLabels) },
      template: {
        metadata: { annotations: s.podAnnotations, labels: s.podLabels },
        spec: {
          serviceAccountName: s.serviceAccountName,
          securityContext: {
            ...(sysctl ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] } : {}),
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [{
            name: 'istio-proxy',
            image: 'auto',
            ...(containerSecurityContext ? { securityContext: containerSecurityContext } : {}),
            ...(s.network !== undefined ? { env: [{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: s.network }] } : {}),
            ports: [{ containerPort: GATEWAY_ENVOY_PROM_PORT, protocol: 'TCP', name: 'http-envoy-prom' }],
            resources: toKubeResources(s.resources),
          }],
          ...s.scheduling,
          terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
        },
      },
    },
  });
}

/** The HPA and the PDB, each when the scaling plan has one. */
export function addGatewayScaling(scope: Construct, s: GatewaySettings): void {
  addHpa(scope, 'Hpa', s.scaling, meta(s));
  addPdb(scope, 'Pdb', s.scaling, meta(s), sortLabels(s.selectorLabels));
}

function toKubeResources(r: { requests?: Record<string, string>; limits?: Record<string, string> }): KubeJson<k8s.ResourceRequirements> {
  return {
    ...(r.limits ? { limits: { ...r.limits } } : {}),
    ...(r.requests ? { requests: { ...r.requests } } : {}),
  };
}
