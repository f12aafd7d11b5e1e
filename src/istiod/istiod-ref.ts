import { Construct, IConstruct } from 'constructs';
import { ambientNamespaceLabels } from '../base/labels';
import { checkKnownKeys, Shape } from '../resource/keys';
import { checkDnsLabel, fail } from '../validation';
import { IstioVersion } from '../version';

/**
 * A control plane as the constructs that attach to it see it: an {@link Istiod} of this app, or one installed
 * elsewhere (by a platform team, another repository, another app) described with {@link istiodFromAttributes}.
 *
 * Namespaces, routes and policies need only these facts; they never need the control plane's objects.
 */
export interface IIstiod extends IConstruct {
  /** Istio release; it decides the apiVersion and schema of every Istio object. */
  readonly version: IstioVersion;
  /** Namespace istiod runs in. */
  readonly namespace: string;
  /** Revision, or undefined for the default revision. */
  readonly revision?: string;
  /** `istio.io/rev` value: the revision, or `default`. */
  readonly revisionLabel: string;
  /** SPIFFE trust domain of the mesh. */
  readonly trustDomain: string;
  /** Mesh root namespace (mesh-wide policies live here). */
  readonly rootNamespace: string;
  /** Whether Istio CNI is in use (pods then need no NET_ADMIN init container). */
  readonly cni: boolean;
  /** Whether the mesh runs in ambient mode (ztunnel per node; namespaces join with `istio.io/dataplane-mode: ambient`). */
  readonly ambient: boolean;
  /** Labels a namespace carries to be injected by this control plane. */
  namespaceInjectionLabels(): Record<string, string>;
  /** Labels a namespace carries to join the mesh in its data plane mode: ambient's, or {@link namespaceInjectionLabels}. */
  namespaceDataplaneLabels(): Record<string, string>;
}

/** What {@link istiodFromAttributes} needs to know of a control plane installed elsewhere. */
export interface IstiodAttributes {
  /** Istio release of the control plane. */
  readonly version: IstioVersion;
  /** Namespace istiod runs in. @default 'istio-system' */
  readonly namespace?: string;
  /** Revision (DNS-1123 label). @default - the default revision */
  readonly revision?: string;
  /** SPIFFE trust domain. @default 'cluster.local' */
  readonly trustDomain?: string;
  /** Mesh root namespace. @default - the control-plane namespace */
  readonly rootNamespace?: string;
  /** Whether the mesh uses Istio CNI. @default - true in ambient mode, false otherwise */
  readonly cni?: boolean;
  /** Whether the mesh runs in ambient mode (Istio 1.30; refused for 1.20). @default false */
  readonly ambient?: boolean;
}

const ATTRIBUTES: Shape<IstiodAttributes> = {
  version: 'ref', namespace: true, revision: true, trustDomain: true, rootNamespace: true, cni: true, ambient: true,
};

class ImportedIstiod extends Construct implements IIstiod {
  public readonly version: IstioVersion;
  public readonly namespace: string;
  public readonly revision?: string;
  public readonly revisionLabel: string;
  public readonly trustDomain: string;
  public readonly rootNamespace: string;
  public readonly cni: boolean;
  public readonly ambient: boolean;

  public constructor(scope: Construct, id: string, attrs: IstiodAttributes) {
    super(scope, id);
    if (!attrs || typeof attrs !== 'object') fail(this, 'attributes', attrs, 'must be an object with at least `version`');
    checkKnownKeys(this, '', attrs, ATTRIBUTES);
    if (!(attrs.version instanceof IstioVersion)) {
      fail(this, 'version', attrs.version, 'must be an IstioVersion, e.g. IstioVersion.V1_30_3 or IstioVersion.of("1.30.3")');
    }
    this.version = attrs.version;
    this.namespace = checkDnsLabel(this, 'namespace', attrs.namespace ?? 'istio-system');
    if (attrs.revision !== undefined) {
      checkDnsLabel(this, 'revision', attrs.revision);
      if (attrs.revision === 'default') fail(this, 'revision', attrs.revision, '"default" names the default revision; omit revision instead');
    }
    this.revision = attrs.revision;
    this.revisionLabel = attrs.revision ?? 'default';
    this.trustDomain = attrs.trustDomain ?? 'cluster.local';
    if (!/^[a-z0-9.-]+$/.test(this.trustDomain)) fail(this, 'trustDomain', this.trustDomain, 'must be a DNS name such as cluster.local');
    this.rootNamespace = checkDnsLabel(this, 'rootNamespace', attrs.rootNamespace ?? this.namespace);
    this.ambient = attrs.ambient ?? false;
    if (typeof this.ambient !== 'boolean') fail(this, 'ambient', this.ambient, 'must be true or false');
    if (this.ambient && !this.version.nodeAgents.ambient) {
      fail(this, 'ambient', this.ambient, `ambient mode needs Istio 1.24 or later; Istio ${this.version.tag} had only an alpha of another design. Fix: version 1.30.x, or omit ambient`);
    }
    if (this.ambient && attrs.cni === false) fail(this, 'cni', attrs.cni, 'an ambient mesh runs the Istio CNI agent: omit cni or set it true');
    this.cni = attrs.cni ?? this.ambient;
  }

  public namespaceInjectionLabels(): Record<string, string> {
    return this.revision ? { 'istio.io/rev': this.revision } : { 'istio-injection': 'enabled' };
  }

  public namespaceDataplaneLabels(): Record<string, string> {
    return this.ambient ? ambientNamespaceLabels() : this.namespaceInjectionLabels();
  }
}

/**
 * A control plane installed elsewhere, for charts of application teams: their namespaces, routes and policies attach
 * to it exactly as to an {@link Istiod} of the same app. Nothing of the control plane is emitted.
 *
 * Exposed as `Istiod.fromAttributes`.
 * @internal
 */
export function istiodFromAttributes(scope: Construct, id: string, attrs: IstiodAttributes): IIstiod {
  return new ImportedIstiod(scope, id, attrs);
}

/** Whether `value` is a control plane (an Istiod or one made by `Istiod.fromAttributes`). @internal */
export function isIstiod(value: unknown): value is IIstiod {
  return value instanceof Construct && (value as Partial<IIstiod>).version instanceof IstioVersion
    && typeof (value as Partial<IIstiod>).namespaceInjectionLabels === 'function';
}
