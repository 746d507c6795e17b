/**
 * Atrial activity consistency: is there a P wave that repeats from beat to beat? Atrial fibrillation is an
 * irregular RR rhythm WITHOUT a consistent P wave (the textbook definition; AF detectors such as Babaeizadeh
 * et al. 2009 combine both); sinus rhythm made irregular by frequent atrial premature beats keeps its P waves.
 * The rhythm guard (src/model/rhythm-guard.ts, `atrialBelow`) reads it (docs/RESULTS.md, inter-patient search 26).
 *
 * The P-wave correlation of beat k at lag g: the Pearson correlation of the P-wave region of its window (R-250
 * ms .. R-61 ms) with that of beat k-g of the same record; with `lags` L, beat k's value is the largest over
 * g = 1 .. min(L, k) (L = 3: a bigeminal or trigeminal rhythm repeats its P waves two or three beats on, lag 1
 * alone sees them alternate). atrialConsistency of beat i: the median of these over the beats k = i-32 .. i+32
 * (k >= 1; a causal stream: k = i-32 .. i, the beats whose windows are known). Pearson's correlation ignores
 * each window's offset and scale, so z-normalised windows give the values of the raw ones.
 */
import { RHYTHM_HALF_WINDOW } from "./rr.js";

/** The P-wave region, in ms before the R peak: [R - FROM, R - TO). */
export const P_REGION_MS = { from: 250, to: 61 } as const;

/** The P-wave region as window indices [from, to) for windows of `before` samples before R at `fs` Hz. */
export function pRegion(before: number, fs: number): { from: number; to: number } {
  const from = Math.max(0, before - Math.round((P_REGION_MS.from * fs) / 1000));
  const to = Math.max(from, before - Math.round((P_REGION_MS.to * fs) / 1000));
  return { from, to };
}

/** Pearson correlation of a and b (b at least as long as a); 0 when either is constant. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let j = 0; j < n; j++) {
    sa += a[j];
    sb += b[j];
  }
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let j = 0; j < n; j++) {
    const u = a[j] - ma;
    const v = b[j] - mb;
    sab += u * v;
    saa += u * u;
    sbb += v * v;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

function median(values: Float64Array): number {
  values.sort();
  const m = values.length >> 1;
  return values.length % 2 ? values[m] : (values[m - 1] + values[m]) / 2;
}

/** The median of c[lo .. hi] (1 when empty: no pair of beats, nothing inconsistent seen). */
function medianOf(c: ArrayLike<number>, lo: number, hi: number): number {
  if (hi < lo) return 1;
  return median(Float64Array.from({ length: hi - lo + 1 }, (_, j) => c[lo + j]));
}

/** The beats of each record, in the given order (absent `record`: all one record). */
export function recordRuns(n: number, record?: readonly string[]): number[][] {
  if (!record) return [Array.from({ length: n }, (_, i) => i)];
  const runs = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const r = runs.get(record[i]);
    if (r) r.push(i);
    else runs.set(record[i], [i]);
  }
  return [...runs.values()];
}

/** The largest correlation of `p` with any of `earlier` (a beat's P region and those of the beats before it). */
function bestCorrelation(p: Float32Array, earlier: readonly Float32Array[]): number {
  return earlier.reduce((best, q) => Math.max(best, correlation(p, q)), -Infinity);
}

/**
 * atrialConsistency of every beat: `windows` holds n windows of `len` samples (R at `before`, rate `fs`), each
 * record's beats in time order; `record` gives each beat's record (absent: all one record); `lags` as above.
 */
export function atrialConsistency(
  windows: Float32Array,
  len: number,
  before: number,
  fs: number,
  record?: readonly string[],
  lags = 1,
): Float32Array {
  const n = windows.length / len;
  const { from, to } = pRegion(before, fs);
  const out = new Float32Array(n);
  for (const idx of recordRuns(n, record)) {
    const p = idx.map((i) => windows.subarray(i * len + from, i * len + to));
    const c = new Float64Array(idx.length);
    for (let k = 1; k < idx.length; k++) c[k] = bestCorrelation(p[k], p.slice(Math.max(0, k - lags), k));
    for (let t = 0; t < idx.length; t++)
      out[idx[t]] = medianOf(
        c,
        Math.max(1, t - RHYTHM_HALF_WINDOW),
        Math.min(idx.length - 1, t + RHYTHM_HALF_WINDOW),
      );
  }
  return out;
}

/** atrialConsistency of a stream's beats, fed in time order, batch after batch: beat i over k = i-32 .. i. */
export class CausalAtrialConsistency {
  private readonly region: { from: number; to: number };
  /** The P regions of the latest `lags` beats, newest last. */
  private readonly last: Float32Array[] = [];
  /** The correlations of the latest beats (at most RHYTHM_HALF_WINDOW + 1). */
  private readonly recent: number[] = [];

  constructor(
    private readonly len: number,
    before: number,
    fs: number,
    private readonly lags = 1,
  ) {
    this.region = pRegion(before, fs);
  }

  next(windows: Float32Array): Float32Array {
    const { from, to } = this.region;
    const n = windows.length / this.len;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const p = windows.slice(i * this.len + from, i * this.len + to);
      if (this.last.length > 0) {
        this.recent.push(bestCorrelation(p, this.last));
        if (this.recent.length > RHYTHM_HALF_WINDOW + 1) this.recent.shift();
      }
      this.last.push(p);
      if (this.last.length > this.lags) this.last.shift();
      out[i] = medianOf(this.recent, 0, this.recent.length - 1);
    }
    return out;
  }
}
