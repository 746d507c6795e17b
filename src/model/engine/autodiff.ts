// Reverse-mode autodiff over the tape: walk it backwards from the loss, let each op emit its
// input gradients, sum the contributions of tensors used more than once.
import type { Graph, Tensor } from "./graph.js";

/** Emit the gradient of the scalar `loss` with respect to each tensor of `wrt`. */
export function backward(g: Graph, loss: Tensor, wrt: readonly Tensor[]): Tensor[] {
  const grads = new Map<string, Tensor>();
  grads.set(loss.name, g.constant([1], loss.shape, "one"));
  for (let i = g.tape.length - 1; i >= 0; i--) {
    const { inputs, output, backward: rule } = g.tape[i];
    const gy = grads.get(output.name);
    if (gy === undefined) continue;
    const needs = inputs.map((t) => t.requiresGrad);
    const gx = rule(gy, needs);
    inputs.forEach((t, j) => {
      const gj = gx[j];
      if (!needs[j] || gj === undefined) return;
      const prev = grads.get(t.name);
      grads.set(t.name, prev === undefined ? gj : g.op("Add", [prev, gj], t.shape));
    });
  }
  return wrt.map((t) => {
    const gt = grads.get(t.name);
    if (gt === undefined) throw new Error(`no gradient flows to ${t.name}`);
    return gt;
  });
}
