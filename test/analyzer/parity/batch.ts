/**
 * The analyzer side of the analyzer parity runner (test/conformance/istio-1.30/analyzerparity): runs
 * `cdk8s-istio analyze` (the CLI's own code, in-process) over many cases in one Node process.
 *
 * Input (stdin, JSON): `{ "cases": [{ "id": "...", "args": ["--mesh-config", "f", "a.yaml", ...] }] }`.
 * Output (stdout, JSON): `{ "codes": [catalog codes], "results": [{ "id", "exit", "findings": [...], "stderr" }] }`,
 * each finding as `{ code, kind, namespace?, name }`.
 */
import * as fs from 'fs';
import { ANALYZER_CODES } from '../../../src/analyzer/codes';
import { main } from '../../../src/analyzer/cli';
import { Finding } from '../../../src/analyzer/types';

interface BatchCase {
  readonly id: string;
  readonly args: readonly string[];
}

const input = JSON.parse(fs.readFileSync(0, 'utf-8')) as { cases: BatchCase[] };
const results = input.cases.map((c) => {
  let stdout = '';
  let stderr = '';
  const exit = main(['analyze', '-o', 'json', ...c.args], {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    stdin: () => '',
  });
  const findings = exit === 2 ? [] : (JSON.parse(stdout) as { findings: Finding[] }).findings.map((f) => ({
    code: f.code, kind: f.object.kind, namespace: f.object.namespace, name: f.object.name, analyzers: f.analyzers ?? [],
  }));
  return { id: c.id, exit, findings, stderr };
});
process.stdout.write(`${JSON.stringify({ codes: ANALYZER_CODES.map((e) => e.code), results })}\n`);
