import type { Candidate } from "./candidate.js";
import type { QrsOptions } from "./options.js";
import { median } from "./median.js";

/**
 * Beat/noise decisions over envelope peaks, in time order (after Pan-Tompkins): adaptive signal and
 * noise levels, a refractory period, a noise gate (low prominence, smooth-and-weak, no ECG at all),
 * T-wave rejection against recent beats, P-wave and interposed-noise rejection against the candidates
 * ahead (a look-ahead of `lookahead` s), search-back for missed beats, and re-learning of the levels
 * after a long stretch without beats. Beats are emitted in ascending order and are final.
 */
export class Decider {
  private readonly o: QrsOptions;
  private readonly refractory: number;
  private readonly learn: number;
  private readonly lookahead: number;
  private readonly pWindow: number;
  private readonly relearnGap: number;
  /** Candidates waiting for their look-ahead window to fill. */
  private queue: Candidate[] = [];
  private learned = false;
  private spk = 0;
  private npk = 0;
  private last: Candidate | undefined;
  private lastRelearn = -Infinity;
  private relearning = false;
  private rr: number[] = [];
  private rrMean: number;
  /** Rejected candidates since the last beat (search-back pool). */
  private pool: Candidate[] = [];
  /** Slopes and amplitudes of the last 8 beats. */
  private slopes: number[] = [];
  private amps: number[] = [];
  /** Peak / envelope level ratios of the last 8 beats. */
  private ratios: number[] = [];

  /** Diagnostics: called with every decision ("beat", "searchback", "noise": below threshold, "flat": low prominence, "weak": noise gate, "t", "p", "interposed", "refractory"). */
  trace?: (c: Candidate, verdict: string) => void;

  constructor(
    readonly fs: number,
    o: QrsOptions,
  ) {
    this.o = o;
    this.refractory = o.refractory * fs;
    this.learn = o.learning * fs;
    this.lookahead = Math.max(o.pWaveWindow, o.lookahead) * fs;
    this.pWindow = o.pWaveWindow * fs;
    this.relearnGap = o.relearnGap * fs;
    this.rrMean = fs;
  }

  add(c: Candidate, out: number[]): void {
    this.queue.push(c);
    if (!this.learned) {
      if (c.r < this.learn) return;
      this.startUp();
    }
    this.drain(c.r - this.lookahead, out);
  }

  /** End of signal at sample `end`: decides the queue, then searches back over the tail. */
  end(end: number, out: number[]): void {
    if (!this.learned) this.startUp();
    this.drain(Infinity, out);
    this.searchBack(end + this.refractory, out);
  }

  private startUp(): void {
    this.learned = true;
    this.setLevels(this.queue);
  }

  /** Signal level from the largest candidate, noise level from the median one. */
  private setLevels(cands: Candidate[]): void {
    const amps = cands.map((c) => c.amp).sort((a, b) => a - b);
    if (amps.length === 0) return;
    this.spk = amps[amps.length - 1] * 0.6;
    this.npk = amps[Math.floor(amps.length / 2)] * 0.5;
  }

  private drain(limit: number, out: number[]): void {
    while (this.queue.length > 0 && this.queue[0].r < limit) {
      const c = this.queue.shift() as Candidate;
      this.decide(c, this.queue, out);
    }
  }

  private threshold(): number {
    return this.npk + this.o.thresholdRatio * (this.spk - this.npk);
  }

  private decide(c: Candidate, ahead: Candidate[], out: number[]): void {
    const last = this.last;
    if (last && c.r - last.r < this.refractory) {
      this.trace?.(c, "refractory");
      return;
    }
    const verdict =
      c.amp <= this.threshold()
        ? "noise"
        : c.amp + c.floor < this.o.minProminence * c.floor
          ? "flat"
          : this.isNoise(c)
            ? "weak"
            : this.isTWave(c, last)
              ? "t"
              : this.isPWave(c, ahead)
                ? "p"
                : this.isInterposed(c, last, ahead)
                  ? "interposed"
                  : "beat";
    this.trace?.(c, verdict);
    if (verdict === "beat") {
      this.searchBack(c.r, out);
      this.accept(c, 0.125, out);
    } else {
      this.noise(c);
      if (this.o.searchBackOnNoise) this.searchBack(c.r, out);
      this.relearn(c.r, ahead, out);
    }
  }

  /** The recent beats and this candidate all hardly stand out of the envelope: noise, not ECG. */
  private isNoise(c: Candidate): boolean {
    return this.isSmoothAndWeak(c) || this.isNoiseOnly(c);
  }

  /** Smooth (small slope for its height) and hardly above the envelope level. */
  private isSmoothAndWeak(c: Candidate): boolean {
    return c.slope < this.o.smoothSharpness * c.height && ratio(c) < this.o.smoothLevel;
  }

  /** Neither this candidate nor any of the last 8 beats stands out of the envelope: no ECG, only noise. */
  private isNoiseOnly(c: Candidate): boolean {
    const limit = this.o.noiseLevelRatio;
    return this.ratios.length > 0 && ratio(c) < limit && Math.max(...this.ratios) < this.o.noiseMaxRatio;
  }

  /** Close after the previous beat, with a small slope and amplitude against recent beats. */
  private isTWave(c: Candidate, last: Candidate | undefined): boolean {
    if (last === undefined) return false;
    if (c.slope > this.o.tWaveSharpness * c.height) return false;
    const dt = c.r - last.r;
    const slope = c.slope / median(this.slopes);
    const amp = c.amp / median(this.amps);
    const near =
      Math.max(this.o.tWaveWindow, this.o.tWaveRrRatio * Math.sqrt(this.rrMean / this.fs)) * this.fs;
    if (dt < near && slope < this.o.tWaveSlopeRatio && amp < this.o.tWaveAmpRatio) return true;
    const far = this.o.tWaveFarRatio;
    return dt < this.o.tWaveFarWindow * this.fs && slope < far && amp < far;
  }

  /** Shortly before a much larger candidate (its P wave, or noise before it). */
  private isPWave(c: Candidate, ahead: Candidate[]): boolean {
    const k = this.o.pWaveRatio;
    for (const q of ahead) {
      if (q.r - c.r > this.pWindow) break;
      if (q.r > c.r && c.amp < k * q.amp && c.slope < k * q.slope) return true;
    }
    return false;
  }

  /** Between two beats that are about one RR apart, and much smaller than both. */
  private isInterposed(c: Candidate, last: Candidate | undefined, ahead: Candidate[]): boolean {
    if (!last) return false;
    const thr = this.threshold();
    const next = ahead.find((q) => q.r - c.r >= this.refractory && q.amp > thr);
    if (!next) return false;
    return (
      next.r - last.r < this.o.interposedRr * this.rrMean &&
      c.amp < this.o.interposedAmp * Math.min(last.amp, next.amp)
    );
  }

  private noise(c: Candidate): void {
    this.npk = 0.125 * c.amp + 0.875 * this.npk;
    this.pool.push(c);
    if (this.pool.length > 256) this.pool.shift();
  }

  private accept(c: Candidate, weight: number, out: number[]): void {
    if (this.last) {
      this.rr.push(c.r - this.last.r);
      if (this.rr.length > 8) this.rr.shift();
      this.rrMean = this.rr.reduce((s, x) => s + x, 0) / this.rr.length;
    }
    this.slopes.push(c.slope);
    this.amps.push(c.amp);
    this.ratios.push(ratio(c));
    if (this.slopes.length > 8) {
      this.slopes.shift();
      this.amps.shift();
      this.ratios.shift();
    }
    this.spk = weight * c.amp + (1 - weight) * this.spk;
    this.last = c;
    this.pool = this.pool.filter((p) => p.r > c.r);
    out.push(c.r);
  }

  /**
   * Before a beat at `now`, while the gap since the last beat exceeds searchBackRatio * mean RR, accepts
   * the largest rejected candidate of the gap above the lowered threshold that is not a T wave.
   */
  private searchBack(now: number, out: number[]): void {
    while (this.last && now - this.last.r > this.o.searchBackRatio * this.rrMean) {
      const last = this.last;
      const thr = this.o.searchBackThreshold * this.threshold();
      let best: Candidate | undefined;
      for (const p of this.pool) {
        if (p.r - last.r < this.refractory || now - p.r < this.refractory) continue;
        const gap = (p.r - last.r) / this.rrMean;
        if (gap < this.o.searchBackRange[0] || gap > this.o.searchBackRange[1]) continue;
        if (p.amp > thr && (!best || p.amp > best.amp) && !this.isTWave(p, last) && !this.isNoiseOnly(p))
          best = p;
      }
      if (!best) return;
      this.trace?.(best, "searchback");
      this.accept(best, 0.25, out);
    }
  }

  /**
   * No beat for relearnGap seconds: the levels are set again from the candidates of the last learning
   * period (never below relearnFloor of the old signal level) and the candidates of the gap are decided again.
   */
  private relearn(now: number, ahead: Candidate[], out: number[]): void {
    if (this.relearning) return;
    const since = Math.max(this.last ? this.last.r : -Infinity, this.lastRelearn);
    if (!(now - since > Math.max(this.relearnGap, 2 * this.rrMean))) return;
    this.lastRelearn = now;
    const recent = this.pool.filter((p) => p.r > now - this.learn);
    const oldSpk = this.spk;
    this.setLevels(recent);
    this.spk = Math.max(this.spk, this.o.relearnFloor * oldSpk);
    const gap = this.pool.filter((p) => !this.last || p.r > this.last.r);
    this.pool = this.pool.filter((p) => this.last && p.r <= this.last.r);
    this.relearning = true;
    for (let i = 0; i < gap.length; i++) this.decide(gap[i], [...gap.slice(i + 1), ...ahead], out);
    this.relearning = false;
  }
}

/** How far a candidate's envelope peak stands above the envelope's running level. */
function ratio(c: Candidate): number {
  return c.level > 0 ? (c.amp + c.floor) / c.level : Infinity;
}
