import type { Candidate } from "./candidate.js";
import { Decider } from "./decide.js";
import { DEFAULT_QRS_OPTIONS, type QrsOptions } from "./options.js";

const odd = (n: number) => Math.max(1, Math.round(n)) | 1;

/**
 * Streaming QRS detector. `push` any chunks (any sizes), then `flush` once; the beats (R-peak sample
 * indices, ascending) are exactly those of `detectQrs` on the concatenated signal, because every
 * operation is done per sample in the same order whatever the chunking. Non-finite samples are
 * replaced by the last finite one (0 before the first). Memory is O(fs), whatever the length.
 */
export class QrsStream {
  readonly fs: number;
  private readonly la: number;
  private readonly lb: number;
  private readonly ld: number;
  private readonly lw: number;
  /** Makes slopes per `derivative` seconds whatever the rounding of the derivative span. */
  private readonly slopeScale: number;
  private readonly mask: number;
  private readonly rawRing: Float64Array;
  private readonly aRing: Float64Array;
  private readonly lpRing: Float64Array;
  private readonly dRing: Float64Array;
  private readonly eRing: Float64Array;
  private readonly fRing: Float64Array;
  private sumA = 0;
  private sumB = 0;
  private sumW = 0;
  /** Running sum of the envelope over the level window. */
  private sumL = 0;
  private readonly ll: number;
  private n = 0;
  private last = 0;
  private pendT = -1;
  private pendV = 0;
  /** The envelope at n-1 and n-2. */
  private f1 = 0;
  private f2 = 0;
  /** Envelope delay: envelope index t describes signal time t - delayF. */
  private readonly delayF: number;
  private readonly delayLp: number;
  private readonly suppress: number;
  private readonly before: number;
  private readonly after: number;
  /** The decision stage (exposed for diagnostics: `decider.trace`). */
  readonly decider: Decider;

  constructor(fs: number, options: Partial<QrsOptions> = {}) {
    if (!(fs > 0) || !Number.isFinite(fs)) throw new RangeError(`sampling rate must be > 0, got ${fs}`);
    const o = { ...DEFAULT_QRS_OPTIONS, ...options };
    this.fs = fs;
    this.la = Math.max(1, Math.round(o.lowPass[0] * fs));
    this.lb = Math.max(1, Math.round(o.lowPass[1] * fs));
    this.ld = Math.max(1, Math.round(o.derivative * fs));
    this.lw = odd(o.integration * fs);
    this.slopeScale = (o.derivative * fs) / this.ld;
    this.delayLp = (this.la - 1) / 2 + (this.lb - 1) / 2;
    this.delayF = this.delayLp + this.ld / 2 + (this.lw - 1) / 2;
    this.suppress = Math.max(1, Math.round(o.suppression * fs));
    this.ll = Math.max(1, Math.round(o.levelWindow * fs));
    this.before = Math.round(o.refine[0] * fs);
    // The refinement window must already be in the ring when a candidate is final (suppress samples later).
    this.after = Math.min(
      Math.round(o.refine[1] * fs),
      Math.floor(this.delayF - this.delayLp) + this.suppress,
    );
    let size = 1;
    while (size < 4 * fs + this.ll + 2 * this.lw + 64) size *= 2;
    this.mask = size - 1;
    this.rawRing = new Float64Array(size);
    this.aRing = new Float64Array(size);
    this.lpRing = new Float64Array(size);
    this.dRing = new Float64Array(size);
    this.eRing = new Float64Array(size);
    this.fRing = new Float64Array(size);
    this.decider = new Decider(fs, o);
  }

  /** Feeds samples; returns the beats that became final (ascending, absolute sample indices). */
  push(chunk: ArrayLike<number>): number[] {
    const out: number[] = [];
    const { la, lb, ld, lw, mask, rawRing, aRing, lpRing, dRing, eRing, fRing } = this;
    let { sumA, sumB, sumW, sumL, n, last, pendT, pendV, f1, f2 } = this;
    const { ll, suppress } = this;
    for (let k = 0; k < chunk.length; k++) {
      let v = chunk[k];
      if (Number.isFinite(v)) last = v;
      else v = last;
      if (n === 0) {
        // Replicate the first sample backwards: no start-up step in the filters.
        rawRing.fill(v);
        aRing.fill(v);
        lpRing.fill(v);
        sumA = v * la;
        sumB = v * lb;
      }
      const i = n & mask;
      sumA += v - rawRing[(n - la) & mask];
      rawRing[i] = v;
      const a = sumA / la;
      sumB += a - aRing[(n - lb) & mask];
      aRing[i] = a;
      const lp = sumB / lb;
      lpRing[i] = lp;
      const d = lp - lpRing[(n - ld) & mask];
      dRing[i] = d;
      const e = d * d;
      sumW += e - eRing[(n - lw) & mask];
      eRing[i] = e;
      const f = sumW > 0 ? sumW : 0;
      sumL += f - fRing[(n - ll) & mask];
      fRing[i] = f;
      // Local maximum of the envelope at n-1 (f1), then non-maximum suppression within `suppress` samples.
      if (n >= 2 && f1 > f2 && f1 >= f) {
        if (pendT >= 0 && n - 1 - pendT <= suppress) {
          if (f1 > pendV) {
            pendT = n - 1;
            pendV = f1;
          }
        } else {
          if (pendT >= 0) this.finalize(pendT, pendV, out, n, sumL);
          pendT = n - 1;
          pendV = f1;
        }
      }
      if (pendT >= 0 && n - pendT > suppress) {
        this.finalize(pendT, pendV, out, n, sumL);
        pendT = -1;
      }
      f2 = f1;
      f1 = f;
      n++;
    }
    this.pendT = pendT;
    this.pendV = pendV;
    this.f1 = f1;
    this.f2 = f2;
    this.sumA = sumA;
    this.sumB = sumB;
    this.sumW = sumW;
    this.sumL = sumL;
    this.n = n;
    this.last = last;
    return out;
  }

  /** Ends the stream: decides the last candidates; returns the beats that became final. */
  flush(): number[] {
    const out: number[] = [];
    if (this.pendT >= 0) this.finalize(this.pendT, this.pendV, out, this.n - 1, this.sumL);
    this.pendT = -1;
    this.decider.end(Math.max(0, this.n - 1 - this.delayF), out);
    return out;
  }

  /** Number of samples pushed so far. */
  get length(): number {
    return this.n;
  }

  /** `now`: index of the newest sample in the rings. */
  private finalize(t: number, v: number, out: number[], now: number, sumL: number): void {
    const { mask, lpRing, dRing, fRing } = this;
    let floor = Infinity;
    for (let j = Math.max(0, t - this.suppress); j <= Math.min(now, t + this.suppress); j++) {
      if (fRing[j & mask] < floor) floor = fRing[j & mask];
    }
    let slope = 0;
    for (let j = Math.max(0, t - this.lw + 1); j <= t; j++) {
      const s = Math.abs(dRing[j & mask]);
      if (s > slope) slope = s;
    }
    // R peak: largest deviation of the low-passed signal from its mean over the search window.
    const centre = Math.round(t - this.delayF);
    const off = Math.round(this.delayLp);
    const lo = Math.max(0, centre - this.before);
    const hi = Math.min(now - off, centre + this.after);
    let r = Math.max(0, Math.min(centre, now));
    let max = -Infinity;
    let min = Infinity;
    if (hi >= lo) {
      let mean = 0;
      for (let j = lo; j <= hi; j++) mean += lpRing[(j + off) & mask];
      mean /= hi - lo + 1;
      let best = -1;
      for (let j = lo; j <= hi; j++) {
        const x = lpRing[(j + off) & mask];
        if (x > max) max = x;
        if (x < min) min = x;
        const dev = Math.abs(x - mean);
        if (dev > best) {
          best = dev;
          r = j;
        }
      }
    }
    const c: Candidate = {
      r,
      amp: Math.sqrt(v / this.lw) - Math.sqrt(floor / this.lw),
      floor: Math.sqrt(floor / this.lw),
      level: Math.sqrt(sumL / Math.min(this.ll, now + 1) / this.lw),
      slope: slope * this.slopeScale,
      height: hi >= lo ? max - min : 0,
    };
    this.onCandidate(c, out);
  }

  /** Hands a candidate to the decision stage (a seam for diagnostics). */
  protected onCandidate(c: Candidate, out: number[]): void {
    this.decider.add(c, out);
  }
}
