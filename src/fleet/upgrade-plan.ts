import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioBase, IstioBaseProps } from '../base/istio-base';
import { Istiod, IstiodProps } from '../istiod/istiod';
import { ISTIOD_PROPS } from '../istiod/shapes';
import { checkKnownKeys, Shape } from '../resource/keys';
import { checkDnsLabel, fail } from '../validation';
import { IstioVersion } from '../version';

/** The settings of one control plane of an {@link UpgradePlan}: `Istiod` props without the ones the plan owns. */
export type UpgradeIstiodOptions = Omit<IstiodProps, 'base' | 'revision' | 'revisionTags'>;

/** One revision of an {@link UpgradePlan}. */
export interface UpgradeRevision {
  /** Revision name (DNS-1123 label, not `default`), e.g. `1-29` or `1-30-3`. */
  readonly revision: string;
  /** Settings of this revision's istiod. @default - the Istiod defaults */
  readonly istiod?: UpgradeIstiodOptions;
}

/** What the `workloads` callback of an {@link UpgradePlan} gets, for each step. */
export interface UpgradeStepContext {
  /** The step. */
  readonly step: UpgradeStep;
  /** The control plane the tags point at in this step: attach namespaces to it with `revision: <tag>`. */
  readonly istiod: Istiod;
  /** The tags the plan moves. */
  readonly tags: readonly string[];
}

/** Props of {@link UpgradePlan}. */
export interface UpgradePlanProps {
  /** Istio release of the base (CRDs) and of both revisions. @default IstioVersion.V1_30_3 */
  readonly version?: IstioVersion;
  /** Further props of the shared `IstioBase`. @default - its defaults */
  readonly base?: Omit<IstioBaseProps, 'version'>;
  /** The running revision. */
  readonly from: UpgradeRevision;
  /** The canary revision that replaces it. */
  readonly to: UpgradeRevision;
  /**
   * The revision tags namespaces point at (`istio.io/rev: <tag>`); the plan moves them from `from` to `to`.
   * @default ['prod']
   */
  readonly tags?: string[];
  /**
   * Adds what every step carries besides the control planes (namespaces pointing at the tags, routes, policies),
   * so that each step is the whole desired state of the cluster.
   * @default - nothing
   */
  readonly workloads?: (scope: Construct, context: UpgradeStepContext) => void;
}

const REVISION_SHAPE = (): Shape<UpgradeRevision> => {
  const { base: _b, revision: _r, revisionTags: _t, ...istiod } = ISTIOD_PROPS;
  return { revision: true, istiod };
};

const UPGRADE_PLAN_PROPS: Shape<UpgradePlanProps> = {
  version: 'ref', base: 'ref', from: REVISION_SHAPE(), to: REVISION_SHAPE(), tags: true, workloads: 'ref',
};

/** Names of the steps of an {@link UpgradePlan}, in order. */
export type UpgradeStepName = 'current' | 'canary' | 'move-tags' | 'remove-old';

/** One state of a canary upgrade: which revisions run and which revision the tags point at. */
export interface UpgradeStep {
  /** Position in the plan (0 = the running state). */
  readonly index: number;
  /** Step name; also the default chart id. */
  readonly name: UpgradeStepName;
  /** What changes in this step and what to check before the next one. */
  readonly description: string;
  /** Revisions whose control plane runs in this step. */
  readonly revisions: readonly string[];
  /** Revision the tags point at in this step. */
  readonly tagsOn: string;
}

/**
 * A canary control-plane upgrade as a sequence of synthesizable states (commit one after the other to the GitOps
 * repository; Argo CD syncs each):
 *
 * 0. `current`: the old revision, carrying the tags;
 * 1. `canary`: the new revision installed beside it (its own `istiod-<rev>`, webhooks and config; nothing injected by
 *    it yet except namespaces or pods that name the new revision);
 * 2. `move-tags`: the tags' webhooks now call the new revision; restart the workloads of tagged namespaces to move
 *    their proxies, and roll back by moving the tags back;
 * 3. `remove-old`: the old revision removed, once no proxy connects to it (`istioctl proxy-status`).
 *
 * Each step's chart is the complete state: the base, the revisions of the step with their tags, and what
 * `workloads` adds. The analyzer checks each one; a namespace that names the old revision itself (instead of a tag)
 * fails the last step (CIS0006).
 *
 * @example
 * const plan = new UpgradePlan(app, 'upgrade', { from: { revision: '1-29' }, to: { revision: '1-30' }, tags: ['prod'],
 *   workloads: (scope, { istiod, tags }) => { new ZeroTrustNamespace(scope, 'shop', { istiod, name: 'shop', revision: tags[0] }); } });
 * for (const step of plan.steps) plan.chart(app, step);
 */
export class UpgradePlan extends Construct {
  /** The steps, in order. */
  public readonly steps: readonly UpgradeStep[];
  /** Istio release of the plan. */
  public readonly version: IstioVersion;
  /** The tags the plan moves. */
  public readonly tags: readonly string[];

  private readonly props: UpgradePlanProps;

  public constructor(scope: Construct, id: string, props: UpgradePlanProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, UPGRADE_PLAN_PROPS);
    if (!props || typeof props !== 'object') fail(this, 'props', props, 'must be an object with from and to');
    this.version = props.version ?? IstioVersion.V1_30_3;
    if (!(this.version instanceof IstioVersion)) fail(this, 'version', props.version, 'must be an IstioVersion, e.g. IstioVersion.V1_30_3');
    const from = this.checkRevision('from', props.from);
    const to = this.checkRevision('to', props.to);
    if (from === to) fail(this, 'to.revision', to, `must differ from from.revision ("${from}"): a canary runs beside the old revision under its own name`);
    const tags = props.tags ?? ['prod'];
    if (!Array.isArray(tags) || tags.length === 0) fail(this, 'tags', tags, 'must list at least one tag, e.g. ["prod"]');
    tags.forEach((t, i) => {
      checkDnsLabel(this, `tags[${i}]`, t);
      if (t === from || t === to) fail(this, `tags[${i}]`, t, 'must not be the name of a revision of the plan');
      if (tags.indexOf(t) !== i) fail(this, `tags[${i}]`, t, 'is listed twice');
    });
    if (props.base && 'version' in props.base) fail(this, 'base.version', (props.base as { version?: unknown }).version, 'is the plan\'s version: set version on the plan');
    if (props.workloads !== undefined && typeof props.workloads !== 'function') fail(this, 'workloads', props.workloads, 'must be a function (scope, context) => void');
    this.tags = [...tags];
    this.props = props;
    this.steps = [
      { index: 0, name: 'current', revisions: [from], tagsOn: from, description: `revision ${from} runs; tags ${tags.join(', ')} point at it` },
      { index: 1, name: 'canary', revisions: [from, to], tagsOn: from, description: `revision ${to} installed beside ${from}; check that istiod-${to} is ready and test it with a namespace labelled istio.io/rev=${to}` },
      { index: 2, name: 'move-tags', revisions: [from, to], tagsOn: to, description: `tags ${tags.join(', ')} moved to ${to}; restart the workloads of tagged namespaces (roll back: move the tags back)` },
      { index: 3, name: 'remove-old', revisions: [to], tagsOn: to, description: `revision ${from} removed, once no proxy connects to istiod-${from} (istioctl proxy-status)` },
    ];
  }

  /**
   * The chart of one step (the complete desired state of the cluster in that step), added to `scope` (usually the
   * App) with id `id` (default: `<plan id>-<step name>`).
   */
  public chart(scope: Construct, step: UpgradeStep | UpgradeStepName, id?: string): Chart {
    const s = typeof step === 'string' ? this.steps.find((x) => x.name === step) : this.steps.find((x) => x.index === step?.index && x.name === step?.name);
    if (!s) fail(this, 'step', typeof step === 'string' ? step : step?.name, `must be one of the plan's steps: ${this.steps.map((x) => x.name).join(', ')}`);
    const chart = new Chart(scope, id ?? `${this.node.id}-${s.name}`, { disableResourceNameHashes: true });
    const base = new IstioBase(chart, 'base', { ...(this.props.base ?? {}), version: this.version });
    const byRevision = new Map<string, Istiod>();
    for (const [key, rev] of [['from', this.props.from], ['to', this.props.to]] as const) {
      if (!s.revisions.includes(rev.revision)) continue;
      byRevision.set(rev.revision, new Istiod(chart, `istiod-${key}`, {
        ...(rev.istiod ?? {}),
        base,
        revision: rev.revision,
        revisionTags: s.tagsOn === rev.revision ? [...this.tags] : undefined,
      }));
    }
    this.props.workloads?.(chart, { step: s, istiod: byRevision.get(s.tagsOn)!, tags: this.tags });
    return chart;
  }

  private checkRevision(field: string, r: UpgradeRevision | undefined): string {
    if (!r || typeof r !== 'object') fail(this, field, r, 'must be { revision, istiod? }');
    checkDnsLabel(this, `${field}.revision`, r.revision);
    if (r.revision === 'default') fail(this, `${field}.revision`, r.revision, 'must name a revision: a canary upgrade runs two named revisions side by side');
    return r.revision;
  }
}
