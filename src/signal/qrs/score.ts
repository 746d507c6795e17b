/** Beat-by-beat comparison of detected beats with reference beats, as bxb / ANSI/AAMI EC57. */

export interface BeatScore {
  /** Reference beats matched by a detection. */
  tp: number;
  /** Reference beats not matched (missed). */
  fn: number;
  /** Detections not matching a reference beat (false). */
  fp: number;
  /** Sensitivity tp / (tp + fn), in % (100 when there is nothing to find). */
  se: number;
  /** Positive predictivity tp / (tp + fp), in % (100 when nothing was detected). */
  ppv: number;
}

export interface ScoreOptions {
  /** Match window (s) on either side; bxb and EC57 use 0.15. */
  tolerance: number;
  /** Ignore beats before this sample (bxb's default start is 5 minutes in). */
  from: number;
  /** Ignore beats from this sample on. */
  to: number;
  /** Closed sample intervals left out on both sides (e.g. VF episodes). */
  exclude: readonly (readonly [number, number])[];
}

export function makeScore(tp: number, fn: number, fp: number): BeatScore {
  return {
    tp,
    fn,
    fp,
    se: tp + fn === 0 ? 100 : (100 * tp) / (tp + fn),
    ppv: tp + fp === 0 ? 100 : (100 * tp) / (tp + fp),
  };
}

/** Sums several scores (gross statistics). */
export function grossScore(scores: readonly BeatScore[]): BeatScore {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  for (const s of scores) {
    tp += s.tp;
    fn += s.fn;
    fp += s.fp;
  }
  return makeScore(tp, fn, fp);
}

/**
 * Pairs two ascending lists of sample indices within `tol` samples, in time order; when two pairings are
 * possible the closer one wins (as bxb: a detection is matched to its nearest reference beat).
 * Returns the matched (ref index, test index) pairs.
 */
export function matchBeats(ref: readonly number[], test: readonly number[], tol: number): [number, number][] {
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < ref.length && j < test.length) {
    const d = test[j] - ref[i];
    if (Math.abs(d) <= tol) {
      if (j + 1 < test.length && Math.abs(test[j + 1] - ref[i]) < Math.abs(d)) j++;
      else if (i + 1 < ref.length && Math.abs(test[j] - ref[i + 1]) < Math.abs(d)) i++;
      else pairs.push([i++, j++]);
    } else if (d < 0) j++;
    else i++;
  }
  return pairs;
}

/** Scores detections `test` against reference beats `ref` (both ascending sample indices) at `fs` Hz. */
export function scoreBeats(
  ref: readonly number[],
  test: readonly number[],
  fs: number,
  options: Partial<ScoreOptions> = {},
): BeatScore {
  const o: ScoreOptions = { tolerance: 0.15, from: 0, to: Infinity, exclude: [], ...options };
  const keep = (s: number) => s >= o.from && s < o.to && !o.exclude.some(([a, b]) => s >= a && s <= b);
  const r = ref.filter(keep);
  const t = test.filter(keep);
  const m = matchBeats(r, t, Math.round(o.tolerance * fs)).length;
  return makeScore(m, r.length - m, t.length - m);
}

/**
 * Ventricular flutter/fibrillation episodes of a reference annotation list: from each '[' (code 32) to the
 * next ']' (code 33); an episode still open at the end runs to Infinity.
 */
export function vfEpisodes(anns: readonly { sample: number; code: number }[]): [number, number][] {
  const out: [number, number][] = [];
  let start: number | undefined;
  for (const a of anns) {
    if (a.code === 32) start = a.sample;
    else if (a.code === 33 && start !== undefined) {
      out.push([start, a.sample]);
      start = undefined;
    }
  }
  if (start !== undefined) out.push([start, Infinity]);
  return out;
}
