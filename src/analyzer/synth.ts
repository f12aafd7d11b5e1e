/**
 * The analyzer inside `app.synth()`: a validation registered on the app runs the analysis over the
 * objects of every chart, fails synthesis on findings at or above a threshold and prints the rest.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { registerSynthSession } from '../synth/synth';
import { fail } from '../validation';
import { analyzeSourced } from './analyze';
import { formatFinding } from './format';
import { AnalyzeOptions, Finding, Severity, SourcedObject, parseSeverity, reaches } from './types';

/** Options of {@link MeshAnalyzer.attach}. */
export interface MeshAnalyzerOptions extends AnalyzeOptions {
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
 * Runs the mesh analyzer whenever the app is synthesized.
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
  /** Findings of the synthesis in progress (app.synth validates once per chart; analyze once). */
  private session?: { findings?: Finding[]; rendered?: ApiObject[] };

  private constructor(root: Construct, options: MeshAnalyzerOptions) {
    super(root, MeshAnalyzer.ID);
    this.configure(options);
    this.node.addValidation({ validate: () => this.validateApp() });
    if (root instanceof App) this.wrapSynth(root);
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
  }

  /**
   * Analyzes the app's objects now (every ApiObject of every chart, with its construct path).
   * Does not throw for findings.
   */
  public analyze(): Finding[] {
    // Each chart is one deployment target (its own dist/<chart> folder, often its own cluster), so
    // charts are analyzed one by one unless `wholeApp` asks for a single pass over every chart.
    const groups = new Map<string, SourcedObject[]>();
    for (const c of this.node.root.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const key = this.options.wholeApp ? '' : Chart.of(c).node.path;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push({ object: this.jsonOf(c), constructPath: c.node.path });
    }
    const findings: Finding[] = [];
    for (const group of groups.values()) findings.push(...analyzeSourced(group, this.options));
    return findings;
  }

  /**
   * The object's JSON. Inside a synthesis the result is kept and handed back to the synthesis itself
   * (which asks each object for its JSON right after validation), so every object is rendered once.
   */
  private jsonOf(o: ApiObject): any {
    const session = this.session;
    if (!session) return o.toJson();
    const json = o.toJson();
    session.rendered ??= [];
    session.rendered.push(o);
    Object.defineProperty(o, 'toJson', { value: () => json, configurable: true, writable: true });
    return json;
  }

  private validateApp(): string[] {
    if (!this.enabled) return [];
    let findings = this.session?.findings;
    if (!findings) {
      findings = this.analyze();
      if (this.session) this.session.findings = findings;
      const report = this.options.reporter ?? ((f: Finding) => console.warn(formatFinding(f)));
      for (const f of findings) if (!reaches(f.severity, this.failOn)) report(f);
    }
    return findings.filter((f) => reaches(f.severity, this.failOn)).map(formatFinding);
  }

  /**
   * `App.synth()` validates the whole app once, then again for every chart it writes. Within one
   * `synth()`/`synthYaml()` call nothing can change, so the findings are computed once and reused.
   */
  private wrapSynth(app: App): void {
    const synth = app.synth.bind(app);
    const synthYaml = app.synthYaml.bind(app);
    const inSession = <T>(fn: () => T): T => {
      if (this.session) return fn();
      const session: { findings?: Finding[]; rendered?: ApiObject[] } = {};
      this.session = session;
      try {
        return fn();
      } finally {
        this.session = undefined;
        // back to the prototype's toJson: later syntheses render afresh
        for (const o of session.rendered ?? []) delete (o as { toJson?: unknown }).toJson;
      }
    };
    app.synth = () => inSession(synth);
    app.synthYaml = () => inSession(synthYaml);
    registerSynthSession(app, inSession);
  }
}
