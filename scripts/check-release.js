#!/usr/bin/env node
/**
 * Checks before a release (`npx projen release`, step 2): the version in package.json is a semantic version
 * with its own CHANGELOG.md entry, and the package holds only what a user needs. test/package uses the same
 * rules on the real tarball.
 *
 *   node scripts/check-release.js      exits 1 and lists the problems, if any
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** Semantic Versioning 2.0.0 (semver.org's regular expression, without build metadata). */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$/;

/**
 * What the package may hold (paths inside the tarball, without the `package/` prefix): compiled code and
 * declarations, the CLI, the injection templates read at synth time, the user documentation.
 */
const ALLOWED = [
  /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/,
  /^lib\/(src|imports)\/.+\.(js|d\.ts)$/,
  /^bin\/[^/]+\.js$/,
  /^src\/.+\.tpl$/,
  /^docs\/[^/]+\.md$/,
];

/** Problems with a list of packed files (paths relative to the package root). */
function packProblems(files) {
  const problems = [];
  for (const f of files) {
    if (!ALLOWED.some((re) => re.test(f))) problems.push(`the package would ship ${f}, which is not in the allow-list of scripts/check-release.js`);
  }
  for (const must of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'lib/src/index.js', 'lib/src/index.d.ts', 'bin/cdk8s-istio.js']) {
    if (!files.includes(must)) problems.push(`the package lacks ${must}`);
  }
  return problems;
}

/** The version a CHANGELOG.md line heads (`## 0.1.0 - 2026-12-02`, `## [0.1.0] - ...`), or undefined. */
function headingVersion(line) {
  const m = /^## \[?([^\]\s]+)\]?/.exec(line);
  return m ? m[1] : undefined;
}

/** The text of the version's CHANGELOG.md entry, or undefined. */
function changelogEntry(changelog, version) {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => headingVersion(l) === version);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
}

/** Problems with the version and the CHANGELOG. */
function versionProblems(pkg, changelog) {
  const problems = [];
  if (!SEMVER.test(pkg.version)) problems.push(`package.json version ${JSON.stringify(pkg.version)} is not a semantic version`);
  if (pkg.version === '0.0.0') problems.push('package.json version is the placeholder 0.0.0');
  if (changelog === undefined) {
    problems.push('CHANGELOG.md is missing');
  } else {
    const entry = changelogEntry(changelog, pkg.version);
    if (entry === undefined) problems.push(`CHANGELOG.md has no "## ${pkg.version}" entry`);
    else if (entry.length === 0) problems.push(`the CHANGELOG.md entry of ${pkg.version} is empty`);
    const first = changelog.split('\n').find((l) => l.startsWith('## '));
    if (entry !== undefined && headingVersion(first) !== pkg.version) problems.push(`the first CHANGELOG.md entry is not ${pkg.version}: ${first}`);
  }
  return problems;
}

/** The files `npm pack` would put in the tarball (without running the prepare script). */
function packedFiles() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out)[0].files.map((f) => f.path);
}

function main() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const changelogPath = path.join(ROOT, 'CHANGELOG.md');
  const changelog = fs.existsSync(changelogPath) ? fs.readFileSync(changelogPath, 'utf8') : undefined;
  const files = packedFiles();
  const problems = [...versionProblems(pkg, changelog), ...packProblems(files)];
  if (problems.length > 0) {
    console.error(`release check failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`release check: ${pkg.name}@${pkg.version}, CHANGELOG entry present, ${files.length} files in the package, all allowed`);
}

module.exports = { ALLOWED, SEMVER, packProblems, versionProblems, changelogEntry };

if (require.main === module) main();
