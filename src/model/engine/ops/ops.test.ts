import { test } from "node:test";
import assert from "node:assert/strict";
import { gradCheck, type GradInput } from "../gradcheck.js";
import type { Graph, Tensor } from "../graph.js";
import { mulberry32, uniformArray } from "../rng.js";
import * as ops from "./index.js";

const rng = mulberry32(42);
const rand = (shape: number[], lo = -1, hi = 1, grad = true): GradInput => ({
  shape,
  value: uniformArray(
    rng,
    shape.reduce((a, b) => a * b, 1),
    lo,
    hi,
  ),
  grad,
});

async function check(name: string, inputs: GradInput[], op: (g: Graph, xs: Tensor[]) => Tensor) {
  const r = await gradCheck(inputs, op);
  assert.ok(r.worst <= 1, `${name}: ${r.detail} (worst ${r.worst.toFixed(2)})`);
}

test("conv1d gradients: plain, strided, depthwise, grouped, pointwise, bias", async () => {
  await check("plain k3 p1", [rand([2, 3, 9]), rand([4, 3, 3])], (g, [x, w]) =>
    ops.conv1d(g, x, w, undefined, { pad: 1 }),
  );
  await check("stem k7 s2 p3 + bias", [rand([2, 1, 16]), rand([3, 1, 7]), rand([3])], (g, [x, w, b]) =>
    ops.conv1d(g, x, w, b, { stride: 2, pad: 3 }),
  );
  await check("depthwise k7 s1", [rand([2, 4, 12]), rand([4, 1, 7])], (g, [x, w]) =>
    ops.conv1d(g, x, w, undefined, { pad: 3, group: 4 }),
  );
  await check("depthwise k7 s2 odd length", [rand([2, 4, 13]), rand([4, 1, 7])], (g, [x, w]) =>
    ops.conv1d(g, x, w, undefined, { stride: 2, pad: 3, group: 4 }),
  );
  await check("grouped", [rand([2, 4, 10]), rand([6, 2, 3])], (g, [x, w]) =>
    ops.conv1d(g, x, w, undefined, { stride: 2, pad: 1, group: 2 }),
  );
  await check("pointwise", [rand([3, 5, 8]), rand([6, 5, 1])], (g, [x, w]) => ops.conv1d(g, x, w, undefined));
});

test("linear, matmul, add/sub/mul with broadcasting, relu, reshape", async () => {
  await check("linear", [rand([4, 3]), rand([5, 3]), rand([5])], (g, [x, w, b]) => ops.linear(g, x, w, b));
  await check("matmul", [rand([4, 3]), rand([3, 2])], (g, [a, b]) => ops.matmul(g, a, b));
  await check("add bcast", [rand([2, 3, 4]), rand([1, 3, 1])], (g, [a, b]) => ops.add(g, a, b));
  await check("sub bcast", [rand([2, 3]), rand([3])], (g, [a, b]) => ops.sub(g, a, b));
  await check("mul bcast", [rand([2, 3, 4]), rand([3, 1])], (g, [a, b]) => ops.mul(g, a, b));
  // keep relu inputs away from the kink so finite differences are exact
  const x = rand([3, 7]);
  x.value.forEach((v, i) => (x.value[i] = v < 0 ? v - 0.1 : v + 0.1));
  await check("relu", [x], (g, [t]) => ops.relu(g, t));
  await check("reshape", [rand([2, 6])], (g, [t]) => ops.reshape(g, t, [3, 4]));
});

test("batch norm (training mode), pool, concat, reductions", async () => {
  await check(
    "batchNormTrain",
    [rand([4, 3, 5], -2, 3), rand([3], 0.5, 1.5), rand([3])],
    (g, [x, ga, be]) => ops.batchNormTrain(g, x, ga, be).y,
  );
  await check("globalAvgPool", [rand([2, 3, 5])], (g, [x]) => ops.globalAvgPool(g, x));
  await check("concat", [rand([2, 3]), rand([2, 2])], (g, [a, b]) => ops.concat(g, [a, b]));
  await check("sum", [rand([2, 3])], (g, [x]) => ops.sum(g, x));
  await check("mean", [rand([2, 3])], (g, [x]) => ops.mean(g, x));
});

test("weighted softmax cross-entropy gradient", async () => {
  const onehot = new Float32Array(4 * 3);
  [2, 0, 1, 2].forEach((k, i) => (onehot[i * 3 + k] = 1));
  await check(
    "softmaxCrossEntropy",
    [rand([4, 3], -2, 2), { shape: [4, 3], value: onehot, grad: false }, rand([3], 0.5, 2, false)],
    (g, [z, y, w]) => ops.softmaxCrossEntropy(g, z, y, w),
  );
});

test("gradCheck catches a wrong backward rule", async () => {
  const r = await gradCheck([rand([2, 3])], (g, [x]) => {
    const y = g.op("Mul", [x, g.constant([2], [])], x.shape);
    return g.record([x], y, (gy) => [gy]); // wrong: should be 2 gy
  });
  assert.ok(r.worst > 10, `worst ${r.worst}`);
});
