import * as fs from 'fs';
import * as path from 'path';
import { KubeConfigMap } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import {
  InjectorInput, injectionTemplatesDir, LEGACY_TEMPLATE_SENTINEL, renderInjectorData, templateFile,
} from '../../src/istiod/injector';
import { IstioVersion } from '../../src/version';
import { ResourcePreset } from '../../src/workload';
import { findOne, newChart, synthValid } from '../support/synth';
import { defaultInjectorInput } from './harness';

const V130 = IstioVersion.V1_30_3;
const V120 = IstioVersion.V1_20_3;

function data(version: IstioVersion, overrides: Partial<InjectorInput> = {}) {
  const out = renderInjectorData(defaultInjectorInput(version, overrides));
  return { ...out, values: JSON.parse(out.values), config: parse(out.config), raw: out };
}

/** An input whose errors name `test/istiod`. */
function scoped(version: IstioVersion, overrides: Partial<InjectorInput>): InjectorInput {
  const chart = newChart();
  return defaultInjectorInput(version, { scope: new Construct(chart, 'istiod'), ...overrides });
}

describe('values key', () => {
  test('1.30 layout: global, sidecarInjectorWebhook, revision, pilot {cni, env}, gateways', () => {
    const { values } = data(V130);
    expect(Object.keys(values)).toEqual(['global', 'sidecarInjectorWebhook', 'revision', 'pilot', 'gateways']);
    expect(values.pilot).toEqual({ cni: { enabled: false, provider: 'default' }, env: {} });
    expect(values.gateways).toEqual({ seccompProfile: { type: 'RuntimeDefault' }, securityContext: {} });
    expect(values.global.jwtPolicy).toBeUndefined();
    expect(values.global.nativeNftables).toBe(false);
    expect(values.global.proxy.enableCoreDump).toBeUndefined();
  });

  test('1.20 layout: global, istio_cni, revision, sidecarInjectorWebhook', () => {
    const { values } = data(V120);
    expect(Object.keys(values)).toEqual(['global', 'istio_cni', 'revision', 'sidecarInjectorWebhook']);
    expect(values.istio_cni).toEqual({ chained: true, enabled: false, provider: 'default' });
    expect(values.global.jwtPolicy).toBe('third-party-jwt');
    expect(values.global.proxy.enableCoreDump).toBe(false);
    expect(values.global.nativeNftables).toBeUndefined();
  });

  test.each([V130, V120])('global.proxy defaults on %s', (version) => {
    const { values } = data(version);
    expect(values.global.proxy).toMatchObject({
      image: 'proxyv2',
      autoInject: 'enabled',
      clusterDomain: 'cluster.local',
      logLevel: 'warning',
      componentLogLevel: 'misc:error',
      includeIPRanges: '*',
      excludeIPRanges: '',
      includeInboundPorts: '*',
      excludeInboundPorts: '',
      excludeOutboundPorts: '',
      statusPort: 15020,
      readinessInitialDelaySeconds: 0,
      readinessPeriodSeconds: 15,
      readinessFailureThreshold: 4,
      startupProbe: { enabled: true, failureThreshold: 600 },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
      privileged: false,
      // the istiod chart's tracer default: zipkin on 1.20, none on 1.30
      tracer: version.atLeast('1.30') ? 'none' : 'zipkin',
    });
    // as upstream's values: only there when set (the templates read a missing key as false)
    expect(values.global.proxy).not.toHaveProperty('holdApplicationUntilProxyStarts');
    expect(data(version, { proxy: { holdApplicationUntilProxyStarts: true } }).values.global.proxy.holdApplicationUntilProxyStarts).toBe(true);
    // keys no option sets are there with the chart's defaults, for any template that reads them
    expect(values.global).toMatchObject({ caName: '', mountMtlsCerts: false, sts: { servicePort: 0 }, istiod: { enableAnalysis: false } });
    if (version.atLeast('1.30')) {
      expect(values.global).toMatchObject({
        resourceScope: 'all', proxy_init: { forceApplyIptables: false }, proxy: { seccompProfile: {}, outlierLogPath: '' },
        waypoint: { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } } },
      });
    }
    expect(values.global).toMatchObject({
      hub: 'docker.io/istio',
      tag: version.tag,
      variant: '',
      imagePullPolicy: '',
      meshID: '',
      network: '',
      caAddress: '',
      istioNamespace: 'istio-system',
      pilotCertProvider: 'istiod',
      multiCluster: { clusterName: 'Kubernetes' },
      proxy_init: { image: 'proxyv2' },
      sds: { token: { aud: 'istio-ca' } },
      logging: { level: 'default:info' },
    });
    expect(values.sidecarInjectorWebhook.rewriteAppHTTPProbe).toBe(true);
    expect(values.revision).toBe('');
  });

  test('template features follow the version', () => {
    expect(data(V130).values.sidecarInjectorWebhook.templateFeatures).toEqual({
      caCrlVolume: true, compliancePolicy: true, inboundTrafficPolicyMode: true, nativeSidecarAnnotation: true, otelResourceAttributes: false,
      rerouteVirtualInterfaces: true, resourceFieldRefDivisor: '1', workloadNameLabel: true,
    });
    expect(data(V120).values.sidecarInjectorWebhook.templateFeatures).toEqual({
      caCrlVolume: false, compliancePolicy: false, inboundTrafficPolicyMode: false, nativeSidecarAnnotation: false, otelResourceAttributes: false,
      rerouteVirtualInterfaces: false, resourceFieldRefDivisor: '0', workloadNameLabel: false,
    });
  });

  test('typed inputs land in the values', () => {
    const { values } = data(V130, {
      revision: 'canary',
      caAddress: 'istiod-canary.istio-system.svc:15012',
      meshId: 'mesh1',
      network: 'net1',
      clusterName: 'pi',
      hub: 'registry.example.com/istio',
      tag: '1.30.3-custom',
      variant: 'distroless',
      cni: true,
      cniProvider: 'multus',
      nativeSidecars: true,
      imagePullPolicy: 'IfNotPresent',
      imagePullSecrets: ['regcred'],
      proxy: {
        resources: ResourcePreset.raspberryPiSidecar(),
        logLevel: 'debug',
        includeIPRanges: ['10.0.0.0/8', '172.16.0.0/12'],
        excludeInboundPorts: [8081, 9090],
        includeInboundPorts: [8080],
        excludeOutboundPorts: [5432],
        holdApplicationUntilProxyStarts: true,
        statusPort: 15030,
        nativeNftables: true,
        otelResourceAttributes: true,
      },
      policy: { enabled: false, rewriteAppHTTPProbe: false },
    });
    expect(values.revision).toBe('canary');
    expect(values.global.caAddress).toBe(''); // the default address for the revision: left to the template
    expect(values.global).toMatchObject({
      meshID: 'mesh1', network: 'net1', multiCluster: { clusterName: 'pi' }, hub: 'registry.example.com/istio',
      tag: '1.30.3-custom', variant: 'distroless', imagePullPolicy: 'IfNotPresent', imagePullSecrets: ['regcred'],
      nativeSidecars: true, nativeNftables: true,
    });
    expect(values.global.proxy).toMatchObject({
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      logLevel: 'debug', includeIPRanges: '10.0.0.0/8,172.16.0.0/12', excludeInboundPorts: '8081,9090',
      includeInboundPorts: '8080', excludeOutboundPorts: '5432', holdApplicationUntilProxyStarts: true,
      statusPort: 15030, autoInject: 'disabled',
    });
    expect(values.pilot).toEqual({ cni: { enabled: true, provider: 'multus' }, env: { ENABLE_NATIVE_SIDECARS: 'true' } });
    expect(values.sidecarInjectorWebhook.rewriteAppHTTPProbe).toBe(false);
    expect(values.sidecarInjectorWebhook.templateFeatures.otelResourceAttributes).toBe(true);
  });

  test('a CA address other than istiod of this revision is kept', () => {
    expect(data(V130, { caAddress: 'vault-ca.example:443' }).values.global.caAddress).toBe('vault-ca.example:443');
  });

  test('1.20 CNI flag lives under istio_cni', () => {
    expect(data(V120, { cni: true }).values.istio_cni.enabled).toBe(true);
  });

  test('keys below the top level are sorted', () => {
    const { values } = data(V130);
    for (const obj of [values.global, values.global.proxy, values.sidecarInjectorWebhook]) {
      expect(Object.keys(obj)).toEqual([...Object.keys(obj)].sort());
    }
  });
});

describe('config key', () => {
  test.each([V130, V120])('fields and templates on %s', (version) => {
    const { config } = data(version);
    expect(Object.keys(config)).toEqual([
      'defaultTemplates', 'policy', 'alwaysInjectSelector', 'neverInjectSelector', 'injectedAnnotations', 'template', 'templates',
    ]);
    expect(config.defaultTemplates).toEqual(['sidecar']);
    expect(config.policy).toBe('enabled');
    expect(config.alwaysInjectSelector).toEqual([]);
    expect(config.neverInjectSelector).toEqual([]);
    expect(config.injectedAnnotations).toEqual({});
    // Every template istiod of the release asks for by name, in Istio's order, each exactly as in its file.
    expect(Object.keys(config.templates)).toEqual(version.injectionTemplates);
    for (const name of version.injectionTemplates) {
      expect(config.templates[name]).toBe(fs.readFileSync(templateFile(name, version.line), 'utf8'));
    }
  });

  test('templates per release: agentgateway on 1.30 only; 1.20 has its own Gateway-controller templates', () => {
    expect(Object.keys(data(V130).config.templates)).toEqual(['sidecar', 'gateway', 'grpc-simple', 'grpc-agent', 'waypoint', 'kube-gateway', 'agentgateway']);
    expect(Object.keys(data(V120).config.templates)).toEqual(['sidecar', 'gateway', 'grpc-simple', 'grpc-agent', 'waypoint', 'kube-gateway']);
    const dir = injectionTemplatesDir();
    for (const name of ['kube-gateway', 'waypoint']) {
      expect(templateFile(name, '1.20')).toBe(path.join(dir, '1.20', `${name}.tpl`));
      expect(templateFile(name, '1.30')).toBe(path.join(dir, `${name}.tpl`));
      expect(data(V120).config.templates[name]).not.toBe(data(V130).config.templates[name]);
    }
    for (const name of ['sidecar', 'gateway', 'grpc-simple', 'grpc-agent']) {
      expect(templateFile(name, '1.20')).toBe(path.join(dir, `${name}.tpl`));
      expect(data(V120).config.templates[name]).toBe(data(V130).config.templates[name]);
    }
  });

  test('a user template replaces a built-in one by name', () => {
    const { config } = data(V130, { policy: { templates: { 'grpc-agent': '{{/* mine */}}\nspec: {}\n' } } });
    expect(config.templates['grpc-agent']).toBe('{{/* mine */}}\nspec: {}\n');
    expect(Object.keys(config.templates)).toEqual(V130.injectionTemplates);
  });

  test('the legacy template sentinel calls a function no istiod has', () => {
    const { config } = data(V130);
    expect(config.template).toBe(LEGACY_TEMPLATE_SENTINEL);
    expect(config.template).toMatch(/^\{\{ [A-Za-z0-9]+ \}\}$/);
  });

  test('policy options', () => {
    const { config, values } = data(V130, {
      policy: {
        enabled: false,
        alwaysInjectSelector: [{ matchLabels: { mesh: 'yes' } }],
        neverInjectSelector: [{ matchExpressions: [{ key: 'job-name', operator: 'Exists' }] }],
        injectedAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' },
        templates: { custom: '{{ .Revision }}' },
        defaultTemplates: ['sidecar', 'custom'],
      },
    });
    expect(config.policy).toBe('disabled');
    expect(config.alwaysInjectSelector).toEqual([{ matchLabels: { mesh: 'yes' } }]);
    expect(config.neverInjectSelector).toEqual([{ matchExpressions: [{ key: 'job-name', operator: 'Exists' }] }]);
    expect(config.injectedAnnotations).toEqual({ 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' });
    expect(config.templates.custom).toBe('{{ .Revision }}');
    expect(config.defaultTemplates).toEqual(['sidecar', 'custom']);
    expect(values.sidecarInjectorWebhook.neverInjectSelector).toEqual(config.neverInjectSelector);
  });

  test('a user template replaces a built-in one by name', () => {
    const { config } = data(V130, { policy: { templates: { gateway: '{{/* mine */}}' } } });
    expect(config.templates.gateway).toBe('{{/* mine */}}');
    expect(config.templates.sidecar).toContain('cdk8s-istio injection template "sidecar"');
  });

  test('templates are stored as literal blocks and read back byte for byte', () => {
    const { raw } = data(V130);
    expect(raw.config).toMatch(/^ {2}sidecar: \|/m);
    expect(raw.config).toMatch(/^ {2}gateway: \|/m);
  });
});

describe('ConfigMap', () => {
  test.each([V130, V120])('is schema-valid and byte-stable on %s', (version) => {
    const render = () => {
      const chart = newChart();
      const d = renderInjectorData(defaultInjectorInput(version));
      new KubeConfigMap(chart, 'injector', { metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' }, data: { config: d.config, values: d.values } });
      return synthValid(chart);
    };
    const first = render();
    const second = render();
    const cm = findOne(first, 'ConfigMap', 'istio-sidecar-injector', 'istio-system');
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
    expect(() => JSON.parse(cm.data.values)).not.toThrow();
    expect(parse(cm.data.config).templates.sidecar.length).toBeGreaterThan(1000);
  });

  test('the templates folder is found from the source tree', () => {
    expect(injectionTemplatesDir()).toBe(path.resolve(__dirname, '../../src/istiod/templates'));
  });
});

describe('bad input', () => {
  const cases: Array<[string, Partial<InjectorInput>, RegExp]> = [
    ['status port taken by the proxy', { proxy: { statusPort: 15090 } }, /test\/istiod: invalid proxy\.statusPort 15090: must not be one of the proxy's own ports/],
    ['status port out of range', { proxy: { statusPort: 70000 } }, /test\/istiod: invalid proxy\.statusPort 70000: must be an integer from 1 to 65535/],
    ['log level', { proxy: { logLevel: 'loud' as any } }, /test\/istiod: invalid proxy\.logLevel "loud": must be one of "trace", "debug"/],
    ['component log level', { proxy: { componentLogLevel: 'misc=error' } }, /test\/istiod: invalid proxy\.componentLogLevel "misc=error": must be a comma list of <component>:<level>/],
    ['agent log level', { proxy: { agentLogLevel: 'default:verbose' } }, /test\/istiod: invalid proxy\.agentLogLevel "default:verbose": must be a comma list of <scope>:<level>/],
    ['include IP range', { proxy: { includeIPRanges: ['10.0.0.0/33'] } }, /test\/istiod: invalid proxy\.includeIPRanges\[0\] "10\.0\.0\.0\/33": must be a CIDR block/],
    ['"*" mixed with ranges', { proxy: { includeIPRanges: ['*', '10.0.0.0/8'] } }, /test\/istiod: invalid proxy\.includeIPRanges\[0\] "\*": must be a CIDR block/],
    ['exclude IP range', { proxy: { excludeIPRanges: ['*'] } }, /test\/istiod: invalid proxy\.excludeIPRanges\[0\] "\*": must be a CIDR block such as "10\.0\.0\.0\/8" or an IP address$/],
    ['inbound port', { proxy: { excludeInboundPorts: [0] } }, /test\/istiod: invalid proxy\.excludeInboundPorts\[0\] 0: must be an integer from 1 to 65535/],
    ['outbound port', { proxy: { excludeOutboundPorts: [65536] } }, /test\/istiod: invalid proxy\.excludeOutboundPorts\[0\] 65536: must be an integer from 1 to 65535/],
    ['readiness period', { proxy: { readinessPeriodSeconds: 0 } }, /test\/istiod: invalid proxy\.readinessPeriodSeconds 0: must be an integer >= 1/],
    ['startup threshold', { proxy: { startupProbe: { failureThreshold: 0 } } }, /test\/istiod: invalid proxy\.startupProbe\.failureThreshold 0: must be an integer >= 1/],
    ['tracer', { proxy: { tracer: 'jaeger' as any } }, /test\/istiod: invalid proxy\.tracer "jaeger": must be one of "none", "zipkin"/],
    ['image', { proxy: { image: 'Bad Image' } }, /test\/istiod: invalid proxy\.image "Bad Image": must be an image name such as "proxyv2"/],
    ['resources', { proxy: { resources: ResourcePreset.of({ requests: { cpu: 'lots' } }) } }, /test\/istiod: invalid proxy\.resources\.requests\.cpu "lots": must be a CPU quantity/],
    ['request above limit', { proxy: { resources: ResourcePreset.of({ requests: { memory: '1Gi' }, limits: { memory: '512Mi' } }) } }, /test\/istiod: invalid proxy\.resources\.requests\.memory "1Gi": must not exceed the memory limit 512Mi/],
    ['cluster domain', { proxy: { clusterDomain: 'Cluster_Local' } }, /test\/istiod: invalid proxy\.clusterDomain "Cluster_Local": must be a DNS-1123 subdomain/],
    ['native nftables on 1.30 only', { version: V120, proxy: { nativeNftables: true } }, /test\/istiod: invalid proxy\.nativeNftables true: is not available on Istio 1\.20\.3/],
    ['core dump on 1.20 only', { proxy: { enableCoreDump: true } }, /test\/istiod: invalid proxy\.enableCoreDump true: is not available on Istio 1\.30\.3/],
    ['CNI provider', { cniProvider: 'calico' as any }, /test\/istiod: invalid cniProvider "calico": must be "default" or "multus"/],
    ['pull policy', { imagePullPolicy: 'Sometimes' as any }, /test\/istiod: invalid imagePullPolicy "Sometimes": must be "Always", "IfNotPresent" or "Never"/],
    ['pull secret', { imagePullSecrets: ['Reg Cred'] }, /test\/istiod: invalid imagePullSecrets\[0\] "Reg Cred": must be a DNS-1123 subdomain/],
    ['empty selector', { policy: { neverInjectSelector: [{}] } }, /test\/istiod: invalid injection\.neverInjectSelector\[0\] \{\}: must have matchLabels or matchExpressions/],
    ['selector operator', { policy: { alwaysInjectSelector: [{ matchExpressions: [{ key: 'a', operator: 'Near' as any }] }] } }, /test\/istiod: invalid injection\.alwaysInjectSelector\[0\]\.matchExpressions\[0\]\.operator "Near": must be "In", "NotIn", "Exists" or "DoesNotExist"/],
    ['In without values', { policy: { alwaysInjectSelector: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } }, /test\/istiod: invalid injection\.alwaysInjectSelector\[0\]\.matchExpressions\[0\]\.values \(undefined\): must list at least one value for operator In/],
    ['selector label value', { policy: { alwaysInjectSelector: [{ matchLabels: { app: 'no spaces' } }] } }, /test\/istiod: invalid injection\.alwaysInjectSelector\[0\]\.matchLabels\.app "no spaces": must be a label value/],
    ['annotation key', { policy: { injectedAnnotations: { 'bad key!': 'x' } } }, /test\/istiod: invalid injection\.injectedAnnotations key "bad key!": must be an annotation key/],
    ['unknown default template', { policy: { defaultTemplates: ['sidecars'] } }, /test\/istiod: invalid injection\.defaultTemplates\[0\] "sidecars": must be one of the templates: "sidecar", "gateway"/],
    ['no default template', { policy: { defaultTemplates: [] } }, /test\/istiod: invalid injection\.defaultTemplates \[\]: must name at least one template/],
    ['template name', { policy: { templates: { My_Template: '{{ . }}' } } }, /test\/istiod: invalid injection\.templates key "My_Template": must be a template name/],
    ['empty template', { policy: { templates: { mine: '  ' } } }, /test\/istiod: invalid injection\.templates\.mine " {2}": must be non-empty Go template text/],
  ];
  test.each(cases)('%s', (_name, overrides, message) => {
    expect(() => renderInjectorData(scoped(overrides.version ?? V130, overrides))).toThrow(message);
  });

  test('without a scope the error names "injector"', () => {
    expect(() => renderInjectorData(defaultInjectorInput(V130, { proxy: { statusPort: 15021 } })))
      .toThrow(/^injector: invalid proxy\.statusPort 15021: must not be one of the proxy's own ports/);
  });
});
