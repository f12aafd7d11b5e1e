import { Chart } from 'cdk8s';
import { WasmPlugin, WasmPluginProps } from '../../src/extensions';
import { Istiod } from '../../src/istiod/istiod';
import { IIstiod } from '../../src/istiod/istiod-ref';
import { IstioVersion } from '../../src/version';
import { expectExampleInDocs, expectExampleInSync, expectIstioError } from '../security/l2-support';
import { findOne, newChart, synthValid } from '../support/synth';

const RELEASES: Array<[string, IstioVersion]> = [['1.30.3', IstioVersion.V1_30_3], ['1.20.3', IstioVersion.V1_20_3]];
const API_VERSION = 'extensions.istio.io/v1alpha1';
const SHA = '1ef0c9a92b0420cf25f7fe5d481b231464bc88f486ca3b9c83ed5cc21d2f6210';

function mesh(version: IstioVersion): { chart: Chart; istiod: IIstiod } {
  const chart = newChart('apps');
  return { chart, istiod: Istiod.fromAttributes(chart, 'mesh', { version }) };
}

type Spec = WasmPluginProps['spec'];

describe.each(RELEASES)('WasmPlugin on Istio %s', (_tag, version) => {
  const make = (spec: Partial<Spec>) => {
    const { chart, istiod } = mesh(version);
    return () => new WasmPlugin(chart, 'wasm', { namespace: { istiod, name: 'bookinfo' }, spec: { url: 'oci://ghcr.io/org/plugin:1.0', ...spec } });
  };

  test('the class example runs as written: basic auth at the ingress gateway', () => {
    const { chart, istiod } = mesh(version);
    // example:start
    // basic auth at the ingress gateway, before Istio's authentication filters
    new WasmPlugin(chart, 'basic-auth', {
      namespace: { istiod, name: istiod.rootNamespace },
      spec: {
        selector: { matchLabels: { istio: 'ingressgateway' } },
        url: 'oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0',
        phase: 'AUTHN',
        pluginConfig: {
          basic_auth_rules: [{ prefix: '/productpage', request_methods: ['GET', 'POST'], credentials: ['ok:test'] }],
        },
      },
    });
    // example:end
    expect(findOne(synthValid(chart), 'WasmPlugin', 'basic-auth', 'istio-system').apiVersion).toBe(API_VERSION);
    expectExampleInSync('src/extensions/wasm-plugin.ts', 'WasmPlugin', 'test/extensions/wasm-plugin.test.ts');
    expectExampleInDocs('src/extensions/wasm-plugin.ts', 'WasmPlugin');
  });

  // Istio task "Distributing WebAssembly Modules" (extensibility/wasm-module-distribution): the basic_auth plugin of
  // istio-ecosystem at the ingress gateway, with its rules and credentials as plugin configuration.
  test('Wasm module distribution task: rendered as Istio writes it', () => {
    const { chart, istiod } = mesh(version);
    const spec: Spec = {
      selector: { matchLabels: { istio: 'ingressgateway' } },
      url: 'oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0',
      phase: 'AUTHN',
      pluginConfig: { basic_auth_rules: [{ prefix: '/productpage', request_methods: ['GET', 'POST'], credentials: ['ok:test', 'YWRtaW4zOmFkbWluMw=='] }] },
    };
    const plugin = new WasmPlugin(chart, 'basic-auth', { namespace: { istiod, name: 'istio-system' }, spec });
    expect(findOne(synthValid(chart), 'WasmPlugin', 'basic-auth', 'istio-system')).toEqual({
      apiVersion: API_VERSION, kind: 'WasmPlugin', metadata: { name: 'basic-auth', namespace: 'istio-system' }, spec,
    });
    expect([plugin.source, plugin.apiVersion]).toEqual(['oci', API_VERSION]);
  });

  // The example of Istio's WasmPlugin reference (istio.io, "Wasm Plugin"): an OpenID Connect filter from a file on the
  // proxy, pinned by its digest.
  test('WasmPlugin reference example: a module file pinned by sha256', () => {
    const { chart, istiod } = mesh(version);
    const spec: Spec = {
      selector: { matchLabels: { istio: 'ingressgateway' } },
      url: 'file:///opt/filters/openid.wasm', sha256: SHA, phase: 'AUTHN',
      pluginConfig: { openid_server: 'authn', openid_realm: 'ingress' },
    };
    const p = new WasmPlugin(chart, 'openid-connect', { namespace: { istiod, name: 'istio-ingress' }, spec });
    expect(findOne(synthValid(chart), 'WasmPlugin', 'openid-connect', 'istio-ingress').spec).toEqual(spec);
    expect(p.source).toBe('file');
  });

  test('every other field: priority, pull policy and Secret, fail strategy, env, match, type', () => {
    const spec: Spec = {
      url: 'https://plugins.example.com:8443/stats.wasm', priority: -10, imagePullPolicy: 'Always', imagePullSecret: 'registry-creds',
      failStrategy: 'FAIL_OPEN', pluginName: 'stats', type: 'HTTP', phase: 'STATS', verificationKey: 'k',
      vmConfig: { env: [{ name: 'POD_NAME', valueFrom: 'HOST' }, { name: 'MODE', value: 'strict' }, { name: 'LEVEL', valueFrom: 'INLINE', value: '2' }] },
      match: [{ mode: 'SERVER', ports: [{ number: 8080 }, { number: 1 }, { number: 65535 }] }],
    };
    const p = make(spec)();
    expect([p.spec, p.source]).toEqual([spec, 'https']);
  });

  test.each([
    ['ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0', 'oci'],
    ['oci://registry.local:5000/plugin@sha256:' + SHA, 'oci'],
    ['http://10.0.0.1/plugin.wasm', 'http'],
    ['OCI://ghcr.io/org/plugin', 'oci'],
    ['oci://[fd00::1]:5000/plugin', 'oci'],
  ])('url %s is accepted (%s)', (url, source) => {
    expect(make({ url })().source).toBe(source);
  });

  describe('webhook rules', () => {
    test.each([
      ['ftp://example.com/plugin.wasm', 'must use scheme oci, http, https or file (Istio refuses "ftp")'],
      ['localhost:5000/plugin:1.0', 'write a registry with a port as "oci://localhost:5000/plugin:1.0"'],
      ['registry.local:5000/plugin', 'Istio refuses "registry.local"'],
      ['oci:///plugin', 'must name a host after "oci://"'],
      ['https://example.com:99999/p.wasm', 'must have a port from 1 to 65535'],
      ['file://plugin.wasm', 'must be file:///<absolute path'],
      ['/opt/plugin.wasm', 'or an image reference starting with a registry host'],
      ['oci://ghcr.io/org/my plugin', 'without spaces'],
      ['', 'must have at least 1 characters'],
    ])('url %j is refused', (url, message) => {
      expectIstioError(make({ url }), { path: 'apps/wasm', field: 'spec.url', value: JSON.stringify(url), message });
    });

    test('url is required', () => {
      const { chart, istiod } = mesh(version);
      expectIstioError(() => new WasmPlugin(chart, 'wasm', { namespace: { istiod, name: 'bookinfo' }, spec: {} as Spec }), {
        path: 'apps/wasm', field: 'spec.url', value: '(undefined)', message: 'is required in WasmPlugin extensions.istio.io/v1alpha1',
      });
    });

    test.each([[SHA.toUpperCase()], [SHA.slice(1)], ['sha256:' + SHA]])('sha256 %s is refused (64 lower-case hex digits)', (sha256) => {
      expectIstioError(make({ sha256 }), { path: 'apps/wasm', field: 'spec.sha256', value: JSON.stringify(sha256), message: '64 lower-case hex digits' });
    });

    test('phase, pull policy and priority', () => {
      expectIstioError(make({ phase: 'AUTHENTICATION' as 'AUTHN' }), {
        path: 'apps/wasm', field: 'spec.phase', value: '"AUTHENTICATION"', message: 'must be one of "UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS"',
      });
      expectIstioError(make({ imagePullPolicy: 'Never' as 'Always' }), {
        path: 'apps/wasm', field: 'spec.imagePullPolicy', value: '"Never"', message: 'must be one of "UNSPECIFIED_POLICY", "IfNotPresent", "Always"',
      });
      expectIstioError(make({ priority: 2 ** 31 }), {
        path: 'apps/wasm', field: 'spec.priority', value: '2147483648', message: /int32|at most 2147483647/,
      });
      expectIstioError(make({ priority: 1.5 }), { path: 'apps/wasm', field: 'spec.priority', value: '1.5', message: 'must be an integer' });
      expectIstioError(make({ imagePullSecret: 'Registry_Creds' }), {
        path: 'apps/wasm', field: 'spec.imagePullSecret', value: '"Registry_Creds"', message: 'must be the name of a Secret',
      });
    });

    test('pluginConfig is free JSON: nested objects kept, non-JSON values refused', () => {
      const pluginConfig = { a: { b: [1, 'two', true, { c: 3.5 }] } };
      expect(make({ pluginConfig })().spec.pluginConfig).toEqual(pluginConfig);
      expectIstioError(make({ pluginConfig: { when: new Date(0) } as unknown as Spec['pluginConfig'] }), {
        path: 'apps/wasm', field: 'spec.pluginConfig.when', value: '"Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)"', message: 'must be JSON data',
      });
    });

    test('vmConfig env: unique names, a value only for INLINE entries', () => {
      expectIstioError(make({ vmConfig: { env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] } }), {
        path: 'apps/wasm', field: 'spec.vmConfig.env[1].name', value: '"A"', message: 'must be unique',
      });
      expectIstioError(make({ vmConfig: { env: [{ name: 'POD_NAME', valueFrom: 'HOST', value: 'x' }] } }), {
        path: 'apps/wasm', field: 'spec.vmConfig.env[0].value', value: '"x"', message: 'must be left out with valueFrom HOST',
      });
      expectIstioError(make({ vmConfig: { env: [{ name: '' }] } }), {
        path: 'apps/wasm', field: 'spec.vmConfig.env[0].name', value: '""', message: /must name the environment variable|at least 1 character/,
      });
    });

    test('match ports 1-65535', () => {
      expectIstioError(make({ match: [{ ports: [{ number: 0 }] }] }), {
        path: 'apps/wasm', field: 'spec.match[0].ports[0].number', value: '0', message: /at least 1|from 1 to 65535/,
      });
      expectIstioError(make({ match: [{ ports: [{ number: 80 }, { number: 65536 }] }] }), {
        path: 'apps/wasm', field: 'spec.match[0].ports[1].number', value: '65536', message: /at most 65535|from 1 to 65535/,
      });
    });

    test('selector and targetRef are exclusive; target references', () => {
      expectIstioError(make({ selector: { matchLabels: { app: 'a' } }, targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' } }), {
        path: 'apps/wasm', field: 'spec', value: '"selector, targetRef"', message: 'must set only one of `selector`, `targetRef` or `targetRefs`',
      });
      expectIstioError(make({ targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r' } }), {
        path: 'apps/wasm', field: 'spec.targetRef', value: '"gateway.networking.k8s.io/HTTPRoute"', message: `on Istio ${version.tag}`,
      });
      expect(make({ targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' } })().spec.targetRef!.name).toBe('gw');
    });
  });
});

describe('WasmPlugin: what differs between releases', () => {
  const on = (version: IstioVersion, spec: Partial<Spec>) => {
    const { chart, istiod } = mesh(version);
    return () => new WasmPlugin(chart, 'wasm', { namespace: { istiod, name: 'bookinfo' }, spec: { url: 'oci://ghcr.io/org/plugin:1.0', ...spec } });
  };

  test('targetRefs (and a Service target): 1.30 has them, 1.20 refuses them with the reason', () => {
    const spec: Partial<Spec> = { targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }, { kind: 'ServiceEntry', group: 'networking.istio.io', name: 'ext' }] };
    expect(on(IstioVersion.V1_30_3, spec)().spec.targetRefs).toEqual(spec.targetRefs);
    expectIstioError(on(IstioVersion.V1_20_3, spec), {
      path: 'apps/wasm', field: 'spec.targetRefs', value: '"(unknown key)"', message: 'of WasmPlugin extensions.istio.io/v1alpha1 of Istio 1.20.3 (Istio 1.30 has it: it needs a newer release)',
    });
    expectIstioError(on(IstioVersion.V1_30_3, { selector: { matchLabels: { app: 'a' } }, targetRefs: [{ kind: 'Service', name: 'a' }] }), {
      path: 'apps/wasm', field: 'spec', value: '"selector, targetRefs"', message: 'must set only one of',
    });
    expectIstioError(on(IstioVersion.V1_30_3, { targetRefs: [{ kind: 'Service', name: 'a', namespace: 'other' }] }), {
      path: 'apps/wasm', field: 'spec.targetRefs[0].namespace', value: '"other"', message: 'cross-namespace',
    });
  });
});
