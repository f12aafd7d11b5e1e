import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { PeerAuthenticationSpec } from '../resource/specs.generated';
import { fail } from '../validation';
import { checkPolicySelector } from './policy-target';

/** Props of {@link PeerAuthentication}. */
export interface PeerAuthenticationProps extends IstioResourceProps<PeerAuthenticationSpec> {}

/** mTLS mode of a workload or port: STRICT (mTLS only), PERMISSIVE (mTLS or plain text), DISABLE (plain text). */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/**
 * An Istio `PeerAuthentication` (security.istio.io): which mutual-TLS mode the sidecars (or ztunnel) of a namespace
 * or of selected workloads accept, `STRICT`, `PERMISSIVE`, `DISABLE` or `UNSET` (inherit), with exceptions per port.
 *
 * Where it applies follows from where it lives:
 * - in the mesh root namespace without a selector it is the mesh-wide policy: put it there with
 *   `namespace: { istiod, name: istiod.rootNamespace }` (Istio reads one such policy, by convention named `default`);
 * - in any other namespace without a selector it is that namespace's policy;
 * - with `selector.matchLabels` it applies to the selected workloads of its namespace, and only then may it carry
 *   `portLevelMtls` (Istio refuses port-level modes on a mesh- or namespace-wide policy).
 *
 * The spec is Istio's, field for field; it is checked against the release's CRD schema and the rules Istio's
 * validating webhook applies (port-level mTLS needs a selector and at least one port, ports 1-65535, selector labels
 * without wildcards).
 *
 * @example
 * // mesh-wide STRICT mTLS, in the root namespace
 * new PeerAuthentication(chart, 'mesh-mtls', {
 *   namespace: { istiod, name: istiod.rootNamespace },
 *   name: 'default',
 *   spec: { mtls: { mode: 'STRICT' } },
 * });
 * // the httpbin workloads of namespace bar: STRICT, but plain text on port 8080
 * new PeerAuthentication(chart, 'httpbin-mtls', {
 *   namespace: { istiod, name: 'bar' },
 *   name: 'httpbin',
 *   spec: {
 *     selector: { matchLabels: { app: 'httpbin' } },
 *     mtls: { mode: 'STRICT' },
 *     portLevelMtls: { 8080: { mode: 'DISABLE' } },
 *   },
 * });
 */
export class PeerAuthentication extends IstioResource<PeerAuthenticationSpec> {
  public constructor(scope: Construct, id: string, props: PeerAuthenticationProps) {
    super(scope, id, 'PeerAuthentication', props, checkPeerAuthentication);
  }

  /** The policy's scope: `mesh` (root namespace, no selector), `namespace` (no selector) or `workload`. */
  public get appliesTo(): 'mesh' | 'namespace' | 'workload' {
    if (this.spec.selector) return 'workload';
    return this.namespace === this.meshNamespace.istiod.rootNamespace ? 'mesh' : 'namespace';
  }

  /** The mTLS mode the policy sets for its workloads, or `UNSET` (inherited from the parent policy). */
  public get mode(): 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT' {
    return this.spec.mtls?.mode ?? 'UNSET';
  }
}

function checkPeerAuthentication(scope: Construct, spec: PeerAuthenticationSpec, ctx: IstioRuleContext): void {
  checkPolicySelector(scope, 'spec.selector', spec.selector);
  if (spec.portLevelMtls === undefined) return;
  const ports = Object.keys(spec.portLevelMtls);
  if (ports.length === 0) {
    fail(scope, 'spec.portLevelMtls', spec.portLevelMtls, 'must list at least one port when given (Istio refuses an empty map); leave it out otherwise');
  }
  if (!spec.selector) {
    const where = ctx.namespace === ctx.rootNamespace ? 'the mesh-wide policy (root namespace, no selector)' : `the namespace-wide policy of ${ctx.namespace} (no selector)`;
    fail(scope, 'spec.portLevelMtls', ports.join(', '), `needs spec.selector.matchLabels: Istio refuses port-level mTLS on ${where}; add a workload selector, or set the mode for the whole namespace with spec.mtls`);
  }
  for (const p of ports) {
    if (!/^[0-9]+$/.test(p) || Number(p) < 1 || Number(p) > 65535) {
      fail(scope, `spec.portLevelMtls.${p}`, p, 'must be a port number from 1 to 65535 (the workload\'s container port)');
    }
  }
}
