// Path integrals of the class-logit gradient, shared by integrated gradients (one baseline) and
// GradientSHAP (every background beat a baseline): for beat x and baseline b, the attribution is
// (x - b) * integral over alpha of grad f(b + alpha (x - b)), averaged over the baselines.
// Quadrature: the trapezoid rule on a uniform grid, refined per beat by halving the step (points
// already run are reused) until the completeness error (sum of attributions against
// f(x) - mean f(b)) is below `tolerance` or `maxSteps` is reached. A ReLU network is piecewise
// linear along a path, so its gradient jumps: the error falls like the step, and beats with many
// kinks get more steps. The gradients at the baselines do not depend on the beat (callers may
// cache them); every other path point of every beat goes into batched runs.
import type { Explainer, GradBatch } from "./explainer.js";
import type { Beats } from "./types.js";

export interface QuadratureOptions {
  /** steps of the first grid */
  readonly steps: number;
  /** most steps any beat may get */
  readonly maxSteps: number;
  /** completeness error that stops the refinement */
  readonly tolerance: number;
}

export interface PathResult {
  /** L + F values: waveform then extra inputs */
  readonly attribution: Float64Array;
  readonly output: number;
  /** mean of the class logit over the baselines */
  readonly baselineOutput: number;
  readonly logits: Float32Array;
  readonly steps: number;
  readonly error: number;
}

interface State {
  steps: number;
  /** per baseline: sum of the gradients at the interior grid points (L + F) */
  interior: Float64Array[];
  /** gradient at the beat itself */
  atX: Float64Array;
  output: number;
  logits: Float32Array;
}

export async function pathIntegrals(
  e: Explainer,
  beats: Beats,
  cls: Int32Array,
  baselines: Beats,
  /** gradients and logits at the baselines (all rows) for class c */
  atBaselines: (c: number) => Promise<GradBatch>,
  q: QuadratureOptions,
): Promise<PathResult[]> {
  const L = e.width;
  const F = e.io.extraFeatures;
  const K = e.io.numClasses;
  const D = L + F;
  const n = cls.length;
  const m = baselines.x.length / L;
  const value = (src: Beats, r: number, i: number) => (i < L ? src.x[r * L + i] : src.extra![r * F + i - L]);
  const ends = new Map<number, GradBatch>();
  for (const c of new Set(cls)) ends.set(c, await atBaselines(c));
  const states: State[] = Array.from({ length: n }, () => ({
    steps: q.steps,
    interior: Array.from({ length: m }, () => new Float64Array(D)),
    atX: new Float64Array(D),
    output: 0,
    logits: new Float32Array(K),
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
    const b = await e.gradients(x, extra, c);
    points.forEach(([r, k], p) => {
      const s = states[r];
      const into = k < 0 ? s.atX : s.interior[k];
      for (let i = 0; i < L; i++) into[i] += b.gradX[p * L + i];
      for (let f = 0; f < F; f++) into[L + f] += b.gradExtra[p * F + f];
      if (k < 0) {
        s.output = b.logits[p * K + cls[r]];
        s.logits = b.logits.slice(p * K, (p + 1) * K);
      }
    });
  };

  const result = (r: number): PathResult => {
    const s = states[r];
    const end = ends.get(cls[r])!;
    const out = new Float64Array(D);
    let base = 0;
    for (let k = 0; k < m; k++) {
      base += end.logits[k * K + cls[r]] / m;
      for (let i = 0; i < D; i++) {
        const g0 = i < L ? end.gradX[k * L + i] : end.gradExtra[k * F + i - L];
        const avg = (s.interior[k][i] + (g0 + s.atX[i]) / 2) / s.steps;
        out[i] += (avg * (value(beats, r, i) - value(baselines, k, i))) / m;
      }
    }
    const delta = s.output - base;
    const total = out.reduce((t, v) => t + v, 0);
    const error = Math.abs(total - delta) / Math.max(Math.abs(delta), 1e-6);
    return {
      attribution: out,
      output: s.output,
      baselineOutput: base,
      logits: s.logits,
      steps: s.steps,
      error,
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
    const todo = results.flatMap((res, r) =>
      res.error > q.tolerance && states[r].steps < q.maxSteps ? [r] : [],
    );
    if (todo.length === 0) return results;
    const mids: [number, number, number][] = [];
    for (const r of todo) {
      const h = states[r].steps;
      for (let k = 0; k < m; k++) for (let j = 0; j < h; j++) mids.push([r, k, (2 * j + 1) / (2 * h)]);
    }
    await run(mids);
    for (const r of todo) states[r].steps *= 2;
    results = results.map((res, r) => (todo.includes(r) ? result(r) : res));
  }
}
