/**
 * How alike a beat's QRS is to its patient's usual QRS. A supraventricular (S) beat reaches the ventricles
 * through the normal conduction pathway, so its QRS looks like the patient's normal one; a ventricular beat's does
 * not. qrsMatch of beat i: the Pearson correlation of its window's QRS region (R-100 ms .. R+144 ms, the region
 * morph smoothing compares) with the same region of the per-sample median of its record's beats (medianTemplate:
 * the template the "pair" input subtracts); a causal stream: the median of the latest beats up to and including
 * it (RunningTemplate). The rhythm guard (src/model/rhythm-guard.ts, `qrsBelow`) reads it (docs/RESULTS.md,
 * inter-patient search 27).
 */
import { correlation, recordRuns } from "./atrial.js";
import { RunningTemplate } from "./running-template.js";
import { medianTemplate } from "./template.js";

/** The QRS region, in ms around the R peak: [R - BEFORE, R + AFTER). */
export const QRS_REGION_MS = { before: 100, after: 144 } as const;

/** Beats the causal stream's template is the median of. */
export const QRS_MATCH_HISTORY = 300;

/** The QRS region as window indices [from, to) for windows of `len` samples, R at `before`, at `fs` Hz. */
export function qrsRegion(len: number, before: number, fs: number): { from: number; to: number } {
  const from = Math.max(0, before - Math.round((QRS_REGION_MS.before * fs) / 1000));
  const to = Math.min(len, before + Math.round((QRS_REGION_MS.after * fs) / 1000));
  return { from, to: Math.max(from, to) };
}

/** The QRS regions of n windows (n x len), row after row. */
function regions(windows: Float32Array, len: number, r: { from: number; to: number }): Float32Array {
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

/**
 * qrsMatch of every beat: `windows` holds n windows of `len` samples (R at `before`, rate `fs`); `record` gives
 * each beat's record (absent: all one record). The template of a record is that of its beats here.
 */
export function qrsMatch(
  windows: Float32Array,
  len: number,
  before: number,
  fs: number,
  record?: readonly string[],
): Float32Array {
  const r = qrsRegion(len, before, fs);
  const w = r.to - r.from;
  const rows = regions(windows, len, r);
  const n = windows.length / len;
  const out = new Float32Array(n);
  for (const idx of recordRuns(n, record)) {
    const mine = new Float32Array(idx.length * w);
    idx.forEach((i, j) => mine.set(rows.subarray(i * w, (i + 1) * w), j * w));
    const template = medianTemplate(mine, w);
    idx.forEach((i, j) => (out[i] = matchOf(mine, j, template)));
  }
  return out;
}

/** qrsMatch of a stream's beats, fed in time order: each against the median of the latest beats up to it. */
export class CausalQrsMatch {
  private readonly region: { from: number; to: number };
  private readonly template: RunningTemplate;

  constructor(
    private readonly len: number,
    before: number,
    fs: number,
    history = QRS_MATCH_HISTORY,
  ) {
    this.region = qrsRegion(len, before, fs);
    this.template = new RunningTemplate(this.region.to - this.region.from, history);
  }

  next(windows: Float32Array): Float32Array {
    const rows = regions(windows, this.len, this.region);
    const w = this.region.to - this.region.from;
    const n = windows.length / this.len;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.template.push(rows.subarray(i * w, (i + 1) * w));
      out[i] = matchOf(rows, i, this.template.template());
    }
    return out;
  }
}
