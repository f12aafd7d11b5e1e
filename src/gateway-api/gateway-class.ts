import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Istiod } from '../istiod/istiod';
import { fail } from '../validation';
import { IstioVersion } from '../version';
import { checkKnownKeys, Shape } from '../resource/keys';
import { gatewayApiObject } from './object';
import { checkObjectName } from './refs';

/** Istio's gateway controller: Gateways of a class with this controller are deployed and run by istiod. */
export const ISTIO_GATEWAY_CONTROLLER = 'istio.io/gateway-controller';

/** Props of {@link GatewayClass}. */
export interface GatewayClassProps {
  /** The control plane (its version decides the apiVersion). */
  readonly istiod: Istiod;
  /** Object name (cluster-scoped). @default - the construct id */
  readonly name?: string;
  /**
   * The controller that implements the class, a domain-prefixed path.
   * @default 'istio.io/gateway-controller'
   */
  readonly controllerName?: string;
  /** Free-text description (at most 64 characters). @default - none */
  readonly description?: string;
}

const CONTROLLER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;
const SHAPE: Shape<GatewayClassProps> = { istiod: 'ref', name: true, controllerName: true, description: true };
/** The classes istiod creates itself (its gateway class controller); emitting them here would fight it. */
const ISTIO_OWN_CLASSES = ['istio', 'istio-waypoint', 'istio-remote', 'istio-east-west'];

/**
 * A `GatewayClass` (cluster-scoped). istiod creates the classes `istio` (ingress and egress gateways it deploys)
 * and `istio-waypoint` (waypoints) by itself; add a GatewayClass only for another name, e.g. to give a set of
 * Gateways their own class.
 */
export class GatewayClass extends Construct {
  /** Istio release. */
  public readonly version: IstioVersion;
  /** Object name. */
  public readonly name: string;
  /** The controller. */
  public readonly controllerName: string;
  /** The GatewayClass object. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: GatewayClassProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, SHAPE);
    if (!(props?.istiod instanceof Istiod)) fail(this, 'istiod', '(not an Istiod)', 'must be the Istiod construct (it carries the Istio version)');
    this.version = props.istiod.version;
    this.name = checkObjectName(this, 'name', props.name ?? id);
    if (ISTIO_OWN_CLASSES.includes(this.name)) {
      fail(this, 'name', this.name, `must not be one of the classes istiod creates itself (${ISTIO_OWN_CLASSES.join(', ')}): use it by name in KubernetesGateway's gatewayClass, or pick another name`);
    }
    this.controllerName = props.controllerName ?? ISTIO_GATEWAY_CONTROLLER;
    if (typeof this.controllerName !== 'string' || this.controllerName.length > 253 || !CONTROLLER_NAME.test(this.controllerName)) {
      fail(this, 'controllerName', this.controllerName, 'must be a domain-prefixed path such as "istio.io/gateway-controller"');
    }
    if (props.description !== undefined && (typeof props.description !== 'string' || props.description.length > 64)) {
      fail(this, 'description', props.description, 'must be a string of at most 64 characters');
    }
    this.apiObject = gatewayApiObject(this, 'gateway-class', this.version, 'GatewayClass', { name: this.name }, {
      controllerName: this.controllerName,
      ...(props.description !== undefined ? { description: props.description } : {}),
    });
  }
}
