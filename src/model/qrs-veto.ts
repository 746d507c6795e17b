// The QRS veto (docs/RESULTS.md, inter-patient search 28): a ventricular beat's QRS is unlike the patient's usual
// one (it does not travel the normal conduction pathway), so where a beat's qrsMatch (src/beats/qrs-match.ts: its
// QRS against the record's median beat) is at least `above`, the listed classes (V, F) get probability 0 and the
// row is renormalised; a beat the net gives to those classes alone keeps its row (nothing else to choose).
// With `pClasses` (search 29): an atrial premature beat's P wave is unlike the patient's sinus one, so where the
// QRS matches AND the P wave does too (pMatch >= pAbove against the median of the record's beats the model calls N
// before this rule: the whole beat is the patient's usual one), these classes (S) are then ruled out the same way;
// a record with fewer than 20 beats called N has no such template (pMatch NaN) and no P rule. Chosen on DS1 folds only; applied after the morph smoothing and the guard.
// With `afAbove` (search 34): on the beats the rhythm guard rules S out on atrial-fibrillation evidence, the QRS
// counts as the usual one from this lower qrsMatch (f and F waves riding on the QRS lower its match; a ventricular
// beat's stays far lower).
// With `unusual` (searches 51-52): a supraventricular beat is normally conducted, its QRS the usual one, so a beat
// still called one of `from` (S) after all that, whose qrsMatch is below `below`, gives their probability to `to`
// (V); beats read against a second template (second-template.ts; their qrsMatch is against the median beat) are
// left alone.

import { argmaxRows } from "./batches.js";

/** The class whose beats make the P rule's template (the patient's usual, sinus beats). */
export const USUAL_CLASS = "N";

export interface QrsVeto {
  /** The classes ruled out on a beat shaped like the patient's usual one (e.g. ["V", "F"]). */
  classes: string[];
  /** qrsMatch at or above which they are ruled out (-1 .. 1). */
  above: number;
  /** Also ruled out where, besides the QRS, the P wave matches the usual one (e.g. ["S"]); with pAbove. */
  pClasses?: string[];
  /** pMatch at or above which pClasses are ruled out (-1 .. 1). */
  pAbove?: number;
  /** qrsMatch from which the QRS counts as the usual one on beats flagged as atrial fibrillation (<= above). */
  afAbove?: number;
  /** A beat called one of `from` whose qrsMatch is below `below` gives their probability to `to`. */
  unusual?: UnusualQrs;
}

export interface UnusualQrs {
  from: string[];
  to: string;
  /** -1 .. 1 */
  below: number;
}

const inUnitRange = (v: unknown) => typeof v === "number" && v >= -1 && v <= 1;

function classListError(cs: unknown, classes: readonly string[], name: string): string | undefined {
  if (!Array.isArray(cs) || cs.length === 0 || cs.some((c) => typeof c !== "string" || !classes.includes(c)))
    return `${name} must be a non-empty list of the model's classes ${classes.join(", ")}`;
  if (cs.length >= classes.length) return `${name} must leave at least one class`;
  return undefined;
}

/** Why `v` is not a qrsVeto of a model with these classes, or undefined when it is one. */
export function qrsVetoError(v: unknown, classes: readonly string[]): string | undefined {
  if (typeof v !== "object" || v === null) return "must be {classes, above}";
  const { classes: cs, above, pClasses, pAbove, afAbove, unusual } = v as Partial<QrsVeto>;
  const why = classListError(cs, classes, "classes");
  if (why) return why;
  if (!inUnitRange(above)) return "above must be a number in [-1, 1]";
  if (afAbove !== undefined && !(inUnitRange(afAbove) && afAbove <= above!))
    return "afAbove must be a number in [-1, above]";
  const uWhy = unusual === undefined ? undefined : unusualError(unusual, classes);
  if (uWhy) return `unusual: ${uWhy}`;
  if (pClasses === undefined && pAbove === undefined) return undefined;
  if (!inUnitRange(pAbove)) return "pAbove must be a number in [-1, 1] (with pClasses)";
  if (!classes.includes(USUAL_CLASS)) return `pClasses need a class ${USUAL_CLASS} (the usual beats)`;
  const pWhy = classListError(pClasses, classes, "pClasses");
  if (pWhy) return pWhy;
  if (new Set([...cs!, ...pClasses!]).size >= classes.length)
    return "classes and pClasses must leave a class";
  return undefined;
}

function unusualError(u: unknown, classes: readonly string[]): string | undefined {
  const { from, to, below } = (typeof u === "object" && u !== null ? u : {}) as Partial<UnusualQrs>;
  const why = classListError(from, classes, "from");
  if (why) return why;
  if (typeof to !== "string" || !classes.includes(to) || from!.includes(to))
    return `to must be one of the model's classes ${classes.join(", ")} not in from`;
  if (!inUnitRange(below)) return "below must be a number in [-1, 1]";
  return undefined;
}

/** Row i of `out` (k wide) with the classes of `off` at 0 and renormalised, unless nothing else is left. */
function ruleOut(out: Float32Array, i: number, off: readonly boolean[]): void {
  const k = off.length;
  const row = out.slice(i * k, (i + 1) * k);
  const sum = row.reduce((s, p, j) => s + (off[j] ? 0 : p), 0);
  if (sum > 0) for (let j = 0; j < k; j++) out[i * k + j] = off[j] ? 0 : row[j] / sum;
}

/**
 * Probabilities (n x classes) after the veto, from each beat's qrsMatch (and pMatch, for a veto with pClasses;
 * and, for one with afAbove, the beats the guard flags as atrial fibrillation: `af`; for one with unusual, the
 * beats it leaves alone: `exempt`); `probs` itself without a veto.
 */
export function vetoProbs(
  probs: Float32Array,
  classes: readonly string[],
  qrs: Float32Array | undefined,
  veto: QrsVeto | undefined,
  p?: Float32Array,
  af?: Uint8Array,
  exempt?: Uint8Array,
): Float32Array {
  if (!veto) return probs;
  const k = classes.length;
  const n = probs.length / k;
  if (qrs?.length !== n) throw new Error(`internal: the QRS veto needs the qrsMatch of the ${n} beats`);
  const pOn = hasPRule(veto);
  if (pOn && p?.length !== n) throw new Error(`internal: the P veto needs the pMatch of the ${n} beats`);
  const out = new Float32Array(probs);
  const off = classes.map((c) => veto.classes.includes(c));
  const pOff = classes.map((c) => veto.pClasses?.includes(c) ?? false);
  const afAbove = veto.afAbove ?? veto.above;
  for (let i = 0; i < n; i++) {
    if (!(qrs[i] >= (af?.[i] ? afAbove : veto.above))) continue;
    ruleOut(out, i, off);
    if (pOn && p![i] >= veto.pAbove!) ruleOut(out, i, pOff);
  }
  if (veto.unusual) giveUnusual(out, classes, qrs, veto.unusual, exempt);
  return out;
}

/** The unusual-QRS rule on `out` in place: a beat called one of u.from below u.below gives their mass to u.to. */
function giveUnusual(
  out: Float32Array,
  classes: readonly string[],
  qrs: Float32Array,
  u: UnusualQrs,
  exempt?: Uint8Array,
): void {
  const k = classes.length;
  const from = classes.map((c) => u.from.includes(c));
  const to = classes.indexOf(u.to);
  argmaxRows(out, k).forEach((c, i) => {
    if (!from[c] || !(qrs[i] < u.below) || exempt?.[i]) return;
    for (let j = 0; j < k; j++)
      if (from[j]) {
        out[i * k + to] += out[i * k + j];
        out[i * k + j] = 0;
      }
  });
}

/** What a veto reads from the beats' windows beside its P rule's pMatch (beat-matches.ts computes it). */
export const vetoNeeds = (veto: QrsVeto | undefined): { qrs: boolean } => ({ qrs: veto !== undefined });

/** Whether a veto has the P rule (pClasses with pAbove). */
export const hasPRule = (veto: QrsVeto | undefined): boolean =>
  veto?.pClasses !== undefined && veto.pAbove !== undefined;
