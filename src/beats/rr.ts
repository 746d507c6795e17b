/**
 * RR-interval features of each beat, an optional extra input beside the waveform window.
 * Times are seconds; the ratios are unit-free and normalised per patient (record), the form the
 * inter-patient literature recommends (de Chazal 2004; Mondéjar-Guerra 2019).
 */
export const RR_FEATURES = [
  "preRR", // s, this beat's R minus the previous beat's R (first beat: its post-RR)
  "postRR", // s, next beat's R minus this one (last beat: its pre-RR)
  "localRR", // s, mean of the 10 RR intervals centred on the beat (pre-RRs of beats i-4 .. i+5)
  "recordRR", // s, mean RR interval of the whole record
  "preRR/localRR",
  "postRR/localRR",
  "preRR/recordRR",
  "postRR/recordRR",
  "localRR/recordRR",
  // mean |successive difference| of the pre-RRs in the local window, over localRR: ~0 in a regular
  // rhythm, high in atrial fibrillation (where a short RR is not a premature beat)
  "localRRdiff/localRR",
  // median of |RR_k - RR_(k-1)| / RR_(k-1) over the beats k within RHYTHM_HALF_WINDOW of this one: robust
  // to isolated ectopic beats (a premature beat moves two of ~64 ratios), high in atrial fibrillation and
  // flutter with variable conduction; the rhythm guard (src/model/rhythm-guard.ts) reads it
  "rhythmIrregularity",
  // the coefficient of sample entropy (COSEn, Lake & Moorman 2011) of the RR intervals of the beats within
  // RHYTHM_HALF_WINDOW of this one: how unpredictable the next interval is from the last (sample entropy, m = 1,
  // tolerance 30 ms) plus ln(2 r / mean RR). An irregular but patterned rhythm (bigeminy, runs of ectopic beats,
  // pauses) repeats its intervals and scores low; atrial fibrillation's irregularly irregular one scores high
  "rhythmEntropy",
  // s, de Chazal 2004's "average RR": the mean pre-RR of the beats whose R lies within REGION_HALF_S of this
  // beat's (a record whose rate changes, e.g. slow sinus rhythm then fast flutter, keeps the beats of each part
  // against their own part's rate), and the ratios to it (train --rr-average region: the nets read these three
  // instead of the recordRR ones)
  "regionRR",
  "preRR/regionRR",
  "postRR/regionRR",
  "localRR/regionRR",
] as const;

export const RR_DIM = RR_FEATURES.length;

/** The row of every beat of a record with fewer than two beats (no interval known). */
export const NO_RR_ROW: readonly number[] = [0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1];

/** Half-width of the local window: intervals i-LOCAL_BEFORE .. i+LOCAL_AFTER of the pre-RR series. */
export const LOCAL_BEFORE = 4;
export const LOCAL_AFTER = 5;
/** regionRR of a beat: the beats whose R lies within this many seconds of its R (de Chazal 2004: +-5 min). */
export const REGION_HALF_S = 300;
/** rhythmIrregularity of beat i: the ratios of beats i-32 .. i+32 (clipped to the record, or the prefix known). */
export const RHYTHM_HALF_WINDOW = 32;

/**
 * rhythmIrregularity of beat i among the first r beats of `samples`: the median of
 * |RR_k - RR_(k-1)| / RR_(k-1) (RR_k = samples[k] - samples[k-1]) over k = max(2, i-32) .. min(r-1, i+32);
 * 0 when there is no such k (fewer than three beats).
 */
export function rhythmIrregularity(samples: ArrayLike<number>, i: number, r: number): number {
  const lo = Math.max(2, i - RHYTHM_HALF_WINDOW);
  const hi = Math.min(r - 1, i + RHYTHM_HALF_WINDOW);
  if (hi < lo) return 0;
  const d = new Float64Array(hi - lo + 1);
  for (let k = lo; k <= hi; k++) {
    const prev = samples[k - 1] - samples[k - 2];
    d[k - lo] = Math.abs(samples[k] - samples[k - 1] - prev) / prev;
  }
  d.sort();
  const m = d.length >> 1;
  return d.length % 2 ? d[m] : (d[m - 1] + d[m]) / 2;
}

/** rhythmEntropy's match tolerance r, seconds (COSEn's). */
export const ENTROPY_TOLERANCE_S = 0.03;

/**
 * rhythmEntropy of beat i among the first r beats of `samples` (rate `fs`): over the intervals x ending at beats
 * k = max(1, i-32) .. min(r-1, i+32), B = the pairs of intervals within ENTROPY_TOLERANCE_S of each other (each
 * but the last), A = those of them whose next intervals match too; ln((B + 1) / (A + 1)) + ln(2 tolerance / mean(x)).
 * 0 with fewer than three intervals.
 */
export function rhythmEntropy(samples: ArrayLike<number>, fs: number, i: number, r: number): number {
  const lo = Math.max(1, i - RHYTHM_HALF_WINDOW);
  const hi = Math.min(r - 1, i + RHYTHM_HALF_WINDOW);
  const n = hi - lo + 1;
  if (n < 3) return 0;
  const tol = ENTROPY_TOLERANCE_S * fs;
  const x = new Float64Array(n);
  for (let k = lo; k <= hi; k++) x[k - lo] = samples[k] - samples[k - 1];
  let a = 0;
  let b = 0;
  for (let p = 0; p < n - 1; p++)
    for (let q = p + 1; q < n - 1; q++) {
      if (Math.abs(x[p] - x[q]) > tol) continue;
      b++;
      if (Math.abs(x[p + 1] - x[q + 1]) <= tol) a++;
    }
  const mean = x.reduce((s, v) => s + v, 0) / n;
  return Math.log((b + 1) / (a + 1)) + Math.log((2 * tol) / mean);
}

/**
 * RR features for every beat of a record. `samples` are the R-peak sample indices of ALL beats of the
 * record in ascending order (every beat annotation, also those a label scheme excludes), `fs` their rate.
 * Returns the rows of beats from .. to - 1 (default: all samples.length), RR_DIM values each, the same values
 * as those rows of the whole computation. A record with fewer than two beats gets zeros and ratios 1.
 */
export function rrFeatures(
  samples: ArrayLike<number>,
  fs: number,
  from = 0,
  to = samples.length,
): Float32Array {
  const n = samples.length;
  const out = new Float32Array((to - from) * RR_DIM);
  if (n < 2) {
    for (let i = from; i < to; i++) out.set(NO_RR_ROW, (i - from) * RR_DIM);
    return out;
  }
  // pre[i]: interval ending at beat i; pre[0] borrows pre[1].
  const pre = new Float64Array(n);
  for (let i = 1; i < n; i++) pre[i] = (samples[i] - samples[i - 1]) / fs;
  pre[0] = pre[1];
  const recordRR = pre.subarray(1).reduce((a, b) => a + b, 0) / (n - 1);
  // Prefix sums give each local mean in O(1).
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + pre[i];
  // cumDiff[i + 1] - cumDiff[j + 1]: sum of |pre[k] - pre[k - 1]| for k in (j, i]
  const cumDiff = new Float64Array(n + 1);
  for (let i = 1; i < n; i++) cumDiff[i + 1] = cumDiff[i] + Math.abs(pre[i] - pre[i - 1]);
  // the region of beat i: beats rlo .. rhi - 1, both ends only moving forward
  const half = REGION_HALF_S * fs;
  let [rlo, rhi] = [0, 0];
  for (let i = from; i < to; i++) {
    while (samples[rlo] < samples[i] - half) rlo++;
    while (rhi < n && samples[rhi] <= samples[i] + half) rhi++;
    const preRR = pre[i];
    const postRR = i + 1 < n ? pre[i + 1] : pre[i];
    const lo = Math.max(0, i - LOCAL_BEFORE);
    const hi = Math.min(n - 1, i + LOCAL_AFTER);
    const localRR = (cum[hi + 1] - cum[lo]) / (hi - lo + 1);
    const localDiff = hi > lo ? (cumDiff[hi + 1] - cumDiff[lo + 1]) / (hi - lo) : 0;
    out.set(
      rrRow(
        preRR,
        postRR,
        localRR,
        localDiff,
        recordRR,
        rhythmIrregularity(samples, i, n),
        rhythmEntropy(samples, fs, i, n),
        (cum[rhi] - cum[rlo]) / (rhi - rlo),
      ),
      (i - from) * RR_DIM,
    );
  }
  return out;
}

/**
 * One row of RR_FEATURES from its parts (seconds; localDiff: mean |successive difference| of the local
 * pre-RRs; irregularity: rhythmIrregularity; entropy: rhythmEntropy; regionRR: the mean pre-RR of the beats
 * within REGION_HALF_S).
 */
export function rrRow(
  preRR: number,
  postRR: number,
  localRR: number,
  localDiff: number,
  recordRR: number,
  irregularity: number,
  entropy: number,
  regionRR: number,
): number[] {
  return [
    preRR,
    postRR,
    localRR,
    recordRR,
    preRR / localRR,
    postRR / localRR,
    preRR / recordRR,
    postRR / recordRR,
    localRR / recordRR,
    localDiff / localRR,
    irregularity,
    entropy,
    regionRR,
    preRR / regionRR,
    postRR / regionRR,
    localRR / regionRR,
  ];
}
