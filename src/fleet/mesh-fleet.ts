import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioBase, IstioBaseProps } from '../base/istio-base';
import { EastWestGateway } from '../gateway/east-west-gateway';
import { GatewayService } from '../gateway/service';
import { Istiod, IstiodProps } from '../istiod/istiod';
import { IIstiod } from '../istiod/istiod-ref';
import { ISTIOD_PROPS } from '../istiod/shapes';
import { READER_SERVICE_ACCOUNT } from '../istiod/rbac';
import { RemoteControlPlane } from '../istiod/remote-control-plane';
import { checkKnownKeys, Shape } from '../resource/keys';
import { checkDnsLabel, fail, isLabelValue } from '../validation';
import { IstioVersion } from '../version';
import { ClusterIntermediateCa, FleetRootOfTrust, FLEET_ROOT_OF_TRUST } from './root-of-trust';

/** Settings of one cluster's istiod in a {@link MeshFleet}: `Istiod` props without the ones the fleet owns. */
export type FleetIstiodOptions = Omit<IstiodProps, 'base' | 'clusterName' | 'meshId' | 'network'>;

/** One cluster of a {@link MeshFleet}. */
export interface FleetCluster {
  /**
   * Cluster name: istiod's `CLUSTER_ID` (`global.multiCluster.clusterName`), the name of its remote secret in the
   * other clusters, and the folder `dist/<fleet>/<name>`. A DNS-1123 label.
   */
  readonly name: string;
  /**
   * Network of the cluster (`global.network`; the `topology.istio.io/network` label of the control-plane
   * namespace). Clusters on different networks reach each other through their east-west gateways.
   * @default - the fleet's `network`
   */
  readonly network?: string;
  /**
   * The kubectl context of the cluster, used by the generated remote-secret script.
   * @default - the cluster name
   */
  readonly context?: string;
  /** Settings of the cluster's istiod. @default - the Istiod defaults */
  readonly istiod?: FleetIstiodOptions;
  /** Further props of the cluster's IstioBase (not version, not namespaceLabels). @default - its defaults */
  readonly base?: Omit<IstioBaseProps, 'version' | 'namespaceLabels'>;
  /**
   * Service of the east-west gateway (rendered when the fleet spans more than one network).
   * @default GatewayService.loadBalancer()
   */
  readonly eastWestService?: GatewayService;
  /**
   * `primary` runs its own istiod; `remote` runs none and is served by the istiod of the primary `primary`
   * (primary-remote, {@link RemoteControlPlane}). A remote is on its primary's network.
   * @default 'primary'
   */
  readonly role?: 'primary' | 'remote';
  /**
   * For a remote: the primary cluster whose istiod serves it.
   * @default - the fleet's only primary (an error if there are several)
   */
  readonly primary?: string;
  /**
   * For a remote: the address (IP or DNS name) of the primary's east-west gateway, where the primary exposes
   * istiod (15012, 15017) to its remotes (`global.remotePilotAddress`).
   * @default - the MetalLB address of the primary's `eastWestService`, if it names one
   */
  readonly remotePilotAddress?: string;
}

/** Props of {@link MeshFleet}. */
export interface MeshFleetProps {
  /** Mesh ID shared by every cluster (`global.meshID`). A label value. */
  readonly meshId: string;
  /** Istio release of every cluster. @default IstioVersion.V1_30_3 */
  readonly version?: IstioVersion;
  /**
   * Network of clusters that name none; clusters all on one network form a flat multi-primary mesh (pods reach each
   * other directly), clusters on several networks a multi-network multi-primary mesh with an east-west gateway each.
   * @default 'network1'
   */
  readonly network?: string;
  /** The clusters, at least two; each runs its own istiod (multi-primary). */
  readonly clusters: FleetCluster[];
  /**
   * The shared root of trust: each cluster gets an intermediate CA under one root, issued by cert-manager into its
   * Secret `cacerts` ({@link ClusterIntermediateCa}). Without it, each istiod signs with its own self-signed root and
   * the clusters' workloads do not trust each other, unless `cacerts` is provisioned some other way.
   * @default - none: `cacerts` is provisioned outside the fleet
   */
  readonly rootOfTrust?: FleetRootOfTrust;
}

const FLEET_ISTIOD: Shape<FleetIstiodOptions> = (() => {
  const { base: _b, clusterName: _c, meshId: _m, network: _n, ...rest } = ISTIOD_PROPS;
  return rest;
})();

const MESH_FLEET_PROPS: Shape<MeshFleetProps> = {
  meshId: true, version: 'ref', network: true, rootOfTrust: FLEET_ROOT_OF_TRUST,
  clusters: [{
    name: true, network: true, context: true, istiod: FLEET_ISTIOD, base: 'ref', eastWestService: 'ref',
    role: true, primary: true, remotePilotAddress: true,
  }],
};

/** The topology a {@link MeshFleet} forms. */
export type FleetTopology = 'multi-primary' | 'multi-primary-multi-network' | 'primary-remote' | 'primary-remote-multi-network';

const FLEET_CLUSTER_BRAND = Symbol.for('cdk8s-istio.FleetClusterChart');

/** The chart of one cluster of a fleet: the folder `dist/<fleet>/<cluster>` of the GitOps output. */
export class FleetClusterChart extends Chart {
  /** GitOps folder of the chart, relative to the output folder: `<fleet>/<cluster>`. */
  public readonly gitOpsFolder: string;
  /** Fleet name. */
  public readonly fleetName: string;
  /** Cluster name. */
  public readonly clusterName: string;
  /** Network of the cluster. */
  public readonly network: string;
  /** The kubectl context of the cluster (for the remote-secret script). */
  public readonly context: string;
  /** The cluster's base. */
  public base!: IstioBase;
  /** The cluster's role in the fleet. */
  public role: 'primary' | 'remote' = 'primary';
  /** A remote cluster's control-plane objects (role `remote`). */
  public remoteControlPlane?: RemoteControlPlane;
  /** The primary serving a remote cluster (role `remote`). */
  public primary?: FleetClusterChart;
  private primaryIstiod?: Istiod;
  /** The cluster's east-west gateway (multi-network fleets). */
  public eastWestGateway?: EastWestGateway;
  /** The cluster's intermediate CA under the fleet's root (fleets with a `rootOfTrust`). */
  public intermediateCa?: ClusterIntermediateCa;

  public constructor(scope: Construct, id: string, fleet: string, cluster: string, network: string, context: string) {
    super(scope, id, { disableResourceNameHashes: true });
    this.fleetName = fleet;
    this.clusterName = cluster;
    this.network = network;
    this.context = context;
    this.gitOpsFolder = `${fleet}/${cluster}`;
    Object.defineProperty(this, FLEET_CLUSTER_BRAND, { value: true });
  }

  /** The cluster's istiod (a primary's); a remote cluster has none: use {@link controlPlane}. */
  public get istiod(): Istiod {
    if (!this.primaryIstiod) {
      fail(this, 'istiod', this.clusterName, `is a remote cluster and runs no istiod: use controlPlane (its namespaces), or the istiod of its primary ${this.primary?.clusterName ?? ''}`);
    }
    return this.primaryIstiod;
  }

  public set istiod(istiod: Istiod) {
    this.primaryIstiod = istiod;
  }

  /** The control plane the cluster's namespaces join: its istiod, or on a remote its {@link RemoteControlPlane}. */
  public get controlPlane(): IIstiod {
    return this.remoteControlPlane ?? this.istiod;
  }
}

/**
 * One mesh across several clusters (multi-primary: every cluster runs its own istiod and discovers the endpoints of
 * the others through remote secrets). Per cluster a chart ({@link FleetClusterChart}) with:
 * - the base, its control-plane namespace labelled `topology.istio.io/network: <network>`, and the reader
 *   ServiceAccount `istio-reader-service-account` (istiod renders its read-only ClusterRole and binding): the
 *   identity the other clusters' istiods read this cluster with;
 * - istiod with the cluster name, the shared mesh ID and the cluster's network;
 * - on a multi-network fleet, the east-west gateway ({@link EastWestGateway}) exposing the cluster's services to the
 *   other networks (`cross-network-gateway`, 15443 `AUTO_PASSTHROUGH`).
 *
 * The remote secrets hold a token of the other cluster's reader ServiceAccount: they are credentials, so the fleet
 * never renders them. {@link remoteSecretScript} writes the script that creates them from the running clusters
 * (`istioctl create-remote-secret`), to run once per fleet with access to every cluster; nothing secret enters git.
 * The clusters must share a root of trust (the same root CA in each cluster's `cacerts`): `rootOfTrust` has
 * cert-manager issue each cluster an intermediate CA under one root (see docs/multicluster.md).
 *
 * Primary-remote: a cluster with role `remote` runs no istiod; it gets the istiod chart's remote profile
 * ({@link RemoteControlPlane}: the injector webhook and the Service `istiod` leading to its primary's istiod, the
 * reader RBAC), and its primary exposes istiod through its east-west gateway (`exposeIstiod`) and runs with
 * `EXTERNAL_ISTIOD`. A remote is on its primary's network; the remote secrets go to primaries only.
 *
 * @example
 * const fleet = new MeshFleet(app, 'home', { meshId: 'home', clusters: [
 *   { name: 'pi-a', network: 'net-a' }, { name: 'pi-b', network: 'net-b' }] });
 * fleet.cluster('pi-a').istiod;   // the control plane of pi-a, for namespaces and routes
 */
export class MeshFleet extends Construct {
  /** Fleet name (the construct id): the folder `dist/<name>`. */
  public readonly name: string;
  /** Mesh ID. */
  public readonly meshId: string;
  /** Istio release. */
  public readonly version: IstioVersion;
  /** The topology. */
  public readonly topology: FleetTopology;
  /** The clusters' charts, in the order given. */
  public readonly clusters: readonly FleetClusterChart[];

  public constructor(scope: Construct, id: string, props: MeshFleetProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, MESH_FLEET_PROPS);
    if (!props || typeof props !== 'object') fail(this, 'props', props, 'must be an object with meshId and clusters');
    this.name = checkDnsLabel(this, 'id', id);
    if (typeof props.meshId !== 'string' || !isLabelValue(props.meshId) || props.meshId === '') {
      fail(this, 'meshId', props.meshId, 'must be a non-empty label value, e.g. "mesh1"');
    }
    this.meshId = props.meshId;
    this.version = props.version ?? IstioVersion.V1_30_3;
    if (!(this.version instanceof IstioVersion)) fail(this, 'version', props.version, 'must be an IstioVersion, e.g. IstioVersion.V1_30_3');
    const defaultNetwork = props.network ?? 'network1';
    if (!isLabelValue(defaultNetwork) || defaultNetwork === '') fail(this, 'network', defaultNetwork, 'must be a non-empty label value');
    if (!Array.isArray(props.clusters) || props.clusters.length < 2) {
      fail(this, 'clusters', props.clusters, 'must list at least two clusters { name, network? }: a fleet of one is a plain Istiod');
    }
    const names = new Set<string>();
    const contexts = new Set<string>();
    const planned = props.clusters.map((c, i) => {
      const f = `clusters[${i}]`;
      if (!c || typeof c !== 'object') fail(this, f, c, 'must be a cluster { name, network?, context?, istiod?, base?, eastWestService? }');
      const name = checkDnsLabel(this, `${f}.name`, c.name);
      if (names.has(name)) fail(this, `${f}.name`, name, 'is used by another cluster of the fleet: cluster names key the remote secrets and must be unique');
      names.add(name);
      const network = c.network ?? defaultNetwork;
      if (!isLabelValue(network) || network === '') fail(this, `${f}.network`, network, 'must be a non-empty label value');
      const context = c.context ?? name;
      if (typeof context !== 'string' || context === '' || /[\s'"$`\\]/.test(context)) {
        fail(this, `${f}.context`, context, 'must be a kubectl context name without spaces, quotes, "$", "`" or "\\" (it goes into the remote-secret script)');
      }
      if (contexts.has(context)) fail(this, `${f}.context`, context, 'is the context of another cluster of the fleet');
      contexts.add(context);
      return { c, name, network, context };
    });
    const networks = new Set(planned.map((p) => p.network));
    const served = this.planRemotes(planned);
    const multiNetwork = networks.size > 1;
    if (served.size > 0) this.topology = multiNetwork ? 'primary-remote-multi-network' : 'primary-remote';
    else this.topology = multiNetwork ? 'multi-primary-multi-network' : 'multi-primary';

    this.clusters = planned.map(({ c, name, network, context }) => {
      for (const owned of ['version', 'namespaceLabels'] as const) {
        if (c.base && owned in c.base) fail(this, `clusters[${planned.findIndex((p) => p.c === c)}].base.${owned}`, (c.base as Record<string, unknown>)[owned], 'is set by the fleet (its version; the network label of the namespace): leave it out');
      }
      const chart = new FleetClusterChart(this, name, this.name, name, network, context);
      chart.base = new IstioBase(chart, 'base', {
        ...(c.base ?? {}), version: this.version, namespaceLabels: { 'topology.istio.io/network': network },
      });
      const remote = served.get(c);
      if (remote) {
        chart.role = 'remote';
        chart.remoteControlPlane = new RemoteControlPlane(chart, 'istiod', {
          base: chart.base, clusterName: name, meshId: this.meshId, network, remotePilotAddress: remote.address,
        });
        return chart;
      }
      const servesRemotes = [...served.values()].some((r) => r.primary === name);
      chart.istiod = new Istiod(chart, 'istiod', {
        ...(c.istiod ?? {}), base: chart.base, clusterName: name, meshId: this.meshId, network,
        // the istiod chart's global.externalIstiod: this istiod also serves (and patches the webhooks of) remotes
        ...(servesRemotes ? { env: { ...(c.istiod?.env ?? {}), EXTERNAL_ISTIOD: 'true' } } : {}),
      });
      if (multiNetwork || servesRemotes) {
        chart.eastWestGateway = new EastWestGateway(chart, 'eastwest', {
          istiod: chart.istiod, ...(c.eastWestService ? { service: c.eastWestService } : {}),
          ...(servesRemotes ? { exposeIstiod: true } : {}),
        });
      }
      if (props.rootOfTrust !== undefined) {
        chart.intermediateCa = new ClusterIntermediateCa(chart, 'root-of-trust', {
          istiod: chart.istiod, clusterName: name, rootOfTrust: props.rootOfTrust,
        });
      }
      return chart;
    });
    for (const chart of this.clusters) {
      if (chart.role === 'remote') chart.primary = this.cluster(served.get(planned.find((p) => p.name === chart.clusterName)!.c)!.primary);
    }
  }

  /** Checks the roles: each remote cluster with its primary and the address of the primary's istiod. */
  private planRemotes(planned: Array<{ c: FleetCluster; name: string; network: string }>): Map<FleetCluster, { primary: string; address: string }> {
    const served = new Map<FleetCluster, { primary: string; address: string }>();
    const primaries = planned.filter((p) => (p.c.role ?? 'primary') === 'primary');
    planned.forEach(({ c, network }, i) => {
      const f = `clusters[${i}]`;
      const role = c.role ?? 'primary';
      if (role !== 'primary' && role !== 'remote') fail(this, `${f}.role`, role, 'must be "primary" or "remote"');
      if (role === 'primary') {
        for (const k of ['primary', 'remotePilotAddress'] as const) {
          if (c[k] !== undefined) fail(this, `${f}.${k}`, c[k], 'is for a remote cluster: set role "remote", or leave it out');
        }
        return;
      }
      if (c.istiod !== undefined) fail(this, `${f}.istiod`, c.istiod, 'a remote cluster runs no istiod: its primary\'s istiod serves it; leave istiod out');
      if (primaries.length === 0) fail(this, `${f}.role`, role, 'needs a primary cluster in the fleet to serve it: give at least one cluster role "primary"');
      let primary = primaries[0];
      if (c.primary !== undefined) {
        const found = primaries.find((p) => p.name === c.primary);
        if (!found) fail(this, `${f}.primary`, c.primary, `must name a primary cluster of the fleet: ${primaries.map((p) => p.name).join(', ')}`);
        primary = found;
      } else if (primaries.length > 1) {
        fail(this, `${f}.primary`, c.primary, `must name the primary that serves this remote: the fleet has several (${primaries.map((p) => p.name).join(', ')})`);
      }
      if (network !== primary.network) {
        fail(this, `${f}.network`, network, `differs from the network of its primary ${primary.name} ("${primary.network}"): a remote on another network `
          + 'needs an east-west gateway of its own, injected through the primary, which the fleet does not render. Fix: the primary\'s network');
      }
      const address = c.remotePilotAddress ?? primary.c.eastWestService?.ip;
      if (address === undefined) {
        fail(this, `${f}.remotePilotAddress`, address, `must give the address of ${primary.name}'s east-west gateway (which exposes its istiod), `
          + `e.g. "192.168.1.241", or give ${primary.name} an eastWestService with a MetalLB ip`);
      }
      served.set(c, { primary: primary.name, address });
    });
    return served;
  }

  /** The chart of the named cluster. */
  public cluster(name: string): FleetClusterChart {
    const found = this.clusters.find((c) => c.clusterName === name);
    if (!found) fail(this, 'cluster', name, `must be a cluster of the fleet: ${this.clusters.map((c) => c.clusterName).join(', ')}`);
    return found;
  }

  /**
   * A shell script that gives every cluster's istiod read access to every other cluster (endpoint discovery):
   * for each ordered pair (A, B) it runs `istioctl create-remote-secret` against B's context (a kubeconfig for B's
   * `istio-reader-service-account`) and applies the result to A. Run it once, by someone with access to every
   * cluster, after the fleet's first sync; the secrets live only in the clusters. The script holds no credentials.
   */
  public remoteSecretScript(): string {
    const lines = [
      '#!/bin/sh',
      `# Remote secrets of the mesh fleet "${this.name}" (mesh ${this.meshId}, ${this.topology}).`,
      '# Each cluster gets one Secret per other cluster (label istio/multiCluster=true): a kubeconfig of that cluster\'s',
      `# ${READER_SERVICE_ACCOUNT}, which its istiod uses to discover the other cluster's endpoints.`,
      '# Needs istioctl and kubectl with a context per cluster. The secrets are created in the clusters and never',
      '# written to disk or git. Re-run after adding a cluster or rotating a reader token.',
      'set -eu',
    ];
    // Only a primary runs an istiod that reads other clusters; a remote cluster is read by its primary.
    for (const a of this.clusters.filter((x) => x.role === 'primary')) {
      for (const b of this.clusters) {
        if (a === b) continue;
        lines.push(`echo "remote secret of ${b.clusterName} in ${a.clusterName}"`);
        lines.push(`istioctl create-remote-secret --context='${b.context}' --name='${b.clusterName}' --namespace='${b.controlPlane.namespace}' \\`);
        lines.push(`  | kubectl apply --context='${a.context}' --namespace='${a.istiod.namespace}' -f -`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

/**
 * Whether `chart` is the chart of a fleet's cluster. (cdk8s's Chart answers `instanceof` for every chart, so its
 * subclasses cannot be told apart that way: they carry a brand.) @internal
 */
export function isFleetClusterChart(chart: Chart): chart is FleetClusterChart {
  return (chart as { [FLEET_CLUSTER_BRAND]?: true })[FLEET_CLUSTER_BRAND] === true;
}
