import type { SignalStream } from "./stream.js";
import { runWhole, withRoom } from "./stream.js";
import { blackman, sinc } from "./window.js";

export interface ResampleOptions {
  /** Zero crossings of the sinc on each side (kernel length in units of the narrower sample period). */
  zeros: number;
  /** Cut-off as a fraction of the lower Nyquist frequency. */
  rolloff: number;
}

export const DEFAULT_RESAMPLE: ResampleOptions = { zeros: 16, rolloff: 0.9 };

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Reduces fsOut / fsIn to a ratio of integers up / down (rates given to 1e-6 Hz). */
export function rateRatio(fsIn: number, fsOut: number): { up: number; down: number } {
  for (const r of [fsIn, fsOut]) {
    if (!(r > 0) || !Number.isFinite(r))
      throw new RangeError(`sampling rates must be > 0, got ${fsIn} -> ${fsOut}`);
  }
  let scale = 1;
  while (scale < 1e6 && (!Number.isInteger(fsIn * scale) || !Number.isInteger(fsOut * scale))) scale *= 10;
  const a = Math.round(fsIn * scale);
  const b = Math.round(fsOut * scale);
  const g = gcd(a, b);
  return { up: b / g, down: a / g };
}

/** Number of output samples for n input samples: round(n * fsOut / fsIn). */
export function resampledLength(n: number, fsIn: number, fsOut: number): number {
  const { up, down } = rateRatio(fsIn, fsOut);
  return Math.round((n * up) / down);
}

/**
 * Streaming rational resampler (polyphase windowed sinc, Blackman window, each phase normalised to unit DC
 * gain). Output m sits at time m / fsOut, i.e. at input position m * down / up. The input is extended by
 * repeating its first and last samples, so chunked output equals whole-signal output exactly, ends
 * included, and the length is round(n * fsOut / fsIn). Equal rates pass samples through unchanged.
 */
export class ResampleStream implements SignalStream {
  readonly up: number;
  readonly down: number;
  private readonly half: number;
  private readonly scale: number;
  private readonly table: Float64Array[] | undefined;
  private buf: Float64Array = new Float64Array(1024);
  /** Absolute input index of buf[0] (may be negative: start padding). */
  private base = 0;
  private len = 0;
  private received = 0;
  private m = 0;
  private flushed = false;
  /** Equal rates: samples pass through unchanged. */
  private readonly identity: boolean;

  constructor(fsIn: number, fsOut: number, options: Partial<ResampleOptions> = {}) {
    const o = { ...DEFAULT_RESAMPLE, ...options };
    const { up, down } = rateRatio(fsIn, fsOut);
    this.up = up;
    this.down = down;
    // Kernel scale: 1 when upsampling, up/down when downsampling (cut-off at the output Nyquist).
    this.scale = Math.min(1, up / down) * o.rolloff;
    this.half = Math.ceil(o.zeros / this.scale);
    this.identity = up === down;
    if (up <= 4096) {
      this.table = [];
      for (let p = 0; p < up; p++) this.table.push(this.kernel(p / up));
    }
  }

  /** Taps for inputs k0-half+1 .. k0+half at fractional offset frac in [0, 1), normalised. */
  private kernel(frac: number): Float64Array {
    const n = 2 * this.half;
    const h = new Float64Array(n);
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const u = j - this.half + 1 - frac;
      h[j] = sinc(this.scale * u) * blackman(u / (this.half + 1));
      sum += h[j];
    }
    for (let j = 0; j < n; j++) h[j] /= sum;
    return h;
  }

  push(chunk: ArrayLike<number>): Float64Array {
    if (this.flushed) throw new Error("stream already flushed");
    if (chunk.length === 0) return new Float64Array(0);
    if (this.identity) return Float64Array.from(chunk);
    if (this.received === 0) {
      this.base = -this.half;
      for (let i = 0; i < this.half; i++) this.append(chunk[0]);
    }
    for (let i = 0; i < chunk.length; i++) this.append(chunk[i]);
    this.received += chunk.length;
    return this.drain(Infinity);
  }

  flush(): Float64Array {
    if (this.flushed || this.received === 0) {
      this.flushed = true;
      return new Float64Array(0);
    }
    const lastValue = this.buf[this.len - 1];
    for (let i = 0; i < this.half; i++) this.append(lastValue);
    this.flushed = true;
    return this.drain(Math.round((this.received * this.up) / this.down));
  }

  private append(v: number): void {
    this.buf = withRoom(this.buf, this.len);
    this.buf[this.len++] = v;
  }

  /** Emits outputs whose kernel lies inside the buffer (and below `limit`), drops inputs no longer needed. */
  private drain(limit: number): Float64Array {
    const out: number[] = [];
    const { up, down, half, buf } = this;
    const end = this.base + this.len;
    while (this.m < limit) {
      const pos = this.m * down;
      const k0 = Math.floor(pos / up);
      if (k0 + half >= end) break;
      const phase = pos - k0 * up;
      const h = this.table ? this.table[phase] : this.kernel(phase / up);
      const first = k0 - half + 1 - this.base;
      let s = 0;
      for (let j = 0; j < h.length; j++) s += h[j] * buf[first + j];
      out.push(s);
      this.m++;
    }
    const keepFrom = Math.floor((this.m * down) / up) - half + 1 - this.base;
    if (keepFrom > 0) {
      buf.copyWithin(0, keepFrom, this.len);
      this.len -= keepFrom;
      this.base += keepFrom;
    }
    return Float64Array.from(out);
  }
}

/** Resamples a whole signal from fsIn to fsOut Hz; length round(n * fsOut / fsIn). */
export function resample(
  x: ArrayLike<number>,
  fsIn: number,
  fsOut: number,
  options: Partial<ResampleOptions> = {},
): Float64Array {
  return runWhole(new ResampleStream(fsIn, fsOut, options), x);
}
