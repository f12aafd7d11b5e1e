/**
 * Entry points of the analysis: plain objects in, findings out.
 */
import { checkAnnotations } from './checks/annotations';
import { checkControlPlane } from './checks/control-plane';
import { checkDestinationRules } from './checks/destination-rules';
import { checkGatewayAccess } from './checks/gateway-access';
import { checkConditions } from './checks/conditions';
import { checkEnvoyFilters } from './checks/envoy-filters';
import { checkGatewayApi } from './checks/gateway-api';
import { checkGatewayTls } from './checks/gateway-tls';
import { checkGateways } from './checks/gateways';
import { checkInjection } from './checks/injection';
import { checkDuplicates, checkInjectionTemplates, checkNamespaces } from './checks/namespaces';
import { checkNetworkPolicies } from './checks/network-policies';
import { checkIstioStructure, checkWorkloadSelectors } from './checks/policies';
import { checkRevisions } from './checks/revisions';
import { checkVirtualServices } from './checks/routing';
import { checkServiceEntries, checkServices } from './checks/services';
import { checkVirtualServiceExtras } from './checks/virtual-service-extras';
import { checkWebhooks } from './checks/webhooks';
import { checkDeprecatedFields, checkTelemetryProviders } from './checks/telemetry';
import { checkApplicationUid, checkServiceAssociation } from './checks/workloads';
import { MeshModel, Reporter } from './model';
import { AnalyzeOptions, Finding, ManifestObject, SourcedObject, severityRank } from './types';

const CHECKS: ReadonlyArray<(m: MeshModel, r: Reporter) => void> = [
  checkDuplicates,
  checkIstioStructure,
  checkNamespaces,
  checkInjectionTemplates,
  checkInjection,
  checkAnnotations,
  checkServices,
  checkServiceEntries,
  checkGateways,
  checkVirtualServices,
  checkDestinationRules,
  checkWorkloadSelectors,
  checkGatewayAccess,
  checkApplicationUid,
  checkServiceAssociation,
  checkConditions,
  checkTelemetryProviders,
  checkDeprecatedFields,
  checkEnvoyFilters,
  checkGatewayTls,
  checkWebhooks,
  checkGatewayApi,
  checkVirtualServiceExtras,
  checkControlPlane,
  checkNetworkPolicies,
  checkRevisions,
];

/**
 * Analyzes plain Kubernetes objects (as synthesized by cdk8s or read from YAML) and returns every
 * finding, most serious first. Objects that are not Kubernetes objects (no `kind`/`apiVersion`)
 * are ignored. Runs in time linear in the number of objects (all cross-object look-ups use indexes).
 */
export function analyze(objects: readonly ManifestObject[], options: AnalyzeOptions = {}): Finding[] {
  return analyzeSourced(objects.map((object) => ({ object })), options);
}

/** Like {@link analyze}, for objects that carry their construct path or file. */
export function analyzeSourced(input: readonly SourcedObject[], options: AnalyzeOptions = {}): Finding[] {
  const model = new MeshModel(input, options);
  const reporter = new Reporter(options);
  for (const check of CHECKS) check(model, reporter);
  return sortFindings(reporter.findings);
}

function objectKey(f: Finding): string {
  return `${f.object.namespace ?? ''}\u0000${f.object.kind}\u0000${f.object.name}`;
}

/** Sorts findings: most serious first, then by object, field and code (deterministic). */
export function sortFindings(findings: Finding[]): Finding[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return findings.sort((a, b) =>
    severityRank(b.severity) - severityRank(a.severity)
    || cmp(objectKey(a), objectKey(b))
    || cmp(a.field, b.field)
    || cmp(a.code, b.code)
    || cmp(a.message, b.message));
}
