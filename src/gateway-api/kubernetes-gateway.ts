import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkMeshNamespace, IMeshNamespace } from '../resource/mesh-namespace';
import { checkAnnotations, checkLabels, checkList, checkPort, fail } from '../validation';
import { IstioVersion } from '../version';
import { checkHostname, checkSectionName } from './checks';
import { GatewayClass } from './gateway-class';
import { checkKnownKeys, Shape } from '../resource/keys';
import { GATEWAY_API_GROUP, gatewayApiObject, GatewayApiSpecs } from './object';
import { checkObjectName, IRouteParent, ParentReference } from './refs';

/** Protocols of a Gateway listener that Istio's gateway controller serves. */
export type ListenerProtocol = 'HTTP' | 'HTTPS' | 'TLS' | 'TCP' | 'HBONE';

/** A TLS certificate a listener serves: a Secret of type `kubernetes.io/tls`. */
export interface CertificateRef {
  /** Secret name. */
  readonly name: string;
  /** Secret namespace; another namespace than the Gateway's needs a {@link ReferenceGrant} there. @default - the Gateway's */
  readonly namespace?: string;
}

/** TLS of a listener. */
export interface ListenerTls {
  /** `Terminate` (the gateway decrypts; needs certificates) or `Passthrough` (TLS listeners only). @default 'Terminate' */
  readonly mode?: 'Terminate' | 'Passthrough';
  /** Certificates served (with `Terminate`). @default - none */
  readonly certificateRefs?: CertificateRef[];
}

/** Which namespaces' routes may attach to a listener. */
export interface AllowedRoutes {
  /**
   * `Same` (the Gateway's namespace), `All`, or `Selector` with `namespaceSelector`.
   * @default 'Same'
   */
  readonly from?: 'Same' | 'All' | 'Selector';
  /** Labels a route's namespace must carry (with `from: 'Selector'`). @default - none */
  readonly namespaceSelector?: Record<string, string>;
}

/** One listener of a {@link KubernetesGateway}. */
export interface GatewayListener {
  /** Listener name, unique in the Gateway (routes name it as `sectionName`). */
  readonly name: string;
  /** Port. */
  readonly port: number;
  /** Protocol. */
  readonly protocol: ListenerProtocol;
  /** Host name the listener serves (`*.example.com` allowed). @default - any host */
  readonly hostname?: string;
  /** TLS (HTTPS and TLS listeners). @default - none */
  readonly tls?: ListenerTls;
  /** Namespaces whose routes may attach. @default { from: 'Same' } */
  readonly allowedRoutes?: AllowedRoutes;
}

/** Props of {@link KubernetesGateway}. */
export interface KubernetesGatewayProps {
  /** Namespace of the Gateway (istiod deploys the gateway's pods there): a ZeroTrustNamespace or `{ istiod, name }`. */
  readonly namespace: IMeshNamespace;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /**
   * The GatewayClass: `istio` (istiod deploys and runs the gateway with its `kube-gateway` injection template),
   * another class's name, or a {@link GatewayClass} of this app.
   * @default 'istio'
   */
  readonly gatewayClass?: string | GatewayClass;
  /** Listeners, 1 to 64. */
  readonly listeners: GatewayListener[];
  /** Extra labels of the Gateway object (istiod copies them to the Deployment and Service it creates). @default - none */
  readonly labels?: Record<string, string>;
  /**
   * Extra annotations of the Gateway object. istiod's deployment controller reads some, e.g.
   * `networking.istio.io/service-type: ClusterIP` (the Service it creates is a LoadBalancer otherwise; Istio 1.30
   * still honours it but reports it deprecated in the Gateway's status).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

const PROTOCOLS: readonly ListenerProtocol[] = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'HBONE'];
const SHAPE: Shape<KubernetesGatewayProps> = {
  namespace: 'ref',
  name: true,
  gatewayClass: 'ref',
  listeners: [{
    name: true, port: true, protocol: true, hostname: true,
    tls: { mode: true, certificateRefs: [{ name: true, namespace: true }] },
    allowedRoutes: { from: true, namespaceSelector: true },
  }],
  labels: true,
  annotations: true,
};

/**
 * A Kubernetes Gateway API `Gateway` (`gateway.networking.k8s.io`). With the class `istio`, istiod deploys the
 * gateway itself (a Deployment, Service and ServiceAccount named `<name>-istio`, from its `kube-gateway`
 * template); routes ({@link HttpRoute}, {@link GrpcRoute}) attach to it or to one of its listeners.
 *
 * Named `KubernetesGateway` (as Istio's own code calls the kind) to tell it from Istio's networking `Gateway`.
 *
 * @example new KubernetesGateway(chart, 'web', { namespace: { istiod, name: 'ingress' }, listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] })
 */
export class KubernetesGateway extends Construct implements IRouteParent {
  /** Istio release (from the namespace's Istiod). */
  public readonly version: IstioVersion;
  /** Object name. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** The GatewayClass name. */
  public readonly gatewayClassName: string;
  /** The listeners, as given (checked). */
  public readonly listeners: readonly GatewayListener[];
  /** The Gateway object. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: KubernetesGatewayProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, SHAPE);
    const ns = checkMeshNamespace(this, 'namespace', props?.namespace);
    this.version = ns.istiod.version;
    this.namespace = ns.name;
    this.name = checkObjectName(this, 'name', props.name ?? id);
    const cls = props.gatewayClass ?? 'istio';
    this.gatewayClassName = cls instanceof GatewayClass ? cls.name : checkObjectName(this, 'gatewayClass', cls);
    if (cls instanceof GatewayClass && cls.version.line !== this.version.line) {
      fail(this, 'gatewayClass', cls.name, `must be a GatewayClass of Istio ${this.version.line} (it is of ${cls.version.line})`);
    }
    checkList(this, 'listeners', props.listeners, 'must be a list of listeners');
    if (!props.listeners || props.listeners.length === 0 || props.listeners.length > 64) {
      fail(this, 'listeners', props.listeners?.length ?? props.listeners, 'must list 1 to 64 listeners');
    }
    this.listeners = props.listeners.map((l, i) => this.checkListener(`listeners[${i}]`, l));
    this.checkListenerSet();
    checkLabels(this, 'labels', props.labels);
    if (props.annotations !== undefined) checkAnnotations(this, 'annotations', props.annotations);
    const annotations: Record<string, string> = { ...(props.annotations ?? {}) };

    this.apiObject = gatewayApiObject(this, 'gateway', this.version, 'Gateway', {
      name: this.name,
      namespace: this.namespace,
      ...(props.labels && Object.keys(props.labels).length ? { labels: { ...props.labels } } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    }, {
      gatewayClassName: this.gatewayClassName,
      listeners: this.listeners.map((l) => renderListener(l, this.namespace)),
    });
  }

  /**
   * The ServiceAccount (and Deployment) istiod creates for this Gateway when its class is one of istiod's gateway
   * controller (`istio`, or a GatewayClass of `istio.io/gateway-controller`): `<name>-<class>`. Authorization rules
   * that let the gateway's traffic in name it.
   */
  public get serviceAccountName(): string {
    return `${this.name}-${this.gatewayClassName}`;
  }

  /** This Gateway as a route's parent (every listener whose protocol fits the route). */
  public get parentRef(): ParentReference {
    return { group: GATEWAY_API_GROUP, kind: 'Gateway', name: this.name, namespace: this.namespace };
  }

  /** One listener of this Gateway as a route's parent (`sectionName`). */
  public listener(name: string): IRouteParent {
    const l = this.listeners.find((x) => x.name === name);
    if (!l) fail(this, 'listener', name, `must name a listener of this Gateway: ${this.listeners.map((x) => `"${x.name}"`).join(', ')}`);
    return { parentRef: { ...this.parentRef, sectionName: name } };
  }

  /**
   * The listener of `sectionName` (or every listener), for the routes' checks.
   * @internal
   */
  public _listeners(sectionName?: string): readonly GatewayListener[] {
    return sectionName === undefined ? this.listeners : this.listeners.filter((l) => l.name === sectionName);
  }

  private checkListener(field: string, l: GatewayListener): GatewayListener {
    checkSectionName(this, `${field}.name`, l.name);
    checkPort(this, `${field}.port`, l.port);
    if (!PROTOCOLS.includes(l.protocol)) fail(this, `${field}.protocol`, l.protocol, `must be one of ${PROTOCOLS.map((p) => `"${p}"`).join(', ')}`);
    if (l.hostname !== undefined) {
      checkHostname(this, `${field}.hostname`, l.hostname);
      if (l.protocol === 'TCP' || l.protocol === 'HBONE') fail(this, `${field}.hostname`, l.hostname, `must be unset on a ${l.protocol} listener (the Gateway API allows a hostname only on HTTP, HTTPS and TLS listeners)`);
    }
    if (l.tls !== undefined) {
      if (l.protocol !== 'HTTPS' && l.protocol !== 'TLS') fail(this, `${field}.tls`, l.tls, `must be unset on a ${l.protocol} listener (TLS settings belong to HTTPS and TLS listeners)`);
      const mode = l.tls.mode ?? 'Terminate';
      if (mode !== 'Terminate' && mode !== 'Passthrough') fail(this, `${field}.tls.mode`, l.tls.mode, 'must be "Terminate" or "Passthrough"');
      if (mode === 'Passthrough' && l.protocol === 'HTTPS') fail(this, `${field}.tls.mode`, mode, 'must be "Terminate" on an HTTPS listener (Passthrough needs protocol "TLS")');
      checkList(this, `${field}.tls.certificateRefs`, l.tls.certificateRefs, 'must be a list of { name, namespace? }');
      (l.tls.certificateRefs ?? []).forEach((c, j) => {
        checkObjectName(this, `${field}.tls.certificateRefs[${j}].name`, c.name);
        if (c.namespace !== undefined) checkObjectName(this, `${field}.tls.certificateRefs[${j}].namespace`, c.namespace);
      });
      if (mode === 'Passthrough' && l.tls.certificateRefs?.length) fail(this, `${field}.tls.certificateRefs`, l.tls.certificateRefs, 'must be empty with mode "Passthrough" (the backend terminates TLS)');
    }
    const mode = l.tls?.mode ?? 'Terminate';
    if ((l.protocol === 'HTTPS' || (l.protocol === 'TLS' && mode === 'Terminate')) && !l.tls?.certificateRefs?.length) {
      fail(this, `${field}.tls.certificateRefs`, l.tls?.certificateRefs, `must name at least one certificate Secret for a ${l.protocol} listener that terminates TLS, e.g. tls: { certificateRefs: [{ name: 'web-cert' }] }`);
    }
    if (l.allowedRoutes !== undefined) {
      const from = l.allowedRoutes.from ?? 'Same';
      if (!['Same', 'All', 'Selector'].includes(from)) fail(this, `${field}.allowedRoutes.from`, from, 'must be "Same", "All" or "Selector"');
      if ((from === 'Selector') !== (l.allowedRoutes.namespaceSelector !== undefined)) {
        fail(this, `${field}.allowedRoutes.namespaceSelector`, l.allowedRoutes.namespaceSelector, 'must be given exactly when from is "Selector"');
      }
      checkLabels(this, `${field}.allowedRoutes.namespaceSelector`, l.allowedRoutes.namespaceSelector);
    }
    return l;
  }

  /** Names unique; port, protocol and hostname together unique (the Gateway API's CEL rules). */
  private checkListenerSet(): void {
    const names = new Set<string>();
    const combos = new Set<string>();
    this.listeners.forEach((l, i) => {
      if (names.has(l.name)) fail(this, `listeners[${i}].name`, l.name, 'must be unique among the listeners');
      names.add(l.name);
      const combo = `${l.port}/${l.protocol}/${l.hostname ?? ''}`;
      if (combos.has(combo)) fail(this, `listeners[${i}]`, { port: l.port, protocol: l.protocol, hostname: l.hostname }, 'must differ from every other listener in port, protocol or hostname');
      combos.add(combo);
    });
  }
}

function renderListener(l: GatewayListener, namespace: string): NonNullable<GatewayApiSpecs['Gateway']['listeners']>[number] {
  const from = l.allowedRoutes?.from;
  return {
    name: l.name,
    port: l.port,
    protocol: l.protocol,
    ...(l.hostname !== undefined ? { hostname: l.hostname } : {}),
    ...(l.tls !== undefined ? {
      tls: {
        mode: l.tls.mode ?? 'Terminate',
        ...(l.tls.certificateRefs?.length ? {
          certificateRefs: l.tls.certificateRefs.map((c) => ({
            group: '', kind: 'Secret', name: c.name, ...(c.namespace !== undefined && c.namespace !== namespace ? { namespace: c.namespace } : {}),
          })),
        } : {}),
      },
    } : {}),
    ...(l.allowedRoutes !== undefined ? {
      allowedRoutes: {
        namespaces: {
          from: from ?? 'Same',
          ...(from === 'Selector' ? { selector: { matchLabels: { ...l.allowedRoutes.namespaceSelector } } } : {}),
        },
      },
    } : {}),
  };
}
