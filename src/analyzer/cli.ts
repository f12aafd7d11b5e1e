/**
 * `cdk8s-istio analyze <files|dirs>`: the analyzer over any YAML manifests.
 *
 * Exit codes: 0 = no finding reached the threshold, 1 = at least one did, 2 = usage error or a file
 * that cannot be read or parsed.
 *
 * {@link main} is also the command dispatch of bin/cdk8s-istio.js: `install` lives in src/cli/install.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyzeFleet, analyzeSourced, sortFindings } from './analyze';
import { countBySeverity, failing, formatFinding, summaryText } from './format';
import { ManifestReadError, collectFiles, loadFiles, parseManifestText, readMeshConfigFile, readMeshNetworksFile } from './load';
import { AnalyzeOptions, Severity, SourcedObject, parseSeverity } from './types';

/** Where the CLI writes (injectable for tests). */
export interface CliIO {
  /** Standard output. */
  readonly stdout: (text: string) => void;
  /** Standard error. */
  readonly stderr: (text: string) => void;
  /** Reads standard input (for the path `-`). */
  readonly stdin: () => string;
}

const PROCESS_IO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stdin: () => fs.readFileSync(0, 'utf-8'),
};

export const USAGE = `Usage: cdk8s-istio analyze [options] <file|dir|->...
       cdk8s-istio analyze [options] --cluster <name>=<dir> --cluster <name>=<dir>...
       cdk8s-istio analyze [options] --fleet <dir>

Checks Istio mesh configuration in Kubernetes YAML manifests (multi-document files; directories
are searched recursively for *.yaml and *.yml; "-" reads standard input) and prints every finding,
one per line, with its code.

Options:
  --fail-on <level>          Exit 1 when a finding is at least this severe: Error (default), Warning, Info
  -o, --output <format>      text (default) or json
  --suppress <codes>         Comma-separated codes not to report, e.g. IST0118,IST0102
  --assume-complete          Treat the files as the whole cluster: report missing Services, hosts and
                             workloads in every namespace (default: only namespaces the files describe)
  --cluster-domain <domain>  Cluster DNS domain (default cluster.local)
  --root-namespace <ns>      Istio root namespace (default istio-system)
  --default-namespace <ns>   Namespace of objects that name none (default default)
  --mesh-config <file>       Istio mesh config YAML (a MeshConfig, or the istio ConfigMap); default: the
                             istio ConfigMap of the input, else Istio's defaults
  --mesh-networks <file>     Istio mesh networks YAML (networks: ...), for multi-network meshes
  --together                 Analyze all files as one cluster. By default every outermost folder with
                             a kustomization.yaml (such as dist/<chart>/ of cdk8s-istio's GitOps output,
                             one cluster each) is analyzed on its own, and the other files together
  --cluster <name>=<path>    A cluster of one multi-cluster mesh (repeat per cluster): the clusters are
                             analyzed as a fleet, each with the others as its mesh peers (a host any
                             cluster serves is known everywhere; routes across networks need the serving
                             cluster's east-west gateway). A cluster's network is the
                             topology.istio.io/network label of its root namespace
  --fleet <dir>              A fleet folder as writeGitOps lays it out (dist/<fleet>/<cluster>/): every
                             sub-folder is a cluster named after it, analyzed as with --cluster
  -h, --help                 Show this help

Exit status: 0 no finding reached --fail-on, 1 at least one did, 2 usage or read error.
`;

const TOP_USAGE = `Usage: cdk8s-istio <command>

Commands:
  analyze <files|dirs>   Check Istio mesh configuration in YAML manifests (see: cdk8s-istio analyze --help)
  install -o <dir> ...   Write an Istio install as GitOps YAML folders (see: cdk8s-istio install --help)
`;

class UsageError extends Error {}

interface Parsed {
  readonly paths: string[];
  readonly failOn: Severity;
  readonly output: 'text' | 'json';
  readonly options: AnalyzeOptions;
  readonly help: boolean;
  readonly together: boolean;
  readonly meshConfigFile?: string;
  readonly meshNetworksFile?: string;
  /** Fleet clusters (`--cluster`, `--fleet`), in order. */
  readonly clusters: Array<{ readonly name: string; readonly path: string }>;
}

function parseArgs(args: readonly string[]): Parsed {
  const paths: string[] = [];
  let failOn: Severity = 'Error';
  let output: 'text' | 'json' = 'text';
  let help = false;
  let together = false;
  let meshConfigFile: string | undefined;
  let meshNetworksFile: string | undefined;
  const clusters: Array<{ name: string; path: string }> = [];
  const options: { -readonly [K in keyof AnalyzeOptions]: AnalyzeOptions[K] } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h': case '--help': help = true; break;
      case '--fail-on': {
        const v = value();
        const s = parseSeverity(v);
        if (!s) throw new UsageError(`--fail-on ${JSON.stringify(v)}: must be Error, Warning or Info`);
        failOn = s;
        break;
      }
      case '-o': case '--output': {
        const v = value();
        if (v !== 'text' && v !== 'json') throw new UsageError(`--output ${JSON.stringify(v)}: must be text or json`);
        output = v;
        break;
      }
      case '--suppress': options.suppress = [...(options.suppress ?? []), ...value().split(',').map((s) => s.trim()).filter((s) => s)]; break;
      case '--assume-complete': options.assumeComplete = true; break;
      case '--together': together = true; break;
      case '--cluster-domain': options.clusterDomain = value(); break;
      case '--root-namespace': options.rootNamespace = value(); break;
      case '--default-namespace': options.defaultNamespace = value(); break;
      case '--mesh-config': meshConfigFile = value(); break;
      case '--mesh-networks': meshNetworksFile = value(); break;
      case '--cluster': {
        const v = value();
        const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)=(.+)$/.exec(v);
        if (!m) throw new UsageError(`--cluster ${JSON.stringify(v)}: must be <name>=<file|dir>, with a DNS label as name, e.g. pi-a=dist/home/pi-a`);
        clusters.push({ name: m[1], path: m[3] });
        break;
      }
      case '--fleet': clusters.push(...fleetClusters(value())); break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        paths.push(a);
    }
  }
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.name)) throw new UsageError(`cluster ${JSON.stringify(c.name)} is given twice: cluster names are unique in a mesh`);
    seen.add(c.name);
  }
  if (clusters.length > 0 && (paths.length > 0 || together)) {
    throw new UsageError('--cluster/--fleet name every input: give no other files or directories, and no --together');
  }
  return { paths, failOn, output, options, help, together, meshConfigFile, meshNetworksFile, clusters };
}

/** The clusters of a fleet folder: one per sub-folder, named after it. YAML files beside the sub-folders are an error. */
function fleetClusters(dir: string): Array<{ name: string; path: string }> {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    throw new UsageError(`--fleet ${JSON.stringify(dir)}: no such directory`);
  }
  const out: Array<{ name: string; path: string }> = [];
  for (const n of names) {
    const p = path.join(dir, n);
    if (fs.statSync(p).isDirectory()) out.push({ name: n, path: p });
    else if (/\.ya?ml$/i.test(n)) throw new UsageError(`--fleet ${JSON.stringify(dir)}: ${p} is not in a cluster folder (a fleet folder holds one folder per cluster)`);
  }
  if (out.length === 0) throw new UsageError(`--fleet ${JSON.stringify(dir)}: holds no cluster folders`);
  return out;
}

/**
 * Runs the command line `argv` (the arguments after the program name, e.g.
 * `['analyze', 'dist/']` or `['install', '--version', '1.30.3', '-o', 'out']`) and returns the exit code.
 */
export function main(argv: readonly string[], io: CliIO = PROCESS_IO): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout)(TOP_USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'install') {
    // Loaded on demand: it pulls in cdk8s and every construct, which `analyze` does not need.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { installCommand } = require('../cli/install') as typeof import('../cli/install');
    return installCommand(rest, io);
  }
  if (command !== 'analyze') {
    io.stderr(`cdk8s-istio: unknown command ${JSON.stringify(command)}\n${TOP_USAGE}`);
    return 2;
  }
  return analyzeCommand(rest, io);
}

function analyzeCommand(args: readonly string[], io: CliIO): number {
  let parsed: Parsed;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`cdk8s-istio analyze: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (parsed.paths.length === 0 && parsed.clusters.length === 0) {
    io.stderr(`cdk8s-istio analyze: no files or directories given\n\n${USAGE}`);
    return 2;
  }

  let input: SourcedObject[];
  let fileCount = 0;
  let options: AnalyzeOptions = parsed.options;
  let fleet: Array<{ name: string; objects: SourcedObject[] }> | undefined;
  try {
    if (parsed.meshConfigFile !== undefined) options = { ...options, meshConfig: readMeshConfigFile(parsed.meshConfigFile) };
    if (parsed.meshNetworksFile !== undefined) options = { ...options, meshNetworks: readMeshNetworksFile(parsed.meshNetworksFile) };
    input = [];
    if (parsed.clusters.length > 0) {
      fleet = parsed.clusters.map((c) => {
        const files = collectFiles([c.path]);
        fileCount += files.length;
        const objects = loadFiles(files);
        input.push(...objects);
        return { name: c.name, objects };
      });
    }
    const files = collectFiles(parsed.paths.filter((p) => p !== '-'));
    fileCount += files.length;
    if (parsed.paths.includes('-')) {
      input.push(...parseManifestText(io.stdin(), '<stdin>'));
      fileCount++;
    }
    input.push(...loadFiles(files));
  } catch (e) {
    if (!(e instanceof ManifestReadError)) throw e;
    io.stderr(`cdk8s-istio analyze: ${e.message}\n`);
    return 2;
  }

  const groups = fleet ?? (parsed.together ? [input] : byDeploymentFolder(input));
  const findings = fleet
    ? analyzeFleet({ clusters: fleet }, options)
    : sortFindings((groups as SourcedObject[][]).flatMap((g) => analyzeSourced(g, options)));
  const failed = failing(findings, parsed.failOn).length > 0;
  if (parsed.output === 'json') {
    io.stdout(`${JSON.stringify({
      findings,
      summary: {
        ...countBySeverity(findings),
        objects: input.length,
        files: fileCount,
        groups: groups.length,
        failOn: parsed.failOn,
        failed,
      },
    }, null, 2)}\n`);
  } else {
    for (const f of findings) io.stdout(`${formatFinding(f)}\n`);
    const separately = fleet ? ` (a fleet of ${fleet.length} clusters: ${fleet.map((c) => c.name).join(', ')})` : groups.length > 1 ? ` (in ${groups.length} groups analyzed separately: one per kustomization folder, and the files outside them)` : '';
    io.stderr(`${findings.length ? summaryText(findings) : 'No findings'} in ${input.length} objects from ${fileCount} file(s)${separately}${failed ? `; failing: findings at ${parsed.failOn} or above` : ''}.\n`);
  }
  return failed ? 1 : 0;
}

/**
 * Splits the input by deployment folder: the outermost folder above each file that holds a
 * kustomization.yaml (one cluster's manifests, like dist/<chart>/, or a cluster folder whose kustomization
 * pulls in sub-folders); files without one form the last group. Groups are in order of first appearance.
 */
function byDeploymentFolder(input: readonly SourcedObject[]): SourcedObject[][] {
  const hasKustomization = new Map<string, boolean>();
  const kustomized = (dir: string): boolean => {
    let known = hasKustomization.get(dir);
    if (known === undefined) {
      known = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((k) => fs.existsSync(path.join(dir, k)));
      hasKustomization.set(dir, known);
    }
    return known;
  };
  const folderOf = (dir: string): string => {
    let found = '';
    for (let d = dir; ; d = path.dirname(d)) {
      if (kustomized(d)) found = d;
      if (path.dirname(d) === d) return found;
    }
  };
  const groups = new Map<string, SourcedObject[]>();
  const rest: SourcedObject[] = [];
  for (const o of input) {
    const folder = o.file && o.file !== '<stdin>' ? folderOf(path.dirname(path.resolve(o.file))) : '';
    if (!folder) {
      rest.push(o);
      continue;
    }
    let g = groups.get(folder);
    if (!g) groups.set(folder, (g = []));
    g.push(o);
  }
  return [...groups.values(), ...(rest.length > 0 || groups.size === 0 ? [rest] : [])];
}
