/**
 * The template engine itself: Go is there, errors surface with text/template's own message, the function map
 * and template data differ per Istio release as in istiod, and the emulated istiod functions behave as
 * documented (these are what make the template tests meaningful).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { injectionTemplatesDir, renderInjectorData } from '../../src/istiod/injector';
import { IstioVersion } from '../../src/version';
import { checkToolchain, defaultInjectorInput, harnessPath, renderInjection, renderTemplateText } from './harness';

const V130 = IstioVersion.V1_30_3;
const V120 = IstioVersion.V1_20_3;
const pod = { metadata: { name: 'hello' }, spec: { containers: [{ name: 'hello', image: 'nginx' }] } };

/** Runs a one-off template on 1.30 data with the given pod annotations. */
function run(text: string, annotations: Record<string, string> = {}, version = V130): string {
  return renderTemplateText({ version, pod: { metadata: { name: 'hello', annotations }, spec: pod.spec } }, text);
}

test('Go and sprig are installed and the harness builds', () => {
  const bin = harnessPath();
  expect(fs.existsSync(bin)).toBe(true);
  expect(run('{{ "ok" | upper }}')).toBe('OK');
});

test('without Go the tests fail with a message naming the packages', () => {
  expect(() => checkToolchain({ ...process.env, PATH: '/nonexistent' }))
    .toThrow(/^Go is required to run the injection-template tests .*Install the Debian packages golang-go and golang-github-masterminds-sprig-dev/);
});

test('without sprig the tests fail with a message naming the package', () => {
  expect(() => checkToolchain(undefined, '/nonexistent-gopath'))
    .toThrow(/^sprig is required .*\/nonexistent-gopath\/src\/github\.com\/Masterminds\/sprig is missing\. Install the Debian package golang-github-masterminds-sprig-dev/);
});

describe('errors carry the engine message', () => {
  test('a parse error in a template fails the render', () => {
    expect(() => renderInjection({ version: V130, pod, templateText: 'metadata:\n  labels: {{ nope .ObjectMeta }}\n' }))
      .toThrow('template: inject:2: function "nope" not defined');
  });

  test('an execution error fails the render', () => {
    expect(() => renderInjection({ version: V130, pod, templateText: 'spec: {{ .Spec.Nope }}' }))
      .toThrow(/^template: inject:1:\d+: executing "inject" at <\.Spec\.Nope>: can't evaluate field Nope in type main\.PodSpec$/);
  });

  test('a broken copy of the sidecar template fails with the line of the break', () => {
    const text = fs.readFileSync(path.join(injectionTemplatesDir(), 'sidecar.tpl'), 'utf8').replace('{{- if $iptables }}', '{{- if $iptables }}{{ if }}');
    expect(() => renderInjection({ version: V130, pod, templateText: text })).toThrow(/^template: inject:\d+: missing value for if$/);
  });

  test('output that is not YAML fails the render', () => {
    expect(() => renderInjection({ version: V130, pod, templateText: 'spec:\n  containers: [\n' })).toThrow(/Flow sequence|Missing|Unexpected|flow collection/i);
  });

  test('the legacy `template` sentinel fails to parse in any istiod', () => {
    const sentinel = parse(renderInjectorData(defaultInjectorInput(V120)).config).template;
    expect(() => run(sentinel)).toThrow(/function "cdk8sIstioNeedsAnIstiodThatReadsTheTemplatesMap" not defined/);
  });
});

describe('release-dependent template data and functions', () => {
  test('omitNil exists on 1.30 only', () => {
    expect(run('{{ omitNil (fromJSON `{"a":null,"b":[1,null]}`) | toJson }}')).toBe('{"b":[1]}');
    expect(() => run('{{ omitNil .Values }}', {}, V120)).toThrow('function "omitNil" not defined');
  });

  test('otelResourceAttributes exists on 1.30 only', () => {
    expect(() => run('{{ otelResourceAttributes .MeshConfig .ObjectMeta.Annotations .ObjectMeta.Labels "ns" .Spec.Containers }}', {}, V120))
      .toThrow('function "otelResourceAttributes" not defined');
  });

  test('.CompliancePolicy exists on 1.30 only (so the templates guard it)', () => {
    expect(renderTemplateText({ version: V130, compliancePolicy: 'fips-140-2' }, '{{ .CompliancePolicy }}')).toBe('fips-140-2');
    expect(() => renderTemplateText({ version: V120 }, '{{ .CompliancePolicy }}')).toThrow(/can't evaluate field CompliancePolicy/);
  });

  test('the data carries what istiod passes', () => {
    const text = '{{ .TypeMeta.Kind }}|{{ .DeploymentMeta.Name }}|{{ .ObjectMeta.Name }}|{{ (index .Spec.Containers 0).Name }}|'
      + '{{ .Revision }}|{{ .NativeSidecars }}|{{ .ProxyImage }}|{{ .ProxyUID }}|{{ .ProxyGID }}|{{ .InboundTrafficPolicyMode }}|'
      + '{{ .MeshConfig.TrustDomain }}|{{ .ProxyConfig.InterceptionMode.String }}|{{ .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue }}|'
      + '{{ .Values.global.tag }}';
    expect(renderTemplateText({ version: V120, input: { revision: 'canary' }, workload: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'web' } }, text))
      .toBe('Deployment|web|pod|app|canary|false|docker.io/istio/proxyv2:1.20.3|1337|1337|passthrough|cluster.local|REDIRECT|false|1.20.3');
  });
});

describe("istiod's functions over sprig", () => {
  test('annotation: present (even empty) wins, else the default printed', () => {
    expect(run('[{{ annotation .ObjectMeta "a" "d" }}][{{ annotation .ObjectMeta "e" "d" }}][{{ annotation .ObjectMeta "x" 15020 }}]', { a: 'v', e: '' }))
      .toBe('[v][][15020]');
  });

  test('isset', () => {
    expect(run('{{ isset .ObjectMeta.Annotations "a" }} {{ isset .ObjectMeta.Annotations "b" }}', { a: '' })).toBe('true false');
  });

  test('excludeInboundPort', () => {
    expect(run('{{ excludeInboundPort "15020" "" }}|{{ excludeInboundPort 15020 "80, ,15020" }}|{{ excludeInboundPort "0" "80" }}|{{ excludeInboundPort "9" " 80, 81 " }}'))
      .toBe('15020|80, ,15020|80|80,81,9');
  });

  test('valueOrDefault', () => {
    expect(run('{{ valueOrDefault "" "d" }} {{ valueOrDefault .Values.nothing "d" }} {{ valueOrDefault "v" "d" }}')).toBe('d d v');
  });

  test('indent pads every line but the first (sprig pads all)', () => {
    expect(run('{{ indent 2 "a\\nb\\nc" }}')).toBe('a\n  b\n  c');
  });

  test('contains(needle, haystack), toLower, directory', () => {
    expect(run('{{ contains "/" "a/b" }} {{ contains "/" "ab" }} {{ toLower "TPROXY" }} {{ directory "/etc/istio/proxy/envoy.json" }}'))
      .toBe('true false tproxy /etc/istio/proxy/');
  });

  test('structToJSON and fromJSON', () => {
    expect(run('{{ structToJSON (index .Spec.Containers 0) }}')).toBe('{"name":"hello","image":"nginx"}');
    expect(run('{{ structToJSON .Values.nothing }}|{{ fromJSON "not json" }}|{{ (fromJSON `{"a":1}`).a }}')).toBe('{}|{}|1');
  });

  test('toYaml prints block YAML like sigs.k8s.io/yaml', () => {
    const out = run('{{ toYaml (fromJSON `{"b":{"items":[{"key":"k","path":"p"}],"name":"cm"},"a":"true","c":[],"d":{},"e":5,"f":"x: y"}`) }}');
    expect(out).toBe('a: "true"\nb:\n  items:\n  - key: k\n    path: p\n  name: cm\nc: []\nd: {}\ne: 5\nf: "x: y"\n');
    expect(parse(out)).toEqual({ a: 'true', b: { items: [{ key: 'k', path: 'p' }], name: 'cm' }, c: [], d: {}, e: 5, f: 'x: y' });
  });

  test('protoToJSON prints the proxy config', () => {
    expect(JSON.parse(run('{{ protoToJSON .ProxyConfig }}'))).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012' });
  });

  test('appendMultusNetwork (comma and JSON forms)', () => {
    expect(run('{{ appendMultusNetwork "" "istio-cni" }}|{{ appendMultusNetwork "a, istio-cni" "istio-cni" }}|{{ appendMultusNetwork "a" "istio-cni" }}'))
      .toBe('istio-cni|a, istio-cni|a, istio-cni');
    expect(run('{{ appendMultusNetwork `[{"name":"a"}]` "istio-cni" }}')).toBe('[{"name":"a"}, {"name": "istio-cni"}]');
  });

  test('otelResourceAttributes (1.30) is empty unless an OpenTelemetry provider is configured', () => {
    const text = '{{ otelResourceAttributes .MeshConfig .ObjectMeta.Annotations .ObjectMeta.Labels "shop" .Spec.Containers }}';
    expect(run(text)).toBe('');
    const withProvider = renderTemplateText({
      version: V130,
      meshConfig: { extensionProviders: [{ name: 'otel', opentelemetry: { service: 'collector.otel', port: 4317 } }] },
      pod: { metadata: { name: 'p', labels: { app: 'cart' }, annotations: { 'resource.opentelemetry.io/service.version': '2' } }, spec: pod.spec },
    }, text);
    expect(withProvider).toBe('service.name=cart,service.namespace=shop,service.version=2');
  });

  test('sprig functions remain available (dig, trunc, default, list, join)', () => {
    expect(run('{{ dig "global" "proxy" "statusPort" 0 .Values }} {{ trunc 3 "abcdef" }} {{ "" | default "x" }} {{ list "a" "b" | join "," }}'))
      .toBe('15020 abc x a,b');
  });
});
