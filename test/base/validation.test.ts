import { IstioBase, IstioBaseProps, IstioCrds } from '../../src/base';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { newChart, synthValid } from '../support/synth';

function build(props: IstioBaseProps): () => IstioBase {
  return () => new IstioBase(newChart(), 'base', props);
}

describe('IstioBase rejects', () => {
  test('a version that is not an IstioVersion', () => {
    const f = build({ version: '1.30.3' as unknown as IstioVersion });
    expect(f).toThrow(IstioValidationError);
    expect(f).toThrow(/test\/base: invalid version "1\.30\.3": must be an IstioVersion, e\.g\. IstioVersion\.V1_30_3/);
  });

  test('an unsupported Istio release', () => {
    expect(() => IstioVersion.of('1.25.0')).toThrow(/IstioVersion\.of: invalid version "1\.25\.0": must be an Istio release of a supported line/);
  });

  test('a namespace that is not a DNS-1123 label', () => {
    expect(build({ namespace: 'Istio_System' })).toThrow(/test\/base: invalid namespace "Istio_System": must be a DNS-1123 label: at most 63 characters/);
  });

  test('a malformed kubernetesVersion', () => {
    expect(build({ kubernetesVersion: 'v1.28' })).toThrow(/test\/base: invalid kubernetesVersion "v1\.28": must be a Kubernetes version "1\.<minor>" with minor >= 23 for Istio 1\.30\.3/);
  });

  test('a kubernetesVersion that is too old', () => {
    expect(build({ kubernetesVersion: '1.15' })).toThrow(/test\/base: invalid kubernetesVersion "1\.15": must be a Kubernetes version "1\.<minor>" with minor >= 23 for Istio 1\.30\.3/);
    expect(build({ kubernetesVersion: '1.22' })).toThrow(/minor >= 23 for Istio 1\.30\.3/);
    expect(build({ version: IstioVersion.V1_20_3, kubernetesVersion: '1.15' })).toThrow(/test\/base: invalid kubernetesVersion "1\.15": must be a Kubernetes version "1\.<minor>" with minor >= 16 for Istio 1\.20\.3/);
  });

  test('a defaultRevision that is not a DNS-1123 label', () => {
    expect(build({ defaultRevision: '1-30.3' })).toThrow(/test\/base: invalid defaultRevision "1-30\.3": must be a DNS-1123 label/);
  });

  test('a defaultRevision that is not a string', () => {
    expect(build({ defaultRevision: false as unknown as string })).toThrow(/test\/base: invalid defaultRevision false: must be a string: "" for the revision-less istiod, or a revision name/);
  });

  test('a namespace label key that is not a label key', () => {
    expect(build({ namespaceLabels: { 'bad key': 'x' } })).toThrow(/test\/base: invalid namespaceLabels key "bad key": must be a label key/);
  });

  test('a namespace label value that is not a label value', () => {
    expect(build({ namespaceLabels: { team: 'a b' } })).toThrow(/test\/base: invalid namespaceLabels\.team "a b": must be a label value/);
  });

  test('a name label that disagrees with the namespace', () => {
    expect(build({ namespaceLabels: { name: 'other' } })).toThrow(/test\/base: invalid namespaceLabels\.name "other": must equal the namespace "istio-system"/);
  });

  test('namespaceLabels with createNamespace: false', () => {
    expect(build({ createNamespace: false, namespaceLabels: { team: 'x' } }))
      .toThrow(/test\/base: invalid namespaceLabels \{"team":"x"\}: must stay unset with createNamespace: false/);
  });

  test('validateGateway on 1.30', () => {
    expect(build({ validateGateway: true })).toThrow(/test\/base: invalid validateGateway true: must be unset on Istio 1\.30\.3: only the 1\.20 base chart validates gateway\.networking\.k8s\.io/);
  });

  test('validateGateway without the default validator', () => {
    expect(build({ version: IstioVersion.V1_20_3, validateGateway: true, defaultValidator: false }))
      .toThrow(/test\/base: invalid validateGateway true: needs defaultValidator: true/);
  });

  test('crds that are not IstioCrds', () => {
    expect(build({ crds: 'builtIn' as unknown as IstioCrds })).toThrow(/test\/base: invalid crds "builtIn": must be IstioCrds\.builtIn\(\), IstioCrds\.fromFile\(path\) or IstioCrds\.none\(\)/);
  });

  test('a valid configuration still synthesizes (control case)', () => {
    const chart = newChart();
    new IstioBase(chart, 'base', { version: IstioVersion.V1_20_3, namespace: 'mesh', defaultRevision: 'stable', validateGateway: true, kubernetesVersion: '1.16' });
    expect(synthValid(chart)).toHaveLength(18);
  });
});
