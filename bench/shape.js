'use strict';
/**
 * The shape of a generated mesh, shared by the library generator (mesh.js) and the floor (floor.js),
 * so both produce objects with the same names: `services` services spread over namespaces of
 * SERVICES_PER_NAMESPACE (the last namespace may hold fewer).
 */

const SERVICES_PER_NAMESPACE = 20;
/** Port every generated service listens on (Service, containers, routes, authorization). */
const SERVICE_PORT = 8080;
/** Name of the Istio Gateway on the ingress gateway that exposes every service. */
const GATEWAY_NAME = 'apps';
/** Wildcard host of that Gateway; each service gets `<service>.<namespace>.apps.example.com`. */
const GATEWAY_DOMAIN = 'apps.example.com';
/** Canary weight of every CanaryRoute (stable gets the rest). */
const CANARY_WEIGHT = 10;

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/** `[{ namespace, services: [name, ...] }, ...]` for a mesh of `services` services. */
function layout(services) {
  const out = [];
  for (let i = 0; i * SERVICES_PER_NAMESPACE < services; i++) {
    const names = [];
    for (let j = 0; j < SERVICES_PER_NAMESPACE && i * SERVICES_PER_NAMESPACE + j < services; j++) names.push(`svc-${pad(j, 2)}`);
    out.push({ namespace: `team-${pad(i, 3)}`, services: names });
  }
  return out;
}

const internalHost = (svc, ns) => `${svc}.${ns}.svc.cluster.local`;
const externalHost = (svc, ns) => `${svc}.${ns}.${GATEWAY_DOMAIN}`;
const image = (svc, version) => `registry.example.com/${svc}:${version}`;

module.exports = { SERVICES_PER_NAMESPACE, SERVICE_PORT, GATEWAY_NAME, GATEWAY_DOMAIN, CANARY_WEIGHT, layout, internalHost, externalHost, image };
