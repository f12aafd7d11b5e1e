import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { AuthorizationPolicySpec, AuthorizationPolicySpecRule } from '../resource/specs.generated';
import { fail, isCidr, isIP } from '../validation';
import { checkAuthzPath, checkConditionKey } from './authorization-rules';
import { checkPolicyTargeting } from './policy-target';

/** Props of {@link AuthorizationPolicy}. */
export interface AuthorizationPolicyProps extends IstioResourceProps<AuthorizationPolicySpec> {}

/**
 * An Istio `AuthorizationPolicy` (security.istio.io): ALLOW, DENY, AUDIT or CUSTOM (an ext-authz provider of the
 * mesh config) access control for the selected workloads, a waypoint or gateway (`targetRefs`), or the whole
 * namespace (the whole mesh in the root namespace). The spec is Istio's, field for field, checked against the
 * release's CRD schema and the rules Istio's validating webhook applies (provider only with CUSTOM, sources and
 * operations not empty, addresses, ports, paths, condition keys and their values, selector or targetRefs).
 *
 * The action is exactly the one written: a policy without `action` is an ALLOW policy, as in Istio.
 *
 * @example
 * new AuthorizationPolicy(chart, 'deny-untrusted', {
 *   namespace: { istiod, name: 'bookinfo' },
 *   spec: {
 *     action: 'DENY',
 *     selector: { matchLabels: { app: 'ratings' } },
 *     rules: [{ from: [{ source: { notNamespaces: ['bookinfo'] } }], to: [{ operation: { methods: ['POST'] } }] }],
 *   },
 * });
 */
export class AuthorizationPolicy extends IstioResource<AuthorizationPolicySpec> {
  public constructor(scope: Construct, id: string, props: AuthorizationPolicyProps) {
    super(scope, id, 'AuthorizationPolicy', props, checkAuthorizationPolicy);
  }

  /** The action (`ALLOW` when the spec leaves it out, as Istio reads it). */
  public get action(): 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM' {
    return this.spec.action ?? 'ALLOW';
  }
}

const ADDRESS_LISTS = ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const;

function checkAuthorizationPolicy(scope: Construct, spec: AuthorizationPolicySpec, ctx: IstioRuleContext): void {
  const action = spec.action ?? 'ALLOW';
  if (action === 'CUSTOM' && !spec.provider?.name) {
    fail(scope, 'spec.provider.name', spec.provider?.name, 'is required with action CUSTOM: the name of an extension provider of the mesh config (meshConfig.extensionProviders)');
  }
  if (spec.provider && action !== 'CUSTOM') {
    fail(scope, 'spec.provider', spec.provider, `is only allowed with action CUSTOM (the action is ${action})`);
  }
  checkPolicyTargeting(scope, spec, ctx.version);
  (spec.rules ?? []).forEach((r, i) => checkRule(scope, `spec.rules[${i}]`, r, ctx));
}

function checkRule(scope: Construct, field: string, rule: AuthorizationPolicySpecRule, ctx: IstioRuleContext): void {
  (rule.from ?? []).forEach((f, j) => {
    const at = `${field}.from[${j}].source`;
    const source = f.source;
    if (!source || Object.values(source).every((v) => v === undefined)) fail(scope, at, source, 'must set at least one field (a source matching everything is written by leaving `from` out)');
    for (const [k, list] of Object.entries(source)) {
      (list as readonly string[] | undefined)?.forEach((v, n) => {
        if (typeof v !== 'string' || v === '' || /\s/.test(v)) fail(scope, `${at}.${k}[${n}]`, v, 'must be a non-empty string without spaces');
      });
    }
    for (const k of ADDRESS_LISTS) {
      source[k]?.forEach((v, n) => {
        if (!isIP(v) && !isCidr(v)) fail(scope, `${at}.${k}[${n}]`, v, 'must be an IP address or a CIDR block such as "10.0.0.0/8"');
      });
    }
  });
  (rule.to ?? []).forEach((t, j) => {
    const at = `${field}.to[${j}].operation`;
    const op = t.operation;
    if (!op || Object.values(op).every((v) => v === undefined)) fail(scope, at, op, 'must set at least one field (an operation matching everything is written by leaving `to` out)');
    for (const k of ['ports', 'notPorts'] as const) {
      op[k]?.forEach((p, n) => {
        if (!/^[1-9][0-9]{0,4}$/.test(p) || Number(p) > 65535) fail(scope, `${at}.${k}[${n}]`, p, 'must be a port number from 1 to 65535, written as a string, e.g. "8080"');
      });
    }
    for (const k of ['paths', 'notPaths'] as const) op[k]?.forEach((p, n) => checkAuthzPath(scope, `${at}.${k}[${n}]`, p, ctx.version));
    for (const k of ['methods', 'notMethods', 'hosts', 'notHosts'] as const) {
      op[k]?.forEach((v, n) => {
        if (typeof v !== 'string' || v === '' || /\s/.test(v)) fail(scope, `${at}.${k}[${n}]`, v, 'must be a non-empty string without spaces');
      });
    }
  });
  (rule.when ?? []).forEach((c, j) => {
    const at = `${field}.when[${j}]`;
    const key = checkConditionKey(scope, `${at}.key`, c.key, ctx.version);
    if (!c.values?.length && !c.notValues?.length) fail(scope, at, c, 'must set values or notValues');
    for (const k of ['values', 'notValues'] as const) {
      const list = c[k];
      if (list && key.maxValues !== undefined && list.length > key.maxValues) {
        fail(scope, `${at}.${k}`, list, `must list at most ${key.maxValues} values for ${key.shown} (Istio's limit)`);
      }
      list?.forEach((v, n) => {
        const bad = key.value?.(v);
        if (bad !== undefined) fail(scope, `${at}.${k}[${n}]`, v, bad);
      });
    }
  });
}
