/**
 * IstioOperator of Istio 1.20.3, hand-written: upstream keeps it in a file of its own
 * (`manifests/charts/base/crds/crd-operator.yaml`), not in `crd-all.gen.yaml`, which is what
 * `npx projen import-crds` reads. This is that file's spec without descriptions (of the printer columns).
 * Upstream's schema is free-form at the root (`x-kubernetes-preserve-unknown-fields`): the IstioOperator
 * API was never given a structural schema. A generated module that holds IstioOperator takes precedence.
 * @internal
 */
import type { UpstreamCrd } from './types';

/** IstioOperator of Istio 1.20.3 (`crd-operator.yaml`), without descriptions or metadata. */
export const ISTIO_OPERATOR_1_20: UpstreamCrd = {
  spec: {
    conversion: { strategy: 'None' },
    group: 'install.istio.io',
    names: {
      kind: 'IstioOperator',
      listKind: 'IstioOperatorList',
      plural: 'istiooperators',
      shortNames: ['iop', 'io'],
      singular: 'istiooperator',
    },
    scope: 'Namespaced',
  },
  bodies: [
    {
      additionalPrinterColumns: [
        { jsonPath: '.spec.revision', name: 'Revision', type: 'string' },
        { jsonPath: '.status.status', name: 'Status', type: 'string' },
        { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
      ],
      schema: { openAPIV3Schema: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      subresources: { status: {} },
    },
  ],
  versions: [{ body: 0, name: 'v1alpha1', served: true, storage: true }],
};
