import { Chart } from 'cdk8s';
import { IstioBase } from '../../src/base/istio-base';
import { Istiod, IstiodProps } from '../../src/istiod/istiod';
import { IstioVersion } from '../../src/version';
import { newChart } from '../support/synth';

export const VERSIONS: Array<[string, IstioVersion, string, string]> = [
  ['1.30.3', IstioVersion.V1_30_3, 'security.istio.io/v1', 'networking.istio.io/v1'],
  ['1.20.3', IstioVersion.V1_20_3, 'security.istio.io/v1beta1', 'networking.istio.io/v1beta1'],
];

/**
 * A real control plane in its own chart (`mesh`), and an empty chart `apps` for the objects under test,
 * so assertions and schema validation see only what the construct under test renders.
 */
export function meshAndApps(version: IstioVersion = IstioVersion.V1_30_3, istiod: Omit<IstiodProps, 'base'> = {}): { istiod: Istiod; chart: Chart; meshChart: Chart } {
  const meshChart = newChart('mesh');
  const base = new IstioBase(meshChart, 'base', { version });
  const cp = new Istiod(meshChart, 'istiod', { base, ...istiod });
  return { istiod: cp, chart: newChart('apps'), meshChart };
}
