// Logits of an ensemble: of the mean of M nets' softmax probabilities, so that softmax(y) is the mean
// probability of each class, and gradients reach every member (explanations of an ensemble).
import type { Graph, Tensor } from "../graph.js";

/**
 * logits l_1..l_M (N, K) -> y = z - mean_k z (N, K) with z = log((1/M) sum_i softmax(l_i)), by log-sum-exp
 * over the members' log probabilities. Centred, so that one member's y is its l - mean_k l: a logit, not a
 * log probability that saturates near 0 on a sure call. Backward: gz = gy - mean_k gy; with w_i = exp(a_i - z) / M
 * (each member's share of the mean probability, summing to 1 over i), d/dl_i = gz * w_i - p_i * rowsum(gz * w_i).
 */
export function meanProbLogits(g: Graph, logits: readonly Tensor[]): Tensor {
  if (logits.length === 0) throw new RangeError("meanProbLogits: no members");
  const shape = logits[0].shape;
  if (logits.some((l) => l.shape.join() !== shape.join()))
    throw new RangeError(
      `meanProbLogits: members' logits differ in shape (${logits.map((l) => `[${l.shape.join(", ")}]`).join(" / ")})`,
    );
  const [n, k] = shape;
  const a = logits.map((l) => g.op("LogSoftmax", [l], [n, k], { axis: 1 }));
  const top = a.length === 1 ? a[0] : g.op("Max", a, [n, k]);
  const exps = a.map((ai) => g.op("Exp", [g.op("Sub", [ai, top], [n, k])], [n, k]));
  const total = exps.length === 1 ? exps[0] : g.op("Sum", exps, [n, k]);
  const logM = g.constant([Math.log(logits.length)], [], "logM");
  const z = g.op("Sub", [g.op("Add", [top, g.op("Log", [total], [n, k])], [n, k]), logM], [n, k]);
  const centre = (t: Tensor) =>
    g.op("Sub", [t, g.op("ReduceMean", [t], [n, 1], { axes: [1], keepdims: 1 })], [n, k]);
  return g.record(logits, centre(z), (gy) => {
    const gz = centre(gy);
    return a.map((ai) => {
      const w = g.op("Exp", [g.op("Sub", [g.op("Sub", [ai, z], [n, k]), logM], [n, k])], [n, k]);
      const gw = g.op("Mul", [gz, w], [n, k]);
      const rowsum = g.op("ReduceSum", [gw, g.ints([1])], [n, 1]);
      return g.op("Sub", [gw, g.op("Mul", [g.op("Exp", [ai], [n, k]), rowsum], [n, k])], [n, k]);
    });
  });
}
