/**
 * The istiod Deployment: container `discovery` with its args, env, ports, probe, volumes and security context.
 *
 * @internal
 */
import { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { KubeJson, kubeObject } from '../kube';
import { checkLabels, checkObject, fail } from '../validation';
import { renderPodPlacement, renderTolerations, SchedulingOptions } from '../workload';
import { sortLabels } from '../base/labels';
import { IstiodContext } from './context';
import { isEnvName } from './mesh-config';

type EnvVar = KubeJson<k8s.EnvVar>;
type KubeToleration = KubeJson<k8s.Toleration>;

/** istiod log levels (`--log_output_level=default:<level>`). */
export const ISTIOD_LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'none'];

/**
 * Built-in env vars a user `env` entry replaces (the built-in is then left out), as the chart does for
 * `CA_TRUSTED_NODE_ACCOUNTS`. Every other built-in name is reserved: it comes from a typed prop.
 */
const OVERRIDABLE_ENV = ['CA_TRUSTED_NODE_ACCOUNTS', 'PILOT_TRACE_SAMPLING'];

/** Everything the Deployment is built from. */
export interface DeploymentInput {
  readonly image: string;
  readonly logLevel: string;
  readonly resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  /** Validated user env (see {@link checkIstiodEnv}). */
  readonly env: Record<string, string>;
  readonly clusterName: string;
  /** The cluster's DNS domain (`--domain`): the same value the sidecars get (`proxy.clusterDomain`). */
  readonly clusterDomain: string;
  /** undefined while the HPA owns the count. */
  readonly replicas?: number;
  readonly scheduling: SchedulingOptions;
  readonly serviceAccountName: string;
}

function fieldEnv(name: string, fieldPath: string): EnvVar {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}

function resourceEnv(ctx: IstiodContext, name: string, resource: string, withDivisor: boolean): EnvVar {
  const divisor = withDivisor && ctx.version.resourceFieldRefDivisor !== '0' ? ctx.version.resourceFieldRefDivisor : undefined;
  return { name, valueFrom: { resourceFieldRef: { resource, divisor } } };
}

/** Names of the env vars istiod sets itself for this version, in order (user env goes after `KUBECONFIG`/`CA_TRUSTED_NODE_ACCOUNTS`). */
function builtInEnv(ctx: IstiodContext, clusterName: string): { before: EnvVar[]; after: EnvVar[] } {
  const v = ctx.version;
  const before: EnvVar[] = [{ name: 'REVISION', value: ctx.revisionLabel }];
  if (v.istiodEnvJwtPolicy) before.push({ name: 'JWT_POLICY', value: 'third-party-jwt' });
  before.push(
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    { name: 'KUBECONFIG', value: '/var/run/secrets/remote/config' },
  );
  if (v.istiodEnvCaTrustedNodeAccounts) before.push({ name: 'CA_TRUSTED_NODE_ACCOUNTS', value: `${ctx.namespace}/ztunnel` });
  const after: EnvVar[] = [
    { name: 'PILOT_TRACE_SAMPLING', value: '1' },
    { name: 'PILOT_ENABLE_ANALYSIS', value: 'false' },
    { name: 'CLUSTER_ID', value: clusterName },
  ];
  if (v.istiodEnvGoMemLimit) after.push(resourceEnv(ctx, 'GOMEMLIMIT', 'limits.memory', false));
  after.push(resourceEnv(ctx, 'GOMAXPROCS', 'limits.cpu', true), { name: 'PLATFORM', value: '' });
  return { before, after };
}

/**
 * The env of the `discovery` container, in the chart's order: the fixed head, then the user `env` (sorted by
 * name), then the fixed tail. A user entry named like an overridable built-in replaces it.
 */
export function istiodEnv(ctx: IstiodContext, user: Record<string, string>, clusterName: string): EnvVar[] {
  const { before, after } = builtInEnv(ctx, clusterName);
  const keep = (e: EnvVar) => !(e.name in user);
  const userEnv = Object.keys(user).sort().map((name) => ({ name, value: user[name] }));
  return [...before.filter(keep), ...userEnv, ...after.filter(keep)];
}

/** Validates user env: names Kubernetes accepts, string values, and no name that a typed prop controls. */
export function checkIstiodEnv(scope: IConstruct, ctx: IstiodContext, env: Record<string, string> | undefined): Record<string, string> {
  if (env === undefined) return {};
  checkObject(scope, 'env', env, 'must be an object of environment variables, e.g. { PILOT_ENABLE_STATUS: "true" }');
  const { before, after } = builtInEnv(ctx, 'x');
  const reserved = [...before, ...after].map((e) => e.name).filter((n) => !OVERRIDABLE_ENV.includes(n));
  for (const [name, value] of Object.entries(env)) {
    if (!isEnvName(name)) {
      fail(scope, 'env key', name, 'must be an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit');
    }
    if (reserved.includes(name)) {
      fail(scope, 'env key', name, `is set by Istiod itself (reserved: ${reserved.join(', ')}); use the typed props (e.g. clusterName, revision)`);
    }
    if (typeof value !== 'string') fail(scope, `env.${name}`, value, 'must be a string');
  }
  return env;
}

function containerPorts(ctx: IstiodContext): Array<KubeJson<k8s.ContainerPort>> {
  if (!ctx.version.namedIstiodContainerPorts) {
    return [8080, 15010, 15017].map((containerPort) => ({ containerPort, protocol: 'TCP' }));
  }
  const named: Array<[string, number]> = [
    ['http-debug', 8080], ['grpc-xds', 15010], ['tls-xds', 15012], ['https-webhooks', 15017], ['http-monitoring', 15014],
  ];
  return named.map(([name, containerPort]) => ({ name, containerPort, protocol: 'TCP' }));
}

/** Volumes of the pod and mounts of `discovery`, in the chart's order. */
function volumes(): { volumes: Array<KubeJson<k8s.Volume>>; mounts: Array<KubeJson<k8s.VolumeMount>> } {
  return {
    volumes: [
      { name: 'local-certs', emptyDir: { medium: 'Memory' } },
      { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
      { name: 'cacerts', secret: { secretName: 'cacerts', optional: true } },
      { name: 'istio-kubeconfig', secret: { secretName: 'istio-kubeconfig', optional: true } },
      { name: 'istio-csr-dns-cert', secret: { secretName: 'istiod-tls', optional: true } },
      { name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', defaultMode: 420, optional: true } },
    ],
    mounts: [
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
      { name: 'local-certs', mountPath: '/var/run/secrets/istio-dns' },
      { name: 'cacerts', mountPath: '/etc/cacerts', readOnly: true },
      { name: 'istio-kubeconfig', mountPath: '/var/run/secrets/remote', readOnly: true },
      { name: 'istio-csr-dns-cert', mountPath: '/var/run/secrets/istiod/tls', readOnly: true },
      { name: 'istio-csr-ca-configmap', mountPath: '/var/run/secrets/istiod/ca', readOnly: true },
    ],
  };
}

/** Adds the Deployment `istiod[-rev]`. */
export function addDeployment(scope: Construct, ctx: IstiodContext, input: DeploymentInput): ApiObject {
  const v = ctx.version;
  const annotations: Record<string, string> = {};
  if (v.ambientRedirectionAnnotation) annotations['ambient.istio.io/redirection'] = 'disabled';
  Object.assign(annotations, { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' });

  const tolerations: KubeToleration[] = [];
  if (v.istiodCniNotReadyToleration) tolerations.push({ key: 'cni.istio.io/not-ready', operator: 'Exists' });
  tolerations.push(...renderTolerations(scope, 'tolerations', input.scheduling.tolerations ?? []));
  const placement = renderPodPlacement(scope, input.scheduling);

  const { volumes: podVolumes, mounts } = volumes();
  return kubeObject(scope, 'deployment', 'Deployment', {
    metadata: ctx.meta(ctx.name),
    spec: {
      replicas: input.replicas,
      strategy: { rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
      selector: { matchLabels: ctx.deploymentSelector },
      template: {
        metadata: { labels: ctx.podLabels(), annotations: sortLabels(annotations) },
        spec: {
          serviceAccountName: input.serviceAccountName,
          nodeSelector: checkLabels(scope, 'nodeSelector', input.scheduling.nodeSelector),
          tolerations: tolerations.length ? tolerations : undefined,
          affinity: placement.affinity,
          topologySpreadConstraints: placement.topologySpreadConstraints,
          containers: [{
            name: 'discovery',
            image: input.image,
            args: [
              'discovery',
              '--monitoringAddr=:15014',
              `--log_output_level=default:${input.logLevel}`,
              '--domain', input.clusterDomain,
              '--keepaliveMaxServerConnectionAge', '30m',
            ],
            ports: containerPorts(ctx),
            readinessProbe: { httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
            env: istiodEnv(ctx, input.env, input.clusterName),
            resources: { requests: input.resources.requests, limits: input.resources.limits },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
              // Not in the upstream chart: makes the pod meet the Pod Security Standard "restricted".
              seccompProfile: { type: 'RuntimeDefault' },
            },
            volumeMounts: mounts,
          }],
          volumes: podVolumes,
        },
      },
    },
  });
}
