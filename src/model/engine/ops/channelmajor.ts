// Fast 1-D conv layers on channel-major activations (C, N, L): every conv becomes a GEMM.
// onnxruntime's grouped Conv runs one tiny im2col + GEMM per (image, channel) and is ~50x less
// efficient per multiply than its GEMM; here
//  - pointwise: one (Cout x Cin) @ (Cin x N*L) GEMM;
//  - depthwise: one batched MatMul per channel with a banded Toeplitz matrix (L x Lout) built from
//    the kernel (stride and zero padding included) by a GEMM with a constant 0/1 selection matrix,
//    so the kernel gradient is that GEMM's gradient;
//  - the stem conv on the raw input (any channels): unfold the input into windows (Gather), then one GEMM.
// All three are compositions of matmul/reshape, so their backward rules come for free.
import type { Graph, Tensor } from "../graph.js";
import { convOutLength } from "./conv.js";
import { reshape, transpose } from "./elementwise.js";
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
 * Stem conv on the raw input: x (N, C, L), w (Cout, C*K) (a (Cout, C, K) kernel, flattened) ->
 * (Cout, N, Lout). Unfold the input into windows, (N*Lout, C*K), then one GEMM. Training never needs
 * the input gradient (a Gather unfolds the windows); when x requires one (explanations), the unfold is
 * a GEMM with a constant 0/1 selection matrix instead, so matmul's backward gives it.
 */
export function inputConvCM(g: Graph, x: Tensor, w: Tensor, o: { stride: number; pad: number }): Tensor {
  const [n, c, l] = x.shape;
  const cout = w.shape[0];
  const k = w.shape[1] / c;
  const lo = convOutLength(l, k, o.stride, o.pad);
  const nc = dimMul(n, c);
  let windows: Tensor; // (N*C, Lout*K)
  if (x.requiresGrad) {
    const sel = g.constant(unfoldSelector(l, k, o.stride, o.pad), [l, lo * k], "unfold_sel");
    windows = matmul(g, reshape(g, x, [nc, l]), sel);
  } else {
    const padded = g.op(
      "Pad",
      [rawReshape(g, x, [nc, l]), g.ints([0, o.pad, 0, o.pad])],
      [nc, l + 2 * o.pad],
    );
    const idx = new Array<number>(lo * k);
    for (let j = 0; j < lo; j++) for (let t = 0; t < k; t++) idx[j * k + t] = j * o.stride + t;
    windows = g.op("Gather", [padded, g.ints(idx)], [nc, lo * k], { axis: 1 });
  }
  const re = x.requiresGrad ? reshape : rawReshape;
  // (N, C, Lout, K) -> (N, Lout, C, K): channel-then-tap columns, as the flattened kernel
  const u =
    c === 1
      ? re(g, windows, [dimMul(n, lo), k])
      : re(g, transpose(g, re(g, windows, [n, c, lo, k]), [0, 2, 1, 3]), [dimMul(n, lo), c * k]);
  return reshape(g, matmul(g, w, u, { transB: true }), [cout, n, lo]);
}
