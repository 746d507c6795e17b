// conv1d: plain, grouped and depthwise, with stride and symmetric zero padding.
// Forward is one ONNX Conv. Backward (no ConvTranspose: slow in onnxruntime for depthwise):
//  - input gradient: a Conv of the stride-zero-stuffed output gradient with the flipped,
//    group-transposed kernel;
//  - weight gradient: pointwise -> one batched MatMul; otherwise a Conv that correlates the input
//    with the output gradient (batch folded into channels, the gradient used as kernel).
import type { Graph, Tensor } from "../graph.js";
import { reshape, transpose } from "./shape.js";

export interface Conv1dOptions {
  readonly stride?: number;
  readonly pad?: number;
  readonly group?: number;
}

export function convOutLength(l: number, k: number, stride: number, pad: number): number {
  return Math.floor((l + 2 * pad - k) / stride) + 1;
}

/** x (N, Cin, L), w (Cout, Cin/group, K), optional bias b (Cout) -> (N, Cout, Lout). */
export function conv1d(g: Graph, x: Tensor, w: Tensor, b: Tensor | undefined, o: Conv1dOptions = {}): Tensor {
  const [n, cin, l] = x.shape;
  const [cout, ci, k] = w.shape;
  const s = o.stride ?? 1;
  const p = o.pad ?? 0;
  const groups = o.group ?? 1;
  if (ci * groups !== cin || cout % groups !== 0) throw new Error(`conv1d: bad group ${groups}`);
  const lo = convOutLength(l, k, s, p);
  const attrs = { kernel_shape: [k], strides: [s], pads: [p, p], group: groups };
  const inputs = b ? [x, w, b] : [x, w];
  const y = g.op("Conv", inputs, [n, cout, lo], attrs);
  const geo = { l, k, s, p, groups };
  return g.record(inputs, y, (gy, needs) => [
    needs[0] ? convInputGrad(g, gy, w, geo) : undefined,
    needs[1] ? convWeightGrad(g, gy, x, w, geo) : undefined,
    b && needs[2] ? g.op("ReduceSum", [gy, g.ints([0, 2])], [cout], { keepdims: 0 }) : undefined,
  ]);
}

interface Geometry {
  readonly l: number; // input length
  readonly k: number;
  readonly s: number;
  readonly p: number;
  readonly groups: number;
}

/** dx = conv(zero-stuffed gy, flipped kernel with in/out channels swapped inside each group). */
function convInputGrad(g: Graph, gy: Tensor, w: Tensor, { l, k, s, p, groups }: Geometry): Tensor {
  const [n, cout, lo] = gy.shape;
  const [, ci] = w.shape;
  const co = cout / groups;
  let u = gy;
  if (s > 1) {
    const col = g.op("Unsqueeze", [gy, g.ints([3])], [n, cout, lo, 1]);
    const padded = g.op("Pad", [col, g.ints([0, 0, 0, 0, 0, 0, 0, s - 1])], [n, cout, lo, s]);
    u = reshape(g, padded, [n, cout, lo * s]);
  }
  let f = w;
  if (co > 1 || ci > 1) {
    const grouped = reshape(g, w, [groups, co, ci, k]);
    f = reshape(g, transpose(g, grouped, [0, 2, 1, 3]), [groups * ci, co, k]);
  }
  if (k > 1) f = g.op("Slice", [f, g.ints([-1]), g.ints([-k - 1]), g.ints([2]), g.ints([-1])], f.shape);
  const padL = k - 1 - p;
  const padR = l - u.shape[2] - padL + k - 1;
  if (padL < 0) throw new Error("conv1d backward: padding larger than kernel - 1");
  const attrs = { kernel_shape: [k], pads: [padL, Math.max(padR, 0)], group: groups };
  const dx = g.op("Conv", [u, f], [n, groups * ci, l - Math.min(padR, 0)], attrs);
  if (padR >= 0) return dx;
  return g.op("Slice", [dx, g.ints([0]), g.ints([l]), g.ints([2])], [n, groups * ci, l]);
}

/** dW[o,i,k] = sum over batch and positions of gy[n,o,t] * x[n,i,t*s+k-p]. */
function convWeightGrad(g: Graph, gy: Tensor, x: Tensor, w: Tensor, geo: Geometry): Tensor {
  const { l, k, s, p, groups } = geo;
  const [n, cout, lo] = gy.shape;
  const [, cin] = x.shape;
  const [, ci] = w.shape;
  const co = cout / groups;
  if (k === 1 && s === 1 && p === 0 && groups === 1) {
    const xt = transpose(g, x, [0, 2, 1]);
    const prod = g.op("MatMul", [gy, xt], [n, cout, cin]);
    const sum = g.op("ReduceSum", [prod, g.ints([0])], [cout, cin], { keepdims: 0 });
    return reshape(g, sum, w.shape);
  }
  // Batch folded into channels: input (Ci, G*N, L), kernel (G*Co, N, Lo), dilation = stride.
  const xs = transpose(g, reshape(g, x, [n, groups, ci, l]), [2, 1, 0, 3]);
  const input = reshape(g, xs, [ci, -1, l]);
  const gs = transpose(g, reshape(g, gy, [n, groups, co, lo]), [1, 2, 0, 3]);
  const kernel = reshape(g, gs, [groups * co, -1, lo]);
  const padR = k - l - p + s * (lo - 1);
  const attrs = { kernel_shape: [lo], dilations: [s], pads: [p, Math.max(padR, 0)], group: groups };
  let dw = g.op("Conv", [input, kernel], [ci, groups * co, k - Math.min(padR, 0)], attrs);
  if (padR < 0) dw = g.op("Slice", [dw, g.ints([0]), g.ints([k]), g.ints([2])], [ci, groups * co, k]);
  if (ci === 1) return reshape(g, dw, w.shape);
  const back = transpose(g, reshape(g, dw, [ci, groups, co, k]), [1, 2, 0, 3]);
  return reshape(g, back, w.shape);
}
