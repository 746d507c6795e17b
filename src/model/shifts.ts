// Test-time shift averaging: a beat's class probabilities averaged over its net input translated by a few
// samples (each row of `len` samples moved, the edge sample repeated). The same weights, several predictions
// per beat: a small in-model ensemble that costs inference time, not footprint.

/** Rows of `len` samples translated by d samples: out[t] = x[clamp(t + d)] (d > 0: the waveform moves left). */
export function shiftRows(x: Float32Array, len: number, d: number): Float32Array {
  if (d === 0) return x;
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length; r += len)
    for (let t = 0; t < len; t++) out[r + t] = x[r + Math.min(len - 1, Math.max(0, t + d))];
  return out;
}

/**
 * The adjoint (transpose) of shiftRows: out[clamp(t + d)] += g[t] per row, so that
 * <shiftRows(x, d), g> = <x, shiftRowsAdjoint(g, d)>. The gradient of f(shiftRows(x)) is
 * shiftRowsAdjoint(grad f): the repeated edge sample gathers the gradient of every position that copied it.
 */
export function shiftRowsAdjoint(g: Float32Array, len: number, d: number): Float32Array {
  if (d === 0) return g;
  const out = new Float32Array(g.length);
  for (let r = 0; r < g.length; r += len)
    for (let t = 0; t < len; t++) out[r + Math.min(len - 1, Math.max(0, t + d))] += g[r + t];
  return out;
}

/** The mean of predict() over the input shifted by each of `shifts` samples. */
export async function shiftAveraged(
  predict: Predict,
  x: Float32Array,
  extra: Float32Array | undefined,
  len: number,
  shifts: readonly number[],
): Promise<Float32Array> {
  let sum: Float32Array | undefined;
  for (const d of shifts) {
    const p = await predict(shiftRows(x, len, d), extra);
    if (!sum) sum = Float32Array.from(p);
    else for (let i = 0; i < p.length; i++) sum[i] += p[i];
  }
  if (!sum) throw new Error("shiftAveraged: no shifts");
  for (let i = 0; i < sum.length; i++) sum[i] /= shifts.length;
  return sum;
}

type Predict = (x: Float32Array, extra?: Float32Array) => Promise<Float32Array>;

/** `predict` averaged over `shifts` (src/model/shifts.ts), or `predict` itself when there are none. */
export const withShifts = (predict: Predict, len: number, shifts: readonly number[] | undefined): Predict =>
  shifts ? (x, extra) => shiftAveraged(predict, x, extra, len, shifts) : predict;

/** Why `shifts` are not usable test-time shifts for windows of `len` samples, or undefined. */
export function shiftsError(shifts: unknown, len: number): string | undefined {
  const max = Math.floor(len / 8);
  if (!Array.isArray(shifts) || shifts.length === 0) return "must be a non-empty list of sample shifts";
  if (!shifts.every((d) => Number.isInteger(d) && Math.abs(d) <= max))
    return `must be whole sample counts within ±${max}, not ${JSON.stringify(shifts)}`;
  return undefined;
}

/** --shift-average d: the shifts -d, 0, +d (d = 0: none). */
export const symmetricShifts = (d: number): number[] => (d === 0 ? [0] : [-d, 0, d]);
