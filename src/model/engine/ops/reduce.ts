// Reductions and layout: sum, mean, global average pool, concatenation.
import type { Graph, Tensor } from "../graph.js";
import { numel } from "../graph.js";

/** Sum of all elements -> scalar. */
export function sum(g: Graph, x: Tensor): Tensor {
  const y = g.op("ReduceSum", [x], [], { keepdims: 0 });
  return g.record([x], y, (gy) => [g.op("Expand", [gy, g.op("Shape", [x], [x.shape.length])], x.shape)]);
}

/** Mean of all elements -> scalar (static shapes only). */
export function mean(g: Graph, x: Tensor): Tensor {
  const m = numel(x.shape);
  if (m <= 0) throw new Error("mean needs a static shape");
  const y = g.op("ReduceMean", [x], [], { keepdims: 0 });
  return g.record([x], y, (gy) => {
    const scaled = g.op("Mul", [gy, g.constant([1 / m], [], "inv_m")], []);
    return [g.op("Expand", [scaled, g.op("Shape", [x], [x.shape.length])], x.shape)];
  });
}

/** (N, C, L) -> (N, C): mean over positions. */
export function globalAvgPool(g: Graph, x: Tensor): Tensor {
  const [n, c, l] = x.shape;
  const y = g.op("ReduceMean", [x], [n, c], { axes: [2], keepdims: 0 });
  return g.record([x], y, (gy) => {
    const col = g.op("Unsqueeze", [gy, g.ints([2])], [n, c, 1]);
    return [g.op("Mul", [col, g.constant(new Float32Array(l).fill(1 / l), [1, 1, l], "inv_l")], x.shape)];
  });
}

/** Concatenate 2-D tensors along axis 1. */
export function concat(g: Graph, parts: readonly Tensor[]): Tensor {
  const widths = parts.map((t) => t.shape[1]);
  const total = widths.reduce((a, b) => a + b, 0);
  const y = g.op("Concat", parts, [parts[0].shape[0], total], { axis: 1 });
  return g.record(parts, y, (gy, needs) => {
    let at = 0;
    return parts.map((t, i) => {
      const from = at;
      at += widths[i];
      if (!needs[i]) return undefined;
      return g.op("Slice", [gy, g.ints([from]), g.ints([at]), g.ints([1])], t.shape);
    });
  });
}
