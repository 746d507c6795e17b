// Matrix products: matmul (2-D) and linear (x W^T + b, PyTorch weight layout), both as Gemm.
import type { Graph, Tensor } from "../graph.js";

/** a (N, I) @ b (I, O) -> (N, O). */
export function matmul(g: Graph, a: Tensor, b: Tensor): Tensor {
  const y = g.op("Gemm", [a, b], [a.shape[0], b.shape[1]]);
  return g.record([a, b], y, (gy, needs) => [
    needs[0] ? g.op("Gemm", [gy, b], a.shape, { transB: 1 }) : undefined,
    needs[1] ? g.op("Gemm", [a, gy], b.shape, { transA: 1 }) : undefined,
  ]);
}

/** x (N, I), w (O, I), b (O) -> x w^T + b, shape (N, O). */
export function linear(g: Graph, x: Tensor, w: Tensor, b: Tensor): Tensor {
  const y = g.op("Gemm", [x, w, b], [x.shape[0], w.shape[0]], { transB: 1 });
  return g.record([x, w, b], y, (gy, needs) => [
    needs[0] ? g.op("Gemm", [gy, w], x.shape) : undefined,
    needs[1] ? g.op("Gemm", [gy, x], w.shape, { transA: 1 }) : undefined,
    needs[2] ? g.op("ReduceSum", [gy, g.ints([0])], b.shape, { keepdims: 0 }) : undefined,
  ]);
}
