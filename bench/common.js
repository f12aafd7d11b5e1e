'use strict';
/**
 * Shared helpers of the benchmark: where the compiled library is, tolerant loading of its constructs,
 * child processes measured with GNU time, and small statistics.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const REPO = path.resolve(__dirname, '..');

/** Folder of the compiled library (`lib/src` after `npx tsc --build`), overridable with CDK8S_ISTIO_LIB. */
function libDir() {
  return path.resolve(process.env.CDK8S_ISTIO_LIB || path.join(REPO, 'lib', 'src'));
}

/** Library areas a construct may come from when the package index does not export it (yet). */
const AREAS = ['base', 'istiod', 'gateway', 'policy', 'traffic', 'analyzer', 'gitops'];

/**
 * Loads the library the way a user does (`require('cdk8s-istio')` = the index) and returns a
 * look-up that also searches the area barrels for pieces the index does not export yet.
 * Returns `{ lib, get(name), notes }`; `get` returns undefined for a missing piece and records a note.
 */
function loadLibrary() {
  const dir = libDir();
  const index = require(dir);
  const notes = [];
  const cache = new Map();
  function get(name) {
    if (cache.has(name)) return cache.get(name);
    let value = index[name];
    if (value === undefined) {
      for (const area of AREAS) {
        let mod;
        try {
          mod = require(path.join(dir, area));
        } catch {
          continue;
        }
        if (mod[name] !== undefined) {
          value = mod[name];
          notes.push(`${name} is not exported by the package index; loaded from ${area}/`);
          break;
        }
      }
    }
    if (value === undefined) notes.push(`${name} is not available in the library`);
    cache.set(name, value);
    return value;
  }
  return { lib: index, get, notes };
}

/** GNU time, if installed (Debian package `time`). */
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs a command to completion, measuring wall time (ours, monotonic clock) and peak RSS with GNU time
 * (`%M`: the largest resident set of any single process in the tree, KiB) and CPU time (user + system
 * of the whole tree, 10 ms resolution), which other processes on the machine disturb less than wall
 * time. Throws on a non-zero exit.
 */
function measure(cmd, args, { cwd = REPO, env = process.env, label = cmd } = {}) {
  const timeFile = path.join(os.tmpdir(), `cdk8s-istio-bench-time-${process.pid}.txt`);
  let file = cmd;
  let argv = args;
  if (GNU_TIME) {
    file = GNU_TIME;
    argv = ['-f', '%e %M %U %S', '-o', timeFile, cmd, ...args];
  }
  const start = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const err = new Error(`${label} exited with ${r.status}\n${(r.stderr || '').split('\n').slice(-25).join('\n')}`);
    err.stderr = r.stderr;
    throw err;
  }
  let peakKiB;
  let cpuMs;
  if (GNU_TIME) {
    const fields = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    peakKiB = fields[1];
    cpuMs = (fields[2] + fields[3]) * 1000;
    fs.rmSync(timeFile, { force: true });
  }
  return { wallMs, peakKiB, cpuMs, stdout: r.stdout, stderr: r.stderr };
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const MiB = 1024 * 1024;
const fmtS = (ms) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const fmtMiB = (kib) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`);
const fmtBytes = (b) => (b === undefined ? 'n/a' : b >= MiB ? `${(b / MiB).toFixed(1)} MiB` : `${(b / 1024).toFixed(0)} KiB`);

module.exports = { REPO, libDir, loadLibrary, GNU_TIME, measure, median, fmtS, fmtMiB, fmtBytes, MiB };
