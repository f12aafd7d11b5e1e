import { Istiod } from '../../src/istiod';
import { AuthorizationPolicy } from '../../src/security/authorization-policy';
import { IstioVersion } from '../../src/version';
import { validationError } from '../support/errors';
import { newChart, synthValid } from '../support/synth';

const error = validationError;

describe.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('AuthorizationPolicy at Istio %s', (version) => {
  const setup = () => {
    const chart = newChart('mesh');
    const istiod = Istiod.fromAttributes(chart, 'cp', { version });
    return { chart, istiod, ns: { istiod, name: 'foo' } };
  };

  test('every action renders as written: ALLOW, DENY, AUDIT, CUSTOM with its provider', () => {
    const { chart, ns } = setup();
    // Istio's security tasks: "Authorization on ingress gateway" (DENY by remoteIpBlocks), "External authorization" (CUSTOM)
    new AuthorizationPolicy(chart, 'deny-ip', {
      namespace: ns,
      spec: { action: 'DENY', selector: { matchLabels: { app: 'httpbin' } }, rules: [{ from: [{ source: { remoteIpBlocks: ['1.2.3.4', '5.6.7.0/24'] } }] }] },
    });
    new AuthorizationPolicy(chart, 'ext-authz', {
      namespace: ns,
      spec: { action: 'CUSTOM', provider: { name: 'sample-ext-authz-grpc' }, selector: { matchLabels: { app: 'httpbin' } }, rules: [{ to: [{ operation: { paths: ['/headers'] } }] }] },
    });
    new AuthorizationPolicy(chart, 'audit', { namespace: ns, spec: { action: 'AUDIT', rules: [{ to: [{ operation: { methods: ['DELETE'] } }] }] } });
    new AuthorizationPolicy(chart, 'allow-nothing', { namespace: ns, spec: {} });
    const objs = synthValid(chart).filter((o) => o.kind === 'AuthorizationPolicy');
    expect(objs.map((o) => [o.metadata?.name, (o.spec as { action?: string }).action])).toEqual([
      ['deny-ip', 'DENY'], ['ext-authz', 'CUSTOM'], ['audit', 'AUDIT'], ['allow-nothing', undefined],
    ]);
    expect((objs[0].spec as { rules: unknown }).rules).toEqual([{ from: [{ source: { remoteIpBlocks: ['1.2.3.4', '5.6.7.0/24'] } }] }]);
    expect((objs[1].spec as { provider: unknown }).provider).toEqual({ name: 'sample-ext-authz-grpc' });
  });

  test('webhook rules refuse what Istio refuses', () => {
    const { chart, ns } = setup();
    const cases: Array<[object, string, string]> = [
      [{ action: 'CUSTOM', rules: [{}] }, 'spec.provider.name', 'required with action CUSTOM'],
      [{ action: 'DENY', provider: { name: 'x' } }, 'spec.provider', 'only allowed with action CUSTOM'],
      [{ rules: [{ from: [{ source: {} }] }] }, 'spec.rules[0].from[0].source', 'at least one field'],
      [{ rules: [{ from: [{ source: { ipBlocks: ['10.0.0.300'] } }] }] }, 'spec.rules[0].from[0].source.ipBlocks[0]', 'IP address or a CIDR'],
      [{ rules: [{ to: [{ operation: { ports: ['http'] } }] }] }, 'spec.rules[0].to[0].operation.ports[0]', 'port number'],
      [{ rules: [{ to: [{ operation: { paths: ['/a/*/b'] } }] }] }, 'spec.rules[0].to[0].operation.paths[0]', 'must start with'],
      [{ rules: [{ when: [{ key: 'source.color', values: ['x'] }] }] }, 'spec.rules[0].when[0].key', 'condition key'],
      [{ rules: [{ when: [{ key: 'source.ip', values: ['not-an-ip'] }] }] }, 'spec.rules[0].when[0].values[0]', 'IP address'],
      [{ rules: [{ when: [{ key: 'request.headers[x-a]' }] }] }, 'spec.rules[0].when[0]', 'values or notValues'],
      [{ action: 'REJECT' }, 'spec.action', 'must be one of "ALLOW", "DENY", "AUDIT", "CUSTOM"'],
      [{ rules: [{ from: [{ source: { remoteIpBlock: ['1.2.3.4'] } }] }] }, 'spec.rules[0].from[0].source.remoteIpBlock', 'did you mean `remoteIpBlocks`?'],
    ];
    cases.forEach(([spec, field, expected], i) => {
      const e = error(() => new AuthorizationPolicy(chart, `c${i}`, { namespace: ns, spec: spec as never }));
      expect({ i, field: e.field }).toEqual({ i, field });
      expect(e.message).toContain(expected);
    });
    expect(synthValid(chart)).toEqual([]);
  });

  test('a policy for the ingress gateway lives in its namespace and selects it; a mesh-wide one in the root namespace', () => {
    const { chart, istiod } = setup();
    new AuthorizationPolicy(chart, 'ingress', {
      namespace: { istiod, name: 'istio-ingress' },
      spec: { selector: { matchLabels: { istio: 'ingressgateway' } }, action: 'ALLOW', rules: [{ from: [{ source: { ipBlocks: ['203.0.113.0/24'] } }] }] },
    });
    new AuthorizationPolicy(chart, 'mesh-deny', { namespace: { istiod, name: istiod.rootNamespace }, spec: { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['istio-system', 'shop'] } }] }] } });
    const [gw, meshWide] = synthValid(chart);
    expect(gw.metadata?.namespace).toBe('istio-ingress');
    expect(meshWide.metadata?.namespace).toBe('istio-system');
  });
});

test('targetRefs exist from 1.22: at 1.20 they are refused with the reason', () => {
  const chart = newChart('mesh');
  const istiod = Istiod.fromAttributes(chart, 'cp', { version: IstioVersion.V1_20_3 });
  const e = error(() => new AuthorizationPolicy(chart, 'p', {
    namespace: { istiod, name: 'foo' },
    spec: { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }], rules: [{}] },
  }));
  expect(e.field).toBe('spec.targetRefs');
  expect(e.expected).toContain('needs a newer release');
});
