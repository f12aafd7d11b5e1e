/**
 * Facts about every Istio CustomResourceDefinition of the two supported release lines: names, versions,
 * printer columns and metadata. Schemas are not part of the catalog (see `IstioCrds`).
 *
 * Written from the CRD lists of Istio 1.20.3 and 1.30.3 (group, kind, plural, short names, served/storage
 * versions, printer columns); the categories and listKind follow fixed rules and are derived.
 */
import { IstioLine, IstioVersion } from '../version';
import { chartLabels, sortLabels } from './labels';

/** One `additionalPrinterColumns` entry. */
export interface CrdPrinterColumn {
  /** Column header, e.g. `Host`. */
  readonly name: string;
  /** Column type (`string` or `date`). */
  readonly type: string;
  /** JSONPath of the value, e.g. `.spec.host`. */
  readonly jsonPath: string;
}

/** One entry of a CRD's `spec.versions`. */
export interface CrdVersionFacts {
  /** API version name, e.g. `v1beta1`. */
  readonly name: string;
  /** Served by the API server. */
  readonly served: boolean;
  /** The storage version (exactly one per CRD). */
  readonly storage: boolean;
  /** Marked deprecated (no Istio CRD version of the supported lines is). */
  readonly deprecated?: boolean;
}

/** Everything but the schema of one Istio CRD, as a given Istio version renders it. */
export interface CrdFacts {
  /** `<plural>.<group>`, the CRD's object name. */
  readonly name: string;
  /** API group, e.g. `networking.istio.io`. */
  readonly group: string;
  /** Kind, e.g. `DestinationRule`. */
  readonly kind: string;
  /** `<Kind>List`. */
  readonly listKind: string;
  /** Plural resource name. */
  readonly plural: string;
  /** Singular resource name. */
  readonly singular: string;
  /** kubectl short names (may be empty). */
  readonly shortNames: string[];
  /** kubectl categories: `istio-io` and the group with dots replaced by dashes (none for IstioOperator). */
  readonly categories: string[];
  /** Always `Namespaced`. */
  readonly scope: 'Namespaced';
  /** Versions in upstream order. */
  readonly versions: CrdVersionFacts[];
  /** Printer columns (the same on every version). */
  readonly printerColumns: CrdPrinterColumn[];
  /** Labels of the rendered CRD (sorted). */
  readonly labels: Record<string, string>;
  /** Annotations of the rendered CRD. */
  readonly annotations: Record<string, string>;
}

// ---- compact source data ------------------------------------------------------------------------

interface Entry {
  /** group prefix before `.istio.io` */
  readonly g: 'extensions' | 'networking' | 'security' | 'telemetry' | 'install';
  readonly kind: string;
  readonly plural: string;
  /** versions, upstream order; `*` marks the storage version; all listed versions are served */
  readonly v: string;
  readonly short?: string[];
  readonly cols?: CrdPrinterColumn[];
  /** the `istio:` label of the static label set */
  readonly istioLabel?: 'security' | 'telemetry';
  /** the CRD lacks the `helm.sh/resource-policy: keep` annotation */
  readonly noKeep?: boolean;
  /** IstioOperator: no categories, only `release: istio` as label */
  readonly operator?: boolean;
}

const col = (name: string, type: string, jsonPath: string): CrdPrinterColumn => ({ name, type, jsonPath });
const AGE = col('Age', 'date', '.metadata.creationTimestamp');
const HOST = col('Host', 'string', '.spec.host');
const HOSTS = col('Hosts', 'string', '.spec.hosts');
const SE_COLS = [HOSTS, col('Location', 'string', '.spec.location'), col('Resolution', 'string', '.spec.resolution'), AGE];
const VS_COLS = [col('Gateways', 'string', '.spec.gateways'), HOSTS, AGE];
const WE_COLS = [AGE, col('Address', 'string', '.spec.address')];
const MODE = col('Mode', 'string', '.spec.mtls.mode');
const ACTION = col('Action', 'string', '.spec.action');

const NET_1_30 = 'v1*,v1alpha3,v1beta1';
const NET_1_20 = 'v1alpha3*,v1beta1';

const ENTRIES: Record<IstioLine, Entry[]> = {
  '1.30': [
    { g: 'extensions', kind: 'TrafficExtension', plural: 'trafficextensions', v: 'v1alpha1*', cols: [AGE] },
    { g: 'extensions', kind: 'WasmPlugin', plural: 'wasmplugins', v: 'v1alpha1*', cols: [AGE] },
    { g: 'networking', kind: 'DestinationRule', plural: 'destinationrules', v: NET_1_30, short: ['dr'], cols: [HOST, AGE] },
    { g: 'networking', kind: 'EnvoyFilter', plural: 'envoyfilters', v: 'v1alpha3*' },
    { g: 'networking', kind: 'Gateway', plural: 'gateways', v: NET_1_30, short: ['gw'] },
    { g: 'networking', kind: 'ProxyConfig', plural: 'proxyconfigs', v: 'v1beta1*' },
    { g: 'networking', kind: 'ServiceEntry', plural: 'serviceentries', v: NET_1_30, short: ['se'], cols: SE_COLS },
    { g: 'networking', kind: 'Sidecar', plural: 'sidecars', v: NET_1_30 },
    { g: 'networking', kind: 'VirtualService', plural: 'virtualservices', v: NET_1_30, short: ['vs'], cols: VS_COLS },
    { g: 'networking', kind: 'WorkloadEntry', plural: 'workloadentries', v: NET_1_30, short: ['we'], cols: WE_COLS },
    { g: 'networking', kind: 'WorkloadGroup', plural: 'workloadgroups', v: NET_1_30, short: ['wg'], cols: [AGE] },
    { g: 'security', kind: 'AuthorizationPolicy', plural: 'authorizationpolicies', v: 'v1*,v1beta1', short: ['ap'], cols: [ACTION, AGE], istioLabel: 'security' },
    { g: 'security', kind: 'PeerAuthentication', plural: 'peerauthentications', v: 'v1*,v1beta1', short: ['pa'], cols: [MODE, AGE], istioLabel: 'security' },
    { g: 'security', kind: 'RequestAuthentication', plural: 'requestauthentications', v: 'v1*,v1beta1', short: ['ra'], istioLabel: 'security' },
    { g: 'telemetry', kind: 'Telemetry', plural: 'telemetries', v: 'v1,v1alpha1*', short: ['telemetry'], cols: [AGE], istioLabel: 'telemetry' },
  ],
  '1.20': [
    { g: 'extensions', kind: 'WasmPlugin', plural: 'wasmplugins', v: 'v1alpha1*', cols: [AGE] },
    { g: 'networking', kind: 'DestinationRule', plural: 'destinationrules', v: NET_1_20, short: ['dr'], cols: [HOST, AGE] },
    { g: 'networking', kind: 'EnvoyFilter', plural: 'envoyfilters', v: 'v1alpha3*' },
    { g: 'networking', kind: 'Gateway', plural: 'gateways', v: NET_1_20, short: ['gw'] },
    { g: 'networking', kind: 'ProxyConfig', plural: 'proxyconfigs', v: 'v1beta1*' },
    { g: 'networking', kind: 'ServiceEntry', plural: 'serviceentries', v: NET_1_20, short: ['se'], cols: SE_COLS },
    { g: 'networking', kind: 'Sidecar', plural: 'sidecars', v: NET_1_20 },
    { g: 'networking', kind: 'VirtualService', plural: 'virtualservices', v: NET_1_20, short: ['vs'], cols: VS_COLS },
    { g: 'networking', kind: 'WorkloadEntry', plural: 'workloadentries', v: NET_1_20, short: ['we'], cols: WE_COLS },
    { g: 'networking', kind: 'WorkloadGroup', plural: 'workloadgroups', v: NET_1_20, short: ['wg'], cols: [AGE], noKeep: true },
    { g: 'security', kind: 'AuthorizationPolicy', plural: 'authorizationpolicies', v: 'v1,v1beta1*', istioLabel: 'security' },
    { g: 'security', kind: 'PeerAuthentication', plural: 'peerauthentications', v: 'v1beta1*', short: ['pa'], cols: [MODE, AGE], istioLabel: 'security' },
    { g: 'security', kind: 'RequestAuthentication', plural: 'requestauthentications', v: 'v1,v1beta1*', short: ['ra'], istioLabel: 'security' },
    { g: 'telemetry', kind: 'Telemetry', plural: 'telemetries', v: 'v1alpha1*', short: ['telemetry'], cols: [AGE], istioLabel: 'telemetry' },
    {
      g: 'install', kind: 'IstioOperator', plural: 'istiooperators', v: 'v1alpha1*', short: ['iop', 'io'], operator: true, noKeep: true,
      cols: [col('Revision', 'string', '.spec.revision'), col('Status', 'string', '.status.status'), AGE],
    },
  ],
};

/**
 * The Helm release the upstream base chart is installed as; its name shows in the 1.30 CRD labels.
 * @internal
 */
export const BASE_RELEASE = 'istio-base';
/**
 * The upstream chart the CRDs, reader ServiceAccount and default validator belong to.
 * @internal
 */
export const BASE_CHART = 'base';

function resolve(version: IstioVersion, e: Entry): CrdFacts {
  const group = `${e.g}.istio.io`;
  const versions = e.v.split(',').map((v) => ({ name: v.replace('*', ''), served: true, storage: v.endsWith('*') }));
  let labels: Record<string, string>;
  if (e.operator) {
    labels = { release: 'istio' };
  } else if (version.crdsAsChartTemplates) {
    labels = chartLabels(version, { release: BASE_RELEASE, chart: BASE_CHART });
  } else {
    labels = { app: 'istio-pilot', chart: 'istio', heritage: 'Tiller', release: 'istio' };
    if (e.istioLabel) labels.istio = e.istioLabel;
  }
  return {
    name: `${e.plural}.${group}`,
    group,
    kind: e.kind,
    listKind: `${e.kind}List`,
    plural: e.plural,
    singular: e.kind.toLowerCase(),
    shortNames: [...(e.short ?? [])],
    categories: e.operator ? [] : ['istio-io', group.replace(/\./g, '-')],
    scope: 'Namespaced',
    versions,
    printerColumns: (e.cols ?? []).map((c) => ({ ...c })),
    labels: sortLabels(labels),
    annotations: e.noKeep ? {} : { 'helm.sh/resource-policy': 'keep' },
  };
}

/**
 * Every Istio CRD `version` defines, sorted by group then kind (the order of Istio's own CRD file):
 * 15 on 1.30 (with TrafficExtension), 14 plus IstioOperator on 1.20.
 */
export function istioCrdCatalog(version: IstioVersion): CrdFacts[] {
  return ENTRIES[version.line].map((e) => resolve(version, e)).sort(compareCrds);
}

/**
 * Orders CRDs by group, then kind.
 * @internal
 */
export function compareCrds(a: { group: string; kind: string }, b: { group: string; kind: string }): number {
  if (a.group !== b.group) return a.group < b.group ? -1 : 1;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return 0;
}
