/**
 * Annotation checks: unknown keys in Istio domains, known keys on the wrong kind of object, and
 * deprecated keys.
 */
import { Entry, MeshModel, Reporter, rec, strMap } from '../model';

/** Where an annotation is read: a kind name, or 'Any'. */
interface Known {
  readonly on: readonly string[];
  /** Set when deprecated: the replacement or advice. */
  readonly deprecated?: string;
}

/**
 * The annotations Istio defines (istio.io/api's annotation package of Istio 1.30: name, the kinds it is read
 * from, whether it is deprecated), with this library's advice for the deprecated ones.
 */
const KNOWN: Record<string, Known> = {
  'alpha.istio.io/canonical-serviceaccounts': { on: ['Service'], deprecated: 'remove it: service accounts come from the workloads' },
  'alpha.istio.io/kubernetes-serviceaccounts': { on: ['Service'], deprecated: 'remove it: service accounts come from the workloads' },
  'ambient.istio.io/bypass-inbound-capture': { on: ['Pod'] },
  'ambient.istio.io/dns-capture': { on: ['Pod'] },
  'ambient.istio.io/redirection': { on: ['Pod'] },
  'ambient.istio.io/waypoint-inbound-binding': { on: ['GatewayClass', 'Gateway'] },
  'galley.istio.io/analyze-suppress': { on: ['Any'] },
  'gateway.istio.io/controller-version': { on: ['Any'] },
  'gateway.istio.io/name-override': { on: ['Gateway'] },
  'gateway.istio.io/service-account': { on: ['Gateway'] },
  'inject.istio.io/templates': { on: ['Pod'] },
  'istio.io/autoRegistrationGroup': { on: ['WorkloadEntry'] },
  'istio.io/connectedAt': { on: ['WorkloadEntry'] },
  'istio.io/disconnectedAt': { on: ['WorkloadEntry'] },
  'istio.io/dry-run': { on: ['AuthorizationPolicy'] },
  'istio.io/reroute-virtual-interfaces': { on: ['Pod'] },
  'istio.io/rev': { on: ['Pod'] },
  'istio.io/workloadController': { on: ['WorkloadEntry'] },
  'kubernetes.io/ingress.class': { on: ['Ingress'] },
  'networking.istio.io/exportTo': { on: ['Service'] },
  'networking.istio.io/service-type': { on: ['Gateway'] },
  'networking.istio.io/traffic-distribution': { on: ['Namespace', 'Service', 'ServiceEntry'] },
  'prometheus.istio.io/merge-metrics': { on: ['Pod'] },
  'proxy.istio.io/config': { on: ['Pod'] },
  'proxy.istio.io/overrides': { on: ['Pod'] },
  'readiness.status.sidecar.istio.io/applicationPorts': { on: ['Pod'] },
  'readiness.status.sidecar.istio.io/failureThreshold': { on: ['Pod'] },
  'readiness.status.sidecar.istio.io/initialDelaySeconds': { on: ['Pod'] },
  'readiness.status.sidecar.istio.io/periodSeconds': { on: ['Pod'] },
  'sidecar.istio.io/agentLogLevel': { on: ['Pod'] },
  'sidecar.istio.io/bootstrapOverride': { on: ['Pod'] },
  'sidecar.istio.io/componentLogLevel': { on: ['Pod'] },
  'sidecar.istio.io/discoveryAddress': { on: ['Pod'], deprecated: 'use proxy.istio.io/config with discoveryAddress' },
  'sidecar.istio.io/extraStatTags': { on: ['Pod'], deprecated: 'configure metric tags with the Telemetry API' },
  'sidecar.istio.io/inject': { on: ['Pod'], deprecated: 'use the sidecar.istio.io/inject label on the pod instead' },
  'sidecar.istio.io/interceptionMode': { on: ['Pod'] },
  'sidecar.istio.io/logLevel': { on: ['Pod'] },
  'sidecar.istio.io/nativeSidecar': { on: ['Pod'] },
  'sidecar.istio.io/proxyCPU': { on: ['Pod'] },
  'sidecar.istio.io/proxyCPULimit': { on: ['Pod'] },
  'sidecar.istio.io/proxyImage': { on: ['Pod'] },
  'sidecar.istio.io/proxyImageType': { on: ['Pod'] },
  'sidecar.istio.io/proxyMemory': { on: ['Pod'] },
  'sidecar.istio.io/proxyMemoryLimit': { on: ['Pod'] },
  'sidecar.istio.io/rewriteAppHTTPProbers': { on: ['Pod'] },
  'sidecar.istio.io/statsCompression': { on: ['Pod'], deprecated: 'remove it: stats compression is no longer configured per pod' },
  'sidecar.istio.io/statsEvictionInterval': { on: ['Pod'] },
  'sidecar.istio.io/statsFlushInterval': { on: ['Pod'] },
  'sidecar.istio.io/statsHistogramBins': { on: ['Pod'] },
  'sidecar.istio.io/statsHistogramBuckets': { on: ['Pod'] },
  'sidecar.istio.io/statsInclusionPrefixes': { on: ['Pod'], deprecated: 'use proxy.istio.io/config with proxyStatsMatcher' },
  'sidecar.istio.io/statsInclusionRegexps': { on: ['Pod'], deprecated: 'use proxy.istio.io/config with proxyStatsMatcher' },
  'sidecar.istio.io/statsInclusionSuffixes': { on: ['Pod'], deprecated: 'use proxy.istio.io/config with proxyStatsMatcher' },
  'sidecar.istio.io/status': { on: ['Pod'] },
  'sidecar.istio.io/userVolume': { on: ['Pod'] },
  'sidecar.istio.io/userVolumeMount': { on: ['Pod'] },
  'status.sidecar.istio.io/port': { on: ['Pod'] },
  'topology.istio.io/controlPlaneClusters': { on: ['Namespace'] },
  'traffic.istio.io/nodeSelector': { on: ['Service'] },
  'traffic.sidecar.istio.io/excludeInboundPorts': { on: ['Pod'] },
  'traffic.sidecar.istio.io/excludeInterfaces': { on: ['Pod'] },
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': { on: ['Pod'] },
  'traffic.sidecar.istio.io/excludeOutboundPorts': { on: ['Pod'] },
  'traffic.sidecar.istio.io/includeInboundPorts': { on: ['Pod'] },
  'traffic.sidecar.istio.io/includeOutboundIPRanges': { on: ['Pod'] },
  'traffic.sidecar.istio.io/includeOutboundPorts': { on: ['Pod'] },
  'traffic.sidecar.istio.io/kubevirtInterfaces': { on: ['Pod'], deprecated: 'use istio.io/reroute-virtual-interfaces' },
};

/** Annotations Istio's controllers set themselves: never reported. */
const ALWAYS_IGNORED = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);

/** True for a key Istio's analyzer reads: an Istio domain (`...istio.io/...`), or `kubernetes.io/ingress.class`. */
function isIstioKey(key: string): boolean {
  if (key === 'kubernetes.io/ingress.class') return true;
  const slash = key.indexOf('/');
  return slash >= 0 && key.slice(0, slash).endsWith('istio.io');
}

const uint = (max: number) => (v: string): string | undefined => (/^\d+$/.test(v.trim()) && Number(v.trim()) <= max ? undefined : `not an integer from 0 to ${max}`);
const port = uint(65535);

function cidrList(v: string): string | undefined {
  if (v === '') return undefined;
  for (const c of v.split(',')) {
    const m = /^([0-9.]+|[0-9a-fA-F:.]+)\/(\d+)$/.exec(c);
    const bits = m ? (m[1].includes(':') ? 128 : 32) : 0;
    const ipv4 = m && !m[1].includes(':') ? m[1].split('.') : undefined;
    if (!m || Number(m[2]) > bits || (ipv4 && (ipv4.length !== 4 || ipv4.some((o) => !/^\d+$/.test(o) || Number(o) > 255)))) return `"${c}" is not a CIDR`;
  }
  return undefined;
}

function portList(v: string): string | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  const bad = t.split(',').map((x) => x.trim()).find((x) => port(x) !== undefined);
  return bad === undefined ? undefined : `"${bad}" is not a port`;
}

function interfaces(v: string): string | undefined {
  const bad = v.split(',').map((x) => x.trim()).filter((x) => x !== '').find((x) => x.length > 15 || /[\s/]/.test(x) || x === '.' || x === '..');
  return bad === undefined ? undefined : `"${bad}" is not an interface name`;
}

const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** Value checks of the annotations istiod's injector validates (as its validation rules read them). */
const VALIDATE: Record<string, (v: string) => string | undefined> = {
  'sidecar.istio.io/interceptionMode': (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : 'use REDIRECT, TPROXY or NONE'),
  'status.sidecar.istio.io/port': port,
  'readiness.status.sidecar.istio.io/initialDelaySeconds': uint(4294967295),
  'readiness.status.sidecar.istio.io/periodSeconds': uint(4294967295),
  'readiness.status.sidecar.istio.io/failureThreshold': uint(4294967295),
  'traffic.sidecar.istio.io/includeOutboundIPRanges': (v) => (v === '*' ? undefined : cidrList(v)),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': cidrList,
  'traffic.sidecar.istio.io/includeInboundPorts': (v) => (v === '*' ? undefined : portList(v)),
  'traffic.sidecar.istio.io/excludeInboundPorts': portList,
  'traffic.sidecar.istio.io/excludeOutboundPorts': portList,
  'traffic.sidecar.istio.io/excludeInterfaces': interfaces,
  'traffic.sidecar.istio.io/kubevirtInterfaces': interfaces,
  'istio.io/reroute-virtual-interfaces': interfaces,
  'prometheus.istio.io/merge-metrics': (v) => (['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v) ? undefined : 'not a boolean'),
  'sidecar.istio.io/proxyCPU': (v) => (QUANTITY.test(v) ? undefined : 'not a resource quantity'),
  'sidecar.istio.io/proxyMemory': (v) => (QUANTITY.test(v) ? undefined : 'not a resource quantity'),
  'sidecar.istio.io/proxyCPULimit': (v) => (QUANTITY.test(v) ? undefined : 'not a resource quantity'),
  'sidecar.istio.io/proxyMemoryLimit': (v) => (QUANTITY.test(v) ? undefined : 'not a resource quantity'),
};

/**
 * Checks one annotation map as Istio's annotation analyzer does: unknown keys (IST0108), deprecated ones
 * (IST0135; `sidecar.istio.io/inject` only without the label of that name), keys on the wrong kind (IST0107),
 * values istiod's injector rejects (IST0125).
 */
function checkMap(r: Reporter, e: Entry, annotations: Record<string, string>, labels: Record<string, string>, kind: string, base: string): void {
  for (const key of Object.keys(annotations)) {
    if (!isIstioKey(key) || ALWAYS_IGNORED.has(key)) continue;
    const field = `${base}["${key}"]`;
    const known = KNOWN[key];
    if (!known) {
      r.report('IST0108', e, field, `Unknown annotation: ${key}.`, `Correct the key (e.g. ${suggest(key)}) or remove it.`);
      continue;
    }
    if (known.deprecated && !(key === 'sidecar.istio.io/inject' && labels[key] !== undefined)) {
      r.report('IST0135', e, field, `Annotation "${key}" has been deprecated and may not work in future Istio versions.`,
        `${known.deprecated[0].toUpperCase()}${known.deprecated.slice(1)}.`);
    }
    if (known.on.includes('Any')) continue;
    if (!known.on.includes(kind)) {
      const template = known.on.includes('Pod') && base === 'metadata.annotations' && e.kind !== 'Pod'
        ? podTemplatePath(e.kind) : undefined;
      r.report('IST0107', e, field, `Misplaced annotation: ${key} can only be applied to ${known.on.join(', ')}, not to a ${kind}.`,
        template ? `Move ${key} to ${template}.annotations (the pod template), where Istio reads it.` : `Move ${key} to a ${known.on.join(' or ')}, or remove it here.`);
      continue;
    }
    const problem = VALIDATE[key]?.(annotations[key]);
    if (problem !== undefined) {
      r.report('IST0125', e, field, `Invalid annotation ${key}: value "${annotations[key]}": ${problem}.`, `Correct the value of ${key}.`);
    }
  }
}

/** Where the pod template metadata of a workload kind is, if it has one. */
function podTemplatePath(kind: string): string | undefined {
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template.metadata';
  return ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'].includes(kind) ? 'spec.template.metadata' : undefined;
}

/** The known key closest to `key` by prefix, to hint at a typo. */
function suggest(key: string): string {
  const lower = key.toLowerCase();
  const same = Object.keys(KNOWN).find((k) => k.toLowerCase() === lower);
  if (same) return same;
  const domain = key.slice(0, key.indexOf('/') + 1);
  const candidates = Object.keys(KNOWN).filter((k) => k.startsWith(domain));
  return candidates.length ? `one of ${candidates.slice(0, 3).join(', ')}${candidates.length > 3 ? ', ...' : ''}` : 'a key from Istio\'s annotation reference';
}

/** The kinds whose own annotations Istio's analyzer checks. */
const CHECKED_KINDS = new Set(['Namespace', 'Service', 'Pod', 'Deployment']);

export function checkAnnotations(m: MeshModel, r: Reporter): void {
  for (const e of m.entries) {
    if (e.group !== '' && e.group !== 'apps') continue;
    if (!CHECKED_KINDS.has(e.kind)) continue;
    const meta = rec(e.obj.metadata);
    checkMap(r, e, strMap(meta?.annotations), strMap(meta?.labels), e.kind, 'metadata.annotations');
  }
  // Beyond istioctl: pod templates of workloads are checked as the Pods they become.
  for (const w of m.workloads) {
    if (w.podMetaPath === 'metadata') continue; // a Pod: its own metadata was checked above
    checkMap(r, w.entry, w.annotations, w.labels, 'Pod', `${w.podMetaPath}.annotations`);
  }
}
