import { Chart } from 'cdk8s';
import { Istiod } from '../../src/istiod/istiod';
import { IIstiod } from '../../src/istiod/istiod-ref';
import { RequestAuthentication, RequestAuthenticationProps } from '../../src/security';
import { IstioVersion } from '../../src/version';
import { K8sObject } from '../support/schema';
import { findOne, newChart, synthValid } from '../support/synth';
import { expectExampleInDocs, expectExampleInSync, expectIstioError } from './l2-support';

const RELEASES: Array<[string, IstioVersion, string]> = [
  ['1.30.3', IstioVersion.V1_30_3, 'security.istio.io/v1'],
  ['1.20.3', IstioVersion.V1_20_3, 'security.istio.io/v1beta1'],
];

const JWKS_URI = 'https://raw.githubusercontent.com/istio/istio/release-1.30/security/tools/jwt/samples/jwks.json';
/** A public RSA key in a set (the shape of Istio's security/tools/jwt/samples/jwks.json; a made-up modulus). */
const PUBLIC_JWKS = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', e: 'AQAB', n: 'xAE7eB6qugXyCAG3yhh7pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3WYtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAFjIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ' }] });

function mesh(version: IstioVersion): { chart: Chart; istiod: IIstiod } {
  const chart = newChart('apps');
  return { chart, istiod: Istiod.fromAttributes(chart, 'mesh', { version }) };
}

type Spec = RequestAuthenticationProps['spec'];

/**
 * `jwksUri` is emitted under its proto name `jwks_uri` by the generated L1 binding; Istio reads both spellings as the
 * same field (json name jwksUri, proto name jwks_uri), so the comparison folds them into the JSON name.
 */
function jwksUriAsOneSpelling(obj: K8sObject): K8sObject {
  for (const r of (obj.spec.jwtRules ?? []) as Array<Record<string, unknown>>) {
    if (r.jwks_uri !== undefined) {
      expect(r.jwksUri).toBeUndefined();
      r.jwksUri = r.jwks_uri;
      delete r.jwks_uri;
    }
  }
  return obj;
}
type Rule = NonNullable<Spec['jwtRules']>[number];

describe.each(RELEASES)('RequestAuthentication on Istio %s', (_tag, version, apiVersion) => {
  const make = (spec: Spec) => {
    const { chart, istiod } = mesh(version);
    return () => new RequestAuthentication(chart, 'ra', { namespace: { istiod, name: 'foo' }, spec });
  };
  const rule = (r: Partial<Rule>): Spec => ({ jwtRules: [{ issuer: 'testing@secure.istio.io', ...r }] });

  test('the class example runs as written: JWTs at the ingress gateway, a claim copied to a header', () => {
    const { chart, istiod } = mesh(version);
    // example:start
    // JWTs of the issuer testing@secure.istio.io at the ingress gateway, keys fetched from the issuer's JWKS
    new RequestAuthentication(chart, 'jwt-example', {
      namespace: { istiod, name: istiod.rootNamespace },
      spec: {
        selector: { matchLabels: { istio: 'ingressgateway' } },
        jwtRules: [{
          issuer: 'testing@secure.istio.io',
          jwksUri: 'https://raw.githubusercontent.com/istio/istio/release-1.30/security/tools/jwt/samples/jwks.json',
          outputClaimToHeaders: [{ header: 'x-jwt-claim-foo', claim: 'foo' }],
        }],
      },
    });
    // example:end
    expect(findOne(synthValid(chart), 'RequestAuthentication', 'jwt-example', 'istio-system').spec.jwtRules[0].outputClaimToHeaders)
      .toEqual([{ header: 'x-jwt-claim-foo', claim: 'foo' }]);
    expectExampleInSync('src/security/request-authentication.ts', 'RequestAuthentication', 'test/security/request-authentication.test.ts');
    expectExampleInDocs('src/security/request-authentication.ts', 'RequestAuthentication');
  });

  // Istio task "Authorization with JWT" (security/authorization/authz-jwt): httpbin in foo accepts tokens of
  // testing@secure.istio.io, keys from the sample JWKS.
  test('authorization with JWT task: rendered as Istio writes it', () => {
    const { chart, istiod } = mesh(version);
    const ra = new RequestAuthentication(chart, 'jwt', {
      namespace: { istiod, name: 'foo' },
      name: 'jwt-example',
      spec: { selector: { matchLabels: { app: 'httpbin' } }, jwtRules: [{ issuer: 'testing@secure.istio.io', jwksUri: JWKS_URI }] },
    });
    expect(jwksUriAsOneSpelling(findOne(synthValid(chart), 'RequestAuthentication', 'jwt-example', 'foo'))).toEqual({
      apiVersion, kind: 'RequestAuthentication',
      metadata: { name: 'jwt-example', namespace: 'foo' },
      spec: { selector: { matchLabels: { app: 'httpbin' } }, jwtRules: [{ issuer: 'testing@secure.istio.io', jwksUri: JWKS_URI }] },
    });
    expect([ra.issuers, ra.apiVersion]).toEqual([['testing@secure.istio.io'], apiVersion]);
  });

  test('every location and output field of a rule, inline public keys', () => {
    const { chart, istiod } = mesh(version);
    const spec: Spec = {
      jwtRules: [{
        issuer: 'https://accounts.example.com', audiences: ['shop', 'shop-admin'], jwks: PUBLIC_JWKS,
        fromHeaders: [{ name: 'x-jwt-assertion', prefix: 'Bearer ' }], fromParams: ['access_token'],
        outputPayloadToHeader: 'x-jwt-payload', forwardOriginalToken: true,
      }, { issuer: 'other', jwksUri: 'http://keys.auth.svc.cluster.local:8080/jwks' }],
    };
    new RequestAuthentication(chart, 'all', { namespace: { istiod, name: 'shop' }, spec });
    expect(jwksUriAsOneSpelling(findOne(synthValid(chart), 'RequestAuthentication', 'all', 'shop')).spec).toEqual(spec);
  });

  describe('webhook rules', () => {
    test('one of jwks or jwksUri', () => {
      expectIstioError(make(rule({ jwksUri: JWKS_URI, jwks: PUBLIC_JWKS })), {
        path: 'apps/ra', field: 'spec.jwtRules[0]', value: '"jwks, jwksUri"', message: 'must set only one of `jwks` (inline keys) or `jwksUri`',
      });
    });

    test.each([
      ['ftp://keys.example.com/jwks.json'], ['https://'], ['keys.example.com/jwks.json'], ['https://exa mple.com/jwks'],
    ])('jwksUri %s is refused (http or https, with a host)', (uri) => {
      expectIstioError(make(rule({ jwksUri: uri })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].jwksUri', value: JSON.stringify(uri), message: 'must be an http:// or https:// URL with a host',
      });
    });

    test('the proto spelling jwks_uri is refused with the JSON name to write (never dropped)', () => {
      expectIstioError(make(rule({ jwks_uri: JWKS_URI })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].jwks_uri', value: JSON.stringify(JWKS_URI), message: 'must be written `jwksUri`',
      });
    });

    test('inline jwks: JSON, keys with kty, no private or symmetric keys', () => {
      expectIstioError(make(rule({ jwks: '{keys:' })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].jwks', value: '"{keys:"', message: /^must be a JSON Web Key Set as JSON text/,
      });
      expectIstioError(make(rule({ jwks: '{"keys":[{"kid":"a"}]}' })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].jwks keys[0]', value: '{"kid":"a"}', message: 'with its "kty"',
      });
      expectIstioError(make(rule({ jwks: JSON.stringify({ keys: [{ kty: 'RSA', kid: 'priv', n: 'x', e: 'AQAB', d: 'secret' }] }) })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].jwks keys[0]', value: '"priv"', message: 'must be a public key',
      });
      expectIstioError(make(rule({ jwks: JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }) })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].jwks keys[0]', value: '"oct"', message: 'private or symmetric key material',
      });
    });

    test('audiences, token locations and header names', () => {
      expectIstioError(make(rule({ audiences: ['shop', ''] })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].audiences[1]', value: '""', message: /must be a non-empty audience|at least 1 character/,
      });
      expectIstioError(make(rule({ fromHeaders: [{ name: '' }] })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].fromHeaders[0].name', value: '""', message: /must be the HTTP header name the token is read from|at least 1 character/,
      });
      expectIstioError(make(rule({ fromHeaders: [{ name: 'x jwt' }] })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].fromHeaders[0].name', value: '"x jwt"', message: 'HTTP header name',
      });
      expectIstioError(make(rule({ fromParams: ['token', ''] })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].fromParams[1]', value: '""', message: /query parameter|at least 1 character/,
      });
      expectIstioError(make(rule({ outputPayloadToHeader: 'x-jwt:payload' })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].outputPayloadToHeader', value: '"x-jwt:payload"', message: 'must be an HTTP header name',
      });
      expectIstioError(make(rule({ outputClaimToHeaders: [{ header: 'x.claim', claim: 'sub' }] })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].outputClaimToHeaders[0].header', value: '"x.claim"', message: 'letters, digits, "-" and "_"',
      });
      expectIstioError(make(rule({ outputClaimToHeaders: [{ header: 'x-sub', claim: '' }] })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].outputClaimToHeaders[0].claim', value: '""', message: /must name the claim|at least 1 character/,
      });
      expectIstioError(make(rule({ forwardOriginalToken: 'yes' as unknown as boolean })), {
        path: 'apps/ra', field: 'spec.jwtRules[0].forwardOriginalToken', value: '"yes"', message: 'must be true or false',
      });
    });

    test('selector, targetRef and targetRefs are exclusive; target references', () => {
      expectIstioError(make({ selector: { matchLabels: { app: 'a' } }, targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' } }), {
        path: 'apps/ra', field: 'spec', value: '"selector, targetRef"', message: 'must set only one of `selector`, `targetRef` or `targetRefs`',
      });
      expectIstioError(make({ targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'other' } }), {
        path: 'apps/ra', field: 'spec.targetRef.namespace', value: '"other"', message: 'cross-namespace',
      });
      expectIstioError(make({ targetRef: { group: 'apps', kind: 'Deployment', name: 'httpbin' } }), {
        path: 'apps/ra', field: 'spec.targetRef', value: '"apps/Deployment"', message: `on Istio ${version.tag}`,
      });
      expectIstioError(make({ selector: { matchLabels: { app: '*' } } }), {
        path: 'apps/ra', field: 'spec.selector.matchLabels.app', value: '"*"', message: 'must not contain "*"',
      });
    });

    test('a Kubernetes Gateway is a target on both releases', () => {
      const ra = make({ targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }, jwtRules: [{ issuer: 'i', jwksUri: JWKS_URI }] })();
      expect(ra.spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' });
    });
  });
});

describe('RequestAuthentication: what differs between releases', () => {
  const on = (version: IstioVersion, spec: Spec) => {
    const { chart, istiod } = mesh(version);
    return () => new RequestAuthentication(chart, 'ra', { namespace: { istiod, name: 'foo' }, spec });
  };

  test('1.30 accepts a rule with only jwksUri; 1.20 requires the issuer; without either both refuse', () => {
    expect(on(IstioVersion.V1_30_3, { jwtRules: [{ jwksUri: JWKS_URI }] })().issuers).toEqual([]);
    // 1.20's schema requires the issuer; its webhook refuses an empty one
    expectIstioError(on(IstioVersion.V1_20_3, { jwtRules: [{ jwksUri: JWKS_URI }] }), {
      path: 'apps/ra', field: 'spec.jwtRules[0].issuer', value: '(undefined)', message: 'is required in RequestAuthentication security.istio.io/v1beta1 of Istio 1.20.3',
    });
    expectIstioError(on(IstioVersion.V1_20_3, { jwtRules: [{ issuer: '', jwksUri: JWKS_URI }] }), {
      path: 'apps/ra', field: 'spec.jwtRules[0].issuer', value: '""', message: 'is required on Istio 1.20.3',
    });
    expectIstioError(on(IstioVersion.V1_30_3, { jwtRules: [{ audiences: ['a'] }] }), {
      path: 'apps/ra', field: 'spec.jwtRules[0].issuer', value: '(undefined)', message: 'or jwksUri must be set',
    });
  });

  test('targetRefs, fromCookies, timeout and spaceDelimitedClaims: 1.30 has them, 1.20 refuses them with the reason', () => {
    const spec: Spec = {
      targetRefs: [{ kind: 'Service', group: '', name: 'httpbin' }],
      jwtRules: [{ issuer: 'i', jwksUri: JWKS_URI, fromCookies: ['session'], timeout: '5s', spaceDelimitedClaims: ['scope'] }],
    };
    expect(on(IstioVersion.V1_30_3, spec)().spec).toEqual(spec);
    expectIstioError(on(IstioVersion.V1_20_3, spec), {
      path: 'apps/ra', field: 'spec.targetRefs', value: '"(unknown key)"', message: 'Istio 1.30 has it: it needs a newer release',
    });
    expectIstioError(on(IstioVersion.V1_20_3, { jwtRules: [{ issuer: 'i', fromCookies: ['session'] }] }), {
      path: 'apps/ra', field: 'spec.jwtRules[0].fromCookies', value: '"(unknown key)"', message: 'it needs a newer release',
    });
  });

  test('1.30 checks timeout and cookie names; a Service is a target on 1.30 only', () => {
    expectIstioError(on(IstioVersion.V1_30_3, { jwtRules: [{ issuer: 'i', timeout: '0s' }] }), {
      path: 'apps/ra', field: 'spec.jwtRules[0].timeout', value: '"0s"', message: 'at least 1ms',
    });
    expectIstioError(on(IstioVersion.V1_30_3, { jwtRules: [{ issuer: 'i', fromCookies: [''] }] }), {
      path: 'apps/ra', field: 'spec.jwtRules[0].fromCookies[0]', value: '""', message: 'must have at least 1 characters',
    });
    expect(on(IstioVersion.V1_30_3, { targetRef: { kind: 'Service', name: 'httpbin' } })().spec.targetRef).toEqual({ kind: 'Service', name: 'httpbin' });
    expectIstioError(on(IstioVersion.V1_20_3, { targetRef: { kind: 'Service', group: '', name: 'httpbin' } }), {
      path: 'apps/ra', field: 'spec.targetRef', value: '"/Service"', message: 'must reference one of Gateway (group "gateway.networking.k8s.io") on Istio 1.20.3',
    });
  });
});
