// Batch normalisation over (N, C, L) per channel, as one fused op with its own backward.
// Training: statistics in one read each (mean, mean of squares), the normalisation itself one
// ONNX BatchNormalization (a per-channel affine pass); backward in three full passes.
import type { Graph, Tensor } from "../graph.js";
import { float } from "../graph.js";
import { reshape } from "./shape.js";

export interface BatchNormOptions {
  readonly eps?: number;
  /** "NCL" (default) or channel-major "CNL" */
  readonly layout?: Layout;
}
export type Layout = "NCL" | "CNL" | "NCHW";

/** The channel axis and the reduction axes of a layout, and a view with channels on axis 1. */
function geometry(x: Tensor, layout: Layout) {
  const cnl = layout === "CNL";
  const [c, m] = cnl ? [x.shape[0], x.shape[1] * x.shape[2]] : [x.shape[1], x.shape[0] * x.shape[2]];
  const axes = cnl ? [1, 2] : [0, 2];
  const view = (g: Graph, t: Tensor) => (cnl ? reshape(g, t, [1, ...t.shape]) : t);
  const unview = (g: Graph, t: Tensor) => (cnl ? reshape(g, t, t.shape.slice(1)) : t);
  return { c, m, axes, view, unview };
}

/** y = x * scale + bias per channel (C), in one pass (BatchNormalization with mean 0, var 1). */
export function channelAffine(g: Graph, x: Tensor, scale: Tensor, bias: Tensor): Tensor {
  const c = scale.shape[0];
  const zeros = g.constant(new Float32Array(c), [c], "zeros");
  const ones = g.constant(new Float32Array(c).fill(1), [c], "ones");
  return g.op("BatchNormalization", [x, scale, bias, zeros, ones], x.shape, { epsilon: float(0) });
}

export interface BatchNormTrainResult {
  readonly y: Tensor;
  /** batch mean and biased variance (C), for the running statistics */
  readonly mean: Tensor;
  readonly variance: Tensor;
}

/** Training-mode batch norm: normalise with the batch statistics of x (N, C, L) (static shape). */
export function batchNormTrain(
  g: Graph,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  o: BatchNormOptions = {},
): BatchNormTrainResult {
  const { c, m, axes: ax, view, unview } = geometry(x, o.layout ?? "NCL");
  const eps = o.eps ?? 1e-5;
  const axes = { axes: ax, keepdims: 0 };
  const mean = g.op("ReduceMean", [x], [c], axes);
  // (ReduceSumSquare is twice as slow in onnxruntime as Mul + ReduceSum)
  const sq = g.op("ReduceSum", [g.op("Mul", [x, x], x.shape), g.ints(ax)], [c], { keepdims: 0 });
  const ex2 = g.op("Mul", [sq, g.constant([1 / m], [], "inv_m")], [c]);
  const raw = g.op("Sub", [ex2, g.op("Mul", [mean, mean], [c])], [c]);
  const variance = g.op("Max", [raw, g.constant([0], [], "zero")], [c]);
  const xv = view(g, x);
  const bn = g.op("BatchNormalization", [xv, gamma, beta, mean, variance], xv.shape, {
    epsilon: float(eps),
  });
  const y0 = unview(g, bn);
  const y = g.record([x, gamma, beta], y0, (gy, needs) => {
    const rstd = g.op(
      "Reciprocal",
      [g.op("Sqrt", [g.op("Add", [variance, g.constant([eps], [])], [c])], [c])],
      [c],
    );
    const dbeta = g.op("ReduceSum", [gy, g.ints(ax)], [c], { keepdims: 0 });
    const sxy = g.op("ReduceSum", [g.op("Mul", [gy, x], x.shape), g.ints(ax)], [c], { keepdims: 0 });
    const dgRaw = g.op("Sub", [sxy, g.op("Mul", [mean, dbeta], [c])], [c]); // sum gy * (x - mean)
    const dgamma = g.op("Mul", [dgRaw, rstd], [c]);
    let dx: Tensor | undefined;
    if (needs[0]) {
      // dx = gy * a + x * c1 + (c0 - mean * c1), a = gamma rstd, c1 = -a rstd^2 dgRaw / m, c0 = -a dbeta / m
      const a = g.op("Mul", [gamma, rstd], [c]);
      const negAOverM = g.op("Mul", [a, g.constant([-1 / m], [])], [c]);
      const c1 = g.op("Mul", [negAOverM, g.op("Mul", [g.op("Mul", [rstd, rstd], [c]), dgRaw], [c])], [c]);
      const c0 = g.op("Mul", [negAOverM, dbeta], [c]);
      const bias = g.op("Sub", [c0, g.op("Mul", [mean, c1], [c])], [c]);
      const xPart = unview(g, channelAffine(g, xv, c1, bias));
      const perChannel = reshape(g, a, o.layout === "CNL" ? [c, 1, 1] : [1, c, 1]);
      dx = g.op("Add", [g.op("Mul", [gy, perChannel], x.shape), xPart], x.shape);
    }
    return [dx, dgamma, dbeta];
  });
  return { y, mean, variance };
}

/**
 * Inference-mode batch norm with running statistics (onnxruntime folds it into the conv before).
 * Its backward (a per-channel affine map: dx = gy * gamma / sqrt(var + eps)) serves explanations,
 * which differentiate the eval-mode network with respect to its input.
 */
export function batchNormEval(
  g: Graph,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  runningMean: Tensor,
  runningVar: Tensor,
  o: BatchNormOptions = {},
): Tensor {
  const layout = o.layout ?? "NCL";
  const { c, view, unview } = geometry(x, layout);
  const chAxis = layout === "CNL" ? 0 : 1;
  const axes = x.shape.map((_, i) => i).filter((i) => i !== chAxis);
  const eps = o.eps ?? 1e-5;
  const v = view(g, x);
  const attrs = { epsilon: float(eps) };
  const y = unview(g, g.op("BatchNormalization", [v, gamma, beta, runningMean, runningVar], v.shape, attrs));
  return g.record([x, gamma, beta], y, (gy, needs) => {
    const sd = g.op("Sqrt", [g.op("Add", [runningVar, g.constant([eps], [])], [c])], [c]);
    const rstd = g.op("Reciprocal", [sd], [c]);
    const perChannel = (t: Tensor) =>
      reshape(
        g,
        t,
        x.shape.map((_, i) => (i === chAxis ? c : 1)),
      );
    const dx = needs[0] ? g.op("Mul", [gy, perChannel(g.op("Mul", [gamma, rstd], [c]))], x.shape) : undefined;
    let dgamma: Tensor | undefined;
    if (needs[1]) {
      const xhat = g.op(
        "Mul",
        [g.op("Sub", [x, perChannel(runningMean)], x.shape), perChannel(rstd)],
        x.shape,
      );
      const prod = g.op("Mul", [gy, xhat], x.shape);
      dgamma = g.op("ReduceSum", [prod, g.ints(axes)], [c], { keepdims: 0 });
    }
    const dbeta = needs[2] ? g.op("ReduceSum", [gy, g.ints(axes)], [c], { keepdims: 0 }) : undefined;
    return [dx, dgamma, dbeta];
  });
}
