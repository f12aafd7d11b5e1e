import { Construct } from 'constructs';
import { commonLabels, AMBIENT_LABELS, sortLabels } from '../base/labels';
import type { Istiod } from '../istiod/istiod';
import { resolveImage } from '../istiod/image';
import { toYamlText } from '../istiod/mesh-config';
import { kubeObject } from '../kube';
import { checkDnsLabel, checkList, fail } from '../validation';
import { CniRepairMode, IstioVersion } from '../version';
import { ResourcePreset } from '../workload';
import { cniDaemonSet } from './daemonset';
import { checkCniOptionKeys, CniLogLevel, IstioCniOptions } from './options';

/** Name of the Helm release and chart upstream installs the agent from (`release`, `helm.sh/chart` labels). */
const RELEASE = 'istio-cni';
const CHART = 'cni';
const LOG_LEVELS: readonly CniLogLevel[] = ['debug', 'info', 'warn', 'error', 'none'];
const REPAIR_MODES: readonly CniRepairMode[] = ['repairPods', 'deletePods', 'labelPods'];
const HOST_PATH = /^\/[^\s]*$/;

/** Props of {@link IstioCni}. */
export interface IstioCniProps extends IstioCniOptions {
  /**
   * The control plane whose injector runs in CNI mode. `Istiod` creates its agent itself (from its `cni` and
   * `ambient` props); this construct is not meant to be created on its own.
   */
  readonly istiod: Istiod;
}

/** Everything the DaemonSet is built from. @internal */
export interface CniSettings {
  readonly version: IstioVersion;
  readonly namespace: string;
  readonly ambient: boolean;
  readonly image: string;
  readonly logLevel: CniLogLevel;
  readonly resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly repair: CniRepairMode | false;
  readonly cniBinDir: string;
  readonly cniConfDir: string;
  readonly labels: Record<string, string>;
  readonly podLabels: Record<string, string>;
}

/**
 * The Istio CNI node agent, as the release's `istio-cni` chart renders it: ServiceAccount `istio-cni`, ConfigMap
 * `istio-cni-config`, ClusterRoles and bindings `istio-cni` and `istio-cni-repair-role` (with repair on) and, in
 * ambient mode, `istio-cni-ambient`, and the DaemonSet `istio-cni-node` (one agent per node, in the control plane's
 * namespace).
 *
 * With the agent, injected pods get the unprivileged `istio-validation` init container instead of `istio-init`
 * (NET_ADMIN, NET_RAW): their namespaces can enforce Pod Security `restricted`. In ambient mode the agent also
 * redirects the traffic of pods labelled `istio.io/dataplane-mode: ambient` to the node's ztunnel.
 *
 * Created by `Istiod` when its `cni` (or `ambient`) prop asks for it, so that the injector's CNI mode and the agent
 * are one decision: read it back as `istiod.cniAgent`.
 */
export class IstioCni extends Construct {
  /** Namespace of the agent (the control plane's). */
  public readonly namespace: string;
  /** The agent redirects ambient pods to ztunnel. */
  public readonly ambient: boolean;
  /** Name of the agent's ServiceAccount and cluster roles: `istio-cni`. */
  public readonly serviceAccountName = 'istio-cni';
  /** Name of the DaemonSet: `istio-cni-node`. */
  public readonly daemonSetName = 'istio-cni-node';
  /** Namespaces the CNI plugin leaves alone. */
  public readonly excludeNamespaces: readonly string[];
  /** The repair controller's mode, or false when off. */
  public readonly repair: CniRepairMode | false;
  /** Resources of the agent container (per node). */
  public readonly resources: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };

  public constructor(scope: Construct, id: string, props: IstioCniProps) {
    super(scope, id);
    const istiod = props?.istiod;
    if (!istiod || typeof istiod !== 'object' || !istiod.base) fail(this, 'istiod', istiod, 'must be an Istiod construct');
    if (!istiod.cni || istiod.cniAgent !== undefined) {
      fail(this, 'istiod', istiod.node.path, 'an Istiod creates its CNI agent itself: set cni (or ambient) on the Istiod instead of creating IstioCni');
    }
    const { istiod: _istiod, ...options } = props;
    checkCniOptionKeys(this, 'cni', options);
    const version = istiod.version;
    const facts = version.nodeAgents;
    this.namespace = istiod.namespace;
    this.ambient = istiod.ambient;

    const excludeNamespaces = props.excludeNamespaces ?? [...facts.cniExcludeNamespaces];
    checkList(this, 'excludeNamespaces', excludeNamespaces, 'must be a list of namespace names');
    excludeNamespaces.forEach((ns, i) => checkDnsLabel(this, `excludeNamespaces[${i}]`, ns));
    if (new Set(excludeNamespaces).size !== excludeNamespaces.length) {
      fail(this, 'excludeNamespaces', excludeNamespaces, 'must not name a namespace twice');
    }
    this.excludeNamespaces = excludeNamespaces;
    const logLevel = props.logLevel ?? 'info';
    if (!LOG_LEVELS.includes(logLevel)) fail(this, 'logLevel', logLevel, `must be one of ${LOG_LEVELS.map((l) => `"${l}"`).join(', ')}`);
    const repair = props.repair ?? facts.cniRepairMode;
    if (repair !== false && !REPAIR_MODES.includes(repair)) {
      fail(this, 'repair', repair, 'must be "repairPods", "deletePods", "labelPods" or false (repair controller off)');
    }
    this.repair = repair;
    const preset = props.resources ?? ResourcePreset.of({ requests: { cpu: '100m', memory: '100Mi' } });
    if (!(preset instanceof ResourcePreset)) fail(this, 'resources', preset, 'must be a ResourcePreset, e.g. ResourcePreset.of({ requests: { cpu: "100m", memory: "100Mi" } })');
    this.resources = preset.render(this, 'resources');
    for (const field of ['cniBinDir', 'cniConfDir'] as const) {
      const v = props[field];
      if (v !== undefined && (typeof v !== 'string' || !HOST_PATH.test(v))) fail(this, field, v, 'must be an absolute host path without spaces, e.g. "/opt/cni/bin"');
    }
    for (const field of ['dnsCapture', 'ipv6'] as const) {
      const v = props[field];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') fail(this, field, v, 'must be true or false');
      if (!this.ambient) fail(this, field, v, 'is an ambient-mode setting: it needs ambient on the Istiod (or leave it unset)');
    }
    const image = resolveImage(this, 'image', props.image ?? {}, istiod.image);

    const rev = istiod.revisionLabel;
    const owner = { 'istio.io/rev': rev, 'install.operator.istio.io/owning-resource': 'unknown' };
    const objectLabels = commonLabels(version, { release: RELEASE, chart: CHART, app: 'istio-cni', name: 'istio-cni', component: 'Cni', extra: owner });
    const repairBindingLabels = (): Record<string, string> => {
      const l = commonLabels(version, { release: RELEASE, chart: CHART, name: 'istio-cni', component: 'Cni', extra: { ...owner, 'k8s-app': 'istio-cni-repair' } });
      if (!facts.cniRepairBindingReleaseLabel) delete l.release;
      return l;
    };
    const meta = (name: string) => ({ name, namespace: this.namespace, labels: objectLabels });
    const subjects = [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }];
    const binding = (id: string, name: string, role: string, labels: Record<string, string>) => kubeObject(this, id, 'ClusterRoleBinding', {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects,
    });

    // --- objects, in the chart's order of files
    kubeObject(this, 'cluster-role', 'ClusterRole', {
      metadata: { name: 'istio-cni', labels: objectLabels },
      rules: [{ apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] }],
    });
    if (repair !== false) {
      const rules = [
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['watch', 'get', 'list'] },
      ];
      // repairing in place needs no API rights; deleting or labelling does
      if (repair === 'deletePods') rules.push({ apiGroups: [''], resources: ['pods'], verbs: ['delete'] });
      if (repair === 'labelPods') rules.push({ apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] });
      kubeObject(this, 'repair-role', 'ClusterRole', { metadata: { name: 'istio-cni-repair-role', labels: objectLabels }, rules });
    }
    if (this.ambient) {
      kubeObject(this, 'ambient-role', 'ClusterRole', {
        metadata: { name: 'istio-cni-ambient', labels: objectLabels },
        rules: [
          { apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] },
          { apiGroups: ['apps'], resources: ['daemonsets'], resourceNames: [this.daemonSetName], verbs: ['get'] },
        ],
      });
    }
    binding('cluster-role-binding', 'istio-cni', 'istio-cni', objectLabels);
    if (repair !== false) binding('repair-role-binding', 'istio-cni-repair-rolebinding', 'istio-cni-repair-role', repairBindingLabels());
    if (this.ambient) binding('ambient-role-binding', 'istio-cni-ambient', 'istio-cni-ambient', repairBindingLabels());

    kubeObject(this, 'config', 'ConfigMap', {
      metadata: meta('istio-cni-config'),
      data: facts.cniSettings === 'configMap'
        ? this.configMapSettings(image.tag, excludeNamespaces, repair, props)
        : { cni_network_config: networkConfigTemplate(facts.cniPluginLogLevel ?? 'debug', props.cniBinDir ?? '/opt/cni/bin', excludeNamespaces) },
    });

    const dsLabels = commonLabels(version, { release: RELEASE, chart: CHART, name: 'istio-cni', component: 'Cni', extra: { ...owner, 'k8s-app': this.daemonSetName } });
    const { release: _r, 'istio.io/rev': _v, 'install.operator.istio.io/owning-resource': _o, 'operator.istio.io/component': _c, ...podBase } = dsLabels;
    const podLabels: Record<string, string> = { ...podBase, 'sidecar.istio.io/inject': 'false' };
    if (version.dataplaneModeNoneLabel) podLabels[AMBIENT_LABELS.dataplaneMode] = AMBIENT_LABELS.none;
    cniDaemonSet(this, {
      version,
      namespace: this.namespace,
      ambient: this.ambient,
      image: version.image('install-cni', image),
      logLevel,
      resources: this.resources,
      repair,
      cniBinDir: props.cniBinDir ?? '/opt/cni/bin',
      cniConfDir: props.cniConfDir ?? '/etc/cni/net.d',
      labels: dsLabels,
      podLabels: sortLabels(podLabels),
    });
    kubeObject(this, 'service-account', 'ServiceAccount', { metadata: meta(this.serviceAccountName) });
  }

  /** The 1.30 settings: every one a key of `istio-cni-config`, read by the agent through `envFrom`. */
  private configMapSettings(tag: string, excludeNamespaces: readonly string[], repair: CniRepairMode | false, props: IstioCniOptions): Record<string, string> {
    const enablement = [
      { podSelector: { matchLabels: { [AMBIENT_LABELS.dataplaneMode]: AMBIENT_LABELS.ambient } } },
      {
        podSelector: { matchExpressions: [{ key: AMBIENT_LABELS.dataplaneMode, operator: 'NotIn', values: ['none'] }] },
        namespaceSelector: { matchLabels: { [AMBIENT_LABELS.dataplaneMode]: AMBIENT_LABELS.ambient } },
      },
    ];
    return {
      CURRENT_AGENT_VERSION: tag,
      AMBIENT_ENABLED: String(this.ambient),
      AMBIENT_ENABLEMENT_SELECTOR: toYamlText(enablement).replace(/\n$/, ''),
      AMBIENT_DNS_CAPTURE: String(props.dnsCapture ?? true),
      AMBIENT_IPV6: String(props.ipv6 ?? true),
      AMBIENT_RECONCILE_POD_RULES_ON_STARTUP: 'true',
      ENABLE_AMBIENT_DETECTION_RETRY: 'false',
      ISTIO_OWNED_CNI_CONFIG: 'false',
      CHAINED_CNI_PLUGIN: 'true',
      EXCLUDE_NAMESPACES: excludeNamespaces.join(','),
      REPAIR_ENABLED: String(repair !== false),
      REPAIR_LABEL_PODS: String(repair === 'labelPods'),
      REPAIR_DELETE_PODS: String(repair === 'deletePods'),
      REPAIR_REPAIR_PODS: String(repair === 'repairPods'),
      REPAIR_INIT_CONTAINER_NAME: 'istio-validation',
      REPAIR_BROKEN_POD_LABEL_KEY: 'cni.istio.io/uninitialized',
      REPAIR_BROKEN_POD_LABEL_VALUE: 'true',
      NATIVE_NFTABLES: 'false',
    };
  }
}

/**
 * The 1.20 agent's `cni_network_config`: the CNI plugin's configuration, with the placeholders (`__LOG_UDS_ADDRESS__`,
 * `__KUBECONFIG_FILEPATH__`) the agent fills in on each node.
 */
function networkConfigTemplate(pluginLogLevel: string, cniBinDir: string, excludeNamespaces: readonly string[]): string {
  return JSON.stringify({
    cniVersion: '0.3.1',
    name: 'istio-cni',
    type: 'istio-cni',
    log_level: pluginLogLevel,
    log_uds_address: '__LOG_UDS_ADDRESS__',
    kubernetes: {
      kubeconfig: '__KUBECONFIG_FILEPATH__',
      cni_bin_dir: cniBinDir,
      exclude_namespaces: [...excludeNamespaces],
    },
  }, null, 2);
}
