/**
 * Gateway API checks: policies that select a Kubernetes Gateway's pods with `selector` (IST0166), and Gateway API
 * CRDs older than Istio reads (IST0176).
 */
import { MeshModel, Reporter, rec, strMap } from '../model';

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';
const POLICY_KINDS = ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin'];

/** The oldest Gateway API bundle version of each CRD that Istio 1.30 processes (kinds it gates by version). */
const MINIMUM_BUNDLE_VERSIONS: Record<string, readonly [number, number, number]> = {
  'grpcroutes.gateway.networking.k8s.io': [1, 1, 0],
  'backendtlspolicies.gateway.networking.k8s.io': [1, 4, 0],
  'tlsroutes.gateway.networking.k8s.io': [1, 5, 0],
};

export function checkGatewayApi(m: MeshModel, r: Reporter): void {
  for (const kind of POLICY_KINDS) {
    for (const p of m.istio(kind)) {
      if (rec(p.spec.targetRef) || Array.isArray(p.spec.targetRefs) && p.spec.targetRefs.length > 0) continue;
      const selector = rec(p.spec.selector);
      if (!selector) continue;
      const labels = strMap(selector.matchLabels);
      const gateways = new Set<string>();
      for (const w of m.workloadsByNs.get(p.ns!) ?? []) {
        const gw = w.labels[GATEWAY_NAME];
        if (gw !== undefined && Object.keys(labels).every((k) => w.labels[k] === labels[k])) gateways.add(gw);
      }
      for (const gw of [...gateways].sort()) {
        r.report('IST0166', p, 'spec.selector',
          `Ineffective selector on Kubernetes Gateway ${gw}: policies attach to a Gateway API Gateway through targetRefs, not selector.`,
          `Replace spec.selector with spec.targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: ${gw} }].`);
      }
    }
  }
  for (const crd of m.entries) {
    if (crd.kind !== 'CustomResourceDefinition') continue;
    const minimum = MINIMUM_BUNDLE_VERSIONS[crd.name];
    const bundle = strMap(rec(crd.obj.metadata)?.annotations)['gateway.networking.k8s.io/bundle-version'];
    const v = bundle === undefined ? undefined : /^v?(\d+)\.(\d+)\.(\d+)/.exec(bundle);
    if (!minimum || !v) continue;
    const installed = [Number(v[1]), Number(v[2]), Number(v[3])];
    const below = installed[0] - minimum[0] || installed[1] - minimum[1] || installed[2] - minimum[2];
    if (below < 0) {
      r.report('IST0176', crd, 'metadata.annotations["gateway.networking.k8s.io/bundle-version"]',
        `Gateway API CRD "${crd.name}" is at version "${bundle}" but Istio requires at least "${minimum.join('.')}"; resources of this kind will not be processed.`,
        `Upgrade the Gateway API CRDs to ${minimum.join('.')} or later.`);
    }
  }
}
