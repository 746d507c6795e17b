import { MovingAverage } from "./moving-average.js";
import { runWhole, type SignalStream } from "./stream.js";

export interface BaselineOptions {
  /** Length of each of the two cascaded moving averages (s); the estimate is their triangular smoothing. */
  window: number;
}

export const DEFAULT_BASELINE: BaselineOptions = { window: 0.6 };

/**
 * Streaming baseline-wander removal: x minus a zero-phase low-pass estimate (two cascaded centred
 * moving averages of ~0.6 s, a triangular FIR with nulls at multiples of 1/window Hz). Same output as
 * `removeBaseline`, ends included. Edge effect: each moving average extends its own input by repeating its
 * end samples, so within about one window (0.6 s) of either end the estimate is that of the extended signal.
 */
export class BaselineStream implements SignalStream {
  private readonly a: MovingAverage;
  private readonly b: MovingAverage;
  /** Inputs waiting for their baseline estimate. */
  private pending: number[] = [];
  private head = 0;

  constructor(fs: number, options: Partial<BaselineOptions> = {}) {
    const o = { ...DEFAULT_BASELINE, ...options };
    const len = Math.max(1, Math.round(o.window * fs)) | 1;
    this.a = new MovingAverage(len);
    this.b = new MovingAverage(len);
  }

  push(chunk: ArrayLike<number>): Float64Array {
    for (let i = 0; i < chunk.length; i++) this.pending.push(chunk[i]);
    return this.subtract(this.b.push(this.a.push(chunk)));
  }

  flush(): Float64Array {
    const tail = this.b.push(this.a.flush());
    const rest = this.b.flush();
    const all = new Float64Array(tail.length + rest.length);
    all.set(tail);
    all.set(rest, tail.length);
    return this.subtract(all);
  }

  private subtract(base: Float64Array): Float64Array {
    const out = new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) out[i] = this.pending[this.head + i] - base[i];
    this.head += base.length;
    if (this.head > 4096 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}

/** Removes baseline wander from a whole signal (zero-phase, length kept). */
export function removeBaseline(
  x: ArrayLike<number>,
  fs: number,
  options: Partial<BaselineOptions> = {},
): Float64Array {
  return runWhole(new BaselineStream(fs, options), x);
}
