import { Construct } from 'constructs';
import { IstioResource, IstioResourceProps, IstioRuleContext } from '../resource/istio-resource';
import type { ServiceEntrySpec, ServiceEntrySpecEndpoint } from '../resource/specs.generated';
import { checkLabels, checkPort, fail, isCidr, isIP } from '../validation';
import {
  checkExportTo, checkPortMap, checkPortName, checkProtocol, checkSelectorLabels, checkUnixAddress, isFqdn, isHttpProtocol, isTlsProtocol,
  isWildcardDomain, parseProtocol, UNIX_PREFIX,
} from './rules';

/** Props of {@link ServiceEntry}. */
export interface ServiceEntryProps extends IstioResourceProps<ServiceEntrySpec> {}

/**
 * An Istio `ServiceEntry` (networking.istio.io): adds a service to the mesh's registry, an external API
 * (`MESH_EXTERNAL`) or workloads outside Kubernetes (`MESH_INTERNAL`, with endpoints or a workload selector). The
 * spec is Istio's, field for field; it is checked against the release's CRD schema and the rules Istio's validating
 * webhook applies: hosts (never `*`), addresses, unique port names and numbers, what each resolution allows
 * (endpoints, wildcard hosts, CIDR addresses), endpoint addresses and ports, `exportTo`.
 *
 * @example
 * // Istio's task "Accessing External Services": let the mesh call httpbin.org over HTTP
 * new ServiceEntry(chart, 'httpbin-ext', {
 *   namespace: { istiod, name: 'default' },
 *   spec: {
 *     hosts: ['httpbin.org'],
 *     ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
 *     resolution: 'DNS',
 *     location: 'MESH_EXTERNAL',
 *   },
 * });
 */
export class ServiceEntry extends IstioResource<ServiceEntrySpec> {
  public constructor(scope: Construct, id: string, props: ServiceEntryProps) {
    super(scope, id, 'ServiceEntry', props, checkServiceEntry);
    const waypoint = props.labels?.['istio.io/use-waypoint'];
    if (this.spec.resolution === 'DYNAMIC_DNS' && this.spec.location === 'MESH_INTERNAL' && waypoint && waypoint.toLowerCase() !== 'none') {
      fail(this, 'spec.location', this.spec.location, `must be MESH_EXTERNAL with resolution DYNAMIC_DNS when the entry uses a waypoint (label istio.io/use-waypoint=${waypoint})`);
    }
  }

  /** The hosts the entry adds to the registry (what routes and DestinationRules name). */
  public get hosts(): string[] {
    return [...this.spec.hosts];
  }
}

function checkServiceEntry(scope: Construct, spec: ServiceEntrySpec, ctx: IstioRuleContext): void {
  const resolution = spec.resolution ?? 'NONE';
  const ports = spec.ports ?? [];
  const addresses = spec.addresses ?? [];
  const endpoints = spec.endpoints;
  checkSelectorLabels(scope, 'spec.workloadSelector.labels', spec.workloadSelector?.labels);
  if (spec.workloadSelector !== undefined && endpoints !== undefined) {
    fail(scope, 'spec.endpoints', '(with workloadSelector)', 'must be left out when workloadSelector is set: a ServiceEntry takes its endpoints from one or the other');
  }

  if (!spec.hosts?.length) fail(scope, 'spec.hosts', spec.hosts, 'must list at least one host, e.g. ["api.example.com"]');
  spec.hosts.forEach((h, i) => {
    if (h === '*') fail(scope, `spec.hosts[${i}]`, h, 'must not be "*": a ServiceEntry names the hosts it adds (a wildcard such as "*.example.com" is allowed)');
    if (!isWildcardDomain(h)) fail(scope, `spec.hosts[${i}]`, h, 'must be a DNS name such as "api.example.com", optionally with a leading wildcard label ("*.example.com")');
  });

  let cidr = false;
  addresses.forEach((a, i) => {
    if (a.includes('/')) {
      cidr = true;
      if (!isCidr(a)) fail(scope, `spec.addresses[${i}]`, a, 'must be an IP address or CIDR block such as "10.0.0.0/16"');
    } else if (!isIP(a)) fail(scope, `spec.addresses[${i}]`, a, 'must be an IP address or CIDR block such as "10.0.0.0/16"');
  });
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') {
    fail(scope, 'spec.resolution', resolution, 'must be NONE or STATIC when addresses has a CIDR block (a block names no single host to resolve)');
  }

  const names = new Set<string>();
  const numbers = new Set<number>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    checkPortName(scope, `${at}.name`, p.name);
    if (names.has(p.name)) fail(scope, `${at}.name`, p.name, 'must be unique among the entry\'s ports');
    names.add(p.name);
    checkPort(scope, `${at}.number`, p.number);
    if (numbers.has(p.number)) fail(scope, `${at}.number`, p.number, 'must be unique among the entry\'s ports');
    numbers.add(p.number);
    if (p.targetPort !== undefined && p.targetPort !== 0) checkPort(scope, `${at}.targetPort`, p.targetPort);
    checkProtocol(scope, `${at}.protocol`, p.protocol, true);
  });

  switch (resolution) {
    case 'NONE':
      if (endpoints?.length) fail(scope, 'spec.endpoints', `(${endpoints.length} endpoints)`, 'must be left out with resolution NONE: the proxy forwards to the address the caller asked for; use STATIC or DNS to give endpoints');
      break;
    case 'STATIC':
      if (!endpoints?.length && spec.workloadSelector === undefined) {
        fail(scope, 'spec.endpoints', endpoints, 'must list endpoints (or set workloadSelector) with resolution STATIC: otherwise the entry has no endpoint to send traffic to');
      }
      (endpoints ?? []).forEach((e, i) => checkEndpoint(scope, `spec.endpoints[${i}]`, e, names, false));
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (!endpoints?.length) {
        spec.hosts.forEach((h, i) => {
          if (!isFqdn(h)) fail(scope, `spec.hosts[${i}]`, h, `must be a DNS name without wildcard with resolution ${resolution} and no endpoints: the proxy resolves the host itself (give endpoints, or use resolution NONE or DYNAMIC_DNS for a wildcard)`);
        });
      }
      if (resolution === 'DNS_ROUND_ROBIN' && (endpoints?.length ?? 0) > 1) {
        fail(scope, 'spec.endpoints', `(${endpoints!.length} endpoints)`, 'must have at most 1 endpoint with resolution DNS_ROUND_ROBIN');
      }
      (endpoints ?? []).forEach((e, i) => checkEndpoint(scope, `spec.endpoints[${i}]`, e, names, true));
      break;
    case 'DYNAMIC_DNS':
      spec.hosts.forEach((h, i) => {
        if (!h.startsWith('*')) fail(scope, `spec.hosts[${i}]`, h, 'must be a wildcard host such as "*.example.com" with resolution DYNAMIC_DNS');
      });
      if (addresses.length) fail(scope, 'spec.addresses', addresses, 'must be left out with resolution DYNAMIC_DNS (routes are built from the hosts)');
      if (endpoints?.length) fail(scope, 'spec.endpoints', `(${endpoints.length} endpoints)`, 'must be left out with resolution DYNAMIC_DNS (the destination comes from the requested host)');
      ports.forEach((p, i) => {
        const proto = parseProtocol(p.protocol);
        if (proto !== 'HTTP' && proto !== 'TLS' && proto !== 'GRPC' && proto !== 'HTTP2') {
          fail(scope, `spec.ports[${i}].protocol`, p.protocol, 'must be HTTP, TLS, GRPC or HTTP2 with resolution DYNAMIC_DNS');
        }
      });
      break;
  }

  if (resolution !== 'NONE' && spec.hosts.length > 1) {
    ports.forEach((p, i) => {
      const proto = parseProtocol(p.protocol);
      if (!isHttpProtocol(proto) && !isTlsProtocol(proto)) {
        fail(scope, `spec.ports[${i}].protocol`, p.protocol, `must be an HTTP or TLS protocol when the entry has several hosts and resolution ${resolution}: over plain TCP the proxy cannot tell the hosts apart (split the entry, or use resolution NONE)`);
      }
    });
  }
  checkExportTo(scope, 'spec.exportTo', spec.exportTo, ctx.namespace, true);
}

/** An endpoint of a STATIC (IP or unix socket address) or DNS (IP or DNS name) entry. */
function checkEndpoint(scope: Construct, at: string, e: ServiceEntrySpecEndpoint, servicePorts: Set<string>, dns: boolean): void {
  const addr = e.address ?? '';
  if (dns) {
    if (!isIP(addr) && !isFqdn(addr)) fail(scope, `${at}.address`, e.address, 'must be an IP address or a DNS name with resolution DNS');
  } else if (addr === '') {
    if (!e.network) fail(scope, `${at}.address`, e.address, 'must be set (an IP address or unix socket), unless network names a network reached through its gateway');
  } else if (addr.startsWith(UNIX_PREFIX)) {
    checkUnixAddress(scope, `${at}.address`, addr);
    if (e.ports && Object.keys(e.ports).length) fail(scope, `${at}.ports`, e.ports, 'must be left out for a unix socket endpoint');
    if (servicePorts.size !== 1) fail(scope, `${at}.address`, addr, `needs exactly 1 port on the entry for a unix socket endpoint (it has ${servicePorts.size})`);
  } else if (!isIP(addr)) {
    fail(scope, `${at}.address`, addr, 'must be an IP address (or unix:// socket) with resolution STATIC; use resolution DNS for a DNS name');
  }
  for (const name of Object.keys(e.ports ?? {})) {
    if (!servicePorts.has(name)) fail(scope, `${at}.ports.${name}`, e.ports![name], `must name a port of the entry (${[...servicePorts].join(', ') || 'none'})`);
  }
  checkPortMap(scope, `${at}.ports`, e.ports);
  checkLabels(scope, `${at}.labels`, e.labels as Record<string, string> | undefined);
}
