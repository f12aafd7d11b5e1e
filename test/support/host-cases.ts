/**
 * Host pairs that exercise every branch of host matching: concrete names, `*`, `*.` wildcards, wildcards
 * without a dot (`*a.com`), names that start or end with a dot. With the library's verdicts, the conformance
 * suite (test/conformance/istio-1.30/hostmatch) asks Istio's `host.Name` the same questions.
 */
import { hostWithin, hostsMatch } from '../../src/internal/host-match';

const PREFIXES = ['', '*', '*.'];
const BODIES = ['', 'a', 'com', 'a.com', 'ba.com', 'b.a.com', '.a.com', '.com', 'a.', 'x.b.a.com'];

/** Every host the table uses (prefix × body, without the empty name). */
export const HOST_SAMPLES: string[] = [...new Set(PREFIXES.flatMap((p) => BODIES.map((b) => p + b)))].filter((h) => h !== '');

export interface HostCase {
  readonly a: string;
  readonly b: string;
  /** Our `hostsMatch(a, b)` (Istio's `Name(a).Matches(Name(b))`). */
  readonly matches: boolean;
  /** Our `hostWithin(a, b)` (Istio's `Name(a).SubsetOf(Name(b))`). */
  readonly subsetOf: boolean;
}

/** Every ordered pair of HOST_SAMPLES with the library's verdicts. */
export function hostCases(): HostCase[] {
  return HOST_SAMPLES.flatMap((a) => HOST_SAMPLES.map((b) => ({ a, b, matches: hostsMatch(a, b), subsetOf: hostWithin(a, b) })));
}
