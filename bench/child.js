'use strict';
/**
 * One measured run, in its own process (started by run.js; usable by hand):
 *
 *   node bench/child.js default  <result.json> <out.yaml> [lean|cdk8s]
 *   node bench/child.js mesh     <services> <result.json> <out.yaml> [lean|cdk8s]
 *   node bench/child.js floor    <services> <result.json> <out.yaml> <snapshot.json>
 *   node bench/child.js snapshot <snapshot.json>
 *   node bench/child.js load     <result.json>
 *
 * `default` loads the library, builds IstioBase + Istiod + IngressGateway and synthesizes them with
 * `app.synthYaml()`; `mesh` does the same for a generated mesh with the analyzer on; `floor` builds the
 * mesh's objects as plain literals and dumps them with `yaml` alone; `snapshot` writes the control-plane
 * objects the floor starts from; `load` times `require('cdk8s-istio')` step by step.
 * The last argument of `default` and `mesh` picks the synthesis: `lean` (default) is the library's
 * `synthYaml(app)`, `cdk8s` is cdk8s's own `app.synthYaml()`; both write the same bytes. Each writes its YAML to <out.yaml> and its figures (milliseconds since
 * process start per phase, peak RSS, bytes, objects) to <result.json>.
 */
const fs = require('fs');

const now = () => performance.now(); // milliseconds since the process started
const started = now();
const [mode, ...args] = process.argv.slice(2);

/** The synthesis the run measures: the library's `synthYaml(app)` or cdk8s's `app.synthYaml()`. */
function synthesizer(L, via = 'lean') {
  if (via === 'cdk8s') return (app) => app.synthYaml();
  if (via !== 'lean') throw new Error(`unknown synthesis ${via}: lean or cdk8s`);
  const synthYaml = L.get('synthYaml');
  if (!synthYaml) return (app) => app.synthYaml();
  return synthYaml;
}

function finish(resultFile, result) {
  const ru = process.resourceUsage();
  fs.writeFileSync(resultFile, JSON.stringify({ ...result, startMs: started, endMs: now(), maxRssKiB: ru.maxRSS }));
}

if (mode === 'default') {
  const [resultFile, outFile, via] = args;
  const { loadLibrary } = require('./common');
  const L = loadLibrary();
  const synth = synthesizer(L, via);
  const { App, Chart } = require('cdk8s');
  const loaded = now();
  const app = new App();
  const chart = new Chart(app, 'istio', { disableResourceNameHashes: true });
  require('./mesh').buildControlPlane(L, chart, { binding: false });
  const built = now();
  const yaml = synth(app);
  const synthesized = now();
  fs.writeFileSync(outFile, yaml);
  const written = now();
  const objects = require('./mesh').countObjects(app); // from the construct tree: no second rendering
  finish(resultFile, { loadMs: loaded - started, buildMs: built - loaded, synthMs: synthesized - built, writeMs: written - synthesized, bytes: Buffer.byteLength(yaml), objects, notes: L.notes });
} else if (mode === 'mesh') {
  const [n, resultFile, outFile, via] = args;
  const { loadLibrary } = require('./common');
  const L = loadLibrary();
  const synth = synthesizer(L, via);
  const mesh = require('./mesh');
  const loaded = now();
  const { app, features, findings, analyzerMs } = mesh.buildMesh(L, Number(n));
  const built = now();
  const yaml = synth(app);
  const synthesized = now();
  fs.writeFileSync(outFile, yaml);
  const written = now();
  finish(resultFile, {
    loadMs: loaded - started, buildMs: built - loaded, synthMs: synthesized - built, analyzerMs: analyzerMs(), writeMs: written - synthesized,
    bytes: Buffer.byteLength(yaml), objects: mesh.countObjects(app), features, findings, notes: L.notes,
  });
} else if (mode === 'floor') {
  const [n, resultFile, outFile, snapshotFile] = args;
  const floor = require('./floor');
  const snapshot = JSON.parse(fs.readFileSync(snapshotFile, 'utf8'));
  const loaded = now();
  const docs = floor.floorObjects(Number(n), snapshot);
  const built = now();
  const yaml = floor.dump(docs);
  const synthesized = now();
  fs.writeFileSync(outFile, yaml);
  const written = now();
  finish(resultFile, { loadMs: loaded - started, buildMs: built - loaded, synthMs: synthesized - built, writeMs: written - synthesized, bytes: Buffer.byteLength(yaml), objects: docs.length });
} else if (mode === 'load') {
  // What `require('cdk8s-istio')` costs, step by step: each step requires one more module (and what it
  // pulls in that is not loaded yet), in dependency order; time and RSS growth per step.
  const [resultFile] = args;
  const path = require('path');
  const { libDir } = require('./common');
  const lib = libDir();
  const importsDir = path.join(path.dirname(lib), 'imports');
  // cdk8s-istio itself loads neither the cdk8s-plus-28 bindings nor a second yaml copy, and loads the
  // generated Istio bindings only on its first Istio object: those are timed after the index, as the
  // cost of the first Istio object.
  const steps = [['constructs', 'constructs'], ['cdk8s (with the yaml copy it bundles)', 'cdk8s'], ['cdk8s-istio (the index)', lib]];
  if (fs.existsSync(importsDir)) {
    for (const f of fs.readdirSync(importsDir).filter((x) => x.endsWith('.js')).sort()) steps.push([`generated ${f} (first Istio object)`, path.join(importsDir, f)]);
  }
  const out = [];
  const baseRssKiB = process.memoryUsage.rss() / 1024;
  for (const [name, id] of steps) {
    const rss = process.memoryUsage.rss();
    const t = now();
    require(id);
    out.push({ name, ms: now() - t, rssKiB: (process.memoryUsage.rss() - rss) / 1024 });
  }
  finish(resultFile, { steps: out, baseRssKiB });
} else if (mode === 'snapshot') {
  const [snapshotFile] = args;
  const { loadLibrary } = require('./common');
  const L = loadLibrary();
  const { app, features } = require('./mesh').buildMesh(L, 0);
  app.synthYaml(); // runs the validations (analyzer) like the measured runs
  const objects = app.node.findChild('control-plane').toJson();
  fs.writeFileSync(snapshotFile, JSON.stringify({ features, objects, notes: L.notes }));
} else {
  process.stderr.write('usage: node bench/child.js default|mesh|floor|snapshot ... (see the comment at the top of bench/child.js)\n');
  process.exit(2);
}
