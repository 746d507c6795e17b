// Gathering training batches and predicting a dataset part in chunks, over the row-major arrays of src/beats.
import { RR_DIM, RR_FEATURES, type BeatPart } from "../beats/index.js";

/** The slow RR average the ratios are taken against: the whole record's mean, or de Chazal's +-5 min one. */
export type RRAverage = "record" | "region";

/** The RR columns fed to the net as extra features (--rr): the per-patient ratios (unit-free), not raw seconds. */
export const rrInputColumns = (average: RRAverage = "record"): number[] =>
  [
    "preRR/localRR",
    "postRR/localRR",
    `preRR/${average}RR`,
    `postRR/${average}RR`,
    `localRR/${average}RR`,
  ].map((n) => RR_FEATURES.indexOf(n as (typeof RR_FEATURES)[number]));
export const RR_INPUT_COLUMNS: readonly number[] = rrInputColumns();

/** --irregularity adds the local RR irregularity (atrial fibrillation) to the RR inputs. */
export const IRREGULARITY_COLUMN = RR_FEATURES.indexOf("localRRdiff/localRR");

/** The RR_FEATURES columns a run feeds to the net's extra pathway (rrInputColumns, + irregularity). */
export const inputColumns = (c: { rr: boolean; irregularity?: boolean; rrAverage?: RRAverage }): number[] =>
  c.rr ? [...rrInputColumns(c.rrAverage), ...(c.irregularity ? [IRREGULARITY_COLUMN] : [])] : [];

/** Copies rows `idx[from .. from + n)` of a part into batch buffers (x, y and optional RR columns). */
export function gatherBatch(
  part: BeatPart,
  idx: ArrayLike<number>,
  from: number,
  n: number,
  len: number,
  rrCols: readonly number[],
): { x: Float32Array; y: Int32Array; extra?: Float32Array } {
  const x = new Float32Array(n * len);
  const y = new Int32Array(n);
  const extra = rrCols.length > 0 ? new Float32Array(n * rrCols.length) : undefined;
  for (let k = 0; k < n; k++) {
    const i = idx[from + k];
    x.set(part.x.subarray(i * len, (i + 1) * len), k * len);
    y[k] = part.y[i];
    if (extra) rrCols.forEach((c, j) => (extra[k * rrCols.length + j] = part.rr[i * RR_DIM + c]));
  }
  return { x, y, extra };
}

/** Fisher-Yates shuffle in place with a [0, 1) generator. */
export function shuffle<T extends { length: number; [i: number]: number }>(a: T, rng: () => number): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** Rows `rows` (in that order) of a row-major matrix of `width` columns. */
export function gatherRows(a: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let j = 0; j < rows.length; j++)
    out.set(a.subarray(rows[j] * width, (rows[j] + 1) * width), j * width);
  return out;
}

/** A copy of the row-major matrix `a` (`width` columns) whose row rows[j] is row j of `values`, for every j. */
export function withRowsReplaced<T extends Float32Array | Float64Array>(
  a: T,
  width: number,
  rows: ArrayLike<number>,
  values: T,
): T {
  const out = a.slice() as T;
  for (let j = 0; j < rows.length; j++) out.set(values.subarray(j * width, (j + 1) * width), rows[j] * width);
  return out;
}

/** Index of the largest value of each row of a row-major n x k matrix. */
export function argmaxRows(p: ArrayLike<number>, k: number): Int32Array {
  const out = new Int32Array(p.length / k);
  for (let r = 0; r < out.length; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[r * k + c] > p[r * k + best]) best = c;
    out[r] = best;
  }
  return out;
}

type Predict = (x: Float32Array, extra?: Float32Array) => Promise<Float32Array>;

/** Predicted probabilities (n x k) of every beat of a part, `chunk` beats per call. */
export async function predictPart(
  predict: Predict,
  part: BeatPart,
  len: number,
  k: number,
  rrCols: readonly number[],
  chunk = 512,
  /** the net input of rows [from, from + n) from their windows (default: the windows) */
  toInput: (x: Float32Array, from: number, n: number) => Float32Array = (x) => x,
): Promise<Float32Array> {
  const n = part.y.length;
  const out = new Float32Array(n * k);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let from = 0; from < n; from += chunk) {
    const m = Math.min(chunk, n - from);
    const b = gatherBatch(part, all, from, m, len, rrCols);
    out.set(await predict(toInput(b.x, from, m), b.extra), from * k);
  }
  return out;
}
