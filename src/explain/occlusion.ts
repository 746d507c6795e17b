// Occlusion (Zeiler & Fergus 2014): slide a window over the beat, replace the samples under it by
// the baseline (a flat line), and record the drop of the class logit; each sample gets the mean
// drop of the windows covering it divided by the window length (so a window's samples sum to its
// drop). Each extra (RR) input is occluded alone (set to its baseline, the training mean). All
// occluded copies of all beats go into batched forward runs. A pair model: the beat is occluded, so both
// input channels change under the window (the second one is the occluded beat minus the template).
import type { Explainer } from "./explainer.js";
import type { Attribution, Beats } from "./types.js";

export interface OcclusionOptions {
  /** window length in samples (default 18: 50 ms at 360 Hz) */
  readonly window?: number;
  /** step between windows (default 6) */
  readonly stride?: number;
  readonly baseline?: { readonly x?: Float32Array; readonly extra?: Float32Array };
}

/** Start of every window: 0, stride, ... and one flush with the end. */
export function windowStarts(length: number, window: number, stride: number): number[] {
  if (!(window >= 1 && window <= length && stride >= 1)) throw new Error("occlusion: bad window or stride");
  const starts: number[] = [];
  for (let a = 0; a + window <= length; a += stride) starts.push(a);
  if (starts[starts.length - 1] + window < length) starts.push(length - window);
  return starts;
}

export async function occlusion(
  e: Explainer,
  beats: Beats,
  cls: Int32Array,
  o: OcclusionOptions = {},
): Promise<Attribution[]> {
  const L = e.width;
  const F = e.io.extraFeatures;
  const K = e.io.numClasses;
  const n = cls.length;
  const w = o.window ?? 18;
  const starts = windowStarts(L, w, o.stride ?? 6);
  const bx = o.baseline?.x ?? new Float32Array(L);
  const be = o.baseline?.extra ?? new Float32Array(F);
  const per = starts.length + F + 2; // windows, each extra input, the beat, everything occluded
  const x = new Float32Array(n * per * L);
  const extra = F > 0 ? new Float32Array(n * per * F) : undefined;
  for (let r = 0; r < n; r++) {
    const bxr = beats.x.subarray(r * L, (r + 1) * L);
    const ber = F > 0 ? beats.extra!.subarray(r * F, (r + 1) * F) : new Float32Array(0);
    for (let v = 0; v < per; v++) {
      const row = r * per + v;
      x.set(v === per - 1 ? bx : bxr, row * L);
      if (v < starts.length) x.set(bx.subarray(starts[v], starts[v] + w), row * L + starts[v]);
      if (F > 0) {
        extra!.set(v === per - 1 ? be : ber, row * F);
        const f = v - starts.length;
        if (f >= 0 && f < F) extra![row * F + f] = be[f];
      }
    }
  }
  const template =
    beats.template && Array.from({ length: n * per }, (_, row) => beats.template![Math.floor(row / per)]);
  const logits = await e.logits(x, extra, template);
  return Array.from({ length: n }, (_, r) => {
    const at = (v: number) => logits[(r * per + v) * K + cls[r]];
    const output = at(per - 2);
    const sum = new Float64Array(L);
    const cover = new Float64Array(L);
    starts.forEach((a, v) => {
      const drop = (output - at(v)) / w;
      for (let i = a; i < a + w; i++) [sum[i], cover[i]] = [sum[i] + drop, cover[i] + 1];
    });
    return {
      method: "occlusion" as const,
      classIndex: cls[r],
      attribution: Float32Array.from(sum, (s, i) => s / cover[i]),
      other: Float32Array.from({ length: F }, (_, f) => output - at(starts.length + f)),
      output,
      baselineOutput: at(per - 1),
      logits: logits.slice((r * per + per - 2) * K, (r * per + per - 1) * K),
      info: { window: w, windows: starts.length },
    };
  });
}
