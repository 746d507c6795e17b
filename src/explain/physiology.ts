// Where a beat's waves are, relative to its R peak, and how much attribution falls there.
// QRS: R +- 60 ms. T wave: R + 140 ms to R + 400 ms (a fixed window: at normal rates the T wave
// peaks ~250-300 ms after R and ends before ~400 ms; at high rates it comes earlier).

export const QRS_MS: readonly [number, number] = [-60, 60];
export const T_MS: readonly [number, number] = [140, 400];

export interface BeatWindows {
  /** [start, end) sample indices inside the window, clipped to it */
  readonly qrs: readonly [number, number];
  readonly t: readonly [number, number];
}

/** The QRS and T windows of a beat window of `length` samples at `fs` with its R peak at `r`. */
export function beatWindows(fs: number, r: number, length: number): BeatWindows {
  const at = (ms: number) => Math.min(length, Math.max(0, r + Math.round((ms * fs) / 1000)));
  return { qrs: [at(QRS_MS[0]), at(QRS_MS[1])], t: [at(T_MS[0]), at(T_MS[1])] };
}

export interface MassShares {
  /** share of the absolute attribution mass (waveform + extra inputs) in each place */
  readonly qrs: number;
  readonly t: number;
  /** everything else on the waveform */
  readonly rest: number;
  /** the extra (RR) inputs */
  readonly rr: number;
}

/** Shares of |attribution| in the QRS window, the T window, the rest of the waveform, and the RR inputs. */
export function massShares(a: ArrayLike<number>, other: ArrayLike<number>, w: BeatWindows): MassShares {
  let qrs = 0;
  let t = 0;
  let all = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    all += v;
    if (i >= w.qrs[0] && i < w.qrs[1]) qrs += v;
    else if (i >= w.t[0] && i < w.t[1]) t += v;
  }
  let rr = 0;
  for (let k = 0; k < other.length; k++) rr += Math.abs(other[k]);
  const total = all + rr;
  if (total === 0) return { qrs: 0, t: 0, rest: 0, rr: 0 };
  return { qrs: qrs / total, t: t / total, rest: (all - qrs - t) / total, rr: rr / total };
}
