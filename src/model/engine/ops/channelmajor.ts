// Fast 1-D conv layers on channel-major activations (C, N, L): every conv becomes a GEMM.
// onnxruntime's grouped Conv runs one tiny im2col + GEMM per (image, channel) and is ~50x less
// efficient per multiply than its GEMM; here
//  - pointwise: one (Cout x Cin) @ (Cin x N*L) GEMM;
//  - depthwise: one batched MatMul per channel with a banded Toeplitz matrix (L x Lout) built from
//    the kernel (stride and zero padding included) by a GEMM with a constant 0/1 selection matrix,
//    so the kernel gradient is that GEMM's gradient;
//  - single-input-channel conv (the stem): unfold the input into windows (Gather), then one GEMM.
// All three are compositions of matmul/reshape, so their backward rules come for free.
import type { Graph, Tensor } from "../graph.js";
import { convOutLength } from "./conv.js";
import { reshape } from "./elementwise.js";
import { matmul } from "./linear.js";
import { dimMul, reshape as rawReshape } from "./shape.js";

/** x (Cin, N, L), w (Cout, Cin) -> (Cout, N, L). */
export function pointwiseCM(g: Graph, x: Tensor, w: Tensor): Tensor {
  const [cin, n, l] = x.shape;
  const y = matmul(g, w, reshape(g, x, [cin, dimMul(n, l)]));
  return reshape(g, y, [w.shape[0], n, l]);
}

/** S (K, L*Lout): S[k, i*Lout + j] = 1 when input i feeds output j through tap k. */
export function toeplitzSelector(l: number, k: number, stride: number, pad: number): Float32Array {
  const lo = convOutLength(l, k, stride, pad);
  const s = new Float32Array(k * l * lo);
  for (let j = 0; j < lo; j++)
    for (let t = 0; t < k; t++) {
      const i = j * stride + t - pad;
      if (i >= 0 && i < l) s[t * l * lo + i * lo + j] = 1;
    }
  return s;
}

/** Depthwise conv: x (C, N, L), w (C, K) -> (C, N, Lout). */
export function depthwiseCM(g: Graph, x: Tensor, w: Tensor, o: { stride: number; pad: number }): Tensor {
  const [c, , l] = x.shape;
  const k = w.shape[1];
  const lo = convOutLength(l, k, o.stride, o.pad);
  const sel = g.constant(toeplitzSelector(l, k, o.stride, o.pad), [k, l * lo], "toeplitz_sel");
  const t = reshape(g, matmul(g, w, sel), [c, l, lo]);
  return matmul(g, x, t);
}

/** U (L, Lout*K): U[i, j*K + t] = 1 when input i is tap t of output j (zero padding implicit). */
export function unfoldSelector(l: number, k: number, stride: number, pad: number): Float32Array {
  const lo = convOutLength(l, k, stride, pad);
  const u = new Float32Array(l * lo * k);
  for (let j = 0; j < lo; j++)
    for (let t = 0; t < k; t++) {
      const i = j * stride + t - pad;
      if (i >= 0 && i < l) u[i * lo * k + j * k + t] = 1;
    }
  return u;
}

/**
 * Conv with one input channel: x (N, 1, L), w (Cout, K) -> (Cout, N, Lout). Training never needs
 * the input gradient (a Gather unfolds the windows); when x requires one (explanations), the unfold
 * is a GEMM with a constant 0/1 selection matrix instead, so matmul's backward gives it.
 */
export function singleChannelConvCM(
  g: Graph,
  x: Tensor,
  w: Tensor,
  o: { stride: number; pad: number },
): Tensor {
  const [n, , l] = x.shape;
  const [cout, k] = w.shape;
  const lo = convOutLength(l, k, o.stride, o.pad);
  if (x.requiresGrad) {
    const sel = g.constant(unfoldSelector(l, k, o.stride, o.pad), [l, lo * k], "unfold_sel");
    const windows = matmul(g, reshape(g, x, [n, l]), sel);
    const u = reshape(g, windows, [dimMul(n, lo), k]);
    return reshape(g, matmul(g, w, u, { transB: true }), [cout, n, lo]);
  }
  const flat = rawReshape(g, x, [n, l]);
  const padded = g.op("Pad", [flat, g.ints([0, o.pad, 0, o.pad])], [n, l + 2 * o.pad]);
  const idx = new Array<number>(lo * k);
  for (let j = 0; j < lo; j++) for (let t = 0; t < k; t++) idx[j * k + t] = j * o.stride + t;
  const windows = g.op("Gather", [padded, g.ints(idx)], [n, lo * k], { axis: 1 });
  const u = rawReshape(g, windows, [dimMul(n, lo), k]);
  return reshape(g, matmul(g, w, u, { transB: true }), [cout, n, lo]);
}
