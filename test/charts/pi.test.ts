/**
 * PiClusterMeshChart against the Raspberry-Pi cluster's Istio role (pi-cluster-istio-role.md): every value
 * and resource of that document, listed below, must be in the synthesized objects.
 *
 * Deliberately not rendered (see docs/platforms.md): the `test-app` nginx Pod of "Deploy Test Service"
 * (a user workload for checking injection), the Kiali/Prometheus/Grafana/Jaeger addons, and the Vault
 * commands run inside Vault.
 */
import { GatewayService, IstioValidationError, IstioVersion, ResourcePreset } from '../../src';
import { PiClusterMeshChart } from '../../src/charts';
import { PI_TRADING_CANARY_SPEC } from '../support/pi-document';
import { K8sObject } from '../support/schema';
import { findOne, ofKind } from '../support/synth';
import { build, container, injectorValues, istioApiVersions, meshConfig, pi } from './helpers';

const PI_REQUESTS_LIMITS = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

/** `trading-gateway` exactly as the document writes it. */
const DOC_TRADING_GATEWAY = {
  selector: { istio: 'ingressgateway' },
  servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
};

/** `trading-app` spec exactly as the document writes it. */
const DOC_TRADING_APP = {
  hosts: ['*'],
  gateways: ['trading-gateway'],
  http: [{ route: [{ destination: { host: 'trading-app-service', port: { number: 80 } } }] }],
};

/** `trading-agent-policy` spec exactly as the document writes it. */
const DOC_TRADING_AGENT_POLICY = {
  selector: { matchLabels: { app: 'trading-agent' } },
  action: 'ALLOW',
  rules: [
    { from: [{ source: { namespaces: ['argocd'] } }] },
    { from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/prometheus'] } }], to: [{ operation: { ports: ['8888'] } }] },
  ],
};

/** `legacy-service-permissive` spec exactly as the document writes it. */
const DOC_LEGACY_PERMISSIVE = { selector: { matchLabels: { legacy: 'true' } }, mtls: { mode: 'PERMISSIVE' } };

/** `circuit-breaker` spec as the document writes it (the chart adds the canary's subsets). */
const DOC_CIRCUIT_BREAKER = {
  host: 'trading-agent-service',
  trafficPolicy: {
    connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 2 } },
    outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s' },
  },
};


type Row = [string, (objs: K8sObject[]) => unknown, unknown];

/** Every value of the document: [what, where it is in the objects, the document's value]. */
const DOC_VALUES: Row[] = [
  // istio_version
  ['istio_version 1.20.3: istiod image', (o) => container(o, 'istiod', 'istio-system').image, 'docker.io/istio/pilot:1.20.3'],
  ['istio_version 1.20.3: sidecar image tag', (o) => injectorValues(o).global.tag, '1.20.3'],
  // istio_namespace
  ['istio_namespace istio-system', (o) => findOne(o, 'Namespace', 'istio-system').metadata.labels!.name, 'istio-system'],
  // Istio Base: CRDs and webhooks
  ['Istio Base: Istio CRDs (`kubectl get crd | grep istio`)', (o) => ofKind(o, 'CustomResourceDefinition').every((c) => c.metadata.name.includes('istio.io')) && ofKind(o, 'CustomResourceDefinition').length >= 14, true],
  ['validating webhooks (`kubectl get validatingwebhookconfigurations`)', (o) => ofKind(o, 'ValidatingWebhookConfiguration').map((w) => w.metadata.name).sort(), ['istio-validator-istio-system', 'istiod-default-validator']],
  ['sidecar injector webhook', (o) => findOne(o, 'MutatingWebhookConfiguration', 'istio-sidecar-injector').webhooks.length > 0, true],
  // istiod
  ['istiod pods labelled app=istiod, container discovery (`kubectl logs -l app=istiod -c discovery`)', (o) => {
    const d = findOne(o, 'Deployment', 'istiod', 'istio-system');
    return [d.spec.template.metadata.labels.app, d.spec.template.spec.containers[0].name];
  }, ['istiod', 'discovery']],
  ['istio_pilot_replicas 1', (o) => findOne(o, 'Deployment', 'istiod', 'istio-system').spec.replicas, 1],
  ['istio_pilot_replicas 1: no istiod autoscaler', (o) => ofKind(o, 'HorizontalPodAutoscaler').filter((h) => h.metadata.name === 'istiod').length, 0],
  ['control plane: 100m/500m CPU, 128Mi/256Mi memory', (o) => container(o, 'istiod', 'istio-system').resources, PI_REQUESTS_LIMITS],
  ['sidecars: 50m/200m CPU, 128Mi/256Mi memory', (o) => injectorValues(o).global.proxy.resources,
    { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } }],
  // istio_ingress_enabled, istio_egress_enabled
  ['istio_ingress_enabled: Service istio-ingressgateway in istio-system, port 80', (o) => findOne(o, 'Service', 'istio-ingressgateway', 'istio-system').spec.ports.some((p: { port: number }) => p.port === 80), true],
  ['ingress gateway: 100m/500m CPU, 128Mi/256Mi memory', (o) => container(o, 'istio-ingressgateway', 'istio-system').resources, PI_REQUESTS_LIMITS],
  ['ingress gateway pods labelled istio: ingressgateway', (o) => findOne(o, 'Deployment', 'istio-ingressgateway', 'istio-system').spec.template.metadata.labels!.istio, 'ingressgateway'],
  ['istio_egress_enabled: Service istio-egressgateway in istio-system', (o) => findOne(o, 'Service', 'istio-egressgateway', 'istio-system').spec.type, 'ClusterIP'],
  ['egress gateway: 100m/500m CPU, 128Mi/256Mi memory', (o) => container(o, 'istio-egressgateway', 'istio-system').resources, PI_REQUESTS_LIMITS],
  // istio_mtls_mode
  ['istio_mtls_mode STRICT, mesh-wide', (o) => findOne(o, 'PeerAuthentication', 'default', 'istio-system').spec, { mtls: { mode: 'STRICT' } }],
  // Trading Namespace with injection
  ['trading namespace labelled istio-injection=enabled', (o) => findOne(o, 'Namespace', 'trading').metadata.labels!['istio-injection'], 'enabled'],
  ['trading namespace STRICT (`kubectl get peerauthentications -n trading`)', (o) => findOne(o, 'PeerAuthentication', 'default', 'trading').spec.mtls.mode, 'STRICT'],
  ['trading namespace reaches istiod on 15012', (o) => findOne(o, 'NetworkPolicy', 'allow-baseline', 'trading').spec.egress, expect.arrayContaining([
    { to: expect.arrayContaining([{ namespaceSelector: { matchLabels: { name: 'istio-system' } } }]), ports: [{ protocol: 'TCP', port: 15012 }] },
  ])],
  // Gateway & VirtualService for external access
  ['Gateway trading-gateway in trading', (o) => findOne(o, 'Gateway', 'trading-gateway', 'trading').spec, {
    selector: expect.objectContaining(DOC_TRADING_GATEWAY.selector),
    servers: DOC_TRADING_GATEWAY.servers,
  }],
  ['VirtualService trading-app in trading', (o) => findOne(o, 'VirtualService', 'trading-app', 'trading').spec, DOC_TRADING_APP],
  // Zero trust
  ['AuthorizationPolicy trading-agent-policy in trading', (o) => findOne(o, 'AuthorizationPolicy', 'trading-agent-policy', 'trading').spec, DOC_TRADING_AGENT_POLICY],
  ['NetworkPolicy lets argocd in, and istio-system on the metrics port 8888', (o) => findOne(o, 'NetworkPolicy', 'trading-agent-policy', 'trading').spec.ingress.map(
    (r: { from: Array<{ namespaceSelector: { matchLabels: Record<string, string> } }>; ports?: Array<{ port: number }> }) =>
      [r.from[0].namespaceSelector.matchLabels.name, r.ports?.map((p) => p.port) ?? 'any']), [['argocd', 'any'], ['istio-system', [8888]]]],
  ['PeerAuthentication legacy-service-permissive in trading', (o) => findOne(o, 'PeerAuthentication', 'legacy-service-permissive', 'trading').spec, DOC_LEGACY_PERMISSIVE],
  // Circuit breaking and request routing
  ['DestinationRule circuit-breaker in trading', (o) => findOne(o, 'DestinationRule', 'circuit-breaker', 'trading').spec, expect.objectContaining(DOC_CIRCUIT_BREAKER)],
  ['circuit-breaker carries the canary subsets v1 and v2', (o) => findOne(o, 'DestinationRule', 'circuit-breaker', 'trading').spec.subsets,
    [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }]],
  ['VirtualService trading-canary in trading (90/10, /api/v2 to v2)', (o) => findOne(o, 'VirtualService', 'trading-canary', 'trading').spec, PI_TRADING_CANARY_SPEC],
  // vault_integration_enabled: false (default)
  ['vault_integration_enabled false: no cert-manager objects', (o) => o.filter((x) => x.apiVersion.startsWith('cert-manager.io/')).length, 0],
  // Observability is a "next step": off by default, Istio's defaults otherwise
  ['observability off: no Telemetry resource', (o) => ofKind(o, 'Telemetry').length, 0],
  ['metrics merging (Prometheus scraping) is Istio\'s default', (o) => meshConfig(o).enablePrometheusMerge, true],
];

describe('PiClusterMeshChart: every value of the Raspberry-Pi document', () => {
  const { objs } = pi();

  test.each(DOC_VALUES)('%s', (_what, get, expected) => {
    expect(get(objs)).toEqual(expected);
  });

  test('Istio 1.20.3 objects are v1beta1', () => {
    expect(new Set(Object.values(istioApiVersions(objs)))).toEqual(new Set(['networking.istio.io/v1beta1', 'security.istio.io/v1beta1']));
  });

  test('everything lives in istio-system or trading; Kubernetes 1.31 API versions', () => {
    expect(new Set(objs.map((o) => o.metadata.namespace ?? '(cluster)'))).toEqual(new Set(['(cluster)', 'istio-system', 'trading']));
    expect(findOne(objs, 'PodDisruptionBudget', 'istiod', 'istio-system').apiVersion).toBe('policy/v1');
    expect(findOne(objs, 'HorizontalPodAutoscaler', 'istio-ingressgateway', 'istio-system').apiVersion).toBe('autoscaling/v2');
  });

  test('the ingress gateway identity is allowed into trading (deny-all otherwise), and trading reaches the egress gateway', () => {
    expect(findOne(objs, 'AuthorizationPolicy', 'default-deny', 'trading').spec).toEqual({ action: 'ALLOW' });
    expect(findOne(objs, 'AuthorizationPolicy', 'allow-ingress-gateway', 'trading').spec.rules)
      .toEqual([{ from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway'] } }] }]);
    const egress = findOne(objs, 'NetworkPolicy', 'allow-baseline', 'trading').spec.egress;
    expect(egress).toContainEqual({ to: [
      { namespaceSelector: { matchLabels: { name: 'istio-system' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } },
    ] });
  });

  test('the canary carries the documented rollout plan', () => {
    const { chart } = pi();
    expect(chart.tradingCanary!.plan.map((s) => s.canaryWeight)).toEqual([10, 25, 50, 100]);
  });
});

describe('PiClusterMeshChart: toggles', () => {
  test('istio_ingress_enabled false: no ingress gateway, no trading-gateway/trading-app', () => {
    const { chart, objs } = pi({ ingressEnabled: false });
    expect(chart.ingressGateway).toBeUndefined();
    expect(ofKind(objs, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['istio-egressgateway', 'istiod']);
    expect(ofKind(objs, 'Gateway')).toHaveLength(0);
    expect(ofKind(objs, 'VirtualService').map((v) => v.metadata.name)).toEqual(['trading-canary']);
    expect(ofKind(objs, 'AuthorizationPolicy').map((p) => p.metadata.name).sort()).toEqual(['default-deny', 'trading-agent-policy']);
  });

  test('istio_egress_enabled false: no egress gateway, trading egress limited to istiod', () => {
    const { objs } = pi({ egressEnabled: false });
    expect(ofKind(objs, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['istio-ingressgateway', 'istiod']);
    expect(findOne(objs, 'NetworkPolicy', 'allow-baseline', 'trading').spec.egress).toHaveLength(3);
  });

  test('istio_mtls_mode PERMISSIVE changes the mesh-wide policy; trading stays STRICT', () => {
    const { objs } = pi({ mtlsMode: 'PERMISSIVE' });
    expect(findOne(objs, 'PeerAuthentication', 'default', 'istio-system').spec.mtls.mode).toBe('PERMISSIVE');
    expect(findOne(objs, 'PeerAuthentication', 'default', 'trading').spec.mtls.mode).toBe('STRICT');
  });

  test('istio_pilot_replicas and resources are props', () => {
    const { objs } = pi({ pilotReplicas: 2, sidecarResources: ResourcePreset.proxyDefault(), ingressService: GatewayService.nodePort({ http: 30080 }) });
    expect(findOne(objs, 'Deployment', 'istiod', 'istio-system').spec.replicas).toBe(2);
    expect(injectorValues(objs).global.proxy.resources.limits).toEqual({ cpu: '2000m', memory: '1024Mi' });
    expect(findOne(objs, 'Service', 'istio-ingressgateway', 'istio-system').spec.type).toBe('NodePort');
  });

  test('istiod\'s PodDisruptionBudget follows Istio 1.20 (on) unless turned off', () => {
    expect(ofKind(pi().objs, 'PodDisruptionBudget').map((p) => p.spec.minAvailable)).toEqual([1]);
    expect(ofKind(pi({ pilotPodDisruptionBudget: false }).objs, 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('the documented examples can be turned off one by one', () => {
    const { objs } = pi({ tradingAgentPolicy: false, legacyPermissive: false, tradingCanary: false, tradingAppRoute: false });
    expect(ofKind(objs, 'AuthorizationPolicy').map((p) => p.metadata.name)).toEqual(['default-deny']);
    expect(ofKind(objs, 'PeerAuthentication').map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['istio-system/default', 'trading/default']);
    expect(ofKind(objs, 'DestinationRule')).toHaveLength(0);
    expect(ofKind(objs, 'VirtualService')).toHaveLength(0);
    expect(ofKind(objs, 'Gateway').map((g) => g.metadata.name)).toEqual(['trading-gateway']);
  });

  test('on Istio 1.30.3 the same chart emits v1 objects and the newer images', () => {
    const { objs } = pi({ version: IstioVersion.V1_30_3, observabilityEnabled: true });
    const versions = istioApiVersions(objs);
    expect(versions['AuthorizationPolicy trading/trading-agent-policy']).toBe('security.istio.io/v1');
    expect(versions['DestinationRule trading/circuit-breaker']).toBe('networking.istio.io/v1');
    expect(versions['Telemetry istio-system/mesh-default']).toBe('telemetry.istio.io/v1');
    expect(new Set(Object.values(versions))).toEqual(new Set(['networking.istio.io/v1', 'security.istio.io/v1', 'telemetry.istio.io/v1']));
    expect(container(objs, 'istiod', 'istio-system').image).toBe('docker.io/istio/pilot:1.30.3');
  });
});

describe('PiClusterMeshChart: Vault PKI (vault_integration_enabled)', () => {
  const { objs } = pi({ vaultIntegrationEnabled: true });

  test('a Vault Issuer authenticating with a ServiceAccount reference (vault_namespace: vault)', () => {
    const issuer = findOne(objs, 'Issuer', 'vault-istio-ca', 'istio-system');
    expect(issuer.apiVersion).toBe('cert-manager.io/v1');
    expect(issuer.spec).toEqual({
      vault: {
        server: 'http://vault.vault.svc:8200',
        path: 'pki_int/root/sign-intermediate',
        auth: { kubernetes: { mountPath: '/v1/auth/kubernetes', role: 'istio-ca', serviceAccountRef: { name: 'vault-issuer' } } },
      },
    });
  });

  test('a CA Certificate "Istio Intermediate CA" into istiod\'s plug-in secret cacerts', () => {
    const cert = findOne(objs, 'Certificate', 'istio-ca', 'istio-system');
    expect(cert.spec).toMatchObject({
      isCA: true,
      commonName: 'Istio Intermediate CA',
      secretName: 'cacerts',
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'vault-istio-ca' },
    });
    const pod = findOne(objs, 'Deployment', 'istiod', 'istio-system').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'cacerts', secret: { secretName: 'cacerts', optional: true } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'cacerts', mountPath: '/etc/cacerts', readOnly: true });
  });

  test('cert-manager may request a token for exactly that ServiceAccount, and no secret material is rendered', () => {
    expect(findOne(objs, 'ServiceAccount', 'vault-issuer', 'istio-system').secrets).toBeUndefined();
    expect(findOne(objs, 'Role', 'vault-issuer-token-request', 'istio-system').rules)
      .toEqual([{ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['vault-issuer'], verbs: ['create'] }]);
    expect(findOne(objs, 'RoleBinding', 'vault-issuer-token-request', 'istio-system').subjects)
      .toEqual([{ kind: 'ServiceAccount', name: 'cert-manager', namespace: 'cert-manager' }]);
    expect(ofKind(objs, 'Secret')).toHaveLength(0);
    expect(JSON.stringify(objs)).not.toMatch(/"(token|tls\.key|ca-key\.pem|secretRef)"/);
  });

  test('vault_namespace and the PKI details are props', () => {
    const custom = pi({ vaultIntegrationEnabled: true, vaultNamespace: 'secrets', vaultPki: { pkiPath: 'istio_pki/root/sign-intermediate', authRole: 'mesh' } }).objs;
    const vault = findOne(custom, 'Issuer', 'vault-istio-ca', 'istio-system').spec.vault;
    expect([vault.server, vault.path, vault.auth.kubernetes.role]).toEqual(['http://vault.secrets.svc:8200', 'istio_pki/root/sign-intermediate', 'mesh']);
  });
});

describe('PiClusterMeshChart: observability', () => {
  const { objs } = pi({ observabilityEnabled: true });

  test('a mesh-wide Telemetry: tracing through the zipkin provider at 1%, Envoy access logs', () => {
    const t = findOne(objs, 'Telemetry', 'mesh-default', 'istio-system');
    expect(t.apiVersion).toBe('telemetry.istio.io/v1alpha1');
    expect(t.spec).toEqual({
      tracing: [{ providers: [{ name: 'zipkin' }], randomSamplingPercentage: 1 }],
      accessLogging: [{ providers: [{ name: 'envoy' }] }],
    });
  });

  test('the tracer in the mesh config, tracing on, metrics merging on, no legacy per-proxy tracer', () => {
    const mesh = meshConfig(objs);
    expect(mesh.extensionProviders).toEqual([{ name: 'zipkin', zipkin: { service: 'zipkin.istio-system.svc.cluster.local', port: 9411 } }]);
    expect(mesh.defaultProviders).toEqual({ metrics: ['prometheus'], tracing: ['zipkin'] });
    expect(mesh.enableTracing).toBe(true);
    expect(mesh.enablePrometheusMerge).toBe(true);
    expect(mesh.defaultConfig.tracing).toBeUndefined();
  });

  test('Prometheus (istio-system/prometheus) may scrape trading on 15020 and 15090', () => {
    const np = findOne(objs, 'NetworkPolicy', 'allow-monitoring', 'trading');
    expect(np.spec.ingress[0].from[0]).toEqual({ namespaceSelector: { matchLabels: { name: 'istio-system' } } });
    expect(np.spec.ingress[0].ports.map((p: { port: number }) => p.port)).toEqual([15020, 15090]);
  });

  test('an OpenTelemetry collector and another sampling rate', () => {
    const custom = pi({
      observabilityEnabled: true,
      observability: { tracer: { type: 'opentelemetry', name: 'otel', service: 'otel-collector.observability.svc.cluster.local', port: 4317 }, samplingPercentage: 10, accessLogging: false },
    }).objs;
    expect(meshConfig(custom).extensionProviders).toEqual([{ name: 'otel', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } }]);
    expect(findOne(custom, 'Telemetry', 'mesh-default', 'istio-system').spec).toEqual({ tracing: [{ providers: [{ name: 'otel' }], randomSamplingPercentage: 10 }] });
  });

  test('off (default): Istio 1.20\'s default zipkin address stays in the mesh config', () => {
    expect(meshConfig(pi().objs).defaultConfig.tracing).toEqual({ zipkin: { address: 'zipkin.istio-system:9411' } });
  });
});

describe('PiClusterMeshChart: bad input', () => {
  const err = (props: ConstructorParameters<typeof PiClusterMeshChart>[2]) => build((app) => new PiClusterMeshChart(app, 'pi', props));

  test('pilot replicas below 1', () => {
    expect(err({ pilotReplicas: 0 })).toThrow(IstioValidationError);
    expect(err({ pilotReplicas: 0 })).toThrow(/^pi: invalid pilotReplicas 0: must be an integer >= 1$/);
  });

  test('an app namespace that is not a DNS label, or the control-plane namespace', () => {
    expect(err({ appNamespace: 'Trading' })).toThrow(/^pi: invalid appNamespace "Trading": must be a DNS-1123 label/);
    expect(err({ appNamespace: 'istio-system' })).toThrow(/^pi: invalid appNamespace "istio-system": must differ from istioNamespace/);
  });

  test('Vault or observability details while the feature is off', () => {
    expect(err({ vaultPki: { authRole: 'x' } })).toThrow(/^pi: invalid vaultPki \{"authRole":"x"\}: has no effect unless vaultIntegrationEnabled is true$/);
    expect(err({ observability: { samplingPercentage: 5 } })).toThrow(/^pi: invalid observability \{"samplingPercentage":5\}: has no effect unless observabilityEnabled is true$/);
  });

  test('gateway resources without the ingress gateway', () => {
    expect(err({ ingressEnabled: false, tradingGateway: { hosts: ['trading.example.com'] } }))
      .toThrow(/^pi: invalid tradingGateway \{"hosts":\["trading.example.com"\]\}: needs ingressEnabled: true/);
  });

  test('a bad Vault address or path', () => {
    expect(err({ vaultIntegrationEnabled: true, vaultPki: { server: 'vault:8200' } })).toThrow(/^pi\/vault-ca: invalid server "vault:8200": must be a Vault address/);
    expect(err({ vaultIntegrationEnabled: true, vaultPki: { pkiPath: '/v1/pki_int/sign/istio' } })).toThrow(/^pi\/vault-ca: invalid pkiPath "\/v1\/pki_int\/sign\/istio": must be a Vault path/);
  });

  test('a bad sampling rate', () => {
    expect(err({ observabilityEnabled: true, observability: { samplingPercentage: 101 } })).toThrow(/^pi: invalid observability.samplingPercentage 101: must be a percentage from 0 to 100/);
  });

  test('a canary weight the constructs refuse', () => {
    expect(err({ tradingCanary: { canaryWeight: 110 } })).toThrow(/^pi\/trading-canary: invalid canary.weight 110: must be an integer from 0 to 100$/);
  });

  test('a malformed metrics principal', () => {
    expect(err({ tradingAgentPolicy: { metricsPrincipal: 'spiffe://cluster.local/ns/istio-system/sa/prometheus' } }))
      .toThrow(/^pi\/ns-trading: invalid allow\(trading-agent-policy\).rules\[1\].from\[0\].principals\[0\] "spiffe:\/\/cluster.local\/ns\/istio-system\/sa\/prometheus": must be a SPIFFE principal/);
  });
});
