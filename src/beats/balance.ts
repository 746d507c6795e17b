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
  /**
   * Per-class cap, as a multiple of the class's own count (>= 1): class c is topped up to at most
   * floor(cap[c] x count) rows, so that a class with few beats (often from one patient) is not copied
   * dozens of times. Missing or undefined entries: no cap (the default).
   */
  cap?: ReadonlyArray<number | undefined>;
  /**
   * Record-tempered draws: the extra copies of a class pick a group (a record) with probability proportional
   * to its count of that class raised to `power`, then one of its beats of that class uniformly. Power 1 is
   * the uniform draw in distribution; 0.5 gives the patients with few beats of a class more of the copies.
   * Absent: the uniform draw over the class's beats (the default).
   */
  groups?: { of: ArrayLike<string>; power: number };
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
  const power = opts.groups?.power;
  if (power !== undefined && !(power >= 0 && power <= 1))
    throw new Error(`oversampling record power must be in [0, 1], got ${power}`);
  const counts = classCounts(y, nClasses);
  const target = Math.ceil(ratio * Math.max(0, ...counts));
  const goal = counts.map((c, k) => {
    const m = opts.cap?.[k];
    if (m === undefined) return target;
    if (!(m >= 1)) throw new Error(`oversampling cap must be >= 1, got ${m} for class ${k}`);
    return Math.min(target, Math.floor(m * c));
  });
  const byClass = counts.map((c) => new Int32Array(c));
  const fill = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < y.length; i++) byClass[y[i]][fill[y[i]]++] = i;
  const extra = counts.reduce((s, c, k) => s + (c > 0 && c < goal[k] ? goal[k] - c : 0), 0);
  const out = new Int32Array(y.length + extra);
  for (let i = 0; i < y.length; i++) out[i] = i;
  let k = y.length;
  for (let c = 0; c < nClasses; c++) {
    if (counts[c] === 0 || counts[c] >= goal[c]) continue;
    const draw = opts.groups ? groupDraw(byClass[c], opts.groups, opts.rng) : null;
    for (let j = counts[c]; j < goal[c]; j++)
      out[k++] = draw ? draw() : byClass[c][randInt(opts.rng, counts[c])];
  }
  return out;
}

/** A draw from `rows`: a group with probability proportional to (its count)^power, then a row of it uniformly. */
function groupDraw(
  rows: Int32Array,
  groups: { of: ArrayLike<string>; power: number },
  rng: Rng,
): () => number {
  const byGroup = new Map<string, number[]>();
  for (const r of rows) {
    const g = groups.of[r];
    const list = byGroup.get(g);
    if (list) list.push(r);
    else byGroup.set(g, [r]);
  }
  const lists = [...byGroup.values()];
  let total = 0;
  const cum = lists.map((l) => (total += l.length ** groups.power));
  return () => {
    const u = rng() * total;
    let g = 0;
    while (g < cum.length - 1 && cum[g] <= u) g++;
    return lists[g][randInt(rng, lists[g].length)];
  };
}

/**
 * Class weights for a weighted loss, the alternative to oversampling: n / (k x n_c) over the k classes
 * present ("balanced"), so that the weighted mean over the samples is 1; absent classes get 0.
 * `power` < 1 tempers them: (n / (k x n_c))^power, rescaled so that the weighted mean is still 1
 * (power 1, the default: balanced; 0: all ones).
 */
export function classWeights(y: ArrayLike<number>, nClasses: number, power = 1): Float32Array {
  if (!(power >= 0 && power <= 1)) throw new Error(`class-weight power must be in [0, 1], got ${power}`);
  const counts = classCounts(y, nClasses);
  const present = counts.filter((c) => c > 0).length;
  const raw = counts.map((c) => (c > 0 ? (y.length / (present * c)) ** power : 0));
  if (power === 1) return Float32Array.from(raw);
  const mean = counts.reduce((s, c, k) => s + c * raw[k], 0) / Math.max(1, y.length);
  return Float32Array.from(raw, (w) => w / mean);
}
