/**
 * The shared root of trust of a MeshFleet (#16 item 3): per cluster an intermediate CA issued by cert-manager under
 * one root into the cluster's `cacerts`, through a shared issuer or Vault; no key material in the output.
 */
import { App, Testing } from 'cdk8s';
import { ClusterIntermediateCa, IstioBase, Istiod, IstioVersion, MeshFleet, MeshFleetProps } from '../../src';
import { K8sObject } from '../support/schema';
import { findOne, newChart, ofKind, synthValid } from '../support/synth';

const VERSIONS = [IstioVersion.V1_30_3, IstioVersion.V1_20_3];

function fleet(version: IstioVersion, rootOfTrust: MeshFleetProps['rootOfTrust'], networks = ['net-a', 'net-b', 'net-c']): MeshFleet {
  return new MeshFleet(Testing.app(), 'home', {
    meshId: 'home-mesh', version, rootOfTrust,
    clusters: [{ name: 'pi-a', network: networks[0] }, { name: 'pi-b', network: networks[1] }, { name: 'gpu', network: networks[2] }],
  });
}

/** Every string anywhere in the objects. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

function noKeyMaterial(objs: K8sObject[]): void {
  expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
  expect(strings(objs).filter((s) => /-----BEGIN|eyJ[A-Za-z0-9_-]{10,}\./.test(s))).toEqual([]);
}

describe.each(VERSIONS.map((v) => [v.tag, v] as const))('MeshFleet rootOfTrust at %s', (_t, version) => {
  test('a shared ClusterIssuer: one Certificate per cluster into cacerts, same issuer, distinct intermediates', () => {
    const f = fleet(version, { issuer: { kind: 'ClusterIssuer', name: 'mesh-root' } });
    const certs = f.clusters.map((c) => {
      const objs = synthValid(c);
      noKeyMaterial(objs);
      // the cluster's only cert-manager object: the issuer is the fleet's, not rendered
      expect(objs.filter((o) => o.apiVersion.startsWith('cert-manager.io/')).map((o) => o.kind)).toEqual(['Certificate']);
      const cert = findOne(objs, 'Certificate', 'istio-ca', 'istio-system');
      expect(c.intermediateCa!.certificate.metadata.name).toBe('istio-ca');
      return cert.spec as Record<string, any>;
    });
    expect(certs.map((s) => s.commonName)).toEqual(['pi-a intermediate', 'pi-b intermediate', 'gpu intermediate']);
    for (const s of certs) {
      expect(s).toMatchObject({ isCA: true, secretName: 'cacerts', duration: '2160h', renewBefore: '720h', usages: ['cert sign', 'crl sign', 'digital signature'] });
      expect(s.privateKey).toEqual({ algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' });
      expect(s.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'mesh-root' });
    }
  });

  test('istiod mounts the Secret the Certificate writes, at the plug-in CA path', () => {
    const f = fleet(version, { issuer: { kind: 'Issuer', name: 'mesh-ca' }, duration: '8760h', renewBefore: '2190h', certificateName: 'cluster-ca' }, ['n', 'n', 'n']);
    for (const c of f.clusters) {
      const objs = synthValid(c);
      const spec = findOne(objs, 'Certificate', 'cluster-ca', 'istio-system').spec as Record<string, any>;
      expect(spec).toMatchObject({ duration: '8760h', renewBefore: '2190h', issuerRef: { kind: 'Issuer', name: 'mesh-ca' } });
      const pod = (findOne(objs, 'Deployment', 'istiod', 'istio-system').spec as any).template.spec;
      const volume = pod.volumes.find((v: any) => v.secret?.secretName === spec.secretName);
      expect(volume.secret.optional).toBe(true);
      const discovery = pod.containers.find((x: any) => x.name === 'discovery');
      expect(discovery.volumeMounts.find((m: any) => m.name === volume.name).mountPath).toBe('/etc/cacerts');
    }
  });

  test('Vault: per cluster a Vault Issuer against the same Vault mount and a Certificate with the cluster\'s common name', () => {
    const f = fleet(version, { vault: { server: 'https://vault.example.com:8200', pkiPath: 'pki_mesh/root/sign-intermediate' } });
    const seen = f.clusters.map((c) => {
      const objs = synthValid(c);
      noKeyMaterial(objs);
      const issuer = findOne(objs, 'Issuer', 'vault-istio-ca', 'istio-system').spec as Record<string, any>;
      const cert = findOne(objs, 'Certificate', 'istio-ca', 'istio-system').spec as Record<string, any>;
      expect(cert.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'vault-istio-ca' });
      expect(c.intermediateCa!.issuerRef).toEqual(cert.issuerRef);
      expect(cert).toMatchObject({ isCA: true, secretName: 'cacerts' });
      expect(ofKind(objs, 'ServiceAccount').map((o) => o.metadata.name)).toContain('vault-issuer');
      return { vault: `${issuer.vault.server}/${issuer.vault.path}`, cn: cert.commonName };
    });
    expect(new Set(seen.map((s) => s.vault))).toEqual(new Set(['https://vault.example.com:8200/pki_mesh/root/sign-intermediate']));
    expect(seen.map((s) => s.cn)).toEqual(['pi-a intermediate', 'pi-b intermediate', 'gpu intermediate']);
  });

  test('without rootOfTrust: no cert-manager object', () => {
    const f = fleet(version, undefined);
    for (const c of f.clusters) {
      expect(c.intermediateCa).toBeUndefined();
      expect(synthValid(c).filter((o) => o.apiVersion.startsWith('cert-manager.io/'))).toEqual([]);
    }
  });
});

test('primary-remote at 1.30.3 (remotes are 1.30 only): the primary gets the intermediate, the remote none (its istiod is the primary\'s)', () => {
  const f = new MeshFleet(Testing.app(), 'site', { meshId: 'm', version: IstioVersion.V1_30_3, rootOfTrust: { issuer: { kind: 'ClusterIssuer', name: 'root' } }, clusters: [
    { name: 'main' }, { name: 'edge', role: 'remote', remotePilotAddress: '192.168.1.241' }] });
  expect(f.cluster('main').intermediateCa!.commonName).toBe('main intermediate');
  expect(f.cluster('edge').intermediateCa).toBeUndefined();
  expect(synthValid(f.cluster('edge')).filter((o) => o.apiVersion.startsWith('cert-manager.io/'))).toEqual([]);
});

describe('rootOfTrust: bad input', () => {
  const clusters = [{ name: 'a' }, { name: 'b' }];
  test.each([
    ['neither issuer nor vault', {}, /rootOfTrust.*exactly one of `issuer`.*`vault`/],
    ['both', { issuer: { kind: 'ClusterIssuer', name: 'root' }, vault: {} }, /rootOfTrust.*exactly one/],
    ['an issuer kind cert-manager does not have', { issuer: { kind: 'CAIssuer', name: 'root' } }, /rootOfTrust.issuer.kind.*"ClusterIssuer" or "Issuer"/],
    ['an issuer name that is no object name', { issuer: { kind: 'ClusterIssuer', name: 'Mesh Root' } }, /rootOfTrust.issuer.name/],
    ['renewBefore not shorter than duration', { issuer: { kind: 'ClusterIssuer', name: 'root' }, duration: '720h', renewBefore: '720h' }, /rootOfTrust.renewBefore.*shorter than duration/],
    ['a malformed duration', { issuer: { kind: 'ClusterIssuer', name: 'root' }, duration: '90d' }, /rootOfTrust.duration/],
    ['a typo in the issuer', { issuer: { kind: 'ClusterIssuer', nme: 'root' } }, /rootOfTrust.issuer.nme.*did you mean `name`/],
    ['a per-cluster field in vault', { vault: { commonName: 'Mesh CA' } }, /rootOfTrust.vault.commonName.*not a key/],
    ['Vault at its in-cluster default address (a Vault per cluster, a root per cluster)', { vault: { pkiPath: 'pki_int/root/sign-intermediate' } }, /rootOfTrust.vault.server.*must be set.*each cluster's own Vault/],
  ])('%s', (_t, rootOfTrust, message) => {
    expect(() => new MeshFleet(new App(), 'f', { meshId: 'm', clusters, rootOfTrust } as never)).toThrow(message);
  });

  test('a cluster name too long for the X.509 common name', () => {
    const long = 'c'.repeat(52);
    expect(() => new MeshFleet(new App(), 'f', { meshId: 'm', clusters: [{ name: long }, { name: 'b' }], rootOfTrust: { issuer: { kind: 'ClusterIssuer', name: 'root' } } }))
      .toThrow(/clusterName.*at most 51 characters/);
  });

  test('ClusterIntermediateCa on its own: the common name; refuses what is not an Istiod', () => {
    const chart = newChart();
    const istiod = new Istiod(chart, 'istiod', { base: new IstioBase(chart, 'base', {}) });
    const ca = new ClusterIntermediateCa(chart, 'ca', { istiod, clusterName: 'one', rootOfTrust: { issuer: { kind: 'ClusterIssuer', name: 'root' } } });
    expect(ca.commonName).toBe('one intermediate');
    expect(() => new ClusterIntermediateCa(newChart(), 'ca', { istiod: {} as Istiod, clusterName: 'x', rootOfTrust: { issuer: { kind: 'ClusterIssuer', name: 'root' } } }))
      .toThrow(/istiod.*must be the Istiod construct/);
  });
});
