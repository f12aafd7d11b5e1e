/**
 * The keys of {@link IstioBaseProps}, checked at run time by `checkKnownKeys` (an unknown key is an error naming its
 * path and the closest valid key, instead of vanishing); the compiler keeps the shape equal to the interface.
 *
 * @internal
 */
import type { Shape } from '../resource/keys';
import type { IstioBaseProps } from './istio-base';

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
