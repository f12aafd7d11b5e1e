/**
 * Schema validation of synthesized objects against kubernetes-models (Kubernetes),
 * @kubernetes-models/istio (Istio CRs), @kubernetes-models/argo-cd, @kubernetes-models/cert-manager and
 * @kubernetes-models/gateway-api (Kubernetes Gateway API; JSON schemas without the CEL rules, which the kube-apiserver
 * conformance suites apply with the CRDs' real schemas).
 * Every test that synthesizes objects runs them through {@link validateAll}.
 */

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [key: string]: any;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

const MODEL_PACKAGES: Array<[RegExp, string]> = [
  [/\.istio\.io$/, '@kubernetes-models/istio'],
  [/^argoproj\.io$/, '@kubernetes-models/argo-cd'],
  [/cert-manager\.io$/, '@kubernetes-models/cert-manager'],
  [/^gateway\.networking\.k8s\.io$/, '@kubernetes-models/gateway-api'],
];

/** Module path of the model class for an apiVersion/kind (single file, not the package root). */
export function modelPath(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const pkg = MODEL_PACKAGES.find(([re]) => re.test(group))?.[1] ?? 'kubernetes-models';
  return group ? `${pkg}/${group}/${version}/${kind}` : `${pkg}/${version}/${kind}`;
}

const cache = new Map<string, ModelClass>();

function modelFor(apiVersion: string, kind: string): ModelClass {
  const path = modelPath(apiVersion, kind);
  let cls = cache.get(path);
  if (!cls) {
    let mod: Record<string, ModelClass>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(path);
    } catch (e) {
      throw new Error(`no schema model for ${apiVersion} ${kind} (looked for ${path}): ${(e as Error).message}`);
    }
    cls = mod[kind];
    if (!cls) throw new Error(`module ${path} has no export ${kind}`);
    cache.set(path, cls);
  }
  return cls;
}

/** Validates one object; throws with the object's identity and the schema errors. */
export function validateObject(obj: K8sObject): void {
  if (!obj || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    throw new Error(`not a Kubernetes object: ${JSON.stringify(obj)?.slice(0, 200)}`);
  }
  const Model = modelFor(obj.apiVersion, obj.kind);
  try {
    new Model(obj).validate();
  } catch (e) {
    const id = `${obj.apiVersion} ${obj.kind} ${obj.metadata?.namespace ? obj.metadata.namespace + '/' : ''}${obj.metadata?.name}`;
    throw new Error(`schema validation failed for ${id}: ${(e as Error).message}`);
  }
}

/** Validates every object; returns how many were validated. */
export function validateAll(objs: K8sObject[]): number {
  for (const o of objs) validateObject(o);
  return objs.length;
}
