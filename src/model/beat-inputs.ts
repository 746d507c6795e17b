// The model inputs of the beats of one record, cut exactly as in training (src/beats): the lead in mV,
// resampled to the model's rate, one z-normalised window per beat, RR features over all beats.
// Two additions so that EVERY beat gets a label (training drops these beats instead):
//  - invalid (NaN) samples are replaced by the last valid sample before them (the first valid one at the
//    start), as the QRS detector does, before resampling;
//  - the signal is extended at both ends by repeating its first and last samples, so that a beat whose
//    window leaves the record still has a full window (flagged `edge`).
// Beats whose window lies inside the record therefore get the very windows training used.
import { RR_DIM, RR_FEATURES, extractWindows, rrFeatures, windowLength } from "../beats/index.js";
import { resample } from "../signal/index.js";
import type { ModelMeta } from "./bundle.js";

/** What of model.json the inputs depend on. */
export type ModelInputSpec = Pick<ModelMeta, "fs" | "window" | "extraFeatures" | "extraScaling">;

export interface BeatInputs {
  n: number;
  /** n x windowLength z-normalised windows. */
  x: Float32Array;
  /** n x extraFeatures.length model extra inputs (scaled), or undefined when the model has none. */
  extra?: Float32Array;
  /** 1 where the beat's window left the record and was padded. */
  edge: Uint8Array;
}

/** Replaces non-finite samples by the last finite one (the first finite one before it); counts them. */
export function fillInvalid(x: Float64Array): { signal: Float64Array; filled: number } {
  const first = x.findIndex((v) => Number.isFinite(v));
  if (first < 0) {
    if (x.length === 0) return { signal: x, filled: 0 };
    throw new Error("the lead has no valid sample");
  }
  let filled = 0;
  const out = new Float64Array(x.length);
  let last = x[first];
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isFinite(v)) last = v;
    else filled++;
    out[i] = Number.isFinite(v) ? v : last;
  }
  return { signal: out, filled };
}

/** Index of each name of `extraFeatures` in RR_FEATURES. */
export function extraColumns(extraFeatures: readonly string[]): number[] {
  return extraFeatures.map((f) => {
    const k = (RR_FEATURES as readonly string[]).indexOf(f);
    if (k < 0) throw new Error(`unknown RR feature ${f}`);
    return k;
  });
}

/** The model's extra input from full RR feature rows (n x RR_DIM): chosen columns, then scaled. */
export function selectExtra(rr: Float32Array, spec: ModelInputSpec): Float32Array | undefined {
  const cols = extraColumns(spec.extraFeatures);
  if (cols.length === 0) return undefined;
  const n = rr.length / RR_DIM;
  const out = new Float32Array(n * cols.length);
  const s = spec.extraScaling;
  for (let i = 0; i < n; i++)
    cols.forEach((c, j) => {
      const v = rr[i * RR_DIM + c];
      out[i * cols.length + j] = s ? (v - s.mean[j]) / s.std[j] : v;
    });
  return out;
}

/** A signal at the model's rate (the record's own when equal) and the beats' R peaks mapped to it. */
export function toModelRate(
  signal: Float64Array,
  fs: number,
  samples: ArrayLike<number>,
  modelFs: number,
): { signal: Float64Array; peaks: Int32Array } {
  if (fs === modelFs) return { signal, peaks: Int32Array.from(samples) };
  const k = modelFs / fs;
  return { signal: resample(signal, fs, modelFs), peaks: Int32Array.from(samples, (s) => Math.round(s * k)) };
}

/**
 * Windows of `peaks` (at the model's rate) from `signal`, padded at both ends by repeating the edge
 * samples: beats inside the record get exactly extractWindows' windows.
 */
export function paddedWindows(
  signal: Float64Array,
  peaks: Int32Array,
  spec: ModelInputSpec,
): { x: Float32Array; edge: Uint8Array } {
  const { before, after } = spec.window;
  const n = peaks.length;
  const edge = new Uint8Array(n);
  if (n === 0) return { x: new Float32Array(0), edge };
  if (signal.length === 0) throw new Error("the record has no samples");
  let lo = 0;
  let hi = signal.length;
  for (let i = 0; i < n; i++) {
    const start = peaks[i] - before;
    const end = peaks[i] + after;
    if (start < 0 || end > signal.length) edge[i] = 1;
    lo = Math.min(lo, start);
    hi = Math.max(hi, end);
  }
  const padBefore = -lo;
  const padded = new Float64Array(hi - lo);
  padded.fill(signal[0], 0, padBefore);
  padded.set(signal, padBefore);
  padded.fill(signal[signal.length - 1], padBefore + signal.length);
  const w = extractWindows(
    padded,
    peaks.map((p) => p + padBefore),
    spec.window,
  );
  if (w.kept.length !== n) throw new Error("internal: a padded window was dropped");
  return { x: w.x, edge };
}

/**
 * Model inputs of the beats at `samples` (record rate `fs`, ascending) of a lead `signal` in mV; the RR
 * features are computed over these same beats (training: every beat annotation of the record).
 */
export function beatInputs(
  signal: Float64Array,
  fs: number,
  samples: ArrayLike<number>,
  spec: ModelInputSpec,
): BeatInputs & { filled: number } {
  const { signal: clean, filled } = fillInvalid(signal);
  const m = toModelRate(clean, fs, samples, spec.fs);
  const { x, edge } = paddedWindows(m.signal, m.peaks, spec);
  const n = samples.length;
  if (x.length !== n * windowLength(spec.window)) throw new Error("internal: window count mismatch");
  const extra = selectExtra(rrFeatures(samples, fs), spec);
  return { n, x, extra, edge, filled };
}
