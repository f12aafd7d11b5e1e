import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { kubeObject } from '../kube';
import { checkDnsLabel, checkLabels, checkObject, fail } from '../validation';
import { IstioVersion } from '../version';
import { BASE_CHART, BASE_RELEASE, CrdFacts, istioCrdCatalog } from './crd-catalog';
import { IstioCrds } from './crds';
import { renderGatewayApiCrds } from './gateway-api-crds';
import { commonLabels, sortLabels } from './labels';
import { checkKnownKeys } from '../resource/keys';
import { ISTIO_BASE_PROPS } from './shapes';

/** Props of {@link IstioBase}. */
export interface IstioBaseProps {
  /**
   * The Istio release. Every construct attached to this base (istiod, gateways, namespaces) follows it.
   * @default IstioVersion.V1_30_3
   */
  readonly version?: IstioVersion;

  /**
   * Namespace Istio is installed into (istiod, its config, the reader ServiceAccount).
   * @default 'istio-system'
   */
  readonly namespace?: string;

  /**
   * Kubernetes version of the target cluster, as `major.minor`. Only Istio 1.20's charts branch on it
   * (PDB and HPA API versions, gateway sysctls), down to 1.16; 1.30 does not branch and needs 1.23 or newer
   * (it emits autoscaling/v2 and policy/v1).
   * @default '1.28'
   */
  readonly kubernetesVersion?: string;

  /**
   * Emit the install Namespace. Turn off when the namespace is managed elsewhere (then `namespaceLabels` must
   * stay unset, and {@link IstioBase.namespaceSelectorLabels} falls back to `kubernetes.io/metadata.name`).
   * @default true
   */
  readonly createNamespace?: boolean;

  /**
   * Extra labels on the install Namespace. It always carries `name: <namespace>`, which NetworkPolicies of other
   * namespaces select on; that key cannot be set to anything else.
   * @default {}
   */
  readonly namespaceLabels?: Record<string, string>;

  /**
   * The CustomResourceDefinitions to emit.
   * @default IstioCrds.builtIn()
   */
  readonly crds?: IstioCrds;

  /**
   * The istiod revision that validates Istio config cluster-wide, through `istiod-default-validator`.
   * `''` (or `'default'`) means the revision-less istiod (Service `istiod`); a revision name such as `canary`
   * sends validation to Service `istiod-canary`.
   * @default ''
   */
  readonly defaultRevision?: string;

  /**
   * Emit the cluster-wide validating webhook `istiod-default-validator`. Turn off when another release owns it
   * (for example a second control plane in the same cluster).
   * @default true
   */
  readonly defaultValidator?: boolean;

  /**
   * Emit the reader ServiceAccount `istio-reader-service-account`. Turn off for a second control plane in the
   * same cluster and namespace (a canary upgrade to another Istio version): the first base owns it.
   * @default true
   */
  readonly readerServiceAccount?: boolean;

  /**
   * Istio 1.20 only: let `istiod-default-validator` also validate Kubernetes Gateway API objects
   * (`gateway.networking.k8s.io`). Istio 1.30's base chart has no such option; setting it there is an error.
   * @default false
   */
  readonly validateGateway?: boolean;

  /**
   * Also emit the Kubernetes Gateway API CRDs (`gateway.networking.k8s.io`, standard channel) at the version the
   * Istio release is built against (`version.gatewayApi`: v1.5.1 for 1.30, v1.0.0 for 1.20), with their real
   * schemas and CEL rules, without descriptions. Istio does not install them; turn this on to use the Gateway API
   * constructs (src/gateway-api) or waypoints, unless the cluster has them already.
   * @default false
   */
  readonly gatewayApi?: boolean;
}

/** The four API groups of Istio config that istiod validates. */
const VALIDATED_GROUPS = ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];

/**
 * The foundation of an install: the Istio namespace, Istio's CRDs, the reader ServiceAccount and the
 * default validating webhook. Pick the Istio version here; everything attached to it follows.
 *
 * @example new IstioBase(chart, 'base', { version: IstioVersion.V1_20_3 })
 */
export class IstioBase extends Construct {
  /** The chosen Istio release. */
  public readonly version: IstioVersion;
  /** The install namespace. */
  public readonly namespace: string;
  /** Target Kubernetes minor version (e.g. 28). */
  public readonly kubernetesMinor: number;
  /** How the CRDs are emitted. */
  public readonly crds: IstioCrds;
  /** The default revision the cluster-wide validator sends to (`''` = revision-less istiod). */
  public readonly defaultRevision: string;
  /** Whether this base emits the install Namespace. */
  public readonly createsNamespace: boolean;
  /** Labels of the install Namespace (empty when the namespace is not created here). */
  public readonly namespaceLabels: Record<string, string>;
  /**
   * Labels that select the install namespace in a NetworkPolicy `namespaceSelector`: `name: <namespace>` when
   * this base creates it, otherwise `kubernetes.io/metadata.name: <namespace>` (set by the API server).
   */
  public readonly namespaceSelectorLabels: Record<string, string>;
  /** The Namespace object, when created here. */
  public readonly namespaceObject?: ApiObject;
  /** The emitted CRDs (empty with `IstioCrds.none()`). */
  public readonly crdObjects: ApiObject[];
  /** The reader ServiceAccount `istio-reader-service-account` (unless `readerServiceAccount` is false). */
  public readonly readerServiceAccount?: ApiObject;
  /** The `istiod-default-validator` webhook configuration, unless turned off. */
  public readonly defaultValidatorObject?: ApiObject;
  /** Whether this base emits the Kubernetes Gateway API CRDs (`gatewayApi`). */
  public readonly gatewayApi: boolean;
  /** The emitted Gateway API CRDs (empty unless `gatewayApi`). */
  public readonly gatewayApiCrdObjects: ApiObject[];

  public constructor(scope: Construct, id: string, props: IstioBaseProps = {}) {
    super(scope, id);
    checkObject(this, 'props', props, 'must be IstioBaseProps (an object) or omitted');
    checkKnownKeys(this, '', props, ISTIO_BASE_PROPS);
    this.version = props.version ?? IstioVersion.V1_30_3;
    if (!(this.version instanceof IstioVersion)) {
      fail(this, 'version', props.version, 'must be an IstioVersion, e.g. IstioVersion.V1_30_3 or IstioVersion.of("1.20.3")');
    }
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'istio-system');
    const kube = props.kubernetesVersion ?? '1.28';
    const m = /^1\.([0-9]{1,2})$/.exec(kube);
    const minMinor = this.version.minKubernetesMinor;
    if (!m || Number(m[1]) < minMinor) {
      fail(this, 'kubernetesVersion', kube, `must be a Kubernetes version "1.<minor>" with minor >= ${minMinor} for Istio ${this.version.tag}, e.g. "1.28"`);
    }
    this.kubernetesMinor = Number(m[1]);

    this.createsNamespace = props.createNamespace ?? true;
    if (typeof this.createsNamespace !== 'boolean') fail(this, 'createNamespace', props.createNamespace, 'must be true or false');
    checkLabels(this, 'namespaceLabels', props.namespaceLabels);
    if (!this.createsNamespace && props.namespaceLabels && Object.keys(props.namespaceLabels).length) {
      fail(this, 'namespaceLabels', props.namespaceLabels, 'must stay unset with createNamespace: false (the namespace is not emitted here)');
    }
    const nameLabel = props.namespaceLabels?.name;
    if (nameLabel !== undefined && nameLabel !== this.namespace) {
      fail(this, 'namespaceLabels.name', nameLabel, `must equal the namespace "${this.namespace}" (other namespaces' NetworkPolicies select on it) or be left out`);
    }

    this.crds = props.crds ?? IstioCrds.builtIn();
    if (!(this.crds instanceof IstioCrds)) {
      fail(this, 'crds', props.crds, 'must be IstioCrds.builtIn(), IstioCrds.fromFile(path) or IstioCrds.none()');
    }
    this.crds._check(this, this.version);

    const rev = props.defaultRevision ?? '';
    if (typeof rev !== 'string') fail(this, 'defaultRevision', rev, 'must be a string: "" for the revision-less istiod, or a revision name');
    this.defaultRevision = rev === 'default' ? '' : rev;
    if (this.defaultRevision !== '') checkDnsLabel(this, 'defaultRevision', this.defaultRevision);
    const withValidator = props.defaultValidator ?? true;
    if (typeof withValidator !== 'boolean') fail(this, 'defaultValidator', props.defaultValidator, 'must be true or false');
    const withReader = props.readerServiceAccount ?? true;
    if (typeof withReader !== 'boolean') fail(this, 'readerServiceAccount', props.readerServiceAccount, 'must be true or false');
    if (props.validateGateway && !this.version.defaultValidatorGatewayApiOption) {
      fail(this, 'validateGateway', props.validateGateway, `must be unset on Istio ${this.version.tag}: only the 1.20 base chart validates gateway.networking.k8s.io`);
    }
    if (props.validateGateway && !withValidator) {
      fail(this, 'validateGateway', props.validateGateway, 'needs defaultValidator: true (it configures that webhook)');
    }

    this.gatewayApi = props.gatewayApi ?? false;
    if (typeof this.gatewayApi !== 'boolean') fail(this, 'gatewayApi', props.gatewayApi, 'must be true or false');

    // Namespace
    if (this.createsNamespace) {
      this.namespaceLabels = sortLabels({ ...(props.namespaceLabels ?? {}), name: this.namespace });
      this.namespaceSelectorLabels = { name: this.namespace };
      this.namespaceObject = kubeObject(this, 'namespace', 'Namespace', {
        metadata: { name: this.namespace, labels: { ...this.namespaceLabels } },
      });
    } else {
      this.namespaceLabels = {};
      this.namespaceSelectorLabels = { 'kubernetes.io/metadata.name': this.namespace };
    }

    // CRDs
    this.crdObjects = this.crds._render(this, this.version);
    this.gatewayApiCrdObjects = this.gatewayApi ? renderGatewayApiCrds(this, this.version) : [];

    // Reader ServiceAccount (used for remote secrets in multi-cluster set-ups)
    if (withReader) {
      this.readerServiceAccount = kubeObject(this, 'reader-service-account', 'ServiceAccount', {
        metadata: {
          name: 'istio-reader-service-account',
          namespace: this.namespace,
          labels: commonLabels(this.version, { app: 'istio-reader', release: BASE_RELEASE, chart: BASE_CHART }),
        },
      });
    }

    // Cluster-wide default validator
    if (withValidator) {
      const groups = [...VALIDATED_GROUPS];
      if (props.validateGateway) groups.push('gateway.networking.k8s.io');
      this.defaultValidatorObject = kubeObject(this, 'default-validator', 'ValidatingWebhookConfiguration', {
        metadata: {
          name: 'istiod-default-validator',
          labels: commonLabels(this.version, {
            app: 'istiod',
            release: BASE_RELEASE,
            chart: BASE_CHART,
            extra: { 'istio': 'istiod', 'istio.io/rev': this.defaultRevision || 'default' },
          }),
        },
        webhooks: [{
          name: 'validation.istio.io',
          clientConfig: {
            service: {
              name: this.defaultRevision ? `istiod-${this.defaultRevision}` : 'istiod',
              namespace: this.namespace,
              path: '/validate',
            },
          },
          rules: [{
            operations: ['CREATE', 'UPDATE'],
            apiGroups: groups,
            apiVersions: ['*'],
            resources: ['*'],
          }],
          // Fail open until istiod is ready; istiod's webhook controller then patches in its CA bundle and
          // switches the policy to Fail.
          failurePolicy: 'Ignore',
          sideEffects: 'None',
          admissionReviewVersions: this.version.admissionReviewVersions,
        }],
      });
    }
  }

  /** Facts (names, versions, printer columns) of every Istio CRD of this version, sorted by group and kind. */
  public crdCatalog(): CrdFacts[] {
    return istioCrdCatalog(this.version);
  }

  /** Kinds of every Istio CRD this version defines, sorted (independent of how the CRDs are emitted). */
  public crdKinds(): string[] {
    return this.crdCatalog().map((c) => c.kind).sort();
  }

  /** Object names (`<plural>.<group>`) of every Istio CRD this version defines, sorted. */
  public crdNames(): string[] {
    return this.crdCatalog().map((c) => c.name).sort();
  }
}
