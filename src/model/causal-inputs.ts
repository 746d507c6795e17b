// Causal (real-time) model inputs: each beat sees only the beats up to a few after it. A model's record-level
// inputs are replaced by running estimates over the beats known so far:
//  - recordRR (and its ratios) = the mean RR of the first rrPrefix(i) beats (RunningMeanRR, bit-identical to
//    rrFeatures over that prefix), the local RR features as in the whole record (they need 5 beats ahead),
//    rhythmIrregularity (the rhythm guard's) over the prefix's beats i-32 .. i+5 instead of i-32 .. i+32;
//  - the template (morph "residual" / "pair") = the median of the most recent `history` template beats (window
//    inside the record, no invalid sample; all beats while none is) among the first templatePrefix(i) beats.
// Warm-up (chosen a priori, not on any data): the first `warmup` beats wait for one another and share the
// template of these `warmup` beats and the mean RR of the first warmup + 5; later beats see their own prefix.
import {
  LOCAL_AFTER,
  RR_DIM,
  RunningMeanRR,
  RunningTemplate,
  morphInput,
  prefixRRRow,
  windowLength,
} from "../beats/index.js";
import { morphOf, selectExtra, usesTemplate, type ModelInputSpec } from "./beat-inputs.js";

export interface CausalOptions {
  /** Beats held at the start, then classified together with the estimates of these first beats (default 10). */
  warmup?: number;
  /** The template is the median of at most this many most recent template beats (default 300). */
  history?: number;
}

export const CAUSAL_DEFAULTS: Readonly<Required<CausalOptions>> = { warmup: 10, history: 300 };

/** The beats a causal beat i (of n known at most) depends on: templates of beats < template, RR of beats < rr. */
export function causalPrefix(i: number, n: number, warmup: number): { template: number; rr: number } {
  const e = Math.max(i, warmup - 1);
  return { template: Math.min(n, e + 1), rr: Math.min(n, e + 1 + LOCAL_AFTER) };
}

/** The running template of the template beats pushed so far, or of all beats pushed while none was one. */
export class PrefixTemplate {
  private readonly kept: RunningTemplate;
  private fallback?: RunningTemplate;

  constructor(len: number, history: number) {
    this.kept = new RunningTemplate(len, history);
    this.fallback = new RunningTemplate(len, history);
  }

  push(w: ArrayLike<number>, templateBeat: boolean): void {
    if (templateBeat) {
      this.kept.push(w);
      this.fallback = undefined;
    } else this.fallback?.push(w);
  }

  template(): Float32Array {
    return this.kept.size > 0 || !this.fallback ? this.kept.template() : this.fallback.template();
  }
}

/** Causal net and extra inputs of a stream's beats, fed in order, batch after batch. */
export class CausalInputs {
  private readonly meanRR: RunningMeanRR;
  private readonly tmpl?: PrefixTemplate;
  private readonly len: number;
  private readonly opts: Required<CausalOptions>;
  /** Beats whose window went into the template. */
  private pushed = 0;

  constructor(
    private readonly spec: ModelInputSpec,
    private readonly fs: number,
    opts: CausalOptions = {},
  ) {
    this.opts = { ...CAUSAL_DEFAULTS, ...opts };
    const { warmup, history } = this.opts;
    if (!(Number.isInteger(warmup) && warmup >= 1))
      throw new Error(`causal warm-up ${warmup}: must be >= 1 beat`);
    if (!(Number.isInteger(history) && history >= 1))
      throw new Error(`causal history ${history}: must be >= 1 beat`);
    this.meanRR = new RunningMeanRR(fs);
    this.len = windowLength(spec.window);
    if (usesTemplate(spec)) this.tmpl = new PrefixTemplate(this.len, history);
  }

  get warmup(): number {
    return this.opts.warmup;
  }

  /**
   * Inputs of beats from .. from + n - 1 given their windows (n x len) and template flags; `samples` are
   * the R peaks (record rate) of every beat known, final up to each beat's causalPrefix(.., samples.length).
   */
  next(
    windows: Float32Array,
    templateBeat: Uint8Array,
    samples: ArrayLike<number>,
    from: number,
  ): { x: Float32Array; extra?: Float32Array; rr: Float32Array } {
    const n = templateBeat.length;
    const rr = new Float32Array(n * RR_DIM);
    const templates: Float32Array[] = [];
    for (let j = 0; j < n; j++) {
      const p = causalPrefix(from + j, samples.length, this.opts.warmup);
      rr.set(prefixRRRow(samples, this.fs, from + j, p.rr, this.meanRR.upTo(samples, p.rr)), j * RR_DIM);
      if (this.tmpl) templates.push(this.templateOf(windows, templateBeat, from, p.template));
    }
    const x = morphInput(windows, this.len, (b) => templates[b], morphOf(this.spec));
    return { x, extra: selectExtra(rr, this.spec), rr };
  }

  /** The template of the first `upTo` beats, pushing the batch's windows it needs. */
  private templateOf(
    windows: Float32Array,
    templateBeat: Uint8Array,
    from: number,
    upTo: number,
  ): Float32Array {
    const tmpl = this.tmpl as PrefixTemplate;
    for (; this.pushed < upTo; this.pushed++) {
      const j = this.pushed - from;
      if (j < 0 || j >= templateBeat.length)
        throw new Error("internal: a causal template beat is not in the batch");
      tmpl.push(windows.subarray(j * this.len, (j + 1) * this.len), templateBeat[j] === 1);
    }
    return tmpl.template();
  }
}
