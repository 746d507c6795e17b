// Path integrals of the class-logit gradient, shared by integrated gradients (one baseline) and
// GradientSHAP (every background beat a baseline): for beat x and baseline b, the attribution is
// (x - b) * integral over alpha of grad f(b + alpha (x - b)), averaged over the baselines.
// Quadrature: the trapezoid rule on a uniform grid, refined per beat by halving the step (points
// already run are reused) until the completeness error (sum of attributions against
// f(x) - mean f(b), relative to |f(x) - mean f(b)|) is below `tolerance` or `maxSteps` is reached. With
// `floor` > 0 (opt-in; default 0) the error is relative to max(|f(x) - mean f(b)|, floor * mean |f(x) - f(b)|):
// a beat whose logit is close to the baselines' mean while the paths themselves change it a lot (SHAP:
// f(x) - f(b) of both signs, cancelling) is then not asked for more precision than `floor` times the paths'
// own logit changes (what the quadrature integrates), so its error against |f(x) - mean f(b)| may stay large;
// with one baseline (IG) the two are equal and the floor (<= 1) changes nothing. Each path's own error is known
// exactly (its sum against f(x) - f(b)), so a round refines only the paths carrying half of the
// beat's absolute path error: with 50 background paths (SHAP) most stay coarse. A ReLU network is
// piecewise linear along a path, so its gradient jumps: the error falls like the step, and beats with many
// kinks get more steps. The gradients at the baselines do not depend on the beat (callers may
// cache them); every other path point of every beat goes into batched runs. A pair model's points are
// beats, each run with its beat's template (so are the baselines: their gradients are per template).
// Test-time shifts (shifted.ts: the explained score is h_c(x) = mean_d z_c(S_d x)): when the explainer has
// shiftGradients, path k integrates ONE shifted net, z_c∘S_d with d = shifts[k mod |shifts|], at one gradient
// per point (the gradient of h costs one per shift), and the paths of each shift weigh 1/|shifts| in all. As
// z_c∘S_d is piecewise linear too, each path's error stays known exactly (against z_c(S_d x) - z_c(S_d b)),
// and the beat's endpoint is run at every shift, so the weighted paths sum to h_c(x) - their baselines'
// weighted mean of z_c(S_d b). IG repeats its baseline once per shift: exactly grad h, one shift per path.
// SHAP pairs each background beat with one shift (the k-th with shifts[k mod |shifts|]): the expected
// gradients of E_{b,d}, an unbiased estimate of those of h whose baselineOutput, the pairs' mean of
// z_c(S_d b), estimates E_b h_c(b) from the same beats; a background repeated |shifts| times (a count prime
// to |shifts|) gives every beat every shift, the same quantity as integrating grad h itself.
import type { Explainer, GradBatch, RowTemplates } from "./explainer.js";
import type { Beats } from "./types.js";

/** How many test-time shifts the paths integrate one at a time (1: the explainer's own gradients). */
export const pathShifts = (e: Explainer): number =>
  e.shiftGradients && e.testTimeShifts ? e.testTimeShifts.length : 1;

/** Gradients of each row's path function: z_c∘S_d, d = testTimeShifts[shift[i]] (pathShifts > 1), else of the
 * explainer's own score. */
export function pathGradients(
  e: Explainer,
  x: Float32Array,
  extra: Float32Array | undefined,
  cls: Int32Array,
  shift: Int32Array,
  templates?: RowTemplates,
): Promise<GradBatch> {
  if (pathShifts(e) > 1) return e.shiftGradients!(x, extra, cls, shift, templates);
  return e.gradients(x, extra, cls, "gradients", templates);
}

/** The gradients of class c at every baseline row k, each seen as its path's function (shift k mod pathShifts). */
export function baselineGradients(
  e: Explainer,
  baselines: Beats,
  c: number,
  template?: Float32Array,
): Promise<GradBatch> {
  const m = baselines.x.length / e.width;
  const S = pathShifts(e);
  const rows = template && Array.from({ length: m }, () => template);
  const shift = Int32Array.from({ length: m }, (_, k) => k % S);
  return pathGradients(e, baselines.x, baselines.extra, new Int32Array(m).fill(c), shift, rows);
}

export interface QuadratureOptions {
  /** steps of the first grid */
  readonly steps: number;
  /** most steps any beat may get */
  readonly maxSteps: number;
  /** completeness error that stops the refinement */
  readonly tolerance: number;
  /** the error's denominator is at least floor x the mean |logit change| of the paths (default 0: none) */
  readonly floor?: number;
}

export interface PathResult {
  /** L + F values: waveform then extra inputs */
  readonly attribution: Float64Array;
  readonly output: number;
  /** mean of the class logit over the baselines (with shifts per path: of z_c(S_d b), each shift weighing alike) */
  readonly baselineOutput: number;
  readonly logits: Float32Array;
  /** the most steps any of the beat's paths got */
  readonly steps: number;
  /** gradient evaluations (path points) spent on the beat (the baselines' own, shared and cacheable, not
   * counted); with shifts per path one net row each, else one call of the explainer's gradients each */
  readonly evaluations: number;
  /** |sum of attributions - (output - baselineOutput)| / |output - baselineOutput| (floor 1e-6) */
  readonly error: number;
  /** the mean over the baselines of |f(x) - f(b)|, the paths' own logit changes */
  readonly pathScale: number;
  /** the same difference against max(|output - baselineOutput|, floor x pathScale): what `tolerance` bounds */
  readonly floorError: number;
}

/** The fields an IG or GradientSHAP explanation takes from a beat's path result (waveform, then extra inputs). */
export function pathAttribution(p: PathResult, width: number) {
  return {
    attribution: Float32Array.from(p.attribution.subarray(0, width)),
    other: Float32Array.from(p.attribution.subarray(width)),
    output: p.output,
    baselineOutput: p.baselineOutput,
    logits: p.logits,
  };
}

interface State {
  /** per baseline: steps of its path, and the sum of the gradients at its interior grid points */
  steps: Int32Array;
  interior: Float64Array[];
  /** gradient and class logit at the beat itself, per shift (one without shifts per path) */
  atX: Float64Array[];
  outputs: Float64Array;
  /** the logits at the beat, summed over the shifts */
  logitSum: Float64Array;
  evaluations: number;
}

export async function pathIntegrals(
  e: Explainer,
  beats: Beats,
  cls: Int32Array,
  baselines: Beats,
  /** gradients and logits at the baselines (all rows) for class c (seen with `template`, a pair model) */
  atBaselines: (c: number, template?: Float32Array) => Promise<GradBatch>,
  q: QuadratureOptions,
): Promise<PathResult[]> {
  const L = e.width;
  const F = e.io.extraFeatures;
  const K = e.io.numClasses;
  const D = L + F;
  const n = cls.length;
  const m = baselines.x.length / L;
  const S = pathShifts(e);
  // path k's weight is 1 / den[k]: the paths of each shift weigh 1/S in all (without shifts: 1/m)
  const perShift = new Int32Array(S);
  for (let k = 0; k < m; k++) perShift[k % S]++;
  if (perShift.some((c) => c === 0)) throw new Error(`${m} baselines cannot give each of ${S} shifts a path`);
  const den = Int32Array.from({ length: m }, (_, k) => S * perShift[k % S]);
  const value = (src: Beats, r: number, i: number) => (i < L ? src.x[r * L + i] : src.extra![r * F + i - L]);
  const tpl = (r: number) => beats.template?.[r];
  const ends = new Map<Float32Array | undefined, Map<number, GradBatch>>();
  for (let r = 0; r < n; r++) {
    const byClass = ends.get(tpl(r)) ?? new Map<number, GradBatch>();
    ends.set(tpl(r), byClass);
    if (!byClass.has(cls[r])) byClass.set(cls[r], await atBaselines(cls[r], tpl(r)));
  }
  const endOf = (r: number) => ends.get(tpl(r))!.get(cls[r])!;
  const states: State[] = Array.from({ length: n }, () => ({
    steps: new Int32Array(m).fill(q.steps),
    interior: Array.from({ length: m }, () => new Float64Array(D)),
    atX: Array.from({ length: S }, () => new Float64Array(D)),
    outputs: new Float64Array(S),
    logitSum: new Float64Array(K),
    evaluations: 0,
  }));

  /** Run the points (beat, baseline k or -1 - s for the beat itself at shift s, alpha) in one batched call. */
  const run = async (points: readonly (readonly [number, number, number])[]) => {
    const x = new Float32Array(points.length * L);
    const extra = F > 0 ? new Float32Array(points.length * F) : undefined;
    const c = new Int32Array(points.length);
    points.forEach(([r, k, a], p) => {
      for (let i = 0; i < D; i++) {
        const v =
          k < 0
            ? value(beats, r, i)
            : value(baselines, k, i) + a * (value(beats, r, i) - value(baselines, k, i));
        if (i < L) x[p * L + i] = v;
        else extra![p * F + i - L] = v;
      }
      c[p] = cls[r];
    });
    const template = beats.template && points.map(([r]) => beats.template![r]);
    const shift = Int32Array.from(points, ([, k]) => (k < 0 ? -1 - k : k % S));
    const b = await pathGradients(e, x, extra, c, shift, template);
    points.forEach(([r, k], p) => {
      const s = states[r];
      s.evaluations++;
      const into = k < 0 ? s.atX[-1 - k] : s.interior[k];
      for (let i = 0; i < L; i++) into[i] += b.gradX[p * L + i];
      for (let f = 0; f < F; f++) into[L + f] += b.gradExtra[p * F + f];
      if (k < 0) {
        s.outputs[-1 - k] = b.logits[p * K + cls[r]];
        for (let j = 0; j < K; j++) s.logitSum[j] += b.logits[p * K + j];
      }
    });
  };

  /** The beat's attribution, and each path's own completeness error (sum minus its logit change). */
  const result = (r: number): PathResult & { pathErrors: Float64Array } => {
    const s = states[r];
    const end = endOf(r);
    const out = new Float64Array(D);
    const pathErrors = new Float64Array(m);
    const output = s.outputs.reduce((t, v) => t + v, 0) / S;
    let base = 0;
    let pathScale = 0;
    for (let k = 0; k < m; k++) {
      const fx = s.outputs[k % S];
      const atX = s.atX[k % S];
      const fb = end.logits[k * K + cls[r]];
      base += fb / den[k];
      pathScale += Math.abs(fx - fb) / den[k];
      let sum = 0;
      for (let i = 0; i < D; i++) {
        const g0 = i < L ? end.gradX[k * L + i] : end.gradExtra[k * F + i - L];
        const avg = (s.interior[k][i] + (g0 + atX[i]) / 2) / s.steps[k];
        const a = avg * (value(beats, r, i) - value(baselines, k, i));
        out[i] += a / den[k];
        sum += a;
      }
      pathErrors[k] = sum - (fx - fb);
    }
    const delta = output - base;
    const total = out.reduce((t, v) => t + v, 0);
    const error = Math.abs(total - delta) / Math.max(Math.abs(delta), 1e-6);
    const floorError = Math.abs(total - delta) / Math.max(Math.abs(delta), (q.floor ?? 0) * pathScale, 1e-6);
    const steps = Math.max(...s.steps);
    return {
      attribution: out,
      output,
      baselineOutput: base,
      logits: Float32Array.from(s.logitSum, (v) => v / S),
      steps,
      evaluations: s.evaluations,
      error,
      pathScale,
      floorError,
      pathErrors,
    };
  };

  const first: [number, number, number][] = [];
  for (let r = 0; r < n; r++) {
    for (let sh = 0; sh < S; sh++) first.push([r, -1 - sh, 1]);
    for (let k = 0; k < m; k++) for (let j = 1; j < q.steps; j++) first.push([r, k, j / q.steps]);
  }
  await run(first);
  let results = states.map((_, r) => result(r));
  for (;;) {
    // refine, in every beat not yet complete enough, the paths that carry half its absolute path error
    const mids: [number, number, number][] = [];
    const refined: [number, number][] = [];
    results.forEach((res, r) => {
      if (res.floorError <= q.tolerance) return;
      const s = states[r];
      const open = Array.from({ length: m }, (_, k) => k).filter((k) => s.steps[k] < q.maxSteps);
      // a path's share of the beat's error: its own error times its weight (relative to 1/m)
      const w = (k: number) => Math.abs(res.pathErrors[k]) * (m / den[k]);
      open.sort((a, b) => w(b) - w(a));
      const half = open.reduce((t, k) => t + w(k), 0) / 2;
      let acc = 0;
      for (const k of open) {
        if (acc >= half && acc > 0) break;
        acc += w(k);
        const h = s.steps[k];
        for (let j = 0; j < h; j++) mids.push([r, k, (2 * j + 1) / (2 * h)]);
        refined.push([r, k]);
      }
    });
    if (mids.length === 0) return results;
    await run(mids);
    for (const [r, k] of refined) states[r].steps[k] *= 2;
    const touched = new Set(refined.map(([r]) => r));
    results = results.map((res, r) => (touched.has(r) ? result(r) : res));
  }
}
