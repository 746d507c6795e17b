// Matrix products: matmul (2-D via Gemm, or batched 3-D via MatMul, either operand optionally
// transposed; onnxruntime fuses the transposes into its MatMul) and linear (x W^T + b).
import type { Graph, Tensor } from "../graph.js";
import { transpose } from "./shape.js";

export interface MatmulOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
}

/** op(a) @ op(b), raw (no gradient). 2-D or batched 3-D with equal batch. */
function mm(g: Graph, a: Tensor, b: Tensor, tA: boolean, tB: boolean): Tensor {
  const r = a.shape.length;
  const rows = tA ? a.shape[r - 1] : a.shape[r - 2];
  const cols = tB ? b.shape[r - 2] : b.shape[r - 1];
  const shape = r === 2 ? [rows, cols] : [a.shape[0], rows, cols];
  if (r === 2) return g.op("Gemm", [a, b], shape, { transA: tA ? 1 : 0, transB: tB ? 1 : 0 });
  const swap = (t: Tensor) => transpose(g, t, [0, 2, 1]);
  return g.op("MatMul", [tA ? swap(a) : a, tB ? swap(b) : b], shape);
}

/** op(a) @ op(b) for 2-D, or batched over the first axis for 3-D tensors. */
export function matmul(g: Graph, a: Tensor, b: Tensor, o: MatmulOptions = {}): Tensor {
  const tA = o.transA ?? false;
  const tB = o.transB ?? false;
  if (a.shape.length !== b.shape.length || a.shape.length < 2 || a.shape.length > 3)
    throw new Error("matmul: rank");
  const y = mm(g, a, b, tA, tB);
  return g.record([a, b], y, (gy, needs) => {
    const [da, db] = !tA
      ? !tB
        ? [() => mm(g, gy, b, false, true), () => mm(g, a, gy, true, false)]
        : [() => mm(g, gy, b, false, false), () => mm(g, gy, a, true, false)]
      : !tB
        ? [() => mm(g, b, gy, false, true), () => mm(g, a, gy, false, false)]
        : [() => mm(g, b, gy, true, true), () => mm(g, gy, a, true, true)];
    return [needs[0] ? da() : undefined, needs[1] ? db() : undefined];
  });
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
