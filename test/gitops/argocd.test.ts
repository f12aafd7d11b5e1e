import { execFileSync } from 'child_process';
import { Testing } from 'cdk8s';
import { IstioBase } from '../../src/base/istio-base';
import {
  argoCdApplication, ArgoCdApplicationProps, istiodWebhookIgnoreDifferences, SynthesizedObject, stageObjects,
  SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, WEBHOOK_CA_BUNDLE_PATH, WEBHOOK_FAILURE_POLICY_PATH, withArgoCdAnnotations,
} from '../../src/gitops';
import { Istiod } from '../../src/istiod/istiod';
import { IstioValidationError } from '../../src/validation';
import { IstioVersion } from '../../src/version';
import { K8sObject, validateAll } from '../support/schema';
import { addControlPlane, addHandMadeMesh, chartIn, newApp, synthMesh } from './fixtures';

const BASE: ArgoCdApplicationProps = { name: 'mlops', repoURL: 'https://github.com/example/platform.git', path: 'dist/mlops' };

function app(props: Partial<ArgoCdApplicationProps> = {}): K8sObject {
  const a = argoCdApplication({ ...BASE, ...props }, 'mlops') as K8sObject;
  validateAll([a]);
  return a;
}

describe('argoCdApplication', () => {
  test('defaults: argocd namespace, default project, HEAD, in-cluster server, automated prune + selfHeal', () => {
    const a = app();
    expect(a.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(a.kind).toBe('Application');
    expect(a.metadata).toEqual({ name: 'mlops', namespace: 'argocd' });
    expect(a.spec.project).toBe('default');
    expect(a.spec.source).toEqual({ repoURL: 'https://github.com/example/platform.git', path: 'dist/mlops', targetRevision: 'HEAD' });
    expect(a.spec.destination).toEqual({ server: 'https://kubernetes.default.svc' });
    expect(a.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(a.spec.syncPolicy.syncOptions).toEqual(['RespectIgnoreDifferences=true']);
    expect(a.spec.ignoreDifferences).toBeUndefined();
  });

  test('every prop is honoured', () => {
    const a = app({
      namespace: 'gitops', project: 'platform', targetRevision: 'release-1.30', destination: { name: 'pi-cluster', namespace: 'istio-system' },
      automated: { prune: false }, syncOptions: ['PruneLast=true', 'RespectIgnoreDifferences=true'], labels: { team: 'platform' },
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', name: 'x', namespace: 'y', jqPathExpressions: ['.spec.replicas'] }],
      repoURL: 'git@github.com:example/platform.git', path: 'clusters/pi/mlops',
    });
    expect(a.metadata).toEqual({ name: 'mlops', namespace: 'gitops', labels: { team: 'platform' } });
    expect(a.spec.project).toBe('platform');
    expect(a.spec.source).toEqual({ repoURL: 'git@github.com:example/platform.git', path: 'clusters/pi/mlops', targetRevision: 'release-1.30' });
    expect(a.spec.destination).toEqual({ name: 'pi-cluster', namespace: 'istio-system' });
    expect(a.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
    expect(a.spec.syncPolicy.syncOptions).toEqual(['RespectIgnoreDifferences=true', 'PruneLast=true']);
    expect(a.spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', name: 'x', namespace: 'y', jqPathExpressions: ['.spec.replicas'] }]);
  });

  test('automated: false gives a manual-sync Application', () => {
    const a = app({ automated: false, destination: { server: 'https://10.0.0.1:6443' } });
    expect(a.spec.syncPolicy).toEqual({ syncOptions: ['RespectIgnoreDifferences=true'] });
    expect(a.spec.destination).toEqual({ server: 'https://10.0.0.1:6443' });
  });

  describe('rejects bad input naming path, field, value and what is valid', () => {
    const bad = (props: Partial<ArgoCdApplicationProps>) => () => argoCdApplication({ ...BASE, ...props } as ArgoCdApplicationProps, 'mlops');
    test('name', () => expect(bad({ name: 'MLOps' })).toThrow(/^mlops: invalid name "MLOps": must be a DNS-1123 subdomain/));
    test('namespace', () => expect(bad({ namespace: 'argo_cd' })).toThrow(/^mlops: invalid namespace "argo_cd": must be a DNS-1123 label/));
    test('project', () => expect(bad({ project: '' })).toThrow(/^mlops: invalid project "": must be the name of an Argo CD AppProject/));
    test('repoURL', () => expect(bad({ repoURL: 'github.com/example/platform' })).toThrow(/^mlops: invalid repoURL "github.com\/example\/platform": must be a Git repository URL/));
    test('absolute path', () => expect(bad({ path: '/dist/mlops' })).toThrow(/^mlops: invalid path "\/dist\/mlops": must be a relative folder inside the repository/));
    test('path leaving the repository', () => expect(bad({ path: 'dist/../../etc' })).toThrow(/invalid path "dist\/..\/..\/etc": must be a relative folder .* without "\.\."/));
    test('targetRevision', () => expect(bad({ targetRevision: 'main branch' })).toThrow(/^mlops: invalid targetRevision "main branch": must be a branch, tag or commit without spaces/));
    test('destination with server and name', () => expect(bad({ destination: { server: 'https://a', name: 'b' } })).toThrow(/^mlops: invalid destination \{"server":"https:\/\/a","name":"b"\}: must give either "server" or "name", not both/));
    test('destination.server', () => expect(bad({ destination: { server: 'kubernetes.default.svc' } })).toThrow(/^mlops: invalid destination.server "kubernetes.default.svc": must be an API server URL/));
    test('destination.name', () => expect(bad({ destination: { name: 'Pi Cluster' } })).toThrow(/^mlops: invalid destination.name "Pi Cluster": must be the name of a cluster registered in Argo CD/));
    test('destination.namespace', () => expect(bad({ destination: { namespace: 'Istio' } })).toThrow(/^mlops: invalid destination.namespace "Istio": must be a DNS-1123 label/));
    test('syncOptions', () => expect(bad({ syncOptions: ['PruneLast'] })).toThrow(/^mlops: invalid syncOptions\[0\] "PruneLast": must be an Argo CD sync option "Key=value"/));
    test('errors are IstioValidationErrors', () => expect(bad({ name: 'x_y' })).toThrow(IstioValidationError));
  });
});

describe('istiodWebhookIgnoreDifferences', () => {
  test.each([IstioVersion.V1_30_3, IstioVersion.V1_20_3])('covers exactly the webhook configurations istiod patches (%s)', (version) => {
    const objs = synthMesh((chart) => {
      addControlPlane(chart, version);
    });
    const entries = istiodWebhookIgnoreDifferences(objs);
    const mwc = objs.filter((o) => o.kind === 'MutatingWebhookConfiguration').map((o) => o.metadata.name);
    const vwc = objs.filter((o) => o.kind === 'ValidatingWebhookConfiguration').map((o) => o.metadata.name);
    expect(mwc).toEqual(['istio-sidecar-injector']);
    expect(vwc).toContain('istiod-default-validator');
    expect(entries).toEqual([
      ...mwc.map((name) => ({ group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', name, jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] })),
      ...vwc.sort().map((name) => ({
        group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', name,
        jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle', '.webhooks[]?.failurePolicy'],
      })),
    ]);
  });

  test('the default 1.30.3 install: injector, revision validator and default validator', () => {
    const entries = istiodWebhookIgnoreDifferences(synthMesh((chart) => {
      addControlPlane(chart);
    }));
    expect(entries.map((e) => `${e.kind}/${e.name}`)).toEqual([
      'MutatingWebhookConfiguration/istio-sidecar-injector',
      'ValidatingWebhookConfiguration/istio-validator-istio-system',
      'ValidatingWebhookConfiguration/istiod-default-validator',
    ]);
  });

  test('follows revision names', () => {
    const objs = synthMesh((chart) => {
      const base = new IstioBase(chart, 'base');
      new Istiod(chart, 'canary', { base, revision: 'canary' });
    });
    const names = istiodWebhookIgnoreDifferences(objs).map((e) => e.name);
    expect(names).toContain('istio-sidecar-injector-canary');
    expect(names).toContain('istio-validator-canary-istio-system');
  });

  test('leaves other webhook configurations alone', () => {
    const other: SynthesizedObject = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'cert-manager-webhook' } };
    const tag: SynthesizedObject = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-revision-tag-stable' } };
    expect(istiodWebhookIgnoreDifferences([other, tag]).map((e) => e.name)).toEqual(['istio-revision-tag-stable']);
  });

  test('jq expressions remove exactly caBundle and failurePolicy, so a webhook istiod patched compares equal', () => {
    let jq: string;
    try {
      jq = execFileSync('sh', ['-c', 'command -v jq'], { encoding: 'utf8' }).trim();
    } catch {
      throw new Error('jq is required for this test (Argo CD evaluates ignoreDifferences with jq): install it, e.g. `apt-get install -y jq`');
    }
    const objs = synthMesh((chart) => {
      addControlPlane(chart);
    });
    const entries = istiodWebhookIgnoreDifferences(objs);
    for (const entry of entries) {
      const desired = objs.find((o) => o.kind === entry.kind && o.metadata.name === entry.name)!;
      // What istiod makes of it at runtime: a CA bundle on every webhook, validators switched to Fail.
      const live = JSON.parse(JSON.stringify(desired));
      for (const w of live.webhooks) {
        w.clientConfig.caBundle = 'LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t';
        if (entry.kind === 'ValidatingWebhookConfiguration') w.failurePolicy = 'Fail';
      }
      const normalise = (o: unknown) => {
        const program = entry.jqPathExpressions.map((p) => `del(${p})`).join(' | ');
        return execFileSync(jq, ['-S', '-c', program], { input: JSON.stringify(o), encoding: 'utf8' });
      };
      expect(normalise(live)).toBe(normalise(desired));
      // ...and nothing else is ignored: a change elsewhere still shows.
      const drifted = JSON.parse(JSON.stringify(live));
      drifted.webhooks[0].sideEffects = 'Some';
      expect(normalise(drifted)).not.toBe(normalise(desired));
    }
    expect(entries.flatMap((e) => e.jqPathExpressions).every((p) => p === WEBHOOK_CA_BUNDLE_PATH || p === WEBHOOK_FAILURE_POLICY_PATH)).toBe(true);
  });
});

describe('withArgoCdAnnotations', () => {
  // addHandMadeMesh repeats the control plane under other construct ids: it gets a chart of its own (the
  // analyzer refuses the same object twice in one chart), and the real control plane's objects are kept.
  const meshApp = newApp();
  const real = chartIn(meshApp, 'mesh');
  addControlPlane(real);
  const handMade = chartIn(meshApp, 'hand-made');
  addHandMadeMesh(handMade);
  const objs = [...Testing.synth(real), ...Testing.synth(handMade)] as K8sObject[];
  validateAll(objs);
  const unique = objs.filter((o, i) => objs.findIndex((x) => x.kind === o.kind && x.metadata.name === o.metadata.name && x.metadata.namespace === o.metadata.namespace) === i);
  const staged = stageObjects(unique);
  const annotated = withArgoCdAnnotations(staged);
  const flat = annotated.flatMap((s) => s.objects.map((o) => ({ stage: s.stage, o: o as K8sObject })));

  test('annotated objects stay schema-valid', () => {
    expect(validateAll(flat.map((x) => x.o))).toBe(unique.length);
  });

  test('every object carries its stage wave', () => {
    for (const { stage, o } of flat) expect(o.metadata.annotations![SYNC_WAVE_ANNOTATION]).toBe(String(stage.syncWave));
    expect(new Set(flat.map((x) => x.o.metadata.annotations![SYNC_WAVE_ANNOTATION]))).toEqual(new Set(['0', '1', '2', '3', '4']));
  });

  test('CRDs are applied server-side and never pruned', () => {
    const crds = flat.filter((x) => x.o.kind === 'CustomResourceDefinition');
    expect(crds.length).toBeGreaterThan(0);
    for (const { o } of crds) expect(o.metadata.annotations![SYNC_OPTIONS_ANNOTATION]).toBe('ServerSideApply=true,Prune=false');
  });

  test('Istio custom resources skip the dry run while their CRD is missing; built-in kinds get no sync options', () => {
    for (const { o } of flat) {
      const istio = o.apiVersion.includes('.istio.io/');
      if (istio) expect([o.kind, o.metadata.annotations![SYNC_OPTIONS_ANNOTATION]]).toEqual([o.kind, 'SkipDryRunOnMissingResource=true']);
      else if (o.kind !== 'CustomResourceDefinition' && o.kind !== 'Certificate') {
        expect([o.kind, o.metadata.annotations![SYNC_OPTIONS_ANNOTATION]]).toEqual([o.kind, undefined]);
      }
    }
  });

  test('custom resources whose CRD is in the same set also skip the dry run', () => {
    const crd: SynthesizedObject = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' } },
    };
    const widget: SynthesizedObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'n' } };
    const gadget: SynthesizedObject = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'n' } };
    const out = withArgoCdAnnotations(stageObjects([crd, widget, gadget])).flatMap((s) => s.objects);
    expect(out.find((o) => o.kind === 'Widget')!.metadata.annotations![SYNC_OPTIONS_ANNOTATION]).toBe('SkipDryRunOnMissingResource=true');
    expect(out.find((o) => o.kind === 'Gadget')!.metadata.annotations![SYNC_OPTIONS_ANNOTATION]).toBeUndefined();
  });

  test('an explicit wave is kept, existing sync options are merged, inputs are not mutated', () => {
    const vs: SynthesizedObject = {
      apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {
        name: 'v', namespace: 'n', annotations: { [SYNC_WAVE_ANNOTATION]: '7', [SYNC_OPTIONS_ANNOTATION]: 'Validate=false, SkipDryRunOnMissingResource=true' },
      },
    };
    const before = JSON.stringify(vs);
    const [out] = withArgoCdAnnotations(stageObjects([vs])).flatMap((s) => s.objects);
    expect(out.metadata.annotations).toEqual({ [SYNC_WAVE_ANNOTATION]: '7', [SYNC_OPTIONS_ANNOTATION]: 'Validate=false,SkipDryRunOnMissingResource=true' });
    expect(JSON.stringify(vs)).toBe(before);
  });
});
