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

/** Runs g in onnxruntime on inputs x and w: its outputs "ref" and "cm" agree within 1e-5. */
async function assertCmEqualsRef(g: Graph, x: GradInput, w: GradInput) {
  const { encodeModel } = await import("../onnx.js");
  const { createSession, loadOrt } = await import("../runtime.js");
  const { Tensor } = await loadOrt();
  const s = await createSession(encodeModel(g.toModel()));
  const out = await s.run({
    x: new Tensor("float32", x.value, x.shape),
    w: new Tensor("float32", w.value, w.shape),
  });
  const [a, b] = [out.ref.data as Float32Array, out.cm.data as Float32Array];
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `${i}: ${v} vs ${b[i]}`));
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

test("weighted focal loss gradient, hard and soft labels, gamma 1 and 2", async () => {
  const onehot = new Float32Array(4 * 3);
  [2, 0, 1, 2].forEach((k, i) => (onehot[i * 3 + k] = 1));
  const soft = Float32Array.from([0.7, 0.2, 0.1, 0, 1, 0, 0.5, 0, 0.5, 0.1, 0.1, 0.8]);
  for (const gamma of [1, 2])
    for (const y of [onehot, soft])
      await check(
        `focalCrossEntropy gamma ${gamma}`,
        [rand([4, 3], -2, 2), { shape: [4, 3], value: y, grad: false }, rand([3], 0.5, 2, false)],
        (g, [z, t, w]) => ops.focalCrossEntropy(g, z, t, w, gamma),
      );
});

test("meanProbLogits: centred logits of the members' mean probabilities, and their gradient to each member", async () => {
  for (const m of [1, 2, 3])
    await check(
      `meanProbLogits of ${m}`,
      Array.from({ length: m }, () => rand([4, 5], -3, 3)),
      (g, ls) => ops.meanProbLogits(g, ls),
    );
  const { encodeModel } = await import("../onnx.js");
  const { createSession, loadOrt } = await import("../runtime.js");
  const { Graph } = await import("../graph.js");
  const { Tensor } = await loadOrt();
  const g = new Graph();
  const [a, b] = [g.input("a", [2, 3]), g.input("b", [2, 3])];
  const ens = ops.meanProbLogits(g, [a, b]);
  g.output(g.op("Softmax", [ens], [2, 3], { axis: 1 }), "p");
  g.output(ens, "y");
  g.output(ops.meanProbLogits(g, [a]), "one");
  const la = Float32Array.from([0, 1, 2, 30, -30, 0]);
  const lb = Float32Array.from([2, 1, 0, -30, 30, 0]);
  const s = await createSession(encodeModel(g.toModel()));
  const out = await s.run({ a: new Tensor("float32", la, [2, 3]), b: new Tensor("float32", lb, [2, 3]) });
  const [p, y, one] = [out.p.data, out.y.data, out.one.data] as Float32Array[];
  const softmax = (l: Float32Array) => {
    const e = Array.from(l, Math.exp);
    const z = e.reduce((x, y) => x + y, 0);
    return e.map((v) => v / z);
  };
  const want = [0, 1].flatMap((r) => {
    const [pa, pb] = [softmax(la.subarray(r * 3, r * 3 + 3)), softmax(lb.subarray(r * 3, r * 3 + 3))];
    return pa.map((v, i) => (v + pb[i]) / 2);
  });
  want.forEach((v, i) => assert.ok(Math.abs(v - p[i]) < 1e-6, `${i}: ${p[i]} vs ${v}`));
  for (const r of [0, 1]) assert.ok(Math.abs(y[r * 3] + y[r * 3 + 1] + y[r * 3 + 2]) < 1e-4, "centred");
  // one member: its own logits minus their mean
  const centred = [1, 0].flatMap((m, r) => Array.from(la.subarray(r * 3, r * 3 + 3), (v) => v - m));
  centred.forEach((v, i) => assert.ok(Math.abs(v - one[i]) < 1e-4, `${i}: ${one[i]} vs ${v}`));
  assert.throws(() => ops.meanProbLogits(new Graph(), []), /no members/);
});

test("gradCheck catches a wrong backward rule", async () => {
  const r = await gradCheck([rand([2, 3])], (g, [x]) => {
    const y = g.op("Mul", [x, g.constant([2], [])], x.shape);
    return g.record([x], y, (gy) => [gy]); // wrong: should be 2 gy
  });
  assert.ok(r.worst > 10, `worst ${r.worst}`);
});

test("matmul gradients: 2-D and batched, every transpose combination", async () => {
  for (const [tA, tB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ]) {
    const a2 = tA ? [3, 4] : [4, 3];
    const b2 = tB ? [2, 3] : [3, 2];
    await check(`2-D ${tA} ${tB}`, [rand(a2), rand(b2)], (g, [a, b]) =>
      ops.matmul(g, a, b, { transA: tA, transB: tB }),
    );
    await check(`3-D ${tA} ${tB}`, [rand([2, ...a2]), rand([2, ...b2])], (g, [a, b]) =>
      ops.matmul(g, a, b, { transA: tA, transB: tB }),
    );
  }
});

test("channel-major convs: pointwise, depthwise (Toeplitz), single-channel stem", async () => {
  await check("pointwiseCM", [rand([3, 2, 5]), rand([4, 3])], (g, [x, w]) => ops.pointwiseCM(g, x, w));
  await check("depthwiseCM s1", [rand([3, 2, 9]), rand([3, 7])], (g, [x, w]) =>
    ops.depthwiseCM(g, x, w, { stride: 1, pad: 3 }),
  );
  await check("depthwiseCM s2", [rand([3, 2, 11]), rand([3, 7])], (g, [x, w]) =>
    ops.depthwiseCM(g, x, w, { stride: 2, pad: 3 }),
  );
  await check("inputConvCM", [rand([2, 1, 12], -1, 1, false), rand([4, 7])], (g, [x, w]) =>
    ops.inputConvCM(g, x, w, { stride: 2, pad: 3 }),
  );
  await check("inputConvCM 2 channels", [rand([2, 2, 12], -1, 1, false), rand([4, 14])], (g, [x, w]) =>
    ops.inputConvCM(g, x, w, { stride: 2, pad: 3 }),
  );
  await check(
    "batchNormTrain CNL",
    [rand([3, 4, 5], -2, 3), rand([3], 0.5, 1.5), rand([3])],
    (g, [x, ga, be]) => ops.batchNormTrain(g, x, ga, be, { layout: "CNL" }).y,
  );
  await check("transpose", [rand([2, 3, 4])], (g, [x]) => ops.transpose(g, x, [2, 0, 1]));
});

test("channel-major convs compute the same as ONNX Conv", async () => {
  const { Graph } = await import("../graph.js");
  const [n, c, l] = [2, 3, 11];
  const x = rand([n, c, l]);
  const w = rand([c, 1, 7]);
  const g = new Graph();
  const xi = g.input("x", [n, c, l]);
  const wi = g.input("w", [c, 1, 7]);
  const ref = ops.conv1d(g, xi, wi, undefined, { stride: 2, pad: 3, group: c });
  const xc = ops.transpose(g, xi, [1, 0, 2]);
  const cm = ops.depthwiseCM(g, xc, ops.reshape(g, wi, [c, 7]), { stride: 2, pad: 3 });
  g.output(ref, "ref");
  g.output(ops.transpose(g, cm, [1, 0, 2]), "cm");
  await assertCmEqualsRef(g, x, w);
});

test("batch norm in eval mode: gradients of input, scale and shift (NCL and CNL)", async () => {
  const stats = (lo: number, hi: number) => rand([3], lo, hi, false);
  for (const layout of ["NCL", "CNL"] as const)
    await check(
      `batchNormEval ${layout}`,
      [
        rand(layout === "NCL" ? [4, 3, 5] : [3, 4, 5], -2, 3),
        rand([3], 0.5, 1.5),
        rand([3]),
        stats(-1, 1),
        stats(0.5, 2),
      ],
      (g, [x, ga, be, rm, rv]) => ops.batchNormEval(g, x, ga, be, rm, rv, { layout }),
    );
});

for (const c of [1, 2])
  test(`stem conv (channel-major), ${c} input channel(s), with an input gradient, equals ONNX Conv`, async () => {
    await check("inputConvCM dx", [rand([2, c, 12]), rand([4, 7 * c])], (g, [x, w]) =>
      ops.inputConvCM(g, x, w, { stride: 2, pad: 3 }),
    );
    const { Graph } = await import("../graph.js");
    const [x, w] = [rand([2, c, 13]), rand([4, c, 7])];
    for (const requiresGrad of [true, false]) {
      const g = new Graph();
      const xi = g.input("x", [2, c, 13], { requiresGrad });
      const wi = g.input("w", [4, c, 7]);
      g.output(ops.conv1d(g, xi, wi, undefined, { stride: 2, pad: 3 }), "ref");
      const cm = ops.inputConvCM(g, xi, ops.reshape(g, wi, [4, 7 * c]), { stride: 2, pad: 3 });
      g.output(ops.transpose(g, cm, [1, 0, 2]), "cm");
      await assertCmEqualsRef(g, x, w);
    }
  });

test("dropout: about p of the inputs dropped, the rest scaled by 1/(1-p), gradient through the same mask", async () => {
  const { Graph } = await import("../graph.js");
  const { backward } = await import("../autodiff.js");
  const { encodeModel } = await import("../onnx.js");
  const { createSession, loadOrt } = await import("../runtime.js");
  const { Tensor } = await loadOrt();
  const g = new Graph();
  const x = g.input("x", [4, 1000], { requiresGrad: true });
  const y = ops.dropout(g, x, 0.25, 7);
  const [gx] = backward(g, ops.sum(g, y), [x]);
  g.output(y, "y");
  g.output(gx, "gx");
  const s = await createSession(encodeModel(g.toModel()));
  const ones = new Tensor("float32", new Float32Array(4000).fill(1), [4, 1000]);
  const runs = [await s.run({ x: ones }), await s.run({ x: ones })];
  for (const out of runs) {
    const [yv, gv] = [out.y.data as Float32Array, out.gx.data as Float32Array];
    const dropped = yv.filter((v) => v === 0).length / yv.length;
    assert.ok(Math.abs(dropped - 0.25) < 0.04, `dropped ${dropped}`);
    yv.forEach((v, i) =>
      assert.ok((v === 0 || Math.abs(v - 4 / 3) < 1e-6) && gv[i] === v, `${i}: ${v} ${gv[i]}`),
    );
  }
  assert.notDeepEqual(runs[0].y.data, runs[1].y.data, "a fresh mask each run");
  assert.equal(ops.dropout(g, x, 0, 1), x);
});
