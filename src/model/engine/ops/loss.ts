// Softmax cross-entropy with class weights, averaged like PyTorch's weighted CrossEntropyLoss:
// loss = sum_i s_i * nll_i / sum_i s_i, with s_i = sum_k w_k y_ik (y one-hot or soft labels).
import type { Graph, Tensor } from "../graph.js";

/** logits (N, K), targets y (N, K), class weights w (K) -> scalar loss. Only logits get a gradient. */
export function softmaxCrossEntropy(g: Graph, logits: Tensor, y: Tensor, w: Tensor): Tensor {
  const [n, k] = logits.shape;
  const lsm = g.op("LogSoftmax", [logits], [n, k], { axis: 1 });
  const s = g.op("MatMul", [y, g.op("Unsqueeze", [w, g.ints([1])], [k, 1])], [n, 1]);
  const picked = g.op("ReduceSum", [g.op("Mul", [y, lsm], [n, k]), g.ints([1])], [n, 1]);
  const num = g.op("ReduceSum", [g.op("Mul", [picked, s], [n, 1])], [], { keepdims: 0 });
  const den = g.op("ReduceSum", [s], [], { keepdims: 0 });
  const loss = g.op("Neg", [g.op("Div", [num, den], [])], []);
  return g.record([logits, y, w], loss, (gy) => {
    // d/dlogits = (softmax * rowsum(y) - y) * s_i / den * gy
    const p = g.op("Exp", [lsm], [n, k]);
    const rowsum = g.op("ReduceSum", [y, g.ints([1])], [n, 1]);
    const diff = g.op("Sub", [g.op("Mul", [p, rowsum], [n, k]), y], [n, k]);
    const scale = g.op("Mul", [s, g.op("Div", [gy, den], [])], [n, 1]);
    return [g.op("Mul", [diff, scale], [n, k]), undefined, undefined];
  });
}

/**
 * Focal loss (Lin et al. 2017) with the same weighting: nll_i becomes -sum_k y_ik (1 - p_ik)^gamma log p_ik, so
 * beats the net already gets right (p near 1) count less. gamma >= 1 (gamma 0 is softmaxCrossEntropy). Only logits
 * get a gradient.
 */
export function focalCrossEntropy(g: Graph, logits: Tensor, y: Tensor, w: Tensor, gamma: number): Tensor {
  if (!(gamma >= 1)) throw new RangeError(`focal gamma must be >= 1, got ${gamma}`);
  const [n, k] = logits.shape;
  const lsm = g.op("LogSoftmax", [logits], [n, k], { axis: 1 });
  const p = g.op("Exp", [lsm], [n, k]);
  const q = g.op("Sub", [g.constant([1], [], "one"), p], [n, k]);
  const gam = g.constant([gamma], [], "gamma");
  const qg = g.op("Pow", [q, gam], [n, k]);
  const s = g.op("MatMul", [y, g.op("Unsqueeze", [w, g.ints([1])], [k, 1])], [n, 1]);
  const yq = g.op("Mul", [y, qg], [n, k]);
  const picked = g.op("ReduceSum", [g.op("Mul", [yq, lsm], [n, k]), g.ints([1])], [n, 1]);
  const num = g.op("ReduceSum", [g.op("Mul", [picked, s], [n, 1])], [], { keepdims: 0 });
  const den = g.op("ReduceSum", [s], [], { keepdims: 0 });
  const loss = g.op("Neg", [g.op("Div", [num, den], [])], []);
  return g.record([logits, y, w], loss, (gy) => {
    // a = y * (gamma q^(gamma-1) p log p - q^gamma); d/dlogits = (a - p * rowsum(a)) * s_i / den * gy
    const qg1 = g.op("Pow", [q, g.constant([gamma - 1], [], "gamma1")], [n, k]);
    const t = g.op("Mul", [g.op("Mul", [qg1, p], [n, k]), lsm], [n, k]);
    const inner = g.op("Sub", [g.op("Mul", [t, gam], [n, k]), qg], [n, k]);
    const a = g.op("Mul", [y, inner], [n, k]);
    const rowsum = g.op("ReduceSum", [a, g.ints([1])], [n, 1]);
    const diff = g.op("Sub", [a, g.op("Mul", [p, rowsum], [n, k])], [n, k]);
    const scale = g.op("Mul", [s, g.op("Div", [gy, den], [])], [n, 1]);
    return [g.op("Mul", [diff, scale], [n, k]), undefined, undefined];
  });
}
