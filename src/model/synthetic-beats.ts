// Synthetic beats for tests of the trainer and of the explanations (seconds to train on, clearly separable).
import { gaussian, mulberry32 } from "./engine/rng.js";

/** Class k: a bump at index 90 of width 4 + 3k and sign (-1)^k, plus noise; RR inputs hint the class. */
export function syntheticBeats(
  n: number,
  seed: number,
): { x: Float32Array; extra: Float32Array; y: Int32Array } {
  const rng = mulberry32(seed);
  const x = new Float32Array(n * 256);
  const extra = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 5;
    y[i] = k;
    const width = 4 + 3 * k;
    const amp = (k % 2 === 0 ? 1 : -1) * (0.8 + 0.4 * rng());
    for (let t = 0; t < 256; t++)
      x[i * 256 + t] = amp * Math.exp(-(((t - 90) / width) ** 2)) + 0.1 * gaussian(rng);
    for (let f = 0; f < 4; f++) extra[i * 4 + f] = (k === 3 ? -1 : 0) + 0.5 * gaussian(rng);
  }
  return { x, extra, y };
}
