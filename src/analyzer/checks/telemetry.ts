/** Telemetry checks against the mesh config's providers (IST0157, IST0002 for Lightstep). */
import { MeshModel, Reporter, arr, rec, str } from '../model';

export function checkTelemetryProviders(m: MeshModel, r: Reporter): void {
  const defaultAccessLogging = m.mesh.defaultProviders?.accessLogging ?? [];
  const lightstep = new Set((m.mesh.extensionProviders ?? [])
    .filter((p) => p.lightstep !== undefined && typeof p.name === 'string').map((p) => p.name!));
  for (const t of m.istio('Telemetry')) {
    if (t.group !== 'telemetry.istio.io') continue;
    if (defaultAccessLogging.length === 0) {
      arr(t.spec.accessLogging).forEach((lRaw, i) => {
        const l = rec(lRaw) ?? {};
        if (l.disabled === true || arr(l.providers).length > 0) return;
        r.report('IST0157', t, `spec.accessLogging[${i}].providers`,
          `The Telemetry ${t.name} in namespace "${t.ns}" names no access logging providers, and the mesh config has no default ones: it will be ignored.`,
          'Name providers (e.g. envoy) in the Telemetry, or set defaultProviders.accessLogging in the mesh config.');
      });
    }
    arr(t.spec.tracing).forEach((tr, i) => {
      arr(rec(tr)?.providers).forEach((p, j) => {
        const name = str(rec(p)?.name);
        if (name !== undefined && lightstep.has(name)) {
          r.report('IST0002', t, `spec.tracing[${i}].providers[${j}]`, `Deprecated: The Lightstep provider ${name} is deprecated, please migrate to OpenTelemetry provider.`,
            'Use an OpenTelemetry (opentelemetry) extension provider instead.', 'telemetry.LightstepAnalyzer');
        }
      });
    });
  }
}

/** Removed custom resource types (Istio's RBAC API of 1.0-1.3). */
const REMOVED_CRDS = new Set(['ClusterRbacConfig', 'RbacConfig', 'ServiceRole', 'ServiceRoleBinding'].map((k) => `rbac.istio.io/${k}`));

/** IST0002: deprecated fields (VirtualService fault delay percent, Sidecar egressProxy) and removed CRDs. */
export function checkDeprecatedFields(m: MeshModel, r: Reporter): void {
  for (const vs of m.istio('VirtualService')) {
    arr(vs.spec.http).forEach((h, i) => {
      const percent = rec(rec(rec(h)?.fault)?.delay)?.percent;
      if (typeof percent === 'number' && percent > 0) {
        r.report('IST0002', vs, `spec.http[${i}].fault.delay.percent`, 'Deprecated: HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage.',
          'Use fault.delay.percentage.value instead.', 'deprecation.DeprecationAnalyzer');
      }
    });
  }
  for (const sc of m.istio('Sidecar')) {
    if (rec(rec(sc.spec.outboundTrafficPolicy)?.egressProxy)) {
      r.report('IST0002', sc, 'spec.outboundTrafficPolicy.egressProxy', 'Deprecated: OutboundTrafficPolicy.EgressProxy ignored.',
        'Remove egressProxy; route egress traffic with a ServiceEntry and VirtualService instead.', 'deprecation.DeprecationAnalyzer');
    }
  }
  for (const e of m.entries) {
    if (e.kind !== 'CustomResourceDefinition') continue;
    const group = str(e.spec.group) ?? '';
    const kind = str(rec(e.spec.names)?.kind) ?? '';
    if (REMOVED_CRDS.has(`${group}/${kind}`)) {
      r.report('IST0002', e, 'spec.names.kind', `Deprecated: Custom resource type ${group} ${kind} is removed.`,
        'Delete the CustomResourceDefinition and use the security.istio.io APIs.', 'deprecation.DeprecationAnalyzer');
    }
  }
}
