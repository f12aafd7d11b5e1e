import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { kubeObject } from '../kube';
import { checkKnownKeys, Shape } from '../resource/keys';
import { checkDnsLabel, fail } from '../validation';
import { IstiodContext } from './context';
import { IIstiod, isIstiod } from './istiod-ref';
import { istiodServicePorts } from './service';
import { injectionWebhooks } from './webhooks';

/** Longest tag whose Service `istiod-revision-tag-<tag>` is still a 63-character DNS label. */
const MAX_TAG_LENGTH = 63 - 'istiod-revision-tag-'.length;

/** Props of {@link RevisionTag}. */
export interface RevisionTagProps {
  /**
   * The control plane (revision) the tag points at: an {@link Istiod} of this app, or one installed elsewhere
   * (`Istiod.fromAttributes`), as `istioctl tag set <tag> --revision <rev>` does for a running mesh.
   */
  readonly istiod: IIstiod;
  /**
   * Tag name (DNS-1123 label of at most 43 characters). Namespaces labelled `istio.io/rev: <tag>` are injected by
   * the tagged revision. The tag `default` also takes over the default revision's selectors
   * (`istio-injection=enabled` namespaces and `sidecar.istio.io/inject=true` pods).
   */
  readonly tag: string;
}

const REVISION_TAG_PROPS: Shape<RevisionTagProps> = { istiod: 'ref', tag: true };

/**
 * A revision tag: a stable name (`prod`, `stable`, `default`) that namespaces point at with `istio.io/rev: <tag>`,
 * while the revision behind it changes. Moving the tag to a canary revision re-targets every tagged namespace at
 * once (their pods pick the new proxies up at their next restart); nothing in the namespaces changes.
 *
 * Renders what Istio's istiod chart renders for one entry of its `revisionTags` value: the
 * MutatingWebhookConfiguration `istio-revision-tag-<tag>` (with `-<namespace>` outside `istio-system`) whose
 * webhooks select on the tag and call the revision's istiod, and on 1.30 the Service `istiod-revision-tag-<tag>`
 * selecting the revision's istiod pods.
 *
 * `Istiod` `revisionTags` creates these for its own revision; use the construct directly to keep the tag apart from
 * the control plane (another chart, another GitOps stage), or to tag a control plane installed elsewhere.
 *
 * @example
 * const canary = new Istiod(chart, 'istiod-1-30', { base, revision: '1-30' });
 * new RevisionTag(chart, 'prod', { istiod: canary, tag: 'prod' });
 * new ZeroTrustNamespace(chart, 'shop', { istiod: canary, name: 'shop', revision: 'prod' });
 */
export class RevisionTag extends Construct {
  /** The tag name. */
  public readonly tag: string;
  /** The control plane the tag points at. */
  public readonly istiod: IIstiod;
  /** `istio.io/rev` value of the revision behind the tag (`default` for the default revision). */
  public readonly revisionLabel: string;
  /** Name of the MutatingWebhookConfiguration. */
  public readonly webhookName: string;
  /** The webhook configuration. */
  public readonly webhook: ApiObject;
  /** The `istiod-revision-tag-<tag>` Service (1.30), when rendered. */
  public readonly service?: ApiObject;

  public constructor(scope: Construct, id: string, props: RevisionTagProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, REVISION_TAG_PROPS);
    if (!props || !isIstiod(props.istiod)) {
      fail(this, 'istiod', props?.istiod === undefined ? undefined : '(not an Istiod)', 'must be the Istiod (or Istiod.fromAttributes) the tag points at');
    }
    const istiod = props.istiod;
    const tag = checkDnsLabel(this, 'tag', props.tag);
    if (tag.length > MAX_TAG_LENGTH) {
      fail(this, 'tag', tag, `must be at most ${MAX_TAG_LENGTH} characters, so that "istiod-revision-tag-<tag>" is a valid Service name`);
    }
    if (tag === istiod.revisionLabel) {
      fail(this, 'tag', tag, tag === 'default'
        ? `the default revision (${istiod.node.path}) already serves istio-injection=enabled and istio.io/rev=default namespaces; tag a revisioned control plane as "default" instead`
        : `must differ from the revision it points at (${istiod.node.path}): istio.io/rev=${tag} already selects that revision`);
    }
    // A tag named like a revision of this app would make two webhooks select the same namespaces (istioctl refuses it too).
    for (const other of this.node.root.node.findAll()) {
      if (other !== istiod && isIstiod(other) && other.revision !== undefined && other.revision === tag) {
        fail(this, 'tag', tag, `names the revision of ${other.node.path}: a tag must not share its name with a revision (namespaces labelled istio.io/rev=${tag} would be injected twice)`);
      }
    }
    this.tag = tag;
    this.istiod = istiod;
    this.revisionLabel = istiod.revisionLabel;

    const ctx = new IstiodContext(istiod.version, istiod.namespace, istiod.revision);
    this.webhookName = istiod.namespace === 'istio-system' ? `istio-revision-tag-${tag}` : `istio-revision-tag-${tag}-${istiod.namespace}`;
    this.webhook = kubeObject(this, 'webhook', 'MutatingWebhookConfiguration', {
      metadata: { name: this.webhookName, labels: { ...ctx.labels('injector'), 'istio.io/tag': tag } },
      webhooks: injectionWebhooks(ctx, tag),
    });
    if (istiod.version.revisionTagService) {
      this.service = kubeObject(this, 'service', 'Service', {
        metadata: { ...ctx.meta(`istiod-revision-tag-${tag}`), labels: { ...ctx.labels('istiod'), 'istio.io/tag': tag } },
        spec: { ports: istiodServicePorts(), selector: ctx.selectorLabels },
      });
    }
  }
}

/**
 * Checks `Istiod` `revisionTags` (a list of distinct tag names) before the control plane emits anything; the tags
 * themselves are checked by {@link RevisionTag}.
 *
 * @internal
 */
export function checkRevisionTags(scope: Construct, field: string, tags: readonly string[] | undefined): readonly string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) fail(scope, field, tags, 'must be a list of tag names, e.g. ["prod"]');
  const seen = new Set<string>();
  tags.forEach((t, i) => {
    if (typeof t !== 'string') fail(scope, `${field}[${i}]`, t, 'must be a tag name (DNS-1123 label)');
    if (seen.has(t)) fail(scope, `${field}[${i}]`, t, 'is listed twice; each tag is one webhook configuration');
    seen.add(t);
  });
  return [...tags];
}
