import { test } from "node:test";
import assert from "node:assert/strict";
import type { ArrhythmiNetConfig } from "../model/arrhythminet.js";
import { mulberry32 } from "../model/engine/rng.js";
import { createExplainer } from "./explainer.js";
import { gradCam } from "./gradcam.js";

// A network small enough to compute by hand: x (1, 8) -> stem conv k3 /2 (2 channels) + BN + ReLU
// -> depthwise k3 /2 -> pointwise (3 channels) + BN + ReLU = A (3 x 2) -> mean over positions -> dense (2).
const TINY: ArrhythmiNetConfig = { stem: 2, blocks: [[3, 2]], kernel: 3, extraHidden: 2 };
const rng = mulberry32(5);
const r = (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());
const W: Record<string, Float32Array> = {
  "stem.conv.weight": r(6),
  "stem.bn.weight": r(2, 0.5, 1.5),
  "stem.bn.bias": r(2),
  "stem.bn.running_mean": r(2),
  "stem.bn.running_var": r(2, 0.5, 2),
  "b0.dw.weight": r(6),
  "b0.pw.weight": r(6),
  "b0.bn.weight": r(3, 0.5, 1.5),
  "b0.bn.bias": r(3, 0, 1),
  "b0.bn.running_mean": r(3),
  "b0.bn.running_var": r(3, 0.5, 2),
  "head.weight": r(6),
  "head.bias": r(2),
};

/** conv1d, k3, padding 1, stride s, one input channel per output channel given by `src`. */
function conv(
  x: number[][],
  w: (o: number, t: number) => number,
  src: (o: number) => number,
  outs: number,
  s: number,
) {
  const l = x[0].length;
  const lo = Math.floor((l + 2 - 3) / s) + 1;
  return Array.from({ length: outs }, (_, o) =>
    Array.from({ length: lo }, (_, j) => {
      let v = 0;
      for (let t = 0; t < 3; t++) {
        const i = j * s + t - 1;
        if (i >= 0 && i < l) v += w(o, t) * x[src(o)][i];
      }
      return v;
    }),
  );
}
const bnRelu = (x: number[][], p: string) =>
  x.map((row, c) =>
    row.map((v) => {
      const y =
        ((v - W[`${p}.running_mean`][c]) / Math.sqrt(W[`${p}.running_var`][c] + 1e-5)) * W[`${p}.weight`][c];
      return Math.max(0, y + W[`${p}.bias`][c]);
    }),
  );

test("Grad-CAM equals a hand computation on a tiny network (both traced layouts)", async () => {
  const x = [1.0, -0.5, 2.0, 0.3, -1.2, 0.8, 0.1, -0.7];
  const stem = bnRelu(
    conv(
      [x],
      (o, t) => W["stem.conv.weight"][o * 3 + t],
      () => 0,
      2,
      2,
    ),
    "stem.bn",
  );
  const dw = conv(
    stem,
    (o, t) => W["b0.dw.weight"][o * 3 + t],
    (o) => o,
    2,
    2,
  );
  const pw = [0, 1, 2].map((o) =>
    dw[0].map((_, j) => W["b0.pw.weight"][o * 2] * dw[0][j] + W["b0.pw.weight"][o * 2 + 1] * dw[1][j]),
  );
  const A = bnRelu(pw, "b0.bn"); // 3 x 2
  let nonZero = 0;
  for (const layout of ["CNL", "NCL"] as const) {
    const e = await createExplainer(
      { arch: TINY, classes: ["a", "b"], extraNames: [], weights: W, input: [1, 8] },
      { layout },
    );
    for (const c of [0, 1]) {
      // d logit_c / d A[ch, t] = head.weight[c, ch] / 2 (mean over 2 positions), the same at every t
      const alpha = [0, 1, 2].map((ch) => W["head.weight"][c * 3 + ch] / 2);
      const cam = [0, 1].map((t) =>
        Math.max(
          0,
          alpha.reduce((s, a, ch) => s + a * A[ch][t], 0),
        ),
      );
      // feature position j sits over input sample 4 j: linear in between, constant after the last
      const want = Array.from({ length: 8 }, (_, i) =>
        i < 4 ? cam[0] * (1 - i / 4) + cam[1] * (i / 4) : cam[1],
      );
      const [got] = await gradCam(e, { x: Float32Array.from(x) }, Int32Array.of(c));
      want.forEach((v, i) =>
        assert.ok(
          Math.abs(got.attribution[i] - v) < 1e-5,
          `${layout} class ${c} [${i}]: ${got.attribution[i]} vs ${v}`,
        ),
      );
      const logit = alpha.reduce((s, a, ch) => s + a * (A[ch][0] + A[ch][1]), W["head.bias"][c]);
      assert.ok(Math.abs(got.output - logit) < 1e-5);
      nonZero += cam.filter((v) => v > 0).length;
    }
    await e.release();
  }
  assert.ok(nonZero >= 4, "degenerate test: the maps are (nearly) all zero");
});
