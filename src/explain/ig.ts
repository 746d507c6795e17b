// Integrated gradients (Sundararajan et al. 2017) of the class logit, from a baseline (default: a
// flat line, and the extra inputs at 0, their training mean once the model's scaling is applied) to
// the beat, with the adaptive trapezoid quadrature of paths.ts. A pair model: the baseline is a beat too
// (the net sees [baseline, baseline - template] at it), so the path runs in the beat's own space.
import { pathAttribution, pathIntegrals } from "./paths.js";
import type { Explainer } from "./explainer.js";
import type { Attribution, Beats } from "./types.js";

export interface IgOptions {
  /** steps of the first grid (default 32) */
  readonly steps?: number;
  /** most steps any beat may get (default 16384: a beat whose logit barely differs from the baseline needs many) */
  readonly maxSteps?: number;
  /** completeness error that stops the refinement (default 0.002 = 0.2 %) */
  readonly tolerance?: number;
  /** baseline waveform (L values) and extra inputs (F values); default all zeros */
  readonly baseline?: { readonly x?: Float32Array; readonly extra?: Float32Array };
}

export async function integratedGradients(
  e: Explainer,
  beats: Beats,
  cls: Int32Array,
  o: IgOptions = {},
): Promise<Attribution[]> {
  const L = e.width;
  const F = e.io.extraFeatures;
  const base = {
    x: o.baseline?.x ?? new Float32Array(L),
    extra: F > 0 ? (o.baseline?.extra ?? new Float32Array(F)) : undefined,
  };
  const q = { steps: o.steps ?? 32, maxSteps: o.maxSteps ?? 16384, tolerance: o.tolerance ?? 0.002 };
  const res = await pathIntegrals(
    e,
    beats,
    cls,
    base,
    (c, t) => e.gradients(base.x, base.extra, Int32Array.of(c), "gradients", t && [t]),
    q,
  );
  return res.map((p, r) => ({
    method: "ig" as const,
    classIndex: cls[r],
    ...pathAttribution(p, L),
    info: { steps: p.steps, completenessError: p.error },
  }));
}
