import { IstioVersion } from '../../version';
import { InjectionPolicyOptions, ProxyOptions } from './options';

export * from './options';

/** Everything the injector ConfigMap is built from, resolved by `Istiod`. */
export interface InjectorInput {
  readonly version: IstioVersion;
  /** Install namespace. */
  readonly namespace: string;
  /** Revision, undefined for the default revision. */
  readonly revision?: string;
  readonly trustDomain: string;
  readonly hub: string;
  readonly tag: string;
  readonly variant?: string;
  readonly proxy: ProxyOptions;
  readonly cni: boolean;
  /** undefined = the version's default (false on 1.20, auto on 1.30). */
  readonly nativeSidecars?: boolean;
  readonly policy: InjectionPolicyOptions;
  readonly clusterName: string;
  readonly meshId?: string;
  readonly network?: string;
  /** `istiod[-rev].<ns>.svc:15012` */
  readonly caAddress: string;
}

/** Builds the `config` (YAML text) and `values` (JSON text) keys of `istio-sidecar-injector[-rev]`. */
export function renderInjectorData(input: InjectorInput): { config: string; values: string } {
  // Interim: policy and values only; the injection implementation adds the templates.
  const values = { global: { hub: input.hub, tag: input.tag }, revision: input.revision ?? '' };
  return {
    config: `policy: ${input.policy.enabled === false ? 'disabled' : 'enabled'}\n`,
    values: JSON.stringify(values, null, 2),
  };
}
