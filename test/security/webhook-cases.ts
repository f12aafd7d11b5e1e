/**
 * Cases of PeerAuthentication, RequestAuthentication, Telemetry and WasmPlugin (valid samples and bad inputs) with the
 * verdict Istio 1.30 gives each: `admit` (istiod's validating webhook admits it), `webhook` (the webhook refuses it),
 * `crd` (the webhook admits it but the CRD's own rules, CEL or schema, which the API server applies, refuse it) or
 * `ours` (Istio admits it; we refuse it on purpose, see docs/istio-api.md). The webhook verdicts were taken by sending
 * each object as an AdmissionReview to istiod's webhook (pkg/webhooks/validation/server of the istio.io/istio module
 * the conformance suite uses); `crd` and `ours` split the admitted ones by the CRD rules of Istio 1.30.3.
 * webhook-cases.test.ts checks that our constructs refuse exactly the cases whose verdict is not `admit`.
 */
import type { JsonObject } from '../../src/base/schemas/types';

/** What Istio does with a case. */
export type Verdict = 'admit' | 'webhook' | 'crd' | 'ours';

/** Id, Istio's verdict, kind, spec, and the namespace when it matters (default `foo`). */
export type PolicyCase = [string, Verdict, string, JsonObject, string?];

const SHA = '1ef0c9a92b0420cf25f7fe5d481b231464bc88f486ca3b9c83ed5cc21d2f6210';
const JWKS_URI = 'https://raw.githubusercontent.com/istio/istio/release-1.30/security/tools/jwt/samples/jwks.json';
const sel = { matchLabels: { app: 'httpbin' } };
const gw = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' };
const jwt = (r: JsonObject) => ({ jwtRules: [{ issuer: 'testing@secure.istio.io', ...r }] });
const wasm = (s: JsonObject) => ({ url: 'oci://ghcr.io/org/plugin:1.0', ...s });
const tag = (t: JsonObject) => ({ metrics: [{ overrides: [{ tagOverrides: { request_host: t } }] }] });
const log = (expression: string) => ({ accessLogging: [{ providers: [{ name: 'envoy' }], filter: { expression } }] });
const privateJwks = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'priv', n: 'AQAB', e: 'AQAB', d: 'AQAB' }] });
const publicJwks = JSON.stringify({ keys: [{ kty: 'RSA', kid: 'k1', e: 'AQAB', n: 'xAE7eB6qugXyCAG3yhh7pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3WYtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAFjIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ' }] });

export const POLICY_WEBHOOK_CASES: PolicyCase[] = [
  // PeerAuthentication
  ['pa ok mesh strict', 'admit', 'PeerAuthentication', { mtls: { mode: 'STRICT' } }, 'istio-system'],
  ['pa ok workload port', 'admit', 'PeerAuthentication', { selector: sel, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }],
  ['pa ok unset', 'admit', 'PeerAuthentication', {}],
  ['pa port without selector', 'webhook', 'PeerAuthentication', { mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }],
  ['pa port on mesh policy', 'webhook', 'PeerAuthentication', { portLevelMtls: { 8080: { mode: 'DISABLE' } } }, 'istio-system'],
  ['pa port empty selector', 'webhook', 'PeerAuthentication', { selector: { matchLabels: {} }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }],
  ['pa empty port map', 'webhook', 'PeerAuthentication', { selector: sel, portLevelMtls: {} }],
  ['pa port 0', 'webhook', 'PeerAuthentication', { selector: sel, portLevelMtls: { 0: { mode: 'DISABLE' } } }],
  ['pa port 65536', 'webhook', 'PeerAuthentication', { selector: sel, portLevelMtls: { 65536: { mode: 'DISABLE' } } }],
  ['pa selector wildcard', 'webhook', 'PeerAuthentication', { selector: { matchLabels: { app: 'http*' } } }],
  ['pa selector no labels', 'ours', 'PeerAuthentication', { selector: { matchLabels: {} }, mtls: { mode: 'STRICT' } }],
  ['pa bad mode', 'webhook', 'PeerAuthentication', { mtls: { mode: 'strict' } }],
  // RequestAuthentication
  ['ra ok jwks uri', 'admit', 'RequestAuthentication', { selector: sel, jwtRules: [{ issuer: 'testing@secure.istio.io', jwksUri: JWKS_URI }] }],
  ['ra ok inline jwks', 'admit', 'RequestAuthentication', jwt({ jwks: publicJwks, audiences: ['shop'], fromHeaders: [{ name: 'x-jwt', prefix: 'Bearer ' }], fromParams: ['token'], outputPayloadToHeader: 'x-jwt-payload', forwardOriginalToken: true })],
  ['ra ok claim header', 'admit', 'RequestAuthentication', jwt({ jwksUri: JWKS_URI, outputClaimToHeaders: [{ header: 'x-jwt-claim-foo', claim: 'foo' }] })],
  ['ra ok jwks uri only', 'admit', 'RequestAuthentication', { jwtRules: [{ jwksUri: JWKS_URI }] }],
  ['ra ok targetRef gateway', 'admit', 'RequestAuthentication', { targetRef: gw, jwtRules: [{ issuer: 'i', jwksUri: JWKS_URI }] }],
  ['ra ok targetRefs service', 'admit', 'RequestAuthentication', { targetRefs: [{ group: '', kind: 'Service', name: 'httpbin' }], jwtRules: [{ issuer: 'i' }] }],
  ['ra ok cookies timeout', 'admit', 'RequestAuthentication', jwt({ fromCookies: ['session'], timeout: '5s', spaceDelimitedClaims: ['scope'] })],
  ['ra no issuer no uri', 'webhook', 'RequestAuthentication', { jwtRules: [{ audiences: ['a'] }] }],
  ['ra jwks uri ftp', 'webhook', 'RequestAuthentication', jwt({ jwksUri: 'ftp://example.com/jwks.json' })],
  ['ra jwks uri no host', 'ours', 'RequestAuthentication', jwt({ jwksUri: 'https:///jwks.json' })],
  ['ra jwks and uri', 'crd', 'RequestAuthentication', jwt({ jwksUri: JWKS_URI, jwks: publicJwks })],
  ['ra jwks not json', 'webhook', 'RequestAuthentication', jwt({ jwks: '{keys:' })],
  ['ra jwks private key', 'ours', 'RequestAuthentication', jwt({ jwks: privateJwks })],
  ['ra audience empty', 'webhook', 'RequestAuthentication', jwt({ audiences: [''] })],
  ['ra header name empty', 'webhook', 'RequestAuthentication', jwt({ fromHeaders: [{ name: '' }] })],
  ['ra header name space', 'ours', 'RequestAuthentication', jwt({ fromHeaders: [{ name: 'x jwt' }] })],
  ['ra param empty', 'webhook', 'RequestAuthentication', jwt({ fromParams: [''] })],
  ['ra cookie empty', 'webhook', 'RequestAuthentication', jwt({ fromCookies: [''] })],
  ['ra payload header colon', 'ours', 'RequestAuthentication', jwt({ outputPayloadToHeader: 'x-jwt:payload' })],
  ['ra claim header dot', 'webhook', 'RequestAuthentication', jwt({ outputClaimToHeaders: [{ header: 'x.claim', claim: 'sub' }] })],
  ['ra claim empty', 'webhook', 'RequestAuthentication', jwt({ outputClaimToHeaders: [{ header: 'x-sub', claim: '' }] })],
  ['ra jwks_uri spelling', 'ours', 'RequestAuthentication', jwt({ jwks_uri: JWKS_URI })],
  ['ra timeout 0s', 'webhook', 'RequestAuthentication', jwt({ timeout: '0s' })],
  ['ra selector and targetRef', 'webhook', 'RequestAuthentication', { selector: sel, targetRef: gw }],
  ['ra targetRef namespace', 'webhook', 'RequestAuthentication', { targetRef: { ...gw, namespace: 'other' } }],
  ['ra targetRef deployment', 'webhook', 'RequestAuthentication', { targetRef: { group: 'apps', kind: 'Deployment', name: 'httpbin' } }],
  // Telemetry
  ['tel ok mesh logging', 'admit', 'Telemetry', { accessLogging: [{ providers: [{ name: 'otel' }] }] }, 'istio-system'],
  ['tel ok tracing', 'admit', 'Telemetry', { tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 0 }] }],
  ['tel ok metrics tags', 'admit', 'Telemetry', { metrics: [{ providers: [{ name: 'prometheus' }], overrides: [{ match: { metric: 'REQUEST_COUNT' }, tagOverrides: { destination_port: { value: 'string(destination.port)' }, request_protocol: { operation: 'REMOVE' } } }] }] }],
  ['tel ok filter', 'admit', 'Telemetry', log('response.code >= 400 || xds.cluster_name == \'BlackHoleCluster\'')],
  ['tel ok custom tags', 'admit', 'Telemetry', { selector: sel, tracing: [{ customTags: { team: { literal: { value: 'ml' } }, user: { header: { name: 'x-user' } }, node: { environment: { name: 'NODE_NAME' } } } }] }],
  ['tel ok custom metric', 'admit', 'Telemetry', { metrics: [{ reportingInterval: '15s', overrides: [{ match: { customMetric: 'my_metric', mode: 'SERVER' }, disabled: true }] }] }],
  ['tel sampling 101', 'webhook', 'Telemetry', { tracing: [{ randomSamplingPercentage: 101 }] }],
  ['tel sampling -1', 'webhook', 'Telemetry', { tracing: [{ randomSamplingPercentage: -1 }] }],
  ['tel provider empty', 'webhook', 'Telemetry', { accessLogging: [{ providers: [{ name: '' }] }] }],
  ['tel upsert no value', 'webhook', 'Telemetry', tag({})],
  ['tel upsert empty value', 'webhook', 'Telemetry', tag({ operation: 'UPSERT', value: '' })],
  ['tel remove with value', 'webhook', 'Telemetry', tag({ operation: 'REMOVE', value: 'x' })],
  ['tel custom metric empty', 'webhook', 'Telemetry', { metrics: [{ overrides: [{ match: { customMetric: '' } }] }] }],
  ['tel literal empty', 'webhook', 'Telemetry', { tracing: [{ customTags: { team: { literal: { value: '' } } } }] }],
  ['tel header tag empty', 'webhook', 'Telemetry', { tracing: [{ customTags: { user: { header: { name: '' } } } }] }],
  ['tel env tag empty', 'webhook', 'Telemetry', { tracing: [{ customTags: { node: { environment: { name: '' } } } }] }],
  ['tel filter bad cel', 'webhook', 'Telemetry', log('response.code >= ')],
  ['tel filter bad bracket', 'webhook', 'Telemetry', log('request.headers[\'x\' == \'y\'')],
  ['tel filter has ident', 'webhook', 'Telemetry', log('has(response)')],
  ['tel filter reserved', 'webhook', 'Telemetry', log('if == 1')],
  ['tel filter empty', 'webhook', 'Telemetry', { accessLogging: [{ filter: {} }] }],
  ['tel metric and custom metric', 'crd', 'Telemetry', { metrics: [{ overrides: [{ match: { metric: 'REQUEST_COUNT', customMetric: 'x' } }] }] }],
  ['tel tag literal and header', 'crd', 'Telemetry', { tracing: [{ customTags: { t: { literal: { value: 'a' }, header: { name: 'h' } } } }] }],
  ['tel interval 0s', 'crd', 'Telemetry', { metrics: [{ reportingInterval: '0s' }] }],
  ['tel selector and targetRef', 'webhook', 'Telemetry', { selector: sel, targetRef: gw }],
  ['tel selector wildcard', 'webhook', 'Telemetry', { selector: { matchLabels: { 'app*': 'x' } } }],
  // WasmPlugin
  ['wasm ok basic auth', 'admit', 'WasmPlugin', { selector: { matchLabels: { istio: 'ingressgateway' } }, url: 'oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0', phase: 'AUTHN', pluginConfig: { basic_auth_rules: [{ prefix: '/productpage', request_methods: ['GET', 'POST'], credentials: ['ok:test'] }] } }, 'istio-system'],
  ['wasm ok file sha', 'admit', 'WasmPlugin', { url: 'file:///opt/filters/openid.wasm', sha256: SHA, phase: 'AUTHN' }],
  ['wasm ok bare ref', 'admit', 'WasmPlugin', { url: 'ghcr.io/org/plugin:1.0' }],
  ['wasm ok https port', 'admit', 'WasmPlugin', wasm({ url: 'https://plugins.example.com:8443/stats.wasm', priority: -10, imagePullPolicy: 'Always', imagePullSecret: 'registry-creds' })],
  ['wasm ok env match', 'admit', 'WasmPlugin', wasm({ vmConfig: { env: [{ name: 'POD_NAME', valueFrom: 'HOST' }, { name: 'MODE', value: 'strict' }] }, match: [{ mode: 'SERVER', ports: [{ number: 8080 }] }] })],
  ['wasm ok targetRefs', 'admit', 'WasmPlugin', wasm({ targetRefs: [{ group: '', kind: 'Service', name: 'reviews' }] })],
  ['wasm ftp', 'webhook', 'WasmPlugin', { url: 'ftp://example.com/plugin.wasm' }],
  ['wasm registry port no scheme', 'webhook', 'WasmPlugin', { url: 'localhost:5000/plugin:1.0' }],
  ['wasm oci no host', 'ours', 'WasmPlugin', { url: 'oci:///plugin' }],
  ['wasm file relative', 'ours', 'WasmPlugin', { url: 'file://plugin.wasm' }],
  ['wasm bare path', 'ours', 'WasmPlugin', { url: '/opt/plugin.wasm' }],
  ['wasm sha upper', 'webhook', 'WasmPlugin', wasm({ sha256: SHA.toUpperCase() })],
  ['wasm sha short', 'webhook', 'WasmPlugin', wasm({ sha256: SHA.slice(1) })],
  ['wasm pull secret name', 'ours', 'WasmPlugin', wasm({ imagePullSecret: 'Registry_Creds' })],
  ['wasm env duplicate', 'webhook', 'WasmPlugin', wasm({ vmConfig: { env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] } })],
  ['wasm env host value', 'webhook', 'WasmPlugin', wasm({ vmConfig: { env: [{ name: 'POD_NAME', valueFrom: 'HOST', value: 'x' }] } })],
  ['wasm env empty name', 'webhook', 'WasmPlugin', wasm({ vmConfig: { env: [{ name: '' }] } })],
  ['wasm priority above int32', 'webhook', 'WasmPlugin', wasm({ priority: 2147483648 })],
  ['wasm port 0', 'webhook', 'WasmPlugin', wasm({ match: [{ ports: [{ number: 0 }] }] })],
  ['wasm selector and targetRefs', 'webhook', 'WasmPlugin', wasm({ selector: sel, targetRefs: [{ group: '', kind: 'Service', name: 'reviews' }] })],
  ['wasm targetRef httproute', 'webhook', 'WasmPlugin', wasm({ targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'r' } })],
];

/** The object of a case, as sent to the webhook. */
export function objectOf(c: PolicyCase, apiVersion: string): JsonObject {
  const [id, , kind, spec, namespace] = c;
  return { apiVersion, kind, metadata: { name: id.replace(/[^a-z0-9]+/g, '-'), namespace: namespace ?? 'foo' }, spec };
}
