// What a model decides from its net's probabilities: model.json's morph smoothing (morph-smoothing.ts), then
// its rhythm guard (rhythm-guard.ts); each only when the model has it.
import { windowLength, type WindowSpec } from "../beats/index.js";
import { qrsShapes, smoothProbs, type MorphSmoothing } from "./morph-smoothing.js";
import { applyGuard, type RhythmGuard } from "./rhythm-guard.js";
import { argmaxRows } from "./batches.js";

/** What of model.json the decision depends on. */
export interface DecisionSpec {
  classes: readonly string[];
  window: WindowSpec;
  morphSmoothing?: MorphSmoothing;
  rhythmGuard?: RhythmGuard;
}

/** The beats the net saw: their RR feature rows (n x RR_DIM), z-normalised windows (n x len), records. */
export interface DecisionInputs {
  rr: Float32Array;
  /** Needed by a model with morphSmoothing. */
  windows?: Float32Array;
  /** Each beat's record (absent: all one record, in time order). */
  record?: readonly string[];
}

export interface Decision {
  /** n x classes */
  probs: Float32Array;
  /** With a rhythm guard: 1 for the beats it ruled its class out on. */
  ruledOut?: Uint8Array;
  /** With morph smoothing: for each beat whose class the smoothing changed, the class the model gives it
   * without the smoothing (the net's, after the guard), else -1. */
  smoothedFrom?: Int32Array;
}

/** The model's probabilities (n x classes), the beats its guard ruled out and those its smoothing relabelled. */
export function decideProbs(spec: DecisionSpec, net: Float32Array, beats: DecisionInputs): Decision {
  const s = spec.morphSmoothing;
  if (!s) return applyGuard(net, spec.classes, beats.rr, spec.rhythmGuard);
  if (!beats.windows) throw new Error("internal: morph smoothing needs the beats' windows");
  const shapes = qrsShapes(beats.windows, windowLength(spec.window), spec.window.before);
  return guardSmoothed(spec, net, smoothProbs(net, spec.classes, shapes, s, beats.record), beats.rr);
}

/** The guard on smoothed probabilities, with the beats whose class differs from the guarded net's (`net`). */
export function guardSmoothed(
  spec: DecisionSpec,
  net: Float32Array,
  smoothed: Float32Array,
  rr: Float32Array,
): Decision {
  const k = spec.classes.length;
  const decided = applyGuard(smoothed, spec.classes, rr, spec.rhythmGuard);
  const without = argmaxRows(applyGuard(net, spec.classes, rr, spec.rhythmGuard).probs, k);
  const after = argmaxRows(decided.probs, k);
  return { ...decided, smoothedFrom: without.map((c, i) => (c === after[i] ? -1 : c)) };
}
