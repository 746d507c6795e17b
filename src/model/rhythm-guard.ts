// The rhythm guard: a premature atrial beat (class S) is recognised by its prematurity, which an irregular
// rhythm (atrial fibrillation, flutter with variable conduction) takes away: there every short interval looks
// premature. So on beats whose rhythmIrregularity (src/beats/rr.ts: the median successive RR change over
// ~64 beats) reaches `threshold`, the guarded class gets probability 0; elsewhere its probability is
// multiplied by exp(logOffset) (a prior shift). Probabilities are renormalised, so the label stays their
// argmax. Chosen on DS1 folds only (docs/RESULTS.md, inter-patient search 6). With `atrialBelow` (search 26) the
// rhythm must also lack a consistent P wave (src/beats/atrial.ts: atrialConsistency below it), as atrial
// fibrillation does and sinus rhythm made irregular by atrial premature beats does not.
import { RR_DIM, RR_FEATURES } from "../beats/index.js";

export interface RhythmGuard {
  /** The class an irregular rhythm rules out (e.g. "S"). */
  suppress: string;
  /** rhythmIrregularity at or above which it is ruled out. */
  threshold: number;
  /** Added to its log-probability on the other beats (0: unchanged). */
  logOffset: number;
  /** If set: ruled out only where atrialConsistency (src/beats/atrial.ts) is also below this. */
  atrialBelow?: number;
}

const IRREGULARITY = RR_FEATURES.indexOf("rhythmIrregularity");

/** Why `g` is not a rhythm guard of a model with these classes, or undefined when it is one. */
export function rhythmGuardError(g: unknown, classes: readonly string[]): string | undefined {
  if (typeof g !== "object" || g === null) return "must be {suppress, threshold, logOffset}";
  const { suppress, threshold, logOffset, atrialBelow } = g as Partial<RhythmGuard>;
  if (typeof suppress !== "string" || !classes.includes(suppress))
    return `suppress must be one of the classes ${classes.join(", ")}`;
  if (typeof threshold !== "number" || !(threshold >= 0)) return "threshold must be a number >= 0";
  if (typeof logOffset !== "number" || !Number.isFinite(logOffset))
    return "logOffset must be a finite number";
  if (
    atrialBelow !== undefined &&
    !(typeof atrialBelow === "number" && atrialBelow >= -1 && atrialBelow <= 1)
  )
    return "atrialBelow must be a number in [-1, 1]";
  return undefined;
}

/**
 * Probabilities (n x classes, row-major) after the guard, from the beats' full RR feature rows (n x RR_DIM)
 * and, for a guard with atrialBelow, their atrialConsistency; `probs` itself when there is no guard.
 */
export function guardProbs(
  probs: Float32Array,
  classes: readonly string[],
  rr: Float32Array,
  guard: RhythmGuard | undefined,
  atrial?: Float32Array,
): Float32Array {
  return applyGuard(probs, classes, rr, guard, atrial).probs;
}

/** guardProbs, and the beats on which the guard ruled its class out (undefined without a guard). */
export function applyGuard(
  probs: Float32Array,
  classes: readonly string[],
  rr: Float32Array,
  guard: RhythmGuard | undefined,
  atrial?: Float32Array,
): { probs: Float32Array; ruledOut?: Uint8Array } {
  if (!guard) return { probs };
  const k = classes.length;
  const n = probs.length / k;
  if (rr.length !== n * RR_DIM) throw new Error(`rhythm guard: ${rr.length / RR_DIM} RR rows for ${n} beats`);
  if (guard.atrialBelow !== undefined && atrial?.length !== n)
    throw new Error(`internal: the rhythm guard needs the atrialConsistency of the ${n} beats`);
  const c = classes.indexOf(guard.suppress);
  const boost = Math.exp(guard.logOffset);
  const off = ruledOut(rr, guard, atrial);
  const out = new Float32Array(probs.length);
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * k, (i + 1) * k);
    const w = off[i] ? 0 : boost;
    const sum = row.reduce((s, p, j) => s + (j === c ? p * w : p), 0);
    // A beat the net gives to the guarded class alone: left as it is (nothing else to choose).
    if (!(sum > 0)) out.set(row, i * k);
    else for (let j = 0; j < k; j++) out[i * k + j] = (j === c ? row[j] * w : row[j]) / sum;
  }
  return { probs: out, ruledOut: off };
}

/** 1 for the beats (full RR feature rows, n x RR_DIM) on which the guard rules its class out. */
function ruledOut(rr: Float32Array, guard: RhythmGuard, atrial?: Float32Array): Uint8Array {
  const { threshold, atrialBelow } = guard;
  return Uint8Array.from({ length: rr.length / RR_DIM }, (_, i) =>
    rr[i * RR_DIM + IRREGULARITY] >= threshold &&
    (atrialBelow === undefined || (atrial?.[i] ?? 1) < atrialBelow)
      ? 1
      : 0,
  );
}
