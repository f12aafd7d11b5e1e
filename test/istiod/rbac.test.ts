import { IstioVersion } from '../../src/version';
import { findOne } from '../support/synth';
import { grant, grants, render, VERSIONS } from './helpers';

const V30 = IstioVersion.V1_30_3;
const V20 = IstioVersion.V1_20_3;
const ALL7 = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];
const READ = ['get', 'list', 'watch'];

function clusterRole(version: IstioVersion, name: string, revision?: string) {
  return findOne(render(version, { revision }).objs, 'ClusterRole', name);
}

describe('istiod-clusterrole', () => {
  test.each(VERSIONS)('%s: grants both versions share', (_tag, version) => {
    const g = grants(clusterRole(version, 'istiod-clusterrole-istio-system'));
    expect(g).toEqual(expect.arrayContaining([
      grant('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', ['get', 'list', 'watch', 'update', 'patch']),
      grant('admissionregistration.k8s.io', 'validatingwebhookconfigurations', ['get', 'list', 'watch', 'update']),
      ...['config', 'security', 'networking', 'authentication', 'rbac', 'telemetry', 'extensions'].map((p) => grant(`${p}.istio.io`, '*', READ)),
      grant('networking.istio.io', 'workloadentries', ALL7),
      grant('networking.istio.io', 'workloadentries/status', ALL7),
      grant('apiextensions.k8s.io', 'customresourcedefinitions', READ),
      ...['pods', 'nodes', 'services', 'namespaces', 'endpoints'].map((r) => grant('', r, READ)),
      grant('discovery.k8s.io', 'endpointslices', READ),
      grant('networking.k8s.io', 'ingresses', READ),
      grant('networking.k8s.io', 'ingressclasses', READ),
      grant('networking.k8s.io', 'ingresses/status', ['*']),
      grant('', 'configmaps', ['create', 'get', 'list', 'watch', 'update']),
      grant('authentication.k8s.io', 'tokenreviews', ['create']),
      grant('authorization.k8s.io', 'subjectaccessreviews', ['create']),
      grant('gateway.networking.k8s.io', '*', READ),
      grant('gateway.networking.k8s.io', 'gatewayclasses', ['create', 'update', 'patch', 'delete']),
      grant('', 'secrets', READ),
      grant('multicluster.x-k8s.io', 'serviceexports', ['get', 'watch', 'list', 'create', 'delete']),
      grant('multicluster.x-k8s.io', 'serviceimports', READ),
    ]));
  });

  test('1.30.3: status subresources, x-k8s group, inference pools', () => {
    const g = grants(clusterRole(V30, 'istiod-clusterrole-istio-system'));
    expect(g).toEqual(expect.arrayContaining([
      grant('networking.istio.io', 'serviceentries/status', ALL7),
      grant('security.istio.io', 'authorizationpolicies/status', ALL7),
      grant('', 'services/status', ALL7),
      grant('gateway.networking.x-k8s.io', '*', READ),
      grant('gateway.networking.x-k8s.io', 'xbackendtrafficpolicies/status', ['update', 'patch']),
      ...['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'referencegrants', 'tcproutes', 'tlsroutes', 'udproutes', 'listenersets']
        .map((k) => grant('gateway.networking.k8s.io', `${k}/status`, ['update', 'patch'])),
      grant('inference.networking.k8s.io', 'inferencepools', READ),
      grant('inference.networking.k8s.io', 'inferencepools/status', ['update', 'patch']),
    ]));
    // status only: no blanket update on every Gateway API resource
    expect(g).not.toContain(grant('gateway.networking.k8s.io', '*', ['update', 'patch']));
    expect(g.some((x) => x.startsWith('networking.x-k8s.io|'))).toBe(false);
  });

  test('1.20.3: update/patch on every Gateway API resource, the old x-k8s group, no 1.30 additions', () => {
    const g = grants(clusterRole(V20, 'istiod-clusterrole-istio-system'));
    expect(g).toContain(grant('gateway.networking.k8s.io', '*', ['update', 'patch']));
    expect(g).toContain(grant('networking.x-k8s.io', '*', READ));
    for (const absent of ['serviceentries/status', 'authorizationpolicies/status', 'services/status', 'inferencepools', 'xbackendtrafficpolicies/status']) {
      expect(g.some((x) => x.split('|')[1] === absent)).toBe(false);
    }
    expect(g.some((x) => x.startsWith('gateway.networking.x-k8s.io|'))).toBe(false);
  });

  test.each(VERSIONS)('%s: bound to the istiod ServiceAccount', (_tag, version) => {
    const { objs } = render(version, { revision: 'canary' });
    const crb = findOne(objs, 'ClusterRoleBinding', 'istiod-clusterrole-canary-istio-system');
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'istiod-clusterrole-canary-istio-system' });
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'istiod-canary', namespace: 'istio-system' }]);
  });
});

describe('istiod-gateway-controller', () => {
  test('1.30.3: deployments, services, serviceaccounts, HPAs and PDBs', () => {
    const role = clusterRole(V30, 'istiod-gateway-controller-istio-system');
    expect(grants(role).sort()).toEqual([
      grant('apps', 'deployments', ALL7), grant('', 'services', ALL7), grant('', 'serviceaccounts', ALL7),
      grant('autoscaling', 'horizontalpodautoscalers', ALL7), grant('policy', 'poddisruptionbudgets', ALL7),
    ].sort());
  });

  test('1.20.3: deployments, services, serviceaccounts', () => {
    const role = clusterRole(V20, 'istiod-gateway-controller-istio-system');
    expect(grants(role).sort()).toEqual([grant('apps', 'deployments', ALL7), grant('', 'services', ALL7), grant('', 'serviceaccounts', ALL7)].sort());
  });
});

describe('istio-reader-clusterrole', () => {
  test.each(VERSIONS)('%s: shared grants, bound to istio-reader-service-account', (_tag, version) => {
    const { objs } = render(version);
    const g = grants(findOne(objs, 'ClusterRole', 'istio-reader-clusterrole-istio-system'));
    expect(g).toEqual(expect.arrayContaining([
      ...['config', 'security', 'networking', 'authentication', 'rbac'].map((p) => grant(`${p}.istio.io`, '*', READ)),
      ...['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces', 'secrets'].map((r) => grant('', r, READ)),
      grant('networking.istio.io', 'workloadentries', READ),
      grant('networking.x-k8s.io', 'gateways', READ),
      grant('gateway.networking.k8s.io', 'gateways', READ),
      grant('apiextensions.k8s.io', 'customresourcedefinitions', READ),
      grant('discovery.k8s.io', 'endpointslices', READ),
      grant('multicluster.x-k8s.io', 'serviceexports', ['get', 'list', 'watch', 'create', 'delete']),
      grant('multicluster.x-k8s.io', 'serviceimports', READ),
      grant('apps', 'replicasets', READ),
      grant('authentication.k8s.io', 'tokenreviews', ['create']),
      grant('authorization.k8s.io', 'subjectaccessreviews', ['create']),
    ]));
    const crb = findOne(objs, 'ClusterRoleBinding', 'istio-reader-clusterrole-istio-system');
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-reader-service-account', namespace: 'istio-system' }]);
  });

  test('1.30.3 adds telemetry, extensions and configmaps; 1.20.3 does not', () => {
    const g30 = grants(clusterRole(V30, 'istio-reader-clusterrole-istio-system'));
    const g20 = grants(clusterRole(V20, 'istio-reader-clusterrole-istio-system'));
    for (const extra of [grant('telemetry.istio.io', '*', READ), grant('extensions.istio.io', '*', READ), grant('', 'configmaps', READ)]) {
      expect(g30).toContain(extra);
      expect(g20).not.toContain(extra);
    }
  });
});

describe('Role istiod', () => {
  test.each(VERSIONS)('%s: gateways, secrets, configmaps, leases', (_tag, version) => {
    const { objs } = render(version);
    const role = findOne(objs, 'Role', 'istiod', 'istio-system');
    expect(role.rules).toEqual([
      { apiGroups: ['networking.istio.io'], resources: ['gateways'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'watch', 'list', 'update', 'delete'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['delete'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update', 'patch', 'create'] },
    ]);
    const rb = findOne(objs, 'RoleBinding', 'istiod', 'istio-system');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'istiod' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'istiod', namespace: 'istio-system' }]);
  });
});
