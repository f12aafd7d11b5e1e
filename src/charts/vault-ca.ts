import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Istiod } from '../istiod/istiod';
import { kubeObject } from '../kube';
import { checkDuration, durationMillis } from '../traffic/http';
import { checkDnsLabel, checkDnsSubdomain, fail } from '../validation';
import { checkKnownKeys } from '../resource/keys';
import { VAULT_ISTIO_CA_PROPS } from './shapes';

/** Secret istiod reads a plugged-in CA from (mounted, optional, at {@link ISTIOD_CACERTS_PATH}). */
export const ISTIOD_CACERTS_SECRET = 'cacerts';
/** Where istiod's Deployment mounts {@link ISTIOD_CACERTS_SECRET}. */
export const ISTIOD_CACERTS_PATH = '/etc/cacerts';

/** The cert-manager controller, which requests ServiceAccount tokens to log in to Vault. */
export interface CertManagerRef {
  /** Namespace cert-manager runs in. @default 'cert-manager' */
  readonly namespace?: string;
  /** ServiceAccount of the cert-manager controller. @default 'cert-manager' */
  readonly serviceAccount?: string;
}

/** A key of a Secret (a reference; the Secret itself is never rendered). */
export interface SecretKeyRef {
  /** Secret name, in the control-plane namespace. */
  readonly name: string;
  /** Key in the Secret. @default 'ca.crt' */
  readonly key?: string;
}

/**
 * Vault PKI as the mesh CA, through cert-manager. Only references end up in the output: the Vault
 * address and paths, a ServiceAccount cert-manager requests short-lived tokens for, and Secret names.
 */
export interface VaultPkiOptions {
  /** Namespace Vault runs in (`vault_namespace`); used for the default `server`. @default 'vault' */
  readonly vaultNamespace?: string;
  /** Vault address. @default `http://vault.<vaultNamespace>.svc:8200` */
  readonly server?: string;
  /**
   * Vault path that signs the CSR, without leading `/` or `/v1`. It must return a CA certificate:
   * `<pki mount>/root/sign-intermediate` does; a role's `<pki mount>/sign/<role>` issues leaf
   * certificates without `CA:TRUE`, which istiod cannot sign workload certificates with.
   * @default 'pki_int/root/sign-intermediate' (signed by the "Istio Intermediate CA" mount `pki_int`)
   */
  readonly pkiPath?: string;
  /** Vault Kubernetes auth role bound to {@link VaultPkiOptions.serviceAccountName}. @default 'istio-ca' */
  readonly authRole?: string;
  /** Mount path of Vault's Kubernetes auth method. @default '/v1/auth/kubernetes' */
  readonly authMountPath?: string;
  /** ServiceAccount (in the control-plane namespace) whose bound token logs cert-manager in to Vault. @default 'vault-issuer' */
  readonly serviceAccountName?: string;
  /** The cert-manager controller allowed to request that token. @default { namespace: 'cert-manager', serviceAccount: 'cert-manager' } */
  readonly certManager?: CertManagerRef;
  /** CA bundle of an `https` Vault server (a Secret reference). @default - none (system trust, or plain http) */
  readonly caBundleSecret?: SecretKeyRef;
  /** Name of the cert-manager Issuer. @default 'vault-istio-ca' */
  readonly issuerName?: string;
  /** Name of the cert-manager Certificate. @default 'istio-ca' */
  readonly certificateName?: string;
  /** Common name of the CA certificate. @default 'Istio Intermediate CA' */
  readonly commonName?: string;
  /**
   * Lifetime of the CA certificate. It must end before the signing Vault CA does (the Pi doc creates
   * `pki_int` with `ttl=8760h`), or Vault refuses to sign.
   * @default '2160h' (90 days, cert-manager's default)
   */
  readonly duration?: string;
  /** Renew this long before expiry; istiod reloads the renewed `cacerts` without a restart. @default '720h' */
  readonly renewBefore?: string;
}

/** Props of {@link VaultIstioCa}. */
export interface VaultIstioCaProps extends VaultPkiOptions {
  /** The control plane whose CA this becomes; objects go to its namespace. */
  readonly istiod: Istiod;
}

const SERVER = /^https?:\/\/[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?$/;
const VAULT_PATH = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)+$/;
const MOUNT_PATH = /^\/v1\/auth\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Makes Vault's PKI the mesh CA: cert-manager asks Vault (Kubernetes auth, with a bound token of a
 * dedicated ServiceAccount) to sign an intermediate CA and stores it in Secret `cacerts` of the
 * control-plane namespace, in `kubernetes.io/tls` form (`tls.crt`, `tls.key`, `ca.crt`).
 *
 * istiod mounts `cacerts` (optional) at `/etc/cacerts` and, when the Secret holds a CA, signs workload
 * certificates with it instead of its self-signed root; it also reloads it on renewal. This construct
 * checks that the Istiod's Deployment has that mount.
 *
 * Renders: ServiceAccount, Role and RoleBinding (cert-manager may create tokens for that one
 * ServiceAccount), Issuer (`cert-manager.io/v1`, Vault) and Certificate (`isCA`, secret `cacerts`).
 * No token, key or certificate is ever rendered.
 */
export class VaultIstioCa extends Construct {
  /** The cert-manager Issuer. */
  public readonly issuer: ApiObject;
  /** The CA Certificate. */
  public readonly certificate: ApiObject;
  /** Namespace of every object (istiod's). */
  public readonly namespace: string;
  /** Vault address. */
  public readonly server: string;

  public constructor(scope: Construct, id: string, props: VaultIstioCaProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, VAULT_ISTIO_CA_PROPS);
    if (!props || !(props.istiod instanceof Istiod)) {
      fail(this, 'istiod', props?.istiod === undefined ? undefined : '(not an Istiod)', 'must be the Istiod construct whose CA this becomes');
    }
    const istiod = props.istiod;
    this.namespace = istiod.namespace;

    const vaultNamespace = checkDnsLabel(this, 'vaultNamespace', props.vaultNamespace ?? 'vault');
    this.server = props.server ?? `http://vault.${vaultNamespace}.svc:8200`;
    if (typeof this.server !== 'string' || !SERVER.test(this.server) || Number(this.server.split(':')[2] ?? 1) > 65535) {
      fail(this, 'server', this.server, 'must be a Vault address "http(s)://<host>[:<port>]" without path or credentials, e.g. "http://vault.vault.svc:8200"');
    }
    const pkiPath = props.pkiPath ?? 'pki_int/root/sign-intermediate';
    if (typeof pkiPath !== 'string' || !VAULT_PATH.test(pkiPath)) {
      fail(this, 'pkiPath', pkiPath, 'must be a Vault path such as "pki_int/root/sign-intermediate", without a leading "/" or "v1/"');
    }
    if (/^v1\//.test(pkiPath)) fail(this, 'pkiPath', pkiPath, 'must not start with "v1/": cert-manager adds it');
    const authRole = props.authRole ?? 'istio-ca';
    if (typeof authRole !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(authRole)) {
      fail(this, 'authRole', authRole, 'must be a Vault role name: letters, digits, "_", "-" and "."');
    }
    const mountPath = props.authMountPath ?? '/v1/auth/kubernetes';
    if (typeof mountPath !== 'string' || !MOUNT_PATH.test(mountPath)) {
      fail(this, 'authMountPath', mountPath, 'must be the auth mount as cert-manager expects it, e.g. "/v1/auth/kubernetes"');
    }
    const saName = checkDnsSubdomain(this, 'serviceAccountName', props.serviceAccountName ?? 'vault-issuer');
    const cmNamespace = checkDnsLabel(this, 'certManager.namespace', props.certManager?.namespace ?? 'cert-manager');
    const cmServiceAccount = checkDnsSubdomain(this, 'certManager.serviceAccount', props.certManager?.serviceAccount ?? 'cert-manager');
    let caBundle: { name: string; key: string } | undefined;
    if (props.caBundleSecret !== undefined) {
      const name = checkDnsSubdomain(this, 'caBundleSecret.name', props.caBundleSecret?.name);
      const key = props.caBundleSecret.key ?? 'ca.crt';
      if (typeof key !== 'string' || !SECRET_KEY.test(key)) fail(this, 'caBundleSecret.key', key, 'must be a Secret key: letters, digits, "-", "_" and "."');
      caBundle = { name, key };
    }
    const issuerName = checkDnsSubdomain(this, 'issuerName', props.issuerName ?? 'vault-istio-ca');
    const certificateName = checkDnsSubdomain(this, 'certificateName', props.certificateName ?? 'istio-ca');
    const commonName = props.commonName ?? 'Istio Intermediate CA';
    if (typeof commonName !== 'string' || commonName.trim() === '' || commonName.length > 64) {
      fail(this, 'commonName', commonName, 'must be a non-empty name of at most 64 characters (the X.509 limit)');
    }
    const duration = checkDuration(this, 'duration', props.duration ?? '2160h');
    const renewBefore = checkDuration(this, 'renewBefore', props.renewBefore ?? '720h');
    if (durationMillis(renewBefore)! >= durationMillis(duration)!) {
      fail(this, 'renewBefore', renewBefore, `must be shorter than duration (${duration})`);
    }
    checkMountsCacerts(this, istiod);

    // --- objects
    kubeObject(this, 'service-account', 'ServiceAccount', { metadata: { name: saName, namespace: this.namespace } });
    const roleName = `${saName}-token-request`;
    kubeObject(this, 'role', 'Role', {
      metadata: { name: roleName, namespace: this.namespace },
      rules: [{ apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: [saName], verbs: ['create'] }],
    });
    kubeObject(this, 'role-binding', 'RoleBinding', {
      metadata: { name: roleName, namespace: this.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: cmServiceAccount, namespace: cmNamespace }],
    });

    this.issuer = new ApiObject(this, 'issuer', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: issuerName, namespace: this.namespace },
      spec: {
        vault: {
          server: this.server,
          path: pkiPath,
          ...(caBundle ? { caBundleSecretRef: caBundle } : {}),
          auth: { kubernetes: { mountPath, role: authRole, serviceAccountRef: { name: saName } } },
        },
      },
    });

    this.certificate = istioCaCertificate(this, 'certificate', {
      namespace: this.namespace, name: certificateName, commonName, duration, renewBefore,
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: issuerName },
    });
  }
}

/** What {@link istioCaCertificate} renders. @internal */
export interface IstioCaCertificateSpec {
  readonly namespace: string;
  readonly name: string;
  readonly commonName: string;
  readonly duration: string;
  readonly renewBefore: string;
  readonly issuerRef: { readonly group: string; readonly kind: string; readonly name: string };
}

/**
 * The cert-manager Certificate of a CA istiod signs with: `isCA`, written to Secret `cacerts` (the plug-in CA istiod
 * mounts), a new RSA 2048 key at every issuance, the usages a signing CA needs. Used by {@link VaultIstioCa} and the
 * per-cluster intermediates of a fleet's root of trust. @internal
 */
export function istioCaCertificate(scope: Construct, id: string, spec: IstioCaCertificateSpec): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      isCA: true,
      commonName: spec.commonName,
      secretName: ISTIOD_CACERTS_SECRET,
      duration: spec.duration,
      renewBefore: spec.renewBefore,
      privateKey: { algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' },
      usages: ['cert sign', 'crl sign', 'digital signature'],
      issuerRef: { ...spec.issuerRef },
    },
  });
}

/**
 * Fails unless the Istiod's Deployment mounts Secret `cacerts` at `/etc/cacerts` in its `discovery`
 * container: a CA written anywhere else would never reach istiod. @internal
 */
export function checkMountsCacerts(scope: Construct, istiod: Istiod): void {
  if (!istiodMountsCacerts(istiod)) {
    fail(scope, 'istiod', istiod.node.path,
      `must mount Secret "${ISTIOD_CACERTS_SECRET}" at ${ISTIOD_CACERTS_PATH} in its discovery container (the plug-in CA location); its Deployment does not`);
  }
}

/** True when the Istiod's Deployment mounts Secret `cacerts` at `/etc/cacerts` in container `discovery`. */
export function istiodMountsCacerts(istiod: Istiod): boolean {
  const deployment = istiod.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .find((o) => o.kind === 'Deployment');
  if (!deployment) return false;
  const pod = (deployment.toJson() as { spec?: { template?: { spec?: PodShape } } }).spec?.template?.spec;
  const volume = (pod?.volumes ?? []).find((v) => v.secret?.secretName === ISTIOD_CACERTS_SECRET);
  if (!volume) return false;
  const discovery = (pod?.containers ?? []).find((c) => c.name === 'discovery');
  return (discovery?.volumeMounts ?? []).some((m) => m.name === volume.name && m.mountPath === ISTIOD_CACERTS_PATH);
}

interface PodShape {
  volumes?: Array<{ name: string; secret?: { secretName?: string } }>;
  containers?: Array<{ name: string; volumeMounts?: Array<{ name: string; mountPath: string }> }>;
}
