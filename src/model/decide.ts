// What a model decides from its net's probabilities: model.json's morph smoothing (morph-smoothing.ts), then
// its rhythm guard (rhythm-guard.ts); each only when the model has it.
import { atrialConsistency, windowLength, type WindowSpec } from "../beats/index.js";
import { qrsShapes, smoothProbs, type MorphSmoothing } from "./morph-smoothing.js";
import { applyGuard, type RhythmGuard } from "./rhythm-guard.js";
import { argmaxRows } from "./batches.js";

/** What of model.json the decision depends on. */
export interface DecisionSpec {
  classes: readonly string[];
  window: WindowSpec;
  /** The windows' rate (default 360 Hz, the beat datasets'). */
  fs?: number;
  morphSmoothing?: MorphSmoothing;
  rhythmGuard?: RhythmGuard;
}

/** The beats the net saw: their RR feature rows (n x RR_DIM), z-normalised windows (n x len), records. */
export interface DecisionInputs {
  rr: Float32Array;
  /** Needed by a model with morphSmoothing or a rhythm guard with atrialBelow (each record's beats in time order). */
  windows?: Float32Array;
  /** Each beat's record (absent: all one record, in time order). */
  record?: readonly string[];
  /** The beats' atrialConsistency when known (a causal stream's); else computed from the windows if needed. */
  atrial?: Float32Array;
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
  const atrial = atrialOf(spec, beats);
  if (!s) return applyGuard(net, spec.classes, beats.rr, spec.rhythmGuard, atrial);
  if (!beats.windows) throw new Error("internal: morph smoothing needs the beats' windows");
  const shapes = qrsShapes(beats.windows, windowLength(spec.window), spec.window.before);
  const smoothed = smoothProbs(net, spec.classes, shapes, s, beats.record);
  return guardSmoothed(spec, net, smoothed, beats.rr, atrial);
}

/** The beats' atrialConsistency if the model's rhythm guard reads it (given, or from their windows). */
export function atrialOf(spec: DecisionSpec, beats: DecisionInputs): Float32Array | undefined {
  if (spec.rhythmGuard?.atrialBelow === undefined) return undefined;
  if (beats.atrial) return beats.atrial;
  if (!beats.windows) throw new Error("internal: the rhythm guard's atrialBelow needs the beats' windows");
  const { before } = spec.window;
  return atrialConsistency(beats.windows, windowLength(spec.window), before, spec.fs ?? 360, beats.record);
}

/** The guard on smoothed probabilities, with the beats whose class differs from the guarded net's (`net`). */
export function guardSmoothed(
  spec: DecisionSpec,
  net: Float32Array,
  smoothed: Float32Array,
  rr: Float32Array,
  atrial?: Float32Array,
): Decision {
  const k = spec.classes.length;
  const decided = applyGuard(smoothed, spec.classes, rr, spec.rhythmGuard, atrial);
  const without = argmaxRows(applyGuard(net, spec.classes, rr, spec.rhythmGuard, atrial).probs, k);
  const after = argmaxRows(decided.probs, k);
  return { ...decided, smoothedFrom: without.map((c, i) => (c === after[i] ? -1 : c)) };
}
