// The rhythm guard: a premature atrial beat (class S) is recognised by its prematurity, which an irregular
// rhythm (atrial fibrillation, flutter with variable conduction) takes away: there every short interval looks
// premature. So on beats whose rhythmIrregularity (src/beats/rr.ts: the median successive RR change over
// ~64 beats) reaches `threshold`, the guarded class gets probability 0; elsewhere its probability is
// multiplied by exp(logOffset) (a prior shift). Probabilities are renormalised, so the label stays their
// argmax. Chosen on DS1 folds only (docs/RESULTS.md, inter-patient search 6). With `atrialBelow` (searches 26,
// 27) the irregular rhythm must also lack a consistent P wave (src/beats/atrial.ts: atrialConsistency over
// `atrialLags` lags below it), as atrial fibrillation does and sinus rhythm made irregular by atrial premature
// beats does not; with `qrsBelow` (search 27) a beat whose QRS is unlike the patient's usual one
// (src/beats/qrs-match.ts: qrsMatch below it; an S beat is conducted normally, a V beat is not) in an irregular
// rhythm is ruled out too: irregular AND (no consistent P wave OR an unusual QRS). With `entropyAbove`
// (search 30) S is also ruled out wherever the RR intervals' coefficient of sample entropy (src/beats/rr.ts
// rhythmEntropy: an atrial fibrillation detector that bigeminy, runs of ectopic beats and pauses do not trip the way
// they trip the irregularity) reaches it: entropy high OR (irregular AND (no consistent P wave OR an unusual QRS)).
// With `giveTo` (search 31) the ruled-out probability goes to that class (N: a supraventricular beat conducted
// normally) where the evidence is atrial fibrillation's (the entropy, or an irregular rhythm without a consistent P
// wave) instead of being spread over all the others, which made a beat the net called S 0.97 / V 0.03 a V beat.
// A beat ruled out only by its unusual QRS is still renormalised (there V is the likelier truth: bigeminy).
// With `atrialEntropyAbove` (search 39) the P-wave condition counts only where rhythmEntropy reaches it as well:
// atrial fibrillation's irregularity is random (high entropy); a sinus rhythm made irregular by ectopic runs and
// pauses repeats its intervals and may still show small, noisy P waves that correlate poorly.
import { RR_DIM, RR_FEATURES } from "../beats/index.js";
import type { BeatMatches } from "./beat-matches.js";

export interface RhythmGuard {
  /** The class an irregular rhythm rules out (e.g. "S"). */
  suppress: string;
  /** rhythmIrregularity at or above which it is ruled out. */
  threshold: number;
  /** Added to its log-probability on the other beats (0: unchanged). */
  logOffset: number;
  /** If set (or qrsBelow): ruled out only where atrialConsistency is below this (or qrsMatch below qrsBelow). */
  atrialBelow?: number;
  /** The lags atrialConsistency looks at (default 1). */
  atrialLags?: number;
  /** If set (or atrialBelow): ruled out only where qrsMatch is below this (or atrialConsistency below atrialBelow). */
  qrsBelow?: number;
  /** If set: also ruled out wherever rhythmEntropy is at least this (atrial fibrillation), whatever the rest. */
  entropyAbove?: number;
  /** If set: the atrialBelow condition counts only where rhythmEntropy is at least this too. */
  atrialEntropyAbove?: number;
  /** If set: where the guarded class is ruled out by atrial-fibrillation evidence (entropy, or no consistent P
   * wave; for a guard without atrialBelow and qrsBelow, the irregularity), its probability goes to this class
   * instead of being spread over the others by renormalising. */
  giveTo?: string;
}

const IRREGULARITY = RR_FEATURES.indexOf("rhythmIrregularity");
const ENTROPY = RR_FEATURES.indexOf("rhythmEntropy");
const MAX_LAGS = 8;

const unitRange = (v: unknown) => typeof v === "number" && v >= -1 && v <= 1;
const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);

/** Why `g` is not a rhythm guard of a model with these classes, or undefined when it is one. */
export function rhythmGuardError(g: unknown, classes: readonly string[]): string | undefined {
  if (typeof g !== "object" || g === null) return "must be {suppress, threshold, logOffset}";
  const { suppress, threshold, logOffset, atrialBelow, atrialLags, qrsBelow, entropyAbove } =
    g as Partial<RhythmGuard>;
  if (typeof suppress !== "string" || !classes.includes(suppress))
    return `suppress must be one of the classes ${classes.join(", ")}`;
  if (typeof threshold !== "number" || !(threshold >= 0)) return "threshold must be a number >= 0";
  if (typeof logOffset !== "number" || !Number.isFinite(logOffset))
    return "logOffset must be a finite number";
  if (atrialBelow !== undefined && !unitRange(atrialBelow)) return "atrialBelow must be a number in [-1, 1]";
  if (
    atrialLags !== undefined &&
    !(Number.isInteger(atrialLags) && atrialLags >= 1 && atrialLags <= MAX_LAGS)
  )
    return `atrialLags must be an integer 1..${MAX_LAGS}`;
  if (qrsBelow !== undefined && !unitRange(qrsBelow)) return "qrsBelow must be a number in [-1, 1]";
  if (entropyAbove !== undefined && !finite(entropyAbove)) return "entropyAbove must be a finite number";
  const { giveTo, atrialEntropyAbove } = g as Partial<RhythmGuard>;
  if (atrialEntropyAbove !== undefined && !(finite(atrialEntropyAbove) && atrialBelow !== undefined))
    return "atrialEntropyAbove must be a finite number, with atrialBelow";
  if (
    giveTo !== undefined &&
    !(typeof giveTo === "string" && classes.includes(giveTo) && giveTo !== suppress)
  )
    return `giveTo must be one of the classes ${classes.filter((c) => c !== suppress).join(", ")}`;
  return undefined;
}

/** Whether a guard reads the beats' windows (atrialBelow or qrsBelow). */
export const guardReadsWindows = (g: RhythmGuard | undefined): boolean =>
  g?.atrialBelow !== undefined || g?.qrsBelow !== undefined;

/**
 * Probabilities (n x classes, row-major) after the guard, from the beats' full RR feature rows (n x RR_DIM)
 * and, for a guard with atrialBelow or qrsBelow, their BeatMatches; `probs` itself when there is no guard.
 */
export function guardProbs(
  probs: Float32Array,
  classes: readonly string[],
  rr: Float32Array,
  guard: RhythmGuard | undefined,
  inputs?: BeatMatches,
): Float32Array {
  return applyGuard(probs, classes, rr, guard, inputs).probs;
}

/** guardProbs, the beats on which the guard ruled its class out and those of them ruled out on atrial-fibrillation
 * evidence (both undefined without a guard). */
export function applyGuard(
  probs: Float32Array,
  classes: readonly string[],
  rr: Float32Array,
  guard: RhythmGuard | undefined,
  inputs: BeatMatches = {},
): { probs: Float32Array; ruledOut?: Uint8Array; afEvidence?: Uint8Array } {
  if (!guard) return { probs };
  const k = classes.length;
  const n = probs.length / k;
  if (rr.length !== n * RR_DIM) throw new Error(`rhythm guard: ${rr.length / RR_DIM} RR rows for ${n} beats`);
  if (guard.atrialBelow !== undefined && inputs.atrial?.length !== n)
    throw new Error(`internal: the rhythm guard needs the atrialConsistency of the ${n} beats`);
  if (guard.qrsBelow !== undefined && inputs.qrs?.length !== n)
    throw new Error(`internal: the rhythm guard needs the qrsMatch of the ${n} beats`);
  const c = classes.indexOf(guard.suppress);
  const to = guard.giveTo === undefined ? -1 : classes.indexOf(guard.giveTo);
  const boost = Math.exp(guard.logOffset);
  const why = ruledOut(rr, guard, inputs);
  const out = new Float32Array(probs.length);
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * k, (i + 1) * k);
    const give = to >= 0 && why[i] === AF_EVIDENCE;
    const w = why[i] ? 0 : boost;
    const sum = row.reduce((s, p, j) => s + (j === c ? p * (give ? 1 : w) : p), 0);
    // A beat the net gives to the guarded class alone: left as it is (nothing else to choose), unless given.
    if (!(sum > 0)) out.set(row, i * k);
    else
      for (let j = 0; j < k; j++)
        out[i * k + j] = (j === c ? row[j] * w : row[j] + (give && j === to ? row[c] : 0)) / sum;
  }
  return {
    probs: out,
    ruledOut: why.map((v) => (v ? 1 : 0)),
    afEvidence: why.map((v) => (v === AF_EVIDENCE ? 1 : 0)),
  };
}

/** Why the guard rules its class out on a beat: not (0), atrial-fibrillation evidence, or only an unusual QRS. */
const AF_EVIDENCE = 1;
const ODD_QRS = 2;

/** For the beats (full RR feature rows, n x RR_DIM): why the guard rules its class out (0: it does not). */
function ruledOut(rr: Float32Array, guard: RhythmGuard, inputs: BeatMatches): Uint8Array {
  const { threshold, atrialBelow, qrsBelow, entropyAbove, atrialEntropyAbove } = guard;
  const anyCondition = atrialBelow !== undefined || qrsBelow !== undefined;
  return Uint8Array.from({ length: rr.length / RR_DIM }, (_, i) => {
    const entropy = rr[i * RR_DIM + ENTROPY];
    if (entropyAbove !== undefined && entropy >= entropyAbove) return AF_EVIDENCE;
    if (rr[i * RR_DIM + IRREGULARITY] < threshold) return 0;
    if (!anyCondition) return AF_EVIDENCE;
    const atrialCounts = atrialEntropyAbove === undefined || entropy >= atrialEntropyAbove;
    if (atrialBelow !== undefined && atrialCounts && (inputs.atrial?.[i] ?? 1) < atrialBelow)
      return AF_EVIDENCE;
    return qrsBelow !== undefined && (inputs.qrs?.[i] ?? 1) < qrsBelow ? ODD_QRS : 0;
  });
}
