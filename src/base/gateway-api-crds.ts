import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { kubeObject, KubeObjectProps } from '../kube';
import { IstioVersion } from '../version';
import { gatewayApiCrds, upstreamCrdSpec } from './schemas';

/**
 * Emits the Kubernetes Gateway API CRDs (standard channel) of the version `version`'s line is built against
 * (`version.gatewayApi`), as `sigs.k8s.io/gateway-api` defines them without descriptions, with their own
 * annotations (API approval, bundle version, channel), sorted by name. Istio does not install these; an
 * {@link IstioBase} with `gatewayApi: true` does.
 * @internal
 */
export function renderGatewayApiCrds(scope: Construct, version: IstioVersion): ApiObject[] {
  const release = gatewayApiCrds(version.line);
  if (release.bundleVersion !== version.gatewayApi.bundleVersion) {
    throw new Error(`cdk8s-istio: the generated Gateway API CRDs of ${version.line} are bundle ${release.bundleVersion}, src/version.ts says ${version.gatewayApi.bundleVersion}`);
  }
  return Object.keys(release.crds).sort().map((name) => {
    const crd = release.crds[name];
    return kubeObject(scope, `crd-${name}`, 'CustomResourceDefinition', {
      metadata: { name, annotations: { ...crd.annotations } },
      // plain JSON from the Gateway API's own CRD files, not typed field by field
      spec: upstreamCrdSpec(crd) as unknown as KubeObjectProps<'CustomResourceDefinition'>['spec'],
    });
  });
}
