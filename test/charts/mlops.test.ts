/**
 * MlopsMeshChart against the MLOps platform's Istio role (mlops-platform-istio-role.md): every value and
 * resource of that document, listed below, must be in the synthesized objects.
 *
 * Deliberately not rendered (see docs/platforms.md): the Helm repository and Ansible tasks, the
 * dashboards, Kiali/Jaeger/Grafana, and Seldon.
 */
import { IstioValidationError, IstioVersion } from '../../src';
import { MlopsMeshChart } from '../../src/charts';
import { K8sObject } from '../support/schema';
import { findOne, ids, ofKind } from '../support/synth';
import { build, container, injectorValues, istioApiVersions, meshConfig, mlops, servicePorts } from './helpers';

const INJECTION_NAMESPACES = ['fraud-detection', 'financial-inference', 'financial-mlops-pytorch'];

/** The `ml-gateway` Gateway exactly as the document writes it (`Create Gateway Resource`). */
const DOC_ML_GATEWAY = {
  selector: { istio: 'ingressgateway' },
  servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.local'] }],
};

/** The `ml-routing` VirtualService spec exactly as the document writes it (`Create VirtualService`). */
const DOC_ML_ROUTING = {
  hosts: ['fraud-api.local'],
  gateways: ['istio-system/ml-gateway'],
  http: [{
    match: [{ uri: { prefix: '/v1/' } }],
    route: [{ destination: { host: 'fraud-service', port: { number: 8080 } } }],
  }],
};

/** The document's NetworkPolicy egress rule that lets workloads reach istiod (`Allow istiod communication`). */
const DOC_ISTIOD_EGRESS = {
  to: expect.arrayContaining([{ namespaceSelector: { matchLabels: { name: 'istio-system' } } }]),
  ports: [{ protocol: 'TCP', port: 15012 }],
};

type Row = [string, (objs: K8sObject[]) => unknown, unknown];

/** Every value of the document: [what, where it is in the objects, the document's value]. */
const DOC_VALUES: Row[] = [
  // Istio version ("Latest stable")
  ['Istio version: istiod image', (o) => container(o, 'istiod', 'istio-system').image, 'docker.io/istio/pilot:1.30.3'],
  ['Istio version: sidecar image tag', (o) => injectorValues(o).global.tag, '1.30.3'],
  // istio_namespace, "Namespace Creation", "Label istio-system namespace"
  ['istio_namespace istio-system, labelled name=istio-system', (o) => findOne(o, 'Namespace', 'istio-system').metadata.labels!.name, 'istio-system'],
  // Istio Base: CRDs and base components
  ['Istio Base: the CRDs of the documented kinds', (o) => ofKind(o, 'CustomResourceDefinition').map((c) => c.metadata.name)
    .filter((n) => ['gateways.networking.istio.io', 'virtualservices.networking.istio.io', 'destinationrules.networking.istio.io',
      'peerauthentications.security.istio.io', 'authorizationpolicies.security.istio.io'].includes(n)).sort(),
  ['authorizationpolicies.security.istio.io', 'destinationrules.networking.istio.io', 'gateways.networking.istio.io',
    'peerauthentications.security.istio.io', 'virtualservices.networking.istio.io']],
  // istiod (control plane) and webhook configuration
  ['istiod Deployment in istio-system (`kubectl get deploy -n istio-system istiod`)', (o) => container(o, 'istiod', 'istio-system').name, 'discovery'],
  ['istiod Service port 15012 (`istiod.istio-system:15012`)', (o) => findOne(o, 'Service', 'istiod', 'istio-system').spec.ports.map((p: { port: number }) => p.port).includes(15012), true],
  ['sidecar injection webhook (`kubectl get mutatingwebhookconfigurations`)', (o) => findOne(o, 'MutatingWebhookConfiguration', 'istio-sidecar-injector').webhooks.length > 0, true],
  ['istio_pilot_memory_request 512Mi', (o) => container(o, 'istiod', 'istio-system').resources.requests.memory, '512Mi'],
  ['istio_pilot_memory_limit 1Gi', (o) => container(o, 'istiod', 'istio-system').resources.limits.memory, '1Gi'],
  ['pilot CPU request stays at the upstream 500m', (o) => container(o, 'istiod', 'istio-system').resources.requests.cpu, '500m'],
  // istio_gateway_namespace, gateway, HPA
  ['istio_gateway_namespace istio-gateway, with injection', (o) => findOne(o, 'Namespace', 'istio-gateway').metadata.labels!['istio-injection'], 'enabled'],
  ['gateway Deployment istio-gateway (`kubectl logs -n istio-gateway deployment/istio-gateway`)', (o) => container(o, 'istio-gateway', 'istio-gateway').name, 'istio-proxy'],
  ['Service istio-gateway in istio-gateway (`kubectl get svc istio-gateway -n istio-gateway`)', (o) => findOne(o, 'Service', 'istio-gateway', 'istio-gateway').metadata.name, 'istio-gateway'],
  ['metallb_state present: LoadBalancer', (o) => findOne(o, 'Service', 'istio-gateway', 'istio-gateway').spec.type, 'LoadBalancer'],
  ['istio_gateway_loadbalancer_ip 192.168.1.240 (EXTERNAL-IP)', (o) => findOne(o, 'Service', 'istio-gateway', 'istio-gateway').metadata.annotations!['metallb.io/loadBalancerIPs'], '192.168.1.240'],
  ['gateway Service ports 80 and 443', (o) => Object.keys(servicePorts(o, 'istio-gateway', 'istio-gateway')).map(Number).filter((p) => p === 80 || p === 443), [80, 443]],
  ['HPA Configuration of the gateway', (o) => {
    const hpa = findOne(o, 'HorizontalPodAutoscaler', 'istio-gateway', 'istio-gateway').spec;
    return [hpa.scaleTargetRef.kind, hpa.scaleTargetRef.name, hpa.minReplicas, hpa.maxReplicas];
  }, ['Deployment', 'istio-gateway', 1, 5]],
  ['istio_gateway_memory_request 256Mi', (o) => container(o, 'istio-gateway', 'istio-gateway').resources.requests.memory, '256Mi'],
  ['istio_gateway_memory_limit 512Mi', (o) => container(o, 'istio-gateway', 'istio-gateway').resources.limits.memory, '512Mi'],
  ['gateway pods labelled istio: ingressgateway (ml-gateway selects them)', (o) => findOne(o, 'Deployment', 'istio-gateway', 'istio-gateway').spec.template.metadata.labels!.istio, 'ingressgateway'],
  ['gateway Service selects istio: ingressgateway', (o) => findOne(o, 'Service', 'istio-gateway', 'istio-gateway').spec.selector.istio, 'ingressgateway'],
  // istio_injection_namespaces
  ...INJECTION_NAMESPACES.flatMap((ns): Row[] => [
    [`istio_injection_namespaces: ${ns} labelled istio-injection=enabled`, (o) => findOne(o, 'Namespace', ns).metadata.labels!['istio-injection'], 'enabled'],
    [`${ns}: NetworkPolicy egress to name=istio-system on TCP 15012`, (o) => findOne(o, 'NetworkPolicy', 'allow-baseline', ns).spec.egress, expect.arrayContaining([DOC_ISTIOD_EGRESS])],
    [`${ns}: PodSecurity enforce privileged (injection without CNI)`, (o) => findOne(o, 'Namespace', ns).metadata.labels!['pod-security.kubernetes.io/enforce'], 'privileged'],
    [`${ns}: mTLS STRICT`, (o) => findOne(o, 'PeerAuthentication', 'default', ns).spec.mtls.mode, 'STRICT'],
  ]),
  // mTLS: STRICT mode for production
  ['mTLS STRICT mesh-wide (root namespace)', (o) => findOne(o, 'PeerAuthentication', 'default', 'istio-system').spec, { mtls: { mode: 'STRICT' } }],
  // Gateway Configuration
  ['Gateway ml-gateway in istio-system', (o) => findOne(o, 'Gateway', 'ml-gateway', 'istio-system').spec, expect.objectContaining({
    selector: expect.objectContaining(DOC_ML_GATEWAY.selector),
    servers: DOC_ML_GATEWAY.servers,
  })],
  ['VirtualService ml-routing in fraud-detection', (o) => findOne(o, 'VirtualService', 'ml-routing', 'fraud-detection').spec, DOC_ML_ROUTING],
  // Canary deployments / traffic splitting for models (an example, see ModelAbTestOptions)
  ['model A/B test: subsets v1 and v2 of fraud-model', (o) => findOne(o, 'DestinationRule', 'fraud-model-ab', 'fraud-detection').spec, {
    host: 'fraud-model',
    subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
  }],
  ['model A/B test: header override to v2, then 50/50', (o) => findOne(o, 'VirtualService', 'fraud-model-ab', 'fraud-detection').spec.http.map(
    (h: { match?: unknown[]; route: Array<{ destination: { subset: string }; weight?: number }> }) => [h.match ?? null, h.route.map((r) => `${r.destination.subset}:${r.weight ?? '-'}`)]),
  [[[{ headers: { 'x-model-version': { exact: 'v2' } } }], ['v2:-']], [null, ['v1:50', 'v2:50']]]],
  // Observability: metrics merging for Prometheus
  ['metrics merging on (Prometheus scraping)', (o) => meshConfig(o).enablePrometheusMerge, true],
];

/** The document's values for a cluster without MetalLB (`metallb: false`). */
const DOC_NODEPORT_VALUES: Row[] = [
  ['no MetalLB: NodePort Service istio-gateway', (o) => findOne(o, 'Service', 'istio-gateway', 'istio-gateway').spec.type, 'NodePort'],
  ['istio_gateway_http_nodeport 31080 (port 80)', (o) => servicePorts(o, 'istio-gateway', 'istio-gateway')[80], 31080],
  ['istio_gateway_https_nodeport 31443 (port 443)', (o) => servicePorts(o, 'istio-gateway', 'istio-gateway')[443], 31443],
];

describe('MlopsMeshChart: every value of the MLOps document', () => {
  const { objs } = mlops();

  test.each(DOC_VALUES)('%s', (_what, get, expected) => {
    expect(get(objs)).toEqual(expected);
  });

  test('the object set: control plane, gateway, three zero-trust model namespaces, mesh policy and routes', () => {
    // everything but the CRDs and the control plane (istiod's objects in istio-system, cluster RBAC, webhooks)
    const controlPlane = (o: K8sObject) => o.kind === 'CustomResourceDefinition'
      || ['ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].includes(o.kind)
      || (o.metadata.namespace === 'istio-system' && !['Gateway', 'PeerAuthentication'].includes(o.kind));
    const policy = ids(objs.filter((o) => !controlPlane(o)));
    expect(policy.sort()).toEqual([
      'AuthorizationPolicy financial-inference/allow-ingress-gateway',
      'AuthorizationPolicy financial-inference/allow-same-namespace',
      'AuthorizationPolicy financial-inference/default-deny',
      'AuthorizationPolicy financial-mlops-pytorch/allow-ingress-gateway',
      'AuthorizationPolicy financial-mlops-pytorch/allow-same-namespace',
      'AuthorizationPolicy financial-mlops-pytorch/default-deny',
      'AuthorizationPolicy fraud-detection/allow-ingress-gateway',
      'AuthorizationPolicy fraud-detection/allow-same-namespace',
      'AuthorizationPolicy fraud-detection/default-deny',
      'Deployment istio-gateway/istio-gateway',
      'DestinationRule fraud-detection/fraud-model-ab',
      'Gateway istio-system/ml-gateway',
      'HorizontalPodAutoscaler istio-gateway/istio-gateway',
      'Namespace financial-inference',
      'Namespace financial-mlops-pytorch',
      'Namespace fraud-detection',
      'Namespace istio-gateway',
      'Namespace istio-system',
      'NetworkPolicy financial-inference/allow-baseline',
      'NetworkPolicy financial-inference/allow-ingress-gateway',
      'NetworkPolicy financial-inference/allow-monitoring',
      'NetworkPolicy financial-inference/default-deny',
      'NetworkPolicy financial-mlops-pytorch/allow-baseline',
      'NetworkPolicy financial-mlops-pytorch/allow-ingress-gateway',
      'NetworkPolicy financial-mlops-pytorch/allow-monitoring',
      'NetworkPolicy financial-mlops-pytorch/default-deny',
      'NetworkPolicy fraud-detection/allow-baseline',
      'NetworkPolicy fraud-detection/allow-ingress-gateway',
      'NetworkPolicy fraud-detection/allow-monitoring',
      'NetworkPolicy fraud-detection/default-deny',
      'PeerAuthentication financial-inference/default',
      'PeerAuthentication financial-mlops-pytorch/default',
      'PeerAuthentication fraud-detection/default',
      'PeerAuthentication istio-system/default',
      'Role istio-gateway/istio-gateway',
      'RoleBinding istio-gateway/istio-gateway',
      'Service istio-gateway/istio-gateway',
      'ServiceAccount istio-gateway/istio-gateway',
      'VirtualService fraud-detection/fraud-model-ab',
      'VirtualService fraud-detection/ml-routing',
    ]);
  });

  test('the gateway identity and the namespace itself are allowed into every model namespace (deny-all otherwise)', () => {
    for (const ns of INJECTION_NAMESPACES) {
      expect(findOne(objs, 'AuthorizationPolicy', 'default-deny', ns).spec).toEqual({ action: 'ALLOW' });
      expect(findOne(objs, 'AuthorizationPolicy', 'allow-ingress-gateway', ns).spec.rules).toEqual([
        { from: [{ source: { principals: ['cluster.local/ns/istio-gateway/sa/istio-gateway'] } }] },
      ]);
      expect(findOne(objs, 'AuthorizationPolicy', 'allow-same-namespace', ns).spec.rules).toEqual([{ from: [{ source: { namespaces: [ns] } }] }]);
      expect(findOne(objs, 'NetworkPolicy', 'allow-monitoring', ns).spec.ingress[0].ports.map((p: { port: number }) => p.port)).toEqual([15020, 15090]);
    }
  });

  test('Istio 1.30.3 objects are v1', () => {
    expect(new Set(Object.values(istioApiVersions(objs)))).toEqual(new Set(['networking.istio.io/v1', 'security.istio.io/v1']));
  });
});

describe('MlopsMeshChart: one prop switches MetalLB and NodePort', () => {
  const nodePortObjs = mlops({ metallb: false }).objs;
  test.each(DOC_NODEPORT_VALUES)('%s', (_what, get, expected) => {
    expect(get(nodePortObjs)).toEqual(expected);
  });

  test('metallb: false gives a NodePort Service on 31080/31443 and no MetalLB annotation', () => {
    const { objs } = mlops({ metallb: false });
    const svc = findOne(objs, 'Service', 'istio-gateway', 'istio-gateway');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.metadata.annotations).toBeUndefined();
    expect(servicePorts(objs, 'istio-gateway', 'istio-gateway')).toEqual({ 15021: undefined, 80: 31080, 443: 31443 });
  });

  test('metallb: true (default) gives the LoadBalancer with the address, node ports left to Kubernetes', () => {
    const { objs } = mlops({ metallb: true, metallbAddressPool: 'production' });
    const svc = findOne(objs, 'Service', 'istio-gateway', 'istio-gateway');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.metadata.annotations).toEqual({ 'metallb.io/address-pool': 'production', 'metallb.io/loadBalancerIPs': '192.168.1.240' });
    expect(servicePorts(objs, 'istio-gateway', 'istio-gateway')).toEqual({ 15021: undefined, 80: undefined, 443: undefined });
  });

  test('custom address and node ports', () => {
    expect(findOne(mlops({ loadBalancerIp: '10.0.0.9' }).objs, 'Service', 'istio-gateway', 'istio-gateway').metadata.annotations!['metallb.io/loadBalancerIPs']).toBe('10.0.0.9');
    expect(servicePorts(mlops({ metallb: false, httpNodePort: 30080, httpsNodePort: 30443 }).objs, 'istio-gateway', 'istio-gateway'))
      .toEqual({ 15021: undefined, 80: 30080, 443: 30443 });
  });
});

describe('MlopsMeshChart: props', () => {
  test('injection namespaces follow the list; routes into a namespace outside it still render', () => {
    const { chart, objs } = mlops({ injectionNamespaces: ['your-app-namespace'] });
    expect(chart.injectionNamespaces.map((n) => n.name)).toEqual(['your-app-namespace']);
    expect(ofKind(objs, 'Namespace').map((n) => n.metadata.name).sort()).toEqual(['istio-gateway', 'istio-system', 'your-app-namespace']);
    expect(findOne(objs, 'VirtualService', 'ml-routing', 'fraud-detection').spec).toEqual(DOC_ML_ROUTING);
  });

  test('with CNI the model namespaces enforce restricted, and injection uses istio-validation', () => {
    const { objs } = mlops({ cni: true });
    for (const ns of INJECTION_NAMESPACES) {
      expect(findOne(objs, 'Namespace', ns).metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    }
    expect(JSON.stringify(injectorValues(objs))).toContain('"cni":{"enabled":true');
  });

  test('routes and the A/B example can be turned off or changed', () => {
    const { chart, objs } = mlops({ fraudApiRoute: false, modelAbTest: { weightB: 10, versionA: 'champion', versionB: 'challenger', header: 'x-model' } });
    expect(chart.fraudApiRoute).toBeUndefined();
    expect(ofKind(objs, 'VirtualService').map((v) => v.metadata.name)).toEqual(['fraud-model-ab']);
    const http = findOne(objs, 'VirtualService', 'fraud-model-ab', 'fraud-detection').spec.http;
    expect(http[0].match).toEqual([{ headers: { 'x-model': { exact: 'challenger' } } }]);
    expect(http[1].route.map((r: { weight: number }) => r.weight)).toEqual([90, 10]);
    expect(ofKind(mlops({ modelAbTest: false }).objs, 'DestinationRule')).toHaveLength(0);
  });

  test('allowIntraNamespace: false drops the same-namespace rule; mtlsMode PERMISSIVE only changes the mesh-wide policy', () => {
    const { objs } = mlops({ allowIntraNamespace: false, mtlsMode: 'PERMISSIVE' });
    expect(ofKind(objs, 'AuthorizationPolicy').filter((p) => p.metadata.name === 'allow-same-namespace')).toHaveLength(0);
    expect(findOne(objs, 'PeerAuthentication', 'default', 'istio-system').spec.mtls.mode).toBe('PERMISSIVE');
    expect(findOne(objs, 'PeerAuthentication', 'default', 'fraud-detection').spec.mtls.mode).toBe('STRICT');
  });

  test('on Istio 1.20.3 every Istio object is v1beta1, and the images follow', () => {
    const { objs } = mlops({ version: IstioVersion.V1_20_3 });
    const versions = istioApiVersions(objs);
    expect(versions['Gateway istio-system/ml-gateway']).toBe('networking.istio.io/v1beta1');
    expect(versions['VirtualService fraud-detection/ml-routing']).toBe('networking.istio.io/v1beta1');
    expect(versions['PeerAuthentication istio-system/default']).toBe('security.istio.io/v1beta1');
    expect(new Set(Object.values(versions))).toEqual(new Set(['networking.istio.io/v1beta1', 'security.istio.io/v1beta1']));
    expect(container(objs, 'istiod', 'istio-system').image).toBe('docker.io/istio/pilot:1.20.3');
  });
});

describe('MlopsMeshChart: bad input', () => {
  const err = (props: ConstructorParameters<typeof MlopsMeshChart>[2]) => build((app) => new MlopsMeshChart(app, 'mlops', props));

  test('a load-balancer address that is not an IP', () => {
    expect(err({ loadBalancerIp: '192.168.1.300' })).toThrow(IstioValidationError);
    expect(err({ loadBalancerIp: '192.168.1.300' })).toThrow(/^mlops: invalid loadBalancerIp "192.168.1.300": must be an IPv4 address such as "192.168.1.240"/);
  });

  test('a node port out of range, in either mode', () => {
    expect(err({ httpNodePort: 8080 })).toThrow(/^mlops: invalid httpNodePort 8080: must be an integer from 30000 to 32767$/);
    expect(err({ metallb: false, httpsNodePort: 32768 })).toThrow(/^mlops: invalid httpsNodePort 32768: must be an integer from 30000 to 32767$/);
  });

  test('the same node port twice', () => {
    expect(err({ metallb: false, httpNodePort: 31000, httpsNodePort: 31000 })).toThrow(/^mlops: invalid httpsNodePort 31000: must differ from httpNodePort \(31000\)/);
  });

  test('a bad namespace in the injection list', () => {
    expect(err({ injectionNamespaces: ['fraud-detection', 'Fraud_Detection'] }))
      .toThrow(/^mlops: invalid injectionNamespaces\[1\] "Fraud_Detection": must be a DNS-1123 label/);
  });

  test('a duplicate injection namespace', () => {
    expect(err({ injectionNamespaces: ['fraud-detection', 'financial-inference', 'fraud-detection'] }))
      .toThrow(/^mlops: invalid injectionNamespaces\[2\] "fraud-detection": namespaces must be unique; "fraud-detection" is given more than once$/);
  });

  test('an injection namespace that the chart owns otherwise', () => {
    expect(err({ injectionNamespaces: ['istio-system'] })).toThrow(/^mlops: invalid injectionNamespaces\[0\] "istio-system": must not be the control-plane namespace/);
    expect(err({ injectionNamespaces: ['istio-gateway'] })).toThrow(/^mlops: invalid injectionNamespaces\[0\] "istio-gateway": must not be the gateway namespace/);
  });

  test('malformed or inverted memory quantities are reported by the construct that uses them', () => {
    expect(err({ pilotMemoryRequest: '512MB' })).toThrow(/^mlops\/istiod: invalid resources.requests.memory "512MB": must be a memory quantity/);
    expect(err({ gatewayMemoryRequest: '1Gi' })).toThrow(/^mlops\/ingress-gateway: invalid resources.requests.memory "1Gi": must not exceed the memory limit 512Mi$/);
  });

  test('an unknown mTLS mode, a non-boolean metallb', () => {
    expect(err({ mtlsMode: 'DISABLE' as 'STRICT' })).toThrow(/^mlops: invalid mtlsMode "DISABLE": must be "STRICT" or "PERMISSIVE"$/);
    expect(err({ metallb: 'yes' as unknown as boolean })).toThrow(/^mlops: invalid metallb "yes": must be true or false$/);
  });

  test('a route host the ml-gateway does not serve', () => {
    expect(err({ fraudApiRoute: { host: 'fraud-api.example.com' } }))
      .toThrow(/^mlops\/ml-routing: invalid hosts\[0\] "fraud-api.example.com": must match a host the gateways expose to namespace fraud-detection \(\*\.local\)/);
  });

  test('an A/B weight out of range', () => {
    expect(err({ modelAbTest: { weightB: 150 } })).toThrow(/^mlops\/model-ab: invalid canary.weight 150: must be an integer from 0 to 100$/);
  });

  test('a privileged-less Pod Security level without CNI', () => {
    expect(err({ podSecurity: { enforce: 'baseline' } })).toThrow(/^mlops\/ns-fraud-detection: invalid podSecurity.enforce "baseline": must be "privileged" while mlops\/istiod injects the istio-init container/);
  });
});
