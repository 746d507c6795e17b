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
import type { Explainer, GradBatch } from "./explainer.js";
import type { Beats } from "./types.js";

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
  /** mean of the class logit over the baselines */
  readonly baselineOutput: number;
  readonly logits: Float32Array;
  /** the most steps any of the beat's paths got */
  readonly steps: number;
  /** gradient evaluations spent on the beat (the baselines' own, shared and cacheable, not counted) */
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
  /** gradient at the beat itself */
  atX: Float64Array;
  output: number;
  logits: Float32Array;
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
    atX: new Float64Array(D),
    output: 0,
    logits: new Float32Array(K),
    evaluations: 0,
  }));

  /** Run the points (beat, baseline or -1 for the beat itself, alpha) in one batched call. */
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
    const b = await e.gradients(x, extra, c, "gradients", template);
    points.forEach(([r, k], p) => {
      const s = states[r];
      s.evaluations++;
      const into = k < 0 ? s.atX : s.interior[k];
      for (let i = 0; i < L; i++) into[i] += b.gradX[p * L + i];
      for (let f = 0; f < F; f++) into[L + f] += b.gradExtra[p * F + f];
      if (k < 0) {
        s.output = b.logits[p * K + cls[r]];
        s.logits = b.logits.slice(p * K, (p + 1) * K);
      }
    });
  };

  /** The beat's attribution, and each path's own completeness error (sum minus its logit change). */
  const result = (r: number): PathResult & { pathErrors: Float64Array } => {
    const s = states[r];
    const end = endOf(r);
    const out = new Float64Array(D);
    const pathErrors = new Float64Array(m);
    let base = 0;
    let pathScale = 0;
    for (let k = 0; k < m; k++) {
      const fb = end.logits[k * K + cls[r]];
      base += fb / m;
      pathScale += Math.abs(s.output - fb) / m;
      let sum = 0;
      for (let i = 0; i < D; i++) {
        const g0 = i < L ? end.gradX[k * L + i] : end.gradExtra[k * F + i - L];
        const avg = (s.interior[k][i] + (g0 + s.atX[i]) / 2) / s.steps[k];
        const a = avg * (value(beats, r, i) - value(baselines, k, i));
        out[i] += a / m;
        sum += a;
      }
      pathErrors[k] = sum - (s.output - fb);
    }
    const delta = s.output - base;
    const total = out.reduce((t, v) => t + v, 0);
    const error = Math.abs(total - delta) / Math.max(Math.abs(delta), 1e-6);
    const floorError = Math.abs(total - delta) / Math.max(Math.abs(delta), (q.floor ?? 0) * pathScale, 1e-6);
    const steps = Math.max(...s.steps);
    return {
      attribution: out,
      output: s.output,
      baselineOutput: base,
      logits: s.logits,
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
    first.push([r, -1, 1]);
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
      open.sort((a, b) => Math.abs(res.pathErrors[b]) - Math.abs(res.pathErrors[a]));
      const half = open.reduce((t, k) => t + Math.abs(res.pathErrors[k]), 0) / 2;
      let acc = 0;
      for (const k of open) {
        if (acc >= half && acc > 0) break;
        acc += Math.abs(res.pathErrors[k]);
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
