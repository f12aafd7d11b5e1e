/**
 * WorkloadEntry: Istio's reference examples rendered as written, and each rule of Istio's validating webhook (and
 * the CRD's own rules) for the kind refused at construction with the construct path, field, value and what would be valid.
 */
import { WorkloadEntry, WorkloadEntryProps } from '../../src/networking';
import type { WorkloadEntrySpec } from '../../src/resource/specs.generated';
import { IstioVersion } from '../../src/version';
import { findOne } from '../support/synth';
import { mesh, refusal, RELEASES, synth, where } from './support';

function entry(spec: WorkloadEntrySpec, over: Partial<WorkloadEntryProps> = {}, version = IstioVersion.V1_30_3) {
  const { chart, istiod } = mesh(version);
  return () => new WorkloadEntry(chart, 'we', { namespace: { istiod, name: 'bookinfo' }, spec, ...over });
}

describe.each(RELEASES)('WorkloadEntry, Istio %s', (_tag, version, apiVersion) => {
  test('the JSDoc example renders (Istio reference "WorkloadEntry": details-svc VM)', () => {
    const { chart, istiod } = mesh(version);
    new WorkloadEntry(chart, 'details-svc', {
      namespace: { istiod, name: 'bookinfo' },
      spec: {
        serviceAccount: 'details-legacy',
        address: '2.2.2.2',
        labels: { 'app': 'details-legacy', 'instance-id': 'vm1' },
      },
    });
    expect(findOne(synth(chart), 'WorkloadEntry', 'details-svc', 'bookinfo')).toEqual({
      apiVersion, kind: 'WorkloadEntry', metadata: { name: 'details-svc', namespace: 'bookinfo' },
      spec: { serviceAccount: 'details-legacy', address: '2.2.2.2', labels: { 'app': 'details-legacy', 'instance-id': 'vm1' } },
    });
  });

  test('Istio reference "WorkloadEntry": a VM by DNS name with named ports, locality and weight renders as given', () => {
    const { chart, istiod } = mesh(version);
    const spec: WorkloadEntrySpec = {
      serviceAccount: 'details-legacy', address: 'vm1.vpc01.corp.net', ports: { http: 9080, grpc: 3550 },
      labels: { app: 'details-legacy' }, locality: 'us-east1/us-east1-b', weight: 10,
    };
    new WorkloadEntry(chart, 'details-vm1', { namespace: { istiod, name: 'bookinfo' }, spec });
    expect(findOne(synth(chart), 'WorkloadEntry', 'details-vm1').spec).toEqual(spec);
  });
});

describe('WorkloadEntry: the webhook rules', () => {
  test('an address is required unless a network reaches the workload', () => {
    const e = refusal(entry({ labels: { app: 'a' } }));
    expect(where(e)).toEqual(['c/we', 'spec.address', '(undefined)']);
    expect(e.expected).toMatch(/^must be set \(an IP address, a DNS name or "unix:\/\/<path>"\), unless network/);
    expect(() => entry({ network: 'vpc-2', labels: { app: 'a' } })()).not.toThrow();
  });

  test('the address is an IP, a DNS name or an absolute unix socket without ports', () => {
    expect(where(refusal(entry({ address: 'not an address' })))).toEqual(['c/we', 'spec.address', '"not an address"']);
    expect(where(refusal(entry({ address: 'unix://relative.sock' })))).toEqual(['c/we', 'spec.address', '"unix://relative.sock"']);
    expect(refusal(entry({ address: 'unix:///var/run/a/' })).field).toBe('spec.address');
    const ports = refusal(entry({ address: 'unix:///var/run/app.sock', ports: { http: 80 } }));
    expect([ports.field, ports.expected]).toEqual(['spec.ports', 'must be left out for a unix socket address (the socket is the port)']);
    for (const ok of ['10.0.0.1', 'fd00::1', 'vm.example.com', 'unix:///var/run/app.sock', 'unix://@abstract']) expect(() => entry({ address: ok })()).not.toThrow();
  });

  test('ports: port names with numbers 1-65535 (the schema bounds come first, then the CRD rule)', () => {
    expect(where(refusal(entry({ address: '10.0.0.1', ports: { http: 0 } })))).toEqual(['c/we', 'spec.ports.http', '0']);
    expect(where(refusal(entry({ address: '10.0.0.1', ports: { http: 70000 } })))).toEqual(['c/we', 'spec.ports.http', '70000']);
    expect(where(refusal(entry({ address: '10.0.0.1', ports: { 'http_web': 80 } })))).toEqual(['c/we', 'spec.ports key', '"http_web"']);
  });

  test('labels are Kubernetes labels', () => {
    expect(where(refusal(entry({ address: '10.0.0.1', labels: { app: 'a b' } })))).toEqual(['c/we', 'spec.labels.app', '"a b"']);
  });
});
