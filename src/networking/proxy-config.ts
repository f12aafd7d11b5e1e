import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { ProxyConfigSpec } from '../resource/specs.generated';
import { fail, isDnsLabel } from '../validation';
import { checkSelectorLabels } from './rules';

/** Props of {@link ProxyConfig}. */
export interface ProxyConfigProps extends IstioResourceProps<ProxyConfigSpec> {}

/** An environment variable name as Kubernetes accepts it in a container's `env`. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * An Istio `ProxyConfig` (networking.istio.io/v1beta1): proxy settings for the whole mesh (in the root namespace), a
 * namespace, or the workloads `selector` picks: worker threads, the proxy image variant, environment variables. The
 * spec is Istio's, field for field; it is checked against the release's CRD schema and the rules Istio's validating
 * webhook applies (concurrency not negative, a selector without wildcards or empty keys), and, because injection puts
 * them into the pod, an image type that is a variant name and environment variable names Kubernetes accepts.
 *
 * @example
 * // Istio reference "ProxyConfig": the ratings workloads get as many worker threads as CPUs, and the debug image
 * new ProxyConfig(chart, 'per-workload-proxyconfig', {
 *   namespace: { istiod, name: 'example' },
 *   spec: { selector: { matchLabels: { app: 'ratings' } }, concurrency: 0, image: { imageType: 'debug' } },
 * });
 */
export class ProxyConfig extends IstioResource<ProxyConfigSpec> {
  public constructor(scope: Construct, id: string, props: ProxyConfigProps) {
    super(scope, id, 'ProxyConfig', props, checkProxyConfig);
  }
}

function checkProxyConfig(scope: Construct, spec: ProxyConfigSpec, _ctx: IstioRuleContext): void {
  checkSelectorLabels(scope, 'spec.selector.matchLabels', spec.selector?.matchLabels);
  if (spec.concurrency !== undefined && spec.concurrency < 0) {
    fail(scope, 'spec.concurrency', spec.concurrency, 'must be 0 or more: the number of worker threads (0: one per CPU the proxy may use)');
  }
  const type = spec.image?.imageType;
  if (type !== undefined && !isDnsLabel(type)) {
    fail(scope, 'spec.image.imageType', type, 'must be an image variant name such as "default", "debug" or "distroless" (lower-case letters, digits and "-"; it becomes the image tag suffix)');
  }
  for (const name of Object.keys(spec.environmentVariables ?? {})) {
    if (!ENV_NAME.test(name)) {
      fail(scope, 'spec.environmentVariables key', name, 'must be an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit (injection sets it on the proxy container)');
    }
  }
}
