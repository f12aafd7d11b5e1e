/** Text rendering of findings (one line each) and summaries. */
import { Finding, SEVERITIES, Severity, reaches } from './types';

/**
 * One line per finding:
 * `Error [IST0101] VirtualService shop/reviews spec.gateways[0]: Referenced gateway ... (fix: ...)`,
 * (`cluster <name>: ` before the object in fleet analysis), followed by ` [construct <path>]` or ` [file <path>]` when known.
 */
export function formatFinding(f: Finding): string {
  const obj = `${f.object.kind} ${f.object.namespace !== undefined ? `${f.object.namespace}/` : ''}${f.object.name || '(unnamed)'}`;
  let line = `${f.severity} [${f.code}] ${f.cluster !== undefined ? `cluster ${f.cluster}: ` : ''}${obj} ${f.field}: ${f.message} (fix: ${f.fix})`;
  if (f.constructPath !== undefined) line += ` [construct ${f.constructPath}]`;
  if (f.file !== undefined) line += ` [file ${f.file}]`;
  return line;
}

/** Number of findings per severity. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { Error: 0, Warning: 0, Info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Findings at or above `threshold`. */
export function failing(findings: readonly Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => reaches(f.severity, threshold));
}

/** `2 Error, 1 Warning, 0 Info`. */
export function summaryText(findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  return SEVERITIES.map((s) => `${c[s]} ${s}`).join(', ');
}
