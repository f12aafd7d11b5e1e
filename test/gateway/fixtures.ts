import { Chart } from 'cdk8s';
import { IstioBase, IstioBaseProps, Istiod, IstiodProps, IstioVersion } from '../../src';
import { newChart } from '../support/synth';

/** Both supported lines, newest first. */
export const VERSIONS = [IstioVersion.V1_30_3, IstioVersion.V1_20_3];

/**
 * A control plane in its own chart (never synthesized here: it belongs to other tests) and an empty
 * chart `test` for the gateway objects under test, so object-set assertions see only gateway objects.
 */
export function mesh(
  version: IstioVersion = IstioVersion.V1_30_3,
  istiodProps: Omit<IstiodProps, 'base'> = {},
  baseProps: Omit<IstioBaseProps, 'version'> = {},
): { istiod: Istiod; chart: Chart } {
  const meshChart = newChart('mesh');
  const base = new IstioBase(meshChart, 'base', { version, ...baseProps });
  const istiod = new Istiod(meshChart, 'istiod', { base, ...istiodProps });
  return { istiod, chart: newChart('test') };
}
