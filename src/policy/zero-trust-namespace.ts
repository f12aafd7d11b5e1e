import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { istioObject } from '../istio-object';
import { IIstiod, isIstiod } from '../istiod/istiod-ref';
import { KubeJson, kubeObject } from '../kube';
import { checkAnnotations, checkCidr, checkDnsLabel, checkDnsSubdomain, checkLabels, checkList, checkObject, checkUnique, fail, findNamespaceObject, isHost } from '../validation';
import { IstioVersion } from '../version';
import { AuthorizationPolicy } from '../security/authorization-policy';
import { MtlsMode, PeerAuthentication } from '../security/peer-authentication';
import { checkKnownKeys, Shape } from '../resource/keys';
import { AuthorizationRule, AuthorizationSource, renderRule, ServiceAccountRef } from './authorization';
import { MeshWorkload, workloadIdentity } from './workload-identity';
import { IMeshNamespace } from '../resource/mesh-namespace';
import { namespacePeers, tcpPorts, uniq } from './network';
import { ALLOW_MONITORING_OPTIONS, PERMISSIVE_OPTIONS, WORKLOAD_MTLS_OPTIONS, ZERO_TRUST_NAMESPACE_PROPS } from './shapes';

/** A Pod Security Standard level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const LEVELS: ReadonlySet<string> = new Set(['privileged', 'baseline', 'restricted']);

/**
 * Pod Security Admission labels of the namespace (`pod-security.kubernetes.io/<mode>[-version]`).
 */
export interface PodSecurityOptions {
  /**
   * Level a pod must meet to be admitted. `baseline` and `restricted` need Istio CNI on the Istiod:
   * without it injection adds the `istio-init` container, which needs NET_ADMIN and NET_RAW.
   * @default - 'restricted' when the Istiod uses CNI, otherwise 'privileged'
   */
  readonly enforce?: PodSecurityLevel;
  /** Policy version of `enforce`: `latest` or `v1.<minor>`. @default - no version label (latest) */
  readonly enforceVersion?: string;
  /** Level that produces warnings for users (e.g. on `kubectl apply`). @default 'restricted' */
  readonly warn?: PodSecurityLevel;
  /** Policy version of `warn`. @default - no version label (latest) */
  readonly warnVersion?: string;
  /** Level that is recorded in the audit log. @default 'restricted' */
  readonly audit?: PodSecurityLevel;
  /** Policy version of `audit`. @default - no version label (latest) */
  readonly auditVersion?: string;
}

/** NetworkPolicy settings of a {@link ZeroTrustNamespace}. */
export interface ZeroTrustNetworkPolicyOptions {
  /**
   * Restrict egress too. Workloads may then reach only their own namespace, DNS, istiod (15012),
   * the allowed namespaces and what `egressNamespaces`/`egressCidrs` list. `false` leaves egress open.
   * @default true
   */
  readonly restrictEgress?: boolean;
  /** Further namespaces workloads may reach, e.g. an egress gateway's namespace. @default - none */
  readonly egressNamespaces?: string[];
  /** CIDR blocks workloads may reach, e.g. a database outside the cluster. @default - none */
  readonly egressCidrs?: string[];
}

/** Settings of the namespace's `Sidecar` resource. */
export interface ZeroTrustSidecarOptions {
  /**
   * Further hosts the proxies may reach, as `<namespace>/<host>` (`.` = this namespace, `*` = any),
   * e.g. `istio-system/istio-egressgateway.istio-system.svc.cluster.local` or `*\/api.example.com`.
   * @default - none
   */
  readonly hosts?: string[];
}

/** Something that lives in a namespace, e.g. an ingress gateway construct. */
export interface INamespaced {
  /** Its namespace. */
  readonly namespace: string;
}

/** Names of the namespace's own policies. */
const DEFAULT_DENY_NAME = 'default-deny';
const BASELINE_NAME = 'allow-baseline';

/** Namespaces Kubernetes runs its own components in: never made zero-trust. */
const KUBERNETES_SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/** Props of {@link ZeroTrustNamespace}. */
export interface ZeroTrustNamespaceProps {
  /** The control plane; version, revision, trust domain, CNI and control-plane namespace come from it. */
  readonly istiod: IIstiod;
  /** Namespace name (DNS-1123 label). */
  readonly name: string;
  /** Pod Security Admission levels. @default - see {@link PodSecurityOptions} */
  readonly podSecurity?: PodSecurityOptions;
  /**
   * Namespaces of the ingress gateways that send traffic in (NetworkPolicy ingress). Gateway constructs
   * exposing `namespace` are accepted. The AuthorizationPolicy still needs an `allow` rule for the
   * gateway's identity.
   * @default - none
   */
  readonly ingressGatewayNamespaces?: Array<string | INamespaced>;
  /** Namespaces allowed in and out at the network level (NetworkPolicy ingress and egress). @default - none */
  readonly allowedNamespaces?: string[];
  /** NetworkPolicies: `false` for none. @default true (ingress and egress restricted) */
  readonly networkPolicy?: boolean | ZeroTrustNetworkPolicyOptions;
  /**
   * A namespace-wide `Sidecar` limiting the proxies' egress to this namespace, the control-plane
   * namespace and listed hosts. `true` for the first two only.
   * @default false
   */
  readonly sidecar?: boolean | ZeroTrustSidecarOptions;
  /**
   * The revision or revision tag the namespace points at (`istio.io/rev: <revision>`, e.g. a {@link RevisionTag}'s
   * `prod`), instead of `istiod`'s own injection labels: moving the tag to a new revision then re-targets the
   * namespace without touching it. The analyzer reports a namespace pointing at a revision or tag that no control
   * plane of the input serves.
   * @default - the labels of `istiod` (`istio-injection: enabled`, or `istio.io/rev: <its revision>`)
   */
  readonly revision?: string;
  /**
   * Data plane of the namespace: `sidecar` (injected proxies) or `ambient` (ztunnel on each node, waypoints for L7;
   * the control plane must run in ambient mode, Istio 1.30). In ambient, L7 rules (methods, paths, hosts, JWT
   * principals, request conditions) need a waypoint, given per policy (`waypoint` of the policy options).
   * @default - `ambient` when the control plane runs in ambient mode, otherwise `sidecar`
   */
  readonly dataplane?: 'sidecar' | 'ambient';
  /** Extra labels of the Namespace (not the injection, `name` or Pod Security labels). @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations of the Namespace. @default - none */
  readonly annotations?: Record<string, string>;
}

/** Options of {@link ZeroTrustNamespace.mtls}: the mTLS mode of some workloads, and of some of their ports. */
export interface WorkloadMtlsOptions {
  /** Workloads (pod labels) the setting applies to; at least one label (the namespace default stays STRICT). */
  readonly selector: Record<string, string>;
  /** Mode of the selected workloads. @default - the namespace's (STRICT) */
  readonly mode?: MtlsMode;
  /**
   * Mode per container port of the selected workloads (the port the workload listens on), e.g. `{ 9090: 'DISABLE' }`
   * for a metrics port scraped without mTLS. @default - none
   */
  readonly portLevelMtls?: Record<string, MtlsMode>;
  /** PeerAuthentication name. @default `<id>-mtls` */
  readonly name?: string;
}

/** Options of {@link ZeroTrustNamespace.permissive}. */
export interface PermissiveOptions {
  /** Workloads (pod labels) that accept plain text as well as mTLS. Required: the namespace stays STRICT. */
  readonly selector: Record<string, string>;
  /** PeerAuthentication name. @default `<id>-permissive` */
  readonly name?: string;
}

/** Options of {@link ZeroTrustNamespace.allow}, {@link ZeroTrustNamespace.deny} and {@link ZeroTrustNamespace.audit}. */
export interface AllowOptions {
  /** AuthorizationPolicy (and, for `allow`, NetworkPolicy) name. @default - the id */
  readonly name?: string;
  /** Workloads (pod labels) the policy applies to. @default - every workload of the namespace */
  readonly selector?: Record<string, string>;
  /**
   * The cdk8s-plus Deployment or StatefulSet the policy applies to: its pod labels (`matchLabels`) are the selector.
   * It must run in this namespace; give `selector` or `workload`, not both.
   * @default - `selector`
   */
  readonly workload?: MeshWorkload;
  /** Rules; the policy applies to a request when any rule matches. */
  readonly rules: AuthorizationRule[];
  /**
   * Ambient namespaces: the waypoint enforcing the policy (it is then attached with `targetRefs` instead of a
   * selector). Required for L7 rules in ambient (ztunnel enforces only L4: peers, namespaces, addresses, ports).
   * @default - none: enforced by the sidecars (sidecar mode) or by ztunnel (ambient, L4 rules only)
   */
  readonly waypoint?: IWaypointTarget;
}

/** A waypoint (e.g. the `Waypoint` construct) that L7 policies of an ambient namespace attach to. */
export interface IWaypointTarget {
  /** Namespace of the waypoint. */
  readonly namespace: string;
  /** The `targetRefs` entry naming the waypoint's Gateway. */
  readonly targetRef: { readonly group: string; readonly kind: string; readonly name: string };
}

/** Options of {@link ZeroTrustNamespace.custom}. */
export interface CustomAuthorizationOptions extends AllowOptions {
  /**
   * Name of the external authorizer: an extension provider of the mesh config (`envoyExtAuthzHttp` or
   * `envoyExtAuthzGrpc` in `meshConfig.extensionProviders`), asked about the requests the rules match.
   */
  readonly provider: string;
}

/** Options of {@link ZeroTrustNamespace.allowMonitoring}. */
export interface AllowMonitoringOptions {
  /** Namespace of the scraper (Prometheus). @default - the control-plane namespace (`istiod.namespace`) */
  readonly namespace?: string;
  /** ServiceAccount of the scraper. @default 'prometheus' */
  readonly serviceAccount?: string;
  /**
   * Application metrics ports the scraper reaches through the proxy with its own mesh identity
   * (mTLS). Metrics merged by the agent on 15020 and Envoy's 15090 need no authorization rule.
   * @default - none: only the NetworkPolicy for 15020 and 15090
   */
  readonly ports?: number[];
  /** Workloads scraped. @default - every workload of the namespace */
  readonly selector?: Record<string, string>;
  /** Policy name. @default 'allow-monitoring' */
  readonly name?: string;
}

/** Port ztunnel receives mesh traffic on in ambient mode (HBONE). */
const HBONE_PORT = 15008;
/** Address ambient mode gives kubelet's probes (Istio SNATs them so ztunnel lets them pass). */
const AMBIENT_PROBE_SOURCE = '169.254.7.127/32';

/** Rule fields only an L7 proxy (sidecar or waypoint) can enforce. */
function l7Fields(rule: AuthorizationRule): string[] {
  const out: string[] = [];
  (rule?.from ?? []).forEach((src, j) => {
    for (const k of ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const) {
      if (src?.[k] !== undefined) out.push(`from[${j}].${k}`);
    }
  });
  (rule?.to ?? []).forEach((op, j) => {
    for (const k of ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'] as const) {
      if (op?.[k] !== undefined) out.push(`to[${j}].${k}`);
    }
  });
  (rule?.when ?? []).forEach((c, j) => {
    if (!['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port'].includes(c?.key)) out.push(`when[${j}].key`);
  });
  return out;
}

/** Agent port serving merged metrics (and rewritten probes); bypasses the proxy's inbound capture. */
export const AGENT_STATUS_PORT = 15020;
/** Envoy's Prometheus port. */
export const ENVOY_PROMETHEUS_PORT = 15090;

const SOURCE_SHAPE: Shape<AuthorizationSource> = {
  namespaces: true, serviceAccounts: [{ namespace: true, name: true }], workloads: 'ref', principals: true, ipBlocks: true, notNamespaces: true,
  notPrincipals: true, notIpBlocks: true, remoteIpBlocks: true, notRemoteIpBlocks: true, requestPrincipals: true, notRequestPrincipals: true,
};
const RULE_SHAPE: Shape<AuthorizationRule> = {
  from: [SOURCE_SHAPE],
  to: [{ ports: true, methods: true, paths: true, hosts: true, notPorts: true, notMethods: true, notPaths: true, notHosts: true }],
  when: [{ key: true, values: true, notValues: true }],
};
const ALLOW_OPTIONS: Shape<AllowOptions> = { name: true, selector: true, workload: 'ref', rules: [RULE_SHAPE], waypoint: 'ref' };
const CUSTOM_OPTIONS: Shape<CustomAuthorizationOptions> = { ...ALLOW_OPTIONS, provider: true };

const PSA = 'pod-security.kubernetes.io';
const PSA_VERSION = /^(latest|v1\.(0|[1-9][0-9]?))$/;
const SIDECAR_HOST_NS = /^(\.|\*|~|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

/**
 * A namespace where the secure thing is the default: sidecar injection, STRICT mTLS, deny-all
 * authorization with typed allow rules, default-deny NetworkPolicies and Pod Security labels.
 *
 * ```ts
 * const trading = new ZeroTrustNamespace(chart, 'trading', { istiod, name: 'trading' });
 * trading.allow('trading-agent', { selector: { app: 'trading-agent' }, rules: [{ from: [{ namespaces: ['argocd'] }] }] });
 * ```
 */
export class ZeroTrustNamespace extends Construct implements IMeshNamespace {
  /** Namespace name. */
  public readonly name: string;
  /** The control plane serving the namespace. */
  public readonly istiod: IIstiod;
  /** Istio release (from the Istiod). */
  public readonly version: IstioVersion;
  /** Data plane of the namespace. */
  public readonly dataplane: 'sidecar' | 'ambient';
  /** Effective Pod Security `enforce` level. */
  public readonly podSecurityEnforce: PodSecurityLevel;
  /** Whether NetworkPolicies are rendered. */
  public readonly networkPolicyEnabled: boolean;

  private readonly authzNames = new Set<string>();
  private readonly peerAuthNames = new Set<string>();
  private readonly netpolNames = new Set<string>();

  public constructor(scope: Construct, id: string, props: ZeroTrustNamespaceProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, ZERO_TRUST_NAMESPACE_PROPS);
    if (!props || !isIstiod(props.istiod)) {
      fail(this, 'istiod', props?.istiod === undefined ? undefined : '(not an Istiod)', 'must be the Istiod construct serving the namespace');
    }
    this.istiod = props.istiod;
    this.version = props.istiod.version;
    this.name = checkDnsLabel(this, 'name', props.name);
    if (this.name === this.istiod.namespace) {
      fail(this, 'name', this.name, `must not be the control-plane namespace of ${this.istiod.node.path}`);
    }
    if (this.name === this.istiod.rootNamespace) {
      fail(this, 'name', this.name, `must not be the mesh root namespace of ${this.istiod.node.path} (meshConfig.rootNamespace): policies there apply to every namespace, so its default-deny would deny the whole mesh`);
    }
    if (KUBERNETES_SYSTEM_NAMESPACES.includes(this.name)) {
      fail(this, 'name', this.name, `must not be one of Kubernetes' own namespaces (${KUBERNETES_SYSTEM_NAMESPACES.join(', ')}): default-deny NetworkPolicies there cut cluster DNS and the API server's add-ons off from every other namespace`);
    }

    const existing = findNamespaceObject(this, this.name);
    if (existing) {
      const owner = existing.node.scope?.node.path ?? existing.node.path;
      fail(this, 'name', this.name, `names a Namespace that ${owner} already emits: create the ZeroTrustNamespace before that construct ` +
        '(gateways then reuse its Namespace), or stop that construct from emitting it (a gateway\'s createNamespace: false)');
    }

    this.dataplane = props.dataplane ?? (this.istiod.ambient ? 'ambient' : 'sidecar');
    if (this.dataplane !== 'sidecar' && this.dataplane !== 'ambient') fail(this, 'dataplane', props.dataplane, 'must be "sidecar" or "ambient"');
    if (this.dataplane === 'ambient' && !this.istiod.ambient) {
      fail(this, 'dataplane', 'ambient', `needs a control plane in ambient mode (ztunnel and the CNI agent in ambient mode; Istio 1.30): ${this.istiod.node.path} is not (Istiod ambient: true)`);
    }
    if (this.dataplane === 'ambient' && props.sidecar) {
      fail(this, 'sidecar', props.sidecar, 'must be left out in ambient mode: a Sidecar resource configures sidecar proxies, which an ambient namespace has none of');
    }
    if (this.dataplane === 'ambient' && props.revision !== undefined) {
      fail(this, 'revision', props.revision, 'must be left out in ambient mode: the revision label selects a sidecar injector');
    }

    const psa = this.podSecurityLabels(props.podSecurity ?? {});
    this.podSecurityEnforce = psa.enforce;

    const userLabels = checkLabels(this, 'labels', props.labels) ?? {};
    const injection = this.dataplane === 'ambient' ? this.istiod.namespaceDataplaneLabels()
      : props.revision === undefined ? this.istiod.namespaceInjectionLabels()
      : { 'istio.io/rev': checkDnsLabel(this, 'revision', props.revision) };
    for (const key of Object.keys(userLabels)) {
      const source = key === 'name' ? 'the name prop'
        : key === 'istio-injection' || key === 'istio.io/rev' || key === 'istio.io/dataplane-mode' ? `istiod (${this.istiod.node.path})`
          : key.startsWith(`${PSA}/`) ? 'the podSecurity prop' : undefined;
      if (source) fail(this, `labels.${key}`, userLabels[key], `is reserved: it comes from ${source}`);
    }
    checkAnnotations(this, 'annotations', props.annotations);

    // Check the NetworkPolicy and Sidecar settings too before anything is emitted.
    const np = props.networkPolicy ?? true;
    this.networkPolicyEnabled = np !== false;
    if (np === false && (props.allowedNamespaces || props.ingressGatewayNamespaces)) {
      fail(this, 'networkPolicy', false, 'must be on (true or options) when allowedNamespaces or ingressGatewayNamespaces are given: they only feed the NetworkPolicies');
    }
    const emitNetworkPolicies = np !== false ? this.planNetworkPolicies(np === true ? {} : np, props) : undefined;
    const emitSidecar = props.sidecar ? this.planSidecar(props.sidecar === true ? {} : props.sidecar) : undefined;

    kubeObject(this, 'namespace', 'Namespace', {
      metadata: {
        name: this.name,
        labels: { ...userLabels, name: this.name, ...injection, ...psa.labels },
        ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
      },
    });

    // mTLS: STRICT for every workload of the namespace.
    this.peerAuthNames.add('default');
    new PeerAuthentication(this, 'peer-authentication', { namespace: this, name: 'default', spec: { mtls: { mode: 'STRICT' } } });

    // Authorization: an ALLOW policy without rules matches nothing, so only explicit allows pass.
    this.authzNames.add(DEFAULT_DENY_NAME);
    new AuthorizationPolicy(this, 'default-deny', { namespace: this, name: DEFAULT_DENY_NAME, spec: { action: 'ALLOW' } });

    emitNetworkPolicies?.();
    emitSidecar?.();
  }

  /**
   * Lets the selected workloads accept plain text as well as mTLS (PeerAuthentication PERMISSIVE),
   * e.g. a legacy service called from outside the mesh. The rest of the namespace stays STRICT.
   */
  public permissive(id: string, options: PermissiveOptions): PeerAuthentication {
    checkKnownKeys(this, `permissive(${id})`, options, PERMISSIVE_OPTIONS);
    return this.workloadMtls(`permissive(${id})`, `Permissive-${id}`, options?.name ?? `${id}-permissive`, options?.selector, 'PERMISSIVE', undefined);
  }

  /**
   * Sets the mTLS mode of the selected workloads (PeerAuthentication with a selector), and optionally per port
   * (`portLevelMtls`): e.g. STRICT workloads with one plain-text metrics port, or a DISABLE workload. The rest of the
   * namespace stays STRICT.
   */
  public mtls(id: string, options: WorkloadMtlsOptions): PeerAuthentication {
    const f = `mtls(${id})`;
    checkKnownKeys(this, f, options, WORKLOAD_MTLS_OPTIONS);
    if (options?.mode === undefined && options?.portLevelMtls === undefined) {
      fail(this, f, options, 'must set mode, portLevelMtls or both (otherwise the workloads keep the namespace\'s STRICT and the policy says nothing)');
    }
    const ports = checkObject(this, `${f}.portLevelMtls`, options.portLevelMtls, 'must map port numbers to STRICT, PERMISSIVE or DISABLE');
    if (ports !== undefined && Object.keys(ports).length === 0) fail(this, `${f}.portLevelMtls`, ports, 'must name at least one port when given');
    const portLevel = ports === undefined ? undefined : Object.fromEntries(Object.entries(ports).map(([port, mode]) => {
      if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) fail(this, `${f}.portLevelMtls`, port, 'keys must be port numbers from 1 to 65535');
      return [port, { mode: this.mtlsMode(`${f}.portLevelMtls.${port}`, mode) }];
    }));
    const mode = options.mode === undefined ? undefined : this.mtlsMode(`${f}.mode`, options.mode);
    return this.workloadMtls(f, `Mtls-${id}`, options.name ?? `${id}-mtls`, options.selector, mode, portLevel);
  }

  private mtlsMode(field: string, mode: unknown): MtlsMode {
    if (mode !== 'STRICT' && mode !== 'PERMISSIVE' && mode !== 'DISABLE') fail(this, field, mode, 'must be STRICT, PERMISSIVE or DISABLE');
    return mode;
  }

  private workloadMtls(f: string, id: string, nameGiven: string, selector: Record<string, string> | undefined, mode: MtlsMode | undefined,
    portLevel: Record<string, { mode: MtlsMode }> | undefined): PeerAuthentication {
    const name = checkDnsSubdomain(this, `${f}.name`, nameGiven);
    if (!selector || typeof selector !== 'object' || Object.keys(selector).length === 0) {
      fail(this, `${f}.selector`, selector, 'must select the workloads by at least one pod label; the namespace-wide policy stays STRICT');
    }
    checkLabels(this, `${f}.selector`, selector);
    checkUnique(this, `${f}.name`, name, this.peerAuthNames, 'PeerAuthentication names');
    return new PeerAuthentication(this, id, {
      namespace: this,
      name,
      spec: {
        selector: { matchLabels: { ...selector } },
        ...(mode ? { mtls: { mode } } : {}),
        ...(portLevel ? { portLevelMtls: portLevel } : {}),
      },
    });
  }

  /**
   * Adds an ALLOW AuthorizationPolicy. When NetworkPolicies are on, a NetworkPolicy of the same name
   * opens the network path from the namespaces and addresses the rules name (on the rule's ports when
   * every operation names ports), and from anywhere for a rule whose sources pin no peer, so the two layers never
   * disagree.
   */
  public allow(id: string, options: AllowOptions): AuthorizationPolicy {
    return this.authorization('ALLOW', id, options);
  }

  /**
   * Adds a DENY AuthorizationPolicy: requests matching a rule are refused, whatever ALLOW policies say (Istio
   * evaluates CUSTOM, then DENY, then ALLOW). Opens no network path.
   */
  public deny(id: string, options: AllowOptions): AuthorizationPolicy {
    return this.authorization('DENY', id, options);
  }

  /** Adds an AUDIT AuthorizationPolicy: matching requests are logged by the audit provider; access is unchanged. */
  public audit(id: string, options: AllowOptions): AuthorizationPolicy {
    return this.authorization('AUDIT', id, options);
  }

  /**
   * Adds a CUSTOM AuthorizationPolicy: requests matching a rule are sent to the external authorizer `provider` (an
   * extension provider of the mesh config) which allows or denies them. They still need an ALLOW policy here.
   */
  public custom(id: string, options: CustomAuthorizationOptions): AuthorizationPolicy {
    return this.authorization('CUSTOM', id, options);
  }

  private authorization(action: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM', id: string, options: AllowOptions | CustomAuthorizationOptions): AuthorizationPolicy {
    const f = `${action.toLowerCase()}(${id})`;
    if (!options || typeof options !== 'object') fail(this, f, options, 'must be an options object with `rules`');
    if (Object.prototype.hasOwnProperty.call(options, 'action')) {
      const given = (options as { action?: unknown }).action;
      fail(this, `${f}.action`, given, `\`action\` is not a key: ${action.toLowerCase()}() always renders an ${action} policy; use allow(), deny(), audit() or custom() for the action you mean`);
    }
    checkKnownKeys(this, f, options as CustomAuthorizationOptions, action === 'CUSTOM' ? CUSTOM_OPTIONS : ALLOW_OPTIONS as Shape<CustomAuthorizationOptions>);
    const name = checkDnsSubdomain(this, `${f}.name`, options.name ?? id);
    if (!Array.isArray(options.rules) || options.rules.length === 0) {
      fail(this, `${f}.rules`, options.rules, action === 'ALLOW'
        ? 'must be a non-empty list of rules (the namespace already denies everything else)'
        : `must be a non-empty list of rules (a ${action} policy without rules matches nothing)`);
    }
    const provider = action === 'CUSTOM' ? (options as CustomAuthorizationOptions).provider : undefined;
    if (action === 'CUSTOM' && (typeof provider !== 'string' || !/^\S+$/.test(provider))) {
      fail(this, `${f}.provider`, provider, 'must name an extension provider of the mesh config (meshConfig.extensionProviders[].name)');
    }
    let given = options.selector;
    if (options.workload !== undefined) {
      if (given !== undefined) fail(this, `${f}.workload`, options.workload.node?.path, 'cannot be given with selector: the workload\'s pod labels are the selector');
      const w = workloadIdentity(this, `${f}.workload`, options.workload);
      if (w.namespace !== this.name) fail(this, `${f}.workload`, w.path, `must run in namespace ${this.name} (it runs in ${w.namespace}): a policy selects pods of its own namespace`);
      given = w.podLabels;
    }
    const selector = checkObject(this, `${f}.selector`, given, 'must be pod labels (an object), or omitted for the whole namespace');
    if (selector !== undefined) {
      if (Object.keys(selector).length === 0) fail(this, `${f}.selector`, selector, 'must name at least one pod label, or be omitted for the whole namespace');
      checkLabels(this, `${f}.selector`, selector);
    }
    const waypoint = options.waypoint;
    if (waypoint !== undefined) {
      if (this.dataplane !== 'ambient') fail(this, `${f}.waypoint`, '(a waypoint)', 'is for ambient namespaces: in sidecar mode the sidecars enforce every rule');
      if (!waypoint || typeof waypoint.namespace !== 'string' || !waypoint.targetRef || typeof waypoint.targetRef.name !== 'string') {
        fail(this, `${f}.waypoint`, waypoint, 'must be a waypoint (e.g. a Waypoint construct) with namespace and targetRef');
      }
      if (waypoint.namespace !== this.name) {
        fail(this, `${f}.waypoint`, `${waypoint.namespace}/${waypoint.targetRef.name}`, `must be a waypoint in namespace ${this.name}: a policy attaches only to targets of its own namespace`);
      }
      if (selector !== undefined) fail(this, `${f}.selector`, selector, 'must be left out with waypoint: the policy attaches to the waypoint (targetRefs), which serves the namespace\'s services');
    }
    if (this.dataplane === 'ambient' && waypoint === undefined) {
      options.rules.forEach((r, i) => {
        const l7 = l7Fields(r);
        if (l7.length > 0) {
          fail(this, `${f}.rules[${i}].${l7[0]}`, '(an L7 field)', `needs a waypoint in ambient mode: ztunnel enforces only L4 (peers, namespaces, addresses, ports), so this rule would never match (${l7.join(', ')}); deploy a Waypoint in namespace ${this.name} and pass it as waypoint, or keep the rule to L4 fields`);
        }
      });
    }
    const rendered = options.rules.map((r, i) => renderRule(this, `${f}.rules[${i}]`, r, this.istiod.trustDomain, this.version));
    const ingress: Array<KubeJson<k8s.NetworkPolicyIngressRule>> = [];
    // Only ALLOW opens network paths: DENY and AUDIT allow nothing, CUSTOM still needs an ALLOW.
    if (this.networkPolicyEnabled && action === 'ALLOW') {
      for (const { reach } of rendered) {
        // in ambient mode traffic arrives through ztunnel on the HBONE port, whatever the application port
        const ports = reach.ports ? { ports: tcpPorts(uniq(this.dataplane === 'ambient' ? [...reach.ports, HBONE_PORT] : reach.ports)) } : {};
        if (reach.anySource) {
          // no pinned source: the policy admits any peer, so the network path must be open from anywhere too
          if (!ingress.some((r) => JSON.stringify(r) === JSON.stringify(ports))) ingress.push(ports);
          continue;
        }
        const namespaces = uniq(reach.namespaces).filter((n) => n !== this.name);
        const from = [...namespaces.flatMap((n) => namespacePeers(n)), ...uniq(reach.cidrs).map((cidr) => ({ ipBlock: { cidr } }))];
        if (from.length === 0) continue;
        ingress.push({ from, ...ports });
      }
    }
    // Both names are checked before either object is emitted.
    this.claimNames(`${f}.name`, name, true, ingress.length > 0);
    const prefix = action === 'ALLOW' ? 'Allow' : action === 'DENY' ? 'Deny' : action === 'AUDIT' ? 'Audit' : 'Custom';
    const policy = new AuthorizationPolicy(this, `${prefix}-${id}`, {
      namespace: this,
      name,
      spec: {
        ...(selector ? { selector: { matchLabels: { ...selector } } } : {}),
        ...(waypoint ? { targetRefs: [{ ...waypoint.targetRef }] } : {}),
        action,
        ...(provider ? { provider: { name: provider } } : {}),
        rules: rendered.map((r) => r.rule),
      },
    });
    if (ingress.length > 0) {
      kubeObject(this, `AllowNetwork-${id}`, 'NetworkPolicy', {
        metadata: { name, namespace: this.name },
        spec: { podSelector: selector ? { matchLabels: { ...selector } } : {}, policyTypes: ['Ingress'], ingress },
      });
    }
    return policy;
  }

  /**
   * Lets Prometheus scrape the namespace under STRICT mTLS and deny-all:
   * - NetworkPolicy `allow-monitoring` from the scraper's namespace to 15020 (metrics merged by the
   *   agent; the port bypasses the proxy, so neither mTLS nor authorization applies), 15090 (Envoy) and `ports`;
   * - when `ports` are given, an AuthorizationPolicy allowing the scraper's principal
   *   `<trustDomain>/ns/<namespace>/sa/<serviceAccount>` to them (for a Prometheus with mesh certificates).
   */
  public allowMonitoring(options: AllowMonitoringOptions = {}): void {
    const f = 'allowMonitoring';
    checkObject(this, f, options, 'must be AllowMonitoringOptions (an object) or omitted');
    checkKnownKeys(this, f, options, ALLOW_MONITORING_OPTIONS);
    const ns = checkDnsLabel(this, `${f}.namespace`, options.namespace ?? this.istiod.namespace);
    const sa: ServiceAccountRef = { namespace: ns, name: checkDnsSubdomain(this, `${f}.serviceAccount`, options.serviceAccount ?? 'prometheus') };
    const name = checkDnsSubdomain(this, `${f}.name`, options.name ?? 'allow-monitoring');
    const selector = checkLabels(this, `${f}.selector`, options.selector);
    if (options.ports !== undefined && (!Array.isArray(options.ports) || options.ports.length === 0)) {
      fail(this, `${f}.ports`, options.ports, 'must be a non-empty list of ports when given');
    }
    const rendered = options.ports
      ? renderRule(this, `${f}`, { from: [{ serviceAccounts: [sa] }], to: [{ ports: options.ports }] }, this.istiod.trustDomain, this.version)
      : undefined;
    const ports = rendered?.reach.ports;
    // Both names are checked before either object is emitted.
    this.claimNames(`${f}.name`, name, rendered !== undefined, this.networkPolicyEnabled);
    if (rendered) {
      new AuthorizationPolicy(this, 'allow-monitoring', {
        namespace: this,
        name,
        spec: {
          ...(selector ? { selector: { matchLabels: { ...selector } } } : {}),
          action: 'ALLOW',
          rules: [rendered.rule],
        },
      });
    }
    if (this.networkPolicyEnabled) {
      kubeObject(this, 'allow-monitoring-network', 'NetworkPolicy', {
        metadata: { name, namespace: this.name },
        spec: {
          podSelector: selector ? { matchLabels: { ...selector } } : {},
          policyTypes: ['Ingress'],
          ingress: [{ from: namespacePeers(ns), ports: tcpPorts(uniq([AGENT_STATUS_PORT, ENVOY_PROMETHEUS_PORT, ...(ports ?? [])])) }],
        },
      });
    }
  }

  /** Checks `name` is free among the AuthorizationPolicies and/or NetworkPolicies about to be emitted, then takes it. */
  private claimNames(field: string, name: string, authz: boolean, netpol: boolean): void {
    if (authz && (name === DEFAULT_DENY_NAME) && this.authzNames.has(name)) {
      fail(this, field, name, `is reserved: the namespace's own deny-all AuthorizationPolicy is called "${DEFAULT_DENY_NAME}"; choose another name`);
    }
    if (netpol && (name === DEFAULT_DENY_NAME || name === BASELINE_NAME) && this.netpolNames.has(name)) {
      fail(this, field, name, `is reserved: the namespace's own NetworkPolicies are called "${DEFAULT_DENY_NAME}" and "${BASELINE_NAME}"; choose another name`);
    }
    if (authz) checkUnique(this, field, name, new Set(this.authzNames), 'AuthorizationPolicy names');
    if (netpol) checkUnique(this, field, name, new Set(this.netpolNames), 'NetworkPolicy names');
    if (authz) this.authzNames.add(name);
    if (netpol) this.netpolNames.add(name);
  }

  private podSecurityLabels(o: PodSecurityOptions): { enforce: PodSecurityLevel; labels: Record<string, string> } {
    const labels: Record<string, string> = {};
    const level = (mode: 'enforce' | 'warn' | 'audit', v: PodSecurityLevel | undefined, dflt: PodSecurityLevel): PodSecurityLevel => {
      const l = v ?? dflt;
      if (!LEVELS.has(l)) fail(this, `podSecurity.${mode}`, l, 'must be "privileged", "baseline" or "restricted"');
      labels[`${PSA}/${mode}`] = l;
      const version = o[`${mode}Version`];
      if (version !== undefined) {
        if (typeof version !== 'string' || !PSA_VERSION.test(version)) fail(this, `podSecurity.${mode}Version`, version, 'must be "latest" or a Kubernetes minor version such as "v1.28"');
        labels[`${PSA}/${mode}-version`] = version;
      }
      return l;
    };
    const enforce = level('enforce', o.enforce, this.istiod.cni ? 'restricted' : 'privileged');
    level('warn', o.warn, 'restricted');
    level('audit', o.audit, 'restricted');
    if (enforce !== 'privileged' && !this.istiod.cni) {
      fail(this, 'podSecurity.enforce', enforce,
        `must be "privileged" while ${this.istiod.node.path} injects the istio-init container (Istio CNI off): ` +
        'istio-init needs the NET_ADMIN and NET_RAW capabilities, which "baseline" and "restricted" forbid, so no injected pod would start. ' +
        'Fix: enable Istio CNI on the Istiod (cni: true; istio-init becomes the unprivileged istio-validation), or set podSecurity.enforce to "privileged"');
    }
    return { enforce, labels };
  }

  /** Validates the NetworkPolicy settings and returns what emits the policies. */
  private planNetworkPolicies(o: ZeroTrustNetworkPolicyOptions, props: ZeroTrustNamespaceProps): () => void {
    const restrictEgress = o.restrictEgress ?? true;
    checkList(this, 'ingressGatewayNamespaces', props.ingressGatewayNamespaces, 'must be a list of namespaces (names or gateway constructs)');
    checkList(this, 'networkPolicy.egressCidrs', o.egressCidrs, 'must be a list of CIDR blocks');
    const gatewayNs = uniq((props.ingressGatewayNamespaces ?? []).map((g, i) => {
      const n = typeof g === 'string' ? g : g?.namespace;
      return checkDnsLabel(this, `ingressGatewayNamespaces[${i}]`, n as string);
    }));
    const allowed = this.namespaceList('allowedNamespaces', props.allowedNamespaces);
    const egressNs = this.namespaceList('networkPolicy.egressNamespaces', o.egressNamespaces);
    const cidrs = (o.egressCidrs ?? []).map((c, i) => checkCidr(this, `networkPolicy.egressCidrs[${i}]`, c));
    if (!restrictEgress && (o.egressNamespaces || o.egressCidrs)) {
      fail(this, 'networkPolicy.restrictEgress', false, 'must be true when egressNamespaces or egressCidrs are given (with open egress they change nothing)');
    }

    return () => this.renderNetworkPolicies(restrictEgress, gatewayNs, allowed, egressNs, cidrs);
  }

  private renderNetworkPolicies(restrictEgress: boolean, gatewayNs: string[], allowed: string[], egressNs: string[], cidrs: string[]): void {
    const types = restrictEgress ? ['Ingress', 'Egress'] : ['Ingress'];
    this.netpolNames.add(DEFAULT_DENY_NAME);
    kubeObject(this, 'network-policy-default-deny', 'NetworkPolicy', {
      metadata: { name: DEFAULT_DENY_NAME, namespace: this.name },
      spec: { podSelector: {}, policyTypes: types },
    });

    const ingress: Array<KubeJson<k8s.NetworkPolicyIngressRule>> = [{ from: [{ podSelector: {} }] }];
    if (gatewayNs.length > 0) ingress.push({ from: gatewayNs.flatMap((n) => namespacePeers(n)) });
    if (allowed.length > 0) ingress.push({ from: allowed.flatMap((n) => namespacePeers(n)) });
    // ambient: kubelet's probes reach pods from the link-local address Istio SNATs them to
    if (this.dataplane === 'ambient') ingress.push({ from: [{ ipBlock: { cidr: AMBIENT_PROBE_SOURCE } }] });

    const egress: Array<KubeJson<k8s.NetworkPolicyEgressRule>> = [];
    if (restrictEgress) {
      egress.push({ to: [{ podSelector: {} }] });
      egress.push({
        to: namespacePeers('kube-system', { 'k8s-app': 'kube-dns' }),
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      });
      // xDS and certificates; 15017 (webhook) is only called by the API server.
      egress.push({ to: namespacePeers(this.istiod.namespace), ports: tcpPorts([15012]) });
      const out = uniq([...allowed, ...egressNs]);
      if (out.length > 0) egress.push({ to: out.flatMap((n) => namespacePeers(n)) });
      if (cidrs.length > 0) egress.push({ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) });
    }
    this.netpolNames.add(BASELINE_NAME);
    kubeObject(this, 'network-policy-baseline', 'NetworkPolicy', {
      metadata: { name: BASELINE_NAME, namespace: this.name },
      spec: { podSelector: {}, policyTypes: types, ingress, ...(restrictEgress ? { egress } : {}) },
    });
  }

  private namespaceList(field: string, list: string[] | undefined): string[] {
    const seen = new Set<string>();
    checkList(this, field, list, 'must be a list of namespace names');
    return (list ?? []).map((n, i) => {
      checkDnsLabel(this, `${field}[${i}]`, n);
      if (n === this.name) fail(this, `${field}[${i}]`, n, 'must name another namespace: traffic within the namespace is always allowed');
      checkUnique(this, `${field}[${i}]`, n, seen, 'namespaces');
      return n;
    });
  }

  /** Validates the Sidecar settings and returns what emits the Sidecar. */
  private planSidecar(o: ZeroTrustSidecarOptions): () => void {
    checkList(this, 'sidecar.hosts', o.hosts, 'must be a list of "<namespace>/<host>" entries');
    const extra = (o.hosts ?? []).map((h, i) => {
      const slash = typeof h === 'string' ? h.indexOf('/') : -1;
      const ns = slash > 0 ? h.slice(0, slash) : '';
      const host = slash > 0 ? h.slice(slash + 1) : '';
      if (slash <= 0 || !SIDECAR_HOST_NS.test(ns) || !isHost(host)) {
        fail(this, `sidecar.hosts[${i}]`, h, 'must be "<namespace>/<host>" where namespace is a namespace name, "." (this one), "*" (any) or "~" (none) and host a DNS name optionally starting with "*", e.g. "istio-system/*" or "*/api.example.com"');
      }
      return h;
    });
    return () => istioObject(this, 'sidecar', this.version, 'Sidecar', { name: 'default', namespace: this.name }, {
      egress: [{ hosts: uniq(['./*', `${this.istiod.namespace}/*`, ...extra]) }],
    });
  }
}
