// One beat of a WFDB record as a model reads it: the nearest annotated (or, without a .atr file,
// detected) beat to a requested sample, its window at the model's rate, its RR inputs, and the way
// back from the model's window to the record's own samples. A residual model (morph "residual") reads
// the window minus the record's template, the median of the windows of all the record's beats; a pair
// model (morph "pair") is explained on the window itself, given with that template.
import { existsSync } from "node:fs";
import {
  RR_FEATURES,
  SCHEMES,
  extractWindows,
  labelOf,
  morphInput,
  readLeadMv,
  rrFeatures,
  type MorphInput,
  type SchemeName,
  type WindowSpec,
} from "../beats/index.js";
import { beatInputs } from "../model/beat-inputs.js";
import { detectQrs, resample } from "../signal/index.js";
import { isBeatCode, readAnnotations, type LeadChoice, type LeadSpec } from "../wfdb/index.js";

/** What a model reads (the fields of a bundle's model.json that matter here). */
export interface InputSpec {
  readonly fs: number;
  /** A signal name (no such signal: signal 0) or number, as model.json's `lead`. */
  readonly lead: LeadSpec;
  readonly window: WindowSpec;
  readonly scheme: SchemeName;
  readonly classes: readonly string[];
  readonly extraFeatures: readonly string[];
  readonly extraScaling?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** absent: "none" */
  readonly morph?: MorphInput;
}

export interface RecordBeat {
  /** R-peak sample of the beat used, at the record's rate */
  readonly sample: number;
  /** the record's rate, Hz */
  readonly fs: number;
  /** the signal of the record the beat was read from */
  readonly lead: LeadChoice;
  /** annotation symbol (from .atr), or null for a detected beat */
  readonly symbol: string | null;
  /** reference class under the model's scheme, or null (detected, or a symbol the scheme leaves out) */
  readonly label: string | null;
  /** the window in record samples, [start, end) */
  readonly window: readonly [number, number];
  /** the record's signal over the window, mV */
  readonly signal: Float64Array;
  /** the explainer's inputs: z-normalised window (at the model's rate; minus the template for a residual
   * model; a pair model: the window, its explainer adds the template channel) and scaled extra inputs */
  readonly x: Float32Array;
  readonly extra: Float32Array;
  /** The beat's full RR feature row (RR_FEATURES, unscaled): a rhythm guard's input. */
  readonly rr: Float32Array;
  /** residual or pair model: the record's template (z-normalised, model rate) and the same drawn over this
   * beat's window in mV at the record's rate (scaled by the beat's own mean and standard deviation) */
  readonly template?: Float32Array;
  readonly templateSignal?: Float64Array;
}

/** Columns `names` of RR feature rows (RR_FEATURES order), scaled (v - mean) / std when given. */
export function rrColumns(
  rr: Float32Array,
  names: readonly string[],
  scaling?: InputSpec["extraScaling"],
): Float32Array {
  const D = RR_FEATURES.length;
  const cols = names.map((nm) => {
    const c = (RR_FEATURES as readonly string[]).indexOf(nm);
    if (c < 0) throw new Error(`unknown RR feature "${nm}"`);
    return c;
  });
  const n = rr.length / D;
  const out = new Float32Array(n * cols.length);
  for (let i = 0; i < n; i++)
    cols.forEach((c, k) => {
      const v = rr[i * D + c];
      out[i * cols.length + k] = scaling ? (v - scaling.mean[k]) / scaling.std[k] : v;
    });
  return out;
}

/** Beats of a record: reference annotations when `<path>.atr` exists, else detected R peaks. */
async function recordBeats(path: string, signal: Float64Array, fs: number) {
  if (existsSync(`${path}.atr`)) {
    const anns = (await readAnnotations(path, "atr"))
      .filter((a) => isBeatCode(a.code))
      .sort((a, b) => a.sample - b.sample);
    return { samples: anns.map((a) => a.sample), symbols: anns.map((a) => a.symbol as string | null) };
  }
  const samples = detectQrs(signal, fs);
  return { samples, symbols: samples.map(() => null) };
}

/**
 * The beat nearest to `requested` (within 150 ms) of the record at `path`, as the model reads it; `template`
 * (z-normalised, model rate; e.g. the record's second template, Analysis.secondTemplate) in place of the
 * record's median beat for a residual or pair model.
 */
export async function beatFromRecord(
  path: string,
  requested: number,
  spec: InputSpec,
  opts: { template?: Float32Array } = {},
): Promise<RecordBeat> {
  const { fs, signal, lead } = await readLeadMv(path, spec.lead, false);
  if (!Number.isInteger(requested) || requested < 0 || requested >= signal.length)
    throw new Error(`--beat ${requested} is not a sample of the record (0..${signal.length - 1})`);
  const beats = await recordBeats(path, signal, fs);
  let best = -1;
  beats.samples.forEach((s, i) => {
    if (best < 0 || Math.abs(s - requested) < Math.abs(beats.samples[best] - requested)) best = i;
  });
  const tol = Math.round(0.15 * fs);
  if (best < 0 || Math.abs(beats.samples[best] - requested) > tol)
    throw new Error(
      `no beat within 150 ms of sample ${requested}` +
        (best >= 0 ? ` (nearest beat at sample ${beats.samples[best]})` : " (the record has no beats)"),
    );
  const sample = beats.samples[best];
  const k = spec.fs / fs;
  const len = spec.window.before + spec.window.after;
  const start = sample - Math.round(spec.window.before / k);
  const end = start + Math.round(len / k);
  if (start < 0 || end > signal.length)
    throw new Error(
      `the beat at sample ${sample} is too close to the record's ${start < 0 ? "start" : "end"}: ` +
        `its window [${start}, ${end}) leaves the record (0..${signal.length})`,
    );
  const atModel = fs === spec.fs ? signal : resample(signal, fs, spec.fs);
  const peak = Math.round(sample * k);
  const w = extractWindows(atModel, [peak], spec.window);
  if (w.kept.length !== 1) throw new Error(`the beat at sample ${sample} has no complete valid window`);
  const rr = rrFeatures(beats.samples, fs, best, best + 1);
  const morph = spec.morph ?? "none";
  if (opts.template && (morph === "none" || opts.template.length !== len))
    throw new Error(
      morph === "none"
        ? "a template was given for a model that reads none"
        : `a template of ${opts.template.length} values for a window of ${len}`,
    );
  const t = morph !== "none" ? (opts.template ?? recordTemplate(signal, fs, beats.samples, spec)) : undefined;
  const symbol = beats.symbols[best];
  const labelIndex = symbol === null ? -1 : labelOf(SCHEMES[spec.scheme], symbol);
  return {
    sample,
    fs,
    lead,
    symbol,
    label: labelIndex >= 0 ? SCHEMES[spec.scheme].classes[labelIndex] : null,
    window: [start, end],
    signal: signal.slice(start, end),
    x: t && morph === "residual" ? morphInput(w.x, len, () => t, "residual") : w.x,
    extra: rrColumns(rr, spec.extraFeatures, spec.extraScaling),
    rr,
    template: t,
    templateSignal:
      t &&
      templateInMv(t, atModel.subarray(peak - spec.window.before, peak + spec.window.after), k, end - start),
  };
}

/** The template of a record's beats (those inside the record, as classify takes it). */
function recordTemplate(signal: Float64Array, fs: number, samples: number[], spec: InputSpec): Float32Array {
  const inp = beatInputs(signal, fs, samples, {
    fs: spec.fs,
    window: spec.window,
    extraFeatures: [],
    morph: "residual",
  });
  return inp.template!;
}

/**
 * A z-normalised template in the units of one beat: times the standard deviation and plus the mean of the
 * beat's window `w` (mV at the model's rate), then at the record's rate (`n` samples; k = model rate /
 * record rate), as the window would be drawn.
 */
export function templateInMv(t: Float32Array, w: Float64Array, k: number, n: number): Float64Array {
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
  return Float64Array.from({ length: n }, (_, j) => {
    const u = Math.min(j * k, t.length - 1);
    const i = Math.floor(u);
    const v = i + 1 < t.length ? t[i] + (t[i + 1] - t[i]) * (u - i) : t[i];
    return mean + sd * v;
  });
}

/**
 * Attributions of the model's window (at `modelFs`) on `n` record samples (at `recordFs`), the
 * window starts aligned: linear interpolation times modelFs / recordFs (each record sample covers
 * that many model samples), then the small residual spread evenly so the total is exactly
 * unchanged (completeness still checks from outside). The identity when the rates agree.
 */
export function toRecordRate(a: Float32Array, modelFs: number, recordFs: number, n: number): Float32Array {
  if (modelFs === recordFs && n === a.length) return a.slice();
  const out = new Float64Array(n);
  const k = modelFs / recordFs;
  for (let j = 0; j < n; j++) {
    const u = Math.min(j * k, a.length - 1);
    const i = Math.floor(u);
    const t = u - i;
    out[j] = (i + 1 < a.length ? a[i] * (1 - t) + a[i + 1] * t : a[i]) * k;
  }
  const residual = (a.reduce((s, v) => s + v, 0) - out.reduce((s, v) => s + v, 0)) / n;
  return Float32Array.from(out, (v) => v + residual);
}
