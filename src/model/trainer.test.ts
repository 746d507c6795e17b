import { test } from "node:test";
import assert from "node:assert/strict";
import { createSession, loadOrt } from "./engine/runtime.js";
import { createTrainer } from "./trainer.js";
import { syntheticBeats } from "./synthetic-beats.js";

/** Easily separable synthetic beats: class k is a bump at index 90 of width 4 + 3k and sign (-1)^k. */

const argmaxAccuracy = (p: Float32Array, y: Int32Array, k: number) =>
  y.reduce((acc, label, i) => {
    const row = p.subarray(i * k, (i + 1) * k);
    return acc + (row.indexOf(Math.max(...row)) === label ? 1 : 0);
  }, 0) / y.length;

test("training smoke test: a few epochs on separable synthetic beats clearly beat chance", async () => {
  const B = 32;
  const train = syntheticBeats(320, 1);
  const held = syntheticBeats(100, 2);
  const t = await createTrainer({ arch: "v2", batchSize: B, seed: 7, threads: 1 });
  let first = NaN;
  let last = NaN;
  for (let epoch = 0; epoch < 4; epoch++)
    for (let b = 0; b < train.y.length / B; b++) {
      const x = train.x.subarray(b * B * 256, (b + 1) * B * 256);
      const loss = await t.step(x, train.y.subarray(b * B, (b + 1) * B), 3e-3);
      if (Number.isNaN(first)) first = loss;
      last = loss;
    }
  const acc = argmaxAccuracy(await t.predict(held.x), held.y, 5);
  assert.ok(last < first * 0.5, `loss ${first} -> ${last}`);
  assert.ok(acc > 0.6, `held-out accuracy ${acc} (chance 0.2)`);
  await t.release();
});

test("focal loss: its first step's loss is below the cross-entropy's, and it trains", async () => {
  const B = 32;
  const train = syntheticBeats(320, 1);
  const make = (focalGamma?: number) =>
    createTrainer({ arch: "v2", batchSize: B, seed: 7, threads: 1, focalGamma });
  const [ce, fl] = await Promise.all([make(), make(2)]);
  const x0 = train.x.subarray(0, B * 256);
  const y0 = train.y.subarray(0, B);
  const [lossCe, lossFl] = [await ce.step(x0, y0, 3e-3), await fl.step(x0, y0, 3e-3)];
  // the same initial weights: (1 - p)^2 < 1 scales every beat's term down
  assert.ok(lossFl < lossCe && lossFl > 0, `focal ${lossFl} vs cross-entropy ${lossCe}`);
  for (let epoch = 0; epoch < 4; epoch++)
    for (let b = 0; b < train.y.length / B; b++)
      await fl.step(
        train.x.subarray(b * B * 256, (b + 1) * B * 256),
        train.y.subarray(b * B, (b + 1) * B),
        3e-3,
      );
  const held = syntheticBeats(100, 2);
  const acc = argmaxAccuracy(await fl.predict(held.x), held.y, 5);
  assert.ok(acc > 0.6, `held-out accuracy ${acc} (chance 0.2)`);
  await Promise.all([ce.release(), fl.release()]);
});

test("deterministic for a seed; weights round-trip; export matches predict", async () => {
  const { x, y } = syntheticBeats(16, 3);
  const make = () => createTrainer({ arch: "v1", batchSize: 16, seed: 11, threads: 1 });
  const [a, b] = await Promise.all([make(), make()]);
  for (let i = 0; i < 2; i++) assert.equal(await a.step(x, y, 1e-3), await b.step(x, y, 1e-3));
  const wa = a.getWeights();
  assert.deepEqual(wa, b.getWeights());
  const c = await createTrainer({ arch: "v1", batchSize: 16, seed: 99, threads: 1 });
  assert.notDeepEqual(c.getWeights()["stem.conv.weight"], wa["stem.conv.weight"]);
  c.setWeights(wa);
  const pa = await a.predict(x);
  assert.deepEqual(await c.predict(x), pa);
  // the shipped graph (ONNX Conv, BN folded by onnxruntime) agrees with the training-layout eval graph
  const { Tensor } = await loadOrt();
  const s = await createSession(a.exportOnnx());
  const pe = (await s.run({ x: new Tensor("float32", x, [16, 1, 256]) })).probs.data as Float32Array;
  pe.forEach((v, i) => assert.ok(Math.abs(v - pa[i]) < 1e-4, `prob ${i}: ${v} vs ${pa[i]}`));
  await Promise.all([a.release(), b.release(), c.release(), s.release()]);
});

test("weights + optimizer state resume training exactly", async () => {
  const { x, y } = syntheticBeats(16, 8);
  const make = () => createTrainer({ arch: "v2", batchSize: 16, seed: 4 });
  const [a, b] = await Promise.all([make(), make()]);
  for (let i = 0; i < 3; i++) await a.step(x, y, 2e-3);
  b.setWeights(a.getWeights());
  b.setOptimizerState(a.getOptimizerState());
  assert.equal(await b.step(x, y, 2e-3), await a.step(x, y, 2e-3));
  assert.deepEqual(b.getWeights(), a.getWeights());
  assert.throws(
    () => b.setOptimizerState({ m: new Float32Array(3), v: new Float32Array(3), step: 1 }),
    /moments/,
  );
  await Promise.all([a.release(), b.release()]);
});

test("dropout: deterministic for a seed, changes training, not eval", async () => {
  const { x, y } = syntheticBeats(16, 6);
  const make = (dropout: number) => createTrainer({ arch: "v2", batchSize: 16, seed: 2, dropout });
  const [a, b, c] = await Promise.all([make(0.5), make(0.5), make(0)]);
  const la = [await a.step(x, y, 1e-3), await a.step(x, y, 1e-3)];
  const lb = [await b.step(x, y, 1e-3), await b.step(x, y, 1e-3)];
  const lc = [await c.step(x, y, 1e-3), await c.step(x, y, 1e-3)];
  assert.deepEqual(la, lb);
  assert.notDeepEqual(la, lc);
  assert.deepEqual(await a.predict(x), await a.predict(x));
  await Promise.all([a.release(), b.release(), c.release()]);
});

test("extra features pathway: used by step, predict and the export", async () => {
  const { x, y } = syntheticBeats(8, 4);
  const t = await createTrainer({ arch: "v2", batchSize: 8, seed: 1, extraFeatures: 4 });
  const extra = new Float32Array(8 * 4).map((_, i) => (i % 4) - 1.5);
  assert.ok(Number.isFinite(await t.step(x, y, 1e-3, extra)));
  const p1 = await t.predict(x, extra);
  const p2 = await t.predict(
    x,
    extra.map((v) => v * 3),
  );
  assert.ok(
    p1.some((v, i) => Math.abs(v - p2[i]) > 1e-6),
    "extra features change the output",
  );
  await assert.rejects(() => t.predict(x), /extra/);
  assert.ok(t.exportOnnx().length > 4 * t.paramCount);
  await t.release();
});

test("bad input is rejected with a clear error", async () => {
  const t = await createTrainer({ arch: "v2", batchSize: 4 });
  await assert.rejects(() => t.step(new Float32Array(1 * 256), new Int32Array(1), 1e-3), /at least 2/);
  await assert.rejects(() => t.step(new Float32Array(4 * 256), new Int32Array(3), 1e-3), /4 labels/);
  await assert.rejects(
    () => t.step(new Float32Array(4 * 256 + 1), new Int32Array(4), 1e-3),
    /multiple of 256/,
  );
  assert.ok(
    Number.isFinite(await t.step(new Float32Array(3 * 256), new Int32Array(3), 1e-3)),
    "a short batch",
  );
  await assert.rejects(() => t.step(new Float32Array(4 * 256), Int32Array.of(0, 1, 2, 9), 1e-3), /label 9/);
  assert.throws(() => t.setWeights({}), /missing/);
  await t.release();
});

for (const channels of [1, 2]) {
  test(`the exported model (${channels} input channel(s)) runs in onnxruntime-web (wasm, as in the browser) with the same output`, async () => {
    const web = await import("onnxruntime-web");
    web.env.wasm.numThreads = 1;
    const beats = syntheticBeats(8 * channels, 5);
    const x = beats.x; // 8 beats of `channels` x 256 values
    const y = beats.y.subarray(0, 8);
    const t = await createTrainer({
      arch: "v1",
      batchSize: 8,
      seed: 3,
      extraFeatures: 4,
      inputChannels: channels,
    });
    const extra = new Float32Array(8 * 4).map((_, i) => i / 32);
    for (let i = 0; i < 2; i++) await t.step(x, y, 1e-3, extra);
    const p = await t.predict(x, extra);
    const s = await web.InferenceSession.create(t.exportOnnx());
    const out = await s.run({
      x: new web.Tensor("float32", x, [8, channels, 256]),
      extra: new web.Tensor("float32", extra, [8, 4]),
    });
    const q = out.probs.data as Float32Array;
    assert.equal(q.length, p.length);
    q.forEach((v, i) => assert.ok(Math.abs(v - p[i]) < 1e-4, `prob ${i}: ${v} vs ${p[i]}`));
    await Promise.all([s.release(), t.release()]);
  });
}
