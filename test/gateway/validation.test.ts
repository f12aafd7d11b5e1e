import {
  EgressGateway,
  GatewayServer,
  GatewayService,
  IngressGateway,
  IngressGatewayProps,
  IstioValidationError,
  IstioVersion,
  Istiod,
  ResourcePreset,
} from '../../src';
import { ofKind, synthValid } from '../support/synth';
import { mesh } from './fixtures';

type Props = Omit<IngressGatewayProps, 'istiod'>;

function ingress(props: Props, version = IstioVersion.V1_30_3, kubernetesVersion?: string) {
  const { istiod, chart } = mesh(version, {}, kubernetesVersion ? { kubernetesVersion } : {});
  return new IngressGateway(chart, 'ingress', { istiod, ...props });
}

function bind(servers: GatewayServer[], extra: { name?: string; namespace?: string; ports?: Props['ports'] } = {}) {
  const { istiod, chart } = mesh();
  const gw = new IngressGateway(chart, 'ingress', { istiod, ports: extra.ports });
  return gw.addGateway('gw', { servers, name: extra.name, namespace: extra.namespace });
}

describe('IngressGateway rejects bad input with path, field, value and valid range', () => {
  const cases: Array<[string, Props, RegExp]> = [
    ['podDisruptionBudget that is neither a boolean nor options', { podDisruptionBudget: 'yes' as unknown as boolean },
      /test\/ingress: invalid podDisruptionBudget "yes": must be true, false or PodDisruptionBudgetOptions/],
    ['autoscaling that is not an object', { autoscaling: 3 as unknown as false },
      /test\/ingress: invalid autoscaling 3: must be autoscaling options/],
    ['toleration key that is not a label key', { tolerations: [{ key: 'bad key!', operator: 'Exists' }] },
      /test\/ingress: invalid tolerations\[0\]\.key "bad key!": must be a label key/],
    ['negative tolerationSeconds', { tolerations: [{ key: 'k', effect: 'NoExecute', tolerationSeconds: -1.5 }] },
      /test\/ingress: invalid tolerations\[0\]\.tolerationSeconds -1\.5: must be an integer >= 0/],
    ['selector label that would turn injection off', { selectorLabels: { 'sidecar.istio.io/inject': 'false' } },
      /test\/ingress: invalid selectorLabels\.sidecar\.istio\.io\/inject "false": is set by the gateway from istiod/],
    ['selector label istio.io/rev', { selectorLabels: { 'istio.io/rev': 'other' } },
      /test\/ingress: invalid selectorLabels\.istio\.io\/rev "other": is set by the gateway from istiod/],
    ['pod label that would break the selector', { selectorLabels: { tier: 'edge' }, podLabels: { tier: 'oops' } },
      /test\/ingress: invalid podLabels\.tier "oops": is a selector label of the gateway \(tier=edge\); set it through selectorLabels/],
    ['object label that shadows a selector label', { selectorLabels: { tier: 'edge' }, labels: { tier: 'edge' } },
      /test\/ingress: invalid labels\.tier "edge": is a selector label of the gateway/],
    ['invalid IP', { service: GatewayService.loadBalancer({ ip: '192.168.1.300' }) },
      /^test\/ingress: invalid service\.ip "192\.168\.1\.300": must be an IPv4 address such as "192\.168\.1\.240" or an IPv6 address$/],
    ['IP that is a host name', { service: GatewayService.loadBalancer({ ip: 'lb.example.com' }) },
      /test\/ingress: invalid service\.ip "lb\.example\.com": must be an IPv4 address/],
    ['MetalLB pool not a DNS-1123 name', { service: GatewayService.loadBalancer({ pool: 'Public_Pool' }) },
      /test\/ingress: invalid service\.pool "Public_Pool": must be a DNS-1123 subdomain/],
    ['externalTrafficPolicy not Cluster/Local', { service: GatewayService.loadBalancer({ externalTrafficPolicy: 'Global' as 'Local' }) },
      /test\/ingress: invalid service\.externalTrafficPolicy "Global": must be "Cluster" or "Local"/],
    ['loadBalancerSourceRanges entry not a CIDR', { service: GatewayService.loadBalancer({ loadBalancerSourceRanges: ['10.0.0.0/33'] }) },
      /test\/ingress: invalid service\.loadBalancerSourceRanges\[0\] "10\.0\.0\.0\/33": must be a CIDR block/],
    ['NodePort below range', { service: GatewayService.nodePort({ http: 29999 }) },
      /^test\/ingress: invalid service\.nodePort\.http 29999: must be an integer from 30000 to 32767$/],
    ['NodePort above range', { service: GatewayService.nodePort({ https: 32768 }) },
      /test\/ingress: invalid service\.nodePort\.https 32768: must be an integer from 30000 to 32767/],
    ['NodePort duplicated', { service: GatewayService.nodePort({ http: 31080, https: 31080 }) },
      /test\/ingress: invalid service\.nodePort\.https 31080: must be unique among the Service's node ports; it is already used by nodePort\.http/],
    ['extra port NodePort clashing with a default one', { service: GatewayService.nodePort({ http: 31080 }), ports: [{ name: 'tcp-db', port: 5432, nodePort: 31080 }] },
      /test\/ingress: invalid ports\[0\]\.nodePort 31080: must be unique among the Service's node ports; it is already used by the default port "http2"/],
    ['extra port NodePort out of range', { service: GatewayService.nodePort(), ports: [{ name: 'tcp-db', port: 5432, nodePort: 5432 }] },
      /test\/ingress: invalid ports\[0\]\.nodePort 5432: must be an integer from 30000 to 32767/],
    ['extra port NodePort on a ClusterIP Service', { service: GatewayService.clusterIP(), ports: [{ name: 'tcp-db', port: 5432, nodePort: 31432 }] },
      /test\/ingress: invalid ports\[0\]\.nodePort 31432: can only be set when the Service is of type NodePort or LoadBalancer/],
    ['port name without protocol prefix', { ports: [{ name: 'postgres', port: 5432 }] },
      /^test\/ingress: invalid ports\[0\]\.name "postgres": must follow Istio's port naming convention "<protocol>\[-<suffix>\]" with protocol one of grpc-web, grpc, http2, https, http, mongo, mysql, redis, tcp, tls, udp/],
    ['port name with the protocol as suffix', { ports: [{ name: 'db-tcp', port: 5432 }] },
      /test\/ingress: invalid ports\[0\]\.name "db-tcp": must follow Istio's port naming convention/],
    ['port number clashing with a default port', { ports: [{ name: 'https-alt', port: 443 }] },
      /test\/ingress: invalid ports\[0\]\.port 443: must be unique among the Service's ports; it is already used by the default port "https"/],
    ['port name clashing with a default port', { ports: [{ name: 'https', port: 8443 }] },
      /test\/ingress: invalid ports\[0\]\.name "https": must be unique among the Service's ports; it is already used by the default port 443/],
    ['duplicated extra port names', { ports: [{ name: 'tcp-db', port: 5432 }, { name: 'tcp-db', port: 5433 }] },
      /test\/ingress: invalid ports\[1\]\.name "tcp-db": must be unique among the Service's ports; it is already used by ports\[0\]/],
    ['duplicated extra port numbers', { ports: [{ name: 'tcp-db', port: 5432 }, { name: 'tcp-db2', port: 5432 }] },
      /test\/ingress: invalid ports\[1\]\.port 5432: must be unique among the Service's ports; it is already used by port "tcp-db"/],
    ['port number out of range', { ports: [{ name: 'tcp-x', port: 70000 }] },
      /test\/ingress: invalid ports\[0\]\.port 70000: must be an integer from 1 to 65535/],
    ['port protocol not TCP/UDP', { ports: [{ name: 'tcp-x', port: 7000, protocol: 'SCTP' as 'TCP' }] },
      /test\/ingress: invalid ports\[0\]\.protocol "SCTP": must be "TCP" or "UDP"/],
    ['HPA min > max', { autoscaling: { minReplicas: 6, maxReplicas: 5 } },
      /^test\/ingress: invalid autoscaling\.minReplicas 6: must not exceed autoscaling\.maxReplicas \(5\)$/],
    ['HPA CPU target above 100', { autoscaling: { targetCpuUtilization: 150 } },
      /test\/ingress: invalid autoscaling\.targetCpuUtilization 150: must be an integer from 1 to 100/],
    ['replicas together with autoscaling', { replicas: 2, autoscaling: { maxReplicas: 3 } },
      /test\/ingress: invalid replicas 2: conflicts with autoscaling/],
    ['negative replicas', { replicas: -1 },
      /test\/ingress: invalid replicas -1: must be an integer >= 0/],
    ['PDB with both minAvailable and maxUnavailable', { podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } },
      /test\/ingress: invalid podDisruptionBudget\.maxUnavailable 1: conflicts with podDisruptionBudget\.minAvailable/],
    ['name not DNS-1123', { name: 'Istio_Gateway' },
      /^test\/ingress: invalid name "Istio_Gateway": must be a DNS-1123 label/],
    ['name starting with a digit (Service names are DNS-1035)', { name: '1gateway' },
      /test\/ingress: invalid name "1gateway": must start with a letter/],
    ['namespace not DNS-1123', { namespace: 'Istio.Ingress' },
      /^test\/ingress: invalid namespace "Istio\.Ingress": must be a DNS-1123 label/],
    ['label app reserved for selectorLabels', { labels: { app: 'x' } },
      /test\/ingress: invalid labels\.app "x": is set by the gateway itself/],
    ['pod label istio.io/rev reserved (follows istiod)', { podLabels: { 'istio.io/rev': 'canary' } },
      /test\/ingress: invalid podLabels\.istio\.io\/rev "canary": is set by the gateway itself/],
    ['injection annotation cannot be turned off', { podAnnotations: { 'sidecar.istio.io/inject': 'false' } },
      /test\/ingress: invalid podAnnotations\.sidecar\.istio\.io\/inject "false": is set by the gateway itself/],
    ['bad label value', { labels: { team: 'a b' } },
      /test\/ingress: invalid labels\.team "a b": must be a label value/],
    ['bad selector label key', { selectorLabels: { 'bad key': 'x' } },
      /test\/ingress: invalid selectorLabels key "bad key": must be a label key/],
    ['bad resources', { resources: { requirements: {} } as never },
      /test\/ingress: invalid resources \{"requirements":\{\}\}: must be a ResourcePreset/],
    ['toleration Exists with a value', { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] },
      /test\/ingress: invalid tolerations\[0\]\.value "v": must be unset when operator is "Exists"/],
  ];

  test.each(cases)('%s', (_name, props, message) => {
    let err: unknown;
    try {
      ingress(props);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IstioValidationError);
    expect((err as Error).message).toMatch(message);
  });

  test('memory request above limit', () => {
    expect(() => ingress({ resources: ResourcePreset.of({ requests: { memory: '1Gi' }, limits: { memory: '512Mi' } }) }))
      .toThrow(/test\/ingress: invalid resources\.requests\.memory "1Gi": must not exceed the memory limit 512Mi/);
  });

  test('unhealthyPodEvictionPolicy needs policy/v1 (Istio 1.20 on Kubernetes 1.20)', () => {
    expect(() => ingress({ podDisruptionBudget: { unhealthyPodEvictionPolicy: 'AlwaysAllow' } }, IstioVersion.V1_20_3, '1.20'))
      .toThrow(/test\/ingress: invalid podDisruptionBudget\.unhealthyPodEvictionPolicy "AlwaysAllow": needs policy\/v1; this cluster \(Kubernetes 1\.20\) gets policy\/v1beta1/);
  });

  test('istiod missing', () => {
    const { chart } = mesh();
    expect(() => new IngressGateway(chart, 'ingress', {} as never)).toThrow(/test\/ingress: invalid istiod \(undefined\): must be an Istiod construct/);
  });

  test('istiod of the wrong type', () => {
    const { chart } = mesh();
    expect(() => new IngressGateway(chart, 'ingress', { istiod: { version: IstioVersion.V1_30_3 } as unknown as Istiod }))
      .toThrow(/test\/ingress: invalid istiod .*must be an Istiod construct/);
  });

  test.each<[string, Props]>([
    ['a bad node port', { service: GatewayService.nodePort({ http: 1 }) }],
    ['a bad toleration', { tolerations: [{ operator: 'Equal', value: 'v' }] }],
    ['a bad PDB', { podDisruptionBudget: { minAvailable: '150%' } }],
  ])('a gateway rejected for %s emits no object at all', (_name, props) => {
    const { istiod, chart } = mesh();
    expect(() => new IngressGateway(chart, 'ingress', { istiod, ...props })).toThrow(IstioValidationError);
    expect(synthValid(chart)).toEqual([]);
  });

  test('a Gateway rejected for a bad server emits no Gateway resource', () => {
    const { istiod, chart } = mesh();
    const gw = new IngressGateway(chart, 'ingress', { istiod });
    expect(() => gw.addGateway('gw', { servers: [{ port: { number: 81, protocol: 'HTTP' }, hosts: ['a.example.com'] }] })).toThrow(IstioValidationError);
    const objs = synthValid(chart);
    expect(ofKind(objs, 'Gateway')).toHaveLength(0);
    expect(ofKind(objs, 'Deployment')).toHaveLength(1);
  });
});

describe('Gateway binding rejects bad input', () => {
  const http = (hosts: string[]): GatewayServer => ({ port: { number: 80, protocol: 'HTTP' }, hosts });
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['host not a valid host pattern', () => bind([http(['bad host!'])]),
      /^test\/ingress\/gw: invalid servers\[0\]\.hosts\[0\] "bad host!": must be "\[<namespace>\/\]<host>": host a DNS name/],
    ['wildcard in the middle of a host', () => bind([http(['api.*.example.com'])]),
      /test\/ingress\/gw: invalid servers\[0\]\.hosts\[0\] "api\.\*\.example\.com"/],
    ['bad namespace part of a host', () => bind([http(['Bad_NS/api.example.com'])]),
      /test\/ingress\/gw: invalid servers\[0\]\.hosts\[0\] "Bad_NS\/api\.example\.com"/],
    ['no hosts', () => bind([http([])]),
      /test\/ingress\/gw: invalid servers\[0\]\.hosts \[\]: must list at least one host/],
    ['TLS SIMPLE without credential', () => bind([{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE' } }]),
      /^test\/ingress\/gw: invalid servers\[0\]\.tls\.credentialName \(undefined\): is required for TLS mode SIMPLE/],
    ['TLS MUTUAL without credential', () => bind([{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'MUTUAL' } }]),
      /test\/ingress\/gw: invalid servers\[0\]\.tls\.credentialName \(undefined\): is required for TLS mode MUTUAL/],
    ['credential not a Secret name', () => bind([{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'My Cert' } }]),
      /test\/ingress\/gw: invalid servers\[0\]\.tls\.credentialName "My Cert": must be a DNS-1123 subdomain/],
    ['credential on PASSTHROUGH', () => bind([{ port: { number: 443, protocol: 'TLS' }, hosts: ['a.example.com'], tls: { mode: 'PASSTHROUGH', credentialName: 'c' } }]),
      /test\/ingress\/gw: invalid servers\[0\]\.tls\.credentialName "c": must not be set for TLS mode PASSTHROUGH/],
    ['HTTPS without TLS settings', () => bind([{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'] }]),
      /test\/ingress\/gw: invalid servers\[0\]\.tls \(undefined\): is required for protocol HTTPS/],
    ['TLS settings on an HTTP server', () => bind([{ port: { number: 80, protocol: 'HTTP' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'c' } }]),
      /test\/ingress\/gw: invalid servers\[0\]\.tls .*only applies to HTTPS and TLS servers; this server is HTTP/],
    ['httpsRedirect on an HTTPS server', () => bind([{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], httpsRedirect: true, tls: { mode: 'SIMPLE', credentialName: 'c' } }]),
      /test\/ingress\/gw: invalid servers\[0\]\.httpsRedirect true: only applies to HTTP servers; this server is HTTPS/],
    ['AUTO_PASSTHROUGH on HTTPS', () => bind([{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'AUTO_PASSTHROUGH' } }]),
      /test\/ingress\/gw: invalid servers\[0\]\.tls\.mode "AUTO_PASSTHROUGH": AUTO_PASSTHROUGH needs protocol TLS/],
    ['unknown TLS mode', () => bind([{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'STRICT' as 'SIMPLE' } }]),
      /test\/ingress\/gw: invalid servers\[0\]\.tls\.mode "STRICT": must be one of SIMPLE, MUTUAL, PASSTHROUGH, ISTIO_MUTUAL, AUTO_PASSTHROUGH, OPTIONAL_MUTUAL/],
    ['min TLS version above max', () => bind([{ port: { number: 443, protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE', credentialName: 'c', minProtocolVersion: 'TLSV1_3', maxProtocolVersion: 'TLSV1_2' } }]),
      /test\/ingress\/gw: invalid servers\[0\]\.tls\.minProtocolVersion "TLSV1_3": must not be above maxProtocolVersion \(TLSV1_2\)/],
    ['server port not on the Service', () => bind([{ port: { number: 8080, protocol: 'HTTP' }, hosts: ['a.example.com'] }]),
      /^test\/ingress\/gw: invalid servers\[0\]\.port\.number 8080: must be a port the Service of gateway istio-ingress\/istio-ingressgateway exposes: 80, 443/],
    ['server on the status port', () => bind([{ port: { number: 15021, protocol: 'HTTP' }, hosts: ['a.example.com'] }]),
      /test\/ingress\/gw: invalid servers\[0\]\.port\.number 15021: must be a port the Service/],
    ['unknown server protocol', () => bind([{ port: { number: 80, protocol: 'MONGO' as 'TCP' }, hosts: ['a.example.com'] }]),
      /test\/ingress\/gw: invalid servers\[0\]\.port\.protocol "MONGO": must be one of HTTP, HTTPS, HTTP2, GRPC, TCP, TLS/],
    ['one port with two protocols', () => bind([http(['a.example.com']), { port: { number: 80, protocol: 'TCP' }, hosts: ['b.example.com'] }]),
      /test\/ingress\/gw: invalid servers\[1\]\.port\.protocol "TCP": must match servers\[0\] on port 80 \(HTTP\)/],
    ['duplicate port names', () => bind([
      { port: { number: 80, protocol: 'HTTP', name: 'web' }, hosts: ['a.example.com'] },
      { port: { number: 80, protocol: 'HTTP', name: 'web' }, hosts: ['b.example.com'] },
    ]), /test\/ingress\/gw: invalid servers\[1\]\.port\.name "web": must be unique among the Gateway's servers/],
    ['same host twice on one port', () => bind([http(['a.example.com']), http(['a.example.com'])]),
      /test\/ingress\/gw: invalid servers\[1\]\.hosts\[0\] "a\.example\.com": is already served on port 80/],
    ['no servers', () => bind([]),
      /test\/ingress\/gw: invalid servers \[\]: must list at least one server/],
    ['Gateway name not DNS-1123', () => bind([http(['a.example.com'])], { name: 'My_Gateway' }),
      /^test\/ingress\/gw: invalid name "My_Gateway": must be a DNS-1123 label \(no dots\)/],
    // Istio refuses a Gateway whose name has a dot ("invalid gateway name"), and a route would read "a.b" as name a in namespace b.
    ['Gateway name with a dot', () => bind([http(['a.example.com'])], { name: 'public.b0' }),
      /^test\/ingress\/gw: invalid name "public\.b0": must be a DNS-1123 label \(no dots\).*Istio refuses a Gateway whose name has a dot/],
    ['Gateway name from a dotted id', () => ingress({}).addGateway('public.b0', { servers: [http(['a.example.com'])] }),
      /^test\/ingress\/public\.b0: invalid name "public\.b0": must be a DNS-1123 label \(no dots\)/],
    ['Gateway namespace not DNS-1123', () => bind([http(['a.example.com'])], { namespace: 'Apps' }),
      /test\/ingress\/gw: invalid namespace "Apps": must be a DNS-1123 label/],
  ];

  test.each(cases)('%s', (_name, fn, message) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IstioValidationError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('routeExternalHost rejects bad input', () => {
  function egress() {
    const { istiod, chart } = mesh();
    return new EgressGateway(chart, 'egress', { istiod });
  }
  const cases: Array<[string, (e: EgressGateway) => unknown, RegExp]> = [
    ['wildcard host', (e) => e.routeExternalHost('r', { host: '*.github.com' }),
      /^test\/egress\/r: invalid host "\*\.github\.com": must be a host name .* \(no wildcard here\)/],
    ['short host', (e) => e.routeExternalHost('r', { host: 'github' }),
      /test\/egress\/r: invalid host "github": must be a fully qualified external host/],
    ['unknown protocol', (e) => e.routeExternalHost('r', { host: 'a.example.com', protocol: 'TCP' as 'TLS' }),
      /test\/egress\/r: invalid protocol "TCP": must be "TLS" \(passthrough of HTTPS\/TLS\) or "HTTP"/],
    ['TLS origination with protocol TLS', (e) => e.routeExternalHost('r', { host: 'a.example.com', tls: {} }),
      /test\/egress\/r: invalid tls \{\}: TLS origination needs protocol HTTP/],
    ['origination port equal to the app port', (e) => e.routeExternalHost('r', { host: 'a.example.com', protocol: 'HTTP', port: 443, tls: {} }),
      /test\/egress\/r: invalid tls\.port 443: must differ from port \(443\)/],
    ['port out of range', (e) => e.routeExternalHost('r', { host: 'a.example.com', port: 0 }),
      /test\/egress\/r: invalid port 0: must be an integer from 1 to 65535/],
    ['name not DNS-1123', (e) => e.routeExternalHost('r', { host: 'a.example.com', name: 'A.B' }),
      /test\/egress\/r: invalid name "A\.B": must be a DNS-1123 label/],
    ['the same host twice', (e) => { e.routeExternalHost('a', { host: 'a.example.com' }); return e.routeExternalHost('b', { host: 'a.example.com', protocol: 'HTTP' }); },
      /test\/egress\/b: invalid host "a\.example\.com": is already routed through this egress gateway by route "a-example-com"/],
    ['the same name twice', (e) => { e.routeExternalHost('a', { host: 'a.example.com', name: 'ext' }); return e.routeExternalHost('b', { host: 'b.example.com', name: 'ext' }); },
      /test\/egress\/b: invalid name "ext": must be unique among the routes of this egress gateway/],
  ];

  test.each(cases)('%s', (_name, fn, message) => {
    let err: unknown;
    try {
      fn(egress());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IstioValidationError);
    expect((err as Error).message).toMatch(message);
  });
});
