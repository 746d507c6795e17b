// RR features of a beat over a PREFIX of the record's beats (causal use: only the beats known so far), in
// O(1) per beat: row i of rrFeatures(samples.slice(0, r), fs) without recomputing the whole prefix.
import {
  LOCAL_AFTER,
  LOCAL_BEFORE,
  NO_RR_ROW,
  REGION_HALF_S,
  rhythmEntropy,
  rhythmIrregularity,
  rrRow,
} from "./rr.js";

/**
 * The mean RR interval (s) of a growing prefix of the beats, summed interval after interval in the order
 * rrFeatures sums the whole record's, so that `upTo(samples, r)` is bit-identical to the recordRR of
 * rrFeatures(samples.slice(0, r), fs). The prefix only grows: r never decreases between calls.
 */
export class RunningMeanRR {
  private sum = 0;
  /** Beats summed so far (intervals: beats - 1). */
  private beats = 0;

  constructor(readonly fs: number) {}

  /** Mean RR of beats 0 .. r-1 of `samples` (0 when r < 2); samples[0 .. r) must not change between calls. */
  upTo(samples: ArrayLike<number>, r: number): number {
    if (r < this.beats) throw new Error(`RunningMeanRR: prefix ${r} after ${this.beats}`);
    if (this.beats === 0 && r > 0) this.beats = 1;
    for (; this.beats < r; this.beats++)
      this.sum += (samples[this.beats] - samples[this.beats - 1]) / this.fs;
    return r < 2 ? 0 : this.sum / (r - 1);
  }
}

/**
 * Row i (RR_DIM values, RR_FEATURES order) of rrFeatures(samples.slice(0, r), fs) from beats max(0, i-32) .. min(r, i+33)
 * and, for regionRR, the beats of the prefix within REGION_HALF_S of beat i only,
 * given recordRR = the prefix's mean RR (RunningMeanRR). The local sums are taken directly instead of as
 * differences of record-long prefix sums: equal to rrFeatures up to float64 rounding (~1e-15 relative).
 */
export function prefixRRRow(
  samples: ArrayLike<number>,
  fs: number,
  i: number,
  r: number,
  recordRR: number,
): Float32Array {
  if (i < 0 || i >= r || r > samples.length) throw new Error(`prefixRRRow: beat ${i} of prefix ${r}`);
  if (r < 2) return Float32Array.from(NO_RR_ROW);
  // pre(k): interval ending at beat k; beat 0 borrows beat 1's, as in rrFeatures.
  const pre = (k: number): number => (k === 0 ? pre(1) : (samples[k] - samples[k - 1]) / fs);
  const lo = Math.max(0, i - LOCAL_BEFORE);
  const hi = Math.min(r - 1, i + LOCAL_AFTER);
  let local = 0;
  let diff = 0;
  for (let k = lo; k <= hi; k++) local += pre(k);
  for (let k = lo + 1; k <= hi; k++) diff += Math.abs(pre(k) - pre(k - 1));
  const preRR = pre(i);
  const postRR = i + 1 < r ? pre(i + 1) : preRR;
  const localDiff = hi > lo ? diff / (hi - lo) : 0;
  const irregularity = rhythmIrregularity(samples, i, r);
  const entropy = rhythmEntropy(samples, fs, i, r);
  // regionRR: the mean pre-RR of the beats of the prefix within REGION_HALF_S of beat i, summed directly (rrFeatures
  // takes a difference of prefix sums: equal up to float64 rounding, as for the local sums above)
  const half = REGION_HALF_S * fs;
  let [rlo, rhi] = [i, i + 1];
  while (rlo > 0 && samples[rlo - 1] >= samples[i] - half) rlo--;
  while (rhi < r && samples[rhi] <= samples[i] + half) rhi++;
  let region = 0;
  for (let k = rlo; k < rhi; k++) region += pre(k);
  return Float32Array.from(
    rrRow(
      preRR,
      postRR,
      local / (hi - lo + 1),
      localDiff,
      recordRR,
      irregularity,
      entropy,
      region / (rhi - rlo),
    ),
  );
}
