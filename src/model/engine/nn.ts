// Layers for model definitions: a layer is a function of (ctx, name, input, options) that
// declares its own parameters (PyTorch names and shapes) and emits the ops for the context's
// layout: channel-major "CNL" (every conv a GEMM: training) or "NCL" (ONNX Conv: the export, which
// onnxruntime fuses with BN and ReLU). Activations enter as (N, 1, L) in both.
import type { Tensor } from "./graph.js";
import type { Ctx } from "./module.js";
import {
  batchNormEval,
  batchNormTrain,
  conv1d,
  depthwiseCM,
  globalAvgPool,
  linear,
  pointwiseCM,
  relu,
  reshape,
  inputConvCM,
  transpose,
} from "./ops/index.js";

export interface ConvLayer {
  readonly out: number;
  readonly k: number;
  readonly stride?: number;
  /** group = in channels for a depthwise conv */
  readonly group?: number;
  /** the input is the raw signal (N, 1, L) (both layouts), not an activation */
  readonly first?: boolean;
}

/** Channels of an activation in the context's layout ("NCHW": 4-D with H = 1). */
export const channels = (ctx: Ctx, x: Tensor): number => (ctx.layout === "CNL" ? x.shape[0] : x.shape[1]);

/**
 * conv1d without bias, padding (k - 1) / 2. In "CNL": pointwise, depthwise, or a first layer with
 * the raw input (N, C, L) (output channel-major).
 */
export function conv(ctx: Ctx, name: string, x: Tensor, o: ConvLayer): Tensor {
  const { g } = ctx;
  const first = o.first ?? false;
  const cin = first ? x.shape[1] : channels(ctx, x);
  const group = o.group ?? 1;
  const w = ctx.param(`${name}.weight`, [o.out, cin / group, o.k], { fanIn: (cin / group) * o.k });
  const stride = o.stride ?? 1;
  const pad = (o.k - 1) >> 1;
  if (ctx.layout === "NCL") return conv1d(g, x, w, undefined, { stride, pad, group });
  if (ctx.layout === "NCHW") {
    // inference only: 2-D convs let onnxruntime use its blocked (NCHWc) kernels
    const x4 = first ? g.op("Unsqueeze", [x, g.ints([2])], [x.shape[0], cin, 1, x.shape[2]]) : x;
    const w4 = g.op("Unsqueeze", [w, g.ints([2])], [o.out, cin / group, 1, o.k]);
    const lo = Math.floor((x4.shape[3] + 2 * pad - o.k) / stride) + 1;
    const attrs = { kernel_shape: [1, o.k], strides: [1, stride], pads: [0, pad, 0, pad], group };
    return g.op("Conv", [x4, w4], [x4.shape[0], o.out, 1, lo], attrs);
  }
  if (first) return inputConvCM(g, x, reshape(g, w, [o.out, cin * o.k]), { stride, pad });
  if (group === cin && o.out === cin) return depthwiseCM(g, x, reshape(g, w, [cin, o.k]), { stride, pad });
  if (group === 1 && o.k === 1 && stride === 1) return pointwiseCM(g, x, reshape(g, w, [o.out, cin]));
  throw new Error(`conv ${name}: no channel-major form (group ${group}, k ${o.k})`);
}

export const BN_MOMENTUM = 0.1;
export const BN_EPS = 1e-5;

/** Batch norm: batch statistics (and running-statistics update) when training, running ones otherwise. */
export function batchNorm(ctx: Ctx, name: string, x: Tensor): Tensor {
  const { g, layout } = ctx;
  const c = channels(ctx, x);
  const gamma = ctx.param(`${name}.weight`, [c], { value: 1 });
  const beta = ctx.param(`${name}.bias`, [c], { value: 0 });
  const rm = ctx.buffer(`${name}.running_mean`, [c], { value: 0 });
  const rv = ctx.buffer(`${name}.running_var`, [c], { value: 1 });
  if (!ctx.training) return batchNormEval(g, x, gamma, beta, rm, rv, { eps: BN_EPS, layout });
  const { y, mean, variance } = batchNormTrain(g, x, gamma, beta, { eps: BN_EPS, layout });
  const m = (x.shape[0] * x.shape[1] * x.shape[2]) / c;
  const keep = g.constant([1 - BN_MOMENTUM], [], "bn_keep");
  const blend = (old: Tensor, now: Tensor, scale: number) =>
    g.op(
      "Add",
      [g.op("Mul", [old, keep], [c]), g.op("Mul", [now, g.constant([BN_MOMENTUM * scale], [])], [c])],
      [c],
    );
  ctx.setBuffer(`${name}.running_mean`, blend(rm, mean, 1));
  ctx.setBuffer(`${name}.running_var`, blend(rv, variance, m / (m - 1))); // unbiased, like PyTorch
  return y;
}

/** Global average pool over positions -> (N, C) in both layouts. */
export function pool(ctx: Ctx, x: Tensor): Tensor {
  const { g } = ctx;
  if (ctx.layout === "NCL") return globalAvgPool(g, x);
  if (ctx.layout === "NCHW") {
    const p = g.op("GlobalAveragePool", [x], [x.shape[0], x.shape[1], 1, 1]);
    return g.op("Flatten", [p], [x.shape[0], x.shape[1]], { axis: 1 });
  }
  return transpose(g, globalAvgPool(g, x), [1, 0]);
}

export function dense(ctx: Ctx, name: string, x: Tensor, out: number): Tensor {
  const fanIn = x.shape[1];
  const w = ctx.param(`${name}.weight`, [out, fanIn], { fanIn });
  const b = ctx.param(`${name}.bias`, [out], { fanIn });
  return linear(ctx.g, x, w, b);
}

export { relu };
