import { bandStopTaps, tapsFor } from "./fir-design.js";
import { ZeroPhaseFir } from "./fir-stream.js";
import { runWhole } from "./stream.js";

export interface NotchOptions {
  /** Mains frequency (Hz): 50 or 60. */
  freq: number;
  /** Half-width of the stop band (Hz). */
  halfWidth: number;
  /** Transition band (Hz); sets the filter length. */
  transition: number;
}

export const DEFAULT_NOTCH: NotchOptions = { freq: 50, halfWidth: 1, transition: 2 };

/** Streaming zero-phase powerline notch (windowed-sinc band-stop FIR); same output as `notch`. */
export function notchStream(fs: number, options: Partial<NotchOptions> = {}): ZeroPhaseFir {
  const o = { ...DEFAULT_NOTCH, ...options };
  const hi = o.freq + o.halfWidth;
  if (hi >= fs / 2)
    throw new RangeError(`a ${o.freq} Hz notch needs a sampling rate above ${2 * hi} Hz, got ${fs}`);
  return new ZeroPhaseFir(bandStopTaps(o.freq - o.halfWidth, hi, fs, tapsFor(o.transition, fs)));
}

/** Removes mains interference (50 or 60 Hz) from a whole signal, zero-phase. */
export function notch(x: ArrayLike<number>, fs: number, options: Partial<NotchOptions> = {}): Float64Array {
  return runWhole(notchStream(fs, options), x);
}
