/**
 * Field checks of the Gateway API (the rules its CRD schemas and CEL rules state), shared by the constructs.
 * @internal
 */
import { IConstruct } from 'constructs';
import { checkInt, fail } from '../validation';

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4ISH = /^[0-9.]+$/;

/** A Gateway API Hostname: a lower-case DNS name, optionally with one leading `*.` label; no IP, no `*` alone. */
export function checkHostname(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 253 || !HOSTNAME.test(value) || IPV4ISH.test(value)) {
    fail(scope, field, value, 'must be a host name such as "api.example.com" or "*.example.com" (lower case, at most one leading "*." label; no IP address, no "*" alone)');
  }
  return value;
}

/** A list of hostnames, each checked and none repeated. */
export function checkHostnames(scope: IConstruct, field: string, values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  if (!Array.isArray(values)) fail(scope, field, values, 'must be a list of host names');
  if (values.length > 16) fail(scope, field, values.length, 'must list at most 16 host names (the Gateway API limit)');
  const seen = new Set<string>();
  values.forEach((h, i) => {
    checkHostname(scope, `${field}[${i}]`, h);
    if (seen.has(h)) fail(scope, `${field}[${i}]`, h, 'must not repeat a host name of the list');
    seen.add(h);
  });
  return [...values];
}

const SECTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A SectionName (listener or Service port name): a DNS subdomain. */
export function checkSectionName(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length > 253 || !SECTION_NAME.test(value)) {
    fail(scope, field, value, 'must be a DNS-1123 subdomain such as "http" or "https-api" (lower-case letters, digits, "-" and ".")');
  }
  return value;
}

/** A backend weight: an integer from 0 to 1,000,000 (the Gateway API's bounds). */
export function checkWeight(scope: IConstruct, field: string, value: number): number {
  return checkInt(scope, field, value, 0, 1_000_000);
}

const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/** A Gateway API Duration, e.g. `10s`, `1m30s`, `500ms`. */
export function checkDuration(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || !DURATION.test(value)) {
    fail(scope, field, value, 'must be a Gateway API duration: one to four parts of 1-5 digits and a unit h, m, s or ms, e.g. "10s", "1m30s", "500ms"');
  }
  return value;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** An HTTP header name (an RFC 7230 token). */
export function checkHeaderName(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || !HEADER_NAME.test(value)) {
    fail(scope, field, value, 'must be an HTTP header name such as "x-canary" (letters, digits and !#$%&\'*+-.^_`|~, at most 256)');
  }
  return value;
}
