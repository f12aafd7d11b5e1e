#!/usr/bin/env node
'use strict';
/**
 * Summarises a V8 CPU profile (`node --cpu-prof` writes `*.cpuprofile`): top functions by self time,
 * top functions by total (inclusive) time, and self time per package / library file.
 *
 *   node bench/profile-summary.js <file.cpuprofile> [--top 15] [--lib <compiled lib dir>]
 *
 * Sample durations are the gaps between consecutive sample timestamps (as Chrome DevTools counts them).
 */
const fs = require('fs');
const path = require('path');

/** Short, stable name of a script URL: `yaml`, `cdk8s`, `lib/src/analyzer/model.js`, `node:internal/...`. */
function scriptName(url, libDir) {
  if (!url) return '';
  let p = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  if (p.startsWith('node:')) return p;
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + '/node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return `${pkg}/${rest.slice(rest[0].startsWith('@') ? 2 : 1).join('/')}`;
  }
  // Compiled library (lib/src/..., lib/imports/...), wherever it was compiled to.
  const libRoot = libDir ? path.dirname(libDir) : undefined;
  if (libRoot && p.startsWith(libRoot + path.sep)) return `lib/${p.slice(libRoot.length + 1)}`;
  const repo = path.resolve(__dirname, '..');
  if (p.startsWith(repo + path.sep)) p = p.slice(repo.length + 1);
  return p;
}

/** Group of a script for the per-package table: npm package, library area file, or node internals. */
function groupOf(script, functionName) {
  if (!script) {
    if (functionName.startsWith('(')) return functionName; // (garbage collector), (program), (idle)
    return functionName.startsWith('RegExp:') ? '(regular expressions)' : '(native functions)';
  }
  if (script.startsWith('node:')) return 'node internals';
  if (script.startsWith('lib/')) return script;
  if (script.startsWith('/')) return script;
  const slash = script.indexOf('/');
  const first = script.startsWith('@') ? script.split('/').slice(0, 2).join('/') : script.slice(0, slash < 0 ? undefined : slash);
  return first;
}

function summarize(file, { top = 15, libDir } = {}) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map();
  for (const n of prof.nodes) byId.set(n.id, n);
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children || []) parent.set(c, n.id);

  // Sample durations in microseconds.
  const stamps = [];
  let t = prof.startTime;
  for (const d of prof.timeDeltas) stamps.push((t += d));
  const dur = stamps.map((s, i) => (i + 1 < stamps.length ? stamps[i + 1] : prof.endTime) - s);

  const keyOf = (node) => {
    const cf = node.callFrame;
    const script = scriptName(cf.url, libDir);
    return { key: `${cf.functionName || '(anonymous)'}\u0000${script}\u0000${cf.lineNumber}`, name: cf.functionName || '(anonymous)', script, line: cf.lineNumber + 1 };
  };
  const info = new Map();
  const self = new Map();
  const total = new Map();
  const groups = new Map();
  let all = 0;
  let idle = 0;
  let requireUs = 0; // samples inside a require() made by the entry script or below (the entry's own load excluded)
  prof.samples.forEach((id, i) => {
    const d = dur[i];
    all += d;
    const node = byId.get(id);
    const k = keyOf(node);
    if (k.name === '(idle)') idle += d;
    info.set(k.key, k);
    self.set(k.key, (self.get(k.key) || 0) + d);
    const g = groupOf(k.script, k.name);
    groups.set(g, (groups.get(g) || 0) + d);
    const seen = new Set();
    let loads = 0;
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      if (byId.get(cur).callFrame.functionName === 'Module._load') loads++;
      const ck = keyOf(byId.get(cur));
      // Skip the root and the start-up frames every sample shares (node's loader, the script's top level).
      if (ck.name === '(root)' || ck.script.startsWith('node:internal/') || (ck.name === '(anonymous)' && ck.line === 1) || seen.has(ck.key)) continue;
      seen.add(ck.key);
      info.set(ck.key, ck);
      total.set(ck.key, (total.get(ck.key) || 0) + d);
    }
    if (loads >= 2) requireUs += d;
  });

  const ms = (us) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  const pct = (us) => `${((100 * us) / all).toFixed(1).padStart(5)}%`;
  const where = (k) => (k.script ? `${k.script}:${k.line}` : '');
  const rows = (map, n) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const lines = [];
  lines.push(`profile ${path.basename(file)}: ${(all / 1000).toFixed(0)} ms sampled (${(idle / 1000).toFixed(0)} ms idle), of which loading modules (require, compile included) ${(requireUs / 1000).toFixed(0)} ms`);
  lines.push(`  top ${top} by self time:`);
  for (const [key, us] of rows(self, top)) lines.push(`    ${ms(us)} ${pct(us)}  ${info.get(key).name}  ${where(info.get(key))}`);
  lines.push(`  top ${top} by total time (callee time included):`);
  for (const [key, us] of rows(total, top)) lines.push(`    ${ms(us)} ${pct(us)}  ${info.get(key).name}  ${where(info.get(key))}`);
  lines.push('  self time by package / library file:');
  for (const [g, us] of rows(groups, top)) lines.push(`    ${ms(us)} ${pct(us)}  ${g}`);
  return lines.join('\n');
}

module.exports = { summarize };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const files = [];
  let top = 15;
  let libDir = process.env.CDK8S_ISTIO_LIB ? path.resolve(process.env.CDK8S_ISTIO_LIB) : path.resolve(__dirname, '..', 'lib', 'src');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') top = Number(argv[++i]);
    else if (argv[i] === '--lib') libDir = path.resolve(argv[++i]);
    else files.push(argv[i]);
  }
  if (files.length === 0) {
    process.stderr.write('usage: node bench/profile-summary.js <file.cpuprofile> [--top N] [--lib DIR]\n');
    process.exit(2);
  }
  for (const f of files) console.log(summarize(f, { top, libDir }));
}
