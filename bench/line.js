#!/usr/bin/env node
'use strict';
/**
 * The synth benchmark of cdk8s-istio on one Node.js line: the Node running this file. bench/run.js (what
 * `npm run bench` runs) starts it once per line; see bench/README.md.
 *
 *   node bench/line.js [--quick] [--sizes 500,1000,2000,4000] [--runs N] [--only example,default,mesh]
 *                      [--via lean|cdk8s] [--profile] [--json FILE]
 *
 * Every figure comes from a fresh child process; nothing is cached between runs except what the OS
 * caches (files). Wall = elapsed time of the child from spawn to exit; peak RSS = GNU time's %M.
 * The targets are ratios to a reference measured side by side in the same run (helm template of the same
 * install, cdk8s-cli synthesizing an empty app, the plain-`yaml` floor): exit code 1 when one fails.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO, libDir, GNU_TIME, measure, median, fmtS, fmtMiB, fmtBytes } = require('./common');
const { summarize } = require('./profile-summary');
const { helmCommands } = require('./helm');

const HELP = `usage: node bench/line.js [options]   (bench/run.js runs it on every Node line)
  --quick              fewer runs (example app 3, default install 3, meshes 1): quick look, not for the targets
  --sizes LIST         mesh sizes in services (default 500,1000,2000,4000)
  --runs N             runs per mesh size (default 5); the example app uses max(N, 5) runs, the default install max(N, 7)
  --only LIST          scenarios to run: example, default, mesh (default all)
  --via lean|cdk8s     how the meshes are synthesized: the library's synthYaml(app) (lean, default) or
                       cdk8s's app.synthYaml(); the default install always runs both
  --profile            also profile (node --cpu-prof) the default install and the 2,000-service mesh, and summarise
  --json FILE          write every figure as JSON to FILE
environment: CDK8S_ISTIO_LIB = compiled library folder (default <repo>/lib/src)`;

/**
 * Every target is a ratio of two figures measured side by side in this run (medians of interleaved runs),
 * so a slower or busier machine moves both sides. The limits and the measurements they come from are in
 * bench/README.md ("Targets").
 */
const TARGETS = {
  // default install (a plain node process) / `helm template` of Istio's base, istiod and gateway charts: no
  // more CPU than helm
  helmWall: 1.0,
  // ... and peak RSS, per Node line (bench/README.md, "Targets"): measured 0.97x-1.04x on Node 20 and
  // 1.17x-1.28x on Node 24, whose process starts 6 MiB larger and whose heap grows further; helm's own median
  // moves between 62 and 67 MiB from one run to the next. Lines the benchmark has not measured get the highest.
  helmPeak: { 20: 1.1, 24: 1.35, other: 1.35 },
  // example app `npx cdk8s synth` / `npx cdk8s synth` of an empty cdk8s app (what cdk8s-cli costs anyway)
  emptyAppWall: 2.0,
  // 2,000-service mesh / its floor (the same objects as literals, dumped with the `yaml` package)
  floorWall2000: 3,
  floorPeak2000: 2.75,
  // 4,000 services / 2,000 services
  scale4000: 2.2,
};
const helmPeakLimit = TARGETS.helmPeak[process.versions.node.split('.')[0]] ?? TARGETS.helmPeak.other;

function parseArgs(argv) {
  const o = { quick: false, sizes: [500, 1000, 2000, 4000], runs: undefined, only: ['example', 'default', 'mesh'], via: 'lean', profile: false, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--sizes') o.sizes = next().split(',').map((s) => Number(s.trim().replace(/_/g, '')));
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--only') o.only = next().split(',').map((s) => s.trim());
    else if (a === '--via') o.via = next();
    else if (a === '--profile') o.profile = true;
    else if (a === '--json') o.json = next();
    else if (a === '--help' || a === '-h') {
      console.log(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${HELP}`);
  }
  if (o.sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error('--sizes takes positive integers, e.g. 500,1000');
  if (o.runs !== undefined && (!Number.isInteger(o.runs) || o.runs < 1)) throw new Error('--runs takes a positive integer');
  for (const s of o.only) if (!['example', 'default', 'mesh'].includes(s)) throw new Error(`--only: unknown scenario ${s}`);
  if (!['lean', 'cdk8s'].includes(o.via)) throw new Error(`--via: lean or cdk8s, not ${o.via}`);
  return o;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exit(2);
}
const LIB = libDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-'));
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
  cpu: os.cpus()[0]?.model,
  lib: LIB,
  quick: opts.quick,
  meshSynthesis: opts.via,
  loadAverageStart: os.loadavg().map((x) => Number(x.toFixed(2))),
};
const runsExample = opts.quick ? 3 : Math.max(5, opts.runs ?? 5);
const runsDefault = opts.quick ? 3 : Math.max(7, opts.runs ?? 7);
const runsMesh = opts.quick ? 1 : (opts.runs ?? 5);

function log(line = '') {
  process.stdout.write(`${line}\n`);
}

function childRun(args, { cpuProfDir } = {}) {
  const resultFile = path.join(tmp, 'result.json');
  fs.rmSync(resultFile, { force: true });
  const nodeArgs = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  const m = measure(process.execPath, [...nodeArgs, path.join(__dirname, 'child.js'), ...args(resultFile)], { label: `child ${args('<result>').join(' ')}` });
  const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  return { ...r, wallMs: m.wallMs, cpuMs: m.cpuMs, peakKiB: m.peakKiB ?? r.maxRssKiB };
}

function summary(runs) {
  return {
    runs: runs.length,
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    peakKiB: median(runs.map((r) => r.peakKiB)),
    wallMsAll: runs.map((r) => Number(r.wallMs.toFixed(1))),
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Example app: cold `npx cdk8s synth`, run in a scratch folder laid out like the repository (its
// cdk8s.yaml and package.json, `node_modules` and `lib` linked), so the app's output (.cdk8s.out, dist/)
// lands there and the repository's committed dist/ is never touched.
function exampleWorkdir() {
  if (path.basename(LIB) !== 'src') throw new Error(`CDK8S_ISTIO_LIB must be the src folder of a compiled tree (like lib/src), got ${LIB}`);
  const work = fs.mkdtempSync(path.join(tmp, 'example-'));
  for (const f of ['cdk8s.yaml', 'package.json']) fs.copyFileSync(path.join(REPO, f), path.join(work, f));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(work, 'node_modules'));
  fs.symlinkSync(path.dirname(LIB), path.join(work, 'lib'));
  return work;
}

function exampleMissing() {
  const main = path.join(LIB, 'main.js');
  if (fs.existsSync(main)) return undefined;
  const shown = main.startsWith(REPO + path.sep) ? path.relative(REPO, main) : main;
  return `${shown} is missing (the example app src/main.ts is not there yet, or not compiled)`;
}

// The reference of the example app: cdk8s-cli synthesizing an empty cdk8s app (`new App().synth()`), what
// any cdk8s project pays for `npx cdk8s synth` whatever its constructs.
function emptyAppWorkdir() {
  const work = fs.mkdtempSync(path.join(tmp, 'empty-app-'));
  fs.writeFileSync(path.join(work, 'cdk8s.yaml'), 'language: typescript\napp: node empty.js\noutput: dist\ncheckUpgrade: false\n');
  fs.writeFileSync(path.join(work, 'package.json'), '{ "name": "empty-app", "private": true }\n');
  fs.writeFileSync(path.join(work, 'empty.js'), "const { App } = require('cdk8s');\nnew App().synth();\n");
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(work, 'node_modules'));
  return work;
}

function benchExample() {
  const missing = exampleMissing();
  if (missing) return { available: false, reason: missing };
  const work = exampleWorkdir();
  const empty = emptyAppWorkdir();
  const args = ['cdk8s', 'synth'];
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  const run = () => measure('npx', args, { cwd: work, env, label: `npx ${args.join(' ')}` });
  const runEmpty = () => measure('npx', args, { cwd: empty, env, label: `npx ${args.join(' ')} (empty app)` });
  run(); // warm-up (file cache), not counted
  runEmpty();
  // Interleaved, so that load from other processes hits both sides alike.
  const runs = [];
  const emptyRuns = [];
  for (let i = 0; i < runsExample; i++) {
    runs.push(run());
    emptyRuns.push(runEmpty());
  }
  const written = fs.existsSync(path.join(work, 'dist')) ? fs.readdirSync(path.join(work, 'dist')).sort() : [];
  // The same app without cdk8s-cli and npx, to show what the CLI adds.
  const alone = [];
  for (let i = 0; i < runsExample; i++) alone.push(measure(process.execPath, ['lib/src/main.js'], { cwd: work, label: 'node lib/src/main.js' }));
  return { available: true, command: `CDK8S_CHECK_UPGRADE=false npx ${args.join(' ')}`, distFolders: written, ...summary(runs), appAlone: summary(alone), emptyApp: summary(emptyRuns) };
}

// 2. Default install by a plain node process, through both syntheses: the library's `synthYaml(app)`
// (lean, what the targets are checked on) and cdk8s's `app.synthYaml()`, runs interleaved.
function benchDefault() {
  const out = (via) => path.join(tmp, `default-${via}.yaml`);
  const run = (via) => childRun((res) => ['default', res, out(via), via]);
  const helm = helmCommands();
  // `helm template` of the three charts, one process each, as a user renders the install: wall and CPU
  // are the sums, peak RSS the largest of the three; objects and bytes of the YAML they print.
  const runHelm = () => {
    const parts = helm.commands.map((c) => measure(helm.helm.bin, c.args, { label: `helm ${c.args.slice(0, 2).join(' ')}` }));
    const text = parts.map((p) => p.stdout).join('\n');
    return {
      wallMs: parts.reduce((a, p) => a + p.wallMs, 0),
      cpuMs: parts.every((p) => p.cpuMs !== undefined) ? parts.reduce((a, p) => a + p.cpuMs, 0) : undefined,
      peakKiB: parts.every((p) => p.peakKiB !== undefined) ? Math.max(...parts.map((p) => p.peakKiB)) : undefined,
      partsMs: parts.map((p) => p.wallMs),
      bytes: Buffer.byteLength(text),
      objects: (text.match(/^kind: /gm) || []).length,
    };
  };
  run('lean'); // warm-up
  run('cdk8s');
  runHelm();
  const runs = { lean: [], cdk8s: [], helm: [] };
  for (let i = 0; i < runsDefault; i++) {
    runs.lean.push(run('lean'));
    runs.cdk8s.push(run('cdk8s'));
    runs.helm.push(runHelm());
  }
  const lastHelm = runs.helm[runs.helm.length - 1];
  const helmSummary = {
    ...summary(runs.helm),
    version: helm.helm.version,
    istioModule: helm.charts.version,
    charts: helm.commands.map((c) => c.name),
    partsMs: helm.commands.map((_, i) => Number(median(runs.helm.map((r) => r.partsMs[i])).toFixed(1))),
    objects: lastHelm.objects,
    bytes: lastHelm.bytes,
  };
  const sameBytes = fs.readFileSync(out('lean')).equals(fs.readFileSync(out('cdk8s')));
  const last = runs.lean[runs.lean.length - 1];
  // Where library load time goes: `require` step by step, same number of runs, medians.
  const loads = [];
  for (let i = 0; i < Math.min(runsDefault, 5); i++) loads.push(childRun((res) => ['load', res]));
  const load = loads[0].steps.map((step, i) => ({
    name: step.name,
    ms: Number(median(loads.map((l) => l.steps[i].ms)).toFixed(1)),
    rssKiB: Math.round(median(loads.map((l) => l.steps[i].rssKiB))),
  }));
  const phasesOf = (rs) => ['startMs', 'loadMs', 'buildMs', 'synthMs', 'writeMs'].reduce((acc, k) => ({ ...acc, [k]: Number(median(rs.map((r) => r[k])).toFixed(1)) }), {});
  return {
    ...summary(runs.lean),
    cdk8s: { ...summary(runs.cdk8s), phasesMs: phasesOf(runs.cdk8s) },
    helm: helmSummary,
    sameBytes,
    load,
    nodeBaseRssKiB: Math.round(median(loads.map((l) => l.baseRssKiB))),
    loadedRssKiB: Math.round(median(loads.map((l) => l.maxRssKiB))),
    objects: last.objects,
    bytes: last.bytes,
    notes: last.notes,
    phasesMs: phasesOf(runs.lean),
    childMaxRssKiB: median(runs.lean.map((r) => r.maxRssKiB)),
  };
}

// 3 + 4. Generated meshes and their floor. Runs go round-robin over the sizes (synth then floor at each
// size, then the next round), so a burst of load from other processes hits every size and both sides alike.
function benchMesh() {
  const snapshotFile = path.join(tmp, 'control-plane.json');
  measure(process.execPath, [path.join(__dirname, 'child.js'), 'snapshot', snapshotFile], { label: 'snapshot' });
  const snapshot = JSON.parse(fs.readFileSync(snapshotFile, 'utf8'));
  const out = (kind, n) => path.join(tmp, `${kind}-${n}.yaml`);
  const synth = (n) => childRun((res) => ['mesh', String(n), res, out('mesh', n), opts.via]);
  const floor = (n) => childRun((res) => ['floor', String(n), res, out('floor', n), snapshotFile]);
  // Warm-up at the smallest size (file cache, code cache), not counted.
  synth(Math.min(...opts.sizes));
  floor(Math.min(...opts.sizes));
  const s = new Map(opts.sizes.map((n) => [n, []]));
  const f = new Map(opts.sizes.map((n) => [n, []]));
  for (let i = 0; i < runsMesh; i++) {
    for (const n of opts.sizes) {
      s.get(n).push(synth(n));
      f.get(n).push(floor(n));
    }
  }
  const sizes = opts.sizes.map((n) => {
    const identical = fs.readFileSync(out('mesh', n)).equals(fs.readFileSync(out('floor', n)));
    fs.rmSync(out('mesh', n), { force: true });
    fs.rmSync(out('floor', n), { force: true });
    const sr = s.get(n);
    const fr = f.get(n);
    const last = sr[sr.length - 1];
    const synthSum = summary(sr);
    const floorSum = summary(fr);
    return {
      services: n,
      namespaces: Math.ceil(n / 20),
      objects: last.objects,
      bytes: last.bytes,
      synth: { ...synthSum, objectsPerSecond: last.objects / (synthSum.wallMs / 1000), phasesMs: phases(sr, ['startMs', 'loadMs', 'buildMs', 'synthMs', 'analyzerMs', 'writeMs']) },
      floor: { ...floorSum, objects: fr[0].objects, bytes: fr[0].bytes, phasesMs: phases(fr, ['startMs', 'loadMs', 'buildMs', 'synthMs', 'writeMs']) },
      ratio: synthSum.wallMs / floorSum.wallMs,
      cpuRatio: synthSum.cpuMs && floorSum.cpuMs ? synthSum.cpuMs / floorSum.cpuMs : undefined,
      floorIdentical: identical,
      findings: last.findings,
      features: last.features,
      notes: last.notes,
    };
  });
  return { snapshotNotes: snapshot.notes, sizes };
}

function phases(runs, keys) {
  const out = {};
  for (const k of keys) {
    const m = median(runs.map((r) => r[k]));
    if (m !== undefined) out[k] = Number(m.toFixed(1));
  }
  return out;
}

// 6. Profiles.
function benchProfile() {
  const dir = path.join(tmp, 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  const out = [];
  const profileOf = (name, args) => {
    const d = path.join(dir, name);
    fs.mkdirSync(d, { recursive: true });
    childRun(args, { cpuProfDir: d });
    const file = fs.readdirSync(d).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(d, f))[0];
    out.push({ name, file, text: summarize(file, { top: 15, libDir: LIB }) });
  };
  if (opts.only.includes('example') && !exampleMissing()) {
    const work = exampleWorkdir();
    const d = path.join(dir, 'example-app');
    fs.mkdirSync(d, { recursive: true });
    measure(process.execPath, ['--cpu-prof', '--cpu-prof-dir', d, 'lib/src/main.js'], { cwd: work, label: 'node --cpu-prof lib/src/main.js' });
    const file = fs.readdirSync(d).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(d, f))[0];
    out.push({ name: 'example-app (node lib/src/main.js, without cdk8s-cli)', file, text: summarize(file, { top: 15, libDir: LIB }) });
  }
  if (opts.only.includes('default')) profileOf('default-install', (res) => ['default', res, path.join(tmp, 'p-default.yaml')]);
  if (opts.only.includes('mesh')) profileOf('mesh-2000', (res) => ['mesh', '2000', res, path.join(tmp, 'p-mesh.yaml'), opts.via]);
  return out;
}

function attempt(name, fn) {
  try {
    return fn();
  } catch (e) {
    return { failed: String(e && e.message ? e.message : e) };
  }
}

// ---------------------------------------------------------------------------------------------
log(`cdk8s-istio synth benchmark — ${results.date}`);
log(`node ${results.node}, ${results.cores} cores (${results.cpu}), load average ${results.loadAverageStart.join(' ')}`);
log(`library: ${LIB}${fs.existsSync(path.join(LIB, 'index.js')) ? '' : '  (NOT FOUND: compile first, `npm run bench` does)'}`);
if (!GNU_TIME) log('peak RSS of `npx cdk8s synth` needs GNU time: apt-get install time (Debian package `time`); node children report their own peak');
if (opts.quick) log('quick mode: fewer runs than the targets ask for; figures are indicative only');
log();

if (opts.only.includes('example')) {
  log(`example app: ${runsExample} runs of cold \`npx cdk8s synth\` ...`);
  results.example = attempt('example', benchExample);
}
if (opts.only.includes('default')) {
  log(`default install: ${runsDefault} runs ...`);
  results.default = attempt('default', benchDefault);
}
if (opts.only.includes('mesh')) {
  log(`meshes ${opts.sizes.join(', ')} services: ${runsMesh} run(s) each of synth and floor ...`);
  results.mesh = attempt('mesh', benchMesh);
}
if (opts.profile) {
  log('profiles ...');
  results.profiles = attempt('profile', benchProfile);
}
results.loadAverageEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
log();

// ---------------------------------------------------------------------------------------------
function table(rows, { left = false } = {}) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const cell = (c, i) => (i === 0 || left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  return rows.map((r) => r.map(cell).join('  ').trimEnd()).join('\n');
}
const cpu = (ms) => (ms === undefined ? '' : `, CPU ${fmtS(ms)}`);

log('FIGURES');
const ex = results.example;
if (ex) {
  if (ex.failed) log(`example app (npx cdk8s synth): FAILED: ${ex.failed}`);
  else if (!ex.available) log(`example app (npx cdk8s synth): not available: ${ex.reason}`);
  else {
    log(`example app (${ex.command}; wrote dist/ ${ex.distFolders.join(', ') || 'nothing'}): wall median ${fmtS(ex.wallMs)} of ${ex.runs} runs [${ex.wallMsAll.map((x) => (x / 1000).toFixed(2)).join(' ')}]${cpu(ex.cpuMs)}, peak RSS ${fmtMiB(ex.peakKiB)} (largest process)`);
    const a = ex.appAlone;
    log(`  the app alone (node lib/src/main.js, no cdk8s-cli, no npx): wall median ${fmtS(a.wallMs)} [${a.wallMsAll.map((x) => (x / 1000).toFixed(2)).join(' ')}]${cpu(a.cpuMs)}, peak RSS ${fmtMiB(a.peakKiB)}; npx + cdk8s-cli add ${fmtS(ex.wallMs - a.wallMs)}`);
    const e = ex.emptyApp;
    log(`  an empty cdk8s app (\`new App().synth()\`), the same \`npx cdk8s synth\`, runs interleaved: wall median ${fmtS(e.wallMs)} [${e.wallMsAll.map((x) => (x / 1000).toFixed(2)).join(' ')}]${cpu(e.cpuMs)}, peak RSS ${fmtMiB(e.peakKiB)}; example / empty ${(ex.wallMs / e.wallMs).toFixed(2)}x`);
  }
}
const df = results.default;
if (df) {
  if (df.failed) log(`default install: FAILED: ${df.failed}`);
  else {
    log(`default install (IstioBase + Istiod + IngressGateway, 1.30.3; plain node, the library's synthYaml(app)): wall median ${fmtS(df.wallMs)} of ${df.runs} runs [${df.wallMsAll.map((x) => (x / 1000).toFixed(2)).join(' ')}]${cpu(df.cpuMs)}, peak RSS ${fmtMiB(df.peakKiB)}`);
    const c = df.cdk8s;
    log(`  the same through cdk8s's app.synthYaml(): wall median ${fmtS(c.wallMs)} [${c.wallMsAll.map((x) => (x / 1000).toFixed(2)).join(' ')}]${cpu(c.cpuMs)}, peak RSS ${fmtMiB(c.peakKiB)}, synth ${c.phasesMs.synthMs} ms; same bytes: ${df.sameBytes ? 'yes' : 'NO'}`);
    log(`  ${df.objects} objects, ${fmtBytes(df.bytes)} YAML; inside the child (ms, medians): node start-up ${df.phasesMs.startMs}, library load ${df.phasesMs.loadMs}, build ${df.phasesMs.buildMs}, synth ${df.phasesMs.synthMs}, write ${df.phasesMs.writeMs}`);
    const h = df.helm;
    log(`  helm template (helm ${h.version}; ${h.charts.join(', ')}; istio.io/istio ${h.istioModule}; one process per chart, runs interleaved): wall median ${fmtS(h.wallMs)} (sum; per chart ${h.partsMs.map((x) => (x / 1000).toFixed(2)).join(' + ')}) [${h.wallMsAll.map((x) => (x / 1000).toFixed(2)).join(' ')}]${cpu(h.cpuMs)}, peak RSS ${fmtMiB(h.peakKiB)} (largest of the three); ${h.objects} objects, ${fmtBytes(h.bytes)} YAML`);
    log(`  library / helm template: wall ${(df.wallMs / h.wallMs).toFixed(2)}x, peak RSS ${(df.peakKiB / h.peakKiB).toFixed(2)}x${df.cpuMs && h.cpuMs ? `, CPU ${(df.cpuMs / h.cpuMs).toFixed(2)}x` : ''}`);
    log(`  require('cdk8s-istio') step by step (ms / RSS growth, medians): node alone ${fmtMiB(df.nodeBaseRssKiB)} RSS; ${df.load.map((l) => `${l.name} ${l.ms} ms +${(l.rssKiB / 1024).toFixed(1)} MiB`).join('; ')}; RSS once loaded ${fmtMiB(df.loadedRssKiB)}`);
    for (const n of df.notes || []) log(`  note: ${n}`);
  }
}
const mesh = results.mesh;
if (mesh) {
  if (mesh.failed) log(`meshes: FAILED: ${mesh.failed}`);
  else {
    log(`generated meshes (control plane + N/20 ZeroTrustNamespaces x 20 services; each service = ServiceAccount, Service, 2 Deployments, CanaryRoute exposed via the ingress Gateway; analyzer on; ${opts.via === 'cdk8s' ? "cdk8s's app.synthYaml()" : "the library's synthYaml(app)"}; medians of ${runsMesh} run(s)):`);
    const rows = [['services', 'objects', 'YAML', 'synth wall', 'CPU', 'peak RSS', 'objects/s', 'analyzer', 'floor wall', 'floor RSS', 'synth/floor', 'same bytes']];
    for (const s of mesh.sizes) {
      rows.push([
        s.services.toLocaleString('en-US'), s.objects.toLocaleString('en-US'), fmtBytes(s.bytes), fmtS(s.synth.wallMs), fmtS(s.synth.cpuMs), fmtMiB(s.synth.peakKiB),
        Math.round(s.synth.objectsPerSecond).toLocaleString('en-US'), s.synth.phasesMs.analyzerMs !== undefined ? fmtS(s.synth.phasesMs.analyzerMs) : 'off',
        fmtS(s.floor.wallMs), fmtMiB(s.floor.peakKiB), `${s.ratio.toFixed(2)}x`, s.floorIdentical ? 'yes' : 'NO',
      ]);
    }
    log(table(rows));
    for (const s of mesh.sizes) {
      const p = s.synth.phasesMs;
      const fp = s.floor.phasesMs;
      log(`  ${s.services}: synth child (ms) start-up ${p.startMs}, load ${p.loadMs}, build ${p.buildMs}, synth ${p.synthMs} (analyzer ${p.analyzerMs ?? 'off'}), write ${p.writeMs}; floor child: start-up ${fp.startMs}, load ${fp.loadMs}, build ${fp.buildMs}, dump ${fp.synthMs}, write ${fp.writeMs}`);
    }
    const first = mesh.sizes[0];
    if (first) {
      const f = Object.entries(first.findings || {}).map(([c, k]) => `${c} x${k}`).join(', ');
      log(`  analyzer findings below the failure threshold at ${first.services} services: ${f || 'none'}`);
      if (!first.floorIdentical) log('  WARNING: the floor YAML differs from the synthesized YAML: bench/floor.js no longer mirrors the constructs; the ratio is approximate');
    }
    for (const n of new Set([...(mesh.snapshotNotes || []), ...mesh.sizes.flatMap((s) => s.notes || [])])) log(`  note: ${n}`);
  }
}

// 5. Targets.
log();
log(`TARGETS (ratios measured side by side in this run; Node ${process.versions.node})`);
const checks = [];
const ratio = (a, b) => (a !== undefined && b !== undefined && b > 0 ? a / b : undefined);
const check = (name, measured, limit, ok, why) => checks.push([name, measured, limit, why ?? (ok ? 'PASS' : 'FAIL')]);
const notMeasured = (name, limit, why) => checks.push([name, 'n/a', limit, `NOT MEASURED (${why})`]);
/** A ratio target: `a / b <= limit`; `figures` shows both sides. */
const checkRatio = (name, a, b, limit, figures) => {
  const r = ratio(a, b);
  if (r === undefined) notMeasured(name, `<= ${limit}x`, 'a side has no figure (peak RSS needs GNU time)');
  else check(name, `${r.toFixed(2)}x (${figures})`, `<= ${limit}x`, r <= limit);
};
/**
 * A time target on CPU time (user + system of the process tree, GNU time) when both sides have it: other
 * processes on a shared machine stretch wall time by a factor that changes from one run to the next (a load
 * average of 15 on 2 cores made single runs 3-5x apart), CPU time hardly; wall without GNU time. Both are
 * printed.
 */
const checkTime = (name, x, y, limit) => {
  if (x.cpuMs !== undefined && y.cpuMs !== undefined) {
    checkRatio(`${name}, CPU`, x.cpuMs, y.cpuMs, limit, `${fmtS(x.cpuMs)} / ${fmtS(y.cpuMs)}; wall ${(x.wallMs / y.wallMs).toFixed(2)}x, ${fmtS(x.wallMs)} / ${fmtS(y.wallMs)}`);
  } else checkRatio(`${name}, wall`, x.wallMs, y.wallMs, limit, `${fmtS(x.wallMs)} / ${fmtS(y.wallMs)}`);
};
const why = (res, what = 'not run') => (!res ? what : res.failed ? 'failed' : 'not available');
const targetNames = {
  helmWall: 'default install / helm template',
  helmPeak: 'default install / helm template, peak RSS',
  emptyAppWall: 'example app / empty app (npx cdk8s synth)',
  floorWall2000: '2,000 services synth / floor',
  floorPeak2000: '2,000 services synth / floor, peak RSS',
  scale4000: '4,000 services / 2,000 services',
};
if (df && !df.failed) {
  const h = df.helm;
  checkTime(targetNames.helmWall, df, h, TARGETS.helmWall);
  checkRatio(targetNames.helmPeak, df.peakKiB, h.peakKiB, helmPeakLimit, `${fmtMiB(df.peakKiB)} / ${fmtMiB(h.peakKiB)}`);
  if (!df.sameBytes) check('default install: synthYaml(app) = app.synthYaml()', 'different bytes', 'same bytes', false);
} else {
  notMeasured(targetNames.helmWall, `<= ${TARGETS.helmWall}x`, why(df));
  notMeasured(targetNames.helmPeak, `<= ${helmPeakLimit}x`, why(df));
}
if (ex && !ex.failed && ex.available) checkTime(targetNames.emptyAppWall, ex, ex.emptyApp, TARGETS.emptyAppWall);
else notMeasured(targetNames.emptyAppWall, `<= ${TARGETS.emptyAppWall}x`, why(ex));
const sizeOf = (n) => (mesh && !mesh.failed ? mesh.sizes.find((s) => s.services === n) : undefined);
const m2 = sizeOf(2000);
const m4 = sizeOf(4000);
if (m2) {
  checkTime(targetNames.floorWall2000, m2.synth, m2.floor, TARGETS.floorWall2000);
  checkRatio(targetNames.floorPeak2000, m2.synth.peakKiB, m2.floor.peakKiB, TARGETS.floorPeak2000, `${fmtMiB(m2.synth.peakKiB)} / ${fmtMiB(m2.floor.peakKiB)}`);
  if (!m2.floorIdentical) check('2,000 services: floor YAML = synthesized YAML', 'different bytes', 'same bytes', false);
} else {
  notMeasured(targetNames.floorWall2000, `<= ${TARGETS.floorWall2000}x`, 'size 2000 not run');
  notMeasured(targetNames.floorPeak2000, `<= ${TARGETS.floorPeak2000}x`, 'size 2000 not run');
}
if (m2 && m4) {
  checkTime(targetNames.scale4000, m4.synth, m2.synth, TARGETS.scale4000);
} else notMeasured(targetNames.scale4000, `<= ${TARGETS.scale4000}x`, 'sizes 2000 and 4000 not both run');
for (const [name, res] of [['example app', ex], ['default install', df], ['meshes', mesh]]) {
  if (res && res.failed) check(`${name} scenario runs`, 'failed', 'runs', false);
}
log(table([['target', 'measured', 'limit', 'result'], ...checks], { left: true }));
results.targets = checks.map(([target, measured, limit, result]) => ({ target, measured, limit, result }));
if (opts.quick) log('(quick mode: fewer runs than the targets ask for)');
log(`load average at the end: ${results.loadAverageEnd.join(' ')} (other processes on this machine skew the figures)`);

if (results.profiles) {
  log();
  log('PROFILES (node --cpu-prof; profiling adds overhead)');
  if (results.profiles.failed) log(`FAILED: ${results.profiles.failed}`);
  else for (const p of results.profiles) log(`${p.name}: ${p.file}\n${p.text}\n`);
}

if (opts.json) {
  fs.writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
  log(`figures written to ${opts.json}`);
}
// Keep the temporary folder only when it holds profiles.
if (!opts.profile) fs.rmSync(tmp, { recursive: true, force: true });
// A failed target (or a scenario that failed to run) fails the run.
if (checks.some((c) => c[3] === 'FAIL')) process.exitCode = 1;
