// What a model decides from its net's probabilities: model.json's morph smoothing (morph-smoothing.ts), then
// its rhythm guard (rhythm-guard.ts), then its QRS veto (qrs-veto.ts); each only when the model has it.
import { P_MATCH_MIN_USUAL, pMatch, windowLength, type WindowSpec } from "../beats/index.js";
import { qrsShapes, smoothProbs, type MorphSmoothing } from "./morph-smoothing.js";
import { applyGuard, guardReadsWindows, type RhythmGuard } from "./rhythm-guard.js";
import { beatMatches, type BeatMatches } from "./beat-matches.js";
import { USUAL_CLASS, hasPRule, vetoNeeds, vetoProbs, type QrsVeto } from "./qrs-veto.js";
import { argmaxRows } from "./batches.js";

/** What of model.json the decision depends on. */
export interface DecisionSpec {
  classes: readonly string[];
  window: WindowSpec;
  /** The windows' rate (default 360 Hz, the beat datasets'). */
  fs?: number;
  morphSmoothing?: MorphSmoothing;
  rhythmGuard?: RhythmGuard;
  qrsVeto?: QrsVeto;
}

/** The beats the net saw: their RR feature rows (n x RR_DIM), z-normalised windows (n x len), records. */
export interface DecisionInputs {
  rr: Float32Array;
  /** Needed by a model with morphSmoothing or a guard that reads windows (each record's beats in time order). */
  windows?: Float32Array;
  /** Each beat's record (absent: all one record, in time order). */
  record?: readonly string[];
  /** The beats' matches when known (a causal stream's); else computed from the windows if guard or veto needs them. */
  matches?: BeatMatches;
  /** The P rule's pMatch given the beats called N (a causal stream's); else from the windows, each whole record. */
  pMatchOf?: PMatchOf;
  /** 1 for the beats the net read against a second template (the veto's unusual-QRS rule leaves them alone). */
  secondTemplate?: Uint8Array;
}

/** pMatch of the beats against the median of those marked usual (called N before the P rule). */
export type PMatchOf = (usual: Uint8Array) => Float32Array;

export interface Decision {
  /** n x classes */
  probs: Float32Array;
  /** With a rhythm guard: 1 for the beats it ruled its class out on. */
  ruledOut?: Uint8Array;
  /** With a rhythm guard: 1 for those of them ruled out on atrial-fibrillation evidence (the veto's afAbove). */
  afEvidence?: Uint8Array;
  /** With morph smoothing: for each beat whose class the smoothing changed, the class the model gives it
   * without the smoothing (the net's, after the guard), else -1. */
  smoothedFrom?: Int32Array;
  /** With a QRS veto: for each beat whose class the veto changed, the class it had before, else -1. */
  vetoedFrom?: Int32Array;
  /** What the guard and the veto read from the beats' windows (qrsMatch, pMatch, atrialConsistency), if any. */
  matches?: BeatMatches;
}

/** The model's probabilities (n x classes), the beats its guard ruled out and those its smoothing relabelled. */
export function decideProbs(spec: DecisionSpec, net: Float32Array, beats: DecisionInputs): Decision {
  const s = spec.morphSmoothing;
  const g = beatMatchesOf(spec, beats);
  const pOf = beats.pMatchOf ?? wholeRecordPMatch(spec, beats);
  const ex = beats.secondTemplate;
  if (!s) return vetoed(spec, applyGuard(net, spec.classes, beats.rr, spec.rhythmGuard, g), g, pOf, ex);
  if (!beats.windows) throw new Error("internal: morph smoothing needs the beats' windows");
  const shapes = qrsShapes(beats.windows, windowLength(spec.window), spec.window.before);
  const smoothed = smoothProbs(net, spec.classes, shapes, s, beats.record);
  return guardSmoothed(spec, net, smoothed, beats.rr, g, pOf, ex);
}

/** The P rule's pMatch over each whole record of the beats' windows. */
const wholeRecordPMatch =
  (spec: DecisionSpec, beats: DecisionInputs): PMatchOf =>
  (usual) => {
    if (!beats.windows) throw new Error("internal: the QRS veto's P rule needs the beats' windows");
    const len = windowLength(spec.window);
    const usualBeats = { usual, min: P_MATCH_MIN_USUAL };
    return pMatch(beats.windows, len, spec.window.before, spec.fs ?? 360, beats.record, usualBeats);
  };

/**
 * A decision after the model's QRS veto (if any), with the beats whose class it changed and what it read. Its P
 * rule's pMatch (`g.p` when known, else `pOf` of the beats called N after the QRS rule) is returned in `matches`.
 */
function vetoed(
  spec: DecisionSpec,
  d: Decision,
  g: BeatMatches,
  pOf?: PMatchOf,
  exempt?: Uint8Array,
): Decision {
  const veto = spec.qrsVeto;
  if (!veto) return Object.keys(g).length ? { ...d, matches: g } : d;
  const k = spec.classes.length;
  let m = g;
  if (hasPRule(veto) && !m.p) {
    if (!pOf) throw new Error("internal: the QRS veto's P rule needs the beats' pMatch");
    const qrsOnly = { classes: veto.classes, above: veto.above, afAbove: veto.afAbove };
    const qrsRule = vetoProbs(d.probs, spec.classes, g.qrs, qrsOnly, undefined, d.afEvidence);
    const n = spec.classes.indexOf(USUAL_CLASS);
    m = { ...g, p: pOf(Uint8Array.from(argmaxRows(qrsRule, k), (c) => (c === n ? 1 : 0))) };
  }
  const probs = vetoProbs(d.probs, spec.classes, m.qrs, veto, m.p, d.afEvidence, exempt);
  const [before, after] = [argmaxRows(d.probs, k), argmaxRows(probs, k)];
  return { ...d, probs, vetoedFrom: before.map((c, i) => (c === after[i] ? -1 : c)), matches: m };
}

/** Whether the model's decision reads the beats' windows beyond the net (guard inputs, QRS veto). */
export const decisionReadsWindows = (spec: DecisionSpec): boolean =>
  guardReadsWindows(spec.rhythmGuard) || spec.qrsVeto !== undefined;

/** What the model's rhythm guard and QRS veto read beside the RR features (given, or from the beats' windows). */
export function beatMatchesOf(spec: DecisionSpec, beats: DecisionInputs): BeatMatches {
  if (!decisionReadsWindows(spec)) return {};
  if (beats.matches) return beats.matches;
  if (!beats.windows) throw new Error("internal: the rhythm guard or QRS veto needs the beats' windows");
  const layout = { len: windowLength(spec.window), before: spec.window.before, fs: spec.fs ?? 360 };
  return beatMatches(spec.rhythmGuard, beats.windows, layout, beats.record, vetoNeeds(spec.qrsVeto));
}

/**
 * The guard and veto on smoothed probabilities, with the beats whose class differs from the guarded net's (`net`);
 * `pOf`: the veto's P rule's pMatch given the beats called N (default: none, for a veto without it); `exempt`:
 * DecisionInputs.secondTemplate.
 */
export function guardSmoothed(
  spec: DecisionSpec,
  net: Float32Array,
  smoothed: Float32Array,
  rr: Float32Array,
  matches?: BeatMatches,
  pOf?: PMatchOf,
  exempt?: Uint8Array,
): Decision {
  const k = spec.classes.length;
  const g = matches ?? {};
  const decided = vetoed(spec, applyGuard(smoothed, spec.classes, rr, spec.rhythmGuard, g), g, pOf, exempt);
  // without the smoothing: the same matches (the P rule's template is that of the beats the model calls N)
  const m = decided.matches ?? g;
  const without = argmaxRows(
    vetoed(spec, applyGuard(net, spec.classes, rr, spec.rhythmGuard, m), m, undefined, exempt).probs,
    k,
  );
  const after = argmaxRows(decided.probs, k);
  return { ...decided, smoothedFrom: without.map((c, i) => (c === after[i] ? -1 : c)) };
}
