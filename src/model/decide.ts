// What a model decides from its net's probabilities: model.json's morph smoothing (morph-smoothing.ts), then
// its rhythm guard (rhythm-guard.ts); each only when the model has it.
import { windowLength, type WindowSpec } from "../beats/index.js";
import { qrsShapes, smoothProbs, type MorphSmoothing } from "./morph-smoothing.js";
import { applyGuard, type RhythmGuard } from "./rhythm-guard.js";

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

/** The model's probabilities (n x classes) and the beats its rhythm guard ruled its class out on. */
export function decideProbs(
  spec: DecisionSpec,
  net: Float32Array,
  beats: DecisionInputs,
): { probs: Float32Array; ruledOut?: Uint8Array } {
  const s = spec.morphSmoothing;
  let probs = net;
  if (s) {
    if (!beats.windows) throw new Error("internal: morph smoothing needs the beats' windows");
    const shapes = qrsShapes(beats.windows, windowLength(spec.window), spec.window.before);
    probs = smoothProbs(net, spec.classes, shapes, s, beats.record);
  }
  return applyGuard(probs, spec.classes, beats.rr, spec.rhythmGuard);
}
