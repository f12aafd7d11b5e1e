export * from './types';
export { ANALYZER_CODES } from './codes';
export type { AnalyzerCode } from './codes';
export { analyze, analyzeFleet, analyzeSourced } from './analyze';
export { formatFinding, countBySeverity } from './format';
export { MeshAnalyzer } from './synth';
export type { MeshAnalyzerOptions } from './synth';
export { MeshAnalyzerValidation } from './plugin';
export type {
  MeshAnalyzerValidationProps, PluginValidationContext, PluginReport, PluginViolation, PluginViolatingResource,
} from './plugin';
