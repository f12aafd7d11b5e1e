import { Chart } from 'cdk8s';
import { WasmPlugin } from '../../src/extensions';
import { BackendService } from '../../src/gateway-api/refs';
import { KubernetesGateway } from '../../src/gateway-api/kubernetes-gateway';
import { Waypoint } from '../../src/gateway-api/waypoint';
import { Istiod } from '../../src/istiod/istiod';
import { IIstiod } from '../../src/istiod/istiod-ref';
import { ServiceEntry } from '../../src/networking/service-entry';
import { policyTargetRef, RequestAuthentication } from '../../src/security';
import { Telemetry } from '../../src/telemetry';
import { IstioVersion } from '../../src/version';
import { findOne, newChart, synthValid } from '../support/synth';
import { expectExampleInDocs, expectExampleInSync, expectIstioError } from './l2-support';

function mesh(version: IstioVersion): { chart: Chart; istiod: IIstiod } {
  const chart = newChart('apps');
  return { chart, istiod: Istiod.fromAttributes(chart, 'mesh', { version }) };
}

describe.each([['1.30.3', IstioVersion.V1_30_3], ['1.20.3', IstioVersion.V1_20_3]])('policyTargetRef on Istio %s', (_tag, version) => {
  test('the example runs as written: a RequestAuthentication on a Kubernetes Gateway of its namespace', () => {
    const { chart, istiod } = mesh(version);
    // example:start
    const gw = new KubernetesGateway(chart, 'web', { namespace: { istiod, name: 'shop' }, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] });
    new RequestAuthentication(chart, 'jwt', {
      namespace: { istiod, name: 'shop' },
      spec: { targetRef: policyTargetRef(gw), jwtRules: [{ issuer: 'https://accounts.example.com' }] },
    });
    // example:end
    expect(findOne(synthValid(chart), 'RequestAuthentication', 'jwt', 'shop').spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'web' });
    expectExampleInSync('src/security/policy-target-ref.ts', 'policyTargetRef', 'test/security/policy-target-ref.test.ts');
    expectExampleInDocs('src/security/policy-target-ref.ts', 'policyTargetRef');
  });

  test('a Gateway of another namespace is refused, naming it and the policy\'s namespace', () => {
    const { chart, istiod } = mesh(version);
    const gw = new KubernetesGateway(chart, 'web', { namespace: { istiod, name: 'ingress' }, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] });
    expectIstioError(() => new WasmPlugin(chart, 'wasm', { namespace: { istiod, name: 'shop' }, spec: { url: 'oci://ghcr.io/org/p:1', targetRef: policyTargetRef(gw) } }), {
      path: 'apps/wasm', field: 'spec.targetRef', value: '"Gateway ingress/web"', message: 'must name a Gateway of the policy\'s namespace shop',
    });
  });

  test('one listener is not a policy target; neither is something else', () => {
    const { chart, istiod } = mesh(version);
    const gw = new KubernetesGateway(chart, 'web', { namespace: { istiod, name: 'shop' }, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] });
    expectIstioError(() => policyTargetRef(gw.listener('http')), {
      path: 'policyTargetRef', field: 'target', value: '"Gateway web http"', message: 'must be a whole Gateway',
    });
    expectIstioError(() => policyTargetRef({ kind: 'Sidecar' } as never), {
      path: 'policyTargetRef', field: 'target', value: '"Sidecar"', message: 'must be a KubernetesGateway, a Waypoint, a BackendService or a ServiceEntry',
    });
  });
});

describe('policyTargetRef: waypoint, Service and ServiceEntry targets (1.30)', () => {
  test('a waypoint as the target of a Telemetry', () => {
    const { chart, istiod } = mesh(IstioVersion.V1_30_3);
    const wp = new Waypoint(chart, 'waypoint', { namespace: { istiod, name: 'shop' } });
    const tel = new Telemetry(chart, 'tel', { namespace: { istiod, name: 'shop' }, spec: { targetRef: policyTargetRef(wp), accessLogging: [{ providers: [{ name: 'envoy' }] }] } });
    expect(tel.spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' });
  });


  test('a Service and a ServiceEntry of the namespace as targetRefs of a WasmPlugin; refused on 1.20 with the kinds it takes', () => {
    const { chart, istiod } = mesh(IstioVersion.V1_30_3);
    const se = new ServiceEntry(chart, 'ext', { namespace: { istiod, name: 'shop' }, spec: { hosts: ['api.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' } });
    const svc = BackendService.fromName('reviews', { port: 9080, namespace: 'shop' });
    const p = new WasmPlugin(chart, 'wasm', { namespace: { istiod, name: 'shop' }, spec: { url: 'oci://ghcr.io/org/p:1', targetRefs: [policyTargetRef(svc), policyTargetRef(se)] } });
    expect(p.spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: 'reviews' }, { group: 'networking.istio.io', kind: 'ServiceEntry', name: 'ext' }]);
    expectIstioError(() => new Telemetry(chart, 'tel', { namespace: { istiod, name: 'other' }, spec: { targetRef: policyTargetRef(se) } }), {
      path: 'apps/tel', field: 'spec.targetRef', value: '"ServiceEntry shop/ext"', message: 'put the policy in shop',
    });
    const old = mesh(IstioVersion.V1_20_3);
    expectIstioError(() => new RequestAuthentication(old.chart, 'ra', { namespace: { istiod: old.istiod, name: 'shop' }, spec: { targetRef: policyTargetRef(svc) } }), {
      path: 'apps/ra', field: 'spec.targetRef', value: '"/Service"', message: 'must reference one of Gateway (group "gateway.networking.k8s.io") on Istio 1.20.3',
    });
  });
});
