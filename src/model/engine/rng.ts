// Seeded randomness for deterministic initialisation and test data: the one mulberry32 of src/beats.
import type { Rng } from "../../beats/rng.js";

export { mulberry32, type Rng } from "../../beats/rng.js";

/** A standard normal sample (Box-Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function uniformArray(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}
