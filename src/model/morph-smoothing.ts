// Morphology smoothing (model.json morphSmoothing; docs/RESULTS.md, inter-patient search 16): among N, V and F
// the class is a matter of the QRS shape, and one patient's beats of one shape share a class. The net, reading
// one beat at a time, errs on a new patient's unusual normal shape beat by beat; so the split of each beat's
// N+V+F probability is pulled towards the mean split of the k beats of the same record whose QRS is most alike:
//   p'_c = m · ((1 - λ) · p_c / m + λ · mean_j p_jc / m_j)   for c in `classes`; m = the beat's mass over
//   `classes` (kept), m_j each neighbour's. The other classes (S, Q) are untouched.
// QRS shape: the beat's z-normalised window at R-36 .. R+52 samples, every 2nd (45 values: 100 ms before to
// 144 ms after R at 360 Hz), squared Euclidean distance. Neighbours are searched among the SMOOTHING_POOL beats
// nearest in beat order (every beat of a record of up to SMOOTHING_POOL + 1 beats: all of MIT-BIH's records).
// Causal use (CausalSmoother): among the SMOOTHING_POOL beats before the beat.
// keepAbove (search 21): a beat whose own split gives its top class at least this share keeps its split, so the
// net's surest calls (an ectopic beat no other beat of the record resembles, most of the time) are not outvoted.
export interface MorphSmoothing {
  /** The classes whose split is smoothed (e.g. N, V, F). */
  classes: string[];
  /** Weight of the neighbours' mean split, 0..1. */
  lambda: number;
  /** Neighbours per beat. */
  k: number;
  /** A beat whose own split gives its top class at least this share (0..1] is not smoothed (absent: all are). */
  keepAbove?: number;
}

export const SHAPE_FROM = 36;
export const SHAPE_STEP = 2;
export const SHAPE_DIMS = 45;
/** The neighbours of a beat are searched among this many beats (the nearest in beat order). */
export const SMOOTHING_POOL = 5000;

/** Why `s` is not a morphSmoothing of a model with these classes and window, or undefined when it is one. */
export function morphSmoothingError(
  s: unknown,
  classes: readonly string[],
  window: { before: number; after: number },
): string | undefined {
  if (typeof s !== "object" || s === null) return "must be {classes, lambda, k}";
  const { classes: cs, lambda, k, keepAbove } = s as Partial<MorphSmoothing>;
  if (
    !Array.isArray(cs) ||
    cs.length < 2 ||
    new Set(cs).size !== cs.length ||
    cs.some((c) => !classes.includes(c))
  )
    return `classes must be 2 or more distinct classes of ${classes.join(", ")}`;
  if (typeof lambda !== "number" || !(lambda >= 0 && lambda <= 1))
    return "lambda must be a number from 0 to 1";
  if (!Number.isInteger(k) || (k as number) < 1) return "k must be an integer >= 1";
  if (keepAbove !== undefined && !(typeof keepAbove === "number" && keepAbove > 0 && keepAbove <= 1))
    return "keepAbove must be a number in (0, 1] (or absent)";
  const last = SHAPE_STEP * (SHAPE_DIMS - 1) - SHAPE_FROM; // the shape's last sample, R+52
  if (window.before < SHAPE_FROM || window.after <= last)
    return `needs a window from at least R-${SHAPE_FROM} to past R+${last}`;
  return undefined;
}

/** The QRS shapes (n x SHAPE_DIMS) of n windows (n x len, R at index `center`). */
export function qrsShapes(windows: Float32Array, len: number, center: number): Float32Array {
  const n = windows.length / len;
  const out = new Float32Array(n * SHAPE_DIMS);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < SHAPE_DIMS; d++)
      out[i * SHAPE_DIMS + d] = windows[i * len + center - SHAPE_FROM + SHAPE_STEP * d];
  return out;
}

/**
 * The k nearest shapes to shape `a` among `candidates` (indices into `shapes`, in order; `a` itself skipped):
 * ties go to the earlier candidate. Returns at most k indices (fewer when there are fewer candidates).
 */
export function nearestShapes(
  shapes: Float32Array,
  a: number,
  candidates: Iterable<number>,
  k: number,
): number[] {
  const best = new Float64Array(k).fill(Infinity);
  const who = new Int32Array(k);
  let worst = 0;
  let seen = 0;
  const fa = a * SHAPE_DIMS;
  for (const b of candidates) {
    if (b === a) continue;
    seen++;
    const fb = b * SHAPE_DIMS;
    let s = 0;
    // the partial sum is checked every 5 values (SHAPE_DIMS = 9 x 5): a candidate is cut off once it cannot be
    // among the k nearest; checking less often computes a little more but decides the same (the same sum, in order)
    const bound = best[worst];
    for (let d = 0; d < SHAPE_DIMS && s < bound; d += 5) {
      const e0 = shapes[fa + d] - shapes[fb + d];
      const e1 = shapes[fa + d + 1] - shapes[fb + d + 1];
      const e2 = shapes[fa + d + 2] - shapes[fb + d + 2];
      const e3 = shapes[fa + d + 3] - shapes[fb + d + 3];
      const e4 = shapes[fa + d + 4] - shapes[fb + d + 4];
      s = s + e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3 + e4 * e4;
    }
    if (s < best[worst]) {
      best[worst] = s;
      who[worst] = b;
      for (let q = 0; q < k; q++) if (best[q] > best[worst]) worst = q;
    }
  }
  return Array.from(who.subarray(0, Math.min(k, seen)));
}

/** Row indices of the `pool` rows of `rows` nearest (in their order) to position i, i among them. */
function* poolAround(rows: readonly number[], i: number, pool: number): Generator<number> {
  const lo = Math.max(0, Math.min(i - (pool >> 1), rows.length - pool - 1));
  const hi = Math.min(rows.length, lo + pool + 1);
  for (let j = lo; j < hi; j++) yield rows[j];
}

/** Whether beat i's own split among `cols` gives its top class at least `keepAbove` of their mass. */
export function keepsOwnSplit(
  probs: Float32Array,
  k: number,
  i: number,
  cols: readonly number[],
  keepAbove: number | undefined,
): boolean {
  if (keepAbove === undefined) return false;
  const mass = cols.reduce((a, c) => a + probs[i * k + c], 0);
  return mass > 0 && Math.max(...cols.map((c) => probs[i * k + c])) / mass >= keepAbove;
}

/** Beat i's smoothed probabilities (k values) from its own and its neighbours' rows of `probs` (n x k). */
export function smoothRow(
  probs: Float32Array,
  k: number,
  i: number,
  neighbours: readonly number[],
  cols: readonly number[],
  lambda: number,
): Float32Array {
  const out = probs.slice(i * k, (i + 1) * k);
  if (neighbours.length === 0) return out;
  const mass = cols.reduce((a, c) => a + probs[i * k + c], 0);
  const split = cols.map(() => 0);
  for (const j of neighbours) {
    const mj = cols.reduce((a, c) => a + probs[j * k + c], 0) || 1;
    cols.forEach((c, t) => (split[t] += probs[j * k + c] / mj / neighbours.length));
  }
  cols.forEach((c, t) => {
    const own = mass > 0 ? probs[i * k + c] / mass : 0;
    out[c] = mass * ((1 - lambda) * own + lambda * split[t]);
  });
  return out;
}

/**
 * Smoothed probabilities (n x classes) of beats with these QRS shapes (n x SHAPE_DIMS); `groups` names each
 * beat's record (neighbours only within a record; absent: one record), beats of a record in time order.
 */
export function smoothProbs(
  probs: Float32Array,
  classes: readonly string[],
  shapes: Float32Array,
  s: MorphSmoothing,
  groups?: readonly string[],
  pool = SMOOTHING_POOL,
): Float32Array {
  const k = classes.length;
  const n = probs.length / k;
  if (shapes.length !== n * SHAPE_DIMS)
    throw new Error(`morph smoothing: ${shapes.length / SHAPE_DIMS} shapes for ${n} beats`);
  const cols = s.classes.map((c) => classes.indexOf(c));
  const byRecord = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups?.[i] ?? "";
    const rows = byRecord.get(g);
    if (rows) rows.push(i);
    else byRecord.set(g, [i]);
  }
  const out = new Float32Array(probs.length);
  for (const rows of byRecord.values())
    rows.forEach((a, i) => {
      const keep = keepsOwnSplit(probs, k, a, cols, s.keepAbove);
      const nb = keep ? [] : nearestShapes(shapes, a, poolAround(rows, i, pool), s.k);
      out.set(smoothRow(probs, k, a, nb, cols, s.lambda), a * k);
    });
  return out;
}

/**
 * Causal smoothing of a stream's beats, batch after batch in beat order: each beat's neighbours are among the
 * SMOOTHING_POOL beats before it (their net probabilities), so its label never waits for a later beat.
 */
export class CausalSmoother {
  private readonly shapes: Float32Array;
  private readonly probs: Float32Array;
  private readonly cols: number[];
  private readonly kc: number;
  /** Beats seen; beat t sits in ring slot t % (pool + 1): itself and the pool beats before it. */
  private seen = 0;

  constructor(
    classes: readonly string[],
    private readonly s: MorphSmoothing,
    private readonly pool = SMOOTHING_POOL,
  ) {
    this.kc = classes.length;
    this.cols = s.classes.map((c) => classes.indexOf(c));
    this.shapes = new Float32Array((pool + 1) * SHAPE_DIMS);
    this.probs = new Float32Array((pool + 1) * this.kc);
  }

  /** Smoothed probabilities of the next beats (net probabilities n x classes, shapes n x SHAPE_DIMS). */
  next(probs: Float32Array, shapes: Float32Array): Float32Array {
    const n = probs.length / this.kc;
    const slots = this.pool + 1;
    const out = new Float32Array(probs.length);
    for (let j = 0; j < n; j++) {
      const t = this.seen++;
      const slot = t % slots;
      this.shapes.set(shapes.subarray(j * SHAPE_DIMS, (j + 1) * SHAPE_DIMS), slot * SHAPE_DIMS);
      this.probs.set(probs.subarray(j * this.kc, (j + 1) * this.kc), slot * this.kc);
      const keep = keepsOwnSplit(this.probs, this.kc, slot, this.cols, this.s.keepAbove);
      const nb = keep ? [] : nearestShapes(this.shapes, slot, slotsBefore(t, this.pool, slots), this.s.k);
      out.set(smoothRow(this.probs, this.kc, slot, nb, this.cols, this.s.lambda), j * this.kc);
    }
    return out;
  }
}

/** The ring slots of the (at most) `pool` beats before beat t, oldest first. */
function* slotsBefore(t: number, pool: number, slots: number): Generator<number> {
  for (let u = Math.max(0, t - pool); u < t; u++) yield u % slots;
}
