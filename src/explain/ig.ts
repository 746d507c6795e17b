// Integrated gradients (Sundararajan et al. 2017) of the class logit, from a baseline (default: a
// flat line, and the extra inputs at 0, their training mean once the model's scaling is applied) to
// the beat, with the adaptive trapezoid quadrature of paths.ts. A pair model: the baseline is a beat too
// (the net sees [baseline, baseline - template] at it), so the path runs in the beat's own space. A model with
// test-time shifts: the baseline once per shift, each path integrating one shifted net (paths.ts), so IG
// of h_c = mean_d z_c∘S_d is the mean of the shifted nets' IGs, each refined on its own at one gradient a step.
import { baselineGradients, pathAttribution, pathIntegrals, pathShifts } from "./paths.js";
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
  const S = pathShifts(e);
  const bases = {
    x: repeatRows(base.x, S),
    extra: base.extra && repeatRows(base.extra, S),
  };
  const q = { steps: o.steps ?? 32, maxSteps: o.maxSteps ?? 16384, tolerance: o.tolerance ?? 0.002 };
  const res = await pathIntegrals(e, beats, cls, bases, (c, t) => baselineGradients(e, bases, c, t), q);
  return res.map((p, r) => ({
    method: "ig" as const,
    classIndex: cls[r],
    ...pathAttribution(p, L),
    // steps: the most any of its paths got; gradientsPerBeat: all its paths' points (the baselines' not counted)
    info: { steps: p.steps, gradientsPerBeat: p.evaluations, completenessError: p.error },
  }));
}

/** `row` repeated n times, one after another (the row itself when n is 1). */
export const repeatRows = (row: Float32Array, n: number): Float32Array => {
  if (n === 1) return row;
  const out = new Float32Array(n * row.length);
  for (let i = 0; i < n; i++) out.set(row, i * row.length);
  return out;
};
