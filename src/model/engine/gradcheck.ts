// Finite-difference check of the backward rules: for f(inputs) = sum(op(inputs) * R) with a fixed
// random R, compare the emitted gradients with central differences computed through the forward
// pass, both run by onnxruntime in float32.
import { backward } from "./autodiff.js";
import { Graph, numel, type Tensor } from "./graph.js";
import { encodeModel } from "./onnx.js";
import { mul } from "./ops/elementwise.js";
import { sum } from "./ops/reduce.js";
import { mulberry32, uniformArray } from "./rng.js";
import { createSession, loadOrt } from "./runtime.js";

export interface GradInput {
  readonly shape: readonly number[];
  readonly value: Float32Array;
  /** false for inputs without a gradient (labels, weights of a loss) */
  readonly grad?: boolean;
}

export interface GradCheckResult {
  /** worst |numeric - analytic| / (atol + rtol |analytic|) over the probed coordinates; <= 1 passes */
  readonly worst: number;
  readonly detail: string;
}

export async function gradCheck(
  inputs: readonly GradInput[],
  op: (g: Graph, xs: Tensor[]) => Tensor,
  o: { seed?: number; h?: number; atol?: number; rtol?: number; probes?: number } = {},
): Promise<GradCheckResult> {
  const { h = 1e-2, atol = 2e-3, rtol = 2e-2, probes = 12 } = o;
  const rng = mulberry32(o.seed ?? 1);
  const g = new Graph();
  const xs = inputs.map((x, i) => g.input(`x${i}`, x.shape, { requiresGrad: x.grad ?? true }));
  const y = op(g, xs);
  const r = g.constant(uniformArray(rng, numel(y.shape), -1, 1), y.shape, "R");
  const loss = sum(g, mul(g, y, r));
  const wrt = xs.filter((_, i) => inputs[i].grad ?? true);
  const grads = backward(g, loss, wrt);
  g.output(loss, "loss");
  grads.forEach((t, i) => g.output(t, `grad${i}`));
  const session = await createSession(encodeModel(g.toModel()));
  const { Tensor: OrtTensor } = await loadOrt();
  const run = async (values: Float32Array[]) => {
    const feeds = Object.fromEntries(
      values.map((v, i) => [`x${i}`, new OrtTensor("float32", v, inputs[i].shape)]),
    );
    return session.run(feeds);
  };
  const base = inputs.map((x) => x.value.slice());
  const out = await run(base);
  let worst = 0;
  let detail = "";
  let gi = 0;
  for (let i = 0; i < inputs.length; i++) {
    if (!(inputs[i].grad ?? true)) continue;
    const analytic = out[`grad${gi++}`].data as Float32Array;
    for (let p = 0; p < probes; p++) {
      const j = Math.floor(rng() * base[i].length);
      const at = (delta: number) =>
        base.map((v, k) => (k === i ? v.map((e, q) => (q === j ? e + delta : e)) : v));
      const lp = (await run(at(h))).loss.data[0] as number;
      const lm = (await run(at(-h))).loss.data[0] as number;
      const numeric = (lp - lm) / (2 * h);
      const err = Math.abs(numeric - analytic[j]) / (atol + rtol * Math.abs(analytic[j]));
      if (err > worst) {
        worst = err;
        detail = `input ${i}[${j}]: numeric ${numeric}, analytic ${analytic[j]}`;
      }
    }
  }
  await session.release();
  return { worst, detail };
}
