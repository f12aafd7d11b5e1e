import { ApiObject, JsonPatch } from 'cdk8s';
import { IstioBase, Istiod, IstioValidationError, IstioVersion } from '../../src';
import { istiodMountsCacerts, VaultIstioCa, VaultIstioCaProps } from '../../src/charts';
import { findOne, ids, newChart, synthValid } from '../support/synth';

function mesh(version = IstioVersion.V1_30_3, namespace?: string) {
  const chart = newChart();
  const base = new IstioBase(chart, 'base', { version, namespace });
  const istiod = new Istiod(chart, 'istiod', { base });
  return { chart, istiod };
}

describe('VaultIstioCa', () => {
  test.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('Istio %s: ServiceAccount, token RBAC, Vault Issuer and CA Certificate into cacerts', (version) => {
    const { chart, istiod } = mesh(version);
    new VaultIstioCa(chart, 'ca', { istiod });
    const objs = synthValid(chart);
    const own = ids(objs.filter((o) => o.metadata.name.startsWith('vault-') || o.metadata.name === 'istio-ca'));
    expect(own.sort()).toEqual([
      'Certificate istio-system/istio-ca',
      'Issuer istio-system/vault-istio-ca',
      'Role istio-system/vault-issuer-token-request',
      'RoleBinding istio-system/vault-issuer-token-request',
      'ServiceAccount istio-system/vault-issuer',
    ]);
    expect(findOne(objs, 'Certificate', 'istio-ca', 'istio-system').spec).toEqual({
      isCA: true,
      commonName: 'Istio Intermediate CA',
      secretName: 'cacerts',
      duration: '2160h',
      renewBefore: '720h',
      privateKey: { algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' },
      usages: ['cert sign', 'crl sign', 'digital signature'],
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'vault-istio-ca' },
    });
  });

  test('follows the control-plane namespace; every option is rendered as a reference', () => {
    const { chart, istiod } = mesh(IstioVersion.V1_30_3, 'mesh-system');
    const ca = new VaultIstioCa(chart, 'ca', {
      istiod,
      server: 'https://vault.example.com:8200',
      pkiPath: 'pki_mesh/root/sign-intermediate',
      authRole: 'mesh-ca',
      authMountPath: '/v1/auth/k8s-pi',
      serviceAccountName: 'mesh-ca-issuer',
      certManager: { namespace: 'security', serviceAccount: 'cm' },
      caBundleSecret: { name: 'vault-ca' },
      issuerName: 'vault',
      certificateName: 'mesh-ca',
      commonName: 'Mesh CA',
      duration: '720h',
      renewBefore: '240h',
    });
    expect(ca.namespace).toBe('mesh-system');
    const objs = synthValid(chart);
    expect(findOne(objs, 'Issuer', 'vault', 'mesh-system').spec.vault).toEqual({
      server: 'https://vault.example.com:8200',
      path: 'pki_mesh/root/sign-intermediate',
      caBundleSecretRef: { name: 'vault-ca', key: 'ca.crt' },
      auth: { kubernetes: { mountPath: '/v1/auth/k8s-pi', role: 'mesh-ca', serviceAccountRef: { name: 'mesh-ca-issuer' } } },
    });
    expect(findOne(objs, 'Certificate', 'mesh-ca', 'mesh-system').spec).toMatchObject({ commonName: 'Mesh CA', duration: '720h', renewBefore: '240h', secretName: 'cacerts' });
    expect(findOne(objs, 'RoleBinding', 'mesh-ca-issuer-token-request', 'mesh-system').subjects).toEqual([{ kind: 'ServiceAccount', name: 'cm', namespace: 'security' }]);
  });

  test('istiod mounts cacerts by default; a Deployment without the mount is refused', () => {
    const { chart, istiod } = mesh();
    expect(istiodMountsCacerts(istiod)).toBe(true);
    const deployment = istiod.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Deployment')!;
    const mounts = (deployment.toJson().spec.template.spec.containers[0].volumeMounts as Array<{ name: string }>);
    deployment.addJsonPatch(JsonPatch.remove(`/spec/template/spec/containers/0/volumeMounts/${mounts.findIndex((m) => m.name === 'cacerts')}`));
    expect(istiodMountsCacerts(istiod)).toBe(false);
    expect(() => new VaultIstioCa(chart, 'ca', { istiod }))
      .toThrow(/^test\/ca: invalid istiod "test\/istiod": must mount Secret "cacerts" at \/etc\/cacerts in its discovery container/);
  });

  describe('bad input', () => {
    const err = (props: Partial<VaultIstioCaProps>) => () => {
      const { chart, istiod } = mesh();
      new VaultIstioCa(chart, 'ca', { istiod, ...props });
    };
    test('not an Istiod', () => {
      expect(() => new VaultIstioCa(newChart(), 'ca', { istiod: {} as Istiod })).toThrow(/^test\/ca: invalid istiod "\(not an Istiod\)"/);
    });
    test('vaultNamespace', () => expect(err({ vaultNamespace: 'Vault' })).toThrow(/^test\/ca: invalid vaultNamespace "Vault": must be a DNS-1123 label/));
    test('server with a path or credentials', () => {
      expect(err({ server: 'http://vault:8200/v1' })).toThrow(IstioValidationError);
      expect(err({ server: 'http://root:s3cret@vault:8200' })).toThrow(/^test\/ca: invalid server "http:\/\/root:s3cret@vault:8200": must be a Vault address "http\(s\):\/\/<host>\[:<port>\]" without path or credentials/);
      expect(err({ server: 'http://vault:99999' })).toThrow(/invalid server "http:\/\/vault:99999"/);
    });
    test('pkiPath', () => {
      expect(err({ pkiPath: 'pki_int' })).toThrow(/^test\/ca: invalid pkiPath "pki_int": must be a Vault path such as "pki_int\/root\/sign-intermediate"/);
      expect(err({ pkiPath: 'v1/pki_int/root/sign-intermediate' })).toThrow(/^test\/ca: invalid pkiPath "v1\/pki_int\/root\/sign-intermediate": must not start with "v1\/"/);
    });
    test('authRole and authMountPath', () => {
      expect(err({ authRole: 'istio ca' })).toThrow(/^test\/ca: invalid authRole "istio ca": must be a Vault role name/);
      expect(err({ authMountPath: 'auth/kubernetes' })).toThrow(/^test\/ca: invalid authMountPath "auth\/kubernetes": must be the auth mount as cert-manager expects it, e.g. "\/v1\/auth\/kubernetes"$/);
    });
    test('names', () => {
      expect(err({ serviceAccountName: 'Vault_Issuer' })).toThrow(/^test\/ca: invalid serviceAccountName "Vault_Issuer": must be a DNS-1123 subdomain/);
      expect(err({ certManager: { namespace: 'Cert-Manager' } })).toThrow(/^test\/ca: invalid certManager.namespace "Cert-Manager"/);
      expect(err({ caBundleSecret: { name: 'ca', key: 'ca crt' } })).toThrow(/^test\/ca: invalid caBundleSecret.key "ca crt": must be a Secret key/);
    });
    test('commonName', () => {
      expect(err({ commonName: '' })).toThrow(/^test\/ca: invalid commonName "": must be a non-empty name of at most 64 characters/);
      expect(err({ commonName: 'x'.repeat(65) })).toThrow(/invalid commonName "x{65}"/);
    });
    test('durations', () => {
      expect(err({ duration: '90d' })).toThrow(/^test\/ca: invalid duration "90d": must be a duration of at least 1ms with a unit/);
      expect(err({ duration: '720h', renewBefore: '720h' })).toThrow(/^test\/ca: invalid renewBefore "720h": must be shorter than duration \(720h\)$/);
    });
  });
});
