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

/**
 * How the net sees a beat: as cut ("none"), minus its record's template ("residual"), or both as two
 * channels ("pair": [beat, beat - template]).
 */
export type MorphInput = "none" | "residual" | "pair";

/** Waveform channels of the net input under a morph mode. */
export const morphChannels = (m: MorphInput): number => (m === "pair" ? 2 : 1);

/** Net input of n windows (n x len), row after row: n x morphChannels(mode) x len. */
export function morphInput(
  x: Float32Array,
  len: number,
  templateOf: (row: number) => Float32Array,
  mode: MorphInput,
): Float32Array {
  if (mode === "none") return x;
  const c = morphChannels(mode);
  const n = x.length / len;
  const out = new Float32Array(n * c * len);
  for (let b = 0; b < n; b++) {
    const t = templateOf(b);
    const o = b * c * len;
    if (c === 2) out.set(x.subarray(b * len, (b + 1) * len), o);
    for (let k = 0; k < len; k++) out[o + (c - 1) * len + k] = x[b * len + k] - t[k];
  }
  return out;
}
