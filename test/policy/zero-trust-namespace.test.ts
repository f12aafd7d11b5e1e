import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { MeshWideMtls, ZeroTrustNamespace } from '../../src/policy';
import { IstioVersion } from '../../src/version';
import { findOne, ids, newChart, ofKind, synthValid } from '../support/synth';
import { IstioBase } from '../../src/base';
import { Istiod } from '../../src/istiod';
import { meshAndApps, VERSIONS } from './fixtures';

const byName = (ns: string) => [
  { namespaceSelector: { matchLabels: { name: ns } } },
  { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } },
];

describe('ZeroTrustNamespace: Namespace', () => {
  test('injection label from istiod, name label and Pod Security labels (CNI off: enforce privileged)', () => {
    const { istiod, chart } = meshAndApps();
    const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    expect([ns.name, ns.istiod, ns.version, ns.podSecurityEnforce]).toEqual(['trading', istiod, IstioVersion.V1_30_3, 'privileged']);
    const obj = findOne(synthValid(chart), 'Namespace', 'trading');
    expect(obj.metadata.labels).toEqual({
      'name': 'trading',
      'istio-injection': 'enabled',
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test('a revisioned control plane labels istio.io/rev only (never both styles)', () => {
    const { istiod, chart } = meshAndApps(IstioVersion.V1_30_3, { revision: 'canary' });
    new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    const labels = findOne(synthValid(chart), 'Namespace', 'trading').metadata.labels!;
    expect(labels['istio.io/rev']).toBe('canary');
    expect(labels).not.toHaveProperty('istio-injection');
  });

  test('with CNI enforce defaults to restricted; levels and versions are typed labels; extra labels kept', () => {
    const { istiod, chart } = meshAndApps(IstioVersion.V1_30_3, { cni: true });
    const a = new ZeroTrustNamespace(chart, 'a', { istiod, name: 'a' });
    new ZeroTrustNamespace(chart, 'b', {
      istiod, name: 'b', labels: { team: 'ml' }, annotations: { owner: 'platform' },
      podSecurity: { enforce: 'baseline', enforceVersion: 'v1.28', warn: 'restricted', warnVersion: 'latest', audit: 'baseline' },
    });
    const objs = synthValid(chart);
    expect(a.podSecurityEnforce).toBe('restricted');
    expect(findOne(objs, 'Namespace', 'a').metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const b = findOne(objs, 'Namespace', 'b');
    expect(b.metadata.labels).toEqual({
      'team': 'ml', 'name': 'b', 'istio-injection': 'enabled',
      'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'latest',
      'pod-security.kubernetes.io/audit': 'baseline',
    });
    expect(b.metadata.annotations).toEqual({ owner: 'platform' });
  });
});

describe.each(VERSIONS)('ZeroTrustNamespace on Istio %s', (_tag, version, security, networking) => {
  test('STRICT mTLS, deny-all authorization, default-deny network policies', () => {
    const { istiod, chart } = meshAndApps(version);
    new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    const objs = synthValid(chart);
    expect(ids(objs).sort()).toEqual([
      'AuthorizationPolicy trading/default-deny',
      'Namespace trading',
      'NetworkPolicy trading/allow-baseline',
      'NetworkPolicy trading/default-deny',
      'PeerAuthentication trading/default',
    ]);
    const pa = findOne(objs, 'PeerAuthentication', 'default', 'trading');
    expect(pa.apiVersion).toBe(security);
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
    const deny = findOne(objs, 'AuthorizationPolicy', 'default-deny', 'trading');
    expect(deny.apiVersion).toBe(security);
    // ALLOW with no rules matches nothing: every request not allowed elsewhere is denied.
    expect(deny.spec).toEqual({ action: 'ALLOW' });
  });

  test('Pi cluster: trading-agent-policy (argocd namespace; Prometheus principal on 8888), exactly', () => {
    const { istiod, chart } = meshAndApps(version);
    const trading = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    trading.allow('trading-agent-policy', {
      selector: { app: 'trading-agent' },
      rules: [
        { from: [{ namespaces: ['argocd'] }] },
        { from: [{ principals: ['cluster.local/ns/istio-system/sa/prometheus'] }], to: [{ ports: [8888] }] },
      ],
    });
    const objs = synthValid(chart);
    const ap = findOne(objs, 'AuthorizationPolicy', 'trading-agent-policy', 'trading');
    expect(ap.apiVersion).toBe(security);
    expect(ap.spec).toEqual({
      selector: { matchLabels: { app: 'trading-agent' } },
      action: 'ALLOW',
      rules: [
        { from: [{ source: { namespaces: ['argocd'] } }] },
        { from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/prometheus'] } }], to: [{ operation: { ports: ['8888'] } }] },
      ],
    });
    // The network layer opens exactly the paths the rules name.
    expect(findOne(objs, 'NetworkPolicy', 'trading-agent-policy', 'trading').spec).toEqual({
      podSelector: { matchLabels: { app: 'trading-agent' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: byName('argocd') },
        { from: byName('istio-system'), ports: [{ protocol: 'TCP', port: 8888 }] },
      ],
    });
  });

  test('Pi cluster: legacy-service-permissive exception, exactly', () => {
    const { istiod, chart } = meshAndApps(version);
    const trading = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    trading.permissive('legacy-service', { selector: { legacy: 'true' } });
    const pa = findOne(synthValid(chart), 'PeerAuthentication', 'legacy-service-permissive', 'trading');
    expect(pa.apiVersion).toBe(security);
    expect(pa.spec).toEqual({ selector: { matchLabels: { legacy: 'true' } }, mtls: { mode: 'PERMISSIVE' } });
  });

  test('MeshWideMtls: PeerAuthentication default in the root namespace, STRICT unless told', () => {
    const { istiod, chart } = meshAndApps(version);
    const m = new MeshWideMtls(chart, 'mtls', { istiod });
    const pa = findOne(synthValid(chart), 'PeerAuthentication', 'default', 'istio-system');
    expect([m.namespace, pa.apiVersion, pa.spec]).toEqual(['istio-system', security, { mtls: { mode: 'STRICT' } }]);
    const other = meshAndApps(version);
    new MeshWideMtls(other.chart, 'mtls', { istiod: other.istiod, mode: 'PERMISSIVE' });
    expect(findOne(synthValid(other.chart), 'PeerAuthentication', 'default', 'istio-system').spec).toEqual({ mtls: { mode: 'PERMISSIVE' } });
  });

  test('Sidecar limits egress to the namespace, the control plane and listed hosts', () => {
    const { istiod, chart } = meshAndApps(version);
    new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading', sidecar: { hosts: ['*/api.binance.com', 'istio-egress/*'] } });
    new ZeroTrustNamespace(chart, 'ml', { istiod, name: 'ml', sidecar: true });
    const objs = synthValid(chart);
    const sc = findOne(objs, 'Sidecar', 'default', 'trading');
    expect(sc.apiVersion).toBe(networking);
    expect(sc.spec).toEqual({ egress: [{ hosts: ['./*', 'istio-system/*', '*/api.binance.com', 'istio-egress/*'] }] });
    expect(findOne(objs, 'Sidecar', 'default', 'ml').spec).toEqual({ egress: [{ hosts: ['./*', 'istio-system/*'] }] });
  });
});

describe('ZeroTrustNamespace: authorization rules', () => {
  test('serviceAccounts become SPIFFE principals with the mesh trust domain; to/when are typed', () => {
    const { istiod, chart } = meshAndApps(IstioVersion.V1_30_3, { meshConfig: { trustDomain: 'pi.example' } });
    const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    ns.allow('api', {
      rules: [{
        from: [{ serviceAccounts: [{ namespace: 'istio-system', name: 'istio-ingressgateway' }], principals: ['cluster.local/ns/a/sa/b'] }, { ipBlocks: ['10.0.0.0/8', '192.168.1.5'] }],
        to: [{ methods: ['GET', 'POST'], paths: ['/api/*'], hosts: ['trading.example.com'] }],
        when: [{ key: 'request.headers[x-tenant]', values: ['acme'] }, { key: 'source.ip', notValues: ['10.0.0.1'] }],
      }, {
        from: [{ namespaces: ['trading'] }],
      }],
    });
    const objs = synthValid(chart);
    expect(findOne(objs, 'AuthorizationPolicy', 'api').spec).toEqual({
      action: 'ALLOW',
      rules: [{
        from: [
          { source: { principals: ['cluster.local/ns/a/sa/b', 'pi.example/ns/istio-system/sa/istio-ingressgateway'] } },
          { source: { ipBlocks: ['10.0.0.0/8', '192.168.1.5'] } },
        ],
        to: [{ operation: { hosts: ['trading.example.com'], methods: ['GET', 'POST'], paths: ['/api/*'] } }],
        when: [{ key: 'request.headers[x-tenant]', values: ['acme'] }, { key: 'source.ip', notValues: ['10.0.0.1'] }],
      }, { from: [{ source: { namespaces: ['trading'] } }] }],
    });
    // The network layer: the namespaces of the principals and the address blocks, on any port;
    // the own namespace is already allowed by the baseline, so the second rule adds nothing.
    expect(findOne(objs, 'NetworkPolicy', 'api').spec.ingress).toEqual([
      { from: [...byName('a'), ...byName('istio-system'), { ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '192.168.1.5/32' } }] },
    ]);
  });

  test('a rule with only its own namespace as source adds no NetworkPolicy (the baseline already admits it)', () => {
    const { istiod, chart } = meshAndApps();
    const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    ns.allow('local', { selector: { app: 'web' }, rules: [{ from: [{ namespaces: ['trading'] }] }] });
    const objs = synthValid(chart);
    expect(ofKind(objs, 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['allow-baseline', 'default-deny']);
  });

  test('a rule without `from` admits any source, so its NetworkPolicy opens the pods to any source (on its ports when it names them)', () => {
    const { istiod, chart } = meshAndApps();
    const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    ns.allow('health', { selector: { app: 'web' }, rules: [{ to: [{ paths: ['/healthz'], methods: ['GET'] }] }] });
    ns.allow('tenant', { selector: { app: 'api' }, rules: [{ to: [{ ports: [8080] }], when: [{ key: 'request.headers[x-tenant]', values: ['acme'] }] }] });
    const objs = synthValid(chart);
    expect(findOne(objs, 'AuthorizationPolicy', 'health').spec.rules).toEqual([{ to: [{ operation: { methods: ['GET'], paths: ['/healthz'] } }] }]);
    expect(findOne(objs, 'NetworkPolicy', 'health').spec).toEqual({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{}] });
    expect(findOne(objs, 'NetworkPolicy', 'tenant').spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('paths take "*" only at the start or the end, as Istio matches them', () => {
    const { istiod, chart } = meshAndApps();
    const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    expect(() => ns.allow('mid', { rules: [{ to: [{ paths: ['/a/*/b'] }] }] })).toThrow(/invalid allow\(mid\)\.rules\[0\]\.to\[0\]\.paths\[0\] "\/a\/\*\/b": must start with "\/".*matches a "\*" anywhere else literally/);
    expect(() => ns.allow('both', { rules: [{ to: [{ paths: ['*/x*'] }] }] })).toThrow(/paths\[0\] "\*\/x\*"/);
    ns.allow('ok', { rules: [{ from: [{ namespaces: ['a'] }], to: [{ paths: ['/api/*', '*.css', '*', '/exact'] }] }] });
    expect(findOne(synthValid(chart), 'AuthorizationPolicy', 'ok').spec.rules[0].to[0].operation.paths).toEqual(['/api/*', '*.css', '*', '/exact']);
  });
});

describe('ZeroTrustNamespace: NetworkPolicy', () => {
  test('default deny; allow same namespace, gateway and allowed namespaces; egress DNS, istiod (MLOps shape), allowed', () => {
    const { istiod, chart } = meshAndApps();
    new ZeroTrustNamespace(chart, 'fraud', {
      istiod, name: 'fraud-detection',
      ingressGatewayNamespaces: ['istio-gateway', { namespace: 'istio-system' }],
      allowedNamespaces: ['financial-inference'],
      networkPolicy: { egressNamespaces: ['istio-egress'], egressCidrs: ['192.168.1.0/24'] },
    });
    const objs = synthValid(chart);
    expect(findOne(objs, 'NetworkPolicy', 'default-deny', 'fraud-detection').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const base = findOne(objs, 'NetworkPolicy', 'allow-baseline', 'fraud-detection').spec;
    expect(base.podSelector).toEqual({});
    expect(base.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(base.ingress).toEqual([
      { from: [{ podSelector: {} }] },
      { from: [...byName('istio-gateway'), ...byName('istio-system')] },
      { from: byName('financial-inference') },
    ]);
    expect(base.egress).toEqual([
      { to: [{ podSelector: {} }] },
      {
        to: byName('kube-system').map((p) => ({ ...p, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } })),
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      { to: byName('istio-system'), ports: [{ protocol: 'TCP', port: 15012 }] },
      { to: [...byName('financial-inference'), ...byName('istio-egress')] },
      { to: [{ ipBlock: { cidr: '192.168.1.0/24' } }] },
    ]);
    // The MLOps document's rule (namespace selected by its `name` label, TCP 15012) is part of it.
    expect(base.egress[2].to).toContainEqual({ namespaceSelector: { matchLabels: { name: 'istio-system' } } });
  });

  test('egress can stay open; networkPolicy: false renders none', () => {
    const { istiod, chart } = meshAndApps();
    new ZeroTrustNamespace(chart, 'open', { istiod, name: 'open', networkPolicy: { restrictEgress: false } });
    const off = new ZeroTrustNamespace(chart, 'off', { istiod, name: 'off', networkPolicy: false });
    off.allow('x', { rules: [{ from: [{ namespaces: ['argocd'] }] }] });
    off.allowMonitoring({ ports: [9090] });
    const objs = synthValid(chart);
    expect(findOne(objs, 'NetworkPolicy', 'default-deny', 'open').spec.policyTypes).toEqual(['Ingress']);
    const base = findOne(objs, 'NetworkPolicy', 'allow-baseline', 'open').spec;
    expect([base.policyTypes, base.egress]).toEqual([['Ingress'], undefined]);
    expect(off.networkPolicyEnabled).toBe(false);
    expect(ofKind(objs, 'NetworkPolicy').filter((o) => o.metadata.namespace === 'off')).toEqual([]);
    expect(findOne(objs, 'AuthorizationPolicy', 'allow-monitoring', 'off').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/prometheus'] } }], to: [{ operation: { ports: ['9090'] } }] },
    ]);
  });
});

describe('ZeroTrustNamespace: probes and Prometheus under STRICT + deny-all', () => {
  test('allowMonitoring opens 15020 (merged metrics, bypasses the proxy), 15090 and app ports to the scraper', () => {
    const { istiod, chart } = meshAndApps();
    const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    ns.allowMonitoring({ namespace: 'monitoring', serviceAccount: 'prometheus-k8s', ports: [8888], selector: { app: 'trading-agent' } });
    const objs = synthValid(chart);
    expect(findOne(objs, 'NetworkPolicy', 'allow-monitoring', 'trading').spec).toEqual({
      podSelector: { matchLabels: { app: 'trading-agent' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: byName('monitoring'), ports: [15020, 15090, 8888].map((port) => ({ protocol: 'TCP', port })) }],
    });
    expect(findOne(objs, 'AuthorizationPolicy', 'allow-monitoring', 'trading').spec).toEqual({
      selector: { matchLabels: { app: 'trading-agent' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/monitoring/sa/prometheus-k8s'] } }], to: [{ operation: { ports: ['8888'] } }] }],
    });
  });

  test('without app ports only the network path to the agent and Envoy is opened (no authorization needed)', () => {
    const { istiod, chart } = meshAndApps();
    const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
    ns.allowMonitoring();
    const objs = synthValid(chart);
    expect(ofKind(objs, 'AuthorizationPolicy').map((o) => o.metadata.name)).toEqual(['default-deny']);
    expect(findOne(objs, 'NetworkPolicy', 'allow-monitoring').spec.ingress).toEqual([
      { from: byName('istio-system'), ports: [{ protocol: 'TCP', port: 15020 }, { protocol: 'TCP', port: 15090 }] },
    ]);
  });

  test.each(VERSIONS)('the control plane (%s) merges metrics on 15020 and rewrites probes to the agent', (_tag, version) => {
    const { istiod, meshChart } = meshAndApps(version);
    const objs = Testing.synth(meshChart) as Array<{ kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, string> }>;
    const mesh = YAML.parse(objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio' && o.metadata.namespace === istiod.namespace)!.data!.mesh);
    expect(mesh.enablePrometheusMerge).toBe(true);
    const injector = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio-sidecar-injector' && o.metadata.namespace === istiod.namespace)!;
    const values = JSON.parse(injector.data!.values);
    // Absent means off in istiod: kubelet probes would then hit the app port in plain text and fail under STRICT.
    expect(values.sidecarInjectorWebhook?.rewriteAppHTTPProbe).toBe(true);
    expect(values.global?.proxy?.statusPort ?? 15020).toBe(15020);
  });
});

describe('ZeroTrustNamespace: determinism', () => {
  test('the same input renders the same output', () => {
    const render = () => {
      const { istiod, chart } = meshAndApps(IstioVersion.V1_20_3);
      const ns = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading', allowedNamespaces: ['argocd'], sidecar: true });
      ns.permissive('legacy-service', { selector: { legacy: 'true' } });
      ns.allow('a', { rules: [{ from: [{ namespaces: ['argocd'] }] }] });
      ns.allowMonitoring({ ports: [8888] });
      return JSON.stringify(synthValid(chart));
    };
    expect(render()).toBe(render());
  });
});

describe('ZeroTrustNamespace: bad input', () => {
  const setup = () => meshAndApps();

  test('namespace name not a DNS-1123 label', () => {
    const { istiod, chart } = setup();
    expect(() => new ZeroTrustNamespace(chart, 'x', { istiod, name: 'Trading_NS' }))
      .toThrow(/apps\/x: invalid name "Trading_NS": must be a DNS-1123 label/);
  });

  test('the control-plane namespace', () => {
    const { istiod, chart } = setup();
    expect(() => new ZeroTrustNamespace(chart, 'x', { istiod, name: 'istio-system' }))
      .toThrow(/apps\/x: invalid name "istio-system": must not be the control-plane namespace of mesh\/istiod/);
  });

  test.each(['baseline', 'restricted'] as const)('Pod Security %s enforced while injection uses istio-init (CNI off)', (level) => {
    const { istiod, chart } = setup();
    let message = '';
    try {
      new ZeroTrustNamespace(chart, 'x', { istiod, name: 'trading', podSecurity: { enforce: level } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`^apps/x: invalid podSecurity.enforce "${level}": must be "privileged" while mesh/istiod injects the istio-init container`));
    expect(message).toMatch(/NET_ADMIN and NET_RAW/);
    expect(message).toMatch(/enable Istio CNI on the Istiod \(cni: true.*or set podSecurity.enforce to "privileged"/);
  });

  test('Pod Security level or version out of range', () => {
    const { istiod, chart } = setup();
    expect(() => new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a', podSecurity: { warn: 'strict' as never } }))
      .toThrow(/apps\/x: invalid podSecurity.warn "strict": must be "privileged", "baseline" or "restricted"/);
    expect(() => new ZeroTrustNamespace(chart, 'y', { istiod, name: 'b', podSecurity: { auditVersion: '1.28' } }))
      .toThrow(/apps\/y: invalid podSecurity.auditVersion "1.28": must be "latest" or a Kubernetes minor version such as "v1.28"/);
  });

  test('labels that would override the managed ones', () => {
    const { istiod, chart } = setup();
    expect(() => new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a', labels: { 'istio-injection': 'disabled' } }))
      .toThrow(/apps\/x: invalid labels\.istio-injection "disabled": is reserved: it comes from istiod \(mesh\/istiod\)/);
    expect(() => new ZeroTrustNamespace(chart, 'y', { istiod, name: 'b', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } }))
      .toThrow(/apps\/y: invalid labels\.pod-security\.kubernetes\.io\/enforce "baseline": is reserved: it comes from the podSecurity prop/);
  });

  test('annotations with a bad key or a non-string value', () => {
    const { istiod, chart } = setup();
    expect(() => new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a', annotations: { 'bad key!!': 'v' } }))
      .toThrow(/apps\/x: invalid annotations key "bad key!!": must be an annotation key/);
    expect(() => new ZeroTrustNamespace(chart, 'y', { istiod, name: 'b', annotations: { team: 5 as unknown as string } }))
      .toThrow(/apps\/y: invalid annotations\.team 5: must be a string/);
  });

  test('principal not in SPIFFE form', () => {
    const { istiod, chart } = setup();
    const ns = new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a' });
    expect(() => ns.allow('p', { rules: [{ from: [{ principals: ['spiffe://cluster.local/ns/istio-system/sa/prometheus'] }] }] }))
      .toThrow(/apps\/x: invalid allow\(p\).rules\[0\].from\[0\].principals\[0\] "spiffe:\/\/cluster.local\/ns\/istio-system\/sa\/prometheus": must be a SPIFFE principal "<trust domain>\/ns\/<namespace>\/sa\/<service account>"/);
    expect(() => ns.allow('q', { rules: [{ from: [{ principals: ['prometheus'] }] }] }))
      .toThrow(/invalid allow\(q\).rules\[0\].from\[0\].principals\[0\] "prometheus": must be a SPIFFE principal/);
  });

  test('port outside 1-65535', () => {
    const { istiod, chart } = setup();
    const ns = new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a' });
    expect(() => ns.allow('p', { rules: [{ to: [{ ports: [70000] }] }] }))
      .toThrow(/apps\/x: invalid allow\(p\).rules\[0\].to\[0\].ports\[0\] 70000: must be an integer from 1 to 65535/);
  });

  test('namespace in a rule not a DNS-1123 label', () => {
    const { istiod, chart } = setup();
    const ns = new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a' });
    expect(() => ns.allow('p', { rules: [{ from: [{ namespaces: ['Argo CD'] }] }] }))
      .toThrow(/apps\/x: invalid allow\(p\).rules\[0\].from\[0\].namespaces\[0\] "Argo CD": must be a DNS-1123 label/);
  });

  test('an empty rule (would allow everything)', () => {
    const { istiod, chart } = setup();
    const ns = new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a' });
    expect(() => ns.allow('p', { rules: [{}] }))
      .toThrow(/apps\/x: invalid allow\(p\).rules\[0\] \{\}: must name at least one of from, to or when: an empty rule allows every request/);
  });

  test('unknown condition key and method', () => {
    const { istiod, chart } = setup();
    const ns = new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a' });
    expect(() => ns.allow('p', { rules: [{ when: [{ key: 'request.header[x]', values: ['1'] }] }] }))
      .toThrow(/apps\/x: invalid allow\(p\).rules\[0\].when\[0\].key "request.header\[x\]": must be an Istio condition key/);
    expect(() => ns.allow('q', { rules: [{ to: [{ methods: ['get' as never] }] }] }))
      .toThrow(/invalid allow\(q\).rules\[0\].to\[0\].methods\[0\] "get": must be one of GET, HEAD/);
  });

  test('duplicate policy names', () => {
    const { istiod, chart } = setup();
    const ns = new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a' });
    expect(() => ns.allow('default-deny', { rules: [{ from: [{ namespaces: ['b'] }] }] }))
      .toThrow(/apps\/x: invalid allow\(default-deny\).name "default-deny": is reserved: the namespace's own deny-all AuthorizationPolicy is called "default-deny"/);
    ns.allow('one', { name: 'shared', rules: [{ from: [{ namespaces: ['b'] }] }] });
    expect(() => ns.allow('two', { name: 'shared', rules: [{ from: [{ namespaces: ['c'] }] }] }))
      .toThrow(/apps\/x: invalid allow\(two\).name "shared": AuthorizationPolicy names must be unique; "shared" is given more than once/);
  });

  test('permissive without a selector (would weaken the whole namespace)', () => {
    const { istiod, chart } = setup();
    const ns = new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a' });
    expect(() => ns.permissive('legacy', { selector: {} }))
      .toThrow(/apps\/x: invalid permissive\(legacy\).selector \{\}: must select the workloads by at least one pod label/);
  });

  test('allowed namespace invalid, or allowed namespaces without NetworkPolicies', () => {
    const { istiod, chart } = setup();
    expect(() => new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a', allowedNamespaces: ['-bad'] }))
      .toThrow(/apps\/x: invalid allowedNamespaces\[0\] "-bad": must be a DNS-1123 label/);
    expect(() => new ZeroTrustNamespace(chart, 'y', { istiod, name: 'b', networkPolicy: false, allowedNamespaces: ['c'] }))
      .toThrow(/apps\/y: invalid networkPolicy false: must be on/);
  });

  test('Sidecar host not "<namespace>/<host>"', () => {
    const { istiod, chart } = setup();
    expect(() => new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a', sidecar: { hosts: ['api.example.com'] } }))
      .toThrow(/apps\/x: invalid sidecar.hosts\[0\] "api.example.com": must be "<namespace>\/<host>"/);
  });

  test('egress CIDR malformed', () => {
    const { istiod, chart } = setup();
    expect(() => new ZeroTrustNamespace(chart, 'x', { istiod, name: 'a', networkPolicy: { egressCidrs: ['10.0.0.0/33'] } }))
      .toThrow(/apps\/x: invalid networkPolicy.egressCidrs\[0\] "10.0.0.0\/33": must be a CIDR block/);
  });

  test('istiod missing', () => {
    const { chart } = setup();
    expect(() => new ZeroTrustNamespace(chart, 'x', { istiod: undefined as never, name: 'a' }))
      .toThrow(/apps\/x: invalid istiod \(undefined\): must be the Istiod construct/);
  });
});

describe('ZeroTrustNamespace: the mesh root namespace and repeated open rules', () => {
  test('the mesh root namespace is refused (its default-deny would deny the whole mesh)', () => {
    const chart = newChart('mesh');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base'), meshConfig: { rootNamespace: 'mesh-root' } });
    expect(() => new ZeroTrustNamespace(chart, 'z', { istiod, name: 'mesh-root' }))
      .toThrow(/^mesh\/z: invalid name "mesh-root": must not be the mesh root namespace of mesh\/istiod/);
  });

  test('several rules without `from` give one open ingress entry', () => {
    const chart = newChart('mesh');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base') });
    const ns = new ZeroTrustNamespace(chart, 'z', { istiod, name: 'shop' });
    ns.allow('open', { selector: { app: 'web' }, rules: [{ to: [{ paths: ['/a'] }] }, { to: [{ paths: ['/b'] }] }, { to: [{ ports: [8080] }] }] });
    expect(findOne(synthValid(chart), 'NetworkPolicy', 'open').spec.ingress).toEqual([{}, { ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });
});

describe('ZeroTrustNamespace: path templates in allow rules', () => {
  function ns(version: IstioVersion) {
    const chart = newChart('mesh');
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', { version }) });
    return { chart, z: new ZeroTrustNamespace(chart, 'z', { istiod, name: 'shop' }) };
  }

  test('1.30: {*} and {**} templates are accepted as whole segments', () => {
    const { chart, z } = ns(IstioVersion.V1_30_3);
    z.allow('t', { rules: [{ from: [{ namespaces: ['a'] }], to: [{ paths: ['/api/{*}/info', '/static/{**}', '/a/{*}/b/{**}'] }] }] });
    expect(findOne(synthValid(chart), 'AuthorizationPolicy', 't').spec.rules[0].to[0].operation.paths).toEqual(['/api/{*}/info', '/static/{**}', '/a/{*}/b/{**}']);
    expect(() => z.allow('bad', { rules: [{ to: [{ paths: ['/a/{**}/b/{*}'] }] }] })).toThrow(/paths\[0\] "\/a\/\{\*\*\}\/b\/\{\*\}": must be a path template of whole segments/);
    expect(() => z.allow('bad2', { rules: [{ to: [{ paths: ['/a/x{*}'] }] }] })).toThrow(/must be a path template of whole segments/);
    expect(() => z.allow('mid', { rules: [{ to: [{ paths: ['/a/*/b'] }] }] })).toThrow(/matches a "\*" anywhere else literally \(for one segment use the template "\{\*\}"\)/);
  });

  test('1.20: templates are refused (it would match the braces literally)', () => {
    const { z } = ns(IstioVersion.V1_20_3);
    expect(() => z.allow('t', { rules: [{ to: [{ paths: ['/api/{*}/info'] }] }] })).toThrow(/uses a path template \(\{\*\} or \{\*\*\}\), which Istio 1\.20 does not have/);
  });
});
