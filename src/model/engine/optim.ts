// AdamW on the flat parameter vector, fused into the training-step graph.
// PyTorch's update rewritten with per-step scalars computed outside the graph:
//   p <- p * decay - stepSize * m / (sqrt(v) + epsHat)
//   decay = 1 - lr wd, stepSize = lr sqrt(1 - b2^t) / (1 - b1^t), epsHat = eps sqrt(1 - b2^t)
import type { Graph, Tensor } from "./graph.js";

export interface AdamWConfig {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}
export const ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-4 };

/** The three per-step scalars fed to the graph for step t (1-based) at learning rate lr. */
export function adamwScalars(
  c: AdamWConfig,
  t: number,
  lr: number,
): { stepSize: number; epsHat: number; decay: number } {
  const bc1 = 1 - c.beta1 ** t;
  const bc2 = Math.sqrt(1 - c.beta2 ** t);
  return { stepSize: (lr * bc2) / bc1, epsHat: c.eps * bc2, decay: 1 - lr * c.weightDecay };
}

export interface AdamWTensors {
  readonly p: Tensor;
  readonly grad: Tensor;
  readonly m: Tensor;
  readonly v: Tensor;
  readonly stepSize: Tensor;
  readonly epsHat: Tensor;
  readonly decay: Tensor;
}

export function adamw(g: Graph, c: AdamWConfig, t: AdamWTensors): { p: Tensor; m: Tensor; v: Tensor } {
  const s = t.p.shape;
  const k = (v: number) => g.constant([v], [], "adam");
  const m = g.op("Add", [g.op("Mul", [t.m, k(c.beta1)], s), g.op("Mul", [t.grad, k(1 - c.beta1)], s)], s);
  const g2 = g.op("Mul", [t.grad, t.grad], s);
  const v = g.op("Add", [g.op("Mul", [t.v, k(c.beta2)], s), g.op("Mul", [g2, k(1 - c.beta2)], s)], s);
  const denom = g.op("Add", [g.op("Sqrt", [v], s), t.epsHat], s);
  const delta = g.op("Div", [g.op("Mul", [m, t.stepSize], s), denom], s);
  const p = g.op("Sub", [g.op("Mul", [t.p, t.decay], s), delta], s);
  return { p, m, v };
}
