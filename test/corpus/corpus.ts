/**
 * The real-world corpus (issue #14): Istio configurations written by people outside this project (Istio's samples and
 * Istio's own test data), each said again in our own words with the library's typed constructs, never with a raw
 * `ApiObject`. The upstream files are not copied here: test/corpus/corpus.test.ts reads them at test time from the Go
 * module cache (the istio.io/istio module test/conformance/istio-1.30 requires) and compares them with what each
 * entry builds.
 *
 * Each entry is classed:
 * - `exact`: the same objects (kind and name), each with the same apiVersion at 1.30.3, the same spec and, where
 *   the upstream file sets one, the same namespace; the entry emits nothing else;
 * - `equivalent`: the upstream objects with a documented difference that changes nothing Istio does. The entry
 *   states the difference in words (`difference`) and as normalisations (`normalise`) the test applies before it
 *   compares; the test also shows that without them the two are not equal (otherwise the entry would be exact).
 *
 * `corpusObjects(version)` gives every entry's objects for the conformance fixtures (a case named `corpus`), each
 * entry in namespaces of its own (several upstream files use the same names).
 */
import { Chart, Testing } from 'cdk8s';
import {
  AuthorizationPolicy, CanaryRoute, DestinationRule, EnvoyFilter, Gateway, IIstiod, IMeshNamespace, Istiod, IstioValidationError,
  IstioVersion, MeshRoute, PeerAuthentication, ProxyConfig, RequestAuthentication, ServiceEntry, Sidecar, Telemetry, WasmPlugin, WorkloadEntry,
  WorkloadGroup,
} from '../../src';

/** A Kubernetes object as synthesized or as read from an upstream file. */
export interface CorpusObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What an entry builds with. */
export interface CorpusContext {
  readonly chart: Chart;
  /** The control plane, described by attributes (installed elsewhere), as an application chart has it. */
  readonly istiod: IIstiod;
  /** The mesh namespace `name` (the upstream file's namespace; `default` where it sets none). */
  ns(name: string): IMeshNamespace;
}

/** A behaviour-neutral difference, applied to copies of both sides before they are compared. */
export interface Normalisation {
  /** What it does, in a few words (shown in test names). */
  readonly what: string;
  readonly apply: (ours: CorpusObject[], upstream: CorpusObject[]) => void;
}

/** One configuration of the corpus. */
export interface CorpusEntry {
  /** Short id (unique). */
  readonly id: string;
  /** Path of the file in the istio.io/istio module. */
  readonly source: string;
  /** Who wrote it, in words. */
  readonly cite: string;
  /** Upstream kinds compared (the file's other objects, e.g. Deployments, are not Istio configuration). @default - every Istio kind in the file */
  readonly kinds?: string[];
  readonly class: 'exact' | 'equivalent';
  /** For `equivalent`: the difference, and why Istio behaves the same. */
  readonly difference?: string;
  /** For `equivalent`: the difference as normalisations. */
  readonly normalise?: Normalisation[];
  /**
   * At 1.20.3: the field the entry is refused with (an IstioValidationError naming a field Istio 1.20 lacks).
   * @default - it builds at 1.20.3 too
   */
  readonly refusedAt1_20?: string;
  readonly build: (ctx: CorpusContext) => void;
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisations (each the difference in code; the entries' `difference` says why it is neutral)

type Route = { destination?: { subset?: string }; weight?: number };
type HttpRoute = { match?: unknown[]; route?: Route[] };
const httpOf = (o: CorpusObject): HttpRoute[] => ((o.spec?.http ?? []) as HttpRoute[]);

/** Our intent construct also emits an object the upstream file leaves to another file (e.g. the DestinationRule of the subsets). */
const dropOurs = (kind: string, name: string): Normalisation => ({
  what: `our ${kind} ${name} left out`,
  apply: (ours) => {
    const i = ours.findIndex((o) => o.kind === kind && o.metadata.name === name);
    if (i < 0) throw new Error(`normalisation: we emit no ${kind} ${name}`);
    ours.splice(i, 1);
  },
});

/** `weight: 100` on the only destination of a route (Istio reads a single destination without its weight). */
const singleWeight100: Normalisation = {
  what: 'weight 100 of a single destination left out',
  apply: (ours) => {
    for (const o of ours) {
      for (const h of httpOf(o)) {
        if (h.route?.length === 1 && h.route[0].weight === 100) delete h.route[0].weight;
      }
    }
  },
};

/** Destinations of weight 0 beside others (Istio skips them when it builds the weighted clusters). */
const zeroWeights: Normalisation = {
  what: 'destinations of weight 0 left out',
  apply: (ours) => {
    for (const o of ours) {
      for (const h of httpOf(o)) {
        if (h.route && h.route.length > 1) h.route = h.route.filter((r) => r.weight !== 0);
      }
    }
  },
};

/** Upstream routes after an HTTP route without match (they are never reached). */
const unreachableRoutes: Normalisation = {
  what: "upstream's unreachable routes left out",
  apply: (_ours, upstream) => {
    for (const o of upstream) {
      const http = httpOf(o);
      const first = http.findIndex((h) => h.match === undefined);
      if (first >= 0 && first < http.length - 1) http.splice(first + 1);
    }
  },
};

/** An upstream object written without apiVersion (the reader assumes the kind's). */
const apiVersionOmitted: Normalisation = {
  what: "upstream's missing apiVersion taken as ours",
  apply: (ours, upstream) => {
    for (const o of upstream) {
      if (o.apiVersion === undefined) o.apiVersion = ours.find((x) => x.kind === o.kind && x.metadata.name === o.metadata.name)?.apiVersion;
    }
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Helpers of the entries (our own words for recurring pieces)

/** DestinationRule subsets selecting pods by their `version` label. */
const byVersion = (...versions: string[]) => versions.map((v) => ({ name: v, labels: { version: v } }));

const BOOKINFO = "Istio's Bookinfo sample";
const AUTHZ_TESTDATA = "Istio's authorization policy builder test data (pilot/pkg/security/authz/builder)";
const VALIDATION_DATASET = "Istio's validation test data set (pkg/test/datasets/validation)";
const AMBIENT_TESTDATA = "Istio's ambient index test data (pilot/pkg/serviceregistry/ambient)";
const CANARY_DR = 'the CanaryRoute also emits the DestinationRule reviews with the subsets it routes to (Bookinfo applies destination-rule-all.yaml for it)';
const ROUTE_GO = 'pilot/pkg/networking/core/route/route.go';
const SINGLE_WEIGHT = `Istio ignores the weight of a route's only destination (${ROUTE_GO})`;
const WEIGHTS_NEUTRAL = `Istio ignores the weight of a route's only destination and skips destinations of weight 0 beside others (${ROUTE_GO})`;

/** A Bookinfo route sending every request for `service` to one subset. */
function toSubset(ctx: CorpusContext, service: string, subset: string): MeshRoute {
  return new MeshRoute(ctx.chart, `${service}-${subset}`, {
    namespace: ctx.ns('default'), name: service, hosts: [service], routes: [{ destination: { host: service, subset } }],
  });
}

/** A Bookinfo gateway: port 80 (or `port`) of the default ingress gateway, every host. */
function ingressGateway(ctx: CorpusContext, name: string, number: number, protocol: 'HTTP' | 'TCP', namespace = 'default'): Gateway {
  return new Gateway(ctx.chart, name, {
    namespace: ctx.ns(namespace), name,
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number, name: protocol.toLowerCase(), protocol }, hosts: ['*'] }] },
  });
}

/** An external HTTPS host (port 443) known to the mesh. */
function httpsHost(ctx: CorpusContext, name: string, host: string): ServiceEntry {
  return new ServiceEntry(ctx.chart, name, {
    namespace: ctx.ns('default'), name, spec: { hosts: [host], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }] },
  });
}

const HTTPBIN_V1 = { matchLabels: { app: 'httpbin', version: 'v1' } };

// ---------------------------------------------------------------------------------------------------------------
// The entries

export const CORPUS: CorpusEntry[] = [
  // Bookinfo: gateways and routes
  {
    id: 'bookinfo-gateway',
    source: 'samples/bookinfo/networking/bookinfo-gateway.yaml',
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      ingressGateway(ctx, 'bookinfo-gateway', 8080, 'HTTP');
      new MeshRoute(ctx.chart, 'bookinfo', {
        namespace: ctx.ns('default'),
        hosts: ['*'],
        gateways: ['bookinfo-gateway'],
        routes: [{
          matches: [
            { uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }, { uri: { exact: '/login' } },
            { uri: { exact: '/logout' } }, { uri: { prefix: '/api/v1/products' } },
          ],
          destination: { host: 'productpage', port: 9080 },
        }],
      });
    },
  },
  {
    id: 'bookinfo-certmanager-gateway',
    source: 'samples/bookinfo/networking/certmanager-gateway.yaml',
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      ingressGateway(ctx, 'cert-manager-gateway', 80, 'HTTP', 'istio-system');
      new MeshRoute(ctx.chart, 'cert-manager', {
        namespace: ctx.ns('istio-system'),
        hosts: ['*'],
        gateways: ['cert-manager-gateway'],
        routes: [{ match: { uri: { prefix: '/.well-known/acme-challenge/' } }, destination: { host: 'cert-manager-resolver', port: 8089 } }],
      });
    },
  },
  // Bookinfo: destination rules
  ...([['bookinfo-destination-rule-all', 'destination-rule-all.yaml', false], ['bookinfo-destination-rule-all-mtls', 'destination-rule-all-mtls.yaml', true]] as const).map(([id, file, mtls]): CorpusEntry => ({
    id,
    source: `samples/bookinfo/networking/${file}`,
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      const services: Array<[string, string[]]> = [
        ['productpage', ['v1']], ['reviews', ['v1', 'v2', 'v3']], ['ratings', ['v1', 'v2', 'v2-mysql', 'v2-mysql-vm']], ['details', ['v1', 'v2']],
      ];
      for (const [host, versions] of services) {
        new DestinationRule(ctx.chart, host, {
          namespace: ctx.ns('default'),
          spec: { host, ...(mtls ? { trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } : {}), subsets: byVersion(...versions) },
        });
      }
    },
  })),
  {
    id: 'bookinfo-destination-rule-reviews',
    source: 'samples/bookinfo/networking/destination-rule-reviews.yaml',
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      new DestinationRule(ctx.chart, 'reviews', {
        namespace: ctx.ns('default'),
        spec: { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } }, subsets: byVersion('v1', 'v2', 'v3') },
      });
    },
  },
  {
    id: 'bookinfo-egress-google-apis',
    source: 'samples/bookinfo/networking/egress-rule-google-apis.yaml',
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      const host = 'www.googleapis.com';
      const ns = ctx.ns('default');
      new ServiceEntry(ctx.chart, 'googleapis', {
        namespace: ns,
        spec: {
          hosts: [host],
          ports: [{ number: 80, name: 'http', protocol: 'HTTP' }, { number: 443, name: 'https', protocol: 'HTTPS' }],
          resolution: 'DNS',
        },
      });
      // plain HTTP on 80 goes out on 443, where the DestinationRule originates TLS
      new MeshRoute(ctx.chart, 'rewrite-port-for-googleapis', {
        namespace: ns, hosts: [host], routes: [{ match: { port: 80 }, destination: { host, port: 443 } }],
      });
      new DestinationRule(ctx.chart, 'originate-tls-for-googleapis', {
        namespace: ns,
        spec: {
          host,
          trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE' } }] },
        },
      });
    },
  },
  {
    id: 'bookinfo-fault-injection-details-v1',
    source: 'samples/bookinfo/networking/fault-injection-details-v1.yaml',
    cite: BOOKINFO,
    class: 'equivalent',
    difference: 'one route (subset v1 with weight 100, abort 555 for every request) where upstream has a second route after it: '
      + `the first has no match, so the second is never reached; ${SINGLE_WEIGHT}`,
    normalise: [unreachableRoutes, singleWeight100],
    build: (ctx) => {
      new CanaryRoute(ctx.chart, 'details', {
        namespace: ctx.ns('default'), host: 'details', subsets: [{ version: 'v1' }], fault: { abort: { httpStatus: 555, percentage: 100 } },
      });
    },
  },
  // Bookinfo: one subset per service
  {
    id: 'bookinfo-virtual-service-all-v1',
    source: 'samples/bookinfo/networking/virtual-service-all-v1.yaml',
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      for (const service of ['productpage', 'reviews', 'ratings', 'details']) toSubset(ctx, service, 'v1');
    },
  },
  {
    id: 'bookinfo-virtual-service-details-v2',
    source: 'samples/bookinfo/networking/virtual-service-details-v2.yaml',
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      toSubset(ctx, 'details', 'v2');
    },
  },
  {
    id: 'bookinfo-virtual-service-reviews-v3',
    source: 'samples/bookinfo/networking/virtual-service-reviews-v3.yaml',
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      toSubset(ctx, 'reviews', 'v3');
    },
  },
  ...([['db', 'v2'], ['mysql', 'v2-mysql'], ['mysql-vm', 'v2-mysql-vm']] as const).map(([db, subset]): CorpusEntry => ({
    id: `bookinfo-virtual-service-ratings-${db}`,
    source: `samples/bookinfo/networking/virtual-service-ratings-${db}.yaml`,
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      toSubset(ctx, 'reviews', 'v3');
      toSubset(ctx, 'ratings', subset);
    },
  })),
  // Bookinfo: fault injection for one user
  ...([['abort', { abort: { httpStatus: 500, percentage: 100 } }], ['delay', { delay: { fixedDelay: '7s', percentage: 100 } }]] as const).map(([test, fault]): CorpusEntry => ({
    id: `bookinfo-ratings-test-${test}`,
    source: `samples/bookinfo/networking/virtual-service-ratings-test-${test}.yaml`,
    cite: BOOKINFO,
    class: 'exact',
    build: (ctx) => {
      const v1 = { host: 'ratings', subset: 'v1' };
      new MeshRoute(ctx.chart, 'ratings', {
        namespace: ctx.ns('default'),
        hosts: ['ratings'],
        routes: [{ match: { headers: { 'end-user': { exact: 'jason' } } }, fault, destination: v1 }, { destination: v1 }],
      });
    },
  })),
  // Bookinfo: the reviews splits (traffic shifting)
  ...([['80-20', 'v1', 'v2', 20], ['90-10', 'v1', 'v2', 10]] as const).map(([split, stable, canary, weight]): CorpusEntry => ({
    id: `bookinfo-reviews-${split}`,
    source: `samples/bookinfo/networking/virtual-service-reviews-${split}.yaml`,
    cite: BOOKINFO,
    class: 'equivalent',
    difference: CANARY_DR,
    normalise: [dropOurs('DestinationRule', 'reviews')],
    build: (ctx) => {
      new CanaryRoute(ctx.chart, 'reviews', { namespace: ctx.ns('default'), host: 'reviews', stable: { version: stable }, canary: { version: canary, weight } });
    },
  })),
  ...([['50-v3', 'v1', 'v3'], ['v2-v3', 'v2', 'v3']] as const).map(([split, a, b]): CorpusEntry => ({
    id: `bookinfo-reviews-${split}`,
    source: `samples/bookinfo/networking/virtual-service-reviews-${split}.yaml`,
    cite: BOOKINFO,
    class: 'equivalent',
    difference: CANARY_DR,
    normalise: [dropOurs('DestinationRule', 'reviews')],
    build: (ctx) => {
      new CanaryRoute(ctx.chart, 'reviews', {
        namespace: ctx.ns('default'), host: 'reviews', subsets: [{ version: a, weight: 50 }, { version: b, weight: 50 }],
      });
    },
  })),
  // Bookinfo: request routing by user (a dark launch: jason sees the new version, everyone else the other)
  ...([['test-v2', 'v1', 'v2'], ['jason-v2-v3', 'v3', 'v2']] as const).map(([file, everyone, jason]): CorpusEntry => ({
    id: `bookinfo-reviews-${file}`,
    source: `samples/bookinfo/networking/virtual-service-reviews-${file}.yaml`,
    cite: BOOKINFO,
    class: 'equivalent',
    difference: `${CANARY_DR}; the default route lists ${everyone} with weight 100 and ${jason} with weight 0 where upstream lists ${everyone} alone: ${WEIGHTS_NEUTRAL}`,
    normalise: [dropOurs('DestinationRule', 'reviews'), zeroWeights, singleWeight100],
    build: (ctx) => {
      new CanaryRoute(ctx.chart, 'reviews', {
        namespace: ctx.ns('default'),
        host: 'reviews',
        subsets: [{ version: everyone }, { version: jason }],
        matches: [{ headers: { 'end-user': { exact: 'jason' } }, subset: jason }],
      });
    },
  })),

  // Other samples
  {
    id: 'helloworld-gateway',
    source: 'samples/helloworld/helloworld-gateway.yaml',
    cite: "Istio's helloworld sample",
    class: 'exact',
    build: (ctx) => {
      ingressGateway(ctx, 'helloworld-gateway', 80, 'HTTP');
      new MeshRoute(ctx.chart, 'helloworld', {
        namespace: ctx.ns('default'), hosts: ['*'], gateways: ['helloworld-gateway'],
        routes: [{ match: { uri: { exact: '/hello' } }, destination: { host: 'helloworld', port: 5000 } }],
      });
    },
  },
  {
    id: 'httpbin-gateway',
    source: 'samples/httpbin/httpbin-gateway.yaml',
    cite: "Istio's httpbin sample",
    class: 'exact',
    build: (ctx) => {
      ingressGateway(ctx, 'httpbin-gateway', 80, 'HTTP');
      new MeshRoute(ctx.chart, 'httpbin', {
        namespace: ctx.ns('default'), hosts: ['*'], gateways: ['httpbin-gateway'], routes: [{ destination: { host: 'httpbin', port: 8000 } }],
      });
    },
  },
  {
    id: 'tcp-echo-all-v1',
    source: 'samples/tcp-echo/tcp-echo-all-v1.yaml',
    cite: "Istio's tcp-echo sample (TCP traffic shifting task)",
    class: 'exact',
    build: (ctx) => {
      ingressGateway(ctx, 'tcp-echo-gateway', 31400, 'TCP');
      new DestinationRule(ctx.chart, 'tcp-echo-destination', { namespace: ctx.ns('default'), spec: { host: 'tcp-echo', subsets: byVersion('v1', 'v2') } });
      new MeshRoute(ctx.chart, 'tcp-echo', {
        namespace: ctx.ns('default'), hosts: ['*'], gateways: ['tcp-echo-gateway'],
        tcpRoutes: [{ port: 31400, destinations: [{ host: 'tcp-echo', port: 9000, subset: 'v1' }] }],
      });
    },
  },
  {
    id: 'tcp-echo-20-v2',
    source: 'samples/tcp-echo/tcp-echo-20-v2.yaml',
    cite: "Istio's tcp-echo sample (TCP traffic shifting task)",
    class: 'exact',
    build: (ctx) => {
      new MeshRoute(ctx.chart, 'tcp-echo', {
        namespace: ctx.ns('default'), hosts: ['*'], gateways: ['tcp-echo-gateway'],
        tcpRoutes: [{
          port: 31400,
          destinations: [{ host: 'tcp-echo', port: 9000, subset: 'v1', weight: 80 }, { host: 'tcp-echo', port: 9000, subset: 'v2', weight: 20 }],
        }],
      });
    },
  },
  {
    id: 'websockets-route',
    source: 'samples/websockets/route.yaml',
    cite: "Istio's websockets sample (tornado)",
    class: 'exact',
    build: (ctx) => {
      ingressGateway(ctx, 'tornado-gateway', 80, 'HTTP');
      new MeshRoute(ctx.chart, 'tornado', {
        namespace: ctx.ns('default'), hosts: ['*'], gateways: ['tornado-gateway'],
        routes: [{ match: { uri: { prefix: '/' } }, destinations: [{ host: 'tornado', weight: 100 }] }],
      });
    },
  },
  {
    id: 'external-aptget',
    source: 'samples/external/aptget.yaml',
    cite: "Istio's external services samples",
    class: 'exact',
    build: (ctx) => {
      new ServiceEntry(ctx.chart, 'make-aptget-work', {
        namespace: ctx.ns('default'),
        spec: {
          hosts: ['deb.debian.org', 'cdn-fastly.deb.debian.org', 'security.debian.org', 'archive.ubuntu.com', 'security.ubuntu.com'],
          ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
        },
      });
    },
  },
  {
    id: 'external-github',
    source: 'samples/external/github.yaml',
    cite: "Istio's external services samples",
    class: 'exact',
    build: (ctx) => {
      httpsHost(ctx, 'github-https', 'github.com');
      // git over SSH to GitHub's published address ranges (the host name is a placeholder)
      new ServiceEntry(ctx.chart, 'github-tcp', {
        namespace: ctx.ns('default'),
        spec: {
          hosts: ['dummy.github.com'],
          addresses: [
            '13.229.188.59/32', '13.250.177.223/32', '140.82.112.0/20', '18.194.104.89/32', '18.195.85.27/32', '185.199.108.0/22',
            '185.199.108.153/32', '185.199.109.153/32', '185.199.110.153/32', '185.199.111.153/32', '192.30.252.0/22',
            '192.30.252.153/32', '192.30.252.154/32', '23.20.92.3/32', '35.159.8.160/32', '52.74.223.119/32', '54.166.52.62/32', '54.87.5.173/32',
          ],
          ports: [{ name: 'tcp', number: 22, protocol: 'tcp' }],
          location: 'MESH_EXTERNAL',
        },
      });
    },
  },
  {
    id: 'external-pypi',
    source: 'samples/external/pypi.yaml',
    cite: "Istio's external services samples",
    class: 'exact',
    build: (ctx) => {
      httpsHost(ctx, 'python-https', 'pypi.python.org');
      httpsHost(ctx, 'pypi-https', 'pypi.org');
      httpsHost(ctx, 'pythonhosted-https', 'files.pythonhosted.org');
    },
  },
  {
    id: 'extauthz-local-service-entries',
    source: 'samples/extauthz/local-ext-authz.yaml',
    cite: "Istio's ext-authz sample (the ServiceEntries of the authorizer running beside httpbin)",
    kinds: ['ServiceEntry'],
    class: 'exact',
    build: (ctx) => {
      for (const [kind, port, protocol] of [['http', 8000, 'HTTP'], ['grpc', 9000, 'GRPC']] as const) {
        new ServiceEntry(ctx.chart, kind, {
          namespace: ctx.ns('default'),
          name: `httpbin-ext-authz-${kind}`,
          spec: {
            hosts: [`ext-authz-${kind}.local`], endpoints: [{ address: '127.0.0.1' }], ports: [{ name: kind, number: port, protocol }], resolution: 'STATIC',
          },
        });
      }
    },
  },
  {
    id: 'multicluster-expose-istiod',
    source: 'samples/multicluster/expose-istiod.yaml',
    cite: "Istio's multicluster sample (primary-remote install)",
    class: 'exact',
    build: (ctx) => {
      const ns = ctx.ns('default');
      new Gateway(ctx.chart, 'istiod-gateway', {
        namespace: ns,
        spec: {
          selector: { istio: 'eastwestgateway' },
          // istiod's xDS (15012) and webhook (15017) ports, TLS passed through to istiod (the protocol in lower case, as written)
          servers: ([['tls-istiod', 15012], ['tls-istiodwebhook', 15017]] as const).map(([name, number]) => ({
            port: { name, number, protocol: 'tls' }, tls: { mode: 'PASSTHROUGH' as const }, hosts: ['*'],
          })),
        },
      });
      const istiod = 'istiod.istio-system.svc.cluster.local';
      new MeshRoute(ctx.chart, 'istiod-vs', {
        namespace: ns, hosts: ['*'], gateways: ['istiod-gateway'],
        tlsRoutes: [
          { port: 15012, sniHosts: ['*'], destinations: [{ host: istiod, port: 15012 }] },
          { port: 15017, sniHosts: ['*'], destinations: [{ host: istiod, port: 443 }] },
        ],
      });
    },
  },
  {
    id: 'multicluster-expose-services',
    source: 'samples/multicluster/expose-services.yaml',
    cite: "Istio's multicluster sample (multi-network install)",
    class: 'exact',
    build: (ctx) => {
      new Gateway(ctx.chart, 'cross-network-gateway', {
        namespace: ctx.ns('default'),
        spec: {
          selector: { istio: 'eastwestgateway' },
          servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }],
        },
      });
    },
  },
  {
    id: 'open-telemetry-loki',
    source: 'samples/open-telemetry/loki/telemetry.yaml',
    cite: "Istio's OpenTelemetry sample (access logs to Loki)",
    class: 'exact',
    build: (ctx) => {
      new Telemetry(ctx.chart, 'mesh-logging', { namespace: ctx.ns('istio-system'), spec: { accessLogging: [{ providers: [{ name: 'otel' }] }] } });
    },
  },
  {
    id: 'open-telemetry-tracing',
    source: 'samples/open-telemetry/tracing/telemetry.yaml',
    cite: "Istio's OpenTelemetry sample (tracing)",
    class: 'exact',
    build: (ctx) => {
      new Telemetry(ctx.chart, 'otel-demo', {
        namespace: ctx.ns('default'), spec: { tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 0 }] },
      });
    },
  },
  {
    id: 'ratelimit-local-service',
    source: 'samples/ratelimit/local-rate-limit-service.yaml',
    cite: "Istio's rate limit sample (local rate limit on productpage)",
    class: 'exact',
    build: (ctx) => {
      const bucket = (tokens: number) => ({ max_tokens: tokens, tokens_per_fill: tokens, fill_interval: '60s' });
      const always = { runtime_key: 'test_enabled', default_value: { numerator: 100, denominator: 'HUNDRED' } };
      new EnvoyFilter(ctx.chart, 'filter-local-ratelimit-svc', {
        namespace: ctx.ns('istio-system'),
        spec: {
          workloadSelector: { labels: { app: 'productpage' } },
          configPatches: [
            {
              // the local rate limit filter in productpage's inbound HTTP chain, configured per route below
              applyTo: 'HTTP_FILTER',
              match: { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } },
              patch: {
                operation: 'INSERT_BEFORE',
                value: {
                  name: 'envoy.filters.http.local_ratelimit',
                  typed_config: {
                    '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
                    'type_url': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
                    'value': { stat_prefix: 'http_local_rate_limiter' },
                  },
                },
              },
            },
            {
              // every route of port 8000: 100 requests a minute per client, 10 a minute for /productpage
              applyTo: 'HTTP_ROUTE',
              match: { context: 'SIDECAR_INBOUND', routeConfiguration: { vhost: { name: 'inbound|http|8000', route: { action: 'ANY' } } } },
              patch: {
                operation: 'MERGE',
                value: {
                  route: {
                    rate_limits: [
                      { actions: [{ remote_address: {} }] },
                      {
                        actions: [{
                          header_value_match: {
                            descriptor_value: 'productpage', expect_match: true,
                            headers: [{ name: ':path', string_match: { prefix: '/productpage', ignore_case: true } }],
                          },
                        }],
                      },
                    ],
                  },
                  typed_per_filter_config: {
                    'envoy.filters.http.local_ratelimit': {
                      '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
                      'stat_prefix': 'test_enabled',
                      'token_bucket': bucket(100),
                      'enable_x_ratelimit_headers': 'DRAFT_VERSION_03',
                      'filter_enabled': always,
                      'filter_enforced': always,
                      'response_headers_to_add': [{ append: false, header: { key: 'x-local-rate-limit', value: 'true' } }],
                      'descriptors': [{ entries: [{ key: 'header_match', value: 'productpage' }], token_bucket: bucket(10) }],
                    },
                  },
                },
              },
            },
          ],
        },
      });
    },
  },

  {
    id: 'bookinfo-productpage-ratelimit',
    source: 'samples/bookinfo/policy/productpage_envoy_ratelimit.yaml',
    cite: `${BOOKINFO} (global rate limit at the ingress gateway, Istio's rate limiting task)`,
    class: 'exact',
    build: (ctx) => {
      const gateway = { labels: { istio: 'ingressgateway' } };
      const service = 'ratelimit.default.svc.cluster.local';
      new EnvoyFilter(ctx.chart, 'filter-ratelimit', {
        namespace: ctx.ns('istio-system'),
        spec: {
          workloadSelector: gateway,
          configPatches: [
            {
              // Envoy's rate limit filter before the router, asking the rate limit service (domain productpage-ratelimit)
              applyTo: 'HTTP_FILTER',
              match: {
                context: 'GATEWAY',
                listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
              },
              patch: {
                operation: 'INSERT_BEFORE',
                value: {
                  name: 'envoy.ratelimit',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit',
                    'domain': 'productpage-ratelimit',
                    'failure_mode_deny': true,
                    'rate_limit_service': { grpc_service: { envoy_grpc: { cluster_name: 'rate_limit_cluster' } } },
                    'timeout': '10s',
                  },
                },
              },
            },
            {
              // the cluster of the rate limit service (gRPC over HTTP/2)
              applyTo: 'CLUSTER',
              match: { cluster: { service } },
              patch: {
                operation: 'ADD',
                value: {
                  name: 'rate_limit_cluster',
                  type: 'STRICT_DNS',
                  connect_timeout: '10s',
                  lb_policy: 'ROUND_ROBIN',
                  http2_protocol_options: {},
                  load_assignment: {
                    cluster_name: 'rate_limit_cluster',
                    endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: service, port_value: 8081 } } } }] }],
                  },
                },
              },
            },
          ],
        },
      });
      new EnvoyFilter(ctx.chart, 'filter-ratelimit-svc', {
        namespace: ctx.ns('istio-system'),
        spec: {
          workloadSelector: gateway,
          configPatches: [{
            // every virtual host of the gateway: the request path is the descriptor
            applyTo: 'VIRTUAL_HOST',
            match: { context: 'GATEWAY', routeConfiguration: { vhost: { name: '', route: { action: 'ANY' } } } },
            patch: { operation: 'MERGE', value: { rate_limits: [{ actions: [{ request_headers: { header_name: ':path', descriptor_key: 'PATH' } }] }] } },
          }],
        },
      });
    },
  },
  // Istio's test data: authorization policies
  {
    id: 'authz-custom-simple-http',
    source: 'pilot/pkg/security/authz/builder/testdata/http/custom-simple-http-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      for (const n of [1, 2]) {
        new AuthorizationPolicy(ctx.chart, `httpbin-${n}`, {
          namespace: ctx.ns('foo'),
          spec: { action: 'CUSTOM', provider: { name: 'default' }, selector: HTTPBIN_V1, rules: [{ to: [{ operation: { paths: [`/httpbin${n}`] } }] }] },
        });
      }
    },
  },
  {
    id: 'authz-allow-empty-rule',
    source: 'pilot/pkg/security/authz/builder/testdata/http/allow-empty-rule-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      // one empty rule matches every request: allow all
      new AuthorizationPolicy(ctx.chart, 'allow-all', { namespace: ctx.ns('foo'), spec: { selector: HTTPBIN_V1, rules: [{}] } });
    },
  },
  {
    id: 'authz-allow-nil-rule',
    source: 'pilot/pkg/security/authz/builder/testdata/http/allow-nil-rule-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      // no rules match nothing: the selected workload allows no request
      new AuthorizationPolicy(ctx.chart, 'allow-none', { namespace: ctx.ns('foo'), spec: { selector: HTTPBIN_V1 } });
    },
  },
  {
    id: 'authz-deny-and-allow',
    source: 'pilot/pkg/security/authz/builder/testdata/http/deny-and-allow-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      for (const action of ['DENY', 'ALLOW'] as const) {
        const word = action.toLowerCase();
        new AuthorizationPolicy(ctx.chart, `httpbin-${word}`, {
          namespace: ctx.ns('foo'), spec: { action, rules: [{ from: [{ source: { principals: [word] } }] }] },
        });
      }
    },
  },
  {
    id: 'authz-deny-empty-rule',
    source: 'pilot/pkg/security/authz/builder/testdata/http/deny-empty-rule-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      new AuthorizationPolicy(ctx.chart, 'deny-all', { namespace: ctx.ns('foo'), spec: { action: 'DENY', selector: HTTPBIN_V1, rules: [{}] } });
    },
  },
  {
    id: 'authz-allow-path',
    source: 'pilot/pkg/security/authz/builder/testdata/http/allow-path-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    refusedAt1_20: 'spec.rules[0].to[0].operation.paths[4]',
    build: (ctx) => {
      const forms = (w: string) => [`/${w}exact`, `/${w}prefix/*`, `*/${w}suffix`, '*', `/${w}path/template/{*}`, `/{**}/${w}path/template`];
      new AuthorizationPolicy(ctx.chart, 'httpbin-1', {
        namespace: ctx.ns('foo'),
        spec: { selector: HTTPBIN_V1, rules: [{ to: [{ operation: { paths: forms(''), notPaths: forms('not-') } }] }] },
      });
    },
  },
  {
    id: 'authz-audit-full-rule',
    source: 'pilot/pkg/security/authz/builder/testdata/http/audit-full-rule-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      // every request of the namespace is audited (access itself unchanged)
      new AuthorizationPolicy(ctx.chart, 'audit-all', { namespace: ctx.ns('foo'), spec: { action: 'AUDIT', rules: [{}] } });
    },
  },
  {
    id: 'authz-dry-run-allow',
    source: 'pilot/pkg/security/authz/builder/testdata/http/dry-run-allow-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      // evaluated and logged, not enforced
      new AuthorizationPolicy(ctx.chart, 'httpbin-1', {
        namespace: ctx.ns('foo'), annotations: { 'istio.io/dry-run': 'true' },
        spec: { selector: HTTPBIN_V1, rules: [{ to: [{ operation: { paths: ['/exact'] } }] }] },
      });
    },
  },
  {
    id: 'authz-dry-run-mix',
    source: 'pilot/pkg/security/authz/builder/testdata/http/dry-run-mix-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      for (const [n, path, dryRun] of [[1, '/allow', 'true'], [2, '/another', 'false']] as const) {
        new AuthorizationPolicy(ctx.chart, `httpbin-${n}`, {
          namespace: ctx.ns('foo'), annotations: { 'istio.io/dry-run': dryRun },
          spec: { selector: HTTPBIN_V1, action: 'ALLOW', rules: [{ to: [{ operation: { paths: [path] } }] }] },
        });
      }
    },
  },
  {
    id: 'authz-multiple-policies',
    source: 'pilot/pkg/security/authz/builder/testdata/http/multiple-policies-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      // nine ALLOW policies, one field each, some for httpbin v1 or part of it, the rest for the whole namespace
      const policies: Array<[Record<string, string> | undefined, Record<string, unknown>]> = [
        [{ app: 'httpbin', version: 'v1' }, { to: [{ operation: { methods: ['GET', 'POST'] } }] }],
        [{ app: 'httpbin' }, { to: [{ operation: { paths: ['/v1', '/v2'] } }] }],
        [{ version: 'v1' }, { to: [{ operation: { hosts: ['google.com', 'httpbin.org'] } }] }],
        [undefined, { to: [{ operation: { ports: ['80', '90'] } }] }],
        [undefined, { from: [{ source: { principals: ['principals1', 'principals2'] } }] }],
        [undefined, { from: [{ source: { requestPrincipals: ['requestPrincipals1', 'requestPrincipals2'] } }] }],
        [undefined, { from: [{ source: { namespaces: ['namespaces1', 'namespaces2'] } }] }],
        [undefined, { from: [{ source: { ipBlocks: ['1.2.3.4', '5.6.7.0/24'] } }] }],
        [undefined, { when: [{ key: 'request.headers[X-abc]', values: ['abc1', 'abc2'] }] }],
      ];
      policies.forEach(([matchLabels, rule], i) => {
        new AuthorizationPolicy(ctx.chart, `httpbin-${i + 1}`, {
          namespace: ctx.ns('foo'), spec: { ...(matchLabels ? { selector: { matchLabels } } : {}), rules: [rule] },
        });
      });
    },
  },
  {
    id: 'authz-principal-with-wildcard',
    source: 'pilot/pkg/security/authz/builder/testdata/http/simple-policy-principal-with-wildcard-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      new AuthorizationPolicy(ctx.chart, 'httpbin', {
        namespace: ctx.ns('foo'),
        spec: {
          selector: HTTPBIN_V1,
          rules: [{
            from: [
              { source: { principals: ['*'] } },
              // any trust domain (or one ending in "bar"), service accounts of namespace foo
              { source: { principals: ['*/ns/foo/sa/rule[0]-from[1]-principal[0]', '*bar/ns/foo/sa/rule[0]-from[1]-principal[1]'] } },
            ],
          }],
        },
      });
    },
  },
  {
    id: 'authz-trust-domains',
    source: 'pilot/pkg/security/authz/builder/testdata/http/trust-domains-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    refusedAt1_20: 'spec.rules[0].from[0].source.trustDomains',
    build: (ctx) => {
      new AuthorizationPolicy(ctx.chart, 'httpbin', {
        namespace: ctx.ns('foo'),
        spec: {
          selector: HTTPBIN_V1,
          rules: [{ from: [{ source: { trustDomains: ['cluster.local', 'another.local'] } }, { source: { notTrustDomains: ['bad*', 'untrusted'] } }] }],
        },
      });
    },
  },
  {
    id: 'authz-td-aliases-source-principal',
    source: 'pilot/pkg/security/authz/builder/testdata/http/td-aliases-source-principal-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      new AuthorizationPolicy(ctx.chart, 'httpbin', {
        namespace: ctx.ns('foo'),
        spec: {
          selector: HTTPBIN_V1,
          rules: [{
            from: [{ source: { namespaces: ['istio-system'] } }],
            when: [{ key: 'source.principal', values: ['*', '*/ns/foo/sa/all-td', '*-td/ns/foo/sa/prefix-td'] }],
          }],
        },
      });
    },
  },
  {
    id: 'authz-simple-policy-td-aliases',
    source: 'pilot/pkg/security/authz/builder/testdata/http/simple-policy-td-aliases-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      const principal = (rule: number, from: number, n: number) => `cluster.local/ns/rule[${rule}]/sa/from[${from}]-principal[${n}]`;
      const method = (rule: number) => [{ operation: { methods: [`rule[${rule}]-to[0]-method[0]`] } }];
      new AuthorizationPolicy(ctx.chart, 'httpbin', {
        namespace: ctx.ns('foo'),
        spec: {
          selector: HTTPBIN_V1,
          rules: [
            {
              from: [
                { source: { principals: [principal(0, 0, 0)] } },
                { source: { principals: [principal(0, 1, 0), principal(0, 1, 1)], namespaces: ['rule[0]-from[1]-ns[0]'] } },
              ],
              to: method(0),
            },
            { from: [{ source: { principals: [principal(1, 0, 0)] } }], to: method(1) },
          ],
        },
      });
    },
  },
  {
    id: 'authz-allow-host',
    source: 'pilot/pkg/security/authz/builder/testdata/http/allow-host-before-111-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      // exact, prefix, suffix and any host, and the same excluded
      const forms = (w: string) => [`${w}example.com`, `prefix.${w}example.*`, `*.${w}example.com`, '*'];
      new AuthorizationPolicy(ctx.chart, 'httpbin-1', {
        namespace: ctx.ns('foo'),
        spec: { selector: HTTPBIN_V1, rules: [{ to: [{ operation: { hosts: forms(''), notHosts: forms('not-') } }] }] },
      });
    },
  },
  {
    id: 'authz-allow-full-rule',
    source: 'pilot/pkg/security/authz/builder/testdata/http/allow-full-rule-in.yaml',
    cite: AUTHZ_TESTDATA,
    class: 'exact',
    refusedAt1_20: 'spec.rules[0].from[0].source.serviceAccounts',
    build: (ctx) => {
      // every field of a source, an operation and a condition, each value in exact, prefix, suffix and any form
      const forms = (w: string) => [w, `${w}-prefix-*`, `*-suffix-${w}`, '*'];
      const notForms = (w: string) => [`not-${w}`, `not-${w}-prefix-*`, `*-not-suffix-${w}`, '*'];
      const nsForms = (w: string) => [w, `${w}-prefix-*`, `*-${w}-suffix`, '*'];
      const hostForms = (w: string) => [`${w}exact.com`, `*.${w}suffix.com`, `${w}prefix.*`, '*'];
      const pathForms = (w: string) => [`/${w}exact`, `/${w}prefix/*`, `*/${w}suffix`, '*', `/${w}path/template/{*}`, `/{**}/${w}path/template`];
      const both = (values: string[], notValues: string[]) => ({ values, notValues });
      const addresses = both(['10.10.10.10', '192.168.10.0/24'], ['90.10.10.10', '90.168.10.0/24']);
      new AuthorizationPolicy(ctx.chart, 'httpbin-1', {
        namespace: ctx.ns('foo'),
        spec: {
          selector: HTTPBIN_V1,
          rules: [
            { from: [{ source: { serviceAccounts: ['my-ns/my-sa', 'sa-only'], notServiceAccounts: ['my-ns/my-sa-not', 'sa-not-only'] } }] },
            {
              from: [{
                source: {
                  principals: forms('principal'),
                  requestPrincipals: forms('requestPrincipals'),
                  namespaces: nsForms('ns'),
                  ipBlocks: ['1.2.3.4', '5.6.0.0/16'],
                  remoteIpBlocks: ['1.2.3.4', '5.6.0.0/16'],
                  notPrincipals: notForms('principal'),
                  notRequestPrincipals: notForms('requestPrincipals'),
                  notNamespaces: nsForms('not-ns'),
                  notIpBlocks: ['9.0.0.1', '9.2.0.0/16'],
                  notRemoteIpBlocks: ['9.0.0.1', '9.2.0.0/16'],
                },
              }],
              to: [{
                operation: {
                  methods: forms('method'), hosts: hostForms(''), ports: ['80', '90'], paths: pathForms(''),
                  notMethods: notForms('method'), notHosts: hostForms('not-'), notPorts: ['8000', '9000'], notPaths: pathForms('not-'),
                },
              }],
              when: [
                { key: 'request.headers[X-header]', ...both(forms('header'), notForms('header')) },
                { key: 'source.ip', ...addresses },
                { key: 'remote.ip', ...addresses },
                { key: 'source.namespace', ...both(nsForms('ns'), nsForms('not-ns')) },
                { key: 'source.principal', ...both(forms('principal'), notForms('principal')) },
                { key: 'request.auth.principal', ...both([...forms('requestPrincipals'), 'https://example.com/*'], notForms('requestPrincipals')) },
                { key: 'request.auth.audiences', ...both(forms('audiences'), notForms('audiences')) },
                { key: 'request.auth.presenter', ...both(forms('presenter'), notForms('presenter')) },
                { key: 'request.auth.claims[iss]', ...both(forms('iss'), notForms('iss')) },
                { key: 'request.auth.claims[nested1][nested2]', ...both(forms('nested'), notForms('nested')) },
                { key: 'destination.ip', ...addresses },
                { key: 'destination.port', ...both(['91', '92'], ['9001', '9002']) },
                { key: 'connection.sni', ...both(hostForms(''), hostForms('not-')) },
                { key: 'experimental.envoy.filters.a.b[c]', ...both(['exact', 'prefix-*', '*-suffix', '*'], ['not-exact', 'not-prefix-*', '*-not-suffix', '*']) },
              ],
            },
          ],
        },
      });
    },
  },
  {
    id: 'ambient-deny-groups',
    source: 'pilot/pkg/serviceregistry/ambient/testdata/deny-groups-in.yaml',
    cite: AMBIENT_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      const port80 = (extra: { methods?: string[] } = {}) => [{ operation: { ports: ['80'], ...extra } }];
      new AuthorizationPolicy(ctx.chart, 'groups-deny', {
        namespace: ctx.ns('default'),
        spec: {
          action: 'DENY',
          rules: [
            // L4 and L7 sources
            { from: [{ source: { principals: ['from-mix-principal'], requestPrincipals: ['from-mix-requestPrincipals'], namespaces: ['from-mix-ns'] } }], to: port80() },
            // L4 and L7 operations
            { from: [{ source: { principals: ['to-mix-principal'], namespaces: ['to-mix-ns'] } }], to: port80({ methods: ['to-mix-method'] }) },
            // L4 only
            { from: [{ source: { principals: ['only-l4-principals'], namespaces: ['only-l4-ns'] } }], to: port80() },
            // L7 only
            { from: [{ source: { requestPrincipals: ['l7-principal'] } }], to: [{ operation: { paths: ['/l7-foo'], methods: ['l7-method'] } }] },
            // conditions: L4 and L7, L4 only, L7 only
            { when: [{ key: 'source.namespace', values: ['when-l4-l7-ns'] }, { key: 'connection.sni', values: ['when-l4-l7-sni'] }] },
            { when: [{ key: 'source.namespace', values: ['when-l4-ns'] }, { key: 'source.ip', values: ['10.10.10.10'], notValues: ['20.20.20.20'] }] },
            { when: [{ key: 'connection.sni', values: ['when-l7-sni'] }, { key: 'request.headers[X-header]', values: ['when-l7-header'] }] },
          ],
        },
      });
    },
  },

  // Istio's test data: peer authentication
  {
    id: 'ambient-peer-authn-strict-and-disable-port',
    source: 'pilot/pkg/serviceregistry/ambient/testdata/peer-authn-strict-and-disable-port-mtls-in.yaml',
    cite: AMBIENT_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      new PeerAuthentication(ctx.chart, 'strict-and-disable-mtls', {
        namespace: ctx.ns('default'),
        spec: { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'DISABLE' } } },
      });
    },
  },
  {
    id: 'ambient-peer-authn-permissive',
    source: 'pilot/pkg/serviceregistry/ambient/testdata/peer-authn-permissive-in.yaml',
    cite: AMBIENT_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      new PeerAuthentication(ctx.chart, 'permissive-mtls', { namespace: ctx.ns('default'), spec: { mtls: { mode: 'PERMISSIVE' } } });
    },
  },
  {
    id: 'ambient-peer-authn-strict-workload',
    source: 'pilot/pkg/serviceregistry/ambient/testdata/peer-authn-strict-workload-in.yaml',
    cite: AMBIENT_TESTDATA,
    class: 'exact',
    build: (ctx) => {
      new PeerAuthentication(ctx.chart, 'strict-mtls', {
        namespace: ctx.ns('default'), spec: { selector: { matchLabels: { app: 'a' } }, mtls: { mode: 'STRICT' } },
      });
    },
  },

  // Istio's test data: a mesh with a namespace-scoped default Sidecar (pilot's sidecar scope tests)
  {
    id: 'sidecar-ns-scope',
    source: 'tests/testdata/networking/sidecar-ns-scope/configs.yaml',
    cite: "Istio's networking test data (sidecar scope of a namespace)",
    class: 'exact',
    build: (ctx) => {
      // the root namespace istio-config: proxies see their own namespace only, mTLS everywhere
      const root = ctx.ns('istio-config');
      new Sidecar(ctx.chart, 'default-sidecar-scope', { namespace: root, spec: { egress: [{ hosts: ['./*'] }] } });
      new PeerAuthentication(ctx.chart, 'mtls-servers', { namespace: root, name: 'default', spec: { mtls: { mode: 'STRICT' } } });
      new DestinationRule(ctx.chart, 'mtls-clients', {
        namespace: root, name: 'default', spec: { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
      });
      // two namespaces with the same three services, as mesh-internal entries with static endpoints
      for (const [ns, vip, pod] of [['ns1', '2.1.1', '100.1'], ['ns2', '3.1.1', '200.1']] as const) {
        const services: Array<[string, number, 'HTTP2' | 'TCP', string]> = [['http1', 8080, 'HTTP2', 'http'], ['http2', 8080, 'HTTP2', 'http'], ['tcp1', 3306, 'TCP', 'tcp']];
        services.forEach(([name, number, protocol, port], i) => {
          const endpoint = (n: number, version?: string) => ({ address: `${pod}.${n}.${i + 1}`, ...(version ? { labels: { version } } : {}), ports: { [port]: number } });
          const endpoints = ns === 'ns1' && name === 'http1' ? [endpoint(1, 'v1'), endpoint(2, 'v2')] : [endpoint(1)];
          new ServiceEntry(ctx.chart, `${ns}-${name}`, {
            namespace: ctx.ns(ns), name,
            spec: {
              hosts: [`${name}.${ns}.svc.cluster.local`], addresses: [`${vip}.${i + 1}`], ports: [{ number, name: port, protocol }],
              location: 'MESH_INTERNAL', resolution: 'STATIC', endpoints,
            },
          });
        });
      }
      // http1 of ns1: 70% to v1, 30% to v2
      new CanaryRoute(ctx.chart, 'http1', {
        namespace: ctx.ns('ns1'), host: 'http1.ns1.svc.cluster.local', stable: { version: 'v1' }, canary: { version: 'v2', weight: 30 },
      });
    },
  },

  // Istio's validation test data set (one valid object per kind, pkg/test/datasets/validation)
  {
    id: 'validation-destination-rule',
    source: 'pkg/test/datasets/validation/dataset/networking-v1-DestinationRule.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      new DestinationRule(ctx.chart, 'valid-destination-rule', { namespace: ctx.ns('default'), spec: { host: 'c', subsets: byVersion('v1', 'v2') } });
    },
  },
  {
    id: 'validation-virtual-service',
    source: 'pkg/test/datasets/validation/dataset/networking-v1-VirtualService.yaml',
    cite: VALIDATION_DATASET,
    class: 'equivalent',
    difference: 'the CanaryRoute also emits the DestinationRule of its subsets (the data set has it as networking-v1-DestinationRule.yaml, the same spec and name)',
    normalise: [dropOurs('DestinationRule', 'valid-destination-rule')],
    build: (ctx) => {
      new CanaryRoute(ctx.chart, 'c', {
        namespace: ctx.ns('default'), host: 'c', stable: { version: 'v1' }, canary: { version: 'v2', weight: 25 },
        virtualServiceName: 'valid-virtual-service', destinationRuleName: 'valid-destination-rule',
      });
    },
  },
  {
    id: 'validation-gateway',
    source: 'pkg/test/datasets/validation/dataset/networking-v1-Gateway.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      new Gateway(ctx.chart, 'valid-gateway', {
        namespace: ctx.ns('default'),
        spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 31400, protocol: 'TCP', name: 'tcp' }, hosts: ['a.istio-system.svc.cluster.local'] }] },
      });
    },
  },
  {
    id: 'validation-service-entry',
    source: 'pkg/test/datasets/validation/dataset/networking-v1-ServiceEntry.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      // an external host served by an in-cluster stand-in
      new ServiceEntry(ctx.chart, 'valid-service-entry', {
        namespace: ctx.ns('default'),
        spec: {
          hosts: ['eu.bookinfo.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS',
          endpoints: [{ address: 't.istio-system.svc.cluster.local', ports: { http: 8080 } }],
        },
      });
    },
  },
  {
    id: 'validation-sidecar',
    source: 'pkg/test/datasets/validation/dataset/networking-v1-Sidecar.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      new Sidecar(ctx.chart, 'valid-sidecar-config', { namespace: ctx.ns('default'), spec: { egress: [{ hosts: ['abc/*'] }] } });
    },
  },
  {
    id: 'validation-workload-entry',
    source: 'pkg/test/datasets/validation/dataset/networking-v1-WorkloadEntry.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      new WorkloadEntry(ctx.chart, 'valid-workload-entry', { namespace: ctx.ns('default'), spec: { address: '1.2.3.4' } });
    },
  },
  {
    id: 'validation-workload-group',
    source: 'pkg/test/datasets/validation/dataset/networking-v1-WorkloadGroup.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      new WorkloadGroup(ctx.chart, 'reviews', {
        namespace: ctx.ns('default'),
        spec: {
          metadata: { labels: { 'app.kubernetes.io/name': 'reviews', 'app.kubernetes.io/version': '1.3.4' } },
          template: { ports: { grpc: 3550, http: 8080 }, serviceAccount: 'default', address: '1.2.3.4' },
        },
      });
    },
  },
  {
    id: 'validation-proxy-config',
    source: 'pkg/test/datasets/validation/dataset/networking-v1beta1-ProxyConfig.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      new ProxyConfig(ctx.chart, 'valid-example-pc', { namespace: ctx.ns('default'), spec: { concurrency: 3 } });
    },
  },
  {
    id: 'validation-authorization-policy',
    source: 'pkg/test/datasets/validation/dataset/security-v1-AuthorizationPolicy.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      // sleep's identity or namespace test may GET /info* and POST /data, with a Google-issued token
      new AuthorizationPolicy(ctx.chart, 'authorization-policy', {
        namespace: ctx.ns('default'),
        spec: {
          selector: HTTPBIN_V1,
          rules: [{
            from: [{ source: { principals: ['cluster.local/ns/default/sa/sleep'] } }, { source: { namespaces: ['test'] } }],
            to: [{ operation: { methods: ['GET'], paths: ['/info*'] } }, { operation: { methods: ['POST'], paths: ['/data'] } }],
            when: [{ key: 'request.auth.claims[iss]', values: ['https://accounts.google.com'] }],
          }],
        },
      });
    },
  },
  {
    id: 'validation-peer-authentication',
    source: 'pkg/test/datasets/validation/dataset/security-v1-PeerAuthentication.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      new PeerAuthentication(ctx.chart, 'valid-peer-authentication', {
        namespace: ctx.ns('default'), spec: { selector: HTTPBIN_V1, mtls: { mode: 'PERMISSIVE' }, portLevelMtls: { 8080: { mode: 'STRICT' } } },
      });
    },
  },
  {
    id: 'validation-request-authentication',
    source: 'pkg/test/datasets/validation/dataset/security-v1-RequestAuthentication.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      new RequestAuthentication(ctx.chart, 'valid-request-authentication', {
        namespace: ctx.ns('default'), spec: { selector: HTTPBIN_V1, jwtRules: [{ issuer: 'example.com' }] },
      });
    },
  },
  {
    id: 'validation-telemetry',
    source: 'pkg/test/datasets/validation/dataset/telemetry-v1-Telemetry.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      new Telemetry(ctx.chart, 'valid', { namespace: ctx.ns('default'), spec: { tracing: [{ randomSamplingPercentage: 10 }] } });
    },
  },
  {
    id: 'validation-wasm-plugin',
    source: 'pkg/test/datasets/validation/dataset/extensions-v1alpha1-WasmPlugin.yaml',
    cite: VALIDATION_DATASET,
    class: 'exact',
    build: (ctx) => {
      // an OpenID Connect filter from a private registry on the ingress gateway, before Istio's authentication
      new WasmPlugin(ctx.chart, 'valid', {
        namespace: ctx.ns('default'),
        spec: {
          selector: { matchLabels: { istio: 'ingressgateway' } },
          url: 'oci://private-registry:5000/openid-connect/openid:latest',
          imagePullPolicy: 'IfNotPresent',
          imagePullSecret: 'private-registry-pull-secret',
          phase: 'AUTHN',
          pluginConfig: { openid_server: 'authn', openid_realm: 'ingress' },
        },
      });
    },
  },

  // Istio's test data: a VM workload group
  {
    id: 'istioctl-vm-workloadgroup',
    source: 'istioctl/pkg/workload/testdata/vmconfig/ipv4/workloadgroup.yaml',
    cite: "istioctl's `x workload entry configure` test data (VM onboarding)",
    class: 'equivalent',
    difference: 'the upstream file has no apiVersion (`istioctl x workload entry configure -f` unmarshals it into its WorkloadGroup type, '
      + 'which does not read one); ours has the release\'s',
    normalise: [apiVersionOmitted],
    build: (ctx) => {
      new WorkloadGroup(ctx.chart, 'foo', {
        namespace: ctx.ns('bar'),
        spec: {
          // the proxy config annotation overrides a proxyMetadata value of the mesh config for these VMs
          metadata: {
            annotations: { 'proxy.istio.io/config': 'proxyMetadata:\n  # this should override the value from the global meshconfig\n  PROXY_CONFIG_ANNOT_VALUE: bar' },
            labels: {},
          },
          template: { ports: {}, serviceAccount: 'vm-serviceaccount' },
          probe: { httpGet: { port: 8080 } },
        },
      });
    },
  },
];


/**
 * Upstream configurations a typed construct refuses, reported to the lead instead of being said with raw objects. The
 * test asserts each is refused as stated (when a construct learns to say one, the test fails: move it to CORPUS).
 */
export interface CorpusGap {
  readonly id: string;
  readonly source: string;
  readonly cite: string;
  /** The construct that refuses it, or the kind the library has no construct for. */
  readonly construct: string;
  /** The field the refusal names. @default - none: the library has no construct of the kind */
  readonly field?: string;
  /** Why, and what Istio does with it. */
  readonly reason: string;
  /** What the entry would be. @default - none: the library has no construct of the kind */
  readonly build?: (ctx: CorpusContext) => void;
}

export const GAPS: CorpusGap[] = [
  {
    id: 'authz-single-policy',
    source: 'pilot/pkg/security/authz/builder/testdata/http/single-policy-in.yaml',
    cite: AUTHZ_TESTDATA,
    construct: 'AuthorizationPolicy',
    field: 'spec.rules[0].to[0].operation.paths[0]',
    reason: 'the test data names its values after their place ("rule[0]-to[0]-path[1]"); AuthorizationPolicy refuses a path that starts '
      + 'with neither "/" nor "*", which Istio\'s webhook admits (it checks paths only for empty values and path templates, '
      + 'pkg/config/security CheckValidPathTemplate); such a path never matches a request path',
    build: (ctx) => {
      // every field of a source and an operation, each value named after where it sits (as the test data does)
      const two = (at: string) => [1, 2].map((n) => `${at}[${n}]`);
      const addresses: Record<string, [string[], string[]]> = {
        'rule[0]-from[0]': [['10.0.0.1', '10.0.0.2'], ['172.16.10.10']],
        'rule[0]-from[1]': [['10.0.1.1', '192.0.1.2'], ['172.17.8.0/24', '172.17.9.4']],
        'rule[1]-from[0]': [['10.1.0.1', '10.1.0.2'], ['172.22.2.0/23', '172.21.234.254']],
        'rule[1]-from[1]': [['10.1.1.1', '192.1.1.2'], ['192.168.4.0/24', '192.168.7.8']],
      };
      const ports: Record<string, string[]> = {
        'rule[0]-to[0]': ['9001', '9002'], 'rule[0]-to[1]': ['9011', '9012'], 'rule[1]-to[0]': ['9101', '9102'], 'rule[1]-to[1]': ['9111', '9112'],
      };
      const rule = (r: number) => ({
        from: [0, 1].map((f) => {
          const at = `rule[${r}]-from[${f}]`;
          const [ipBlocks, remoteIpBlocks] = addresses[at];
          return { source: { principals: two(`${at}-principal`), requestPrincipals: two(`${at}-requestPrincipal`), namespaces: two(`${at}-ns`), ipBlocks, remoteIpBlocks } };
        }),
        to: [0, 1].map((t) => {
          const at = `rule[${r}]-to[${t}]`;
          return { operation: { methods: two(`${at}-method`), hosts: two(`${at}-host`), ports: ports[at], paths: two(`${at}-path`) } };
        }),
      });
      new AuthorizationPolicy(ctx.chart, 'httpbin', {
        namespace: ctx.ns('foo'),
        spec: {
          selector: HTTPBIN_V1,
          rules: [
            {
              ...rule(0),
              when: [
                { key: 'request.headers[X-header]', values: ['header', 'header-prefix-*', '*-suffix-header', '*'] },
                { key: 'destination.ip', values: ['10.10.10.10', '192.168.10.0/24'] },
                { key: 'remote.ip', values: ['10.99.10.8', '10.80.64.0/18'] },
              ],
            },
            rule(1),
          ],
        },
      });
    },
  },
  {
    id: 'validation-traffic-extension',
    source: 'pkg/test/datasets/validation/dataset/extensions-v1alpha1-TrafficExtension.yaml',
    cite: VALIDATION_DATASET,
    construct: 'TrafficExtension',
    reason: 'Istio 1.30 has the kind (extensions.istio.io/v1alpha1: a Lua or Wasm filter for selected workloads); the library has no L2 construct for it',
  },
];

// ---------------------------------------------------------------------------------------------------------------

/**
 * Builds an entry in a chart of its own at `version`, the mesh described by attributes. `namespace` maps the upstream
 * namespace to the one used (the identity for the comparison).
 */
export function buildEntry(entry: { build?: (ctx: CorpusContext) => void }, version: IstioVersion, namespace: (name: string) => string = (n) => n): Chart {
  const chart = new Chart(Testing.app(), 'corpus', { disableResourceNameHashes: true });
  const istiod = Istiod.fromAttributes(chart, 'mesh', { version });
  if (!entry.build) throw new Error('the entry has nothing to build');
  entry.build({ chart, istiod, ns: (name) => ({ istiod, name: namespace(name) }) });
  return chart;
}

/**
 * Every corpus entry's objects at `version`, for the conformance fixtures (the case `corpus`), each entry in
 * namespaces of its own, `corpus-<n>-<namespace>` (upstream files share names: Bookinfo's `reviews` route is in
 * several). Entries the release refuses (a field it lacks) are left out.
 */
export function corpusObjects(version: IstioVersion): CorpusObject[] {
  return CORPUS.flatMap((entry, i) => {
    let chart: Chart;
    try {
      chart = buildEntry(entry, version, (n) => `corpus-${String(i + 1).padStart(2, '0')}-${n}`);
    } catch (e) {
      // the entries refused at 1.20 for a field it lacks (the corpus test asserts which) have nothing to judge there
      if (e instanceof IstioValidationError && version.line === '1.20' && e.field === entry.refusedAt1_20) return [];
      throw e;
    }
    return Testing.synth(chart) as CorpusObject[];
  });
}
