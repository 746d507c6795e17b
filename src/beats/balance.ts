import { randInt, type Rng } from "./rng.js";

/** How many labels of each class in `y` (labels in [0, nClasses)). */
export function classCounts(y: ArrayLike<number>, nClasses: number): number[] {
  const counts = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  return counts;
}

export interface OversampleOptions {
  /** Minority classes are topped up to ceil(ratio x majority count); default 0.25 (reference recipe). */
  ratio?: number;
  /** Seeded generator; call again with a fresh state for a fresh draw each epoch. */
  rng: Rng;
}

/**
 * Random oversampling with replacement (the paper's class balancing), for a TRAINING part only.
 * Returns indices into `y`: every original index once, in order, then the extra draws of each class
 * whose count is below the target. Classes absent from `y` stay absent. Never pass test data here.
 */
export function oversampleIndices(
  y: ArrayLike<number>,
  nClasses: number,
  opts: OversampleOptions,
): Int32Array {
  const ratio = opts.ratio ?? 0.25;
  if (!(ratio >= 0)) throw new Error(`oversampling ratio must be >= 0, got ${ratio}`);
  const counts = classCounts(y, nClasses);
  const target = Math.ceil(ratio * Math.max(0, ...counts));
  const byClass = counts.map((c) => new Int32Array(c));
  const fill = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < y.length; i++) byClass[y[i]][fill[y[i]]++] = i;
  const extra = counts.reduce((s, c) => s + (c > 0 && c < target ? target - c : 0), 0);
  const out = new Int32Array(y.length + extra);
  for (let i = 0; i < y.length; i++) out[i] = i;
  let k = y.length;
  for (let c = 0; c < nClasses; c++) {
    if (counts[c] === 0 || counts[c] >= target) continue;
    for (let j = counts[c]; j < target; j++) out[k++] = byClass[c][randInt(opts.rng, counts[c])];
  }
  return out;
}

/**
 * Class weights for a weighted loss, the alternative to oversampling: n / (k x n_c) over the k classes
 * present ("balanced"), so that the weighted mean over the samples is 1; absent classes get 0.
 */
export function classWeights(y: ArrayLike<number>, nClasses: number): Float32Array {
  const counts = classCounts(y, nClasses);
  const present = counts.filter((c) => c > 0).length;
  return Float32Array.from(counts, (c) => (c > 0 ? y.length / (present * c) : 0));
}
