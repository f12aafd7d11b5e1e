import { callScope, isDnsLabel, IstioValidationError } from '../validation';
import { argoCdApplication, ArgoCdApplicationProps } from './argocd';
import { SynthesizedObject } from './manifest';
import { checkKnownKeys, Shape } from '../resource/keys';

/** One Application of an {@link argoCdApplicationSet}: a cluster of a fleet. */
export interface ArgoCdApplicationSetElement {
  /** Cluster name (names the Application `<applicationSet name>-<cluster>`). */
  readonly cluster: string;
  /** Folder inside the repository the cluster's Application syncs. */
  readonly path: string;
  /**
   * Name of the cluster as registered in Argo CD (its cluster secret).
   * @default - the cluster name
   */
  readonly destination?: string;
}

/** Props of {@link argoCdApplicationSet}: an Application's props for every cluster, and the clusters. */
export interface ArgoCdApplicationSetProps extends Omit<ArgoCdApplicationProps, 'path' | 'destination'> {
  /** The clusters, one Application each (Argo CD's list generator). */
  readonly elements: readonly ArgoCdApplicationSetElement[];
  /** Namespace the applications deploy to by default. @default - none (each object names its own) */
  readonly destinationNamespace?: string;
}

const APPLICATION_SET_PROPS: Shape<ArgoCdApplicationSetProps> = {
  name: true, namespace: true, project: true, repoURL: true, targetRevision: true, automated: { prune: true, selfHeal: true },
  syncOptions: true, ignoreDifferences: [{ group: true, kind: true, name: true, namespace: true, jqPathExpressions: true }],
  labels: true, elements: [{ cluster: true, path: true, destination: true }], destinationNamespace: true,
};

/**
 * An Argo CD `ApplicationSet` with a list generator: one Application per element (cluster), each syncing the
 * element's folder to the element's cluster, with the settings an {@link argoCdApplication} would have (project,
 * automated sync, sync options, `ignoreDifferences`). Every element is first checked as the Application it becomes.
 */
export function argoCdApplicationSet(props: ArgoCdApplicationSetProps, path: string = 'argoCdApplicationSet'): SynthesizedObject {
  checkKnownKeys(callScope(path), '', props, APPLICATION_SET_PROPS);
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new IstioValidationError(path, field, value, expected);
  };
  if (!Array.isArray(props.elements) || props.elements.length === 0) bad('elements', props.elements, 'must list at least one cluster { cluster, path, destination? }');
  const { elements, destinationNamespace, ...app } = props;
  const seen = new Set<string>();
  const rendered = elements.map((e, i) => {
    if (!isDnsLabel(e.cluster)) bad(`elements[${i}].cluster`, e.cluster, 'must be a DNS-1123 label');
    if (seen.has(e.cluster)) bad(`elements[${i}].cluster`, e.cluster, 'is listed twice');
    seen.add(e.cluster);
    const destination = e.destination ?? e.cluster;
    // the Application this element becomes, checked field by field
    argoCdApplication({ ...app, name: `${props.name}-${e.cluster}`, path: e.path, destination: { name: destination, namespace: destinationNamespace } }, `${path}.elements[${i}]`);
    return { cluster: e.cluster, destination, path: e.path };
  });
  const template = argoCdApplication({
    ...app, name: `${props.name}-placeholder`, path: 'placeholder', destination: { name: 'placeholder', namespace: destinationNamespace },
  }, path);
  const spec = template.spec as Record<string, any>;
  const metadata = template.metadata as Record<string, unknown>;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: props.name, namespace: metadata.namespace, ...(metadata.labels ? { labels: metadata.labels } : {}) },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements: rendered } }],
      template: {
        metadata: { name: `${props.name}-{{.cluster}}`, ...(metadata.labels ? { labels: metadata.labels } : {}) },
        spec: {
          ...spec,
          destination: { ...spec.destination, name: '{{.destination}}' },
          source: { ...spec.source, path: '{{.path}}' },
        },
      },
    },
  } as SynthesizedObject;
}
