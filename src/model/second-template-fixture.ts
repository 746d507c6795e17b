// Test fixtures of the second template: synthetic z-normalised beats of two QRS shapes and a first pass's calls.
import { RR_DIM } from "../beats/index.js";

export const LEN = 256;

/** A z-normalised window: a QRS-like bump at the R peak (index 90) of this width and sign, and a T wave. */
export function beat(width: number, sign: number, t = 0.3): Float32Array {
  const w = Float32Array.from(
    { length: LEN },
    (_, k) => sign * Math.exp(-(((k - 90) / width) ** 2)) + t * Math.exp(-(((k - 170) / 15) ** 2)),
  );
  const m = w.reduce((a, v) => a + v, 0) / LEN;
  const sd = Math.sqrt(w.reduce((a, v) => a + (v - m) ** 2, 0) / LEN);
  return w.map((v) => (v - m) / sd);
}

/** One record: `shapes` gives each beat's (width, sign); the net's probabilities say `called` for each. */
export function record(shapes: [number, number][], called: number[]) {
  const n = shapes.length;
  const windows = new Float32Array(n * LEN);
  shapes.forEach(([w, s], i) => windows.set(beat(w, s), i * LEN));
  const net = new Float32Array(n * 5);
  called.forEach((c, i) => (net[i * 5 + c] = 1));
  return { windows, net, beats: { rr: new Float32Array(n * RR_DIM).fill(1), windows } };
}
