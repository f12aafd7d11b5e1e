/**
 * EnvoyFilter patch checks (IST0151-IST0155): operations Envoy ignores for the chosen `applyTo`, and relative
 * operations without a priority, whose order against other filters is not defined (worse across proxy versions).
 */
import { Entry, MeshModel, Reporter, arr, rec, ref, str } from '../model';

const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
const REPLACEABLE = new Set(['NETWORK_FILTER', 'HTTP_FILTER', 'VIRTUAL_HOST']);

/** The name a patch is about: its value's `name`, else the listener filter it matches. */
function instanceName(patch: Record<string, unknown>): string {
  const value = rec(rec(patch.patch)?.value);
  if (!value) return '';
  if (value.name !== undefined) return `value:${JSON.stringify(value.name)}`;
  return str(rec(rec(rec(rec(patch.match)?.listener)?.filterChain)?.filter)?.name) ?? '';
}

export function checkEnvoyFilters(m: MeshModel, r: Reporter): void {
  // Istio walks the filters in order of namespace/name and remembers the names patched for a proxy version.
  const filters = [...m.istio('EnvoyFilter')].filter((e) => e.group === 'networking.istio.io')
    .sort((a, b) => (ref(a) < ref(b) ? -1 : ref(a) > ref(b) ? 1 : 0));
  const versioned = new Set<string>();
  for (const ef of filters) checkFilter(r, ef, versioned);
}

function checkFilter(r0: Reporter, ef: Entry, versioned: Set<string>): void {
  // One finding per code and filter (at the first patch it concerns), as Istio reports each message once.
  const done = new Set<string>();
  const r = {
    report: (code: string, e: Entry, field: string, message: string, fix?: string): void => {
      if (done.has(code)) return;
      done.add(code);
      r0.report(code, e, field, message, fix);
    },
  };
  const priority = typeof ef.spec.priority === 'number' ? ef.spec.priority : 0;
  const patches = arr(ef.spec.configPatches);
  for (let i = 0; i < patches.length; i++) {
    const patch = rec(patches[i]) ?? {};
    const p = rec(patch.patch);
    if (!p) break;
    const base = `spec.configPatches[${i}]`;
    const name = instanceName(patch);
    const applyTo = str(patch.applyTo) ?? '';
    const operation = str(p.operation) ?? '';
    const relative = (): void => {
      if (priority !== 0) return;
      if (versioned.has(name)) {
        r.report('IST0155', ef, `${base}.patch.operation`,
          `This EnvoyFilter has no priority and a relative patch operation (${operation}) on a filter that is also patched for a proxy version: it may not be applied during an upgrade.`,
          'Set spec.priority, or use INSERT_FIRST or ADD.');
      } else {
        r.report('IST0151', ef, `${base}.patch.operation`,
          `This EnvoyFilter has no priority and a relative patch operation (${operation}), which may keep it from being applied.`,
          'Set spec.priority, or use INSERT_FIRST (or ADD).');
      }
    };
    if (operation === 'ADD') {
      if (ROUTE_LEVEL.has(applyTo)) {
        r.report('IST0153', ef, `${base}.patch.operation`, `The ADD operation is ignored when applyTo is ${applyTo}.`, 'Use MERGE, or patch another applyTo.');
      }
    } else if (operation === 'REMOVE') {
      if (ROUTE_LEVEL.has(applyTo)) {
        r.report('IST0154', ef, `${base}.patch.operation`, `The REMOVE operation is ignored when applyTo is ${applyTo}.`, 'Use another operation, or patch another applyTo.');
      } else {
        relative();
      }
    } else if (operation === 'REPLACE') {
      if (!REPLACEABLE.has(applyTo)) {
        r.report('IST0152', ef, `${base}.patch.operation`, `The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER, not ${applyTo || 'an unset applyTo'}.`,
          'Use MERGE, or patch a filter.');
      } else {
        relative();
      }
    } else if (operation === 'INSERT_BEFORE' || operation === 'INSERT_AFTER') {
      relative();
    }
    if (arr([rec(rec(patch.match)?.proxy)?.proxyVersion].filter((v) => typeof v === 'string' && v !== '')).length > 0) versioned.add(name);
  }
}
