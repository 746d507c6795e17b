import { withRoom, type SignalStream } from "./stream.js";

/**
 * Zero-phase filtering by an odd-length linear-phase FIR: output n is centred on input n (delay removed).
 * The signal is extended by repeating its first and last sample, so the streaming output equals the
 * whole-signal output exactly, ends included: output n is emitted once input n + (N-1)/2 has arrived,
 * and the last (N-1)/2 outputs at `flush`. Non-finite inputs propagate as NaN into the outputs they touch.
 */
export class ZeroPhaseFir implements SignalStream {
  private readonly taps: Float64Array;
  private readonly half: number;
  /** Input history (padded), newest last. */
  private buf: Float64Array;
  private len = 0;
  private started = false;
  private flushed = false;

  constructor(taps: ArrayLike<number>) {
    if (taps.length % 2 === 0)
      throw new RangeError(`zero-phase FIR needs an odd number of taps, got ${taps.length}`);
    this.taps = Float64Array.from(taps);
    this.half = (taps.length - 1) / 2;
    this.buf = new Float64Array(Math.max(64, 4 * taps.length));
  }

  push(chunk: ArrayLike<number>): Float64Array {
    if (this.flushed) throw new Error("stream already flushed");
    if (chunk.length === 0) return new Float64Array(0);
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.half; i++) this.append(chunk[0]);
    }
    for (let i = 0; i < chunk.length; i++) this.append(chunk[i]);
    return this.drain();
  }

  flush(): Float64Array {
    if (this.flushed || !this.started) {
      this.flushed = true;
      return new Float64Array(0);
    }
    const lastValue = this.buf[this.len - 1];
    for (let i = 0; i < this.half; i++) this.append(lastValue);
    this.flushed = true;
    return this.drain();
  }

  private append(v: number): void {
    this.buf = withRoom(this.buf, this.len);
    this.buf[this.len++] = v;
  }

  /** Emits every output whose window is complete, keeps the last N-1 inputs. */
  private drain(): Float64Array {
    const n = this.taps.length;
    const count = Math.max(0, this.len - n + 1);
    const out = new Float64Array(count);
    const { taps, buf } = this;
    for (let o = 0; o < count; o++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += taps[k] * buf[o + n - 1 - k];
      out[o] = s;
    }
    if (count > 0) {
      buf.copyWithin(0, count, this.len);
      this.len -= count;
    }
    return out;
  }
}
