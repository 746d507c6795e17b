// Inverted dropout (training only): onnxruntime's Dropout in training mode draws the mask from its
// own generator, seeded by the `seed` attribute (so a session's sequence of masks is reproducible).
import type { Graph, Tensor } from "../graph.js";

export function dropout(g: Graph, x: Tensor, p: number, seed: number): Tensor {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout probability ${p} not in [0, 1)`);
  if (p === 0) return x;
  const ratio = g.constant([p], [], "ratio");
  const training = g.fresh("training");
  g.initializers.push({ name: training, shape: [], data: Uint8Array.of(1) });
  const [y, mask] = [g.fresh("dropout"), g.fresh("mask")];
  g.nodes.push({
    op: "Dropout",
    inputs: [x.name, ratio.name, training],
    outputs: [y, mask],
    attrs: { seed },
  });
  const out = { name: y, shape: x.shape, requiresGrad: false };
  return g.record([x], out, (gy) => {
    const kept = g.op("Cast", [mask], x.shape, { to: 1 });
    return [g.op("Mul", [g.op("Mul", [gy, kept], x.shape), g.constant([1 / (1 - p)], [])], x.shape)];
  });
}
