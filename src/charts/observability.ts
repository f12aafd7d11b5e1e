import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { istioObject } from '../istio-object';
import { Istiod } from '../istiod/istiod';
import { MeshConfigOptions, OpenTelemetryProvider, ZipkinProvider } from '../istiod/mesh-config';
import { checkDnsLabel, checkDnsSubdomain, fail } from '../validation';
import { checkKnownKeys } from '../resource/keys';
import { MESH_OBSERVABILITY_OPTIONS, MESH_TELEMETRY_PROPS } from './shapes';

/** Where the Prometheus that scrapes the mesh runs. */
export interface PrometheusRef {
  /** Namespace of Prometheus. @default - the control-plane namespace (where Istio's sample addon installs it) */
  readonly namespace?: string;
  /** ServiceAccount of Prometheus. @default 'prometheus' */
  readonly serviceAccount?: string;
}

/**
 * Mesh observability: a tracer in the mesh config, a mesh-wide `Telemetry` resource (tracing with a
 * sampling rate, Envoy access logs) and Prometheus scraping through metrics merging.
 *
 * Kiali, Grafana, Jaeger and Prometheus themselves are not rendered: install them from Istio's
 * `samples/addons` (see docs/platforms.md).
 */
export interface MeshObservabilityOptions {
  /**
   * Tracer the proxies report spans to, declared in the mesh config's `extensionProviders`, made the
   * default tracing provider (`defaultProviders.tracing`) and named by the Telemetry resource.
   * @default - zipkin provider `zipkin` at `zipkin.<istio namespace>.svc.cluster.local:9411`, the Zipkin-compatible
   * Service of Istio's Jaeger addon
   */
  readonly tracer?: ZipkinProvider | OpenTelemetryProvider;
  /** Share of requests traced, a percentage from 0 to 100. @default 1 */
  readonly samplingPercentage?: number;
  /** Envoy access logs on every proxy's stdout, through the built-in `envoy` provider. @default true */
  readonly accessLogging?: boolean;
  /** The Prometheus that scrapes the mesh (NetworkPolicies of application namespaces let it in). @default {} */
  readonly prometheus?: PrometheusRef;
  /** Name of the Telemetry resource. @default 'mesh-default' */
  readonly telemetryName?: string;
}

/** Observability options with every default filled in. */
export interface ResolvedObservability {
  readonly tracer: ZipkinProvider | OpenTelemetryProvider;
  readonly samplingPercentage: number;
  readonly accessLogging: boolean;
  readonly prometheusNamespace: string;
  readonly prometheusServiceAccount: string;
  readonly telemetryName: string;
}

/** Name of Istio's built-in Envoy access-log provider (writes to the proxy's stdout). */
export const ENVOY_ACCESS_LOG_PROVIDER = 'envoy';

/**
 * Validates observability options for a mesh installed in `istioNamespace` and fills in the defaults;
 * errors name `field.*` of `scope`.
 */
export function resolveObservability(scope: IConstruct, field: string, o: MeshObservabilityOptions, istioNamespace: string): ResolvedObservability {
  checkKnownKeys(scope, field, o, MESH_OBSERVABILITY_OPTIONS);
  if (!o || typeof o !== 'object') fail(scope, field, o, 'must be an object of observability options');
  const tracer = o.tracer ?? { type: 'zipkin', name: 'zipkin', service: `zipkin.${istioNamespace}.svc.cluster.local`, port: 9411 };
  if (!tracer || (tracer.type !== 'zipkin' && tracer.type !== 'opentelemetry')) {
    fail(scope, `${field}.tracer.type`, (tracer as { type?: unknown })?.type, 'must be "zipkin" or "opentelemetry"');
  }
  const samplingPercentage = o.samplingPercentage ?? 1;
  if (typeof samplingPercentage !== 'number' || !Number.isFinite(samplingPercentage) || samplingPercentage < 0 || samplingPercentage > 100) {
    fail(scope, `${field}.samplingPercentage`, samplingPercentage, 'must be a percentage from 0 to 100 (fractions allowed)');
  }
  const accessLogging = o.accessLogging ?? true;
  if (typeof accessLogging !== 'boolean') fail(scope, `${field}.accessLogging`, accessLogging, 'must be true or false');
  const prometheusNamespace = checkDnsLabel(scope, `${field}.prometheus.namespace`, o.prometheus?.namespace ?? istioNamespace);
  const prometheusServiceAccount = checkDnsSubdomain(scope, `${field}.prometheus.serviceAccount`, o.prometheus?.serviceAccount ?? 'prometheus');
  const telemetryName = checkDnsSubdomain(scope, `${field}.telemetryName`, o.telemetryName ?? 'mesh-default');
  return { tracer, samplingPercentage, accessLogging, prometheusNamespace, prometheusServiceAccount, telemetryName };
}

/**
 * The mesh-config part of observability: the tracer as extension provider and default tracing
 * provider, tracing on, metrics merging on (Prometheus scrapes each pod's agent on 15020, which
 * bypasses mTLS and authorization), and no legacy per-proxy tracer (`defaultConfig.tracing`), so the
 * Telemetry API alone decides tracing. Pass it as (part of) `Istiod`'s `meshConfig`.
 */
export function observabilityMeshConfig(o: ResolvedObservability): MeshConfigOptions {
  return {
    enableTracing: true,
    enablePrometheusMerge: true,
    extensionProviders: [o.tracer],
    defaultProviders: { metrics: ['prometheus'], tracing: [o.tracer.name] },
    defaultConfig: { tracing: false },
  };
}

/** Props of {@link MeshTelemetry}. */
export interface MeshTelemetryProps {
  /** The control plane; the resource goes to its root namespace and follows its Istio version. */
  readonly istiod: Istiod;
  /** Tracing provider name (an extension provider of the mesh config). */
  readonly tracingProvider: string;
  /** Share of requests traced (0-100). */
  readonly samplingPercentage: number;
  /** Envoy access logs through the built-in `envoy` provider. @default true */
  readonly accessLogging?: boolean;
  /** Name of the resource. @default 'mesh-default' */
  readonly name?: string;
}

/**
 * The mesh-wide `Telemetry` resource (in the root namespace, without selector): tracing through the
 * given provider at a sampling rate, and Envoy access logging.
 */
export class MeshTelemetry extends Construct {
  /** The Telemetry resource. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: MeshTelemetryProps) {
    super(scope, id);
    checkKnownKeys(this, '', props, MESH_TELEMETRY_PROPS);
    if (!props || !(props.istiod instanceof Istiod)) {
      fail(this, 'istiod', props?.istiod === undefined ? undefined : '(not an Istiod)', 'must be the Istiod construct of the mesh');
    }
    const name = checkDnsSubdomain(this, 'name', props.name ?? 'mesh-default');
    if (typeof props.tracingProvider !== 'string' || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(props.tracingProvider)) {
      fail(this, 'tracingProvider', props.tracingProvider, 'must be the name of a tracing extension provider of the mesh config');
    }
    const s = props.samplingPercentage;
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 100) {
      fail(this, 'samplingPercentage', s, 'must be a percentage from 0 to 100 (fractions allowed)');
    }
    const accessLogging = props.accessLogging ?? true;
    this.resource = istioObject(this, 'resource', props.istiod.version, 'Telemetry', { name, namespace: props.istiod.rootNamespace }, {
      tracing: [{ providers: [{ name: props.tracingProvider }], randomSamplingPercentage: s }],
      ...(accessLogging ? { accessLogging: [{ providers: [{ name: ENVOY_ACCESS_LOG_PROVIDER }] }] } : {}),
    });
  }
}
