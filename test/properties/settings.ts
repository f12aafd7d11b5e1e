/**
 * Run counts and seeds of the property tests. The valid-configuration properties add up to 1,000 runs, the
 * single-field mutations to about 450 and the wrong-type values to about 370; the whole suite takes about 50 s on a
 * 2-core CI machine (jest runs the files one after the other there). The unknown-key property adds about 1,100 runs
 * (about 35 s).
 * `PROPERTY_RUNS_SCALE=4 npx jest test/properties` runs four times as many (e.g. before a release).
 */
const scale = Number(process.env.PROPERTY_RUNS_SCALE ?? '1') || 1;
const n = (base: number) => Math.max(1, Math.round(base * scale));

/** Base seed; each property adds its own offset. */
export const SEED = 20240707;

export const runs = {
  controlPlane: n(250),
  gateways: n(200),
  zeroTrust: n(200),
  routes: n(200),
  wholeMesh: n(150),
  /** Runs of each single-field mutation variant (about 450 variants, each against its own random configuration). */
  invalidPerVariant: n(1),
  /** Runs per prop path of the wrong-type property (about 200 paths). */
  wrongTypePerPath: Math.max(0.05, 2 * scale),
  /** Unknown-key property (unknown-keys.test.ts): runs per core construct from random meshes, per other case, per L2 kind and release. */
  unknownKeys: { model: n(25), fixed: n(12), kind: n(12) },
};
