/**
 * The keys of {@link IstioBaseProps} and of the label options, checked at run time by `checkKnownKeys` (an unknown key is an error naming its
 * path and the closest valid key, instead of vanishing); the compiler keeps the shape equal to the interface.
 *
 * @internal
 */
import type { Shape } from '../resource/keys';
import type { IstioBaseProps } from './istio-base';
import type { CommonLabelOptions } from './labels';

export const ISTIO_BASE_PROPS: Shape<IstioBaseProps> = {
  version: 'ref',
  namespace: true,
  kubernetesVersion: true,
  createNamespace: true,
  namespaceLabels: true,
  crds: 'ref',
  defaultRevision: true,
  defaultValidator: true,
  readerServiceAccount: true,
  validateGateway: true,
  gatewayApi: true,
};

/** The label options (chartLabels reads three of them; commonLabels passes it all of them). */
export const COMMON_LABEL_OPTIONS: Shape<CommonLabelOptions> = {
  release: true, chart: true, app: true, name: true, component: true, extra: true, managedBy: true,
};
