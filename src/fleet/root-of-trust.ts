import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkMountsCacerts, istioCaCertificate, VaultIstioCa, VaultPkiOptions } from '../charts/vault-ca';
import { VAULT_PKI_OPTIONS } from '../charts/shapes';
import { Istiod } from '../istiod/istiod';
import { checkKnownKeys, Shape } from '../resource/keys';
import { checkDnsSubdomain, checkDuration, durationMillis, fail } from '../validation';

/**
 * A cert-manager issuer that every cluster of the fleet has and that signs under the fleet's one root: a `ca` issuer
 * holding the root (or a fleet CA under an offline root), or any other cert-manager.io issuer that returns CA
 * certificates. It is referenced, never rendered: its Secret holds a private key, which never enters the output.
 */
export interface RootIssuerRef {
  /** `ClusterIssuer` (cluster-wide) or `Issuer` (then it must live in the control-plane namespace of every cluster). */
  readonly kind: 'ClusterIssuer' | 'Issuer';
  /** Name of the issuer, the same in every cluster. */
  readonly name: string;
}

/** Vault PKI options of a fleet's root of trust: those of {@link VaultPkiOptions} the fleet does not set per cluster. */
export type FleetVaultOptions = Omit<VaultPkiOptions, 'commonName' | 'certificateName' | 'duration' | 'renewBefore'>;

/**
 * The shared root of trust of a {@link MeshFleet}: every cluster gets its own intermediate CA, issued by cert-manager
 * under one root into the cluster's Secret `cacerts`, which istiod signs workload certificates with. Set exactly one
 * of `issuer` and `vault`.
 */
export interface FleetRootOfTrust {
  /** An issuer present in every cluster that signs the intermediates. @default - none: set `vault` */
  readonly issuer?: RootIssuerRef;
  /**
   * Vault PKI signs the intermediates (a {@link VaultIstioCa} per cluster, all against the same Vault mount), so the
   * root's key stays in Vault. `server` is required: the one Vault every cluster reaches. @default - none: set `issuer`
   */
  readonly vault?: FleetVaultOptions;
  /** Name of the Certificate in each cluster's control-plane namespace. @default 'istio-ca' */
  readonly certificateName?: string;
  /**
   * Lifetime of each intermediate. It must end before the issuing CA does, or the issuer refuses (Vault) or
   * cert-manager shortens it to the issuer's lifetime (a `ca` issuer).
   * @default '2160h' (90 days, cert-manager's default)
   */
  readonly duration?: string;
  /** Renew this long before expiry; istiod picks up the renewed `cacerts` without a restart. @default '720h' */
  readonly renewBefore?: string;
}

/** @internal */
export const FLEET_ROOT_OF_TRUST: Shape<FleetRootOfTrust> = (() => {
  const { commonName: _cn, certificateName: _c, duration: _d, renewBefore: _r, ...vault } = VAULT_PKI_OPTIONS;
  return { issuer: { kind: true, name: true }, vault, certificateName: true, duration: true, renewBefore: true };
})();

/** Props of {@link ClusterIntermediateCa}. */
export interface ClusterIntermediateCaProps {
  /** The control plane whose CA this becomes; its objects go to its namespace. */
  readonly istiod: Istiod;
  /** Cluster name; the intermediate's common name is `<cluster> intermediate`. */
  readonly clusterName: string;
  /** The fleet's root of trust. */
  readonly rootOfTrust: FleetRootOfTrust;
}

/** @internal */
export const CLUSTER_INTERMEDIATE_CA_PROPS: Shape<ClusterIntermediateCaProps> = { istiod: 'ref', clusterName: true, rootOfTrust: FLEET_ROOT_OF_TRUST };

/** Longest X.509 common name (RFC 5280 ub-common-name). */
const MAX_COMMON_NAME = 64;

/**
 * One cluster's intermediate CA under the fleet's root: a cert-manager Certificate (`isCA`, common name
 * `<cluster> intermediate`, Secret `cacerts` in istiod's namespace) issued by the shared issuer, or, with Vault, a
 * {@link VaultIstioCa} whose Certificate carries that common name. cert-manager creates the key in the cluster and
 * writes the Secret in `kubernetes.io/tls` form (`tls.crt`, `tls.key`, `ca.crt`), which istiod reads as a plugged-in
 * CA (signing certificate `tls.crt`, key `tls.key`, root `ca.crt`, chain `tls.crt` + `ca.crt`). No key, certificate
 * or token is rendered. {@link MeshFleet} creates one per cluster from its `rootOfTrust`.
 */
export class ClusterIntermediateCa extends Construct {
  /** The Certificate of the intermediate. */
  public readonly certificate: ApiObject;
  /** Common name of the intermediate: `<cluster> intermediate`. */
  public readonly commonName: string;
  /** The issuer that signs it (for Vault: the per-cluster Vault Issuer). */
  public readonly issuerRef: { readonly group: string; readonly kind: string; readonly name: string };
  /** The Vault CA, when the root of trust is Vault. */
  public readonly vaultCa?: VaultIstioCa;

  public constructor(scope: Construct, id: string, props: ClusterIntermediateCaProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, CLUSTER_INTERMEDIATE_CA_PROPS);
    if (!props || !(props.istiod instanceof Istiod)) {
      fail(this, 'istiod', props?.istiod === undefined ? undefined : '(not an Istiod)', 'must be the Istiod construct whose CA this becomes');
    }
    const root = props.rootOfTrust;
    const field = 'rootOfTrust';
    if (!root || typeof root !== 'object') fail(this, field, root, 'must be { issuer: { kind, name } } or { vault: { ... } }');
    if ((root.issuer === undefined) === (root.vault === undefined)) {
      fail(this, field, Object.keys(root).join(', ') || '(empty)', 'must set exactly one of `issuer` (a cert-manager issuer holding the root) and `vault` (Vault PKI)');
    }
    this.commonName = `${props.clusterName} intermediate`;
    if (this.commonName.length > MAX_COMMON_NAME) {
      fail(this, 'clusterName', props.clusterName, `must be at most ${MAX_COMMON_NAME - ' intermediate'.length} characters: the intermediate's common name "<cluster> intermediate" is limited to ${MAX_COMMON_NAME} (X.509)`);
    }
    const certificateName = checkDnsSubdomain(this, `${field}.certificateName`, root.certificateName ?? 'istio-ca');
    const duration = checkDuration(this, `${field}.duration`, root.duration ?? '2160h');
    const renewBefore = checkDuration(this, `${field}.renewBefore`, root.renewBefore ?? '720h');
    if (durationMillis(renewBefore)! >= durationMillis(duration)!) {
      fail(this, `${field}.renewBefore`, renewBefore, `must be shorter than duration (${duration})`);
    }

    if (root.vault !== undefined) {
      if (!root.vault || typeof root.vault !== 'object') fail(this, `${field}.vault`, root.vault, 'must be Vault PKI options (an object with at least `server`)');
      if (root.vault.server === undefined) {
        fail(this, `${field}.vault.server`, undefined, 'must be set: the default (http://vault.<vaultNamespace>.svc:8200) names each cluster\'s own Vault, '
          + 'which would give every cluster a root of its own; give the address of the one Vault every cluster reaches, e.g. "https://vault.example.com:8200"');
      }
      this.vaultCa = new VaultIstioCa(this, 'vault', {
        ...root.vault, istiod: props.istiod, commonName: this.commonName, certificateName, duration, renewBefore,
      });
      this.certificate = this.vaultCa.certificate;
      this.issuerRef = { group: 'cert-manager.io', kind: 'Issuer', name: this.vaultCa.issuer.metadata.name! };
      return;
    }

    const issuer = root.issuer!;
    if (!issuer || typeof issuer !== 'object') fail(this, `${field}.issuer`, issuer, 'must be { kind: "ClusterIssuer" | "Issuer", name }');
    if (issuer.kind !== 'ClusterIssuer' && issuer.kind !== 'Issuer') {
      fail(this, `${field}.issuer.kind`, issuer.kind, 'must be "ClusterIssuer" or "Issuer" (cert-manager.io)');
    }
    const issuerName = checkDnsSubdomain(this, `${field}.issuer.name`, issuer.name);
    checkMountsCacerts(this, props.istiod);
    this.issuerRef = { group: 'cert-manager.io', kind: issuer.kind, name: issuerName };
    this.certificate = istioCaCertificate(this, 'certificate', {
      namespace: props.istiod.namespace, name: certificateName, commonName: this.commonName, duration, renewBefore, issuerRef: this.issuerRef,
    });
  }
}
