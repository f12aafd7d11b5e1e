#!/usr/bin/env node
'use strict';
/**
 * The synth benchmark of cdk8s-istio (`npm run bench` compiles and runs it; see bench/README.md): bench/line.js
 * on the machine's Node and on the newest LTS line (Node 24 from the npm registry, the binary scripts/node-lines.js
 * installs into .tmp/node-lines/), one line after the other, then both lines' targets side by side.
 *
 *   node bench/run.js [--lines machine,24] [bench/line.js options: --quick, --only, --sizes, --runs, ...]
 *
 * Exit code 1 when a target fails (or a scenario fails to run) on any line.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { ensureLine, envOf, NEWEST_LTS } = require('../scripts/node-lines');

const argv = process.argv.slice(2);
let lines = ['machine', NEWEST_LTS];
let json;
const pass = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--lines') lines = (argv[++i] || '').split(',').filter(Boolean);
  else if (argv[i] === '--json') json = argv[++i];
  else if (argv[i] === '--help' || argv[i] === '-h') {
    process.stdout.write('usage: node bench/run.js [--lines machine,24] [--json FILE] [options of bench/line.js, see node bench/line.js --help]\n');
    process.exit(0);
  } else pass.push(argv[i]);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-lines-'));
const results = [];
let failed = false;
for (const name of lines) {
  const line = ensureLine(name);
  const out = path.join(tmp, `${line.version}.json`);
  process.stdout.write(`\n######## Node ${line.version} (${name === 'machine' ? "the machine's Node" : `line ${name}`}) ########\n`);
  // The line's node first on PATH: `npx cdk8s synth` and the app it starts run on it too.
  const r = spawnSync(line.node, [path.join(__dirname, 'line.js'), ...pass, '--json', out], { stdio: 'inherit', env: envOf(line.node) });
  if (r.status !== 0) failed = true;
  results.push({ line: name, version: line.version, exit: r.status, figures: fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : undefined });
}

process.stdout.write('\nTARGETS ON EVERY LINE\n');
const names = [...new Set(results.flatMap((r) => (r.figures?.targets ?? []).map((t) => t.target)))];
const rows = [['target', ...results.map((r) => `Node ${r.version}`)]];
for (const n of names) rows.push([n, ...results.map((r) => {
  const t = (r.figures?.targets ?? []).find((x) => x.target === n);
  return t ? `${t.measured.split(' ')[0]} ${t.result.split(' ')[0]} (${t.limit})` : 'n/a';
})]);
rows.push(['exit code of bench/line.js', ...results.map((r) => String(r.exit))]);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
for (const r of rows) process.stdout.write(`${r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd()}\n`);
if (json) {
  fs.writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`figures of every line written to ${json}\n`);
}
fs.rmSync(tmp, { recursive: true, force: true });
process.stdout.write(failed ? 'bench: FAILED\n' : 'bench: every target passed on every line\n');
process.exitCode = failed ? 1 : 0;
