import { blackman, sinc } from "./window.js";

/** Odd number of taps for a windowed-sinc filter with a transition band of `transitionHz` (Blackman: ~5.5/N). */
export function tapsFor(transitionHz: number, fs: number): number {
  if (!(transitionHz > 0)) throw new RangeError(`transition band must be > 0 Hz, got ${transitionHz}`);
  return Math.max(3, Math.ceil((5.5 * fs) / transitionHz)) | 1;
}

function checkCutoff(hz: number, fs: number): void {
  if (!(hz > 0 && hz < fs / 2))
    throw new RangeError(`cut-off ${hz} Hz must be in (0, ${fs / 2}) at ${fs} Hz`);
}

/** Linear-phase low-pass FIR (Blackman windowed sinc), `numTaps` odd, unit gain at DC. */
export function lowPassTaps(cutoffHz: number, fs: number, numTaps: number): Float64Array {
  checkCutoff(cutoffHz, fs);
  if (numTaps < 1 || numTaps % 2 === 0) throw new RangeError(`numTaps must be odd, got ${numTaps}`);
  const h = new Float64Array(numTaps);
  const m = (numTaps - 1) / 2;
  const fc = cutoffHz / fs;
  let sum = 0;
  for (let i = 0; i < numTaps; i++) {
    h[i] = 2 * fc * sinc(2 * fc * (i - m)) * blackman(m === 0 ? 0 : (i - m) / (m + 1));
    sum += h[i];
  }
  for (let i = 0; i < numTaps; i++) h[i] /= sum;
  return h;
}

/** Linear-phase high-pass FIR by spectral inversion of the low-pass (unit gain at Nyquist side, 0 at DC). */
export function highPassTaps(cutoffHz: number, fs: number, numTaps: number): Float64Array {
  const h = lowPassTaps(cutoffHz, fs, numTaps);
  for (let i = 0; i < h.length; i++) h[i] = -h[i];
  h[(numTaps - 1) / 2] += 1;
  return h;
}

/** Linear-phase band-pass FIR: low-pass(high) minus low-pass(low). */
export function bandPassTaps(lowHz: number, highHz: number, fs: number, numTaps: number): Float64Array {
  if (!(lowHz < highHz)) throw new RangeError(`band-pass needs low < high, got ${lowHz}..${highHz} Hz`);
  const a = lowPassTaps(highHz, fs, numTaps);
  const b = lowPassTaps(lowHz, fs, numTaps);
  for (let i = 0; i < a.length; i++) a[i] -= b[i];
  return a;
}

/** Linear-phase band-stop FIR: all-pass minus the band-pass. */
export function bandStopTaps(lowHz: number, highHz: number, fs: number, numTaps: number): Float64Array {
  const h = bandPassTaps(lowHz, highHz, fs, numTaps);
  for (let i = 0; i < h.length; i++) h[i] = -h[i];
  h[(numTaps - 1) / 2] += 1;
  return h;
}

/** Magnitude of the frequency response of `taps` at `hz` (for tests and documentation). */
export function gainAt(taps: ArrayLike<number>, hz: number, fs: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < taps.length; i++) {
    const w = (2 * Math.PI * hz * i) / fs;
    re += taps[i] * Math.cos(w);
    im -= taps[i] * Math.sin(w);
  }
  return Math.hypot(re, im);
}
