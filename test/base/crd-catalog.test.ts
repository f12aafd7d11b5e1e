import { IstioBase } from '../../src/base';
import { IstioVersion } from '../../src/version';
import { K8sObject } from '../support/schema';
import { findOne, newChart, ofKind, synthValid } from '../support/synth';

const V30 = IstioVersion.V1_30_3;
const V20 = IstioVersion.V1_20_3;

function crdsOf(version: IstioVersion): K8sObject[] {
  const chart = newChart();
  new IstioBase(chart, 'base', { version });
  return ofKind(synthValid(chart), 'CustomResourceDefinition');
}

// Expected CRD object names, written out per release (group order, then kind).
const NAMES_1_30 = [
  'trafficextensions.extensions.istio.io',
  'wasmplugins.extensions.istio.io',
  'destinationrules.networking.istio.io',
  'envoyfilters.networking.istio.io',
  'gateways.networking.istio.io',
  'proxyconfigs.networking.istio.io',
  'serviceentries.networking.istio.io',
  'sidecars.networking.istio.io',
  'virtualservices.networking.istio.io',
  'workloadentries.networking.istio.io',
  'workloadgroups.networking.istio.io',
  'authorizationpolicies.security.istio.io',
  'peerauthentications.security.istio.io',
  'requestauthentications.security.istio.io',
  'telemetries.telemetry.istio.io',
];
const NAMES_1_20 = [
  'wasmplugins.extensions.istio.io',
  'istiooperators.install.istio.io',
  'destinationrules.networking.istio.io',
  'envoyfilters.networking.istio.io',
  'gateways.networking.istio.io',
  'proxyconfigs.networking.istio.io',
  'serviceentries.networking.istio.io',
  'sidecars.networking.istio.io',
  'virtualservices.networking.istio.io',
  'workloadentries.networking.istio.io',
  'workloadgroups.networking.istio.io',
  'authorizationpolicies.security.istio.io',
  'peerauthentications.security.istio.io',
  'requestauthentications.security.istio.io',
  'telemetries.telemetry.istio.io',
];

interface Expect {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  categories?: string[];
  /** name:flags, S served, T storage */
  versions: string[];
  columns: Array<[string, string, string]>;
}

const AGE: [string, string, string] = ['Age', 'date', '.metadata.creationTimestamp'];

const TABLE: Record<string, Record<string, Expect>> = {
  '1.30.3': {
    DestinationRule: {
      group: 'networking.istio.io', kind: 'DestinationRule', plural: 'destinationrules', singular: 'destinationrule',
      shortNames: ['dr'], categories: ['istio-io', 'networking-istio-io'],
      versions: ['v1:ST', 'v1alpha3:S', 'v1beta1:S'], columns: [['Host', 'string', '.spec.host'], AGE],
    },
    AuthorizationPolicy: {
      group: 'security.istio.io', kind: 'AuthorizationPolicy', plural: 'authorizationpolicies', singular: 'authorizationpolicy',
      shortNames: ['ap'], categories: ['istio-io', 'security-istio-io'],
      versions: ['v1:ST', 'v1beta1:S'], columns: [['Action', 'string', '.spec.action'], AGE],
    },
    Telemetry: {
      group: 'telemetry.istio.io', kind: 'Telemetry', plural: 'telemetries', singular: 'telemetry',
      shortNames: ['telemetry'], categories: ['istio-io', 'telemetry-istio-io'],
      versions: ['v1:S', 'v1alpha1:ST'], columns: [AGE],
    },
    PeerAuthentication: {
      group: 'security.istio.io', kind: 'PeerAuthentication', plural: 'peerauthentications', singular: 'peerauthentication',
      shortNames: ['pa'], categories: ['istio-io', 'security-istio-io'],
      versions: ['v1:ST', 'v1beta1:S'], columns: [['Mode', 'string', '.spec.mtls.mode'], AGE],
    },
    TrafficExtension: {
      group: 'extensions.istio.io', kind: 'TrafficExtension', plural: 'trafficextensions', singular: 'trafficextension',
      categories: ['istio-io', 'extensions-istio-io'], versions: ['v1alpha1:ST'], columns: [AGE],
    },
    ServiceEntry: {
      group: 'networking.istio.io', kind: 'ServiceEntry', plural: 'serviceentries', singular: 'serviceentry',
      shortNames: ['se'], categories: ['istio-io', 'networking-istio-io'],
      versions: ['v1:ST', 'v1alpha3:S', 'v1beta1:S'],
      columns: [['Hosts', 'string', '.spec.hosts'], ['Location', 'string', '.spec.location'], ['Resolution', 'string', '.spec.resolution'], AGE],
    },
  },
  '1.20.3': {
    DestinationRule: {
      group: 'networking.istio.io', kind: 'DestinationRule', plural: 'destinationrules', singular: 'destinationrule',
      shortNames: ['dr'], categories: ['istio-io', 'networking-istio-io'],
      versions: ['v1alpha3:ST', 'v1beta1:S'], columns: [['Host', 'string', '.spec.host'], AGE],
    },
    AuthorizationPolicy: {
      group: 'security.istio.io', kind: 'AuthorizationPolicy', plural: 'authorizationpolicies', singular: 'authorizationpolicy',
      categories: ['istio-io', 'security-istio-io'], versions: ['v1:S', 'v1beta1:ST'], columns: [],
    },
    Telemetry: {
      group: 'telemetry.istio.io', kind: 'Telemetry', plural: 'telemetries', singular: 'telemetry',
      shortNames: ['telemetry'], categories: ['istio-io', 'telemetry-istio-io'], versions: ['v1alpha1:ST'], columns: [AGE],
    },
    PeerAuthentication: {
      group: 'security.istio.io', kind: 'PeerAuthentication', plural: 'peerauthentications', singular: 'peerauthentication',
      shortNames: ['pa'], categories: ['istio-io', 'security-istio-io'], versions: ['v1beta1:ST'], columns: [['Mode', 'string', '.spec.mtls.mode'], AGE],
    },
    IstioOperator: {
      group: 'install.istio.io', kind: 'IstioOperator', plural: 'istiooperators', singular: 'istiooperator',
      shortNames: ['iop', 'io'], versions: ['v1alpha1:ST'],
      columns: [['Revision', 'string', '.spec.revision'], ['Status', 'string', '.status.status'], AGE],
    },
    RequestAuthentication: {
      group: 'security.istio.io', kind: 'RequestAuthentication', plural: 'requestauthentications', singular: 'requestauthentication',
      shortNames: ['ra'], categories: ['istio-io', 'security-istio-io'], versions: ['v1:S', 'v1beta1:ST'], columns: [],
    },
  },
};

describe.each([
  [V30, NAMES_1_30],
  [V20, NAMES_1_20],
])('CRDs of Istio %s', (version, names) => {
  const crds = crdsOf(version);

  test('exactly the CRDs of the release, in group/kind order', () => {
    expect(crds.map((c) => c.metadata.name)).toEqual(names);
    expect(crds).toHaveLength(15);
    expect(crds.every((c) => c.apiVersion === 'apiextensions.k8s.io/v1')).toBe(true);
  });

  test.each(Object.keys(TABLE[version.tag]))('%s: names, versions, storage flags and printer columns', (kind) => {
    const e = TABLE[version.tag][kind];
    const crd = findOne(crds, 'CustomResourceDefinition', `${e.plural}.${e.group}`);
    expect(crd.spec.group).toBe(e.group);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({
      kind: e.kind,
      listKind: `${e.kind}List`,
      plural: e.plural,
      singular: e.singular,
      ...(e.shortNames ? { shortNames: e.shortNames } : {}),
      ...(e.categories ? { categories: e.categories } : {}),
    });
    expect(crd.spec.versions.map((v: any) => `${v.name}:${v.served ? 'S' : ''}${v.storage ? 'T' : ''}`)).toEqual(e.versions);
    for (const v of crd.spec.versions) {
      expect((v.additionalPrinterColumns ?? []).map((c: any) => [c.name, c.type, c.jsonPath])).toEqual(e.columns);
    }
  });

  test('every CRD: Namespaced, one storage version, status subresource, nothing deprecated, categories rule', () => {
    for (const crd of crds) {
      const { group, names, versions } = crd.spec;
      expect(crd.spec.scope).toBe('Namespaced');
      expect(crd.metadata.name).toBe(`${names.plural}.${group}`);
      expect(names.singular).toBe(names.kind.toLowerCase());
      expect(versions.filter((v: any) => v.storage)).toHaveLength(1);
      for (const v of versions) {
        expect(v.served).toBe(true);
        expect(v.subresources).toEqual({ status: {} });
        expect(v).not.toHaveProperty('deprecated');
        for (const c of v.additionalPrinterColumns ?? []) expect(Object.keys(c).sort()).toEqual(['jsonPath', 'name', 'type']);
      }
      if (group === 'install.istio.io') {
        expect(names.categories).toBeUndefined();
      } else {
        expect(names.categories).toEqual(['istio-io', group.replace(/\./g, '-')]);
      }
    }
  });

  test('built-in schema: Istio\'s, one per CRD on every version, spec typed field by field (IstioOperator free-form, as upstream)', () => {
    for (const crd of crds) {
      const schemas = crd.spec.versions.map((v: any) => JSON.stringify(v.schema));
      expect(new Set(schemas).size).toBe(1);
      const root = crd.spec.versions[0].schema.openAPIV3Schema;
      if (crd.metadata.name === 'istiooperators.install.istio.io') {
        expect(root).toEqual({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
      } else {
        expect(root.properties.spec).not.toHaveProperty('x-kubernetes-preserve-unknown-fields');
        expect(Object.keys(root.properties.spec.properties).length).toBeGreaterThan(0);
        expect(root.properties.status.type).toBe('object');
      }
    }
  });

  test('the CRDs serve the apiVersion every emitted Istio object uses', () => {
    const kinds: Array<[string, 'networking' | 'security' | 'telemetry' | 'extensions']> = [
      ['virtualservices.networking.istio.io', 'networking'], ['destinationrules.networking.istio.io', 'networking'],
      ['gateways.networking.istio.io', 'networking'], ['serviceentries.networking.istio.io', 'networking'],
      ['sidecars.networking.istio.io', 'networking'], ['authorizationpolicies.security.istio.io', 'security'],
      ['peerauthentications.security.istio.io', 'security'], ['requestauthentications.security.istio.io', 'security'],
      ['telemetries.telemetry.istio.io', 'telemetry'], ['wasmplugins.extensions.istio.io', 'extensions'],
    ];
    for (const [name, group] of kinds) {
      const served = findOne(crds, 'CustomResourceDefinition', name).spec.versions.filter((v: any) => v.served).map((v: any) => v.name);
      expect(served).toContain(version.apiVersion(group).split('/')[1]);
    }
  });
});

test('1.30 adds TrafficExtension and drops IstioOperator; AuthorizationPolicy gains "ap" and printer columns', () => {
  const n30 = crdsOf(V30).map((c) => c.spec.names.kind);
  const n20 = crdsOf(V20).map((c) => c.spec.names.kind);
  expect(n30.filter((k) => !n20.includes(k))).toEqual(['TrafficExtension']);
  expect(n20.filter((k) => !n30.includes(k))).toEqual(['IstioOperator']);
  const ap30 = findOne(crdsOf(V30), 'CustomResourceDefinition', 'authorizationpolicies.security.istio.io');
  const ap20 = findOne(crdsOf(V20), 'CustomResourceDefinition', 'authorizationpolicies.security.istio.io');
  expect(ap30.spec.names.shortNames).toEqual(['ap']);
  expect(ap20.spec.names.shortNames).toBeUndefined();
  expect(ap30.spec.versions[0].additionalPrinterColumns).toHaveLength(2);
  expect(ap20.spec.versions[0].additionalPrinterColumns).toBeUndefined();
});
