import { Chart, Testing } from 'cdk8s';
import { Istiod } from '../../src/istiod/istiod';
import { IIstiod } from '../../src/istiod/istiod-ref';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { K8sObject } from '../support/schema';
import { synthValid } from '../support/synth';

/** Both releases: tag, version, apiVersion of the networking kinds served at v1 from 1.22 (v1beta1 at 1.20). */
export const RELEASES: Array<[string, IstioVersion, string]> = [
  ['1.30.3', IstioVersion.V1_30_3, 'networking.istio.io/v1'],
  ['1.20.3', IstioVersion.V1_20_3, 'networking.istio.io/v1beta1'],
];

/** A chart `c` with a control plane described by attributes (installed elsewhere), as an application chart has it. */
export function mesh(version: IstioVersion = IstioVersion.V1_30_3): { chart: Chart; istiod: IIstiod } {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { disableResourceNameHashes: true });
  const istiod = Istiod.fromAttributes(chart, 'mesh', { version });
  return { chart, istiod };
}

/** The objects of the chart (schema-checked). */
export function synth(chart: Chart): K8sObject[] {
  return synthValid(chart);
}

/** The IstioValidationError `fn` throws (fails the test when it throws nothing or something else). */
export function refusal(fn: () => unknown): IstioValidationError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof IstioValidationError)) throw e;
    return e;
  }
  throw new Error('expected an IstioValidationError, nothing was thrown');
}

/** [constructPath, field, value] of a refusal, for one-line assertions. */
export function where(e: IstioValidationError): [string, string, string] {
  return [e.constructPath, e.field, e.value];
}
