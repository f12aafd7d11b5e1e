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

const POD: Known = { on: ['Pod'] };
const SERVICE: Known = { on: ['Service'] };
const ANY: Known = { on: ['Any'] };
const podDeprecated = (advice: string): Known => ({ on: ['Pod'], deprecated: advice });

/** The Istio annotations this analyzer knows (Istio 1.20 to 1.30). */
const KNOWN: Record<string, Known> = {
  // Injection and proxy settings, read from the pod.
  'sidecar.istio.io/inject': POD,
  'sidecar.istio.io/status': POD,
  'sidecar.istio.io/rewriteAppHTTPProbers': POD,
  'sidecar.istio.io/proxyImage': POD,
  'sidecar.istio.io/proxyImageType': POD,
  'sidecar.istio.io/proxyCPU': POD,
  'sidecar.istio.io/proxyCPULimit': POD,
  'sidecar.istio.io/proxyMemory': POD,
  'sidecar.istio.io/proxyMemoryLimit': POD,
  'sidecar.istio.io/interceptionMode': POD,
  'sidecar.istio.io/capNetBindService': POD,
  'sidecar.istio.io/nativeSidecar': POD,
  'sidecar.istio.io/bootstrapOverride': POD,
  'sidecar.istio.io/userVolume': POD,
  'sidecar.istio.io/userVolumeMount': POD,
  'sidecar.istio.io/enableCoreDump': POD,
  'sidecar.istio.io/logLevel': POD,
  'sidecar.istio.io/componentLogLevel': POD,
  'sidecar.istio.io/agentLogLevel': POD,
  'sidecar.istio.io/statsHistogramBuckets': POD,
  'sidecar.istio.io/statsCompression': POD,
  'sidecar.istio.io/statsFlushInterval': POD,
  'sidecar.istio.io/statsEvictionInterval': POD,
  'sidecar.istio.io/extraStatTags': podDeprecated('configure metric tags with the Telemetry API'),
  'sidecar.istio.io/statsInclusionPrefixes': podDeprecated('use proxy.istio.io/config with proxyStatsMatcher'),
  'sidecar.istio.io/statsInclusionSuffixes': podDeprecated('use proxy.istio.io/config with proxyStatsMatcher'),
  'sidecar.istio.io/statsInclusionRegexps': podDeprecated('use proxy.istio.io/config with proxyStatsMatcher'),
  'sidecar.istio.io/controlPlaneAuthPolicy': podDeprecated('remove it: the control plane is always reached over mTLS'),
  'sidecar.istio.io/discoveryAddress': podDeprecated('use proxy.istio.io/config with discoveryAddress'),
  'status.sidecar.istio.io/port': POD,
  'readiness.status.sidecar.istio.io/initialDelaySeconds': POD,
  'readiness.status.sidecar.istio.io/periodSeconds': POD,
  'readiness.status.sidecar.istio.io/failureThreshold': POD,
  'readiness.status.sidecar.istio.io/applicationPorts': podDeprecated('remove it: the proxy readiness probe no longer uses it'),
  'traffic.sidecar.istio.io/includeOutboundIPRanges': POD,
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': POD,
  'traffic.sidecar.istio.io/includeInboundPorts': POD,
  'traffic.sidecar.istio.io/excludeInboundPorts': POD,
  'traffic.sidecar.istio.io/includeOutboundPorts': POD,
  'traffic.sidecar.istio.io/excludeOutboundPorts': POD,
  'traffic.sidecar.istio.io/excludeInterfaces': POD,
  'traffic.sidecar.istio.io/kubevirtInterfaces': podDeprecated('use istio.io/reroute-virtual-interfaces'),
  'istio.io/reroute-virtual-interfaces': POD,
  'istio.io/rev': POD,
  'inject.istio.io/templates': POD,
  'proxy.istio.io/config': POD,
  'proxy.istio.io/overrides': POD,
  'prometheus.istio.io/merge-metrics': POD,
  'ambient.istio.io/redirection': POD,
  'ambient.istio.io/bypass-inbound-capture': POD,
  // Services.
  'networking.istio.io/exportTo': SERVICE,
  'networking.istio.io/traffic-distribution': SERVICE,
  'traffic.istio.io/nodeSelector': SERVICE,
  'alpha.istio.io/kubernetes-serviceaccounts': { on: ['Service'], deprecated: 'remove it: service accounts come from the workloads' },
  'alpha.istio.io/canonical-serviceaccounts': { on: ['Service'], deprecated: 'remove it: service accounts come from the workloads' },
  // Other kinds.
  'istio.io/dry-run': { on: ['AuthorizationPolicy'] },
  'istio.io/autoRegistrationGroup': { on: ['WorkloadEntry'] },
  'istio.io/workloadController': { on: ['WorkloadEntry'] },
  'istio.io/connectedAt': { on: ['WorkloadEntry'] },
  'istio.io/disconnectedAt': { on: ['WorkloadEntry'] },
  'networking.istio.io/service-type': { on: ['Gateway'] },
  'gateway.istio.io/controller-version': { on: ['Gateway'] },
  'gateway.istio.io/service-account': { on: ['Gateway'] },
  'gateway.istio.io/name-override': { on: ['Gateway'] },
  'topology.istio.io/controlPlaneClusters': ANY,
  // Anywhere.
  'galley.istio.io/analyze-suppress': ANY,
  'install.operator.istio.io/chart-owner': ANY,
  'install.operator.istio.io/owner-generation': ANY,
  'install.operator.istio.io/version': ANY,
};

/** True for a key in an Istio domain (`...istio.io/...`). */
function isIstioKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const domain = key.slice(0, slash);
  return domain === 'istio.io' || domain.endsWith('.istio.io');
}

function checkMap(r: Reporter, e: Entry, annotations: Record<string, string>, kind: string, base: string): void {
  for (const key of Object.keys(annotations)) {
    if (!isIstioKey(key)) continue;
    const field = `${base}["${key}"]`;
    const known = KNOWN[key];
    if (!known) {
      r.report('IST0108', e, field, `Unknown annotation: ${key}.`, `Correct the key (e.g. ${suggest(key)}) or remove it.`);
      continue;
    }
    if (!known.on.includes('Any') && !known.on.includes(kind)) {
      const template = known.on.includes('Pod') && base === 'metadata.annotations' && e.kind !== 'Pod'
        ? podTemplatePath(e.kind) : undefined;
      r.report('IST0107', e, field, `Misplaced annotation: ${key} can only be applied to ${known.on.join(', ')}, not to a ${kind}.`,
        template ? `Move ${key} to ${template}.annotations (the pod template), where Istio reads it.` : `Move ${key} to a ${known.on.join(' or ')}, or remove it here.`);
      continue;
    }
    if (known.deprecated) {
      r.report('IST0135', e, field, `Annotation "${key}" has been deprecated and may not work in future Istio versions.`,
        `${known.deprecated[0].toUpperCase()}${known.deprecated.slice(1)}.`);
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

export function checkAnnotations(m: MeshModel, r: Reporter): void {
  for (const e of m.entries) {
    checkMap(r, e, strMap(rec(e.obj.metadata)?.annotations), e.kind, 'metadata.annotations');
  }
  for (const w of m.workloads) {
    if (w.podMetaPath === 'metadata') continue; // a Pod: its own metadata was checked above
    checkMap(r, w.entry, w.annotations, 'Pod', `${w.podMetaPath}.annotations`);
  }
}
