import { bandPassTaps, tapsFor } from "./fir-design.js";
import { ZeroPhaseFir } from "./fir-stream.js";
import { runWhole } from "./stream.js";

export interface BandPassOptions {
  /** Lower edge (Hz). */
  low: number;
  /** Upper edge (Hz). */
  high: number;
  /** Width of each transition band (Hz); sets the filter length (default: min(low, 2) Hz). */
  transition?: number;
}

export const DEFAULT_BAND_PASS: BandPassOptions = { low: 0.5, high: 40 };

/** Streaming zero-phase band-pass (windowed-sinc FIR); same output as `bandPass`. */
export function bandPassStream(fs: number, options: Partial<BandPassOptions> = {}): ZeroPhaseFir {
  const o = { ...DEFAULT_BAND_PASS, ...options };
  const high = Math.min(o.high, 0.49 * fs);
  const transition = o.transition ?? Math.min(o.low, 2);
  return new ZeroPhaseFir(bandPassTaps(o.low, high, fs, tapsFor(transition, fs)));
}

/** Zero-phase band-pass of a whole signal (edges extended by repetition). */
export function bandPass(
  x: ArrayLike<number>,
  fs: number,
  options: Partial<BandPassOptions> = {},
): Float64Array {
  return runWhole(bandPassStream(fs, options), x);
}
