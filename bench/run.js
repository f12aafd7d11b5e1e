#!/usr/bin/env node
'use strict';
/**
 * The synth benchmark of cdk8s-istio. `npm run bench` compiles and runs it; see bench/README.md.
 *
 *   node bench/run.js [--quick] [--sizes 500,1000,2000,4000] [--runs N] [--only example,default,mesh]
 *                     [--via lean|cdk8s] [--profile] [--json FILE]
 *
 * Every figure comes from a fresh child process; nothing is cached between runs except what the OS
 * caches (files). Wall = elapsed time of the child from spawn to exit; peak RSS = GNU time's %M.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO, libDir, GNU_TIME, measure, median, fmtS, fmtMiB, fmtBytes } = require('./common');
const { summarize } = require('./profile-summary');

const HELP = `usage: node bench/run.js [options]
  --quick              fewer runs (example app 3, default install 3, meshes 1): quick look, not for the targets
  --sizes LIST         mesh sizes in services (default 500,1000,2000,4000)
  --runs N             runs per mesh size (default 5); the example app uses max(N, 5) runs, the default install max(N, 7)
  --only LIST          scenarios to run: example, default, mesh (default all)
  --via lean|cdk8s     how the meshes are synthesized: the library's synthYaml(app) (lean, default) or
                       cdk8s's app.synthYaml(); the default install always runs both
  --profile            also profile (node --cpu-prof) the default install and the 2,000-service mesh, and summarise
  --json FILE          write every figure as JSON to FILE
environment: CDK8S_ISTIO_LIB = compiled library folder (default <repo>/lib/src)`;

const TARGETS = {
  defaultWallMs: 300, // helm template of Istio's base + istiod + gateway charts, median, this machine
  defaultPeakKiB: 61 * 1024,
  exampleWallMs: 1500,
  mesh2000WallMs: 5000,
  mesh2000PeakKiB: (600 * 1000 * 1000) / 1024, // 600 MB
  scale4000: 2.2,
  floorRatio2000: 3,
};

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

function benchExample() {
  const missing = exampleMissing();
  if (missing) return { available: false, reason: missing };
  const work = exampleWorkdir();
  const args = ['cdk8s', 'synth'];
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  const run = () => measure('npx', args, { cwd: work, env, label: `npx ${args.join(' ')}` });
  run(); // warm-up (file cache), not counted
  const runs = [];
  for (let i = 0; i < runsExample; i++) runs.push(run());
  const written = fs.existsSync(path.join(work, 'dist')) ? fs.readdirSync(path.join(work, 'dist')).sort() : [];
  // The same app without cdk8s-cli and npx, to show what the CLI adds.
  const alone = [];
  for (let i = 0; i < runsExample; i++) alone.push(measure(process.execPath, ['lib/src/main.js'], { cwd: work, label: 'node lib/src/main.js' }));
  return { available: true, command: `CDK8S_CHECK_UPGRADE=false npx ${args.join(' ')}`, distFolders: written, ...summary(runs), appAlone: summary(alone) };
}

// 2. Default install by a plain node process, through both syntheses: the library's `synthYaml(app)`
// (lean, what the targets are checked on) and cdk8s's `app.synthYaml()`, runs interleaved.
function benchDefault() {
  const out = (via) => path.join(tmp, `default-${via}.yaml`);
  const run = (via) => childRun((res) => ['default', res, out(via), via]);
  run('lean'); // warm-up
  run('cdk8s');
  const runs = { lean: [], cdk8s: [] };
  for (let i = 0; i < runsDefault; i++) {
    runs.lean.push(run('lean'));
    runs.cdk8s.push(run('cdk8s'));
  }
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
    log(`  vs helm template (0.30 s, 61 MiB): wall x${(df.wallMs / TARGETS.defaultWallMs).toFixed(2)}, peak RSS x${(df.peakKiB / TARGETS.defaultPeakKiB).toFixed(2)}`);
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
log('TARGETS (this 2-core machine)');
const checks = [];
const check = (name, measured, limit, ok, why) => checks.push([name, measured, limit, why ?? (ok ? 'PASS' : 'FAIL')]);
const notMeasured = (name, limit, why) => checks.push([name, 'n/a', limit, `NOT MEASURED (${why})`]);
if (df && !df.failed) {
  check('default install wall, median', fmtS(df.wallMs), '<= 0.30 s', df.wallMs <= TARGETS.defaultWallMs);
  check('default install peak RSS, median', fmtMiB(df.peakKiB), '<= 61 MiB', df.peakKiB <= TARGETS.defaultPeakKiB);
  if (!df.sameBytes) check('default install: synthYaml(app) = app.synthYaml()', 'different bytes', 'same bytes', false);
} else {
  notMeasured('default install wall, median', '<= 0.30 s', df ? 'failed' : 'not run');
  notMeasured('default install peak RSS, median', '<= 61 MiB', df ? 'failed' : 'not run');
}
if (ex && !ex.failed && ex.available) check('example app `npx cdk8s synth` wall, median', fmtS(ex.wallMs), '<= 1.5 s', ex.wallMs <= TARGETS.exampleWallMs);
else notMeasured('example app `npx cdk8s synth` wall, median', '<= 1.5 s', !ex ? 'not run' : ex.failed ? 'failed' : 'example app not available');
const sizeOf = (n) => (mesh && !mesh.failed ? mesh.sizes.find((s) => s.services === n) : undefined);
const m2 = sizeOf(2000);
const m4 = sizeOf(4000);
if (m2) {
  check('2,000 services wall', fmtS(m2.synth.wallMs), '<= 5 s', m2.synth.wallMs <= TARGETS.mesh2000WallMs);
  check('2,000 services peak RSS', fmtMiB(m2.synth.peakKiB), '<= 600 MB (572 MiB)', m2.synth.peakKiB <= TARGETS.mesh2000PeakKiB);
  check('synth / floor at 2,000 services, wall', `${m2.ratio.toFixed(2)}x${m2.cpuRatio ? ` (CPU ${m2.cpuRatio.toFixed(2)}x)` : ''}`, '<= 3x', m2.ratio <= TARGETS.floorRatio2000);
} else {
  for (const [n, l] of [['2,000 services wall', '<= 5 s'], ['2,000 services peak RSS', '<= 600 MB (572 MiB)'], ['synth / floor at 2,000 services', '<= 3x']]) notMeasured(n, l, 'size 2000 not run');
}
if (m2 && m4) {
  const r = m4.synth.wallMs / m2.synth.wallMs;
  const c = m2.synth.cpuMs ? ` (CPU ${(m4.synth.cpuMs / m2.synth.cpuMs).toFixed(2)}x)` : '';
  check('4,000 services wall / 2,000 services wall', `${r.toFixed(2)}x${c}`, '<= 2.2x', r <= TARGETS.scale4000);
} else notMeasured('4,000 services wall / 2,000 services wall', '<= 2.2x', 'sizes 2000 and 4000 not both run');
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
