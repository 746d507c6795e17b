import type { SignalStream } from "./stream.js";

/**
 * Centred moving average over an odd window of `length` samples, by a running sum (O(1) per sample), the
 * signal extended by repeating its end samples. A linear-phase FIR with a fixed delay, so streaming
 * output equals whole-signal output exactly (same operations in the same order), ends included.
 */
export class MovingAverage implements SignalStream {
  private readonly half: number;
  private readonly length: number;
  private ring: Float64Array;
  private mask: number;
  /** Inputs received, counting the start padding. */
  private count = 0;
  private sum = 0;
  private started = false;
  private flushed = false;
  private lastValue = 0;

  constructor(length: number) {
    if (!(length >= 1) || length % 2 === 0)
      throw new RangeError(`moving average needs an odd length, got ${length}`);
    this.length = length;
    this.half = (length - 1) / 2;
    let size = 1;
    while (size < length + 1) size *= 2;
    this.ring = new Float64Array(size);
    this.mask = size - 1;
  }

  push(chunk: ArrayLike<number>): Float64Array {
    if (this.flushed) throw new Error("stream already flushed");
    if (chunk.length === 0) return new Float64Array(0);
    const out: number[] = [];
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.half; i++) this.step(chunk[0], out);
    }
    for (let i = 0; i < chunk.length; i++) this.step(chunk[i], out);
    this.lastValue = chunk[chunk.length - 1];
    return Float64Array.from(out);
  }

  flush(): Float64Array {
    const out: number[] = [];
    if (this.started && !this.flushed) for (let i = 0; i < this.half; i++) this.step(this.lastValue, out);
    this.flushed = true;
    return Float64Array.from(out);
  }

  private step(v: number, out: number[]): void {
    const { ring, mask, length } = this;
    const n = this.count;
    // Before the window is full the padding repeats the first sample, so the oldest slot holds it.
    const old = n >= length ? ring[(n - length) & mask] : 0;
    this.sum += v - old;
    ring[n & mask] = v;
    this.count = n + 1;
    if (this.count >= length) out.push(this.sum / length);
  }
}
