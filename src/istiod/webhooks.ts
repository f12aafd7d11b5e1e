/**
 * istiod's admission webhooks: the sidecar-injector MutatingWebhookConfiguration and the per-revision
 * ValidatingWebhookConfiguration.
 *
 * @internal
 */
import { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KubeJson, kubeObject } from '../kube';
import { IstiodContext } from './context';

type LabelSelector = KubeJson<k8s.LabelSelector>;
type LabelSelectorRequirement = KubeJson<k8s.LabelSelectorRequirement>;

const INJECTION = 'istio-injection';
const REV = 'istio.io/rev';
const INJECT = 'sidecar.istio.io/inject';

function req(key: string, operator: 'In' | 'NotIn' | 'DoesNotExist', values?: string[]): LabelSelectorRequirement {
  return values ? { key, operator, values } : { key, operator };
}

function selector(...matchExpressions: LabelSelectorRequirement[]): LabelSelector {
  return { matchExpressions };
}

/** Name of the injector MWC: `istio-sidecar-injector[-rev]`, plus `-<ns>` outside `istio-system`. */
export function injectorWebhookName(ctx: IstiodContext): string {
  const base = ctx.revisionedName('istio-sidecar-injector');
  return ctx.namespace === 'istio-system' ? base : `${base}-${ctx.namespace}`;
}

/** Name of the revision validator: `istio-validator[-rev]-<ns>`. */
export function validatorWebhookName(ctx: IstiodContext): string {
  return ctx.clusterScopedName('istio-validator');
}

/**
 * The injection webhooks and their selectors. Every revision gets the two `rev.*` webhooks (namespace label
 * `istio.io/rev`, or pod label `istio.io/rev` in unlabelled namespaces); the default revision also gets the
 * `istio-injection=enabled` namespace webhook and the pod-label `sidecar.istio.io/inject=true` webhook.
 */
export function injectionWebhooks(ctx: IstiodContext, tag?: string): Array<KubeJson<k8s.MutatingWebhook>> {
  // A revision tag's webhooks select on the tag instead of the revision; the tag `default` also takes the
  // default revision's two webhooks (namespaces labelled istio-injection=enabled, pods asking for injection).
  const rev = [tag ?? ctx.revisionLabel];
  const withDefault = tag === undefined ? !ctx.revision : tag === 'default';
  const notDisabled = req(INJECT, 'NotIn', ['false']);
  const selected: Array<[string, LabelSelector, LabelSelector]> = [
    ['rev.namespace.sidecar-injector.istio.io',
      selector(req(REV, 'In', rev), req(INJECTION, 'DoesNotExist')),
      selector(notDisabled)],
    ['rev.object.sidecar-injector.istio.io',
      selector(req(REV, 'DoesNotExist'), req(INJECTION, 'DoesNotExist')),
      selector(notDisabled, req(REV, 'In', rev))],
  ];
  if (withDefault) {
    selected.push(
      ['namespace.sidecar-injector.istio.io',
        selector(req(INJECTION, 'In', ['enabled'])),
        selector(notDisabled)],
      ['object.sidecar-injector.istio.io',
        selector(req(INJECTION, 'DoesNotExist'), req(REV, 'DoesNotExist')),
        selector(req(INJECT, 'In', ['true']), req(REV, 'DoesNotExist'))],
    );
  }
  return selected.map(([name, namespaceSelector, objectSelector]) => ({
    name,
    clientConfig: { service: { name: ctx.name, namespace: ctx.namespace, path: '/inject', port: 443 } },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    failurePolicy: 'Fail',
    sideEffects: 'None',
    ...(tag === undefined || ctx.version.revisionTagReinvocationPolicy ? { reinvocationPolicy: 'Never' } : {}),
    admissionReviewVersions: ctx.version.admissionReviewVersions,
    namespaceSelector,
    objectSelector,
  }));
}

/** Adds the sidecar-injector MutatingWebhookConfiguration. */
export function addInjectorWebhook(scope: Construct, ctx: IstiodContext): ApiObject {
  return kubeObject(scope, 'sidecar-injector-webhook', 'MutatingWebhookConfiguration', {
    metadata: ctx.clusterMeta(injectorWebhookName(ctx), 'injector'),
    webhooks: injectionWebhooks(ctx),
  });
}

/**
 * Adds `istio-validator[-rev]-<ns>`: validation of Istio config for objects labelled with this revision.
 * It starts as failurePolicy Ignore; istiod switches it to Fail (and patches caBundle) once it serves.
 */
export function addValidatorWebhook(scope: Construct, ctx: IstiodContext): ApiObject {
  return kubeObject(scope, 'validator-webhook', 'ValidatingWebhookConfiguration', {
    metadata: ctx.clusterMeta(validatorWebhookName(ctx), 'validator'),
    webhooks: [{
      name: 'rev.validation.istio.io',
      clientConfig: { service: { name: ctx.name, namespace: ctx.namespace, path: '/validate' } },
      rules: [{
        operations: ['CREATE', 'UPDATE'],
        apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        apiVersions: ['*'],
        resources: ['*'],
      }],
      failurePolicy: 'Ignore',
      sideEffects: 'None',
      admissionReviewVersions: ctx.version.admissionReviewVersions,
      objectSelector: selector(req(REV, 'In', [ctx.revisionLabel])),
    }],
  });
}
