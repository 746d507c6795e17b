// A deterministic synthetic single-lead ECG for tests: P, QRS and T waves as Gaussians, varying RR,
// baseline wander and noise, with the true R-peak indices.
import { mulberry32 } from "../src/beats/rng.js";

/** Small seeded PRNG (mulberry32) so tests are reproducible. */
export const rng = mulberry32;

export interface SyntheticEcg {
  x: Float64Array;
  beats: number[];
}

export function syntheticEcg(
  fs: number,
  seconds: number,
  { seed = 1, noise = 0.02, wander = 0.3 }: { seed?: number; noise?: number; wander?: number } = {},
): SyntheticEcg {
  const rand = rng(seed);
  const n = Math.round(fs * seconds);
  const x = new Float64Array(n);
  const beats: number[] = [];
  const wave = (c: number, amp: number, width: number) => {
    const lo = Math.max(0, Math.floor((c - 4 * width) * fs));
    const hi = Math.min(n - 1, Math.ceil((c + 4 * width) * fs));
    for (let i = lo; i <= hi; i++) x[i] += amp * Math.exp(-0.5 * ((i / fs - c) / width) ** 2);
  };
  for (let t = 0.5 + rand() * 0.3; t < seconds - 0.4; t += 0.6 + rand() * 0.5) {
    beats.push(Math.round(t * fs));
    wave(t - 0.17, 0.12, 0.025);
    wave(t - 0.02, -0.1, 0.008);
    wave(t, 1 + 0.2 * rand(), 0.01);
    wave(t + 0.025, -0.25, 0.01);
    wave(t + 0.3, 0.3, 0.05);
  }
  for (let i = 0; i < n; i++) {
    x[i] += wander * Math.sin((2 * Math.PI * 0.2 * i) / fs) + noise * (rand() + rand() + rand() - 1.5);
  }
  return { x, beats };
}
