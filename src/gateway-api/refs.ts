import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDnsLabel, checkDnsSubdomain, checkPort, fail } from '../validation';
import { checkKnownKeys, Shape } from '../resource/keys';

/** A `parentRefs` entry of a route, in its JSON form. */
export interface ParentReference {
  /** API group of the parent: `gateway.networking.k8s.io` for a Gateway, `''` for a Service (GAMMA). */
  readonly group: string;
  /** Kind of the parent: `Gateway` or `Service`. */
  readonly kind: 'Gateway' | 'Service';
  /** Name of the parent. */
  readonly name: string;
  /** Namespace of the parent. @default - the route's namespace */
  readonly namespace?: string;
  /** Listener name (Gateway) or port name (Service). @default - every listener / port */
  readonly sectionName?: string;
  /** Port of the listener (Gateway) or of the Service. @default - every port */
  readonly port?: number;
}

/**
 * What a route attaches to (its `parentRefs`): a {@link KubernetesGateway} (north-south, through a Gateway
 * istiod deploys), one of its listeners (`gateway.listener('https')`), a {@link Waypoint}, or a
 * {@link BackendService} for mesh-internal (east-west) routing through the GAMMA pattern.
 */
export interface IRouteParent {
  /** The `parentRefs` entry. */
  readonly parentRef: ParentReference;
}

/** A Kubernetes Service given as an object of this app: a cdk8s `ApiObject` of kind Service, or a cdk8s-plus Service. */
export type ServiceObject = ApiObject | { readonly apiObject: ApiObject };

/** Options of {@link BackendService.fromName} and {@link BackendService.external}. */
export interface BackendServiceOptions {
  /** Port of the Service traffic goes to. */
  readonly port: number;
  /** Namespace of the Service. @default - the route's namespace */
  readonly namespace?: string;
}

/** How a {@link BackendService} was given, and so how it is checked. */
export type BackendServiceSource = 'object' | 'name' | 'external';

interface ServicePort {
  readonly port: number;
  readonly name?: string;
}

/**
 * A Kubernetes Service a route sends traffic to (a `backendRefs` entry), or attaches to as its parent (GAMMA).
 *
 * - {@link BackendService.fromService}: a Service object of this app; name, namespace and ports come from it,
 *   so a route cannot name a Service that does not exist, nor a port it does not have.
 * - {@link BackendService.fromName}: a Service of this app by name; checked at synth, when the whole app is
 *   known: the app must hold a Service of that name and namespace, with that port.
 * - {@link BackendService.external}: a Service deployed by something else (another chart, Helm, an operator);
 *   not checked.
 */
export class BackendService implements IRouteParent {
  /**
   * A Service object of this app.
   * @param service the Service (a cdk8s ApiObject of kind Service, or a cdk8s-plus Service)
   * @param port the port traffic goes to @default - the Service's only port (an error when it has several)
   */
  public static fromService(service: ServiceObject, port?: number): BackendService {
    return new BackendService('object', undefined, port, undefined, service);
  }

  /** A Service of this app by name, checked at synth (see the class). */
  public static fromName(name: string, options: BackendServiceOptions): BackendService {
    return new BackendService('name', name, options?.port, options?.namespace, undefined, options);
  }

  /** A Service deployed outside this app: not checked. */
  public static external(name: string, options: BackendServiceOptions): BackendService {
    return new BackendService('external', name, options?.port, options?.namespace, undefined, options);
  }

  /** How the Service was given. */
  public readonly source: BackendServiceSource;

  private constructor(
    source: BackendServiceSource,
    private readonly givenName: string | undefined,
    private readonly givenPort: number | undefined,
    private readonly givenNamespace: string | undefined,
    private readonly object: ServiceObject | undefined,
    private readonly options?: BackendServiceOptions,
  ) {
    this.source = source;
  }

  /**
   * The `parentRefs` entry of this Service as a GAMMA parent (a route for mesh traffic to the Service). Its
   * namespace is the Service's (for a name without namespace: resolved against the route's namespace by
   * {@link resolveService}, which the route calls).
   */
  public get parentRef(): ParentReference {
    const obj = this.object === undefined ? undefined : serviceApiObject(this.object);
    const namespace = this.givenNamespace ?? obj?.metadata.namespace;
    return { group: '', kind: 'Service', name: this.givenName ?? obj?.metadata.name ?? '', ...(namespace !== undefined ? { namespace } : {}) };
  }

  /**
   * Resolves the Service for a route in namespace `routeNamespace`; errors name `field` of `scope`.
   * @internal
   */
  public _resolve(scope: IConstruct, field: string, routeNamespace: string, portRequired: boolean): ResolvedService {
    if (this.source === 'object') {
      const obj = serviceApiObject(this.object!);
      if (!(obj instanceof ApiObject) || obj.kind !== 'Service') {
        fail(scope, field, '(not a Service object)', 'must be a Service of this app: a cdk8s ApiObject of kind Service or a cdk8s-plus Service');
      }
      const name = obj.metadata.name!;
      const namespace = obj.metadata.namespace ?? routeNamespace;
      const ports = servicePorts(obj);
      let port = this.givenPort;
      if (port === undefined) {
        if (portRequired && ports.length !== 1) {
          fail(scope, `${field}.port`, undefined, `must be given: Service ${namespace}/${name} has ${ports.length} ports (${ports.map((p) => p.port).join(', ')}); name the one traffic goes to`);
        }
        port = portRequired ? ports[0].port : undefined;
      } else {
        checkPort(scope, `${field}.port`, port);
        if (ports.length > 0 && !ports.some((p) => p.port === port)) {
          fail(scope, `${field}.port`, port, `must be a port of Service ${namespace}/${name}: ${ports.map((p) => p.port).join(', ')}`);
        }
      }
      return { name, namespace, port, source: this.source };
    }
    checkKnownKeys(scope, field, this.options, { port: true, namespace: true } satisfies Shape<BackendServiceOptions>);
    const name = checkDnsLabel(scope, `${field}.name`, this.givenName!);
    const namespace = this.givenNamespace === undefined ? routeNamespace : checkDnsLabel(scope, `${field}.namespace`, this.givenNamespace);
    if (this.givenPort === undefined) {
      if (portRequired) fail(scope, `${field}.port`, undefined, 'must be given: the port of the Service traffic goes to (1-65535)');
    } else {
      checkPort(scope, `${field}.port`, this.givenPort);
    }
    return { name, namespace, port: this.givenPort, source: this.source };
  }
}

/** A Service a route refers to, resolved. @internal */
export interface ResolvedService {
  readonly name: string;
  readonly namespace: string;
  readonly port?: number;
  readonly source: BackendServiceSource;
}

/** The ApiObject of a Service given as an ApiObject or a cdk8s-plus Service. @internal */
export function serviceApiObject(s: ServiceObject): ApiObject {
  return s instanceof ApiObject ? s : (s as { apiObject: ApiObject })?.apiObject;
}

/** The ports of a Service object (from its JSON form). @internal */
export function servicePorts(obj: ApiObject): ServicePort[] {
  const spec = (obj.toJson() as { spec?: { ports?: ServicePort[] } }).spec;
  return (spec?.ports ?? []).map((p) => ({ port: p.port, name: p.name }));
}

/** Checks a name given to a Gateway API object. @internal */
export function checkObjectName(scope: IConstruct, field: string, name: string): string {
  return checkDnsSubdomain(scope, field, name);
}
