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
import { AnalyzeOptions, AnalyzerFleet, Finding, ManifestObject, SourcedObject, severityRank } from './types';

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
  return sortFindings(runChecks(new MeshModel(input, options), options));
}

function runChecks(model: MeshModel, options: AnalyzeOptions): Finding[] {
  const reporter = new Reporter(options);
  for (const check of CHECKS) check(model, reporter);
  return reporter.findings;
}

/**
 * Analyzes the clusters of one multi-cluster mesh: each cluster with the same checks as {@link analyze}, and with the
 * other clusters as its mesh peers ({@link AnalyzeOptions.meshPeers}): a host any cluster serves is known in every
 * cluster, and a route to a host that only clusters on other networks serve needs their east-west gateway (CIS0008).
 * Every finding names its `cluster`. Each cluster's input is indexed once. `options.network` and
 * `options.meshPeers` are ignored (the fleet gives them).
 *
 * @example
 * analyzeFleet({ clusters: [
 *   { name: 'pi-a', network: 'site-a', objects: objectsOfA },
 *   { name: 'pi-b', network: 'site-b', objects: objectsOfB },
 * ] });
 */
export function analyzeFleet(fleet: AnalyzerFleet, options: AnalyzeOptions = {}): Finding[] {
  const { network: _n, meshPeers: _p, ...shared } = options;
  const clusters = fleet?.clusters;
  if (!Array.isArray(clusters) || clusters.length === 0) throw new Error('analyzeFleet: clusters must list at least one cluster { name, network?, objects }');
  const names = new Set<string>();
  for (const [i, c] of clusters.entries()) {
    if (!c || typeof c.name !== 'string' || c.name === '') throw new Error(`analyzeFleet: clusters[${i}].name must be a non-empty string`);
    if (names.has(c.name)) throw new Error(`analyzeFleet: clusters[${i}].name "${c.name}" names two clusters; cluster names are unique in a mesh`);
    if (!Array.isArray(c.objects)) throw new Error(`analyzeFleet: clusters[${i}].objects must be a list of objects`);
    names.add(c.name);
  }
  const models = clusters.map((c) => {
    const input = (c.objects as ReadonlyArray<ManifestObject | SourcedObject>).map((o: ManifestObject | SourcedObject): SourcedObject => (isSourced(o) ? o : { object: o }));
    const own: AnalyzeOptions = { ...shared, ...(c.network !== undefined ? { network: c.network } : {}) };
    return { name: c.name, options: own, model: new MeshModel(input, own) };
  });
  for (const m of models) m.model.setPeers(models.filter((o) => o !== m).map((o) => ({ name: o.name, model: o.model })));
  return sortFindings(models.flatMap((m) => runChecks(m.model, m.options).map((f) => ({ ...f, cluster: m.name }))));
}

function isSourced(o: ManifestObject | SourcedObject): o is SourcedObject {
  return typeof (o as SourcedObject).object === 'object' && (o as SourcedObject).object !== null && typeof (o as ManifestObject).kind !== 'string';
}

function objectKey(f: Finding): string {
  return `${f.cluster ?? ''}\u0000${f.object.namespace ?? ''}\u0000${f.object.kind}\u0000${f.object.name}`;
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
