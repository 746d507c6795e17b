// Element-wise primitives with broadcasting: add, sub, mul, relu, and a differentiable reshape.
import type { Graph, Tensor } from "../graph.js";
import { broadcast, unbroadcast, reshape as rawReshape, transpose as rawTranspose } from "./shape.js";

export function add(g: Graph, a: Tensor, b: Tensor): Tensor {
  const y = g.op("Add", [a, b], broadcast(a.shape, b.shape));
  return g.record([a, b], y, (gy) => [unbroadcast(g, gy, a.shape), unbroadcast(g, gy, b.shape)]);
}

export function sub(g: Graph, a: Tensor, b: Tensor): Tensor {
  const y = g.op("Sub", [a, b], broadcast(a.shape, b.shape));
  return g.record([a, b], y, (gy, needs) => [
    unbroadcast(g, gy, a.shape),
    needs[1] ? unbroadcast(g, g.op("Neg", [gy], gy.shape), b.shape) : undefined,
  ]);
}

export function mul(g: Graph, a: Tensor, b: Tensor): Tensor {
  const y = g.op("Mul", [a, b], broadcast(a.shape, b.shape));
  return g.record([a, b], y, (gy, needs) => [
    needs[0] ? unbroadcast(g, g.op("Mul", [gy, b], gy.shape), a.shape) : undefined,
    needs[1] ? unbroadcast(g, g.op("Mul", [gy, a], gy.shape), b.shape) : undefined,
  ]);
}

/** The gradient of relu(x) given y = relu(x): gy where y > 0, else 0 (Mul by a cast mask: faster
 * in onnxruntime than Where, and Sign is slower still). */
export function reluMask(g: Graph, y: Tensor, gy: Tensor): Tensor {
  const positive = g.op("Greater", [y, g.constant([0], [], "zero")], y.shape);
  return g.op("Mul", [gy, g.op("Cast", [positive], y.shape, { to: 1 })], gy.shape);
}

export function relu(g: Graph, x: Tensor): Tensor {
  const y = g.op("Relu", [x], x.shape);
  return g.record([x], y, (gy) => [reluMask(g, y, gy)]);
}

export function reshape(g: Graph, x: Tensor, to: readonly number[]): Tensor {
  const y = rawReshape(g, x, to);
  return g.record([x], y, (gy) => [rawReshape(g, gy, x.shape)]);
}

export function transpose(g: Graph, x: Tensor, perm: readonly number[]): Tensor {
  const y = rawTranspose(g, x, perm);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return g.record([x], y, (gy) => [rawTranspose(g, gy, inverse)]);
}
