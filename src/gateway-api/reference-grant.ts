import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkMeshNamespace, IMeshNamespace } from '../resource/mesh-namespace';
import { checkDnsLabel, checkList, fail } from '../validation';
import { IstioVersion } from '../version';
import { checkKnownKeys, Shape } from '../resource/keys';
import { GATEWAY_API_GROUP, gatewayApiObject } from './object';
import { checkObjectName } from './refs';

/** Kinds whose objects may refer across namespaces under a grant. */
export type ReferenceGrantFromKind = 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'Gateway';
/** Kinds a grant opens to other namespaces. */
export type ReferenceGrantToKind = 'Service' | 'Secret';

/** Who may refer: objects of `kind` in `namespace`. */
export interface ReferenceGrantFrom {
  /** Kind of the referring objects (routes refer to Services, Gateways to certificate Secrets). */
  readonly kind: ReferenceGrantFromKind;
  /** Namespace of the referring objects. */
  readonly namespace: string;
}

/** What may be referred to, in the grant's namespace. */
export interface ReferenceGrantTo {
  /** Kind (core group). */
  readonly kind: ReferenceGrantToKind;
  /** One object of that kind. @default - every object of that kind in the namespace */
  readonly name?: string;
}

/** Props of {@link ReferenceGrant}. */
export interface ReferenceGrantProps {
  /** The namespace whose objects are opened (where the Services or Secrets are). */
  readonly namespace: IMeshNamespace;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** Who may refer (1 to 16). */
  readonly from: ReferenceGrantFrom[];
  /** What may be referred to (1 to 16). */
  readonly to: ReferenceGrantTo[];
}

const SHAPE: Shape<ReferenceGrantProps> = { namespace: 'ref', name: true, from: [{ kind: true, namespace: true }], to: [{ kind: true, name: true }] };
const FROM_KINDS: readonly ReferenceGrantFromKind[] = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'Gateway'];
const TO_KINDS: readonly ReferenceGrantToKind[] = ['Service', 'Secret'];

/**
 * A `ReferenceGrant`: lets routes (or Gateways) of other namespaces refer to Services (or Secrets) of this
 * namespace. Without one, the Gateway API ignores a backend or certificate in another namespace.
 */
export class ReferenceGrant extends Construct {
  /** Istio release. */
  public readonly version: IstioVersion;
  /** Namespace (of the objects opened). */
  public readonly namespace: string;
  /** Object name. */
  public readonly name: string;
  /** The ReferenceGrant object. */
  public readonly apiObject: ApiObject;
  private readonly from: readonly ReferenceGrantFrom[];
  private readonly to: readonly ReferenceGrantTo[];

  public constructor(scope: Construct, id: string, props: ReferenceGrantProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, SHAPE);
    const ns = checkMeshNamespace(this, 'namespace', props?.namespace);
    this.version = ns.istiod.version;
    this.namespace = ns.name;
    this.name = checkObjectName(this, 'name', props.name ?? id);
    for (const f of ['from', 'to'] as const) {
      checkList(this, f, props[f] as unknown[], `must be a list`);
      if (!props[f] || props[f].length === 0 || props[f].length > 16) fail(this, f, props[f]?.length ?? props[f], 'must list 1 to 16 entries');
    }
    this.from = props.from.map((f, i) => {
      if (!FROM_KINDS.includes(f.kind)) fail(this, `from[${i}].kind`, f.kind, `must be one of ${FROM_KINDS.join(', ')}`);
      if (f.kind === 'GRPCRoute' || f.kind === 'TLSRoute') {
        if (!this.version.gatewayApi.apiVersions[f.kind]) fail(this, `from[${i}].kind`, f.kind, `must be a kind of Istio ${this.version.tag}'s Gateway API standard channel (${this.version.gatewayApi.bundleVersion}): it has no ${f.kind}`);
      }
      checkDnsLabel(this, `from[${i}].namespace`, f.namespace);
      return { kind: f.kind, namespace: f.namespace };
    });
    this.to = props.to.map((t, i) => {
      if (!TO_KINDS.includes(t.kind)) fail(this, `to[${i}].kind`, t.kind, `must be one of ${TO_KINDS.join(', ')}`);
      if (t.name !== undefined) checkObjectName(this, `to[${i}].name`, t.name);
      return { kind: t.kind, ...(t.name !== undefined ? { name: t.name } : {}) };
    });
    this.apiObject = gatewayApiObject(this, 'reference-grant', this.version, 'ReferenceGrant', { name: this.name, namespace: this.namespace }, {
      from: this.from.map((f) => ({ group: GATEWAY_API_GROUP, kind: f.kind, namespace: f.namespace })),
      to: this.to.map((t) => ({ group: '', kind: t.kind, ...(t.name !== undefined ? { name: t.name } : {}) })),
    });
  }

  /**
   * Whether this grant lets objects of `fromKind` in `fromNamespace` refer to the `toKind` named `toName` here.
   * @internal
   */
  public _allows(fromKind: string, fromNamespace: string, toKind: string, toName: string): boolean {
    return this.from.some((f) => f.kind === fromKind && f.namespace === fromNamespace)
      && this.to.some((t) => t.kind === toKind && (t.name === undefined || t.name === toName));
  }
}
