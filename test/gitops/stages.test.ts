import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EgressGateway, IngressGateway } from '../../src/gateway';
import { SynthesizedObject } from '../../src/gitops';
import { compareObjects, GITOPS_STAGES, stageObjects, StageClassifier } from '../../src/gitops/stages';
import { ZeroTrustNamespace } from '../../src/policy';
import { IstioVersion } from '../../src/version';
import { K8sObject } from '../support/schema';
import { ids } from '../support/synth';
import { addControlPlane, addGateway, addHandMadeMesh, synthMesh } from './fixtures';

/** `Kind ns/name` → stage id. */
function stageMap(objs: K8sObject[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of stageObjects(objs)) {
    ids(s.objects as K8sObject[]).forEach((id) => m.set(id, s.stage.id));
  }
  return m;
}

describe('stages', () => {
  test('are in apply order with files and waves derived from their number', () => {
    expect(GITOPS_STAGES.map((s) => s.id)).toEqual(['00-crds', '10-control-plane', '20-gateways', '30-mesh-policy', '40-other']);
    expect(GITOPS_STAGES.map((s) => s.file)).toEqual(['00-crds.yaml', '10-control-plane.yaml', '20-gateways.yaml', '30-mesh-policy.yaml', '40-other.yaml']);
    expect(GITOPS_STAGES.map((s) => s.syncWave)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('classification of a realistic mesh (Istio %s)', (version) => {
  const objs = synthMesh((chart) => {
    addHandMadeMesh(chart, version);
  });
  const stages = stageMap(objs);

  test('no object is dropped or duplicated', () => {
    const staged = stageObjects(objs).flatMap((s) => s.objects);
    expect(staged).toHaveLength(objs.length);
    expect(new Set(staged).size).toBe(objs.length);
  });

  test('every Namespace goes to the control-plane stage, including gateway and application namespaces', () => {
    for (const ns of ['istio-system', 'istio-ingress', 'trading']) expect(stages.get(`Namespace ${ns}`)).toBe('10-control-plane');
  });

  test('istiod, its configuration, cluster RBAC and the webhooks are control plane', () => {
    for (const id of [
      'ServiceAccount istio-system/istiod', 'ConfigMap istio-system/istio', 'Deployment istio-system/istiod', 'Service istio-system/istiod',
      'HorizontalPodAutoscaler istio-system/istiod', 'PodDisruptionBudget istio-system/istiod', 'Role istio-system/istiod', 'RoleBinding istio-system/istiod',
      'ClusterRole istiod-clusterrole-istio-system', 'ClusterRoleBinding istiod-clusterrole-istio-system',
      'MutatingWebhookConfiguration istio-sidecar-injector', 'ValidatingWebhookConfiguration istio-validator-istio-system',
      'ValidatingWebhookConfiguration istiod-default-validator', 'Certificate istio-system/istio-ca',
    ]) expect([id, stages.get(id)]).toEqual([id, '10-control-plane']);
  });

  test('a gateway in its own namespace: workload, SA, Role, RoleBinding, Service, HPA, PDB are gateways', () => {
    for (const kind of ['Deployment', 'ServiceAccount', 'Role', 'RoleBinding', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      const id = `${kind} istio-ingress/istio-ingressgateway`;
      expect([id, stages.get(id)]).toEqual([id, '20-gateways']);
    }
  });

  test('a gateway inside istio-system is found by reference, not by name or namespace', () => {
    for (const id of [
      'Deployment istio-system/istio-egressgateway',
      'ServiceAccount istio-system/istio-egressgateway-service-account', // serviceAccountName
      'RoleBinding istio-system/istio-egressgateway-sds', // binds the gateway SA
      'Role istio-system/istio-egressgateway-sds', // roleRef of that binding
      'Service istio-system/egress', // selects the gateway pods
      'PodDisruptionBudget istio-system/egress-pdb', // selects the gateway pods
      'HorizontalPodAutoscaler istio-system/egress-hpa', // scales the gateway Deployment
    ]) expect([id, stages.get(id)]).toEqual([id, '20-gateways']);
  });

  test('Istio custom resources (also in the root and gateway namespaces) and NetworkPolicies are mesh policy', () => {
    const mesh = objs.filter((o) => o.apiVersion.includes('.istio.io/') || o.kind === 'NetworkPolicy');
    expect(mesh.length).toBe(10);
    for (const id of ids(mesh)) expect([id, stages.get(id)]).toEqual([id, '30-mesh-policy']);
    expect(stages.get('Gateway istio-ingress/trading-gateway')).toBe('30-mesh-policy');
    expect(stages.get('PeerAuthentication istio-system/default')).toBe('30-mesh-policy');
  });

  test('objects no rule knows go to 40-other', () => {
    expect(stages.get('ConfigMap trading/trading-config')).toBe('40-other');
    expect(stages.get('ServiceAccount trading/trading-agent')).toBe('40-other');
  });
});

describe('classification of the real constructs', () => {
  test.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('IstioBase + Istiod (%s): CRDs first, all the rest control plane', (version) => {
    const objs = synthMesh((chart) => {
      addControlPlane(chart, version);
    });
    const staged = stageObjects(objs);
    const byStage = Object.fromEntries(staged.map((s) => [s.stage.id, s.objects as K8sObject[]]));
    expect(byStage['00-crds'].every((o) => o.kind === 'CustomResourceDefinition')).toBe(true);
    expect(objs.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(byStage['00-crds'].length);
    expect(byStage['00-crds'].length).toBeGreaterThan(0);
    const rest = objs.filter((o) => o.kind !== 'CustomResourceDefinition');
    expect(ids(byStage['10-control-plane'])).toEqual(expect.arrayContaining(ids(rest)));
    for (const id of ['20-gateways', '30-mesh-policy', '40-other']) expect([id, ids(byStage[id])]).toEqual([id, []]);
  });

  test.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('IngressGateway, EgressGateway (in istio-system) and ZeroTrustNamespace (%s)', (version) => {
    const parts: Record<string, Construct> = {};
    const objs = synthMesh((chart) => {
      const istiod = addControlPlane(chart, version);
      parts.ingress = new IngressGateway(chart, 'ingress', { istiod });
      parts.egress = new EgressGateway(chart, 'egress', { istiod, namespace: 'istio-system', podDisruptionBudget: true });
      parts.trading = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    });
    const stages = stageMap(objs);
    const idsOf = (c: Construct) => ids(c.node.findAll().filter((x): x is ApiObject => x instanceof ApiObject).map((x) => x.toJson() as K8sObject));
    const expected = (id: string, gatewayObject: boolean) => {
      if (id.startsWith('Namespace ')) return '10-control-plane';
      if (/^(PeerAuthentication|AuthorizationPolicy|Sidecar|NetworkPolicy|Gateway|VirtualService|DestinationRule|ServiceEntry|Telemetry) /.test(id)) return '30-mesh-policy';
      return gatewayObject ? '20-gateways' : 'unexpected kind';
    };
    for (const part of ['ingress', 'egress', 'trading']) {
      const list = idsOf(parts[part]);
      expect(list.length).toBeGreaterThan(0);
      for (const id of list) expect([part, id, stages.get(id)]).toEqual([part, id, expected(id, part !== 'trading')]);
    }
    expect(idsOf(parts.ingress)).toEqual(expect.arrayContaining(['Deployment istio-ingress/istio-ingressgateway']));
    expect(ids(stageObjects(objs).find((s) => s.stage.id === '40-other')!.objects as K8sObject[])).toEqual([]);
  });

  test('a gateway workload without the gateway template annotation is not a gateway', () => {
    const objs = synthMesh((chart) => {
      addGateway(chart, 'gw', { name: 'plain', namespace: 'apps', istio: 'x' });
    });
    const raw = objs.map((o) => (o.kind === 'Deployment'
      ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, metadata: { ...o.spec.template.metadata, annotations: { 'inject.istio.io/templates': 'sidecar' } } } } }
      : o));
    const stages = stageMap(raw);
    expect(stages.get('Deployment apps/plain')).toBe('40-other');
    expect(stages.get('Service apps/plain')).toBe('40-other');
  });

  test('the gateway template may be one of several listed templates', () => {
    const objs = synthMesh((chart) => {
      addGateway(chart, 'gw', { name: 'edge', namespace: 'edge', istio: 'edge' });
    });
    const raw = objs.map((o) => (o.kind === 'Deployment'
      ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, metadata: { ...o.spec.template.metadata, annotations: { 'inject.istio.io/templates': 'custom, gateway' } } } } }
      : o));
    expect(stageMap(raw).get('Deployment edge/edge')).toBe('20-gateways');
  });
});

describe('ordering', () => {
  const objs = synthMesh((chart) => {
    addHandMadeMesh(chart);
  });

  test('inside a stage: kind order, then namespace, then name; webhooks last', () => {
    const cp = stageObjects(objs).find((s) => s.stage.id === '10-control-plane')!.objects;
    const kinds = cp.map((o) => o.kind);
    expect(kinds.slice(0, 3)).toEqual(['Namespace', 'Namespace', 'Namespace']);
    expect(cp.slice(0, 3).map((o) => o.metadata.name)).toEqual(['istio-ingress', 'istio-system', 'trading']);
    expect(kinds.indexOf('ConfigMap')).toBeLessThan(kinds.indexOf('Deployment'));
    expect(kinds.indexOf('Service')).toBeLessThan(kinds.indexOf('MutatingWebhookConfiguration'));
    expect(kinds.slice(-3)).toEqual(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    expect(cp.slice(-2).map((o) => o.metadata.name)).toEqual(['istio-validator-istio-system', 'istiod-default-validator']);
  });

  test('the order does not depend on the input order', () => {
    const forward = stageObjects(objs).map((s) => ids(s.objects as K8sObject[]));
    const reversed = stageObjects([...objs].reverse()).map((s) => ids(s.objects as K8sObject[]));
    const shuffled = stageObjects(objs.filter((_, i) => i % 2 === 0).concat(objs.filter((_, i) => i % 2 === 1))).map((s) => ids(s.objects as K8sObject[]));
    expect(reversed).toEqual(forward);
    expect(shuffled).toEqual(forward);
  });

  test('unknown kinds sort after known ones, then by kind, namespace, name and apiVersion', () => {
    const o = (apiVersion: string, kind: string, name: string, namespace?: string): SynthesizedObject => ({ apiVersion, kind, metadata: { name, namespace } });
    const list = [o('x.io/v2', 'Widget', 'a', 'n'), o('x.io/v1', 'Widget', 'a', 'n'), o('v1', 'ConfigMap', 'z', 'n'), o('x.io/v1', 'Gadget', 'b'), o('x.io/v1', 'Widget', 'a')];
    const sorted = [...list].sort(compareObjects).map((x) => `${x.kind}/${x.metadata.namespace ?? ''}/${x.metadata.name}/${x.apiVersion}`);
    expect(sorted).toEqual(['ConfigMap/n/z/v1', 'Gadget//b/x.io/v1', 'Widget//a/x.io/v1', 'Widget/n/a/x.io/v1', 'Widget/n/a/x.io/v2']);
  });

  test('a classifier answers for each object of its set', () => {
    const c = new StageClassifier(objs);
    expect(c.stageOf(objs.find((o) => o.kind === 'VirtualService')!)).toEqual(GITOPS_STAGES[3]);
    expect(c.stageOf(objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'istiod')!).id).toBe('10-control-plane');
    expect(c.stageOf({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' } }).syncWave).toBe(0);
  });
});
