import { Chart } from 'cdk8s';
import { Istiod } from '../../src/istiod/istiod';
import { IIstiod } from '../../src/istiod/istiod-ref';
import { PeerAuthentication, PeerAuthenticationProps } from '../../src/security';
import { IstioVersion } from '../../src/version';
import { findOne, newChart, synthValid } from '../support/synth';
import { expectExampleInDocs, expectExampleInSync, expectIstioError } from './l2-support';

const RELEASES: Array<[string, IstioVersion, string]> = [
  ['1.30.3', IstioVersion.V1_30_3, 'security.istio.io/v1'],
  ['1.20.3', IstioVersion.V1_20_3, 'security.istio.io/v1beta1'],
];

function mesh(version: IstioVersion, rootNamespace?: string): { chart: Chart; istiod: IIstiod } {
  const chart = newChart('apps');
  return { chart, istiod: Istiod.fromAttributes(chart, 'mesh', { version, rootNamespace }) };
}

describe.each(RELEASES)('PeerAuthentication on Istio %s', (_tag, version, apiVersion) => {
  test('the class example runs as written: mesh-wide STRICT in the root namespace, a workload with a port exception', () => {
    const { chart, istiod } = mesh(version);
    // example:start
    // mesh-wide STRICT mTLS, in the root namespace
    new PeerAuthentication(chart, 'mesh-mtls', {
      namespace: { istiod, name: istiod.rootNamespace },
      name: 'default',
      spec: { mtls: { mode: 'STRICT' } },
    });
    // the httpbin workloads of namespace bar: STRICT, but plain text on port 8080
    new PeerAuthentication(chart, 'httpbin-mtls', {
      namespace: { istiod, name: 'bar' },
      name: 'httpbin',
      spec: {
        selector: { matchLabels: { app: 'httpbin' } },
        mtls: { mode: 'STRICT' },
        portLevelMtls: { 8080: { mode: 'DISABLE' } },
      },
    });
    // example:end
    const objs = synthValid(chart);
    expect(objs).toHaveLength(2);
    expectExampleInSync('src/security/peer-authentication.ts', 'PeerAuthentication', 'test/security/peer-authentication.test.ts');
    expectExampleInDocs('src/security/peer-authentication.ts', 'PeerAuthentication');
  });

  // Istio task "Mutual TLS Migration" (security/authentication/mtls-migration): lock the whole mesh to STRICT with
  // the policy named default in istio-system, after namespace foo was locked down on its own.
  test('mTLS migration task: namespace foo, then the mesh, STRICT; rendered as Istio writes it', () => {
    const { chart, istiod } = mesh(version);
    const foo = new PeerAuthentication(chart, 'foo', { namespace: { istiod, name: 'foo' }, name: 'default', spec: { mtls: { mode: 'STRICT' } } });
    const meshWide = new PeerAuthentication(chart, 'mesh-wide', {
      namespace: { istiod, name: istiod.rootNamespace }, name: 'default', spec: { mtls: { mode: 'STRICT' } },
    });
    const objs = synthValid(chart);
    expect(findOne(objs, 'PeerAuthentication', 'default', 'istio-system')).toEqual({
      apiVersion, kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: { mtls: { mode: 'STRICT' } },
    });
    expect(findOne(objs, 'PeerAuthentication', 'default', 'foo').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect([meshWide.appliesTo, foo.appliesTo, meshWide.mode, meshWide.apiVersion]).toEqual(['mesh', 'namespace', 'STRICT', apiVersion]);
  });

  // Istio task "Authentication Policy" (security/authentication/authn-policy), "Workload-wide policy": STRICT for
  // httpbin in bar with port 8080 left in plain text; a control plane with its own root namespace.
  test('authentication policy task: workload policy with port-level mTLS, root namespace of the mesh', () => {
    const { chart, istiod } = mesh(version, 'istio-config');
    const pa = new PeerAuthentication(chart, 'httpbin', {
      namespace: { istiod, name: 'bar' },
      labels: { team: 'web' },
      spec: { selector: { matchLabels: { app: 'httpbin' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } },
    });
    const root = new PeerAuthentication(chart, 'root', { namespace: { istiod, name: istiod.rootNamespace }, spec: { mtls: { mode: 'PERMISSIVE' } } });
    expect(findOne(synthValid(chart), 'PeerAuthentication', 'httpbin', 'bar')).toEqual({
      apiVersion, kind: 'PeerAuthentication',
      metadata: { name: 'httpbin', namespace: 'bar', labels: { team: 'web' } },
      spec: { selector: { matchLabels: { app: 'httpbin' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } },
    });
    expect([pa.appliesTo, root.namespace, root.appliesTo, new PeerAuthentication(chart, 'unset', { namespace: { istiod, name: 'bar' }, spec: {} }).mode])
      .toEqual(['workload', 'istio-config', 'mesh', 'UNSET']);
  });

  describe('webhook rules', () => {
    const make = (props: Partial<PeerAuthenticationProps> & Pick<PeerAuthenticationProps, 'spec'>, ns = 'bar') => {
      const { chart, istiod } = mesh(version);
      return () => new PeerAuthentication(chart, 'pa', { namespace: { istiod, name: ns === 'root' ? istiod.rootNamespace : ns }, ...props });
    };

    test('portLevelMtls without a selector is refused on a namespace and on the mesh-wide policy', () => {
      expectIstioError(make({ spec: { mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } } }), {
        path: 'apps/pa', field: 'spec.portLevelMtls', value: '"8080"', message: 'needs spec.selector.matchLabels: Istio refuses port-level mTLS on the namespace-wide policy of bar',
      });
      expectIstioError(make({ spec: { portLevelMtls: { 9080: { mode: 'PERMISSIVE' } } } }, 'root'), {
        path: 'apps/pa', field: 'spec.portLevelMtls', value: '"9080"', message: 'on the mesh-wide policy (root namespace, no selector)',
      });
    });

    test('an empty portLevelMtls map is refused', () => {
      expectIstioError(make({ spec: { selector: { matchLabels: { app: 'a' } }, portLevelMtls: {} } }), {
        path: 'apps/pa', field: 'spec.portLevelMtls', value: '{}', message: 'must list at least one port when given',
      });
    });

    test.each([['0'], ['65536'], ['http'], ['-1']])('port %s is refused (1-65535)', (port) => {
      expectIstioError(make({ spec: { selector: { matchLabels: { app: 'a' } }, portLevelMtls: { [port]: { mode: 'DISABLE' } } } }), {
        path: 'apps/pa', field: `spec.portLevelMtls.${port}`, value: JSON.stringify(port), message: 'must be a port number from 1 to 65535',
      });
    });

    test('ports 1 and 65535 are accepted', () => {
      const pa = make({ spec: { selector: { matchLabels: { app: 'a' } }, portLevelMtls: { 1: { mode: 'STRICT' }, 65535: { mode: 'PERMISSIVE' } } } })();
      expect(Object.keys(pa.spec.portLevelMtls!)).toEqual(['1', '65535']);
    });

    test('selector: labels required, no wildcard, valid label keys and values', () => {
      expectIstioError(make({ spec: { selector: { matchLabels: {} } } }), {
        path: 'apps/pa', field: 'spec.selector.matchLabels', value: '{}', message: 'must name at least one label',
      });
      expectIstioError(make({ spec: { selector: {} } }), {
        path: 'apps/pa', field: 'spec.selector.matchLabels', value: '(undefined)', message: 'leave `selector` out',
      });
      expectIstioError(make({ spec: { selector: { matchLabels: { app: 'http*' } } } }), {
        path: 'apps/pa', field: 'spec.selector.matchLabels.app', value: '"http*"', message: 'must not contain "*"',
      });
      expectIstioError(make({ spec: { selector: { matchLabels: { '': 'x' } } } }), {
        path: 'apps/pa', field: 'spec.selector.matchLabels', value: '"=x"', message: 'must not have an empty label key',
      });
      expectIstioError(make({ spec: { selector: { matchLabels: { app: 'a b' } } } }), {
        path: 'apps/pa', field: 'spec.selector.matchLabels.app', value: '"a b"', message: 'must be a label value',
      });
    });

    test('the schema: mode is one of Istio\'s, unknown keys are named with the nearest valid one', () => {
      expectIstioError(make({ spec: { mtls: { mode: 'strict' as 'STRICT' } } }), {
        path: 'apps/pa', field: 'spec.mtls.mode', value: '"strict"', message: 'must be one of "UNSET", "DISABLE", "PERMISSIVE", "STRICT"',
      });
      expectIstioError(make({ spec: { portLevelMTLS: { 8080: { mode: 'DISABLE' } } } as PeerAuthenticationProps['spec'] }), {
        path: 'apps/pa', field: 'spec.portLevelMTLS', value: '"(unknown key)"', message: 'did you mean `portLevelMtls`?',
      });
    });
  });
});
