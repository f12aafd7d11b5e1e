/**
 * Plain Kubernetes objects, without the generated L1 classes (`KubeDeployment`, `KubeService`, ...) of
 * cdk8s-plus's `k8s` module.
 *
 * Loading those classes costs a 2.6 MB module (about 13 MiB and 20-50 ms) on every `require('cdk8s-istio')`,
 * and all they add over a plain `ApiObject` is a conversion at synth time: wrapper classes (`Quantity`,
 * `IntOrString`) to their value, and a few camelCased field names back to Kubernetes' own. Here objects are
 * written in their JSON form from the start, and the binding interfaces are still used, as types only (erased
 * at run time), to check every field:
 *
 * - `Quantity` and `IntOrString` fields take a plain string or number (`'100m'`, `15017`, `'25%'`);
 * - fields are spelled as Kubernetes spells them: `clusterIP`, `loadBalancerIP`, `downwardAPI`,
 *   `nonResourceURLs`, `openAPIV3Schema`, `x-kubernetes-preserve-unknown-fields`, ... (see FieldNames).
 *
 * The output is the same as the L1 classes give: cdk8s sorts every object's keys at synth, and the L1
 * classes' schema order is that same (alphabetical) order.
 *
 * Internal to the library (not exported from the package index).
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { claimObject, registerNamespaceObject } from './validation';

/**
 * Field names the generated bindings spell differently from Kubernetes, and the Kubernetes name.
 * (`$ref` and `$schema` of JSON schemas are left out: the bindings call them `ref` and `schema`, and
 * `schema` is also a plain field of CRD versions.)
 */
interface FieldNames {
  readonly clientIp: 'clientIP';
  readonly clusterIp: 'clusterIP';
  readonly datasetUuid: 'datasetUUID';
  readonly diskUri: 'diskURI';
  readonly downwardApi: 'downwardAPI';
  readonly externalId: 'externalID';
  readonly hostIp: 'hostIP';
  readonly hostIpc: 'hostIPC';
  readonly hostPid: 'hostPID';
  readonly insecureSkipTlsVerify: 'insecureSkipTLSVerify';
  readonly loadBalancerIp: 'loadBalancerIP';
  readonly nodeId: 'nodeID';
  readonly nonResourceUrLs: 'nonResourceURLs';
  readonly openApiv3Schema: 'openAPIV3Schema';
  readonly pdId: 'pdID';
  readonly podCidr: 'podCIDR';
  readonly podCidRs: 'podCIDRs';
  readonly providerId: 'providerID';
  readonly scaleIo: 'scaleIO';
  readonly setHostnameAsFqdn: 'setHostnameAsFQDN';
  readonly storagePolicyId: 'storagePolicyID';
  readonly targetCpuUtilizationPercentage: 'targetCPUUtilizationPercentage';
  readonly targetWwNs: 'targetWWNs';
  readonly volumeId: 'volumeID';
  readonly xKubernetesEmbeddedResource: 'x-kubernetes-embedded-resource';
  readonly xKubernetesIntOrString: 'x-kubernetes-int-or-string';
  readonly xKubernetesListMapKeys: 'x-kubernetes-list-map-keys';
  readonly xKubernetesListType: 'x-kubernetes-list-type';
  readonly xKubernetesMapType: 'x-kubernetes-map-type';
  readonly xKubernetesPreserveUnknownFields: 'x-kubernetes-preserve-unknown-fields';
  readonly xKubernetesValidations: 'x-kubernetes-validations';
}

/**
 * The JSON form of a binding type `T`: `Quantity` and `IntOrString` (both a wrapper around a string or a
 * number; recognised by their exact shape) become `string | number`, field names become Kubernetes' own,
 * recursively through objects, maps and arrays.
 */
export type KubeJson<T> = T extends string | number | boolean | null | undefined ? T
  : [T] extends [k8s.Quantity] ? ([k8s.Quantity] extends [T] ? string | number : KubeJsonObject<T>)
    : T extends ReadonlyArray<infer U> ? Array<KubeJson<U>>
      : KubeJsonObject<T>;

type KubeJsonObject<T> = { [K in keyof T as K extends keyof FieldNames ? FieldNames[K] : K]: KubeJson<T[K]> };

/** The kinds emitted with {@link kubeObject}, and the binding props that type their fields. */
interface KubeKinds {
  readonly ClusterRole: k8s.KubeClusterRoleProps;
  readonly ClusterRoleBinding: k8s.KubeClusterRoleBindingProps;
  readonly ConfigMap: k8s.KubeConfigMapProps;
  readonly CustomResourceDefinition: k8s.KubeCustomResourceDefinitionProps;
  readonly DaemonSet: k8s.KubeDaemonSetProps;
  readonly EndpointSlice: k8s.KubeEndpointSliceProps;
  readonly Deployment: k8s.KubeDeploymentProps;
  readonly HorizontalPodAutoscaler: k8s.KubeHorizontalPodAutoscalerV2Props;
  readonly MutatingWebhookConfiguration: k8s.KubeMutatingWebhookConfigurationProps;
  readonly Namespace: k8s.KubeNamespaceProps;
  readonly NetworkPolicy: k8s.KubeNetworkPolicyProps;
  readonly PodDisruptionBudget: k8s.KubePodDisruptionBudgetProps;
  readonly Role: k8s.KubeRoleProps;
  readonly RoleBinding: k8s.KubeRoleBindingProps;
  readonly Service: k8s.KubeServiceProps;
  readonly ServiceAccount: k8s.KubeServiceAccountProps;
  readonly ValidatingWebhookConfiguration: k8s.KubeValidatingWebhookConfigurationProps;
}

/** A kind {@link kubeObject} emits. */
export type KubeKind = keyof KubeKinds;

/** The apiVersion each kind gets unless the props name another one (the versions the L1 classes carry). */
const API_VERSIONS: { readonly [K in KubeKind]: string } = {
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  ConfigMap: 'v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
  DaemonSet: 'apps/v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  Deployment: 'apps/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  MutatingWebhookConfiguration: 'admissionregistration.k8s.io/v1',
  Namespace: 'v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  PodDisruptionBudget: 'policy/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  Service: 'v1',
  ServiceAccount: 'v1',
  ValidatingWebhookConfiguration: 'admissionregistration.k8s.io/v1',
};

/** Props of {@link kubeObject}: metadata, an optional apiVersion, and the kind's other fields in JSON form. */
export type KubeObjectProps<K extends KubeKind> = KubeJson<Omit<KubeKinds[K], 'metadata'>> & {
  /** The object's metadata (every object we emit names itself). */
  readonly metadata: ApiObjectMetadata;
  /**
   * Another apiVersion of the same shape, for older clusters (e.g. `policy/v1beta1`, `autoscaling/v2beta2`).
   * @default the kind's current version (see API_VERSIONS)
   */
  readonly apiVersion?: string;
};

/** Adds a Kubernetes object of `kind`, written in its JSON form (see the top of this file). */
export function kubeObject<K extends KubeKind>(scope: Construct, id: string, kind: K, props: KubeObjectProps<K>): ApiObject {
  const fields: { readonly metadata: ApiObjectMetadata; readonly apiVersion?: string } = props;
  const apiVersion = fields.apiVersion ?? API_VERSIONS[kind];
  // Namespaces may be shared on purpose (findNamespaceObject); everything else is one construct's
  if (kind !== 'Namespace' && fields.metadata.name) claimObject(scope, apiVersion, kind, fields.metadata.namespace, fields.metadata.name);
  const obj = new ApiObject(scope, id, { ...fields, apiVersion, kind });
  if (kind === 'Namespace') registerNamespaceObject(obj);
  return obj;
}
