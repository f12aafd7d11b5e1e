/** Namespace checks: injection labels, and Pod Security levels that block injected pods. */
import { objectIdentity } from '../../kinds';
import { injectsNamespacesByDefault } from './injection';
import { Entry, MeshModel, Reporter, SYSTEM_NAMESPACES, Workload, namespaceRevision, rec, strMap } from '../model';

const INJECT = 'sidecar.istio.io/inject';

/** True when a pod decides injection itself (label or annotation `sidecar.istio.io/inject`). */
function podChoosesInjection(w: Workload): boolean {
  return w.labels[INJECT] !== undefined || w.annotations[INJECT] !== undefined;
}

export function checkNamespaces(m: MeshModel, r: Reporter): void {
  for (const ns of m.namespaces.values()) {
    const labels = strMap(rec(ns.obj.metadata)?.labels);
    const injection = labels['istio-injection'];
    const rev = labels['istio.io/rev'];
    const ambient = labels['istio.io/dataplane-mode'] === 'ambient';

    // As Istio counts them: istio-injection (any value), and istio.io/rev or istio.io/dataplane-mode unless
    // istio-injection says something other than enabled.
    const injectionLabels = [
      ...(injection !== undefined ? [`istio-injection=${injection}`] : []),
      ...(['istio.io/rev', 'istio.io/dataplane-mode'] as const)
        .filter((l) => labels[l] !== undefined && (injection === undefined || injection === 'enabled'))
        .map((l) => `${l}=${labels[l]}`),
    ];
    if (injectionLabels.length > 1 && ns.name !== m.rootNamespace) {
      r.report('IST0123', ns, 'metadata.labels',
        `The namespace has more than one type of injection label (${injectionLabels.join(', ')}); which one wins is undefined.`,
        injection === 'enabled'
          ? `Remove one label: keep istio.io/rev=${rev} for that revision, or istio-injection=enabled for the default revision.`
          : `Remove istio-injection=${injection} and keep istio.io/rev=${rev}, or remove istio.io/rev to leave the namespace out of the mesh.`);
    }

    const revision = namespaceRevision(labels);
    const injected = revision !== undefined;
    if (!injected && injection !== 'disabled' && !ambient && !SYSTEM_NAMESPACES.has(ns.name) && !m.controlPlaneNamespaces.has(ns.name)) {
      const workloads = (m.workloadsByNs.get(ns.name) ?? []).filter((w) => !podChoosesInjection(w));
      if (injectsNamespacesByDefault(m, undefined)) {
        r.report('IST0148', ns, 'metadata.labels',
          'The namespace has no injection label, and the injector injects such namespaces by default (sidecarInjectorWebhook.enableNamespacesByDefault).',
          'Label the namespace istio-injection=enabled to say so, or istio-injection=disabled to keep it out of the mesh.');
      } else if (workloads.length > 0) {
        const first = workloads[0].entry;
        r.report('IST0102', ns, 'metadata.labels',
          `The namespace is not enabled for Istio injection, but runs ${workloads.length} workload(s) (e.g. ${first.kind} ${first.name}) whose pods do not choose themselves.`,
          `Label the namespace istio-injection=enabled (or istio.io/rev=<revision>) to inject them, or istio-injection=disabled to mark it as outside the mesh.`);
      } else if (m.assumeComplete) {
        // the input is the whole cluster (as `istioctl analyze` on files): every namespace says where it stands
        r.report('IST0102', ns, 'metadata.labels', 'The namespace is not enabled for Istio injection.',
          `Label the namespace istio-injection=enabled (or istio.io/rev=<revision>), or istio-injection=disabled to mark it as outside the mesh.`);
      }
    }

    // CIS0002: Pod Security enforce level that rejects the istio-init container.
    const enforce = labels['pod-security.kubernetes.io/enforce'];
    if (injected && !ambient && (enforce === 'baseline' || enforce === 'restricted')) {
      const cni = m.injectsWithCni(revision!);
      if (cni === false) {
        r.report('CIS0002', ns, 'metadata.labels["pod-security.kubernetes.io/enforce"]',
          `The namespace enforces Pod Security "${enforce}" and has sidecar injection, but the mesh injects the istio-init container (CNI off), which needs NET_ADMIN and NET_RAW: its pods will be rejected.`,
          'Enable the Istio CNI node agent (then injection uses istio-validation, which needs no capabilities), or set pod-security.kubernetes.io/enforce=privileged on this namespace.');
      }
    }
  }
}

const TEMPLATES = 'inject.istio.io/templates';

/**
 * The revision whose injector handles a pod, as the injection webhooks select it: the namespace's
 * `istio-injection=enabled` (default revision) or `istio.io/rev` first, then the pod's `istio.io/rev`, then
 * the pod's `sidecar.istio.io/inject=true` (default revision). Undefined when nothing injects the pod (or the
 * input cannot tell: the namespace is not in it and the pod does not decide).
 */
function injectingRevision(m: MeshModel, w: Workload): string | undefined {
  if (w.labels[INJECT] === 'false' || w.annotations[INJECT] === 'false') return undefined;
  const nsLabels = strMap(rec(m.namespaces.get(w.ns)?.obj.metadata)?.labels);
  if (nsLabels['istio-injection'] === 'disabled') return undefined;
  const nsRevision = namespaceRevision(nsLabels);
  if (nsRevision !== undefined) return nsRevision;
  if (w.labels['istio.io/rev'] !== undefined) return w.labels['istio.io/rev'];
  if (w.labels[INJECT] === 'true') return '';
  return undefined;
}

/** CIS0004: a pod names an injection template the injector of its revision lacks. */
export function checkInjectionTemplates(m: MeshModel, r: Reporter): void {
  for (const w of m.workloads) {
    const asked = w.annotations[TEMPLATES];
    if (asked === undefined) continue;
    const revision = injectingRevision(m, w);
    if (revision === undefined) continue;
    const have = m.injectionTemplates(revision);
    if (!have) continue;
    const missing = asked.split(',').map((t) => t.trim()).filter((t) => t !== '' && !have.has(t));
    if (missing.length === 0) continue;
    const injector = revision && revision !== 'default' ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector';
    r.report('CIS0004', w.entry, `${w.podMetaPath}.annotations["${TEMPLATES}"]`,
      `The pod asks for injection template(s) ${missing.map((t) => `"${t}"`).join(', ')}, which the injector (ConfigMap ${injector}) does not have; it has ${[...have].sort().map((t) => `"${t}"`).join(', ')}. istiod will refuse to inject the pod.`);
  }
}

/** CIS0003: the same object (group, kind, namespace, name) given twice. */
export function checkDuplicates(m: MeshModel, r: Reporter): void {
  const first = new Map<string, Entry>();
  for (const e of m.entries) {
    const key = objectIdentity(e.group, e.kind, e.ns, e.name);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, e);
      continue;
    }
    const where = earlier.constructPath ? ` (construct ${earlier.constructPath})` : earlier.file ? ` (file ${earlier.file})` : '';
    r.report('CIS0003', e, 'metadata.name',
      `${e.kind} ${e.ns ? e.ns + '/' : ''}${e.name} is defined more than once; an earlier definition${where} would be replaced by this one.`);
  }
}
