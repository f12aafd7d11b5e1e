import { Severity } from './types';

/** One entry of the analyzer's catalog of message codes. */
export interface AnalyzerCode {
  /** Istio's code (`IST....`) or ours (`CIS....`, for checks Istio does not have). */
  readonly code: string;
  /** Istio's message name, or ours. */
  readonly name: string;
  /** Default severity (Istio's level for IST codes). */
  readonly severity: Severity;
  /** What triggers it, in one sentence. */
  readonly trigger: string;
  /** The usual fix. */
  readonly fix: string;
  /**
   * The `istioctl analyze` analyzers that report this code (their metadata names); empty for this library's
   * own codes. IST0106 is reported by `schema.ValidationAnalyzer.<Kind>`.
   */
  readonly analyzers: readonly string[];
}

/** Which of Istio's analyzers report each IST code (facts from Istio's pkg/config/analysis/analyzers). */
const UPSTREAM_ANALYZERS: Record<string, readonly string[]> = {
  IST0002: ['deprecation.DeprecationAnalyzer', 'telemetry.LightstepAnalyzer'],
  IST0101: [
    'gateway.IngressGatewayPortAnalyzer', 'gateway.SecretAnalyzer', 'virtualservice.GatewayAnalyzer',
    'virtualservice.DestinationHostAnalyzer', 'virtualservice.DestinationRuleAnalyzer', 'sidecar.SelectorAnalyzer',
    'telemetry.SelectorAnalyzer', 'auth.AuthorizationPoliciesAnalyzer',
  ],
  IST0102: ['injection.Analyzer'],
  IST0103: ['injection.Analyzer'],
  IST0106: [],
  IST0107: ['annotations.K8sAnalyzer'],
  IST0108: ['annotations.K8sAnalyzer'],
  IST0109: ['virtualservice.ConflictingMeshGatewayHostsAnalyzer'],
  IST0110: ['sidecar.SelectorAnalyzer'],
  IST0111: ['sidecar.SelectorAnalyzer'],
  IST0112: ['virtualservice.DestinationHostAnalyzer'],
  IST0116: ['deployment.MultiServiceAnalyzer'],
  IST0118: ['service.PortNameAnalyzer'],
  IST0123: ['injection.Analyzer'],
  IST0125: ['annotations.K8sAnalyzer'],
  IST0126: ['meshnetworks.MeshNetworksAnalyzer'],
  IST0127: ['auth.AuthorizationPoliciesAnalyzer'],
  IST0128: ['destinationrule.CaCertificateAnalyzer'],
  IST0129: ['destinationrule.CaCertificateAnalyzer'],
  IST0130: ['schema.ValidationAnalyzer.VirtualService'],
  IST0131: ['schema.ValidationAnalyzer.VirtualService'],
  IST0132: ['virtualservice.GatewayAnalyzer'],
  IST0134: ['serviceentry.Analyzer'],
  IST0135: ['annotations.K8sAnalyzer'],
  IST0137: ['deployment.MultiServiceAnalyzer'],
  IST0138: ['gateway.CertificateAnalyzer'],
  IST0139: ['webhook.Analyzer'],
  IST0140: ['virtualservice.DestinationHostAnalyzer'],
  IST0144: ['applicationUID.Analyzer'],
  IST0145: ['gateway.ConflictingGatewayAnalyzer'],
  IST0146: ['injection.ImageAutoAnalyzer'],
  IST0147: ['injection.ImageAutoAnalyzer'],
  IST0148: ['injection.Analyzer'],
  IST0149: ['virtualservice.JWTClaimRouteAnalyzer'],
  IST0150: ['service.PortNameAnalyzer'],
  IST0151: ['envoyfilter.EnvoyPatchAnalyzer'],
  IST0152: ['envoyfilter.EnvoyPatchAnalyzer'],
  IST0153: ['envoyfilter.EnvoyPatchAnalyzer'],
  IST0154: ['envoyfilter.EnvoyPatchAnalyzer'],
  IST0155: ['envoyfilter.EnvoyPatchAnalyzer'],
  IST0157: ['telemetry.ProviderAnalyzer'],
  IST0158: ['injection.ImageAnalyzer'],
  IST0159: ['telemetry.SelectorAnalyzer'],
  IST0160: ['telemetry.DefaultSelectorAnalyzer'],
  IST0161: ['gateway.SecretAnalyzer'],
  IST0162: ['gateway.IngressGatewayPortAnalyzer'],
  IST0163: ['externalcontrolplane.ExternalControlPlaneAnalyzer'],
  IST0164: ['externalcontrolplane.ExternalControlPlaneAnalyzer'],
  IST0165: ['virtualservice.GatewayAnalyzer'],
  IST0166: ['k8sgateway.SelectorAnalyzer'],
  IST0167: ['sidecar.SelectorAnalyzer'],
  IST0171: ['conditions.ConditionAnalyzer'],
  IST0173: ['destinationrule.SubsetSelectPodAnalyzer'],
  IST0174: ['destinationrule.SubsetSelectPodAnalyzer'],
  IST0175: ['authn.BlockedCIDRsAnalyzer'],
  IST0176: ['k8sgateway.CRDVersionAnalyzer'],
};

function c(code: string, name: string, severity: Severity, trigger: string, fix: string): AnalyzerCode {
  const analyzers = UPSTREAM_ANALYZERS[code];
  if (code.startsWith('IST') && analyzers === undefined) throw new Error(`analyzer: no upstream analyzer listed for ${code}`);
  return { code, name, severity, trigger, fix, analyzers: analyzers ?? [] };
}

/**
 * Every code the analyzer can report, ordered by code. Codes, names and severities of IST codes are
 * Istio's (`istioctl analyze`); CIS codes are this library's own.
 */
export const ANALYZER_CODES: readonly AnalyzerCode[] = [
  c('IST0101', 'ReferencedResourceNotFound', 'Error',
    'A VirtualService names a Gateway, delegate VirtualService, destination host or DestinationRule subset that does not exist; or a Gateway selector matches no workload (only with assumeComplete).',
    'Correct the reference, or add the missing object.'),
  c('IST0102', 'NamespaceNotInjected', 'Info',
    'A Namespace object holds workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods) whose pods do not choose injection themselves, but has neither `istio-injection` nor `istio.io/rev`.',
    'Label the namespace `istio-injection=enabled` (or `istio.io/rev=<revision>`), or `istio-injection=disabled` to say it stays out of the mesh.'),
  c('IST0106', 'SchemaValidationError', 'Error',
    'An Istio object breaks a structural rule istiod enforces: missing name/host/hosts/servers, a delegate VirtualService with gateways, an HTTP rule without route/redirect/directResponse/delegate, negative or fractional weights, several destinations with a zero total weight, duplicate or unnamed subsets, bad port numbers, portLevelMtls without selector.',
    'Fix the field named in the finding.'),
  c('IST0107', 'MisplacedAnnotation', 'Warning',
    'A known Istio annotation sits on a kind of object that does not read it, e.g. `sidecar.istio.io/inject` on a Deployment instead of its pod template.',
    'Move the annotation to the object kind it belongs to (for pod annotations: `spec.template.metadata.annotations`).'),
  c('IST0108', 'UnknownAnnotation', 'Warning',
    'An annotation in an `istio.io` domain is not one Istio knows (usually a typo).',
    'Correct the annotation key or remove it.'),
  c('IST0109', 'ConflictingMeshGatewayVirtualServiceHosts', 'Error',
    'Several VirtualServices bound to the mesh (sidecars) define the same host.',
    'Merge them into one VirtualService per host, or bind them to different gateways.'),
  c('IST0110', 'ConflictingSidecarWorkloadSelectors', 'Error',
    'Several Sidecar resources of one namespace select the same workload.',
    'Make the workload selectors disjoint, or merge the Sidecars.'),
  c('IST0111', 'MultipleSidecarsWithoutWorkloadSelectors', 'Error',
    'A namespace has more than one Sidecar resource without a workload selector.',
    'Keep a single namespace-wide Sidecar; give the others a workloadSelector.'),
  c('IST0112', 'VirtualServiceDestinationPortSelectorRequired', 'Error',
    'A VirtualService routes to a Service exposing several ports without choosing `destination.port`.',
    'Set `destination.port.number` to the Service port to use.'),
  c('IST0118', 'PortNameIsNotUnderNamingConvention', 'Info',
    'A Service port name does not start with a protocol prefix (`http`, `http2`, `https`, `grpc`, `grpc-web`, `tcp`, `tls`, `udp`, `mongo`, `mysql`, `redis`, ...) and sets no `appProtocol`, so Istio has to sniff the protocol. Ports 15000-15099 (Istio\'s own) and system namespaces are exempt.',
    'Name the port `<protocol>[-<suffix>]` (e.g. `http-web`) or set `appProtocol`.'),
  c('IST0123', 'NamespaceMultipleInjectionLabels', 'Warning',
    'A Namespace carries both `istio-injection` and `istio.io/rev`.',
    'Keep one injection label: `istio-injection=enabled` for the default revision, or `istio.io/rev=<revision>`.'),
  c('IST0127', 'NoMatchingWorkloadsFound', 'Warning',
    'An AuthorizationPolicy, PeerAuthentication, RequestAuthentication, Telemetry, Sidecar or EnvoyFilter selects labels no workload of its namespace carries (checked only for namespaces whose workloads are in the input, unless assumeComplete).',
    'Correct the selector labels, or deploy the workload.'),
  c('IST0128', 'NoServerCertificateVerificationDestinationLevel', 'Warning',
    'A DestinationRule (or subset) originates TLS (`SIMPLE` or `MUTUAL`) without `caCertificates` or `credentialName`, so the server certificate is not verified.',
    'Set `caCertificates` (or `credentialName`) in the TLS settings; use `insecureSkipVerify: true` only when not verifying is intended.'),
  c('IST0129', 'NoServerCertificateVerificationPortLevel', 'Warning',
    'The same as IST0128, in `portLevelSettings[].tls`.',
    'Set `caCertificates` (or `credentialName`) in the port-level TLS settings.'),
  c('IST0130', 'VirtualServiceUnreachableRule', 'Warning',
    'A VirtualService rule can never match: an earlier rule matches everything, or all of its matches repeat earlier ones.',
    'Reorder the rules (most specific first) or remove the dead rule.'),
  c('IST0131', 'VirtualServiceIneffectiveMatch', 'Info',
    'One match of a VirtualService rule repeats an earlier match, so it never takes effect.',
    'Remove the duplicate match or make it distinct.'),
  c('IST0132', 'VirtualServiceHostNotFoundInGateway', 'Warning',
    'A VirtualService bound to a Gateway has no host that the Gateway\'s servers accept for its namespace (as in Istio, one served host is enough: the others may be in-mesh names).',
    'Add the host to the Gateway servers (or widen a wildcard), or bind the VirtualService to the Gateway that serves it.'),
  c('IST0134', 'ServiceEntryAddressesRequired', 'Warning',
    'A ServiceEntry has no `addresses` but a port with protocol TCP or none, so the proxy cannot tell its traffic apart.',
    'Add `addresses`, declare a protocol such as HTTP/TLS on the port, or enable Istio DNS auto-allocation.'),
  c('IST0135', 'DeprecatedAnnotation', 'Info',
    'An Istio annotation that is deprecated and may stop working.',
    'Use the replacement named in the finding, or remove the annotation.'),
  c('IST0145', 'ConflictingGateways', 'Error',
    'Two Gateways with the same workload selector listen on the same port with overlapping hosts.',
    'Merge the servers into one Gateway, or make the hosts distinct.'),
  c('IST0162', 'GatewayPortNotDefinedOnService', 'Warning',
    'A Gateway server listens on a port that no Service in front of the selected gateway pods exposes (checked when the gateway pods and a Service selecting them are in the input, unless assumeComplete).',
    'Add the port to the gateway Service (port/targetPort), or change the Gateway server port.'),
  c('IST0173', 'DestinationRuleSubsetNotSelectPods', 'Error',
    'A DestinationRule subset selects no pod of its Service (checked when the Service and the workloads of its namespace are in the input); requests to it fail with 503 UH.',
    'Correct the subset labels, deploy the version it names, or remove the subset.'),
  c('IST0174', 'UnknownDestinationRuleHost', 'Warning',
    'A DestinationRule host matches no Service or ServiceEntry (checked for namespaces whose Services are in the input, unless assumeComplete).',
    'Correct the host (use the FQDN for other namespaces), or create the Service/ServiceEntry.'),
  c('CIS0001', 'RouteWeightsNotHundred', 'Warning',
    'The weights of a route\'s destinations are non-zero but do not add up to 100; Istio normalises them, which hides typos.',
    'Make the weights add up to 100.'),
  c('CIS0002', 'PodSecurityBlocksInjection', 'Error',
    'A namespace with sidecar injection enforces Pod Security `baseline` or `restricted` while the mesh injects the `istio-init` container (CNI off), which needs NET_ADMIN and NET_RAW: no pod can start.',
    'Enable the Istio CNI node agent, or lower `pod-security.kubernetes.io/enforce` to `privileged`.'),
  c('CIS0003', 'DuplicateObject', 'Error',
    'Two objects share API group, kind, namespace and name: applied together, the second silently replaces the first.',
    'Give one of them another name (for constructs: another `name` prop), or remove the duplicate.'),
  c('CIS0004', 'UnknownInjectionTemplate', 'Error',
    'A pod asks (annotation `inject.istio.io/templates`) for an injection template that the injector of its revision does not have (checked when that injector ConfigMap is in the input); istiod rejects the pod at admission.',
    'Use a template the injector has (cdk8s-istio ships every one istiod asks for: `sidecar`, `gateway`, `grpc-simple`, `grpc-agent`, `waypoint`, `kube-gateway`, and `agentgateway` on 1.30), or add your own with `Istiod` `injection.templates`.'),
  c('CIS0005', 'GatewayTrafficDenied', 'Warning',
    'A VirtualService bound to a Gateway routes to a namespace in allow-list mode (an ALLOW AuthorizationPolicy without selector there or in the root namespace, such as a zero-trust default-deny) where no rule admits the gateway pods\' namespace or service account: every request through the gateway gets 403 (checked when the gateway pods are in the input).',
    'Add an ALLOW rule for the gateway\'s identity in the destination namespace, e.g. `ZeroTrustNamespace.allow(id, { rules: [{ from: [{ serviceAccounts: [{ namespace, name }] }] }] })`.'),
];

const BY_CODE = new Map(ANALYZER_CODES.map((e) => [e.code, e]));

/** Catalog entry of a code (throws for an unknown code: a bug in a check). */
export function codeInfo(code: string): AnalyzerCode {
  const e = BY_CODE.get(code);
  if (!e) throw new Error(`analyzer: unknown code ${code}`);
  return e;
}
