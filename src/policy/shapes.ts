/**
 * The keys of the policy props and options, checked at run time by `checkKnownKeys` (an unknown key is an error
 * naming its path and the closest valid key, instead of vanishing); the compiler keeps each shape equal to its
 * interface. The options of `allow`/`deny`/`audit`/`custom` are checked next to their rendering in
 * zero-trust-namespace.ts.
 *
 * @internal
 */
import type { Shape } from '../resource/keys';
import type { MeshWideMtlsProps } from './mesh-wide-mtls';
import type { AllowMonitoringOptions, PermissiveOptions, WorkloadMtlsOptions, PodSecurityOptions, ZeroTrustNamespaceProps } from './zero-trust-namespace';

export const POD_SECURITY: Shape<PodSecurityOptions> = {
  enforce: true, enforceVersion: true, warn: true, warnVersion: true, audit: true, auditVersion: true,
};

export const ZERO_TRUST_NAMESPACE_PROPS: Shape<ZeroTrustNamespaceProps> = {
  istiod: 'ref',
  name: true,
  podSecurity: POD_SECURITY,
  ingressGatewayNamespaces: 'ref',
  allowedNamespaces: true,
  networkPolicy: { restrictEgress: true, egressNamespaces: true, egressCidrs: true },
  sidecar: { hosts: true },
  revision: true,
  dataplane: true,
  labels: true,
  annotations: true,
};

export const PERMISSIVE_OPTIONS: Shape<PermissiveOptions> = { selector: true, name: true };

export const WORKLOAD_MTLS_OPTIONS: Shape<WorkloadMtlsOptions> = { selector: true, mode: true, portLevelMtls: true, name: true };

export const ALLOW_MONITORING_OPTIONS: Shape<AllowMonitoringOptions> = {
  namespace: true, serviceAccount: true, ports: true, selector: true, name: true,
};

export const MESH_WIDE_MTLS_PROPS: Shape<MeshWideMtlsProps> = { istiod: 'ref', mode: true };
