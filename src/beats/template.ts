/**
 * The patient's own reference beat: the per-sample median of the z-normalised windows of all beats of a
 * record (labels unused: every beat annotation or detected beat counts, as at inference). In every record of
 * mitdb the dominant beat is the patient's usual one, so a beat minus this template shows how it differs
 * from the patient's usual beat, whatever the patient's normal morphology (including bundle branch block).
 */
export function medianTemplate(x: Float32Array, len: number, maxBeats = 1000): Float32Array {
  const n = Math.floor(x.length / len);
  const out = new Float32Array(len);
  if (n === 0) return out;
  // At most maxBeats beats, evenly spread over the record (median cost bounded for long records).
  const step = Math.max(1, n / maxBeats);
  const rows: number[] = [];
  for (let r = 0; r < n && rows.length < maxBeats; r = Math.floor(rows.length * step)) rows.push(r);
  const col = new Float32Array(rows.length);
  for (let k = 0; k < len; k++) {
    rows.forEach((r, i) => (col[i] = x[r * len + k]));
    col.sort();
    const m = col.length >> 1;
    out[k] = col.length % 2 ? col[m] : 0.5 * (col[m - 1] + col[m]);
  }
  return out;
}

/** How the net sees a beat: as cut ("none") or minus its record's template ("residual"). */
export type MorphInput = "none" | "residual";

/** Net input of n windows (n x len): the windows themselves, or each minus its beat's template. */
export function morphInput(
  x: Float32Array,
  len: number,
  templateOf: (row: number) => Float32Array,
  mode: MorphInput,
): Float32Array {
  if (mode === "none") return x;
  const out = new Float32Array(x.length);
  for (let b = 0; b < x.length / len; b++) {
    const t = templateOf(b);
    for (let k = 0; k < len; k++) out[b * len + k] = x[b * len + k] - t[k];
  }
  return out;
}
