import { Construct } from 'constructs';
import { IIstiod } from './istiod-ref';
import { IstioBase } from '../base/istio-base';
import { checkKnownKeys, Shape } from '../resource/keys';
import { kubeObject } from '../kube';
import { checkDnsLabel, fail, isDnsSubdomain, isIP, isIPv6, isLabelValue } from '../validation';
import { IstioVersion } from '../version';
import { ResourcePreset } from '../workload';
import { addValuesConfigMap, deepMerge } from './config-maps';
import { IstiodContext } from './context';
import { helmValues } from './helm-values';
import { renderInjectorData } from './injector';
import { resolveMeshConfig } from './mesh-config';
import { READER_SERVICE_ACCOUNT, readerRules } from './rbac';
import { planScaling } from './scaling';
import { injectionWebhooks, injectorWebhookName } from './webhooks';

/** Props of {@link RemoteControlPlane}. */
export interface RemoteControlPlaneProps {
  /** The base of the remote cluster; version and namespace come from it. */
  readonly base: IstioBase;
  /**
   * Where the remote cluster reaches the primary's istiod (`global.remotePilotAddress`): the address of the
   * primary's east-west gateway exposing istiod (`EastWestGateway` `exposeIstiod`), or of istiod's own load
   * balancer. An IPv4/IPv6 address becomes an EndpointSlice behind the local Service `istiod`; a DNS name an
   * `ExternalName` Service.
   */
  readonly remotePilotAddress: string;
  /**
   * Cluster name of the remote cluster (`global.multiCluster.clusterName`): the name of its remote secret in the
   * primary, and part of the injection path, so the primary injects the remote's pods with the remote's identity.
   * A DNS-1123 label.
   */
  readonly clusterName: string;
  /** Network of the remote cluster (`global.network`), also part of the injection path. @default - none */
  readonly network?: string;
  /** Mesh ID (`global.meshID`). @default - none (the trust domain) */
  readonly meshId?: string;
}

const REMOTE_PROPS: Shape<RemoteControlPlaneProps> = {
  base: 'ref', remotePilotAddress: true, clusterName: true, network: true, meshId: true,
};

/**
 * The control-plane side of a remote cluster (primary-remote): what the istiod chart renders with its `remote`
 * profile (`istiodRemote.enabled`, `global.remotePilotAddress`). The remote cluster runs no istiod: its sidecar
 * injector webhook calls the local Service `istiod`, which leads to the primary's istiod (an EndpointSlice with the
 * address, or an `ExternalName`), on the path `/inject/cluster/<cluster>/net/<network>`; the reader ClusterRole
 * and binding give the primary read access through the base's `istio-reader-service-account` (the primary's remote
 * secret of this cluster). No Deployment, no mesh or injector ConfigMap, no validation webhook: the primary's istiod
 * (with `EXTERNAL_ISTIOD`) serves, validates and patches them.
 *
 * Istio 1.30 only: 1.20 installed remotes with a separate chart (`istiod-remote`) of other contents, not rendered.
 *
 * @example
 * const base = new IstioBase(chart, 'base', {});
 * new RemoteControlPlane(chart, 'istiod', { base, remotePilotAddress: '192.168.1.241', clusterName: 'pi-c', network: 'site-a' });
 */
export class RemoteControlPlane extends Construct implements IIstiod {
  /** Istio release. */
  public readonly version: IstioVersion;
  /** Control-plane namespace. */
  public readonly namespace: string;
  /** Always the default revision. */
  public readonly revision?: string = undefined;
  /** `default`. */
  public readonly revisionLabel: string = 'default';
  /** Trust domain (the primary's default, `cluster.local`). */
  public readonly trustDomain: string = 'cluster.local';
  /** Root namespace: the control-plane namespace. */
  public readonly rootNamespace: string;
  /** No CNI agent is rendered for a remote. */
  public readonly cni: boolean = false;
  /** Sidecar mode only. */
  public readonly ambient: boolean = false;
  /** The address of the primary's istiod. */
  public readonly remotePilotAddress: string;
  /** Cluster name. */
  public readonly clusterName: string;
  /** Network, if any. */
  public readonly network?: string;
  /** The path the injector webhook calls on the primary's istiod. */
  public readonly injectionPath: string;

  public constructor(scope: Construct, id: string, props: RemoteControlPlaneProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, REMOTE_PROPS);
    if (!props || !(props.base instanceof IstioBase)) fail(this, 'base', props?.base, 'must be an IstioBase construct');
    this.version = props.base.version;
    if (!this.version.istiodRemoteProfile) {
      fail(this, 'base.version', this.version.tag, 'a remote control plane is rendered for Istio 1.30.x only: Istio 1.20 installed remotes with '
        + 'its separate istiod-remote chart (Endpoints instead of an EndpointSlice, its own CRDs, telemetry filters and webhooks), '
        + 'which this library does not render. Fix: version 1.30.x, or a primary');
    }
    this.namespace = props.base.namespace;
    this.rootNamespace = this.namespace;
    const address = props.remotePilotAddress;
    if (typeof address !== 'string' || !(isIP(address) || isDnsSubdomain(address))) {
      fail(this, 'remotePilotAddress', address, 'must be an IPv4/IPv6 address or a DNS name (no port, no scheme) of the primary\'s east-west gateway or istiod, e.g. "192.168.1.241" or "istiod.example.com"');
    }
    this.remotePilotAddress = address;
    this.clusterName = checkDnsLabel(this, 'clusterName', props.clusterName);
    for (const field of ['network', 'meshId'] as const) {
      const v = props[field];
      if (v !== undefined && (typeof v !== 'string' || v === '' || !isLabelValue(v))) fail(this, field, v, 'must be a non-empty label value');
    }
    this.network = props.network;
    this.injectionPath = `/inject/cluster/${this.clusterName}${this.network ? `/net/${this.network}` : ''}`;
    const ctx = new IstiodContext(this.version, this.namespace, undefined);

    // The values ConfigMap describes the install as the istiod chart with the remote profile would have it.
    const discoveryAddress = `${ctx.name}.${this.namespace}.svc:15012`;
    const mesh = resolveMeshConfig(this, 'meshConfig', undefined, {
      version: this.version, namespace: this.namespace, discoveryAddress, meshId: props.meshId, ambient: false, variant: undefined,
    });
    const injector = renderInjectorData({
      scope: this, version: this.version, namespace: this.namespace, revision: undefined, trustDomain: this.trustDomain,
      hub: this.version.hub, tag: this.version.tag, variant: undefined, proxy: {}, cni: false, ambient: false,
      nativeSidecars: undefined, policy: {}, clusterName: this.clusterName, meshId: props.meshId, network: this.network,
      caAddress: discoveryAddress,
    });
    const values = helmValues({ base: props.base, clusterName: this.clusterName, meshId: props.meshId, network: this.network }, {
      hub: this.version.hub, tag: this.version.tag, logLevel: 'info', plan: planScaling(this, ctx, {}, props.base.kubernetesMinor),
      resources: ResourcePreset.upstreamDefault().render(this, 'resources'), clusterName: this.clusterName, env: {},
      mesh: mesh.mesh, injectorValues: JSON.parse(injector.values), cni: false, ambient: false,
    });
    const remote = {
      profile: 'remote',
      istiodRemote: { injectionPath: this.injectionPath },
      global: { remotePilotAddress: address },
    };
    const profile = {
      istiodRemote: { enabled: true }, configMap: false, telemetry: { enabled: false }, global: { omitSidecarInjectorConfigMap: true },
    };
    addValuesConfigMap(this, ctx, {
      original: deepMerge(values.original, remote),
      merged: deepMerge(deepMerge(values.merged, profile), remote),
    });

    kubeObject(this, 'sidecar-injector-webhook', 'MutatingWebhookConfiguration', {
      metadata: ctx.clusterMeta(injectorWebhookName(ctx), 'injector'),
      webhooks: injectionWebhooks(ctx).map((w) => ({
        ...w, clientConfig: { service: { name: ctx.name, namespace: this.namespace, path: this.injectionPath, port: 443 } },
      })),
    });

    const readerRole = ctx.clusterScopedName('istio-reader-clusterrole');
    kubeObject(this, 'reader-clusterrole', 'ClusterRole', { metadata: ctx.clusterMeta(readerRole, 'reader'), rules: [
      ...readerRules(ctx),
      // the primary's istiod writes the remote's ConfigMaps (istio-ca-root-cert) and patches its webhooks' caBundle
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'watch', 'update'] },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'update'] },
    ] });
    kubeObject(this, 'reader-clusterrole-binding', 'ClusterRoleBinding', {
      metadata: ctx.clusterMeta(readerRole, 'reader'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: readerRole },
      subjects: [{ kind: 'ServiceAccount', name: READER_SERVICE_ACCOUNT, namespace: this.namespace }],
    });

    // The local name of the primary's istiod: a Service without selector, fed by an EndpointSlice (an address) or
    // resolving to the DNS name.
    const { app: _app, istio: _istio, release: _release, 'install.operator.istio.io/owning-resource': _o, 'operator.istio.io/component': _c, ...serviceLabels } = ctx.labels('istiod');
    const ip = isIP(address);
    kubeObject(this, 'service', 'Service', {
      metadata: { name: ctx.name, namespace: this.namespace, labels: serviceLabels },
      spec: {
        ports: [
          { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
          { name: 'tcp-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
        ],
        ...(ip ? {} : { type: 'ExternalName', externalName: address }),
      },
    });
    if (ip) {
      const { 'istio.io/rev': _rev, ...sliceLabels } = serviceLabels;
      kubeObject(this, 'endpoint-slice', 'EndpointSlice', {
        metadata: {
          name: ctx.name, namespace: this.namespace,
          labels: { ...sliceLabels, 'endpointslice.kubernetes.io/managed-by': 'Helm', 'kubernetes.io/service-name': ctx.name },
        },
        addressType: isIPv6(address) ? 'IPv6' : 'IPv4',
        endpoints: [{ addresses: [address] }],
        ports: [
          { name: 'tcp-istiod', port: 15012, protocol: 'TCP' },
          { name: 'tcp-webhook', port: 15017, protocol: 'TCP' },
        ],
      });
    }
  }

  /** `istio-injection: enabled`: the remote's injector serves the default revision's selectors. */
  public namespaceInjectionLabels(): Record<string, string> {
    return { 'istio-injection': 'enabled' };
  }

  /** The injection labels (no ambient on a remote). */
  public namespaceDataplaneLabels(): Record<string, string> {
    return this.namespaceInjectionLabels();
  }
}
