import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { IstioBase, Istiod, IstioVersion } from '../../src';

export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any };

/** An app with a chart holding IstioBase (Gateway API CRDs on) and istiod of `version`. */
export function mesh(version: IstioVersion = IstioVersion.V1_30_3): { app: App; chart: Chart; istiod: Istiod } {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
  const base = new IstioBase(chart, 'base', { version, gatewayApi: true });
  const istiod = new Istiod(chart, 'istiod', { base });
  return { app, chart, istiod };
}

/** A Service object `namespace/name` with the given ports. */
export function service(chart: Chart, namespace: string, name: string, ports: number[] = [8080]): ApiObject {
  return new ApiObject(chart, `svc-${namespace}-${name}`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace },
    spec: { selector: { app: name }, ports: ports.map((port) => ({ name: `http-${port}`, port })) },
  });
}

/** The Gateway API objects (not the CRDs) of a chart. */
export function gatewayApiObjects(chart: Chart): Obj[] {
  return (Testing.synth(chart) as Obj[]).filter((o) => o.apiVersion.startsWith('gateway.networking.k8s.io/'));
}

/** The one object of `kind` named `name`. */
export function one(objs: Obj[], kind: string, name: string): Obj {
  const hits = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  if (hits.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${hits.length}`);
  return hits[0];
}

/** Runs `f` and returns the IstioValidationError it throws (fails the test if it throws none or another error). */
export function validationError(f: () => unknown): { constructPath: string; field: string; value: string; expected: string; message: string } {
  try {
    f();
  } catch (e) {
    if ((e as Error).name !== 'IstioValidationError') throw e;
    return e as any;
  }
  throw new Error('expected an IstioValidationError, none was thrown');
}
