import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { chartLabels, AMBIENT_LABELS, sortLabels } from '../base/labels';
import { NODE_AGENT_TOLERATIONS } from '../cni/daemonset';
import { NodeAgentImageOptions } from '../cni/options';
import { resolveImage } from '../istiod/image';
import type { Istiod } from '../istiod/istiod';
import { isEnvName } from '../istiod/mesh-config';
import { KubeJson, kubeObject } from '../kube';
import { checkKnownKeys, Shape } from '../resource/keys';
import { checkInt, checkObject, fail } from '../validation';
import { ResourcePreset } from '../workload';

type EnvVar = KubeJson<k8s.EnvVar>;

/** Log levels of ztunnel (`RUST_LOG`). */
export type ZtunnelLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Options of ztunnel, the per-node proxy of ambient mode, given to `Istiod` as `ambient.ztunnel`. */
export interface ZtunnelOptions {
  /** Log level (`RUST_LOG`). @default 'info' */
  readonly logLevel?: ZtunnelLogLevel;
  /**
   * Resources of the ztunnel container (one per node). The chart's requests are sized for a large cluster;
   * a small one (a Raspberry-Pi cluster) can ask for far less.
   * @default - requests 200m CPU / 512Mi memory, no limits (the chart's)
   */
  readonly resources?: ResourcePreset;
  /** Image. @default - `ztunnel` from the control plane's hub, tag and variant */
  readonly image?: NodeAgentImageOptions;
  /** Extra environment variables of the ztunnel container. @default - none */
  readonly env?: Record<string, string>;
  /**
   * Seconds Kubernetes waits for ztunnel to stop; ztunnel drains its connections for one second less.
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;
}

/** Props of {@link Ztunnel}. */
export interface ZtunnelProps extends ZtunnelOptions {
  /** The control plane in ambient mode; `Istiod` creates its ztunnel itself (from its `ambient` prop). */
  readonly istiod: Istiod;
}

const LOG_LEVELS: readonly ZtunnelLogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];
const ZTUNNEL_SHAPE: Shape<ZtunnelOptions> = {
  logLevel: true, resources: 'ref', image: { hub: true, tag: true, variant: true }, env: true, terminationGracePeriodSeconds: true,
};
const RELEASE = 'ztunnel';

/** Checks the keys of ztunnel options. @internal */
export function checkZtunnelOptionKeys(scope: Construct, field: string, o: ZtunnelOptions | undefined): void {
  checkKnownKeys(scope, field, o, ZTUNNEL_SHAPE);
}

function fieldEnv(name: string, fieldPath: string): EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/**
 * ztunnel, the node proxy of ambient mode, as the release's `ztunnel` chart renders it: ServiceAccount `ztunnel` and
 * the DaemonSet `ztunnel` in the control plane's namespace. ztunnel carries the mTLS (HBONE) traffic and enforces L4
 * authorization of every ambient pod on its node; istiod signs certificates for those pods at its request
 * (`CA_TRUSTED_NODE_ACCOUNTS=<ns>/ztunnel` on istiod).
 *
 * Created by `Istiod` when its `ambient` prop is set: read it back as `istiod.ztunnel`. Ambient mode needs Istio 1.24
 * or later: on 1.20.3 (where it was an alpha with another design) it is refused.
 */
export class Ztunnel extends Construct {
  /** Name of the DaemonSet and ServiceAccount: `ztunnel`. */
  public readonly name = 'ztunnel';
  /** Namespace (the control plane's). */
  public readonly namespace: string;
  /** Resources of the ztunnel container (per node). */
  public readonly resources: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };

  public constructor(scope: Construct, id: string, props: ZtunnelProps) {
    super(scope, id);
    const istiod = props?.istiod;
    if (!istiod || typeof istiod !== 'object' || !istiod.base) fail(this, 'istiod', istiod, 'must be an Istiod construct');
    if (!istiod.ambient || istiod.ztunnel !== undefined) {
      fail(this, 'istiod', istiod.node.path, 'an Istiod creates its ztunnel itself: set ambient on the Istiod instead of creating Ztunnel');
    }
    const { istiod: _istiod, ...options } = props;
    checkZtunnelOptionKeys(this, 'ztunnel', options);
    const version = istiod.version;
    this.namespace = istiod.namespace;

    const logLevel = props.logLevel ?? 'info';
    if (!LOG_LEVELS.includes(logLevel)) fail(this, 'logLevel', logLevel, `must be one of ${LOG_LEVELS.map((l) => `"${l}"`).join(', ')}`);
    const preset = props.resources ?? ResourcePreset.of({ requests: { cpu: '200m', memory: '512Mi' } });
    if (!(preset instanceof ResourcePreset)) fail(this, 'resources', preset, 'must be a ResourcePreset, e.g. ResourcePreset.of({ requests: { cpu: "50m", memory: "64Mi" } })');
    this.resources = preset.render(this, 'resources');
    const grace = props.terminationGracePeriodSeconds ?? 30;
    checkInt(this, 'terminationGracePeriodSeconds', grace, 1, 3600);
    const image = resolveImage(this, 'image', props.image ?? {}, istiod.image);

    const address = istiod.discoveryAddress;
    const env: EnvVar[] = [
      { name: 'CA_ADDRESS', value: address },
      { name: 'XDS_ADDRESS', value: address },
    ];
    if (istiod.network !== undefined) env.push({ name: 'NETWORK', value: istiod.network });
    env.push(
      { name: 'RUST_LOG', value: logLevel },
      { name: 'RUST_BACKTRACE', value: '1' },
      { name: 'ISTIO_META_CLUSTER_ID', value: istiod.clusterName },
      { name: 'INPOD_ENABLED', value: 'true' },
      { name: 'TERMINATION_GRACE_PERIOD_SECONDS', value: String(grace) },
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      fieldEnv('NODE_NAME', 'spec.nodeName'),
      fieldEnv('INSTANCE_IP', 'status.podIP'),
      fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    );
    // the mesh's proxy metadata (ambient: ISTIO_META_ENABLE_HBONE), as the chart reads meshConfig.defaultConfig
    const metadata = istiod.proxyMetadata;
    for (const k of Object.keys(metadata).sort()) env.push({ name: k, value: metadata[k] });
    env.push({ name: 'ZTUNNEL_CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } });
    const user = props.env ?? {};
    checkObject(this, 'env', user, 'must be an object of environment variables, e.g. { RUST_LOG_FORMAT: "json" }');
    const taken = new Set(env.map((e) => e.name));
    for (const name of Object.keys(user).sort()) {
      if (!isEnvName(name)) fail(this, 'env key', name, 'must be an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit');
      if (taken.has(name)) fail(this, 'env key', name, `is set by Ztunnel itself (${[...taken].join(', ')}); use the typed options (logLevel, terminationGracePeriodSeconds) or the Istiod's`);
      if (typeof user[name] !== 'string') fail(this, `env.${name}`, user[name], 'must be a string');
      env.push({ name, value: user[name] });
    }

    const labels = sortLabels({ 'app.kubernetes.io/name': 'ztunnel', ...chartLabels(version, { release: RELEASE, chart: 'ztunnel' }) });
    const annotations = istiod.revision ? { 'istio.io/rev': istiod.revision } : undefined;
    const podAnnotations: Record<string, string> = { 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' };
    if (istiod.revision) podAnnotations['istio.io/rev'] = istiod.revision;
    const meta = { name: this.name, namespace: this.namespace, labels, annotations };

    kubeObject(this, 'daemon-set', 'DaemonSet', {
      metadata: meta,
      spec: {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        selector: { matchLabels: { app: 'ztunnel' } },
        template: {
          metadata: {
            labels: sortLabels({ ...labels, 'app': 'ztunnel', 'sidecar.istio.io/inject': 'false', [AMBIENT_LABELS.dataplaneMode]: AMBIENT_LABELS.none }),
            annotations: sortLabels(podAnnotations),
          },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            serviceAccountName: this.name,
            tolerations: NODE_AGENT_TOLERATIONS,
            containers: [{
              name: 'istio-proxy',
              image: version.image('ztunnel', image),
              ports: [{ containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP' }],
              resources: { requests: this.resources.requests, limits: this.resources.limits },
              securityContext: {
                // CAP_SYS_ADMIN implies privilege escalation; the API server would set it anyway
                allowPrivilegeEscalation: true,
                privileged: false,
                capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'] },
                readOnlyRootFilesystem: true,
                runAsGroup: 1337,
                runAsNonRoot: false,
                runAsUser: 0,
              },
              readinessProbe: { httpGet: { port: 15021, path: '/healthz/ready' } },
              args: ['proxy', 'ztunnel'],
              env,
              volumeMounts: [
                { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
                { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
                { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' },
                { mountPath: '/tmp', name: 'tmp' },
              ],
            }],
            priorityClassName: 'system-node-critical',
            terminationGracePeriodSeconds: grace,
            volumes: [
              { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }] } },
              { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
              { name: 'cni-ztunnel-sock-dir', hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
    kubeObject(this, 'service-account', 'ServiceAccount', { metadata: meta });
  }
}
