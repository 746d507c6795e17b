/**
 * How alike a part of a beat is to the same part of its patient's usual beat. A supraventricular (S) beat reaches
 * the ventricles through the normal conduction pathway, so its QRS looks like the patient's normal one; a
 * ventricular beat's does not. An atrial premature beat starts from an ectopic focus, so its P wave differs from the
 * patient's sinus P wave (or hides in the preceding T wave); a sinus beat's is the usual one.
 * qrsMatch / pMatch of beat i: the Pearson correlation of its window's QRS region (R-100 ms .. R+144 ms, the
 * region morph smoothing compares) / P-wave region (atrial.ts's pRegion, R-250 .. R-61 ms) with the same region of
 * the per-sample median of its record's beats (medianTemplate: the template the "pair" input subtracts); a causal
 * stream: the median of the latest beats up to and including it (RunningTemplate). The rhythm guard
 * (src/model/rhythm-guard.ts, `qrsBelow`, docs/RESULTS.md inter-patient search 27) and the veto
 * (src/model/qrs-veto.ts, searches 28-29) read them.
 */
import { correlation, pRegion, recordRuns } from "./atrial.js";
import { RunningTemplate } from "./running-template.js";
import { medianTemplate } from "./template.js";

/** The QRS region, in ms around the R peak: [R - BEFORE, R + AFTER). */
export const QRS_REGION_MS = { before: 100, after: 144 } as const;

/** Beats the causal stream's template is the median of. */
export const QRS_MATCH_HISTORY = 300;

/** pMatch's template: the median of at least this many usual beats of the record (fewer: NaN). */
export const P_MATCH_MIN_USUAL = 20;

/** The QRS region as window indices [from, to) for windows of `len` samples, R at `before`, at `fs` Hz. */
export function qrsRegion(len: number, before: number, fs: number): Region {
  const from = Math.max(0, before - Math.round((QRS_REGION_MS.before * fs) / 1000));
  const to = Math.min(len, before + Math.round((QRS_REGION_MS.after * fs) / 1000));
  return { from, to: Math.max(from, to) };
}

/** A region of a window: indices [from, to). */
export interface Region {
  from: number;
  to: number;
}

/** The regions of n windows (n x len), row after row. */
function regions(windows: Float32Array, len: number, r: Region): Float32Array {
  const n = windows.length / len;
  const w = r.to - r.from;
  const out = new Float32Array(n * w);
  for (let i = 0; i < n; i++) out.set(windows.subarray(i * len + r.from, i * len + r.to), i * w);
  return out;
}

/** Correlation of row `i` of `rows` (w wide) with `template`. */
function matchOf(rows: Float32Array, i: number, template: Float32Array): number {
  const w = template.length;
  return correlation(rows.subarray(i * w, (i + 1) * w), template);
}

/** Which beats a template is made of: those marked in `usual` (absent: all), at least `min` of them. */
export interface UsualBeats {
  usual?: ArrayLike<number>;
  min?: number;
}

/**
 * The match of every beat over region `r` of its window: `windows` holds n windows of `len` samples; `record`
 * gives each beat's record (absent: all one record). The template of a record is the median of its beats here
 * (with `usual`: of those marked, and NaN for every beat of a record with fewer than `min` of them).
 */
export function regionMatch(
  windows: Float32Array,
  len: number,
  r: Region,
  record?: readonly string[],
  { usual, min = 1 }: UsualBeats = {},
): Float32Array {
  const w = r.to - r.from;
  const rows = regions(windows, len, r);
  const n = windows.length / len;
  const out = new Float32Array(n);
  for (const idx of recordRuns(n, record)) {
    const from = usual ? idx.filter((i) => usual[i]) : idx;
    if (from.length < min) {
      for (const i of idx) out[i] = NaN;
      continue;
    }
    const mine = new Float32Array(from.length * w);
    from.forEach((i, j) => mine.set(rows.subarray(i * w, (i + 1) * w), j * w));
    const template = medianTemplate(mine, w);
    for (const i of idx) out[i] = matchOf(rows, i, template);
  }
  return out;
}

/** qrsMatch of every beat: windows of `len` samples, R at `before`, rate `fs` (see regionMatch). */
export const qrsMatch = (
  windows: Float32Array,
  len: number,
  before: number,
  fs: number,
  record?: readonly string[],
): Float32Array => regionMatch(windows, len, qrsRegion(len, before, fs), record);

/**
 * pMatch of every beat: windows of `len` samples, R at `before`, rate `fs`, against the median P wave of the
 * record's `usual` beats (the QRS veto's: those the model calls N; see regionMatch).
 */
export const pMatch = (
  windows: Float32Array,
  len: number,
  before: number,
  fs: number,
  record?: readonly string[],
  usual?: UsualBeats,
): Float32Array => regionMatch(windows, len, pRegion(before, fs), record, usual);

/**
 * The region match of a stream's beats, fed in time order: each against the median of the latest beats up to it
 * (with `usual`: of the latest marked beats up to it, NaN while fewer than `min` are known).
 */
export class CausalRegionMatch {
  private readonly template: RunningTemplate;

  constructor(
    private readonly len: number,
    private readonly region: Region,
    history = QRS_MATCH_HISTORY,
    private readonly min = 1,
  ) {
    this.template = new RunningTemplate(region.to - region.from, history);
  }

  next(windows: Float32Array, usual?: ArrayLike<number>): Float32Array {
    const rows = regions(windows, this.len, this.region);
    const w = this.region.to - this.region.from;
    const n = windows.length / this.len;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (!usual || usual[i]) this.template.push(rows.subarray(i * w, (i + 1) * w));
      out[i] = this.template.size >= this.min ? matchOf(rows, i, this.template.template()) : NaN;
    }
    return out;
  }
}

/** qrsMatch of a stream's beats (see CausalRegionMatch). */
export class CausalQrsMatch extends CausalRegionMatch {
  constructor(len: number, before: number, fs: number, history = QRS_MATCH_HISTORY) {
    super(len, qrsRegion(len, before, fs), history);
  }
}

/** pMatch of a stream's beats against its usual ones (see CausalRegionMatch; `next(windows, usual)`). */
export class CausalPMatch extends CausalRegionMatch {
  constructor(len: number, before: number, fs: number, history = QRS_MATCH_HISTORY, min = P_MATCH_MIN_USUAL) {
    super(len, pRegion(before, fs), history, min);
  }
}
