/**
 * The analyzer as a cdk8s-cli validation plugin (`validations:` in cdk8s.yaml).
 *
 * cdk8s-cli instantiates the exported class with the `properties` of the cdk8s.yaml entry, then
 * calls `validate(context)` with the synthesized manifests. The context types below are the parts
 * of cdk8s-cli's `ValidationContext` this plugin uses, declared here so that the library does not
 * depend on cdk8s-cli at run time.
 */
import { analyzeSourced } from './analyze';
import { countBySeverity } from './format';
import { expandDocument } from './load';
import { AnalyzeOptions, Severity, SourcedObject, parseSeverity, reaches } from './types';

/** A resource named in a violation (cdk8s-cli's `ValidationViolatingResource`). */
export interface PluginViolatingResource {
  /** `metadata.name` (cdk8s-cli maps it to the construct path through its construct metadata). */
  readonly resourceName: string;
  /** Fields of the resource that violate the rule. */
  readonly locations: readonly string[];
  /** Manifest the resource is in. */
  readonly manifestPath: string;
}

/** A violation (cdk8s-cli's `ValidationViolation`). */
export interface PluginViolation {
  /** Rule: `[IST0101] ReferencedResourceNotFound (Error)`. */
  readonly ruleName: string;
  /** The finding's message. */
  readonly recommendation: string;
  /** The finding's fix. */
  readonly fix: string;
  /** The resource concerned. */
  readonly violatingResources: readonly PluginViolatingResource[];
}

/** The report of a validation context (cdk8s-cli's `ValidationReport`). */
export interface PluginReport {
  /** Adds a violation. */
  addViolation(violation: PluginViolation): void;
  /** Completes the report. */
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
}

/** What cdk8s-cli hands a validation plugin (the parts used here of its `ValidationContext`). */
export interface PluginValidationContext {
  /** Paths of the synthesized manifests. */
  readonly manifests: readonly string[];
  /** Parses one manifest into its documents. */
  parseManifest(manifestPath: string): unknown[];
  /** The report to fill. */
  readonly report: PluginReport;
  /** Logger for progress messages. */
  readonly logger: { log(message: string): void };
}

/** Properties of the plugin (the `properties:` of its cdk8s.yaml entry). */
export interface MeshAnalyzerValidationProps extends AnalyzeOptions {
  /**
   * Findings at or above this severity fail the validation (`Error`, `Warning` or `Info`,
   * case-insensitive).
   * @default 'Error'
   */
  readonly failOn?: string;
}

/**
 * cdk8s-cli validation plugin running the mesh analyzer over all synthesized manifests together
 * (cross-file references are resolved). Every finding becomes a violation; the report fails when a
 * finding reaches `failOn`.
 */
export class MeshAnalyzerValidation {
  private readonly props: MeshAnalyzerValidationProps;
  private readonly failOn: Severity;

  public constructor(props: MeshAnalyzerValidationProps = {}) {
    const failOn = props.failOn === undefined ? 'Error' : parseSeverity(props.failOn);
    if (!failOn) {
      throw new Error(`MeshAnalyzerValidation: invalid failOn ${JSON.stringify(props.failOn)}: must be one of Error, Warning, Info`);
    }
    this.props = props;
    this.failOn = failOn;
  }

  /** Runs the analyzer over `context.manifests` and fills `context.report`. */
  public async validate(context: PluginValidationContext): Promise<void> {
    const input: SourcedObject[] = [];
    for (const file of context.manifests) {
      for (const doc of context.parseManifest(file)) {
        for (const object of expandDocument(doc)) input.push({ object, file });
      }
    }
    const findings = analyzeSourced(input, this.props);
    for (const f of findings) {
      context.report.addViolation({
        ruleName: `[${f.code}] ${f.name} (${f.severity})`,
        recommendation: f.message,
        fix: f.fix,
        violatingResources: [{
          resourceName: f.object.name,
          locations: [`${f.object.kind} ${f.object.namespace !== undefined ? `${f.object.namespace}/` : ''}${f.object.name}: ${f.field}`],
          manifestPath: f.file ?? '',
        }],
      });
    }
    const counts = countBySeverity(findings);
    const failed = findings.some((f) => reaches(f.severity, this.failOn));
    context.logger.log(`cdk8s-istio analyzer: ${input.length} objects, ${counts.Error} Error, ${counts.Warning} Warning, ${counts.Info} Info (failing at ${this.failOn})`);
    context.report.submit(failed ? 'failure' : 'success', {
      Errors: String(counts.Error),
      Warnings: String(counts.Warning),
      Info: String(counts.Info),
      FailOn: this.failOn,
    });
  }
}
