/**
 * Injection checks of pods as the cluster runs them: pods of injected namespaces without the proxy (IST0103),
 * proxies whose image differs from the injector's (IST0158), `image: auto` where no injector will replace it
 * (IST0146, IST0147), namespaces injected by default (IST0148).
 */
import { Entry, Json, MeshModel, Reporter, Workload, arr, labelSelectorMatches, rec, str, strMap } from '../model';

const PROXY = 'istio-proxy';
const INJECT = 'sidecar.istio.io/inject';

/** The injector ConfigMap name of a revision ('' or 'default' = the default revision). */
export function injectorConfigMapName(revision: string): string {
  return revision === '' || revision === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`;
}

/** The `values` JSON of an injector ConfigMap, parsed (undefined when absent or unreadable). */
export function injectorValues(cm: Entry): Json | undefined {
  const text = str(rec(cm.obj.data)?.values);
  if (!text) return undefined;
  try {
    return rec(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The proxy image an injector injects: `global.proxy.image` when it is a full reference, else hub/image:tag. */
function injectorProxyImage(values: Json): string {
  const global = rec(values.global) ?? {};
  const image = str(rec(global.proxy)?.image) ?? '';
  if (image.includes('/')) return image;
  return `${str(global.hub) ?? ''}/${image}:${str(global.tag) ?? ''}`;
}

function containersOf(w: Workload): Json[] {
  return [...arr(w.podSpec.containers), ...arr(w.podSpec.initContainers)].map((c) => rec(c) ?? {});
}

function proxyContainer(w: Workload): Json | undefined {
  return containersOf(w).find((c) => str(c.name) === PROXY);
}

/** The image type (`distroless`, ...) a pod's proxy uses: mesh default, ProxyConfig (root, namespace, workload), pod annotation. */
function imageType(m: MeshModel, w: Workload): string {
  let variant = m.mesh.defaultConfig?.image?.imageType ?? '';
  const typeOf = (pc: Entry): string => str(rec(pc.spec.image)?.imageType) ?? '';
  const proxyConfigs = m.istio('ProxyConfig');
  for (const pc of proxyConfigs) if (pc.ns === m.rootNamespace && typeOf(pc)) variant = typeOf(pc);
  for (const pc of proxyConfigs) if (pc.ns === w.ns && pc.ns !== m.rootNamespace && !rec(pc.spec.selector) && typeOf(pc)) variant = typeOf(pc);
  for (const pc of proxyConfigs) {
    const sel = strMap(rec(pc.spec.selector)?.matchLabels);
    if (pc.ns === w.ns && rec(pc.spec.selector) && Object.keys(sel).every((k) => w.labels[k] === sel[k]) && typeOf(pc)) variant = typeOf(pc);
  }
  const annotation = w.annotations['proxy.istio.io/config'];
  const m1 = annotation ? /imageType:\s*["']?([A-Za-z0-9_-]+)/.exec(annotation) : null;
  if (m1) variant = m1[1];
  return variant === 'default' ? '' : variant;
}

export function checkInjection(m: MeshModel, r: Reporter): void {
  const injectors = new Map<string, Entry>();
  for (const cm of m.k8s('ConfigMap')) if (cm.group === '' && cm.name.startsWith('istio-sidecar-injector')) injectors.set(cm.name, cm);

  // Namespaces and the revision that injects them ('default' for istio-injection=enabled).
  const injectedRevision = new Map<string, string>();
  for (const ns of m.namespaces.values()) {
    const labels = strMap(rec(ns.obj.metadata)?.labels);
    if (labels['istio.io/rev'] !== undefined) injectedRevision.set(ns.name, labels['istio.io/rev']);
    else if (labels['istio-injection'] === 'enabled') injectedRevision.set(ns.name, 'default');
  }

  const pods = m.workloads.filter((w) => w.entry.kind === 'Pod');
  const mismatched = new Map<string, string[]>();
  for (const w of pods) {
    const nsLabels = strMap(rec(m.namespaces.get(w.ns)?.obj.metadata)?.labels);
    // IST0103: a running pod of an istio-injection=enabled namespace without the proxy.
    if (nsLabels['istio-injection'] === 'enabled' && w.ns !== m.rootNamespace) {
      const choice = w.labels[INJECT] ?? w.annotations[INJECT];
      if ((choice ?? '').toLowerCase() !== 'false' && w.podSpec.hostNetwork !== true && !str(proxyContainer(w)?.image)) {
        r.report('IST0103', w.entry, 'spec.containers',
          `The pod ${w.ns}/${w.entry.name} is missing the Istio proxy although its namespace has istio-injection=enabled.`);
      }
    }
    // IST0158: the proxy image differs from the one the namespace's injector injects.
    const revision = injectedRevision.get(w.ns);
    const injector = revision !== undefined ? injectors.get(injectorConfigMapName(revision)) : undefined;
    const values = injector ? injectorValues(injector) : undefined;
    if (values && !w.annotations['sidecar.istio.io/proxyImage']) {
      const want = injectorProxyImage(values);
      const variant = imageType(m, w);
      for (const c of containersOf(w)) {
        if (str(c.name) !== PROXY) continue;
        const image = str(c.image) ?? '';
        if (image !== want && image !== `${want}-${variant}`) {
          const l = mismatched.get(w.ns);
          if (l) l.push(w.entry.name);
          else mismatched.set(w.ns, [w.entry.name]);
        }
      }
    }
  }
  for (const [ns, names] of mismatched) {
    const nsEntry = m.namespaces.get(ns);
    if (!nsEntry) continue;
    r.report('IST0158', nsEntry, 'metadata.name',
      `The Istio proxy image of pods in namespace ${ns} differs from the image the injector injects: ${[...names].sort().join(', ')}.`,
      'Restart (roll out) these pods so that the injector gives them the current proxy image.');
  }

  // IST0148: a namespace without injection labels is injected anyway (enableNamespacesByDefault).
  // (Reported by checkNamespaces instead of IST0102; see namespaceInjectedByDefault.)

  // IST0146/IST0147: `image: auto` is replaced by the injector only.
  const webhooks: Json[] = [];
  for (const e of m.entries) {
    if (e.kind !== 'MutatingWebhookConfiguration') continue;
    for (const wh of arr(e.obj.webhooks)) {
      const h = rec(wh);
      if (h && (str(h.name) ?? '').endsWith('istio.io')) webhooks.push(h);
    }
  }
  const autoImage = (w: Workload) => arr(w.podSpec.containers).some((c) => str(rec(c)?.name) === PROXY && str(rec(c)?.image) === 'auto');
  for (const w of m.workloads) {
    if (!autoImage(w)) continue;
    if (w.entry.kind === 'Pod') {
      r.report('IST0147', w.entry, 'spec.containers',
        `Pod ${w.entry.name} has an istio-proxy container with image: auto, which the injector did not replace: the pod cannot start.`);
    } else if (w.entry.kind === 'Deployment') {
      const nsLabels = strMap(rec(m.namespaces.get(w.ns)?.obj.metadata)?.labels);
      const matched = webhooks.some((h) => labelSelectorMatches(h.namespaceSelector, nsLabels) && labelSelectorMatches(h.objectSelector, w.labels));
      if (!matched) {
        r.report('IST0146', w.entry, `${w.podMetaPath}`,
          `Deployment ${w.entry.name} has an istio-proxy container with image: auto, but no Istio injection webhook selects its pods.`);
      }
    }
  }
}

/** True when the injector of `revision` injects namespaces without labels (`sidecarInjectorWebhook.enableNamespacesByDefault`). */
export function injectsNamespacesByDefault(m: MeshModel, revision: string | undefined): boolean {
  const cm = m.k8s('ConfigMap').find((e) => e.group === '' && e.name === injectorConfigMapName(revision ?? ''));
  const values = cm ? injectorValues(cm) : undefined;
  return rec(values?.sidecarInjectorWebhook)?.enableNamespacesByDefault === true;
}
