/**
 * The analyzer inside `app.synth()`: a construct validation (`node.addValidation`, the extension point
 * cdk8s gives for checks at synthesis) on a construct under the app root. It analyzes the objects of
 * every chart, fails synthesis on findings at or above a threshold and reports the rest.
 *
 * cdk8s validates the whole app more than once per synthesis (`app.synth()` and `app.synthYaml()` once,
 * then once more for every chart they write; `chart.toJson()` once). The analyzer keeps its last analysis
 * together with the JSON it was made from, and a validation pass over objects whose JSON is unchanged
 * reuses it: one analysis and one report per distinct state of the app, without touching cdk8s's methods.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { fail } from '../validation';
import { analyzeFleet, analyzeSourced } from './analyze';
import { formatFinding } from './format';
import { AnalyzeOptions, Finding, Severity, SourcedObject, parseSeverity, reaches } from './types';

/**
 * Options of {@link MeshAnalyzer.attach}. (A cluster's network and its mesh peers come from the app itself: the
 * charts of a `MeshFleet` are analyzed as one fleet.)
 */
export interface MeshAnalyzerOptions extends Omit<AnalyzeOptions, 'network' | 'meshPeers'> {
  /**
   * Findings at or above this severity make `app.synth()` throw (the message lists them, one per
   * line, with their codes); less serious ones are passed to the reporter.
   * @default 'Error'
   */
  readonly failOn?: Severity;
  /**
   * Set to false to switch the analyzer off for this app (the opt-out).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Receives each finding below `failOn`, once per synthesis.
   * @default one line per finding on stderr (`console.warn`)
   */
  readonly reporter?: (finding: Finding) => void;
  /**
   * Analyze all charts of the app together, as one cluster. By default each chart is analyzed on its
   * own, since each is written to its own folder and is usually applied to its own cluster.
   * @default false
   */
  readonly wholeApp?: boolean;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * Runs the mesh analyzer whenever the app is synthesized: a construct under the app root whose
 * validation (`node.addValidation`) analyzes the app, so `app.synth()`, `app.synthYaml()`,
 * `chart.toJson()`, `Testing.synth(chart)` and {@link synthYaml} all run it.
 *
 * Findings below `failOn` go to the reporter once per state of the app: the validation passes cdk8s
 * makes within one synthesis, and later syntheses of an unchanged app, reuse the analysis and do not
 * repeat them. A change to any object (or to the options) analyzes and reports again; `analyze()`
 * returns the findings at any time.
 *
 * `MeshAnalyzer.attach(app)` is idempotent: the app gets one analyzer, and later calls return it,
 * applying the options they set (unset options keep their values). Constructs of this library call
 * it for you; call it yourself to change the threshold or to opt out (`enabled: false`).
 */
export class MeshAnalyzer extends Construct {
  /** Construct id of the analyzer under the app. */
  public static readonly ID = 'cdk8s-istio-analyzer';

  /** Attaches the analyzer to the app `scope` belongs to (once), or reconfigures the existing one. */
  public static attach(scope: IConstruct, options: MeshAnalyzerOptions = {}): MeshAnalyzer {
    const root = scope.node.root;
    const existing = root.node.tryFindChild(MeshAnalyzer.ID);
    if (existing instanceof MeshAnalyzer) {
      existing.configure(options);
      return existing;
    }
    return new MeshAnalyzer(root as Construct, options);
  }

  /** The analyzer attached to the app of `scope`, if any. */
  public static of(scope: IConstruct): MeshAnalyzer | undefined {
    const found = scope.node.root.node.tryFindChild(MeshAnalyzer.ID);
    return found instanceof MeshAnalyzer ? found : undefined;
  }

  private options: MeshAnalyzerOptions = {};
  /** The last analysis: the JSON it was made from (with construct paths), its findings, and whether they were reported. */
  private last?: { readonly input: string; readonly findings: readonly Finding[]; reported: boolean };

  private constructor(root: Construct, options: MeshAnalyzerOptions) {
    super(root, MeshAnalyzer.ID);
    this.configure(options);
    this.node.addValidation({ validate: () => this.validateApp() });
  }

  /** The severity from which findings fail synthesis. */
  public get failOn(): Severity {
    return this.options.failOn ?? 'Error';
  }

  /** Whether the analyzer runs at synthesis. */
  public get enabled(): boolean {
    return this.options.enabled ?? true;
  }

  /** Applies the options that are set; the others keep their values. */
  public configure(options: MeshAnalyzerOptions): void {
    if (options.failOn !== undefined && parseSeverity(options.failOn) !== options.failOn) {
      fail(this, 'failOn', options.failOn, 'must be one of Error, Warning, Info');
    }
    this.options = { ...this.options, ...definedOnly(options) };
    this.last = undefined; // other options, another analysis (and a new report)
  }

  /**
   * Analyzes the app's objects now (every ApiObject of every chart, with its construct path).
   * Does not throw for findings. While the objects render to the same JSON, the findings of the last
   * analysis are returned again.
   */
  public analyze(): Finding[] {
    // Each chart is one deployment target (its own dist/<chart> folder, often its own cluster), so
    // charts are analyzed one by one unless `wholeApp` asks for a single pass over every chart.
    // The cluster charts of a MeshFleet are analyzed together, as one fleet (each with the others as its mesh peers).
    // Loaded on demand: the fleet module pulls in Istiod, which attaches this analyzer.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { isFleetClusterChart } = require('../fleet/mesh-fleet') as typeof import('../fleet/mesh-fleet');
    const groups = new Map<string, SourcedObject[]>();
    /** Fleet path to its clusters (chart path to name and network), in order of first appearance. */
    const fleets = new Map<string, Map<string, { name: string; network: string }>>();
    for (const c of this.node.root.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const chart = Chart.of(c);
      const key = this.options.wholeApp ? '' : chart.node.path;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push({ object: c.toJson(), constructPath: c.node.path });
      if (!this.options.wholeApp && isFleetClusterChart(chart)) {
        const fleetPath = chart.node.scope?.node.path ?? '';
        let fleet = fleets.get(fleetPath);
        if (!fleet) fleets.set(fleetPath, (fleet = new Map()));
        fleet.set(key, { name: chart.clusterName, network: chart.network });
      }
    }
    const input = JSON.stringify([...groups.values()]);
    if (this.last?.input !== input) {
      const findings: Finding[] = [];
      const inFleet = new Set<string>();
      for (const clusters of fleets.values()) {
        for (const key of clusters.keys()) inFleet.add(key);
        findings.push(...analyzeFleet({
          clusters: [...clusters].map(([key, c]) => ({ name: c.name, network: c.network, objects: groups.get(key)! })),
        }, this.options));
      }
      for (const [key, group] of groups) if (!inFleet.has(key)) findings.push(...analyzeSourced(group, this.options));
      this.last = { input, findings, reported: false };
    }
    return [...this.last.findings];
  }

  private validateApp(): string[] {
    if (!this.enabled) return [];
    const findings = this.analyze();
    const last = this.last!;
    if (!last.reported) {
      last.reported = true;
      const report = this.options.reporter ?? ((f: Finding) => console.warn(formatFinding(f)));
      for (const f of findings) if (!reaches(f.severity, this.failOn)) report(f);
    }
    return findings.filter((f) => reaches(f.severity, this.failOn)).map(formatFinding);
  }
}
