/**
 * The template engine itself: Go is there and Istio's injector builds, errors surface with Istio's own message,
 * the template data and function map are istiod's (1.20 runs check the 1.20 template-data contract), and istiod's
 * template functions behave as the templates expect.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { injectionTemplatesDir, renderInjectorData } from '../../src/istiod/injector';
import { IstioVersion } from '../../src/version';
import { checkToolchain, defaultInjectorInput, injectorPath, renderInjection, renderTemplateText } from './harness';

const V130 = IstioVersion.V1_30_3;
const V120 = IstioVersion.V1_20_3;
const pod = { metadata: { name: 'hello' }, spec: { containers: [{ name: 'hello', image: 'nginx' }] } };

/** Runs a one-off template on 1.30 data with the given pod annotations. */
function run(text: string, annotations: Record<string, string> = {}, version = V130): string {
  return renderTemplateText({ version, pod: { metadata: { name: 'hello', annotations }, spec: pod.spec } }, text);
}

test('Go is installed and Istio\'s injector builds', () => {
  const bin = injectorPath();
  expect(fs.existsSync(bin)).toBe(true);
  expect(run('{{ "ok" | upper }}')).toBe('OK');
});

test('without Go the tests fail with a message naming what to install', () => {
  expect(() => checkToolchain({ ...process.env, PATH: '/nonexistent' }))
    .toThrow(/^Go is required to run the injection tests \(they run Istio's own injector, built from test\/conformance\/istio-1\.30\) .*Install Go 1\.26 or newer \(Debian: golang-go; \.ci\/run does this\)/);
});

test('the injector is built once per source hash, into the OS temp dir', () => {
  const bin = injectorPath();
  expect(path.dirname(bin).startsWith(path.join(os.tmpdir(), 'cdk8s-istio-inject-'))).toBe(true);
  expect(path.basename(path.dirname(bin))).toMatch(/^cdk8s-istio-inject-[0-9a-f]{16}$/);
  expect(injectorPath()).toBe(bin);
});

describe("errors carry Istio's message", () => {
  test('a parse error in a template fails the render', () => {
    expect(() => renderInjection({ version: V130, pod, templateText: 'metadata:\n  labels: {{ nope .ObjectMeta }}\n' }))
      .toThrow('template: inject:2: function "nope" not defined');
  });

  test('an execution error fails the render', () => {
    expect(() => renderInjection({ version: V130, pod, templateText: 'spec: {{ .Spec.Nope }}' }))
      .toThrow(/^failed to run injection template: template: inject:1:\d+: executing "inject" at <\.Spec\.Nope>: can't evaluate field Nope in type v1\.PodSpec$/);
  });

  test('a broken copy of the sidecar template fails with the line of the break', () => {
    const text = fs.readFileSync(path.join(injectionTemplatesDir(), 'sidecar.tpl'), 'utf8').replace('{{- if $iptables }}', '{{- if $iptables }}{{ if }}');
    expect(() => renderInjection({ version: V130, pod, templateText: text })).toThrow(/^template: inject:\d+: missing value for if$/);
  });

  test('output that is not YAML fails the render', () => {
    expect(() => renderInjection({ version: V130, pod, templateText: 'spec:\n  containers: [\n' }))
      .toThrow(/^failed to run injection template: failed applying injection overlay: strategic merge: invalid JSON document$/);
  });

  test('the legacy `template` sentinel fails to parse in any istiod', () => {
    const sentinel = parse(renderInjectorData(defaultInjectorInput(V120)).config).template;
    expect(() => run(sentinel)).toThrow(/function "cdk8sIstioNeedsAnIstiodThatReadsTheTemplatesMap" not defined/);
  });
});

// The 1.20 cases run through the 1.30-line injector (Istio's 1.20 code is not available here); what 1.20's istiod
// lacks is enforced by its template-data contract (IstioVersion.templateData), checked before every 1.20 run.
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
    expect(() => renderTemplateText({ version: V120 }, '{{ .CompliancePolicy }}')).toThrow(/field \.CompliancePolicy \(at \d+\) is not in this release's template data/);
  });

  test('the data carries what istiod passes', () => {
    const text = (fields130: boolean) => '{{ .TypeMeta.Kind }}|{{ .DeploymentMeta.Name }}|{{ .ObjectMeta.Name }}|{{ (index .Spec.Containers 0).Name }}|'
      + `{{ .Revision }}|${fields130 ? '{{ .NativeSidecars }}|' : ''}{{ .ProxyImage }}|{{ .ProxyUID }}|{{ .ProxyGID }}|`
      + `${fields130 ? '{{ .InboundTrafficPolicyMode }}|' : ''}{{ .MeshConfig.TrustDomain }}|{{ .ProxyConfig.InterceptionMode.String }}|`
      + '{{ .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue }}|{{ .Values.global.tag }}';
    const opts = { input: { revision: 'canary' }, workload: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'web' } };
    expect(renderTemplateText({ version: V130, ...opts }, text(true)))
      .toBe('Deployment|web|pod|app|canary|true|docker.io/istio/proxyv2:1.30.3|1337|1337|passthrough|cluster.local|REDIRECT|false|1.30.3');
    expect(renderTemplateText({ version: V120, ...opts }, text(false)))
      .toBe('Deployment|web|pod|app|canary|docker.io/istio/proxyv2:1.20.3|1337|1337|cluster.local|REDIRECT|false|1.20.3');
    // 1.20's template data has neither .NativeSidecars nor .InboundTrafficPolicyMode
    expect(() => renderTemplateText({ version: V120, ...opts }, text(true)))
      .toThrow(/field \.InboundTrafficPolicyMode \(at \d+\) is not in this release's template data; .*field \.NativeSidecars \(at \d+\) is not in this release's template data/);
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
    // the Go type marshals `resources` even when empty
    expect(run('{{ structToJSON (index .Spec.Containers 0) }}')).toBe('{"name":"hello","image":"nginx","resources":{}}');
    expect(run('{{ structToJSON .Values.nothing }}|{{ fromJSON "not json" }}|{{ (fromJSON `{"a":1}`).a }}')).toBe('{}|{}|1');
  });

  test('toYaml prints block YAML (sigs.k8s.io/yaml)', () => {
    const out = run('{{ toYaml (fromJSON `{"b":{"items":[{"key":"k","path":"p"}],"name":"cm"},"a":"true","c":[],"d":{},"e":5,"f":"x: y"}`) }}');
    expect(out).toBe('a: "true"\nb:\n  items:\n  - key: k\n    path: p\n  name: cm\nc: []\nd: {}\ne: 5\nf: \'x: y\'\n');
    expect(parse(out)).toEqual({ a: 'true', b: { items: [{ key: 'k', path: 'p' }], name: 'cm' }, c: [], d: {}, e: 5, f: 'x: y' });
  });

  test('protoToJSON prints the proxy config without what equals the mesh defaults', () => {
    expect(JSON.parse(run('{{ protoToJSON .ProxyConfig }}'))).toEqual({});
    const meshConfig = { defaultConfig: { discoveryAddress: 'istiod-canary.istio-system.svc:15012', proxyMetadata: { FOO: 'bar' } } };
    expect(JSON.parse(renderTemplateText({ version: V130, meshConfig }, '{{ protoToJSON .ProxyConfig }}')))
      .toEqual({ discoveryAddress: 'istiod-canary.istio-system.svc:15012', proxyMetadata: { FOO: 'bar' } });
  });

  test('appendMultusNetwork (comma and JSON forms)', () => {
    expect(run('{{ appendMultusNetwork "" "istio-cni" }}|{{ appendMultusNetwork "a, istio-cni" "istio-cni" }}|{{ appendMultusNetwork "a" "istio-cni" }}'))
      .toBe('istio-cni|a, istio-cni|a, istio-cni');
    expect(run('{{ appendMultusNetwork `[{"name":"a"}]` "istio-cni" }}')).toBe('[{"name":"a"}, {"name": "istio-cni"}]');
  });

  test('otelResourceAttributes (1.30) is empty unless an OpenTelemetry provider asks for semantic conventions', () => {
    const text = '{{ otelResourceAttributes .MeshConfig .ObjectMeta.Annotations .ObjectMeta.Labels "shop" .Spec.Containers }}';
    expect(run(text)).toBe('');
    const withProvider = (opentelemetry: Record<string, unknown>) => renderTemplateText({
      version: V130,
      meshConfig: { extensionProviders: [{ name: 'otel', opentelemetry: { service: 'collector.otel', port: 4317, ...opentelemetry } }] },
      pod: { metadata: { name: 'p', labels: { app: 'cart' }, annotations: { 'resource.opentelemetry.io/service.version': '2' } }, spec: pod.spec },
    }, text);
    expect(withProvider({})).toBe('');
    expect(withProvider({ serviceAttributeEnrichment: 'OTEL_SEMANTIC_CONVENTIONS' }))
      .toBe('service.namespace=shop,service.version=2,service.instance.id=shop.$(POD_NAME).hello');
  });

  test('sprig functions remain available (dig, trunc, default, list, join)', () => {
    expect(run('{{ dig "global" "proxy" "statusPort" 0 .Values }} {{ trunc 3 "abcdef" }} {{ "" | default "x" }} {{ list "a" "b" | join "," }}'))
      .toBe('15020 abc x a,b');
  });
});
