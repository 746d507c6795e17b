// The model inputs of the beats of one record, cut exactly as in training (src/beats): the lead in mV,
// resampled to the model's rate, one z-normalised window per beat, RR features over all beats.
// Two additions so that EVERY beat gets a label (training drops these beats instead):
//  - invalid (NaN) samples are replaced by the last valid sample before them (the first valid one at the
//    start), as the QRS detector does, before resampling;
//  - the signal is extended at both ends by repeating its first and last samples, so that a beat whose
//    window leaves the record still has a full window (flagged `edge`).
// Beats whose window lies inside the record therefore get the very windows training used.
// A model with morph "residual" sees each window minus its record's template: the median of the windows
// training would have kept (inside the record, no invalid sample), so those beats get training's inputs.
// A model with morph "pair" sees two channels per beat: the window, then the window minus that template.
import {
  RR_DIM,
  RR_FEATURES,
  extractWindows,
  medianTemplate,
  morphChannels,
  morphInput,
  rrFeatures,
  windowLength,
  type MorphInput,
} from "../beats/index.js";
import { resample } from "../signal/index.js";
import type { ModelMeta } from "./bundle.js";

/** What of model.json the inputs depend on. */
export type ModelInputSpec = Pick<ModelMeta, "fs" | "window" | "extraFeatures" | "extraScaling" | "morph">;

export interface BeatInputs {
  n: number;
  /**
   * n x channels x windowLength net inputs (netInputShape): the z-normalised windows; for a residual model
   * each minus `template`; for a pair model each window followed by itself minus `template`.
   */
  x: Float32Array;
  /** n x windowLength z-normalised windows (the net input of a model with morph "none"). */
  windows: Float32Array;
  /** n x extraFeatures.length model extra inputs (scaled), or undefined when the model has none. */
  extra?: Float32Array;
  /** n x RR_DIM RR feature rows (all of RR_FEATURES, unscaled): the rhythm guard's input. */
  rr: Float32Array;
  /** 1 where the beat's window left the record and was padded. */
  edge: Uint8Array;
  /** A residual or pair model's template of the record (windowLength z-normalised samples). */
  template?: Float32Array;
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
  const { x: windows, edge } = paddedWindows(m.signal, m.peaks, spec);
  const n = samples.length;
  const len = windowLength(spec.window);
  if (windows.length !== n * len) throw new Error("internal: window count mismatch");
  const rr = rrFeatures(samples, fs);
  const extra = selectExtra(rr, spec);
  const invalid = filled > 0 ? invalidWindows(m.peaks, spec, fs, countBefore(signal)) : undefined;
  const { x, template } = recordMorph(windows, len, templateBeats(edge, invalid), morphOf(spec));
  return { n, x, windows, extra, rr, edge, filled, template };
}

/** A model's morph mode ("none" when model.json has none). */
export const morphOf = (spec: Pick<ModelMeta, "morph">): MorphInput => spec.morph ?? "none";

/** Whether the model's input needs its record's template (morph "residual" or "pair"). */
export const usesTemplate = (spec: Pick<ModelMeta, "morph">): boolean => morphOf(spec) !== "none";

/** The net input of one beat ("x" is (N, channels, len)): `size` = channels x len values, row-major. */
export interface NetInputShape {
  channels: number;
  len: number;
  size: number;
}

/** The shape of one beat's net input under the model's window and morph: THE place that says so. */
export function netInputShape(spec: Pick<ModelMeta, "window" | "morph">): NetInputShape {
  const channels = morphChannels(morphOf(spec));
  const len = windowLength(spec.window);
  return { channels, len, size: channels * len };
}

/**
 * The net inputs of the windows of ONE record (n x len in; n x channels x len out) under `morph`, and
 * unless "none" the template:
 * medianTemplate of the rows flagged in `keep` (all rows when none is flagged, e.g. every beat an edge beat).
 */
export function recordMorph(
  windows: Float32Array,
  len: number,
  keep: Uint8Array,
  morph: MorphInput,
): { x: Float32Array; template?: Float32Array } {
  if (morph === "none") return { x: windows };
  const rows = keep.some((v) => v) ? [...keep.keys()].filter((i) => keep[i]) : [...keep.keys()];
  const kept = new Float32Array(rows.length * len);
  rows.forEach((r, k) => kept.set(windows.subarray(r * len, (r + 1) * len), k * len));
  const template = medianTemplate(kept, len);
  return { x: morphInput(windows, len, () => template, morph), template };
}

/** 1 for the beats training keeps for the template: window inside the record, no invalid sample in it. */
export function templateBeats(edge: Uint8Array, invalid?: Uint8Array): Uint8Array {
  return edge.map((e, i) => (e || invalid?.[i] ? 0 : 1));
}

/** countBefore(i): non-finite samples of `signal` in [0, i). */
export function countBefore(signal: ArrayLike<number>): (i: number) => number {
  const c = new Int32Array(signal.length + 1);
  for (let i = 0; i < signal.length; i++) c[i + 1] = c[i] + (Number.isFinite(signal[i]) ? 0 : 1);
  return (i) => c[Math.max(0, Math.min(signal.length, i))];
}

/**
 * 1 for the beats (R peaks at the model's rate) whose window covers an invalid sample of the record (rate
 * `fs`; `countBefore` counts its invalid samples): those training drops. Exact when fs is the model's rate.
 */
export function invalidWindows(
  peaks: Int32Array,
  spec: Pick<ModelInputSpec, "fs" | "window">,
  fs: number,
  countBefore: (i: number) => number,
): Uint8Array {
  const k = spec.fs / fs;
  return Uint8Array.from(peaks, (p) => {
    const lo = Math.floor((p - spec.window.before) / k);
    const hi = Math.ceil((p + spec.window.after) / k);
    return countBefore(hi) > countBefore(lo) ? 1 : 0;
  });
}

/** Each row's record template (BeatDataset.templates), by row index; a missing one is an error when asked for. */
export function recordTemplateOf(
  record: readonly string[],
  templates: ReadonlyMap<string, Float32Array> | undefined,
  morph: MorphInput,
): (row: number) => Float32Array {
  return (k) => {
    const t = templates?.get(record[k]);
    if (!t) throw new Error(`no template of record ${record[k]} for a ${morph} model`);
    return t;
  };
}

/** Net inputs of dataset rows (windows of any records, `record` naming each) under `morph` (n x channels x
 * len): each row minus ITS record's template (BeatDataset.templates), alone or after the row, as in training. */
export function datasetMorph(
  x: Float32Array,
  record: readonly string[],
  len: number,
  templates: ReadonlyMap<string, Float32Array> | undefined,
  morph: MorphInput,
): Float32Array {
  return morphInput(x, len, recordTemplateOf(record, templates, morph), morph);
}
