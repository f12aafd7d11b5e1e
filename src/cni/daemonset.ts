/**
 * The `istio-cni-node` DaemonSet: one `install-cni` container per node that installs the CNI plugin into the
 * node's CNI configuration and runs the repair controller (and, in ambient mode, the pods' redirection).
 *
 * @internal
 */
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { sortLabels } from '../base/labels';
import { KubeJson, kubeObject } from '../kube';
import type { CniSettings } from './istio-cni';

type EnvVar = KubeJson<k8s.EnvVar>;

/** Tolerations of every node agent: scheduled on every node, whatever its taints. */
export const NODE_AGENT_TOLERATIONS: Array<KubeJson<k8s.Toleration>> = [
  { effect: 'NoSchedule', operator: 'Exists' },
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
  { effect: 'NoExecute', operator: 'Exists' },
];

function fieldEnv(name: string, fieldPath: string, apiVersion?: string): EnvVar {
  return { name, valueFrom: { fieldRef: { apiVersion, fieldPath } } };
}

function limitEnv(name: string, resource: string, divisor: string | undefined): EnvVar {
  return { name, valueFrom: { resourceFieldRef: { resource, divisor } } };
}

/** Adds the DaemonSet `istio-cni-node`. */
export function cniDaemonSet(scope: Construct, s: CniSettings): void {
  const leastPrivilege = s.version.nodeAgents.cniLeastPrivilege;
  const annotations: Record<string, string> = {
    'sidecar.istio.io/inject': 'false',
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': '15014',
    'prometheus.io/path': '/metrics',
  };
  if (s.version.ambientRedirectionAnnotation) annotations['ambient.istio.io/redirection'] = 'disabled';
  if (leastPrivilege) annotations['container.apparmor.security.beta.kubernetes.io/install-cni'] = 'unconfined';

  const procfs = s.repair === 'repairPods' || s.ambient;
  const volumes: Array<KubeJson<k8s.Volume>> = [{ name: 'cni-bin-dir', hostPath: { path: s.cniBinDir } }];
  if (procfs) volumes.push({ name: 'cni-host-procfs', hostPath: { path: '/proc', type: 'Directory' } });
  if (s.ambient) volumes.push({ name: 'cni-ztunnel-sock-dir', hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' } });
  volumes.push(
    { name: 'cni-net-dir', hostPath: { path: s.cniConfDir } },
    { name: leastPrivilege ? 'cni-socket-dir' : 'cni-log-dir', hostPath: { path: '/var/run/istio-cni' } },
    { name: 'cni-netns-dir', hostPath: { path: '/var/run/netns', type: s.version.nodeAgents.cniNetnsDirType } },
  );
  const mounts: Array<KubeJson<k8s.VolumeMount>> = [{ mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' }];
  if (procfs) mounts.push({ mountPath: '/host/proc', name: 'cni-host-procfs', readOnly: leastPrivilege ? true : undefined });
  mounts.push(
    { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' },
    { mountPath: '/var/run/istio-cni', name: leastPrivilege ? 'cni-socket-dir' : 'cni-log-dir' },
  );
  if (s.ambient) {
    mounts.push(
      { mountPath: '/host/var/run/netns', mountPropagation: 'HostToContainer', name: 'cni-netns-dir' },
      { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' },
    );
  }

  const container: KubeJson<k8s.Container> = {
    name: 'install-cni',
    image: s.image,
    command: ['install-cni'],
    args: [`--log_output_level=${s.version.nodeAgents.cniLogLevelScoped ? `default:${s.logLevel},cni:${s.logLevel}` : s.logLevel}`],
    readinessProbe: { httpGet: { path: '/readyz', port: 8000 } },
    resources: { requests: s.resources.requests, limits: s.resources.limits },
    volumeMounts: mounts,
  };
  if (leastPrivilege) {
    Object.assign(container, {
      ports: [{ containerPort: 15014, name: 'metrics', protocol: 'TCP' }],
      securityContext: {
        privileged: false,
        runAsGroup: 0,
        runAsUser: 0,
        runAsNonRoot: false,
        capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'] },
      },
      envFrom: [{ configMapRef: { name: 'istio-cni-config' } }],
      env: [
        fieldEnv('REPAIR_NODE_NAME', 'spec.nodeName'),
        { name: 'REPAIR_RUN_AS_DAEMON', value: 'true' },
        { name: 'REPAIR_SIDECAR_ANNOTATION', value: 'sidecar.istio.io/status' },
        { name: 'ALLOW_SWITCH_TO_HOST_NS', value: 'true' },
        fieldEnv('NODE_NAME', 'spec.nodeName', 'v1'),
        limitEnv('GOMEMLIMIT', 'limits.memory', '1'),
        limitEnv('GOMAXPROCS', 'limits.cpu', '1'),
        fieldEnv('POD_NAME', 'metadata.name'),
        fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      ],
    });
  } else {
    const repair = s.repair;
    Object.assign(container, {
      // 1.20's agent repairs pods in place only when privileged (the chart's `cni.privileged`, which that mode needs)
      securityContext: { runAsGroup: 0, runAsUser: 0, runAsNonRoot: false, privileged: repair === 'repairPods' },
      env: [
        { name: 'CNI_NETWORK_CONFIG', valueFrom: { configMapKeyRef: { name: 'istio-cni-config', key: 'cni_network_config' } } },
        { name: 'CNI_NET_DIR', value: s.cniConfDir },
        { name: 'CHAINED_CNI_PLUGIN', value: 'true' },
        { name: 'REPAIR_ENABLED', value: String(repair !== false) },
        fieldEnv('REPAIR_NODE_NAME', 'spec.nodeName'),
        { name: 'REPAIR_LABEL_PODS', value: String(repair === 'labelPods') },
        { name: 'REPAIR_DELETE_PODS', value: String(repair === 'deletePods') },
        { name: 'REPAIR_REPAIR_PODS', value: String(repair === 'repairPods') },
        { name: 'REPAIR_RUN_AS_DAEMON', value: 'true' },
        { name: 'REPAIR_SIDECAR_ANNOTATION', value: 'sidecar.istio.io/status' },
        { name: 'REPAIR_INIT_CONTAINER_NAME', value: 'istio-validation' },
        { name: 'REPAIR_BROKEN_POD_LABEL_KEY', value: 'cni.istio.io/uninitialized' },
        { name: 'REPAIR_BROKEN_POD_LABEL_VALUE', value: 'true' },
        fieldEnv('NODE_NAME', 'spec.nodeName', 'v1'),
        { name: 'LOG_LEVEL', value: s.version.nodeAgents.cniPluginLogLevel ?? 'debug' },
        limitEnv('GOMEMLIMIT', 'limits.memory', undefined),
        limitEnv('GOMAXPROCS', 'limits.cpu', undefined),
      ],
    });
  }

  kubeObject(scope, 'daemon-set', 'DaemonSet', {
    metadata: { name: 'istio-cni-node', namespace: s.namespace, labels: s.labels },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'istio-cni-node' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: s.podLabels, annotations: sortLabels(annotations) },
        spec: {
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: NODE_AGENT_TOLERATIONS,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'istio-cni',
          terminationGracePeriodSeconds: s.version.nodeAgents.cniTerminationGracePeriodSeconds,
          containers: [container],
          volumes,
        },
      },
    },
  });
}
