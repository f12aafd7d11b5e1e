/** Helpers for the GitOps output tests: a two-chart app, reading trees back, and kubectl. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { IstioVersion } from '../../src/version';
import { K8sObject } from '../support/schema';
import { addControlPlane, addGateway, addMeshPolicy, chartIn, newApp } from './fixtures';

/**
 * Two charts like the platform presets: `mlops` (1.30.3, ingress gateway in its own namespace) and
 * `pi` (1.20.3, ingress and egress gateways in istio-system), each with mesh policy.
 */
export function platformApp(): App {
  const app = newApp();
  const mlops = chartIn(app, 'mlops');
  addControlPlane(mlops, IstioVersion.V1_30_3);
  addGateway(mlops, 'ingress', { name: 'istio-ingressgateway', namespace: 'istio-gateway', istio: 'ingressgateway' });
  addMeshPolicy(mlops, IstioVersion.V1_30_3);
  const pi = chartIn(app, 'pi');
  addControlPlane(pi, IstioVersion.V1_20_3);
  addGateway(pi, 'ingress', { name: 'istio-ingressgateway', namespace: 'istio-system', istio: 'ingressgateway' });
  addGateway(pi, 'egress', { name: 'istio-egressgateway', namespace: 'istio-system', istio: 'egressgateway' });
  addMeshPolicy(pi, IstioVersion.V1_20_3);
  return app;
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'gitops-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below `dir` as relative path → bytes (hex), sorted by path. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out[r] = fs.readFileSync(path.join(d, e.name)).toString('hex');
    }
  };
  walk(dir, '');
  return out;
}

/** The documents of a YAML file. */
export function yamlDocs(text: string): K8sObject[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(`YAML error: ${d.errors[0].message}`);
    return d.toJS() as K8sObject;
  }).filter((d) => d !== null);
}

/** Path of kubectl; fails (does not skip) with instructions when it is missing. */
export function kubectl(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('kubectl is required by the GitOps tests (`kubectl kustomize` must accept every output folder) but was not found on PATH: '
      + 'install it, e.g. `apt-get install -y kubernetes-client` on Debian');
  }
}

/** `kubectl kustomize <dir>` parsed into objects; throws with kubectl's message when it rejects the folder. */
export function kustomize(dir: string): K8sObject[] {
  try {
    return yamlDocs(execFileSync(kubectl(), ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`kubectl kustomize ${dir} failed: ${err.stderr || err.message}`);
  }
}
