import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IstioKind } from '../istio-object';
import { checkAnnotations, checkDnsSubdomain, checkLabels, claimObject, fail } from '../validation';
import { IstioVersion } from '../version';
import { checkKnownKeys, Shape } from './keys';
import { checkMeshNamespace, IMeshNamespace } from './mesh-namespace';
import { checkIstioSpec, istioApiVersion } from './spec-check';

/**
 * Props every L2 Istio construct takes: where the object lives (which also says which mesh, and so which Istio
 * release, it belongs to), its metadata, and the kind's `spec` as Istio's YAML writes it.
 */
export interface IstioResourceProps<S> {
  /**
   * Namespace of the object and the control plane serving it: a `ZeroTrustNamespace`, or `{ istiod, name }` with an
   * `Istiod` of this app or one from `Istiod.fromAttributes`. The control plane's Istio release picks the apiVersion
   * and the schema the spec is checked against.
   */
  readonly namespace: IMeshNamespace;
  /** `metadata.name` (DNS-1123 subdomain). @default - the construct id */
  readonly name?: string;
  /** `metadata.labels`. @default - none */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
  /** The spec, field for field as in Istio's YAML. */
  readonly spec: S;
}

/** The run-time key list of {@link IstioResourceProps} (the spec is checked against the release's CRD schema). */
const PROPS_SHAPE: Shape<IstioResourceProps<object>> = {
  namespace: 'ref', name: true, labels: true, annotations: true, spec: 'ref',
};

/**
 * The rules of Istio's validating webhook for one kind, beyond what its CRD schema says; each throws
 * {@link IstioValidationError} through `fail`.
 * @internal
 */
export type IstioSpecRules<S> = (scope: Construct, spec: S, ctx: IstioRuleContext) => void;

/** What the rules of a kind may need besides the spec. @internal */
export interface IstioRuleContext {
  /** Istio release the object is for. */
  readonly version: IstioVersion;
  /** Namespace of the object. */
  readonly namespace: string;
  /** Mesh root namespace. */
  readonly rootNamespace: string;
}

/**
 * The base of the L2 construct of every Istio kind: checks the props (unknown keys are errors, nested ones
 * included), the spec against the chosen release's CRD schema and the kind's webhook rules, then emits one object
 * with the apiVersion the release serves for the kind.
 */
export abstract class IstioResource<S extends object> extends Construct {
  /** Istio kind, e.g. `VirtualService`. */
  public readonly kind: string;
  /** apiVersion the object is emitted with (the release's choice for the kind). */
  public readonly apiVersion: string;
  /** `metadata.name`. */
  public readonly name: string;
  /** `metadata.namespace`. */
  public readonly namespace: string;
  /** Istio release (from the namespace's control plane). */
  public readonly version: IstioVersion;
  /** The namespace (and control plane) the object belongs to. */
  public readonly meshNamespace: IMeshNamespace;
  /** The spec as emitted (a checked copy of the props' spec). */
  public readonly spec: S;
  /** The emitted object (L1). */
  public readonly apiObject: ApiObject;

  protected constructor(scope: Construct, id: string, kind: IstioKind, props: IstioResourceProps<S>, rules: IstioSpecRules<S>) {
    super(scope, id);
    if (!props || typeof props !== 'object') fail(this, 'props', props, 'must be an object with `namespace` and `spec`');
    checkKnownKeys(this, '', props, PROPS_SHAPE as Shape<IstioResourceProps<S>>);
    this.meshNamespace = checkMeshNamespace(this, 'namespace', props.namespace);
    this.namespace = this.meshNamespace.name;
    this.version = this.meshNamespace.istiod.version;
    this.kind = kind;
    this.name = checkDnsSubdomain(this, 'name', props.name ?? id);
    checkLabels(this, 'labels', props.labels);
    checkAnnotations(this, 'annotations', props.annotations);
    if (props.spec === undefined || props.spec === null || typeof props.spec !== 'object' || Array.isArray(props.spec)) {
      fail(this, 'spec', props.spec, `must be the ${kind} spec, an object`);
    }
    this.apiVersion = istioApiVersion(this.version, kind);
    checkIstioSpec(this, this.version, kind, this.apiVersion, 'spec', props.spec);
    // a copy: later changes to the caller's object do not reach the emitted one
    this.spec = JSON.parse(JSON.stringify(props.spec)) as S;
    rules(this, this.spec, { version: this.version, namespace: this.namespace, rootNamespace: this.meshNamespace.istiod.rootNamespace });
    // The spec is in wire form and checked against the release's schema, so it is emitted as it is. Not through the
    // generated L1 classes: their toJson() renames fields to cdk8s-import's spelling and drops any key it does not
    // know (consecutive5xxErrors is `consecutive5XxErrors` there, so the wire spelling would vanish).
    claimObject(this, this.apiVersion, kind, this.namespace, this.name);
    this.apiObject = new ApiObject(this, 'resource', {
      apiVersion: this.apiVersion,
      kind,
      metadata: {
        name: this.name,
        namespace: this.namespace,
        ...(props.labels && Object.keys(props.labels).length ? { labels: { ...props.labels } } : {}),
        ...(props.annotations && Object.keys(props.annotations).length ? { annotations: { ...props.annotations } } : {}),
      },
      spec: this.spec,
    });
  }
}
