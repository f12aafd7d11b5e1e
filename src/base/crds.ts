import { readFileSync } from 'fs';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { kubeObject, KubeObjectProps } from '../kube';
import { yaml } from '../yaml';
import { fail } from '../validation';
import { IstioApiGroup, IstioVersion } from '../version';
import { compareCrds, CrdFacts, istioCrdCatalog } from './crd-catalog';
import { JsonObject, upstreamCrd, upstreamCrdSpec } from './schemas';

/** Where the Istio CRDs of an {@link IstioBase} come from. */
export type IstioCrdSource = 'builtIn' | 'file' | 'none';

/**
 * How {@link IstioBase} emits Istio's CustomResourceDefinitions.
 *
 * - {@link IstioCrds.builtIn} (default): every CRD of the chosen version as Istio defines it (names, versions,
 *   printer columns, subresources and the full OpenAPI schemas with their enums, formats, bounds, required
 *   fields, `oneOf`/`anyOf` and CEL rules), without descriptions, and with the labels and annotations of an
 *   upstream Helm render. The API server validates Istio objects against these schemas; istiod's validating
 *   webhook checks what a schema cannot.
 * - {@link IstioCrds.fromFile}: an upstream `crd-all.gen.yaml` you downloaded, emitted as it is (descriptions
 *   included).
 * - {@link IstioCrds.none}: no CRDs (they are installed some other way).
 */
export abstract class IstioCrds {
  /**
   * Istio's CRDs of the chosen release line, generated from its `crd-all.gen.yaml` (1.30.3 and 1.20.3) by
   * `npx projen import-crds`: upstream's whole `spec` (schemas, printer columns, subresources, names,
   * versions) without descriptions. Every patch release of a line gets the CRDs of that line's file. On 1.20,
   * IstioOperator is upstream's `crd-operator.yaml` CRD, whose schema is free-form.
   */
  public static builtIn(): IstioCrds {
    return new BuiltInCrds();
  }

  /**
   * The CRDs of an upstream `crd-all.gen.yaml` (or any multi-document YAML of Istio CRDs), read at construction
   * time and emitted unchanged, sorted by group and kind. A relative path is resolved against the working
   * directory of the synth. Every document must be an `apiextensions.k8s.io/v1` CustomResourceDefinition of an
   * `*.istio.io` group, and CRDs known to the chosen Istio version must serve the API versions this library emits.
   * @param path the YAML file
   */
  public static fromFile(path: string): IstioCrds {
    return new FileCrds(path);
  }

  /** No CRDs: install them separately (e.g. `istioctl install`, a Helm `base` release, or another chart). */
  public static none(): IstioCrds {
    return new NoCrds();
  }

  /** Where the CRDs come from. */
  public abstract readonly source: IstioCrdSource;

  /**
   * Checks the CRDs can be emitted for `version` (errors name `scope`), before the IstioBase emits anything.
   * @internal
   */
  public _check(_scope: Construct, _version: IstioVersion): void {
    // built-in and no CRDs: nothing to check
  }

  /**
   * Emits the CRDs into `scope` (the IstioBase); errors name `scope`.
   * @internal
   */
  public abstract _render(scope: Construct, version: IstioVersion): ApiObject[];
}

class BuiltInCrds extends IstioCrds {
  public readonly source: IstioCrdSource = 'builtIn';

  public _render(scope: Construct, version: IstioVersion): ApiObject[] {
    return istioCrdCatalog(version).map((crd) => builtInCrd(scope, crd, builtInSpec(version, crd)));
  }
}

/** Istio's `spec` of a catalog CRD. */
function builtInSpec(version: IstioVersion, crd: CrdFacts): JsonObject {
  const upstream = upstreamCrd(version.line, crd.name);
  if (!upstream) throw new Error(`cdk8s-istio: no built-in spec for CRD ${crd.name} of Istio ${version.line} (src/base/schemas)`);
  return upstreamCrdSpec(upstream);
}

function builtInCrd(scope: Construct, crd: CrdFacts, spec: JsonObject): ApiObject {
  return kubeObject(scope, `crd-${crd.name}`, 'CustomResourceDefinition', {
    metadata: {
      name: crd.name,
      labels: { ...crd.labels },
      annotations: Object.keys(crd.annotations).length ? { ...crd.annotations } : undefined,
    },
    // plain JSON from Istio's own CRD file, not typed field by field
    spec: spec as unknown as KubeObjectProps<'CustomResourceDefinition'>['spec'],
  });
}

class NoCrds extends IstioCrds {
  public readonly source: IstioCrdSource = 'none';

  public _render(): ApiObject[] {
    return [];
  }
}

const CRD_API_VERSION = 'apiextensions.k8s.io/v1';
const ISTIO_GROUP = /^([a-z0-9-]+\.)*istio\.io$/;
const EMITTED_GROUPS: Record<string, IstioApiGroup> = {
  'networking.istio.io': 'networking',
  'security.istio.io': 'security',
  'telemetry.istio.io': 'telemetry',
  'extensions.istio.io': 'extensions',
};

type Json = Record<string, any>;

class FileCrds extends IstioCrds {
  public readonly source: IstioCrdSource = 'file';

  public constructor(private readonly path: string) {
    super();
  }

  /** What `_check` read, so `_render` (called right after, by the same IstioBase) does not read the file again. */
  private checked?: { readonly scope: Construct; readonly version: IstioVersion; readonly docs: Json[] };

  public _check(scope: Construct, version: IstioVersion): void {
    this.checked = { scope, version, docs: this.load(scope, version) };
  }

  public _render(scope: Construct, version: IstioVersion): ApiObject[] {
    const c = this.checked;
    const docs = c && c.scope === scope && c.version === version ? c.docs : this.load(scope, version);
    this.checked = undefined;
    return docs.map((doc) => new ApiObject(scope, `crd-${doc.metadata.name}`, doc as { apiVersion: string; kind: string }));
  }

  private load(scope: Construct, version: IstioVersion): Json[] {
    const path = this.path;
    if (typeof path !== 'string' || path.trim() === '') {
      fail(scope, 'crds', path, 'IstioCrds.fromFile() needs the path of a YAML file, e.g. "crds/crd-all.gen.yaml"');
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      fail(scope, 'crds', path, `must be a readable YAML file of Istio CRDs (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const field = `crds (file ${path})`;
    const docs: Json[] = [];
    yaml().parseAllDocuments(text).forEach((d, i) => {
      const where = `${field} document ${i + 1}`;
      if (d.errors.length) fail(scope, where, d.errors[0].message.split('\n')[0], 'must be valid YAML');
      const obj = d.toJS();
      if (obj === null || obj === undefined) return; // empty document (comments, trailing ---)
      docs.push(checkCrdDoc(scope, where, obj, version));
    });
    if (docs.length === 0) fail(scope, field, '(no documents)', 'must contain at least one Istio CustomResourceDefinition');
    const seen = new Set<string>();
    for (const doc of docs) {
      if (seen.has(doc.metadata.name)) {
        fail(scope, field, doc.metadata.name, 'must define each CustomResourceDefinition once; this name appears more than once');
      }
      seen.add(doc.metadata.name);
    }
    return docs.sort((a, b) => compareCrds(
      { group: a.spec.group, kind: a.spec.names.kind },
      { group: b.spec.group, kind: b.spec.names.kind },
    ) || (a.metadata.name < b.metadata.name ? -1 : 1));
  }
}

function describe(obj: unknown): string {
  if (Array.isArray(obj)) return 'a list';
  if (obj === null || typeof obj !== 'object') return `a scalar: ${String(obj).slice(0, 40)}`;
  const o = obj as Json;
  return `${o.apiVersion ?? '?'} ${o.kind ?? '?'} ${o.metadata?.name ?? '?'}`;
}

function checkCrdDoc(scope: Construct, where: string, obj: unknown, version: IstioVersion): Json {
  const expected = `must be an ${CRD_API_VERSION} CustomResourceDefinition of an Istio API group (*.istio.io)`;
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) fail(scope, where, describe(obj), expected);
  const o = obj as Json;
  if (o.apiVersion !== CRD_API_VERSION || o.kind !== 'CustomResourceDefinition') fail(scope, where, describe(o), expected);
  const spec = o.spec;
  const group = spec?.group;
  if (typeof group !== 'string' || !ISTIO_GROUP.test(group)) {
    fail(scope, `${where} spec.group`, group, 'must be an Istio API group such as "networking.istio.io" (only Istio CRDs belong here)');
  }
  const plural = spec?.names?.plural;
  if (typeof spec?.names?.kind !== 'string' || typeof plural !== 'string') {
    fail(scope, `${where} spec.names`, spec?.names, 'must name the kind and the plural of the CRD');
  }
  if (o.metadata?.name !== `${plural}.${group}`) {
    fail(scope, `${where} metadata.name`, o.metadata?.name, `must be "<plural>.<group>", here "${plural}.${group}"`);
  }
  const versions = spec.versions;
  if (!Array.isArray(versions) || versions.length === 0 || versions.some((v: Json) => typeof v?.name !== 'string')) {
    fail(scope, `${where} spec.versions`, versions, 'must list at least one named version');
  }
  // A CRD that the chosen Istio version knows must serve the API version our objects are emitted with.
  const emitted = EMITTED_GROUPS[group];
  const known = emitted && istioCrdCatalog(version).find((c) => c.name === o.metadata.name);
  if (emitted && known) {
    const apiVersion = version.apiVersion(emitted).split('/')[1];
    const catalogServes = known.versions.some((v) => v.name === apiVersion && v.served);
    const fileServes = versions.some((v: Json) => v.name === apiVersion && v.served === true);
    if (catalogServes && !fileServes) {
      fail(scope, `${where} spec.versions`, versions.filter((v: Json) => v.served === true).map((v: Json) => v.name),
        `must serve ${apiVersion} for ${spec.names.kind}, which Istio ${version.tag} uses; download crd-all.gen.yaml of Istio ${version.tag}`);
    }
  }
  return o;
}
