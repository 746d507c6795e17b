// Whole graphs from a model definition: the training step (forward, loss, backward, AdamW) and
// the inference graphs (weights as inputs for predict during training, or baked in for export).
import { backward } from "./autodiff.js";
import { Graph, numel, type Tensor } from "./graph.js";
import { FlatCtx, InferCtx, type Ctx, type TensorSpec, type Weights } from "./module.js";
import { encodeModel } from "./onnx.js";
import { focalCrossEntropy, softmaxCrossEntropy, type Layout } from "./ops/index.js";
import { reshape } from "./ops/shape.js";
import { adamw, type AdamWConfig } from "./optim.js";

/** A model definition: input (N, C, L) and optional extra features (N, F) -> logits (N, K). */
export type ModelFn = (ctx: Ctx, x: Tensor, extra?: Tensor) => Tensor;

export interface IoShape {
  /** channels and length of one input window */
  readonly input: readonly [number, number];
  readonly extraFeatures: number;
  readonly numClasses: number;
}

function inputs(g: Graph, io: IoShape, batch: number): { x: Tensor; extra?: Tensor } {
  const x = g.input("x", [batch, ...io.input]);
  return io.extraFeatures > 0 ? { x, extra: g.input("extra", [batch, io.extraFeatures]) } : { x };
}

export interface TrainStepGraph {
  readonly model: Uint8Array;
  readonly params: TensorSpec[];
  readonly buffers: TensorSpec[];
}

/**
 * Inputs: x, [extra], y (one-hot or soft labels, N x K), classWeights (K), params, m, v, state,
 * stepSize, epsHat, decay. Outputs: loss, params_out, m_out, v_out, state_out. The loss is the weighted
 * softmax cross-entropy, or the focal loss with focalGamma >= 1.
 */
export function trainStepGraph(
  model: ModelFn,
  io: IoShape,
  batch: number,
  opt: AdamWConfig,
  focalGamma = 0,
): TrainStepGraph {
  const g = new Graph();
  const ctx = new FlatCtx(g, true);
  const { x, extra } = inputs(g, io, batch);
  const logits = model(ctx, x, extra);
  const y = g.input("y", [batch, io.numClasses]);
  const w = g.input("classWeights", [io.numClasses]);
  const loss =
    focalGamma > 0 ? focalCrossEntropy(g, logits, y, w, focalGamma) : softmaxCrossEntropy(g, logits, y, w);
  const grads = backward(g, loss, ctx.paramTensors);
  const { params } = ctx.finish();
  const newState = ctx.newState();
  const flat = g.op(
    "Concat",
    grads.map((t, i) => reshape(g, t, [numel(ctx.params[i].shape)])),
    params.shape,
    {
      axis: 0,
    },
  );
  const scalar = (name: string) => g.input(name, [1]);
  const [m, v] = [g.input("m", params.shape), g.input("v", params.shape)];
  const [stepSize, epsHat, decay] = [scalar("stepSize"), scalar("epsHat"), scalar("decay")];
  const next = adamw(g, opt, { p: params, grad: flat, m, v, stepSize, epsHat, decay });
  g.output(loss, "loss");
  g.output(next.p, "params_out");
  g.output(next.m, "m_out");
  g.output(next.v, "v_out");
  g.output(newState, "state_out");
  return { model: encodeModel(g.toModel()), params: ctx.params, buffers: ctx.buffers };
}

/** Eval-mode graph with the weights as inputs (params, state): x, [extra] -> probs. Dynamic batch. */
export function evalGraph(model: ModelFn, io: IoShape): Uint8Array {
  const g = new Graph();
  const ctx = new FlatCtx(g, false);
  const { x, extra } = inputs(g, io, -1);
  const probs = g.op("Softmax", [model(ctx, x, extra)], [-1, io.numClasses], { axis: 1 });
  ctx.finish();
  g.output(probs, "probs");
  return encodeModel(g.toModel());
}

/** The shippable inference model: weights baked in, x, [extra] -> probs. Dynamic batch. */
export function inferenceGraph(
  model: ModelFn,
  io: IoShape,
  weights: Weights,
  layout: Layout = "NCHW",
): Uint8Array {
  const g = new Graph();
  const { x, extra } = inputs(g, io, -1);
  const logits = model(new InferCtx(g, weights, layout), x, extra);
  const probs = g.op("Softmax", [logits], [-1, io.numClasses], { axis: 1 });
  g.output(probs, "probs");
  return encodeModel(g.toModel());
}
