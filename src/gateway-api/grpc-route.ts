import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkMeshNamespace, IMeshNamespace } from '../resource/mesh-namespace';
import { checkList, fail } from '../validation';
import { IstioVersion } from '../version';
import { checkHeaderName, checkHostnames } from './checks';
import { BACKEND_SHAPE, ValueMatch, ValueMatchType } from './http-route';
import { checkKnownKeys, Shape } from '../resource/keys';
import { gatewayApiObject, gatewayApiVersion, GatewayApiSpecs } from './object';
import { checkObjectName, IRouteParent } from './refs';
import { renderBackends, renderParents, RouteBackend } from './route-common';

/** A gRPC method match: service and/or method name. */
export interface GrpcMethodMatch {
  /** Fully qualified service, e.g. `fraud.v1.Scorer`. @default - any service */
  readonly service?: string;
  /** Method, e.g. `Score`. @default - any method */
  readonly method?: string;
  /** Match type. @default 'Exact' */
  readonly type?: ValueMatchType;
}

/** One match of a gRPC rule. */
export interface GrpcRouteMatch {
  /** Method. @default - any */
  readonly method?: GrpcMethodMatch;
  /** Headers (metadata). @default - none */
  readonly headers?: ValueMatch[];
}

/** One rule of a {@link GrpcRoute}. */
export interface GrpcRouteRule {
  /** Matches (any selects the rule), up to 8. @default - every call */
  readonly matches?: GrpcRouteMatch[];
  /** Backends, at least one. */
  readonly backends: RouteBackend[];
}

/** Props of {@link GrpcRoute}. */
export interface GrpcRouteProps {
  /** Namespace of the route. */
  readonly namespace: IMeshNamespace;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** Gateways (or listeners) and/or Services (GAMMA) the route attaches to. */
  readonly parents: IRouteParent[];
  /** Host names. @default - every host the parents accept */
  readonly hostnames?: string[];
  /** Rules, 1 to 16. */
  readonly rules: GrpcRouteRule[];
}

type GrpcRuleJson = NonNullable<GatewayApiSpecs['GRPCRoute']['rules']>[number];

const SHAPE: Shape<GrpcRouteProps> = {
  namespace: 'ref',
  name: true,
  parents: ['ref'],
  hostnames: true,
  rules: [{ matches: [{ method: { service: true, method: true, type: true }, headers: [{ name: true, value: true, type: true }] }], backends: [BACKEND_SHAPE] }],
};
const GRPC_SERVICE = /^(?:[A-Za-z_][A-Za-z_0-9]*\.)*[A-Za-z_][A-Za-z_0-9]*$/;
const GRPC_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

/**
 * A Kubernetes Gateway API `GRPCRoute` (standard channel from Gateway API v1.1: Istio 1.30; refused on 1.20.3,
 * whose Gateway API v1.0 has it in the experimental channel only).
 */
export class GrpcRoute extends Construct {
  /** Istio release. */
  public readonly version: IstioVersion;
  /** Namespace. */
  public readonly namespace: string;
  /** Object name. */
  public readonly name: string;
  /** The GRPCRoute object. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: GrpcRouteProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, SHAPE);
    const ns = checkMeshNamespace(this, 'namespace', props?.namespace);
    this.version = ns.istiod.version;
    gatewayApiVersion(this, 'namespace.istiod.version', this.version, 'GRPCRoute');
    this.namespace = ns.name;
    this.name = checkObjectName(this, 'name', props.name ?? id);
    const hostnames = checkHostnames(this, 'hostnames', props.hostnames);
    const parentRefs = renderParents(this, 'GRPCRoute', this.namespace, props.parents, hostnames);
    checkList(this, 'rules', props.rules, 'must be a list of rules');
    if (!props.rules || props.rules.length === 0 || props.rules.length > 16) fail(this, 'rules', props.rules?.length ?? props.rules, 'must list 1 to 16 rules');
    const rules = props.rules.map((r, i) => this.rule(`rules[${i}]`, r));
    this.apiObject = gatewayApiObject(this, 'grpc-route', this.version, 'GRPCRoute', { name: this.name, namespace: this.namespace }, {
      parentRefs, ...(hostnames ? { hostnames } : {}), rules,
    });
  }

  private rule(field: string, r: GrpcRouteRule): GrpcRuleJson {
    checkList(this, `${field}.matches`, r.matches, 'must be a list of matches');
    if (r.matches && r.matches.length > 8) fail(this, `${field}.matches`, r.matches.length, 'must list at most 8 matches');
    const matches = r.matches?.map((m, j) => {
      const f = `${field}.matches[${j}]`;
      const out: { method?: { type: ValueMatchType; service?: string; method?: string }; headers?: Array<{ name: string; value: string; type: ValueMatchType }> } = {};
      if (m.method !== undefined) {
        const type = m.method.type ?? 'Exact';
        if (type !== 'Exact' && type !== 'RegularExpression') fail(this, `${f}.method.type`, type, 'must be "Exact" or "RegularExpression"');
        if (m.method.service === undefined && m.method.method === undefined) fail(this, `${f}.method`, m.method, 'must name a service, a method or both');
        if (type === 'Exact' && m.method.service !== undefined && !GRPC_SERVICE.test(m.method.service)) fail(this, `${f}.method.service`, m.method.service, 'must be a fully qualified gRPC service such as "fraud.v1.Scorer"');
        if (type === 'Exact' && m.method.method !== undefined && !GRPC_METHOD.test(m.method.method)) fail(this, `${f}.method.method`, m.method.method, 'must be a gRPC method name such as "Score"');
        out.method = { type, ...(m.method.service !== undefined ? { service: m.method.service } : {}), ...(m.method.method !== undefined ? { method: m.method.method } : {}) };
      }
      if (m.headers !== undefined) {
        checkList(this, `${f}.headers`, m.headers, 'must be a list of { name, value, type? }');
        out.headers = m.headers.map((h, k) => {
          checkHeaderName(this, `${f}.headers[${k}].name`, h.name);
          if (typeof h.value !== 'string' || h.value.length === 0) fail(this, `${f}.headers[${k}].value`, h.value, 'must be a non-empty string');
          const type = h.type ?? 'Exact';
          if (type !== 'Exact' && type !== 'RegularExpression') fail(this, `${f}.headers[${k}].type`, type, 'must be "Exact" or "RegularExpression"');
          return { name: h.name, value: h.value, type };
        });
      }
      return out;
    });
    const backends = renderBackends(this, 'GRPCRoute', `${field}.backends`, this.namespace, r.backends);
    if (!backends?.length) fail(this, `${field}.backends`, r.backends, 'must list at least one backend');
    return { ...(matches ? { matches } : {}), backendRefs: backends };
  }
}
