/**
 * Scale sanity: a generated mesh of 2,000 services (Service + Deployments + DestinationRule +
 * VirtualService each, a shared ingress Gateway) is analyzed completely, with exactly the planted
 * findings. Timing belongs to bench/, not here.
 */
import { analyze } from '../../src/analyzer';
import { K8sObject, validateAll } from '../support/schema';
import { deployment, dest, destinationRule, gateway, ingressWorkload, namespace, service, virtualService } from './fixtures';

const SERVICES = 2000;
const NAMESPACES = 100;

/** Objects of service i. Planted defects: odd i has no v2 pods (IST0173); i % 10 == 0 weighs 90/20 (CIS0001); every 4th is exposed, i % 100 == 0 with a host the Gateway does not serve (IST0132). */
function serviceObjects(i: number): K8sObject[] {
  const ns = `ns-${i % NAMESPACES}`;
  const name = `svc-${i}`;
  const objs: K8sObject[] = [
    service(name, ns, { app: name }),
    deployment(`${name}-v1`, ns, { app: name, version: 'v1' }),
    destinationRule(name, ns, { host: name, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }),
    virtualService(name, ns, { hosts: [name], http: [
      { match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [dest(name, { subset: 'v2' })] },
      { route: [{ ...dest(name, { subset: 'v1' }), weight: 90 }, { ...dest(name, { subset: 'v2' }), weight: i % 10 === 0 ? 20 : 10 }] },
    ] }),
  ];
  if (i % 2 === 0) objs.push(deployment(`${name}-v2`, ns, { app: name, version: 'v2' }));
  if (i % 4 === 0) {
    const host = i % 100 === 0 ? `${name}.example.net` : `${name}.example.com`;
    objs.push(virtualService(`${name}-edge`, ns, { hosts: [host], gateways: ['istio-ingress/public'], http: [{ route: [dest(name, { subset: 'v1' })] }] }));
  }
  return objs;
}

function mesh(): K8sObject[] {
  const objs: K8sObject[] = [
    ...ingressWorkload(),
    gateway('public', 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 80, hosts: ['*.example.com'] }]),
  ];
  for (let n = 0; n < NAMESPACES; n++) objs.push(namespace(`ns-${n}`, { 'istio-injection': 'enabled' }));
  for (let i = 0; i < SERVICES; i++) objs.push(...serviceObjects(i));
  return objs;
}

test(`analysis of ${SERVICES} services finds exactly the planted problems`, () => {
  const objs = mesh();
  validateAll([...objs.slice(0, 4), ...serviceObjects(0), ...serviceObjects(1)]);
  expect(objs.length).toBe(3 + NAMESPACES + SERVICES * 4 + SERVICES / 2 + SERVICES / 4);

  const findings = analyze(objs);
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.code] = (counts[f.code] ?? 0) + 1;
  expect(counts).toEqual({ IST0173: SERVICES / 2, CIS0001: SERVICES / 10, IST0132: SERVICES / 100 });
  expect(findings.filter((f) => f.code === 'IST0173').every((f) => f.field === 'spec.subsets[1].labels')).toBe(true);
  expect(findings.find((f) => f.code === 'IST0132')!.object).toEqual({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'ns-0', name: 'svc-0-edge' });
});

test('many Gateways sharing one host on one selector and port are all reported, with bounded messages', () => {
  const objs: K8sObject[] = [...ingressWorkload()];
  for (let i = 0; i < 300; i++) objs.push(gateway(`gw-${i}`, 'istio-ingress', { istio: 'ingressgateway' }, [{ port: 443, protocol: 'HTTPS', hosts: ['shop.example.com'] }]));
  validateAll(objs.slice(0, 3));
  const conflicts = analyze(objs).filter((f) => f.code === 'IST0145');
  expect(conflicts.length).toBe(300);
  expect(Math.max(...conflicts.map((f) => f.message.length))).toBeLessThan(400);
});
