// The QRS veto (docs/RESULTS.md, inter-patient search 28): a ventricular beat's QRS is unlike the patient's usual
// one (it does not travel the normal conduction pathway), so where a beat's qrsMatch (src/beats/qrs-match.ts: its
// QRS against the record's median beat) is at least `above`, the listed classes (V, F) get probability 0 and the
// row is renormalised; a beat the net gives to those classes alone keeps its row (nothing else to choose).
// Chosen on DS1 folds only; applied after the morph smoothing and the rhythm guard.

export interface QrsVeto {
  /** The classes ruled out on a beat shaped like the patient's usual one (e.g. ["V", "F"]). */
  classes: string[];
  /** qrsMatch at or above which they are ruled out (-1 .. 1). */
  above: number;
}

/** Why `v` is not a qrsVeto of a model with these classes, or undefined when it is one. */
export function qrsVetoError(v: unknown, classes: readonly string[]): string | undefined {
  if (typeof v !== "object" || v === null) return "must be {classes, above}";
  const { classes: cs, above } = v as Partial<QrsVeto>;
  if (!Array.isArray(cs) || cs.length === 0 || cs.some((c) => typeof c !== "string" || !classes.includes(c)))
    return `classes must be a non-empty list of the model's classes ${classes.join(", ")}`;
  if (cs.length >= classes.length) return "classes must leave at least one class";
  if (!(typeof above === "number" && above >= -1 && above <= 1)) return "above must be a number in [-1, 1]";
  return undefined;
}

/** Probabilities (n x classes) after the veto, from each beat's qrsMatch; `probs` itself without a veto. */
export function vetoProbs(
  probs: Float32Array,
  classes: readonly string[],
  qrs: Float32Array | undefined,
  veto: QrsVeto | undefined,
): Float32Array {
  if (!veto) return probs;
  const k = classes.length;
  const n = probs.length / k;
  if (qrs?.length !== n) throw new Error(`internal: the QRS veto needs the qrsMatch of the ${n} beats`);
  const out = new Float32Array(probs);
  const off = classes.map((c) => veto.classes.includes(c));
  for (let i = 0; i < n; i++) {
    if (!(qrs[i] >= veto.above)) continue;
    const row = probs.subarray(i * k, (i + 1) * k);
    const sum = row.reduce((s, p, j) => s + (off[j] ? 0 : p), 0);
    if (sum > 0) for (let j = 0; j < k; j++) out[i * k + j] = off[j] ? 0 : row[j] / sum;
  }
  return out;
}
