// The median template of the most recent beats (causal use), kept up to date in O(len x capacity) memmoves
// per beat instead of re-sorting every column: each column holds its last `capacity` values sorted.

/**
 * Per-sample median of the last `capacity` windows pushed (each `len` values), the same values
 * medianTemplate gives for those windows (row order irrelevant, no subsampling).
 */
export class RunningTemplate {
  /** Window history, oldest at `head` once full. */
  private readonly ring: Float32Array;
  /** Column k sorted ascending in cols[k * capacity .. k * capacity + count). */
  private readonly cols: Float32Array;
  private head = 0;
  private count = 0;

  constructor(
    readonly len: number,
    readonly capacity: number,
  ) {
    if (!(Number.isInteger(len) && len > 0 && Number.isInteger(capacity) && capacity > 0))
      throw new Error(`RunningTemplate: len ${len}, capacity ${capacity}`);
    this.ring = new Float32Array(len * capacity);
    this.cols = new Float32Array(len * capacity);
  }

  /** Windows the template is made of (at most capacity). */
  get size(): number {
    return this.count;
  }

  /** Adds a window (len values); the oldest leaves once capacity windows are held. */
  push(w: ArrayLike<number>): void {
    if (w.length !== this.len) throw new Error(`RunningTemplate: window of ${w.length}, not ${this.len}`);
    for (let k = 0; k < this.len; k++)
      if (Number.isNaN(w[k])) throw new Error("RunningTemplate: a window holds NaN");
    const full = this.count === this.capacity;
    const slot = full ? this.head : this.count;
    for (let k = 0; k < this.len; k++) {
      const col = this.cols.subarray(k * this.capacity, (k + 1) * this.capacity);
      if (full) removeSorted(col, this.count, this.ring[slot * this.len + k]);
      insertSorted(col, full ? this.count - 1 : this.count, Math.fround(w[k]));
    }
    this.ring.set(w, slot * this.len);
    if (full) this.head = (this.head + 1) % this.capacity;
    else this.count++;
  }

  /** The per-sample median (zeros while empty), as medianTemplate computes it. */
  template(): Float32Array {
    const out = new Float32Array(this.len);
    const n = this.count;
    if (n === 0) return out;
    const m = n >> 1;
    for (let k = 0; k < this.len; k++) {
      const o = k * this.capacity;
      out[k] = n % 2 ? this.cols[o + m] : 0.5 * (this.cols[o + m - 1] + this.cols[o + m]);
    }
    return out;
  }
}

/** First index of sorted[0 .. n) whose value is above v (or >= v when `orEqual`). */
function searchSorted(sorted: Float32Array, n: number, v: number, orEqual: boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v || (!orEqual && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(sorted: Float32Array, n: number, v: number): void {
  const at = searchSorted(sorted, n, v, false);
  sorted.copyWithin(at + 1, at, n);
  sorted[at] = v;
}

function removeSorted(sorted: Float32Array, n: number, v: number): void {
  const at = searchSorted(sorted, n, v, true);
  if (at >= n || sorted[at] !== v) throw new Error("internal: RunningTemplate lost a value");
  sorted.copyWithin(at, at + 1, n);
}
