/**
 * `cdk8s-istio install`: writes a ready Istio install as GitOps folders (the layout of `writeGitOps`) from
 * command-line flags, without writing code; the counterpart of `istioctl manifest generate`.
 *
 * The flags only choose constructs and their props (IstioBase, Istiod, IngressGateway, EgressGateway) and the
 * options of writeGitOps; every rule about the values is the library's own, and its IstioValidationErrors are
 * reported against the flag that carried the value.
 *
 * Exit codes: 0 = written, 2 = usage error, invalid value, or an output folder that cannot be written (then
 * nothing is written).
 */
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import type { CliIO } from '../analyzer/cli';
import { IstioBase } from '../base/istio-base';
import { EastWestGateway } from '../gateway/east-west-gateway';
import { EgressGateway } from '../gateway/egress-gateway';
import { IngressGateway } from '../gateway/ingress-gateway';
import { GitOpsRender, renderGitOps } from '../gitops/output';
import { Istiod } from '../istiod/istiod';
import { IstioValidationError } from '../validation';
import { IstioVersion } from '../version';

/** Chart id of the install: its folder under the output folder and the Argo CD Application's name. */
export const INSTALL_CHART = 'istio';

/**
 * What each profile installs besides IstioBase and Istiod, as istioctl's profiles of the same name do: `default`
 * has the ingress gateway, `minimal` only the control plane, `ambient` the control plane in ambient mode with the
 * Istio CNI node agent and ztunnel (no ingress gateway).
 */
const PROFILES: Record<string, { readonly ingress: boolean; readonly ambient: boolean }> = {
  default: { ingress: true, ambient: false },
  minimal: { ingress: false, ambient: false },
  ambient: { ingress: false, ambient: true },
};

/** Flags of features that are not built yet: refused, never ignored. */
const NOT_YET_FLAGS: Record<string, string> = {};

export const INSTALL_USAGE = `Usage: cdk8s-istio install --version <1.30.x|1.20.x> -o <dir> [options]

Writes an Istio install as plain Kubernetes YAML into <dir>, in the GitOps layout of writeGitOps
(docs/gitops.md): ${INSTALL_CHART}/00-crds.yaml, ${INSTALL_CHART}/10-control-plane.yaml, ${INSTALL_CHART}/20-gateways.yaml
(with a gateway) and ${INSTALL_CHART}/kustomization.yaml. The same flags always write the same bytes.

Options:
  --version <version>      Istio release: 1.30.x (e.g. 1.30.3) or 1.20.x (e.g. 1.20.3). Required
  -o, --output <dir>       Output folder, replaced as a whole: it must be missing, empty or an earlier
                           output. Required
  --profile <name>         default (base, istiod and the ingress gateway, as istioctl's default profile),
                           minimal (base and istiod) or ambient (base, istiod in ambient mode, the Istio
                           CNI node agent and ztunnel; Istio 1.30.x only). Default: default
  --cni                    Add the Istio CNI node agent (DaemonSet istio-cni-node): injected pods get no
                           privileged istio-init container. On with --profile ambient
  --gateway-api            Add the Kubernetes Gateway API CRDs (standard channel) of the version the release
                           is built against (v1.5.1 for 1.30.x, v1.0.0 for 1.20.x), to 00-crds.yaml
  --ingress                Add the ingress gateway (istio-ingressgateway in namespace istio-ingress)
  --egress                 Add the egress gateway (istio-egressgateway in namespace istio-egress)
  --revision <name>        Install the control plane as revision <name> (istiod-<name>; namespaces opt in
                           with the label istio.io/rev=<name>); the cluster-wide validator uses it
  --mesh-id <id>           Mesh ID (multi-cluster)
  --cluster <name>         Cluster name, istiod's CLUSTER_ID (multi-cluster). Default: Kubernetes
  --network <name>         Network of this cluster (multi-network); labels the control-plane namespace
                           topology.istio.io/network
  --revision-tag <tags>    Revision tags (comma-separated, e.g. prod,default) pointing at the installed control
                           plane: webhooks istio-revision-tag-<tag>; namespaces opt in with istio.io/rev=<tag>
  --eastwest-gateway       Add the east-west gateway (istio-eastwestgateway in istio-system, ports 15021, 15443,
                           15012, 15017) and the cross-network-gateway Gateway; needs --network
  --argocd-repo <url>      Also write argocd/${INSTALL_CHART}-application.yaml: an Argo CD Application that syncs
                           <path>/${INSTALL_CHART} from this Git repository
  --argocd-path <path>     Where <dir> lies inside that repository. Default: <dir> relative to the current
                           folder
  --argocd-revision <rev>  Branch, tag or commit Argo CD follows. Default: HEAD
  -h, --help               Show this help


Exit status: 0 written, 2 usage error, invalid value or output folder refused (nothing written).
`;

const HINT = 'Usage: cdk8s-istio install --version <1.30.x|1.20.x> -o <dir> [options] (see: cdk8s-istio install --help)\n';

/** A flag error: one line, reported with the usage hint and exit code 2. */
class UsageError extends Error {}

/** The install the flags ask for. */
interface InstallRequest {
  readonly version: IstioVersion;
  readonly outdir: string;
  readonly profile: string;
  readonly ambient: boolean;
  readonly cni: boolean;
  readonly gatewayApi: boolean;
  readonly ingress: boolean;
  readonly egress: boolean;
  readonly revision?: string;
  readonly meshId?: string;
  readonly clusterName?: string;
  readonly network?: string;
  readonly revisionTags?: string[];
  readonly eastWestGateway: boolean;
  readonly argocd?: { readonly repoURL: string; readonly repoPath?: string; readonly targetRevision?: string };
}

/** Flags that take a value, by every spelling, and the name they are reported under. */
const VALUE_FLAGS: Record<string, string> = {
  '--version': '--version',
  '-o': '--output',
  '--output': '--output',
  '--profile': '--profile',
  '--revision': '--revision',
  '--mesh-id': '--mesh-id',
  '--cluster': '--cluster',
  '--network': '--network',
  '--revision-tag': '--revision-tag',
  '--argocd-repo': '--argocd-repo',
  '--argocd-path': '--argocd-path',
  '--argocd-revision': '--argocd-revision',
};
const SWITCHES = new Set(['--ingress', '--egress', '--cni', '--gateway-api', '--eastwest-gateway', '-h', '--help']);

/** Which flag carried the value an IstioValidationError names (by the field of the construct or option). */
const FLAG_OF_FIELD: Record<string, string> = {
  'version': '--version',
  'ambient': '--profile ambient',
  'outdir': '--output',
  'revision': '--revision',
  'defaultRevision': '--revision',
  'meshId': '--mesh-id',
  'clusterName': '--cluster',
  'network': '--network',
  'tag': '--revision-tag',
  'revisionTags': '--revision-tag',
  'repoURL': '--argocd-repo',
  'argo.repoPath': '--argocd-path',
  'targetRevision': '--argocd-revision',
};

/** Parses the arguments after `install`; `'help'` for `-h`/`--help`. Throws a {@link UsageError}. */
function parseInstallArgs(args: readonly string[]): InstallRequest | 'help' {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (flag in NOT_YET_FLAGS) throw new UsageError(`${flag} is not available yet: ${NOT_YET_FLAGS[flag]}`);
    const name = VALUE_FLAGS[flag];
    if (name !== undefined) {
      let value: string | undefined;
      if (eq > 0) {
        value = a.slice(eq + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith('-')) {
        value = args[++i];
      }
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
      if (values.has(name)) throw new UsageError(`${name} is given more than once`);
      values.set(name, value);
    } else if (SWITCHES.has(flag)) {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      switches.add(flag === '-h' ? '--help' : flag);
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${flag}`);
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(a)} (options only; the output folder is given with -o)`);
    }
  }
  if (switches.has('--help')) return 'help';

  const versionText = values.get('--version');
  if (versionText === undefined) throw new UsageError('missing --version: the Istio release to install, 1.30.x or 1.20.x (e.g. --version 1.30.3)');
  const version = IstioVersion.of(versionText);
  const outdir = values.get('--output');
  if (outdir === undefined) throw new UsageError('missing -o <dir>: the output folder');
  const profile = values.get('--profile') ?? 'default';
  if (!(profile in PROFILES)) {
    const names = Object.keys(PROFILES);
    throw new UsageError(`--profile ${JSON.stringify(profile)}: must be ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`);
  }

  if (switches.has('--eastwest-gateway') && !values.has('--network')) {
    throw new UsageError('--eastwest-gateway needs --network: the gateway serves the network of this cluster');
  }
  const repoURL = values.get('--argocd-repo');
  for (const dependent of ['--argocd-path', '--argocd-revision']) {
    if (values.has(dependent) && repoURL === undefined) throw new UsageError(`${dependent} needs --argocd-repo`);
  }
  return {
    version,
    outdir,
    profile,
    ambient: PROFILES[profile].ambient,
    cni: PROFILES[profile].ambient || switches.has('--cni'),
    gatewayApi: switches.has('--gateway-api'),
    ingress: PROFILES[profile].ingress || switches.has('--ingress'),
    egress: switches.has('--egress'),
    revision: values.get('--revision'),
    meshId: values.get('--mesh-id'),
    clusterName: values.get('--cluster'),
    network: values.get('--network'),
    revisionTags: values.get('--revision-tag')?.split(','),
    eastWestGateway: switches.has('--eastwest-gateway'),
    argocd: repoURL === undefined ? undefined : {
      repoURL,
      repoPath: values.get('--argocd-path'),
      targetRevision: values.get('--argocd-revision'),
    },
  };
}

/** The app of the install: one chart, {@link INSTALL_CHART}, with the constructs the request names. */
function buildInstall(req: InstallRequest): App {
  const app = new App();
  const chart = new Chart(app, INSTALL_CHART, { disableResourceNameHashes: true });
  // A stand-alone revision is also the one the cluster-wide validator (istiod-default-validator) calls.
  const base = new IstioBase(chart, 'base', {
    version: req.version, defaultRevision: req.revision, gatewayApi: req.gatewayApi || undefined,
    namespaceLabels: req.network !== undefined ? { 'topology.istio.io/network': req.network } : undefined,
  });
  const istiod = new Istiod(chart, 'istiod', {
    base,
    revision: req.revision,
    meshId: req.meshId,
    clusterName: req.clusterName,
    network: req.network,
    revisionTags: req.revisionTags,
    cni: req.cni || undefined,
    ambient: req.ambient || undefined,
  });
  if (req.ingress) new IngressGateway(chart, 'ingress', { istiod });
  if (req.egress) new EgressGateway(chart, 'egress', { istiod });
  if (req.eastWestGateway) new EastWestGateway(chart, 'eastwest', { istiod });
  return app;
}

/** The one-line message of a library validation error, naming the flag that carried the value when known. */
function validationMessage(e: IstioValidationError): string {
  // a list flag's items (`revisionTags[1]`) are the flag's too
  const flag = FLAG_OF_FIELD[e.field] ?? FLAG_OF_FIELD[e.field.replace(/\[[0-9]+\]$/, '')];
  if (flag === undefined) return e.message;
  // a flag that names its value itself (`--profile ambient`) is reported without the construct's value
  return e.value === '(undefined)' || flag.includes(' ') ? `${flag}: ${e.expected}` : `${flag} ${e.value}: ${e.expected}`;
}

/**
 * Runs `cdk8s-istio install` with the arguments after `install` and returns the exit code.
 */
export function installCommand(args: readonly string[], io: CliIO): number {
  const usageError = (message: string): number => {
    io.stderr(`cdk8s-istio install: ${message}\n${HINT}`);
    return 2;
  };
  let req: InstallRequest | 'help';
  try {
    req = parseInstallArgs(args);
  } catch (e) {
    if (e instanceof UsageError) return usageError(e.message);
    if (e instanceof IstioValidationError) return usageError(validationMessage(e));
    throw e;
  }
  if (req === 'help') {
    io.stdout(INSTALL_USAGE);
    return 0;
  }

  let rendered: GitOpsRender;
  try {
    rendered = renderGitOps(buildInstall(req), {
      outdir: req.outdir,
      generatedBy: 'Generated by `cdk8s-istio install`; do not edit, run the command again.',
      argo: req.argocd && { repoURL: req.argocd.repoURL, repoPath: req.argocd.repoPath, targetRevision: req.argocd.targetRevision },
    });
  } catch (e) {
    if (e instanceof IstioValidationError) return usageError(validationMessage(e));
    throw e;
  }
  try {
    rendered.tree.write(req.outdir);
  } catch (e) {
    // Refused (not an output folder) or not writable; the folder is left as it was.
    if (!(e instanceof Error)) throw e;
    return usageError(`-o ${JSON.stringify(req.outdir)}: ${e.message.replace(/^GitOpsTree: /, '')}`);
  }

  const components = [req.gatewayApi ? 'base with the Gateway API CRDs' : 'base', req.ambient ? 'istiod (ambient)' : 'istiod', ...(req.cni ? ['Istio CNI node agent'] : []), ...(req.ambient ? ['ztunnel'] : []), ...(req.ingress ? ['ingress gateway'] : []), ...(req.egress ? ['egress gateway'] : []), ...(req.eastWestGateway ? ['east-west gateway'] : [])];
  io.stdout([
    `Wrote Istio ${req.version.tag}${req.revision ? ` revision ${req.revision}` : ''} (profile ${req.profile}: ${components.join(', ')}) to ${req.outdir}:`,
    ...rendered.tree.paths.map((f) => `  ${f}`),
    `Apply: kubectl apply --server-side -k ${path.join(req.outdir, INSTALL_CHART)} (on a new cluster, apply the stage files in order: see docs/gitops.md)`,
    ...(req.argocd ? [`Argo CD: commit ${req.outdir}, then kubectl apply -k ${path.join(req.outdir, 'argocd')}`] : []),
    '',
  ].join('\n'));
  return 0;
}
