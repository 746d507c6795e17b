// Explanation graphs: the network traced in eval mode (running BN statistics, weights baked in) by
// the engine's own model definition, then differentiated by the engine's autodiff tape. One graph
// gives, for a batch of inputs and a chosen class per row, the class logits, the gradient of the
// chosen logit with respect to the waveform and the extra (RR) inputs, and the last conv block's
// activations (the feature map fed to the global average pool) with their gradient.
import { backward } from "../model/engine/autodiff.js";
import type { ModelFn } from "../model/engine/build.js";
import { Graph, type Tensor } from "../model/engine/graph.js";
import { InferCtx, type Weights } from "../model/engine/module.js";
import { encodeModel, type OnnxModel } from "../model/engine/onnx.js";
import { mul, sum } from "../model/engine/ops/index.js";
import { reluMask } from "../model/engine/ops/elementwise.js";
import { transpose } from "../model/engine/ops/shape.js";

/**
 * Activation layout of the traced net: channel-major "CNL" (every conv a GEMM, the engine's fast
 * training path; the default) or "NCL" (ONNX Conv). Both give the same numbers (tested).
 */
export type ExplainLayout = "CNL" | "NCL";

export interface ExplainIo {
  /** channels and length of the waveform input */
  readonly input: readonly [number, number];
  readonly extraFeatures: number;
  readonly numClasses: number;
}

export type GraphKind =
  /** logits only */
  | "forward"
  /** logits, input gradients, last-block activations and their gradients */
  | "gradients"
  /** as "gradients", ReLUs back-propagating only positive gradients (guided backpropagation) */
  | "guided";

/**
 * The inputs of the global average pools: the last conv block's activations (N, C, L') of the net, or of each
 * member of an ensemble (src/model/ensemble-net.ts).
 */
function featureMaps(g: Graph): Tensor[] {
  const pools = g.nodes.filter((n) => n.op === "ReduceMean" && JSON.stringify(n.attrs?.axes) === "[2]");
  if (pools.length === 0) throw new Error("explain: the model has no global average pool over positions");
  return pools.map((pool) => {
    const entry = g.tape.find((e) => e.output.name === pool.outputs[0]);
    if (!entry) throw new Error("explain: a global average pool is not on the tape");
    return entry.inputs[0];
  });
}

/** Guided backpropagation: every ReLU passes back only positive gradients where its output is positive. */
function guideRelus(g: Graph): void {
  const relus = new Set(g.nodes.filter((n) => n.op === "Relu").map((n) => n.outputs[0]));
  g.tape.forEach((e, i) => {
    if (!relus.has(e.output.name)) return;
    const y = e.output;
    g.tape[i] = { ...e, backward: (gy) => [reluMask(g, y, g.op("Relu", [gy], gy.shape))] };
  });
}

/** Keep only the nodes (and initializers) the outputs depend on. */
export function prune(m: OnnxModel): OnnxModel {
  const needed = new Set(m.outputs.map((o) => o.name));
  const keep: boolean[] = new Array<boolean>(m.nodes.length).fill(false);
  for (let i = m.nodes.length - 1; i >= 0; i--) {
    const n = m.nodes[i];
    if (!n.outputs.some((o) => needed.has(o))) continue;
    keep[i] = true;
    n.inputs.forEach((name) => needed.add(name));
  }
  return {
    ...m,
    nodes: m.nodes.filter((_, i) => keep[i]),
    inputs: m.inputs.filter((v) => needed.has(v.name)),
    initializers: m.initializers.filter((t) => needed.has(t.name)),
  };
}

/**
 * The ONNX bytes of an explanation graph. Inputs: x (N, C, L), [extra (N, F)], and for the
 * gradient kinds select (N, K): the weight of each class logit in the differentiated score (one-hot
 * rows explain one class per row). Outputs: logits; for the gradient kinds also gradX, [gradExtra],
 * acts (N, C', L') and gradActs.
 */
export function explainGraph(
  model: ModelFn,
  io: ExplainIo,
  weights: Weights,
  kind: GraphKind,
  layout: ExplainLayout = "CNL",
): Uint8Array {
  const g = new Graph();
  const x = g.input("x", [-1, ...io.input], { requiresGrad: true });
  const extra =
    io.extraFeatures > 0 ? g.input("extra", [-1, io.extraFeatures], { requiresGrad: true }) : undefined;
  const logits = model(new InferCtx(g, weights, layout), x, extra);
  g.output(logits, "logits");
  if (kind !== "forward") {
    const maps = featureMaps(g);
    if (kind === "guided") guideRelus(g);
    const select = g.input("select", [-1, io.numClasses]);
    const score = sum(g, mul(g, logits, select));
    const [gx, ...rest] = backward(g, score, extra ? [x, ...maps, extra] : [x, ...maps]);
    g.output(gx, "gradX");
    const ncl = (t: Tensor) => (layout === "CNL" ? transpose(g, t, [1, 0, 2]) : t);
    // An ensemble's members' maps side by side as one map of more channels: Grad-CAM's sum over channels is
    // then the sum of the members' maps.
    const channels = (ts: Tensor[]): Tensor => {
      if (ts.length === 1) return ncl(ts[0]);
      const [n, c, l] = ncl(ts[0]).shape;
      return g.op("Concat", ts.map(ncl), [n, c * ts.length, l], { axis: 1 });
    };
    g.output(channels(maps), "acts");
    g.output(channels(rest.slice(0, maps.length)), "gradActs");
    if (extra) g.output(rest[maps.length], "gradExtra");
  }
  return encodeModel(prune(g.toModel()));
}
