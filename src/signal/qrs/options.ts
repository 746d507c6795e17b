/** Tunable parameters of the QRS detector, in seconds or as ratios, independent of the sampling rate. */
export interface QrsOptions {
  /** Low-pass moving averages (s); two cascaded boxcars, nulls near 50 and 60 Hz. */
  lowPass: [number, number];
  /** Derivative span (s). */
  derivative: number;
  /** Moving-window integration of the squared derivative (s). */
  integration: number;
  /** Candidates closer than this to a larger one are dropped (s). */
  suppression: number;
  /** No beat closer than this to the previous one (s). */
  refractory: number;
  /** Learning period at the start (s): levels are initialised from it. */
  learning: number;
  /** A candidate within this of the previous beat is checked for being a T wave (s). */
  tWaveWindow: number;
  /** ...or within this times sqrt(mean RR in s) (a QT-like bound), whichever is longer (s). */
  tWaveRrRatio: number;
  /** T wave if its slope is below this fraction of the recent beats' median slope... */
  tWaveSlopeRatio: number;
  /** ...and its envelope amplitude below this fraction of the recent beats' median. */
  tWaveAmpRatio: number;
  /** Further out, up to this long after the previous beat (s), a T wave is a candidate below... */
  tWaveFarWindow: number;
  /** ...this fraction of the recent beats' median slope and amplitude. */
  tWaveFarRatio: number;
  /** A T wave is smooth: its slope over its height (both on the low-passed signal) is below this. */
  tWaveSharpness: number;
  /** P wave: a candidate this close before a larger one... (s) */
  pWaveWindow: number;
  /** ...whose amplitude and slope are both above its own divided by this ratio. */
  pWaveRatio: number;
  /**
   * Interposed noise: a candidate whose neighbours (the last beat and the next candidate above threshold,
   * looked for up to `lookahead` s ahead) are closer together than interposedRr * mean RR, and which is
   * smaller than interposedAmp times both of them.
   */
  interposedRr: number;
  interposedAmp: number;
  /** How far ahead candidates are kept before a decision (s): the detector's latency. */
  lookahead: number;
  /** After this long without a beat (s, and at least 2 mean RR), the levels are learned again. */
  relearnGap: number;
  /** Re-learned signal level never below this fraction of the old one. */
  relearnFloor: number;
  /** A candidate's envelope peak must reach this multiple of the envelope floor around it (noise). */
  minProminence: number;
  /** Smooth and weak is noise: slope / height below smoothSharpness and peak / level below smoothLevel. */
  smoothSharpness: number;
  smoothLevel: number;
  /** Window of the envelope's running mean (s). */
  levelWindow: number;
  /**
   * Noise gate: when the recent beats stand less than this above the envelope's running RMS level (the
   * median of their peak / level ratios), candidates that do not stand out more are noise.
   */
  noiseLevelRatio: number;
  /** ...and none of the last 8 beats reached this ratio. */
  noiseMaxRatio: number;
  /** Threshold = noise + thresholdRatio * (signal - noise). */
  thresholdRatio: number;
  /** Search back when no beat for searchBackRatio * mean RR. */
  searchBackRatio: number;
  /** Search-back threshold as a fraction of the normal one. */
  searchBackThreshold: number;
  /** Also search back when a rejected candidate is past the limit (not only before the next beat). */
  searchBackOnNoise: boolean;
  /** A search-back beat lies between these multiples of the mean RR after the last beat. */
  searchBackRange: [number, number];
  /** Window around the feature peak where the R peak is looked for (s before, s after). */
  refine: [number, number];
}

export const DEFAULT_QRS_OPTIONS: QrsOptions = {
  lowPass: [1 / 80, 1 / 60],
  derivative: 0.01,
  integration: 0.1,
  suppression: 0.25,
  refractory: 0.2,
  learning: 2,
  tWaveWindow: 0.36,
  tWaveRrRatio: 0.5,
  tWaveSlopeRatio: 0.4,
  tWaveAmpRatio: 0.5,
  tWaveFarWindow: 0.55,
  tWaveFarRatio: 0.4,
  tWaveSharpness: 0.225,
  pWaveWindow: 0.3,
  pWaveRatio: 0.9,
  interposedRr: 1.2,
  interposedAmp: 0.6,
  lookahead: 1.5,
  relearnGap: 3,
  relearnFloor: 0.3,
  minProminence: 2,
  smoothSharpness: 0.18,
  smoothLevel: 2.2,
  levelWindow: 2,
  noiseLevelRatio: 1.75,
  noiseMaxRatio: 2,
  thresholdRatio: 0.3,
  searchBackRatio: 1.66,
  searchBackThreshold: 0.5,
  searchBackRange: [0.5, 1e9],
  searchBackOnNoise: true,
  refine: [0.12, 0.08],
};
