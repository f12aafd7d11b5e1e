import { IngressGateway, IstioVersion, ResourcePreset } from '../../src';
import { findOne, ids, ofKind, synthValid } from '../support/synth';
import { VERSIONS, mesh } from './fixtures';

const NS = 'istio-ingress';
const NAME = 'istio-ingressgateway';

describe.each(VERSIONS)('default IngressGateway on Istio %s', (version) => {
  const is130 = version.line === '1.30';

  function render() {
    const { istiod, chart } = mesh(version);
    const ingress = new IngressGateway(chart, 'ingress', { istiod });
    return { ingress, objs: synthValid(chart) };
  }

  test('renders the gateway chart object set plus its namespace', () => {
    const { objs } = render();
    expect(ids(objs).sort()).toEqual([
      `Deployment ${NS}/${NAME}`,
      `HorizontalPodAutoscaler ${NS}/${NAME}`,
      `Namespace ${NS}`,
      `Role ${NS}/${NAME}`,
      `RoleBinding ${NS}/${NAME}`,
      `Service ${NS}/${NAME}`,
      `ServiceAccount ${NS}/${NAME}`,
    ]);
    expect(ofKind(objs, 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('exposes name, namespace, selector and service host', () => {
    const { ingress } = render();
    expect(ingress.name).toBe(NAME);
    expect(ingress.namespace).toBe(NS);
    expect(ingress.selector).toEqual({ app: NAME, istio: 'ingressgateway' });
    expect(ingress.serviceHost).toBe(`${NAME}.${NS}.svc.cluster.local`);
    expect(ingress.serviceType).toBe('LoadBalancer');
    expect(ingress.gatewayPorts).toEqual([80, 443]);
    expect(ingress.version).toBe(version);
  });

  test('the namespace is labelled for injection by istiod', () => {
    const { objs } = render();
    expect(findOne(objs, 'Namespace', NS).metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  test('pod template: injection annotations, labels, prometheus', () => {
    const { objs } = render();
    const tpl = findOne(objs, 'Deployment', NAME, NS).spec.template;
    expect(tpl.metadata.annotations).toEqual({
      'inject.istio.io/templates': 'gateway',
      'sidecar.istio.io/inject': 'true',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/stats/prometheus',
    });
    const expected: Record<string, string> = { 'sidecar.istio.io/inject': 'true', 'app': NAME, 'istio': 'ingressgateway' };
    if (is130) {
      Object.assign(expected, {
        'app.kubernetes.io/name': NAME,
        'app.kubernetes.io/instance': NAME,
        'app.kubernetes.io/managed-by': 'Helm',
        'app.kubernetes.io/part-of': 'istio',
        'app.kubernetes.io/version': '1.30.3',
        'helm.sh/chart': 'gateway-1.30.3',
        'istio.io/dataplane-mode': 'none',
      });
    }
    expect(tpl.metadata.labels).toEqual(expected);
    expect(tpl.metadata.labels['istio.io/rev']).toBeUndefined();
  });

  test('pod spec: sysctl, seccomp, image auto, security context per version, port 15090, resources', () => {
    const { objs } = render();
    const deploy = findOne(objs, 'Deployment', NAME, NS);
    expect(deploy.spec.replicas).toBeUndefined();
    expect(deploy.spec.selector.matchLabels).toEqual({ app: NAME, istio: 'ingressgateway' });
    const pod = deploy.spec.template.spec;
    expect(pod.serviceAccountName).toBe(NAME);
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.securityContext).toEqual({
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.name).toBe('istio-proxy');
    expect(c.image).toBe('auto');
    expect(c.args).toBeUndefined();
    expect(c.env).toBeUndefined();
    expect(c.readinessProbe).toBeUndefined();
    const sc: Record<string, unknown> = {
      capabilities: { drop: ['ALL'] },
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    };
    if (!is130) Object.assign(sc, { runAsUser: 1337, runAsGroup: 1337 });
    expect(c.securityContext).toEqual(sc);
    expect(c.ports).toEqual([{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }]);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
  });

  test('Service: LoadBalancer with status-port, http2 and https, selecting the pods', () => {
    const { objs } = render();
    const svc = findOne(objs, 'Service', NAME, NS);
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ports).toEqual([
      { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
      { name: 'http2', port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 443 },
    ]);
    expect(svc.spec.selector).toEqual({ app: NAME, istio: 'ingressgateway' });
    expect(svc.spec.loadBalancerIP).toBeUndefined();
    expect(svc.metadata.annotations).toBeUndefined();
  });

  test('Role and RoleBinding give the ServiceAccount read access to secrets', () => {
    const { objs } = render();
    expect(findOne(objs, 'Role', NAME, NS).rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]);
    const rb = findOne(objs, 'RoleBinding', NAME, NS);
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAME });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: NAME }]);
    expect(findOne(objs, 'ServiceAccount', NAME, NS).metadata.name).toBe(NAME);
  });

  test('HPA: autoscaling/v2, 1-5 replicas on 80% CPU', () => {
    const { objs } = render();
    const hpa = findOne(objs, 'HorizontalPodAutoscaler', NAME, NS);
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
  });

  test('chart labels on every object, per version', () => {
    const { objs } = render();
    const expected: Record<string, string> = {
      'app': NAME,
      'istio': 'ingressgateway',
      'app.kubernetes.io/name': NAME,
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/version': version.tag,
      'helm.sh/chart': `gateway-${version.tag}`,
    };
    if (is130) {
      Object.assign(expected, {
        'app.kubernetes.io/instance': NAME,
        'app.kubernetes.io/part-of': 'istio',
        'istio.io/dataplane-mode': 'none',
      });
    }
    const chartObjs = objs.filter((o) => o.kind !== 'Namespace');
    expect(chartObjs).toHaveLength(6);
    for (const o of chartObjs) expect(o.metadata.labels).toEqual(expected);
  });
});

describe('revision', () => {
  test.each(VERSIONS)('a revisioned istiod puts istio.io/rev on the pods and the namespace (%s)', (version) => {
    const { istiod, chart } = mesh(version, { revision: 'canary' });
    const ingress = new IngressGateway(chart, 'ingress', { istiod });
    const objs = synthValid(chart);
    expect(ingress.revision).toBe('canary');
    const labels = findOne(objs, 'Deployment', NAME, NS).spec.template.metadata.labels;
    expect(labels['istio.io/rev']).toBe('canary');
    expect(labels['sidecar.istio.io/inject']).toBe('true');
    expect(findOne(objs, 'Namespace', NS).metadata.labels).toEqual({ 'istio.io/rev': 'canary' });
    // the selector does not depend on the revision, so gateways survive a control-plane upgrade
    expect(findOne(objs, 'Service', NAME, NS).spec.selector).toEqual({ app: NAME, istio: 'ingressgateway' });
  });
});

describe('namespace handling', () => {
  test('no Namespace object in the control plane namespace', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, namespace: 'istio-system' });
    const objs = synthValid(chart);
    expect(ofKind(objs, 'Namespace')).toHaveLength(0);
    expect(findOne(objs, 'Deployment', NAME, 'istio-system').metadata.namespace).toBe('istio-system');
  });

  test('createNamespace: false leaves the namespace to someone else', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, createNamespace: false });
    const objs = synthValid(chart);
    expect(ofKind(objs, 'Namespace')).toHaveLength(0);
    expect(ofKind(objs, 'Deployment')).toHaveLength(1);
  });

  test('two gateways sharing a namespace create it once', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'a', { istiod, namespace: 'gateways', name: 'public-gateway' });
    new IngressGateway(chart, 'b', { istiod, namespace: 'gateways', name: 'internal-gateway' });
    const objs = synthValid(chart);
    expect(ofKind(objs, 'Namespace').map((o) => o.metadata.name)).toEqual(['gateways']);
    expect(ofKind(objs, 'Deployment').map((o) => o.metadata.name).sort()).toEqual(['internal-gateway', 'public-gateway']);
  });
});

describe('naming and selector labels', () => {
  test('a custom name follows the chart rule for the istio label', () => {
    const { istiod, chart } = mesh();
    const gw = new IngressGateway(chart, 'ingress', { istiod, name: 'istio-public', namespace: 'edge' });
    const objs = synthValid(chart);
    expect(gw.selector).toEqual({ app: 'istio-public', istio: 'public' });
    const svc = findOne(objs, 'Service', 'istio-public', 'edge');
    expect(svc.spec.selector).toEqual({ app: 'istio-public', istio: 'public' });
    expect(findOne(objs, 'RoleBinding', 'istio-public', 'edge').subjects[0].name).toBe('istio-public');
  });

  test('a name without the istio- prefix keeps it whole', () => {
    const { istiod, chart } = mesh();
    const gw = new IngressGateway(chart, 'ingress', { istiod, name: 'edge' });
    synthValid(chart);
    expect(gw.selector).toEqual({ app: 'edge', istio: 'edge' });
  });

  test('selectorLabels override the defaults and reach Deployment, Service and pods', () => {
    const { istiod, chart } = mesh();
    const gw = new IngressGateway(chart, 'ingress', { istiod, selectorLabels: { istio: 'public' } });
    const objs = synthValid(chart);
    expect(gw.selector).toEqual({ app: NAME, istio: 'public' });
    const deploy = findOne(objs, 'Deployment', NAME, NS);
    expect(deploy.spec.selector.matchLabels).toEqual({ app: NAME, istio: 'public' });
    expect(deploy.spec.template.metadata.labels.istio).toBe('public');
    expect(findOne(objs, 'Service', NAME, NS).spec.selector).toEqual({ app: NAME, istio: 'public' });
  });
});

describe('replicas, autoscaling and PDB', () => {
  test('custom HPA bounds', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, autoscaling: { minReplicas: 2, maxReplicas: 8, targetCpuUtilization: 60 } });
    const hpa = findOne(synthValid(chart), 'HorizontalPodAutoscaler', NAME, NS);
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 8]);
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(60);
  });

  test('fixed replicas: no HPA, replicas on the Deployment', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, replicas: 3 });
    const objs = synthValid(chart);
    expect(ofKind(objs, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(findOne(objs, 'Deployment', NAME, NS).spec.replicas).toBe(3);
  });

  test('autoscaling: false gives one replica, as the chart', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, autoscaling: false });
    const objs = synthValid(chart);
    expect(ofKind(objs, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(findOne(objs, 'Deployment', NAME, NS).spec.replicas).toBe(1);
  });

  test.each(VERSIONS)('PDB on request selects the gateway pods (%s)', (version) => {
    const { istiod, chart } = mesh(version);
    new IngressGateway(chart, 'ingress', { istiod, podDisruptionBudget: true });
    const pdb = findOne(synthValid(chart), 'PodDisruptionBudget', NAME, NS);
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: NAME, istio: 'ingressgateway' } } });
  });

  test('PDB options', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, podDisruptionBudget: { maxUnavailable: '50%', unhealthyPodEvictionPolicy: 'AlwaysAllow' } });
    const pdb = findOne(synthValid(chart), 'PodDisruptionBudget', NAME, NS);
    expect(pdb.spec.maxUnavailable).toBe('50%');
    expect(pdb.spec.minAvailable).toBeUndefined();
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });
});

describe('Istio 1.20 on older Kubernetes follows the chart\'s version branches', () => {
  test('Kubernetes 1.21: HPA autoscaling/v2beta2, no sysctl and no container securityContext', () => {
    const { istiod, chart } = mesh(IstioVersion.V1_20_3, {}, { kubernetesVersion: '1.21' });
    new IngressGateway(chart, 'ingress', { istiod, podDisruptionBudget: true });
    const objs = synthValid(chart);
    expect(findOne(objs, 'HorizontalPodAutoscaler', NAME, NS).apiVersion).toBe('autoscaling/v2beta2');
    expect(findOne(objs, 'PodDisruptionBudget', NAME, NS).apiVersion).toBe('policy/v1');
    const pod = findOne(objs, 'Deployment', NAME, NS).spec.template.spec;
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toBeUndefined();
  });

  test('Kubernetes 1.20: PDB policy/v1beta1', () => {
    const { istiod, chart } = mesh(IstioVersion.V1_20_3, {}, { kubernetesVersion: '1.20' });
    new IngressGateway(chart, 'ingress', { istiod, podDisruptionBudget: { minAvailable: 1 } });
    const objs = synthValid(chart);
    expect(findOne(objs, 'PodDisruptionBudget', NAME, NS).apiVersion).toBe('policy/v1beta1');
  });

  test('Istio 1.30 does not branch on the Kubernetes version (it needs 1.23 or newer)', () => {
    expect(() => mesh(IstioVersion.V1_30_3, {}, { kubernetesVersion: '1.22' })).toThrow(/with minor >= 23 for Istio 1\.30\.3/);
    const { istiod, chart } = mesh(IstioVersion.V1_30_3, {}, { kubernetesVersion: '1.23' });
    new IngressGateway(chart, 'ingress', { istiod });
    const objs = synthValid(chart);
    expect(findOne(objs, 'HorizontalPodAutoscaler', NAME, NS).apiVersion).toBe('autoscaling/v2');
    expect(findOne(objs, 'Deployment', NAME, NS).spec.template.spec.securityContext.sysctls).toHaveLength(1);
  });
});

describe('resources, scheduling, labels and annotations', () => {
  test('resource presets', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, resources: ResourcePreset.raspberryPi() });
    const c = findOne(synthValid(chart), 'Deployment', NAME, NS).spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  });

  test('node selector, tolerations, affinity and topology spread reach the pod', () => {
    const { istiod, chart } = mesh();
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] }] } } };
    const spread = [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: NAME } } }];
    new IngressGateway(chart, 'ingress', {
      istiod,
      nodeSelector: { 'node-role.kubernetes.io/edge': 'true' },
      tolerations: [{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }],
      affinity,
      topologySpreadConstraints: spread,
    });
    const pod = findOne(synthValid(chart), 'Deployment', NAME, NS).spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'node-role.kubernetes.io/edge': 'true' });
    expect(pod.tolerations).toEqual([{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.affinity).toEqual(affinity);
    expect(pod.topologySpreadConstraints).toEqual(spread);
  });

  test('extra labels and annotations land where they belong', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'ingress', {
      istiod,
      labels: { team: 'platform' },
      podLabels: { tier: 'edge' },
      podAnnotations: { 'prometheus.io/scrape': 'false', 'example.com/owner': 'platform' },
      serviceLabels: { exposure: 'public' },
      serviceAnnotations: { 'external-dns.alpha.kubernetes.io/hostname': 'gw.example.com' },
    });
    const objs = synthValid(chart);
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'Service', 'Deployment', 'HorizontalPodAutoscaler']) {
      expect(findOne(objs, kind, NAME, NS).metadata.labels?.team).toBe('platform');
    }
    const deploy = findOne(objs, 'Deployment', NAME, NS);
    expect(deploy.metadata.labels?.tier).toBeUndefined();
    expect(deploy.spec.template.metadata.labels).toMatchObject({ team: 'platform', tier: 'edge' });
    expect(deploy.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'false',
      'example.com/owner': 'platform',
      'inject.istio.io/templates': 'gateway',
    });
    const svc = findOne(objs, 'Service', NAME, NS);
    expect(svc.metadata.labels?.exposure).toBe('public');
    expect(svc.metadata.annotations).toEqual({ 'external-dns.alpha.kubernetes.io/hostname': 'gw.example.com' });
    expect(findOne(objs, 'Role', NAME, NS).metadata.labels?.exposure).toBeUndefined();
  });

  test('terminationGracePeriodSeconds', () => {
    const { istiod, chart } = mesh();
    new IngressGateway(chart, 'ingress', { istiod, terminationGracePeriodSeconds: 60 });
    expect(findOne(synthValid(chart), 'Deployment', NAME, NS).spec.template.spec.terminationGracePeriodSeconds).toBe(60);
  });
});

describe('determinism', () => {
  test.each(VERSIONS)('two renders of the same input are identical (%s)', (version) => {
    const render = () => {
      const { istiod, chart } = mesh(version);
      const gw = new IngressGateway(chart, 'ingress', { istiod, podDisruptionBudget: true, ports: [{ name: 'tcp-db', port: 5432 }] });
      gw.addGateway('public', { servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['*.example.com'] }] });
      return JSON.stringify(synthValid(chart));
    };
    const first = render();
    expect(render()).toBe(first);
    expect(first).toContain('tcp-db');
  });
});
