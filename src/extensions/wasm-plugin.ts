import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { WasmPluginSpec } from '../resource/specs.generated';
import { checkPolicyTargeting } from '../security/policy-target';
import { checkTargetNamespaces } from '../security/policy-target-ref';
import { fail, isDnsSubdomain, isHost } from '../validation';

/** Props of {@link WasmPlugin}. */
export interface WasmPluginProps extends IstioResourceProps<WasmPluginSpec> {}

/**
 * An Istio `WasmPlugin` (extensions.istio.io/v1alpha1, the only version either release serves): a WebAssembly filter
 * the proxies of selected workloads (or the targeted Service / Gateway) load, from an OCI image, an HTTP(S) URL or a
 * file on the proxy, placed in the filter chain by `phase` and `priority`, configured with free JSON in
 * `pluginConfig`.
 *
 * The spec is Istio's, field for field; it is checked against the release's CRD schema and the rules Istio's
 * validating webhook and CRD apply: `url` with scheme `oci://`, `http://`, `https://` or `file://`, or a bare image
 * reference such as `ghcr.io/org/plugin:1.0` (pulled as OCI; a reference with a registry port needs `oci://`, as
 * Istio reads `host:port/...` as scheme `host`); `sha256` of 64 lower-case hex digits; an image pull Secret name;
 * `vmConfig.env` names unique and a `value` only for `INLINE` entries; match ports 1-65535; `priority` an int32;
 * and one of `selector` / `targetRef` / `targetRefs`.
 *
 * @example
 * // basic auth at the ingress gateway, before Istio's authentication filters
 * new WasmPlugin(chart, 'basic-auth', {
 *   namespace: { istiod, name: istiod.rootNamespace },
 *   spec: {
 *     selector: { matchLabels: { istio: 'ingressgateway' } },
 *     url: 'oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0',
 *     phase: 'AUTHN',
 *     pluginConfig: {
 *       basic_auth_rules: [{ prefix: '/productpage', request_methods: ['GET', 'POST'], credentials: ['ok:test'] }],
 *     },
 *   },
 * });
 */
export class WasmPlugin extends IstioResource<WasmPluginSpec> {
  public constructor(scope: Construct, id: string, props: WasmPluginProps) {
    super(scope, id, 'WasmPlugin', props, checkWasmPlugin);
    checkTargetNamespaces(this, props.spec, this.namespace);
  }

  /** How the proxy fetches the module: `oci` (also for a bare image reference), `http`, `https` or `file`. */
  public get source(): 'oci' | 'http' | 'https' | 'file' {
    const scheme = schemeOf(this.spec.url);
    return scheme === undefined ? 'oci' : scheme as 'oci' | 'http' | 'https' | 'file';
  }
}

/** A URL's scheme as Go's URL parser finds it (letters, digits, "+", "-", "." before the first ":"), lower-cased. */
function schemeOf(url: string): string | undefined {
  return /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1].toLowerCase();
}

const SCHEMES = ['oci', 'http', 'https', 'file'];
const INT32 = [-2147483648, 2147483647];

function checkWasmPlugin(scope: Construct, spec: WasmPluginSpec, ctx: IstioRuleContext): void {
  checkPolicyTargeting(scope, spec, ctx.version);
  checkUrl(scope, 'spec.url', spec.url);
  if (spec.sha256 !== undefined && spec.sha256 !== '' && !/^[a-f0-9]{64}$/.test(spec.sha256)) {
    fail(scope, 'spec.sha256', spec.sha256, 'must be the module\'s SHA-256 digest: 64 lower-case hex digits (sha256sum prints it)');
  }
  if (spec.imagePullSecret !== undefined && !isDnsSubdomain(spec.imagePullSecret)) {
    fail(scope, 'spec.imagePullSecret', spec.imagePullSecret, 'must be the name of a Secret (DNS-1123 subdomain, at most 253 characters) of type kubernetes.io/dockerconfigjson in the plugin\'s namespace');
  }
  if (spec.priority !== undefined && (spec.priority < INT32[0] || spec.priority > INT32[1])) {
    fail(scope, 'spec.priority', spec.priority, `must be an int32 (${INT32[0]} to ${INT32[1]}); plugins of a phase run in descending priority`);
  }
  const seen = new Set<string>();
  (spec.vmConfig?.env ?? []).forEach((e, i) => {
    const at = `spec.vmConfig.env[${i}]`;
    if (!e.name) fail(scope, `${at}.name`, e.name, 'must name the environment variable');
    if (e.name.length > 256) fail(scope, `${at}.name`, e.name, 'must have at most 256 characters');
    if (seen.has(e.name)) fail(scope, `${at}.name`, e.name, 'must be unique: each environment variable is given once');
    seen.add(e.name);
    if ((e.valueFrom ?? 'INLINE') !== 'INLINE' && e.value !== undefined) {
      fail(scope, `${at}.value`, e.value, `must be left out with valueFrom ${e.valueFrom} (the value is the proxy's own variable); only INLINE entries carry a value`);
    }
  });
  (spec.match ?? []).forEach((m, i) => (m.ports ?? []).forEach((p, j) => {
    if (!Number.isInteger(p.number) || p.number < 1 || p.number > 65535) {
      fail(scope, `spec.match[${i}].ports[${j}].number`, p.number, 'must be a port number from 1 to 65535');
    }
  }));
}

function checkUrl(scope: Construct, field: string, url: string): void {
  const examples = 'e.g. "oci://ghcr.io/org/plugin:1.0", "https://example.com/plugin.wasm", "file:///opt/filters/plugin.wasm" or "ghcr.io/org/plugin:1.0"';
  if (!url) fail(scope, field, url, `must be set: where the proxy gets the module, ${examples}`);
  if (/[\s\x00-\x1f\x7f]/.test(url)) fail(scope, field, url, `must be a URL without spaces or control characters, ${examples}`);
  const scheme = schemeOf(url);
  if (scheme === undefined) {
    // a bare reference: Istio reads it as http://<url> to check it, and pulls it as an OCI image
    const host = url.split('/')[0];
    if (!isHost(host, { allowWildcard: false })) {
      fail(scope, field, url, `must be a URL with scheme oci, http, https or file, or an image reference starting with a registry host, ${examples}`);
    }
    return;
  }
  if (!SCHEMES.includes(scheme)) {
    const hint = /^[0-9]/.test(url.slice(scheme.length + 1)) ? `; "${scheme}:" reads as a scheme: write a registry with a port as "oci://${url}"` : '';
    fail(scope, field, url, `must use scheme oci, http, https or file (Istio refuses "${scheme}")${hint}; ${examples}`);
  }
  const rest = url.slice(scheme.length + 1);
  if (scheme === 'file') {
    if (!/^\/\/[^/]*\/./.test(rest)) fail(scope, field, url, 'must be file:///<absolute path of the module on the proxy>, e.g. "file:///opt/filters/plugin.wasm"');
    return;
  }
  const authority = /^\/\/([^/?#]*)/.exec(rest)?.[1];
  const host = authority?.replace(/^[^@]*@/, '').replace(/:[0-9]*$/, '');
  if (!host || (!isHost(host, { allowWildcard: false }) && !/^\[[0-9a-fA-F:.]+\]$/.test(host))) {
    fail(scope, field, url, `must name a host after "${scheme}://", ${examples}`);
  }
  const port = /:([0-9]*)$/.exec(authority!)?.[1];
  if (port !== undefined && (port === '' || Number(port) < 1 || Number(port) > 65535)) {
    fail(scope, field, url, 'must have a port from 1 to 65535 after the host, when it has one');
  }
}
