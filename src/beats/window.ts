/** Where a beat window sits around its R peak, in samples at the dataset rate. */
export interface WindowSpec {
  /** Samples before the R peak (the R peak lands at this index). */
  before: number;
  /** Samples from the R peak to the window's end (exclusive). */
  after: number;
}

/** The default: 256 samples at 360 Hz, [R-90, R+166); the model expects R at index 90. */
export const DEFAULT_WINDOW: Readonly<WindowSpec> = { before: 90, after: 166 };

export const windowLength = (w: WindowSpec): number => w.before + w.after;

export const sameWindow = (a: WindowSpec, b: WindowSpec): boolean =>
  a.before === b.before && a.after === b.after;

/** "[R-90, R+166)": a window for messages. */
export const windowText = (w: WindowSpec): string => `[R-${w.before}, R+${w.after})`;

export interface Windows {
  /** kept.length windows of windowLength(spec) samples, each z-normalised, row after row. */
  x: Float32Array;
  /** Index into `peaks` of each kept window. */
  kept: Int32Array;
  /** Peaks whose window leaves the signal. */
  droppedEdge: number;
  /** Peaks whose window holds an invalid (NaN) sample. */
  droppedInvalid: number;
}

/**
 * Cuts one window per R peak from `signal` and z-normalises it (zero mean, unit standard deviation;
 * a flat window becomes all zeros). Windows leaving the signal or holding NaN are dropped and counted.
 */
export function extractWindows(
  signal: ArrayLike<number>,
  peaks: ArrayLike<number>,
  spec = DEFAULT_WINDOW,
): Windows {
  const len = windowLength(spec);
  const x = new Float32Array(peaks.length * len);
  const kept = new Int32Array(peaks.length);
  let n = 0;
  let droppedEdge = 0;
  let droppedInvalid = 0;
  for (let i = 0; i < peaks.length; i++) {
    const start = peaks[i] - spec.before;
    if (start < 0 || start + len > signal.length) {
      droppedEdge++;
      continue;
    }
    let sum = 0;
    for (let k = 0; k < len; k++) sum += signal[start + k];
    if (Number.isNaN(sum)) {
      droppedInvalid++;
      continue;
    }
    const mean = sum / len;
    let ss = 0;
    for (let k = 0; k < len; k++) ss += (signal[start + k] - mean) ** 2;
    const sd = Math.sqrt(ss / len);
    const scale = sd > 1e-9 ? 1 / sd : 0;
    const row = n * len;
    for (let k = 0; k < len; k++) x[row + k] = (signal[start + k] - mean) * scale;
    kept[n++] = i;
  }
  return { x: x.slice(0, n * len), kept: kept.slice(0, n), droppedEdge, droppedInvalid };
}
