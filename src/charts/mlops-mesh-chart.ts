import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioBase } from '../base/istio-base';
import { KubernetesGateway } from '../gateway-api/kubernetes-gateway';
import { HttpRoute } from '../gateway-api/http-route';
import { BackendService } from '../gateway-api/refs';
import { GatewayService } from '../gateway/service';
import { IngressGateway } from '../gateway/ingress-gateway';
import { MeshGateway } from '../gateway/mesh-gateway';
import { Istiod } from '../istiod/istiod';
import { IMeshNamespace } from '../resource/mesh-namespace';
import { MeshWideMtls } from '../policy/mesh-wide-mtls';
import { PodSecurityOptions, ZeroTrustNamespace } from '../policy/zero-trust-namespace';
import { CanaryRoute } from '../traffic/canary-route';
import { MeshRoute } from '../traffic/mesh-route';
import { checkDnsLabel, checkIP, checkLabels, checkPort, fail } from '../validation';
import { IstioVersion } from '../version';
import { AutoscalingOptions, ResourcePreset } from '../workload';
import { checkBoolean, checkChartNodePort, checkMtlsMode, checkNamespaceList, checkText, MeshMtlsMode } from './common';
import { checkKnownKeys } from '../resource/keys';
import { MLOPS_MESH_CHART_PROPS } from './shapes';

/** The `ml-gateway` Gateway resource of the MLOps platform. */
export interface MlGatewayOptions {
  /** Gateway name. @default 'ml-gateway' */
  readonly name?: string;
  /** Namespace of the Gateway resource. @default 'istio-system' (the `istioNamespace`) */
  readonly namespace?: string;
  /** Hosts of its HTTP server on port 80 (port name `http`). @default ['*.local'] */
  readonly hosts?: string[];
}

/** The `ml-routing` VirtualService: external host + path prefix to a model service through `ml-gateway`. */
export interface FraudApiRouteOptions {
  /** VirtualService name. @default 'ml-routing' */
  readonly name?: string;
  /** Namespace of the route and the service. @default 'fraud-detection' */
  readonly namespace?: string;
  /** External host (must match an `ml-gateway` host). @default 'fraud-api.local' */
  readonly host?: string;
  /** URI prefix routed. @default '/v1/' */
  readonly pathPrefix?: string;
  /** Destination Service. @default 'fraud-service' */
  readonly service?: string;
  /** Destination port. @default 8080 */
  readonly port?: number;
}

/**
 * An A/B test between two versions of a model, as a {@link CanaryRoute}: a DestinationRule with one
 * subset per version (pods labelled `version: <v>`) and a VirtualService splitting in-mesh traffic by
 * weight; requests with header `<header>: <versionB>` always reach version B.
 *
 * An example of how the platform runs model A/B tests: the names are illustrative, point them at a
 * real model Service (e.g. a Seldon deployment's) before use.
 */
export interface ModelAbTestOptions {
  /** Name of the DestinationRule and VirtualService. @default 'fraud-model-ab' */
  readonly name?: string;
  /** Namespace. @default 'fraud-detection' */
  readonly namespace?: string;
  /** The model Service. @default 'fraud-model' */
  readonly host?: string;
  /** Service port. @default 8080 */
  readonly port?: number;
  /** Version A (the current model). @default 'v1' */
  readonly versionA?: string;
  /** Version B (the challenger). @default 'v2' */
  readonly versionB?: string;
  /** Share of requests for version B, an integer 0-100; version A gets the rest. @default 50 */
  readonly weightB?: number;
  /** Header that pins a request to version B when its value is `versionB`. @default 'x-model-version' */
  readonly header?: string;
}

/**
 * Ingress through a Kubernetes Gateway API Gateway (class `istio`): istiod deploys it (Deployment, Service and
 * ServiceAccount `<name>-istio`, from its `kube-gateway` template) in the gateway namespace, next to the
 * `istio-gateway` ingress gateway. The chart then also emits the Gateway API CRDs.
 */
export interface GatewayApiIngressOptions {
  /** Name of the Gateway. @default 'ml-ingress' */
  readonly name?: string;
  /** Host name of its HTTP listener on port 80. @default '*.local' */
  readonly hostname?: string;
  /**
   * Also route the `ml-routing` host and prefix through it: an HTTPRoute `ml-routing` in the route's namespace (when
   * `fraudApiRoute` is on).
   * @default true
   */
  readonly fraudApiRoute?: boolean;
}

/** Props of {@link MlopsMeshChart}. Every default is the MLOps platform's value (`mlops-platform-istio-role.md`). */
export interface MlopsMeshChartProps extends ChartProps {
  /** Istio release ("latest stable"). @default IstioVersion.V1_30_3 */
  readonly version?: IstioVersion;
  /** Control-plane namespace (`istio_namespace`), labelled `name=<namespace>` for NetworkPolicies. @default 'istio-system' */
  readonly istioNamespace?: string;
  /** Namespace of the ingress gateway (`istio_gateway_namespace`). @default 'istio-gateway' */
  readonly gatewayNamespace?: string;
  /** Name of the ingress gateway's Deployment and Service (`kubectl get svc istio-gateway`). @default 'istio-gateway' */
  readonly gatewayName?: string;
  /**
   * Selector labels of the gateway pods, over `app: <gatewayName>`; the `ml-gateway` Gateway selects on them.
   * @default { istio: 'ingressgateway' }
   */
  readonly gatewaySelectorLabels?: Record<string, string>;
  /**
   * MetalLB is installed (`metallb_state: present`): the gateway Service is a LoadBalancer at
   * `loadBalancerIp`. `false`: a NodePort Service on `httpNodePort`/`httpsNodePort`.
   * @default true
   */
  readonly metallb?: boolean;
  /** Address requested from MetalLB (`istio_gateway_loadbalancer_ip`). @default '192.168.1.240' */
  readonly loadBalancerIp?: string;
  /** MetalLB IPAddressPool to allocate from. @default - any pool */
  readonly metallbAddressPool?: string;
  /** Node port of HTTP (port 80) without MetalLB (`istio_gateway_http_nodeport`). @default 31080 */
  readonly httpNodePort?: number;
  /** Node port of HTTPS (port 443) without MetalLB (`istio_gateway_https_nodeport`). @default 31443 */
  readonly httpsNodePort?: number;
  /** istiod memory request (`istio_pilot_memory_request`); CPU keeps the upstream 500m request. @default '512Mi' */
  readonly pilotMemoryRequest?: string;
  /** istiod memory limit (`istio_pilot_memory_limit`). @default '1Gi' */
  readonly pilotMemoryLimit?: string;
  /** Gateway memory request (`istio_gateway_memory_request`); CPU keeps the upstream 100m/2000m. @default '256Mi' */
  readonly gatewayMemoryRequest?: string;
  /** Gateway memory limit (`istio_gateway_memory_limit`). @default '512Mi' */
  readonly gatewayMemoryLimit?: string;
  /** Gateway HPA. @default { minReplicas: 1, maxReplicas: 5, targetCpuUtilization: 80 } */
  readonly gatewayAutoscaling?: AutoscalingOptions;
  /**
   * Namespaces with sidecar injection (`istio_injection_namespaces`). Each becomes a
   * {@link ZeroTrustNamespace}: injection label, `name` label, STRICT mTLS, deny-all authorization
   * with allow rules for the ingress gateway's identity and the namespace itself, and NetworkPolicies
   * that let it reach istiod on 15012 and let Prometheus (in `istioNamespace`) scrape 15020/15090.
   * @default ['fraud-detection', 'financial-inference', 'financial-mlops-pytorch']
   */
  readonly injectionNamespaces?: string[];
  /**
   * Istio CNI is installed. Without it injection adds the privileged `istio-init` container, so the
   * injection namespaces must enforce Pod Security `privileged` (the role's troubleshooting advice);
   * with it they enforce `restricted`.
   * @default false
   */
  readonly cni?: boolean;
  /** Pod Security levels of the injection namespaces. @default - enforce `privileged` (`restricted` with `cni`), warn and audit `restricted` */
  readonly podSecurity?: PodSecurityOptions;
  /** Let workloads of an injection namespace call each other (an ALLOW rule for the namespace itself). @default true */
  readonly allowIntraNamespace?: boolean;
  /** Mesh-wide mTLS mode (PeerAuthentication `default` in the root namespace). @default 'STRICT' */
  readonly mtlsMode?: MeshMtlsMode;
  /** The `ml-gateway` Gateway. @default {} (the platform's) */
  readonly mlGateway?: MlGatewayOptions;
  /** The `ml-routing` route, or `false` for none. @default {} (the platform's) */
  readonly fraudApiRoute?: FraudApiRouteOptions | false;
  /** The model A/B test example, or `false` for none. @default {} */
  readonly modelAbTest?: ModelAbTestOptions | false;
  /**
   * Ingress through a Kubernetes Gateway API Gateway as well (`true` for the defaults). Turns on the Gateway API
   * CRDs of the release in the base, and lets the Gateway's ServiceAccount into the injection namespaces.
   * @default false
   */
  readonly gatewayApiIngress?: GatewayApiIngressOptions | boolean;
}

/** Default injection namespaces of the MLOps platform. */
export const MLOPS_INJECTION_NAMESPACES: readonly string[] = ['fraud-detection', 'financial-inference', 'financial-mlops-pytorch'];

/**
 * The MLOps platform's mesh (`mlops-platform-istio-role.md`) as one chart: Istio 1.30.3 in
 * `istio-system`, the `istio-gateway` ingress gateway in its own namespace behind MetalLB (or node
 * ports), zero-trust model namespaces, mesh-wide STRICT mTLS, the `ml-gateway` Gateway, the
 * `fraud-api.local` route and a model A/B test example. Every value is a prop.
 *
 * @example new MlopsMeshChart(app, 'mlops', { metallb: false }) // NodePorts 31080/31443
 */
export class MlopsMeshChart extends Chart {
  /** CRDs, namespace and base objects. */
  public readonly base: IstioBase;
  /** The control plane. */
  public readonly istiod: Istiod;
  /** The ingress gateway `istio-gateway`. */
  public readonly ingressGateway: IngressGateway;
  /** The injection namespaces, in prop order. */
  public readonly injectionNamespaces: ZeroTrustNamespace[];
  /** Mesh-wide PeerAuthentication. */
  public readonly meshMtls: MeshWideMtls;
  /** The `ml-gateway` Gateway resource. */
  public readonly mlGateway: MeshGateway;
  /** The `ml-routing` route, unless turned off. */
  public readonly fraudApiRoute?: MeshRoute;
  /** The model A/B test, unless turned off. */
  public readonly modelAbTest?: CanaryRoute;
  /** The Gateway API ingress Gateway, with `gatewayApiIngress`. */
  public readonly gatewayApiIngress?: KubernetesGateway;
  /** Its HTTPRoute for the `ml-routing` host, with `gatewayApiIngress` and `fraudApiRoute`. */
  public readonly gatewayApiRoute?: HttpRoute;

  public constructor(scope: Construct, id: string, props: MlopsMeshChartProps = {}) {
    const given: unknown = props;
    const isObject = given !== null && typeof given === 'object' && !Array.isArray(given);
    super(scope, id, { ...(isObject ? props : {}), disableResourceNameHashes: (isObject ? props.disableResourceNameHashes : undefined) ?? true });
    if (!isObject) fail(this, 'props', given, 'must be an object of MlopsMeshChartProps, or omitted');
    checkKnownKeys(this, '', props, MLOPS_MESH_CHART_PROPS);

    // --- check the chart's own props first, so errors name them
    const version = props.version ?? IstioVersion.V1_30_3;
    const istioNamespace = checkDnsLabel(this, 'istioNamespace', props.istioNamespace ?? 'istio-system');
    const gatewayNamespace = checkDnsLabel(this, 'gatewayNamespace', props.gatewayNamespace ?? 'istio-gateway');
    const gatewayName = checkDnsLabel(this, 'gatewayName', props.gatewayName ?? 'istio-gateway');
    const selectorLabels = checkLabels(this, 'gatewaySelectorLabels', props.gatewaySelectorLabels ?? { istio: 'ingressgateway' })!;
    const metallb = checkBoolean(this, 'metallb', props.metallb ?? true);
    const loadBalancerIp = checkIP(this, 'loadBalancerIp', props.loadBalancerIp ?? '192.168.1.240');
    const httpNodePort = checkChartNodePort(this, 'httpNodePort', props.httpNodePort ?? 31080);
    const httpsNodePort = checkChartNodePort(this, 'httpsNodePort', props.httpsNodePort ?? 31443);
    if (httpNodePort === httpsNodePort) {
      fail(this, 'httpsNodePort', httpsNodePort, `must differ from httpNodePort (${httpNodePort}): one node port per Service port`);
    }
    const mtlsMode = checkMtlsMode(this, 'mtlsMode', props.mtlsMode ?? 'STRICT');
    const cni = checkBoolean(this, 'cni', props.cni ?? false);
    const allowIntra = checkBoolean(this, 'allowIntraNamespace', props.allowIntraNamespace ?? true);
    const injection = checkNamespaceList(this, 'injectionNamespaces', props.injectionNamespaces ?? [...MLOPS_INJECTION_NAMESPACES], {
      [istioNamespace]: 'the control-plane namespace (istioNamespace)',
      [gatewayNamespace]: 'the gateway namespace (gatewayNamespace), which the ingress gateway creates',
    });
    if (gatewayNamespace === istioNamespace) {
      fail(this, 'gatewayNamespace', gatewayNamespace, 'must differ from istioNamespace: the MLOps platform runs its gateway in a namespace of its own');
    }

    const gwApiGiven = props.gatewayApiIngress ?? false;
    if (typeof gwApiGiven !== 'boolean' && (gwApiGiven === null || typeof gwApiGiven !== 'object' || Array.isArray(gwApiGiven))) {
      fail(this, 'gatewayApiIngress', gwApiGiven, 'must be true, false or GatewayApiIngressOptions ({ name?, hostname?, fraudApiRoute? })');
    }
    const gwApi: GatewayApiIngressOptions | undefined = gwApiGiven === true ? {} : gwApiGiven === false ? undefined : gwApiGiven;
    if (gwApi !== undefined) {
      checkBoolean(this, 'gatewayApiIngress.fraudApiRoute', gwApi.fraudApiRoute ?? true);
      if (gwApi.fraudApiRoute === true && props.fraudApiRoute === false) {
        fail(this, 'gatewayApiIngress.fraudApiRoute', true, 'needs fraudApiRoute (it routes that route\'s host through the Gateway API Gateway): leave it unset or set fraudApiRoute');
      }
    }

    // --- control plane
    this.base = new IstioBase(this, 'base', { version, namespace: istioNamespace, ...(gwApi !== undefined ? { gatewayApi: true } : {}) });
    this.istiod = new Istiod(this, 'istiod', {
      base: this.base,
      cni,
      resources: ResourcePreset.of({
        requests: { cpu: '500m', memory: props.pilotMemoryRequest ?? '512Mi' },
        limits: { memory: props.pilotMemoryLimit ?? '1Gi' },
      }),
    });

    // --- ingress gateway
    this.ingressGateway = new IngressGateway(this, 'ingress-gateway', {
      istiod: this.istiod,
      name: gatewayName,
      namespace: gatewayNamespace,
      selectorLabels,
      service: metallb
        ? GatewayService.loadBalancer({ ip: loadBalancerIp, ...(props.metallbAddressPool !== undefined ? { pool: props.metallbAddressPool } : {}) })
        : GatewayService.nodePort({ http: httpNodePort, https: httpsNodePort }),
      resources: ResourcePreset.of({
        requests: { cpu: '100m', memory: props.gatewayMemoryRequest ?? '256Mi' },
        limits: { cpu: '2000m', memory: props.gatewayMemoryLimit ?? '512Mi' },
      }),
      autoscaling: props.gatewayAutoscaling ?? {},
    });

    if (gwApi !== undefined) {
      this.gatewayApiIngress = new KubernetesGateway(this, 'gateway-api-ingress', {
        namespace: { istiod: this.istiod, name: gatewayNamespace },
        name: gwApi.name ?? 'ml-ingress',
        listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostname: gwApi.hostname ?? '*.local', allowedRoutes: { from: 'All' } }],
      });
    }
    const ingressAccounts = [{ namespace: gatewayNamespace, name: this.ingressGateway.serviceAccountName }];
    if (this.gatewayApiIngress) ingressAccounts.push({ namespace: gatewayNamespace, name: this.gatewayApiIngress.serviceAccountName });

    // --- mesh policy
    this.meshMtls = new MeshWideMtls(this, 'mesh-mtls', { istiod: this.istiod, mode: mtlsMode });
    this.injectionNamespaces = injection.map((name) => {
      const ns = new ZeroTrustNamespace(this, `ns-${name}`, { istiod: this.istiod, name, podSecurity: props.podSecurity });
      ns.allow('allow-ingress-gateway', {
        rules: [{ from: [{ serviceAccounts: ingressAccounts }] }],
      });
      if (allowIntra) ns.allow('allow-same-namespace', { rules: [{ from: [{ namespaces: [name] }] }] });
      ns.allowMonitoring();
      return ns;
    });

    // --- gateway and routes
    const gw = props.mlGateway ?? {};
    this.mlGateway = this.ingressGateway.addGateway('ml-gateway', {
      name: gw.name ?? 'ml-gateway',
      namespace: gw.namespace ?? istioNamespace,
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: gw.hosts ?? ['*.local'] }],
    });

    if (props.fraudApiRoute !== false) {
      const r = props.fraudApiRoute ?? {};
      const port = checkPort(this, 'fraudApiRoute.port', r.port ?? 8080);
      this.fraudApiRoute = new MeshRoute(this, 'ml-routing', {
        namespace: this.meshNamespace('fraudApiRoute.namespace', r.namespace ?? 'fraud-detection'),
        name: r.name ?? 'ml-routing',
        hosts: [r.host ?? 'fraud-api.local'],
        gateways: [this.mlGateway],
        routes: [{ match: { uri: { prefix: r.pathPrefix ?? '/v1/' } }, destination: { host: r.service ?? 'fraud-service', port } }],
      });
      if (this.gatewayApiIngress && gwApi?.fraudApiRoute !== false) {
        const routeNamespace = r.namespace ?? 'fraud-detection';
        this.gatewayApiRoute = new HttpRoute(this, 'ml-routing-gateway-api', {
          namespace: this.meshNamespace('fraudApiRoute.namespace', routeNamespace),
          name: r.name ?? 'ml-routing',
          parents: [this.gatewayApiIngress],
          hostnames: [r.host ?? 'fraud-api.local'],
          // the model Service is deployed by the platform's own charts, not by this one
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: r.pathPrefix ?? '/v1/' } }], backends: [{ service: BackendService.external(r.service ?? 'fraud-service', { port }) }] }],
        });
      }
    }

    if (props.modelAbTest !== false) {
      const ab = props.modelAbTest ?? {};
      const versionB = ab.versionB ?? 'v2';
      const header = checkText(this, 'modelAbTest.header', ab.header ?? 'x-model-version', 'x-model-version');
      this.modelAbTest = new CanaryRoute(this, 'model-ab', {
        namespace: this.meshNamespace('modelAbTest.namespace', ab.namespace ?? 'fraud-detection'),
        name: ab.name ?? 'fraud-model-ab',
        host: ab.host ?? 'fraud-model',
        port: ab.port ?? 8080,
        stable: { version: ab.versionA ?? 'v1' },
        canary: { version: versionB, weight: ab.weightB ?? 50 },
        matches: [{ headers: { [header]: { exact: versionB } }, subset: versionB }],
      });
    }
  }

  /** The injection namespace of that name, or a plain reference for a namespace managed elsewhere. */
  private meshNamespace(field: string, name: string): IMeshNamespace {
    checkDnsLabel(this, field, name);
    return this.injectionNamespaces.find((n) => n.name === name) ?? { istiod: this.istiod, name };
  }
}
