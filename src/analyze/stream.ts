// Streaming analysis: chunks of one lead in, classified beats out, the same beats, labels and windows as
// analyzeSignal on the whole lead. Every stage is exact under chunking: invalid-sample filling, the
// resampler (ResampleStream), the QRS detector (QrsStream), the windows (cut from the same samples, with the
// same edge padding) and the RR features (a beat is classified only once every beat its features depend on
// is known: 5 beats later with our detector, 32 for a model with a rhythm guard, whose rhythmIrregularity
// spans beats i-32 .. i+32). A model using record-level RR features (recordRR and its
// ratios) can only be exact at the end: with our detector its beats are then held until end(). So can a
// model with morph "residual" or "pair" (its input holds the beat minus the template of ALL the record's
// beats): its beats are always held until end(). So can a model with morph smoothing (each beat's N/V/F split
// moves towards that of the record's beats most alike in QRS shape): held until end().
// Causal mode (opts.causal) labels every beat of such models without waiting for the end: as soon as its
// window and the 5 beats after it are known, with the running recordRR and template of CausalInputs (and
// a rhythm guard's rhythmIrregularity over the beats known then: i-32 .. i+5, its atrialConsistency over beats
// i-32 .. i and its qrsMatch against the beats up to it; morph smoothing's neighbours among the beats before it:
// CausalSmoother; the QRS veto's qrsMatch likewise). A model whose rhythm guard or QRS veto reads the windows
// (atrialBelow, qrsBelow, qrsVeto) is held until end() when not causal.
import { CausalPMatch, RHYTHM_HALF_WINDOW, RR_DIM, rrFeatures, windowLength } from "../beats/index.js";
import {
  CausalBeatMatches,
  CausalInputs,
  CausalSmoother,
  decideProbs,
  guardSmoothed,
  qrsShapes,
  invalidWindows,
  morphOf,
  netInputShape,
  paddedWindows,
  recordMorph,
  selectExtra,
  decisionReadsWindows,
  onlyTemplate,
  secondTemplateNet,
  templateBeats,
  toClassifiedBeats,
  usesTemplate,
  vetoNeeds,
  hasPRule,
  type CausalOptions,
  type ClassifiedBeat,
  type Classifier,
} from "../model/index.js";
import { QrsStream, ResampleStream } from "../signal/index.js";
import { summarize, type RecordSummary } from "./summary.js";

/** Beats whose features need beats this many places later (the local RR mean spans i-4 .. i+5). */
const RR_LOOKAHEAD = 5;
/** Seconds of signal kept behind the newest sample for beats our detector reports late. */
const KEEP_SECONDS = 30;
const RECORD_LEVEL = /recordRR|regionRR/;

export interface StreamOptions {
  /** Beat positions (ascending, record rate) when known in advance; absent: our QRS detector finds them. */
  samples?: readonly number[];
  /**
   * Label each beat within a bounded delay (its window and 5 more beats; the first `warmup` beats wait for
   * one another) with running estimates of recordRR and the template (CausalInputs) instead of holding
   * the beats of a record-level or template model until end(). Default: exact whole-record inputs.
   */
  causal?: boolean | CausalOptions;
}

export class AnalyzerStream {
  private readonly detector?: QrsStream;
  private readonly resampler?: ResampleStream;
  private readonly known: number[];
  private readonly rrAll?: Float32Array;
  private readonly holdToEnd: boolean;
  private readonly causal?: CausalInputs;
  private readonly smoother?: CausalSmoother;
  private readonly matches?: CausalBeatMatches;
  /** The QRS veto's P rule: each beat's P wave against the running median of the beats called N before it. */
  private readonly pMatch?: CausalPMatch;
  /** The model's input needs the record's template (morph residual or pair). */
  private readonly residual: boolean;
  /** Residual or pair model: record samples that were invalid (the template leaves their windows out). */
  private readonly invalidAt: number[] = [];
  private readonly k: number;
  /** Beats after a beat its inputs depend on: the local RR features', or the rhythm guard's window. */
  private readonly lookahead: number;
  private emitted = 0;
  /** Resampled, filled signal: buf[0 .. len) holds absolute samples base .. base + len. */
  private buf = new Float64Array(4096);
  private base = 0;
  private len = 0;
  /** Invalid samples seen; leading ones wait for the first valid sample. */
  private invalid = 0;
  private leading = 0;
  private last = NaN;
  private received = 0;
  private ended = false;
  private readonly out: ClassifiedBeat[] = [];
  private second?: Float32Array;

  constructor(
    private readonly classifier: Classifier,
    readonly fs: number,
    opts: StreamOptions = {},
  ) {
    const meta = classifier.meta;
    this.k = meta.fs / fs;
    this.lookahead = meta.rhythmGuard && !opts.causal ? RHYTHM_HALF_WINDOW : RR_LOOKAHEAD;
    if (meta.fs !== fs) this.resampler = new ResampleStream(fs, meta.fs);
    if (opts.samples) {
      this.known = [...opts.samples];
      this.rrAll = rrFeatures(this.known, fs);
    } else {
      this.known = [];
      this.detector = new QrsStream(fs);
    }
    this.residual = usesTemplate(meta);
    if (opts.causal) {
      this.causal = new CausalInputs(meta, fs, opts.causal === true ? {} : opts.causal);
      if (meta.morphSmoothing) this.smoother = new CausalSmoother(meta.classes, meta.morphSmoothing);
      if (decisionReadsWindows(meta))
        this.matches = new CausalBeatMatches(
          meta.rhythmGuard,
          { len: windowLength(meta.window), before: meta.window.before, fs: meta.fs },
          vetoNeeds(meta.qrsVeto),
        );
      if (hasPRule(meta.qrsVeto))
        this.pMatch = new CausalPMatch(windowLength(meta.window), meta.window.before, meta.fs);
    }
    this.holdToEnd =
      !this.causal &&
      (this.residual ||
        meta.morphSmoothing !== undefined ||
        decisionReadsWindows(meta) ||
        (!opts.samples && meta.extraFeatures.some((f) => RECORD_LEVEL.test(f))));
  }

  /** Feeds samples (mV, NaN for invalid); returns the beats classified so far that were not returned yet. */
  async push(chunk: ArrayLike<number>): Promise<ClassifiedBeat[]> {
    if (this.ended) throw new Error("push after end");
    const at = this.received;
    this.received += chunk.length;
    if (this.detector) for (const b of this.detector.push(chunk)) this.known.push(b);
    this.append(this.fill(chunk, at));
    return this.emit();
  }

  /** Ends the stream: classifies the remaining beats (padding windows that leave the signal). */
  async end(): Promise<ClassifiedBeat[]> {
    if (this.ended) throw new Error("end called twice");
    if (this.detector) for (const b of this.detector.flush()) this.known.push(b);
    if (this.leading > 0) throw new Error("the lead has no valid sample");
    if (this.resampler) this.append(this.resampler.flush(), true);
    this.ended = true;
    return this.emit();
  }

  /** The summary of everything classified (call after end()). */
  summary(): RecordSummary {
    const { meta } = this.classifier;
    return summarize(this.out, meta.classes, this.fs, this.received, meta);
  }

  /** Held, a model with model.json `secondTemplate`: the record's second template once made (Analysis). */
  get secondTemplate(): Float32Array | undefined {
    return this.second;
  }

  get invalidSamples(): number {
    return this.invalid;
  }

  /** Samples pushed so far (record rate). */
  get samplesIn(): number {
    return this.received;
  }

  /** Beats known so far (given, or found by the detector up to now). */
  get beatsKnown(): number {
    return this.known.length;
  }

  /** Invalid samples -> the last valid one (leading ones -> the first valid one, once it arrives). */
  private fill(chunk: ArrayLike<number>, at: number): Float64Array {
    const out: number[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const v = chunk[i];
      if (Number.isFinite(v)) {
        if (this.leading > 0) for (; this.leading > 0; this.leading--) out.push(v);
        this.last = v;
        out.push(v);
      } else {
        this.invalid++;
        if (this.residual) this.invalidAt.push(at + i);
        if (Number.isNaN(this.last)) this.leading++;
        else out.push(this.last);
      }
    }
    return Float64Array.from(out);
  }

  private append(x: Float64Array, resampled = false): void {
    const y = this.resampler && !resampled ? this.resampler.push(x) : x;
    if (this.len + y.length > this.buf.length) {
      const next = new Float64Array(Math.max(2 * this.buf.length, this.len + y.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(y, this.len);
    this.len += y.length;
  }

  private peak(i: number): number {
    return Math.round(this.known[i] * this.k);
  }

  /** Whether beat i can be classified now: its window complete, the beats its inputs depend on known. */
  private ready(i: number): boolean {
    if (this.ended) return true;
    // A causal beat of the warm-up waits for the last warm-up beat.
    const e = this.causal ? Math.max(i, this.causal.warmup - 1) : i;
    if (e >= this.known.length || this.peak(e) + this.classifier.meta.window.after > this.base + this.len)
      return false;
    return !this.holdToEnd && (!this.detector || e + this.lookahead < this.known.length);
  }

  private async emit(): Promise<ClassifiedBeat[]> {
    const meta = this.classifier.meta;
    const { before, after } = meta.window;
    const end = this.base + this.len;
    let upto = this.emitted;
    while (upto < this.known.length && this.ready(upto)) upto++;
    const from = this.emitted;
    const n = upto - from;
    if (n === 0) return [];
    const peaks = Int32Array.from({ length: n }, (_, j) => this.peak(from + j));
    const lo = Math.max(0, Math.min(peaks[0] - before, end - 1));
    const hi = Math.min(end, peaks.reduce((m, p) => Math.max(m, p), -Infinity) + after);
    if (lo < this.base) throw new Error("internal: a beat arrived after its samples left the stream buffer");
    const seg = this.buf.slice(lo - this.base, hi - this.base);
    const { x: windows, edge } = paddedWindows(seg, peaks.map((p) => p - lo) as Int32Array, meta);
    // Edge flags relative to the whole signal: a window leaves it only at its true ends.
    for (let j = 0; j < n; j++) edge[j] = peaks[j] - before < 0 || peaks[j] + after > end ? 1 : 0;
    // Template beats of a residual or pair model leave out windows with invalid samples (held: all the
    // record's beats at once, at the end; causal: each beat's running template).
    const invalid = this.residual
      ? invalidWindows(peaks, meta, this.fs, countBelow(this.invalidAt))
      : undefined;
    const { x, extra, rr } = this.causal
      ? this.causal.next(windows, templateBeats(edge, invalid), this.known, from)
      : this.heldInputs(windows, edge, invalid, from, upto);
    if (x.length !== n * netInputShape(meta).size) throw new Error("internal: window count mismatch");
    const first = await this.classifier.predict(x, extra);
    // held: one batch of all the record's beats at the end (and the model's second template, which reads them
    // all); causal: each beat's neighbours before it (no second template)
    const { net, moved, templates, decision } = this.causal
      ? { net: first, moved: [], templates: undefined, decision: {} }
      : await secondTemplateNet(this.classifier, first, { rr, windows }, extra, edge);
    this.second ??= templates && onlyTemplate(templates);
    const matches = this.matches?.next(windows) ?? decision.matches;
    const causalP = this.pMatch;
    const pMatchOf = causalP && ((usual: Uint8Array) => causalP.next(windows, usual));
    const g = this.smoother
      ? guardSmoothed(
          meta,
          net,
          this.smoother.next(net, qrsShapes(windows, windowLength(meta.window), before)),
          rr,
          matches,
          pMatchOf,
          decision.secondTemplate,
        )
      : decideProbs(meta, net, { rr, windows, matches, pMatchOf, secondTemplate: decision.secondTemplate });
    const samples = this.known.slice(from, upto);
    const beats = toClassifiedBeats(samples, g, meta.classes, edge);
    for (const i of moved) beats[i].secondTemplate = true;
    this.emitted = upto;
    for (const b of beats) this.out.push(b); // no spread: a held record can have >100k beats
    this.trim();
    return beats;
  }

  /** Exact inputs: the template of the beats at hand (all the record's: held), RR over the beats known. */
  private heldInputs(
    windows: Float32Array,
    edge: Uint8Array,
    invalid: Uint8Array | undefined,
    from: number,
    upto: number,
  ): { x: Float32Array; extra?: Float32Array; rr: Float32Array } {
    const meta = this.classifier.meta;
    const { x } = recordMorph(
      windows,
      windowLength(meta.window),
      templateBeats(edge, invalid),
      morphOf(meta),
    );
    // only this batch's rows: every emit would otherwise redo the rows (and their median) of all known beats
    const rows = this.rrAll
      ? this.rrAll.slice(from * RR_DIM, upto * RR_DIM)
      : rrFeatures(
          this.known.slice(0, this.ended ? this.known.length : upto + this.lookahead + 1),
          this.fs,
          from,
          upto,
        );
    return { x, extra: selectExtra(rows, meta), rr: rows };
  }

  /** Drops samples no future window needs. */
  private trim(): void {
    if (this.holdToEnd) return;
    const meta = this.classifier.meta;
    const end = this.base + this.len;
    let keepFrom =
      this.emitted < this.known.length
        ? Math.round(this.known[this.emitted] * this.k) - meta.window.before
        : end - meta.window.before;
    if (this.detector) keepFrom = Math.min(keepFrom, end - Math.round(KEEP_SECONDS * meta.fs));
    keepFrom = Math.min(keepFrom, end);
    const drop = keepFrom - this.base;
    if (drop <= 0 || keepFrom <= 0) return;
    this.buf.copyWithin(0, drop, this.len);
    this.len -= drop;
    this.base = keepFrom;
    // Invalid samples before every future window: only differences of their counts matter.
    const old = countBelow(this.invalidAt)(Math.floor(keepFrom / this.k) - 1);
    if (old > 0) this.invalidAt.splice(0, old);
  }
}

/** countBelow(sorted)(i): values of the ascending list `sorted` below i. */
function countBelow(sorted: readonly number[]): (i: number) => number {
  return (i) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Analyses a whole lead through the stream in chunks of `chunk` samples (for tests and benchmarks). */
export async function analyzeInChunks(
  classifier: Classifier,
  signal: Float64Array,
  fs: number,
  chunk: number,
  opts: StreamOptions = {},
): Promise<{ beats: ClassifiedBeat[]; summary: RecordSummary; invalidSamples: number }> {
  const s = new AnalyzerStream(classifier, fs, opts);
  const beats: ClassifiedBeat[] = [];
  for (let at = 0; at < signal.length; at += chunk)
    for (const b of await s.push(signal.subarray(at, at + chunk))) beats.push(b);
  for (const b of await s.end()) beats.push(b);
  return { beats, summary: s.summary(), invalidSamples: s.invalidSamples };
}
