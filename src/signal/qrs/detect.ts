import type { QrsOptions } from "./options.js";
import { QrsStream } from "./stream.js";

/** R-peak sample indices (ascending) of a whole single-lead ECG `x` sampled at `fs` Hz. Pure, no I/O. */
export function detectQrs(x: ArrayLike<number>, fs: number, options: Partial<QrsOptions> = {}): number[] {
  const s = new QrsStream(fs, options);
  const beats = s.push(x);
  for (const b of s.flush()) beats.push(b);
  return beats;
}
