import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkKnownKeys, Shape } from '../resource/keys';
import { checkMeshNamespace, IMeshNamespace } from '../resource/mesh-namespace';
import { fail } from '../validation';
import { IstioVersion } from '../version';
import { checkHostnames } from './checks';
import { BACKEND_SHAPE } from './http-route';
import { gatewayApiObject, gatewayApiVersion } from './object';
import { checkObjectName, IRouteParent } from './refs';
import { renderBackends, renderParents, RouteBackend } from './route-common';

/** Props of {@link TlsRoute}. */
export interface TlsRouteProps {
  /** Namespace of the route. */
  readonly namespace: IMeshNamespace;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** The Gateways (or their `TLS` listeners) the route attaches to. */
  readonly parents: IRouteParent[];
  /** SNI host names the route serves (1 to 16). */
  readonly hostnames: string[];
  /** Backends the TLS connections are split over (1 to 16). */
  readonly backends: RouteBackend[];
}

const SHAPE: Shape<TlsRouteProps> = { namespace: 'ref', name: true, parents: ['ref'], hostnames: true, backends: [BACKEND_SHAPE] };

/**
 * A Kubernetes Gateway API `TLSRoute`: TLS connections of a Gateway's `TLS` listeners, chosen by SNI host name and
 * sent, still encrypted (`Passthrough`) or terminated at the Gateway, to Service backends. In the standard channel
 * from Gateway API v1.5 (Istio 1.30); refused on 1.20.3, whose Gateway API v1.0 has it in the experimental
 * channel only.
 */
export class TlsRoute extends Construct {
  /** Istio release. */
  public readonly version: IstioVersion;
  /** Namespace. */
  public readonly namespace: string;
  /** Object name. */
  public readonly name: string;
  /** The TLSRoute object. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: TlsRouteProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, SHAPE);
    const ns = checkMeshNamespace(this, 'namespace', props?.namespace);
    this.version = ns.istiod.version;
    gatewayApiVersion(this, 'namespace.istiod.version', this.version, 'TLSRoute');
    this.namespace = ns.name;
    this.name = checkObjectName(this, 'name', props.name ?? id);
    const hostnames = checkHostnames(this, 'hostnames', props.hostnames);
    if (!hostnames || hostnames.length === 0) fail(this, 'hostnames', props.hostnames, 'must list 1 to 16 SNI host names (a TLSRoute matches connections by SNI)');
    const parentRefs = renderParents(this, 'TLSRoute', this.namespace, props.parents, hostnames);
    const backends = renderBackends(this, 'TLSRoute', 'backends', this.namespace, props.backends);
    if (!backends?.length) fail(this, 'backends', props.backends, 'must list 1 to 16 backends');
    this.apiObject = gatewayApiObject(this, 'tls-route', this.version, 'TLSRoute', { name: this.name, namespace: this.namespace }, {
      parentRefs, hostnames, rules: [{ backendRefs: backends }],
    });
  }
}
