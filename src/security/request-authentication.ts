import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { RequestAuthenticationSpec, RequestAuthenticationSpecJwtRule } from '../resource/specs.generated';
import { checkDuration, fail } from '../validation';
import { checkPolicyTargeting } from './policy-target';
import { checkTargetNamespaces } from './policy-target-ref';

/** Props of {@link RequestAuthentication}. */
export interface RequestAuthenticationProps extends IstioResourceProps<RequestAuthenticationSpec> {}

/**
 * An Istio `RequestAuthentication` (security.istio.io): the JSON Web Tokens the selected workloads (or the targeted
 * Service / Gateway) accept. A request with a token that fails validation is refused; a request without a token is
 * let through with no request principal, so pair it with an AuthorizationPolicy that requires `requestPrincipals`.
 *
 * The spec is Istio's, field for field; it is checked against the release's CRD schema and the rules Istio's
 * validating webhook and CRD apply: each JWT rule names its `issuer` (1.30 also accepts a rule with only `jwksUri`),
 * at most one of `jwks` / `jwksUri`, a `jwksUri` with an http(s) scheme and a host, inline `jwks` that is a JSON Web
 * Key (set) of public keys, non-empty audiences, token locations (`fromHeaders`, `fromParams`, `fromCookies`) and
 * header names, and one of `selector` / `targetRef` / `targetRefs`.
 *
 * @example
 * // JWTs of the issuer testing@secure.istio.io at the ingress gateway, keys fetched from the issuer's JWKS
 * new RequestAuthentication(chart, 'jwt-example', {
 *   namespace: { istiod, name: istiod.rootNamespace },
 *   spec: {
 *     selector: { matchLabels: { istio: 'ingressgateway' } },
 *     jwtRules: [{
 *       issuer: 'testing@secure.istio.io',
 *       jwksUri: 'https://raw.githubusercontent.com/istio/istio/release-1.30/security/tools/jwt/samples/jwks.json',
 *       outputClaimToHeaders: [{ header: 'x-jwt-claim-foo', claim: 'foo' }],
 *     }],
 *   },
 * });
 */
export class RequestAuthentication extends IstioResource<RequestAuthenticationSpec> {
  public constructor(scope: Construct, id: string, props: RequestAuthenticationProps) {
    super(scope, id, 'RequestAuthentication', props, checkRequestAuthentication);
    checkTargetNamespaces(this, props.spec, this.namespace);
  }

  /** The issuers of the JWT rules, in order (a rule without an issuer is left out). */
  public get issuers(): string[] {
    return (this.spec.jwtRules ?? []).flatMap((r) => (r.issuer ? [r.issuer] : []));
  }
}

/** An HTTP header name (RFC 9110 token). */
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The header names Istio accepts for claims copied to headers (its CRD's pattern). */
const STRICT_HEADER = /^[-_A-Za-z0-9]+$/;

function checkRequestAuthentication(scope: Construct, spec: RequestAuthenticationSpec, ctx: IstioRuleContext): void {
  checkPolicyTargeting(scope, spec, ctx.version);
  (spec.jwtRules ?? []).forEach((rule, i) => checkJwtRule(scope, `spec.jwtRules[${i}]`, rule, ctx));
}

function checkJwtRule(scope: Construct, field: string, rule: RequestAuthenticationSpecJwtRule, ctx: IstioRuleContext): void {
  if (rule.jwks_uri !== undefined) {
    // the proto name of jwksUri, which Istio reads as the same field; the generated L1 binding folds the two into
    // one property, so a value given here would not be emitted
    fail(scope, `${field}.jwks_uri`, rule.jwks_uri, 'must be written `jwksUri` (the same field under its JSON name; Istio reads both spellings alike)');
  }
  const uri = rule.jwksUri;
  if (!rule.issuer) {
    if (!ctx.version.atLeast('1.30')) {
      fail(scope, `${field}.issuer`, rule.issuer, `is required on Istio ${ctx.version.tag}: the \`iss\` claim of the tokens this rule accepts (from 1.30 a rule may name only its jwksUri)`);
    }
    if (!uri) fail(scope, `${field}.issuer`, rule.issuer, 'or jwksUri must be set: the `iss` claim of the tokens this rule accepts, or where their keys are published');
  }
  const keySources = (['jwks', 'jwksUri'] as const).filter((k) => rule[k] !== undefined);
  if (keySources.length > 1) {
    fail(scope, field, keySources.join(', '), 'must set only one of `jwks` (inline keys) or `jwksUri` (where keys are fetched from); Istio refuses both');
  }
  (rule.audiences ?? []).forEach((a, j) => {
    if (a === '') fail(scope, `${field}.audiences[${j}]`, a, 'must be a non-empty audience (the `aud` claim value a token must carry)');
  });
  if (uri !== undefined) checkJwksUri(scope, `${field}.jwksUri`, uri);
  if (rule.jwks !== undefined) checkJwks(scope, `${field}.jwks`, rule.jwks);
  (rule.fromHeaders ?? []).forEach((h, j) => {
    if (!h.name || !HEADER_TOKEN.test(h.name)) {
      fail(scope, `${field}.fromHeaders[${j}].name`, h.name, 'must be the HTTP header name the token is read from, e.g. "Authorization" or "x-jwt-assertion"');
    }
  });
  (rule.fromParams ?? []).forEach((p, j) => {
    if (p === '') fail(scope, `${field}.fromParams[${j}]`, p, 'must be the non-empty name of the query parameter the token is read from, e.g. "access_token"');
  });
  (rule.fromCookies ?? []).forEach((c, j) => {
    if (c === '') fail(scope, `${field}.fromCookies[${j}]`, c, 'must be the non-empty name of the cookie the token is read from');
  });
  if (rule.outputPayloadToHeader !== undefined && !HEADER_TOKEN.test(rule.outputPayloadToHeader)) {
    fail(scope, `${field}.outputPayloadToHeader`, rule.outputPayloadToHeader, 'must be an HTTP header name (letters, digits and !#$%&\'*+-.^_`|~), e.g. "x-jwt-payload"');
  }
  (rule.outputClaimToHeaders ?? []).forEach((o, j) => {
    if (!o.claim) fail(scope, `${field}.outputClaimToHeaders[${j}].claim`, o.claim, 'must name the claim copied to the header, e.g. "sub" or "groups"');
    if (!STRICT_HEADER.test(o.header)) {
      fail(scope, `${field}.outputClaimToHeaders[${j}].header`, o.header, 'must be a header name of letters, digits, "-" and "_" (Istio\'s pattern), e.g. "x-jwt-claim-sub"');
    }
  });
  (rule.spaceDelimitedClaims ?? []).forEach((c, j) => {
    if (c === '') fail(scope, `${field}.spaceDelimitedClaims[${j}]`, c, 'must name a claim, e.g. "scope"');
  });
  if (rule.timeout !== undefined) checkDuration(scope, `${field}.timeout`, rule.timeout);
}

/** A JWKS URI: http or https, with a host (istiod and Envoy fetch the keys from it). */
function checkJwksUri(scope: Construct, field: string, uri: string): void {
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    url = undefined;
  }
  // the authority is read from the text: the WHATWG parser would take "https:///jwks.json" as host "jwks.json"
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !/^https?:\/\/[^/?#@\s]*[^/?#@\s:]/i.test(uri.replace(/\/\/[^/?#]*@/, '//')) || /\s/.test(uri)) {
    fail(scope, field, uri, 'must be an http:// or https:// URL with a host, e.g. "https://example.com/.well-known/jwks.json"');
  }
}

/**
 * Inline keys: a JSON Web Key Set (`{"keys": [...]}`) or a single key, every key with its `kty`, and public keys
 * only (Envoy verifies with public keys; private or symmetric key material in a cluster object is a leak; Istio warns).
 */
function checkJwks(scope: Construct, field: string, jwks: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwks);
  } catch (e) {
    fail(scope, field, jwks, `must be a JSON Web Key Set as JSON text (${(e as Error).message})`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(parsed)) fail(scope, field, jwks, 'must be a JSON Web Key Set: a JSON object {"keys": [...]} (or a single key)');
  const keys = parsed.keys !== undefined ? parsed.keys : [parsed];
  if (!Array.isArray(keys)) fail(scope, `${field} keys`, parsed.keys, 'must be a list of JSON Web Keys');
  keys.forEach((k, i) => {
    if (!isObject(k) || typeof k.kty !== 'string') fail(scope, `${field} keys[${i}]`, k, 'must be a JSON Web Key with its "kty" (RSA, EC, OKP)');
    if (k.kty === 'oct' || k.d !== undefined) {
      fail(scope, `${field} keys[${i}]`, k.kid ?? k.kty, 'must be a public key: this one carries private or symmetric key material ("d" or kty "oct"), which must not be stored in the cluster; publish only the public part');
    }
  });
}
