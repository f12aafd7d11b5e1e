/**
 * WorkloadGroup: Istio's reference example rendered as written, and each rule of Istio's validating webhook (and the
 * CRD's own rules) for the kind refused at construction with the construct path, field, value and what would be valid.
 */
import { WorkloadGroup, WorkloadGroupProps } from '../../src/networking';
import type { WorkloadGroupSpec, WorkloadGroupSpecProbe } from '../../src/resource/specs.generated';
import { IstioVersion } from '../../src/version';
import { findOne } from '../support/synth';
import { mesh, refusal, RELEASES, synth, where } from './support';

function group(spec: WorkloadGroupSpec, over: Partial<WorkloadGroupProps> = {}, version = IstioVersion.V1_30_3) {
  const { chart, istiod } = mesh(version);
  return () => new WorkloadGroup(chart, 'wg', { namespace: { istiod, name: 'bookinfo' }, spec, ...over });
}

const probe = (p: WorkloadGroupSpecProbe): WorkloadGroupSpec => ({ template: { serviceAccount: 'default' }, probe: p });

describe.each(RELEASES)('WorkloadGroup, Istio %s', (_tag, version, apiVersion) => {
  test('the JSDoc example renders (Istio reference "WorkloadGroup": reviews with an HTTPS readiness probe)', () => {
    const { chart, istiod } = mesh(version);
    new WorkloadGroup(chart, 'reviews', {
      namespace: { istiod, name: 'bookinfo' },
      spec: {
        metadata: { labels: { 'app.kubernetes.io/name': 'reviews', 'app.kubernetes.io/version': '1.3.4' } },
        template: { ports: { grpc: 3550, http: 8080 }, serviceAccount: 'default' },
        probe: {
          initialDelaySeconds: 5, timeoutSeconds: 3, periodSeconds: 4, successThreshold: 3, failureThreshold: 3,
          httpGet: { path: '/foo/bar', host: '127.0.0.1', port: 3100, scheme: 'HTTPS', httpHeaders: [{ name: 'Lit-Header', value: 'Im-The-Best' }] },
        },
      },
    });
    expect(findOne(synth(chart), 'WorkloadGroup', 'reviews', 'bookinfo')).toEqual({
      apiVersion, kind: 'WorkloadGroup', metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: {
        metadata: { labels: { 'app.kubernetes.io/name': 'reviews', 'app.kubernetes.io/version': '1.3.4' } },
        template: { ports: { grpc: 3550, http: 8080 }, serviceAccount: 'default' },
        probe: {
          initialDelaySeconds: 5, timeoutSeconds: 3, periodSeconds: 4, successThreshold: 3, failureThreshold: 3,
          httpGet: { path: '/foo/bar', host: '127.0.0.1', port: 3100, scheme: 'HTTPS', httpHeaders: [{ name: 'Lit-Header', value: 'Im-The-Best' }] },
        },
      },
    });
  });

  test('Istio task "Virtual Machine Installation": the group of the VM (template with service account and network) renders', () => {
    const { chart, istiod } = mesh(version);
    const spec: WorkloadGroupSpec = { metadata: { labels: { app: 'vm-app' } }, template: { serviceAccount: 'vm-sa', network: 'vm-network' } };
    new WorkloadGroup(chart, 'vm-app', { namespace: { istiod, name: 'vm-namespace' }, spec });
    expect(findOne(synth(chart), 'WorkloadGroup', 'vm-app').spec).toEqual(spec);
  });
});

describe('WorkloadGroup: what the release serves', () => {
  test('probe.grpc: 1.20 has no such field; 1.30 has it in the CRD but istiod\'s webhook refuses it, so both releases refuse it with their reason', () => {
    const spec = probe({ grpc: { port: 9090, service: 'health' } });
    const old = refusal(group(spec, {}, IstioVersion.V1_20_3));
    expect(old.field).toBe('spec.probe.grpc');
    expect(old.expected).toMatch(/1\.30/);
    const now = refusal(group(spec));
    expect(where(now)).toEqual(['c/wg', 'spec.probe.grpc', '{"port":9090,"service":"health"}']);
    expect(now.expected).toBe('is refused by Istio\'s validating webhook ("unknown health check method") although the CRD has the field: use httpGet, tcpSocket or exec');
  });
});

describe('WorkloadGroup: the webhook rules', () => {
  test('template is required', () => {
    const e = refusal(group({ metadata: { labels: { app: 'a' } } } as unknown as WorkloadGroupSpec));
    expect(where(e)).toEqual(['c/wg', 'spec.template', '(undefined)']);
  });

  test('metadata labels are Kubernetes labels', () => {
    expect(where(refusal(group({ template: {}, metadata: { labels: { app: 'a/b' } } })))).toEqual(['c/wg', 'spec.metadata.labels.app', '"a/b"']);
  });

  test('a probe sets exactly one method', () => {
    const none = refusal(group(probe({ periodSeconds: 5 })));
    expect(where(none)).toEqual(['c/wg', 'spec.probe', '"(no method)"']);
    const two = refusal(group(probe({ tcpSocket: { port: 80 }, exec: { command: ['true'] } })));
    expect(two.field).toBe('spec.probe');
  });

  test('probe methods: httpGet port and scheme and header names, tcpSocket port, exec command', () => {
    expect(where(refusal(group(probe({ httpGet: { port: 3100, scheme: 'FTP' } }))))).toEqual(['c/wg', 'spec.probe.httpGet.scheme', '"FTP"']);
    expect(refusal(group(probe({ httpGet: { port: 3100, httpHeaders: [{ name: 'Bad Header', value: 'x' }] } }))).field).toBe('spec.probe.httpGet.httpHeaders[0].name');
    expect(refusal(group(probe({ httpGet: { port: 0 } }))).field).toBe('spec.probe.httpGet.port');
    expect(refusal(group(probe({ tcpSocket: { port: 70000 } }))).field).toBe('spec.probe.tcpSocket.port');
    const cmd = refusal(group(probe({ exec: { command: [] } })));
    expect([cmd.field, cmd.expected]).toEqual(['spec.probe.exec.command', 'must list the command and its arguments, e.g. ["cat", "/tmp/ready"]']);
  });

  test('template: a unix socket address has no ports; port names are port names', () => {
    const e = refusal(group({ template: { address: 'unix:///var/run/app.sock', ports: { http: 80 } } }));
    expect(where(e)).toEqual(['c/wg', 'spec.template.ports', '{"http":80}']);
    expect(refusal(group({ template: { ports: { 'a_b': 80 } } })).field).toBe('spec.template.ports key');
  });
});
