/**
 * Image settings of the control plane and its node agents: checked once, here.
 *
 * @internal
 */
import { IConstruct } from 'constructs';
import { fail } from '../validation';

const IMAGE_HUB = /^[A-Za-z0-9]([A-Za-z0-9._:-]*[A-Za-z0-9])?(\/[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_VARIANT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A hub, tag and variant, resolved. */
export interface ResolvedImage {
  readonly hub: string;
  readonly tag: string;
  readonly variant?: string;
}

/** Checks `image` (reported under `field`) and fills what it leaves out from `defaults`. */
export function resolveImage(scope: IConstruct, field: string, image: { hub?: string; tag?: string; variant?: string }, defaults: ResolvedImage): ResolvedImage {
  if (image === null || typeof image !== 'object' || Array.isArray(image)) fail(scope, field, image, 'must be an object { hub, tag, variant }');
  const hub = image.hub ?? defaults.hub;
  const tag = image.tag ?? defaults.tag;
  const variant = image.variant ?? defaults.variant;
  if (typeof hub !== 'string' || !IMAGE_HUB.test(hub)) fail(scope, `${field}.hub`, hub, 'must be a registry and path such as "docker.io/istio" or "registry.example.com:5000/istio", without a trailing "/"');
  if (typeof tag !== 'string' || !IMAGE_TAG.test(tag)) fail(scope, `${field}.tag`, tag, 'must be an image tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"');
  if (variant !== undefined && (typeof variant !== 'string' || !IMAGE_VARIANT.test(variant))) {
    fail(scope, `${field}.variant`, variant, 'must be a variant name such as "distroless": lower-case letters, digits and "-"');
  }
  return { hub, tag, variant };
}
