import { test } from "node:test";
import assert from "node:assert/strict";
import { createExplainer } from "./explainer.js";
import { explainBeats } from "./explain.js";
import { sampleBackground } from "./shap.js";
import { windowStarts } from "./occlusion.js";
import { syntheticBeats, trainedTestModel } from "./testing.js";
import { completenessError, METHODS } from "./types.js";

const beats = syntheticBeats(10, 99);
const cls = Int32Array.from(beats.y);
const stats = (e: number[]) => ({ mean: e.reduce((a, b) => a + b, 0) / e.length, max: Math.max(...e) });

test("integrated gradients: completeness < 1 % on average and < 5 % on every beat (default settings)", async () => {
  const e = await createExplainer(await trainedTestModel());
  const r = await explainBeats(e, beats, cls, "ig");
  const s = stats(r.map(completenessError));
  assert.ok(s.mean < 0.01 && s.max < 0.05, JSON.stringify(s));
  // the attributions are not trivially zero, and the RR inputs get their share
  assert.ok(r.every((a) => Math.abs(a.output - a.baselineOutput!) > 0.1));
  assert.ok(r.some((a) => a.other.some((v) => Math.abs(v) > 1e-4)));
  await e.release();
});

test("GradientSHAP: completeness < 5 % on average and < 15 % on every beat; deterministic for a seed", async () => {
  const e = await createExplainer(await trainedTestModel());
  const train = syntheticBeats(200, 5);
  const bg = () => sampleBackground(train, 256, 4, 50, 7);
  const r = await explainBeats(e, beats, cls, "shap", { background: bg() });
  const s = stats(r.map(completenessError));
  assert.ok(s.mean < 0.05 && s.max < 0.15, JSON.stringify(s));
  // baselineOutput is the mean logit over the background
  const b = bg();
  const logits = await e.logits(b.x, b.extra);
  let mean = 0;
  for (let k = 0; k < 50; k++) mean += logits[k * 5 + cls[0]] / 50;
  assert.ok(Math.abs(mean - r[0].baselineOutput!) < 1e-4);
  const again = await explainBeats(e, beats, cls, "shap", { background: bg() });
  assert.deepEqual(again[3].attribution, r[3].attribution);
  const other = await explainBeats(e, beats, cls, "shap", {
    background: sampleBackground(train, 256, 4, 50, 8),
  });
  assert.notDeepEqual(other[3].attribution, r[3].attribution);
  await e.release();
});

test("both traced layouts (channel-major GEMMs and ONNX Conv) give the same gradients", async () => {
  const m = await trainedTestModel();
  const [a, b] = await Promise.all([createExplainer(m), createExplainer(m, { layout: "NCL" })]);
  const [ga, gb] = await Promise.all([
    a.gradients(beats.x, beats.extra, cls),
    b.gradients(beats.x, beats.extra, cls),
  ]);
  for (const key of ["logits", "gradX", "gradExtra", "acts", "gradActs"] as const)
    ga[key].forEach((v, i) => assert.ok(Math.abs(v - gb[key][i]) < 1e-4 * (1 + Math.abs(v)), `${key}[${i}]`));
  await Promise.all([a.release(), b.release()]);
});

test("input gradients agree with finite differences of the logit", async () => {
  const e = await createExplainer(await trainedTestModel());
  const x = beats.x.slice(0, 256);
  const extra = beats.extra.slice(0, 4);
  const g = await e.gradients(x, extra, Int32Array.of(2));
  const h = 1e-4; // small: ReLU kinks lie close together (float32 noise ~1e-3 here)
  for (const i of [60, 88, 90, 95, 130]) {
    const [xp, xm] = [x.slice(), x.slice()];
    xp[i] += h;
    xm[i] -= h;
    const lp = (await e.logits(xp, extra))[2];
    const lm = (await e.logits(xm, extra))[2];
    const numeric = (lp - lm) / (2 * h);
    assert.ok(
      Math.abs(numeric - g.gradX[i]) < 3e-3 + 0.05 * Math.abs(numeric),
      `${i}: ${numeric} vs ${g.gradX[i]}`,
    );
  }
  await e.release();
});

test("every method explains every class of every beat, one value per sample, finite", async () => {
  const e = await createExplainer(await trainedTestModel());
  const bg = sampleBackground(syntheticBeats(60, 2), 256, 4, 20, 1);
  const two = { x: beats.x.slice(0, 512), extra: beats.extra.slice(0, 8) };
  for (const method of METHODS)
    for (const c of [0, 4]) {
      const r = await explainBeats(e, two, Int32Array.of(c, c), method, {
        background: bg,
        ig: { maxSteps: 64 },
      });
      assert.equal(r.length, 2);
      for (const a of r) {
        assert.equal(a.method, method);
        assert.equal(a.classIndex, c);
        assert.equal(a.attribution.length, 256);
        assert.equal(a.other.length, 4);
        assert.ok(a.attribution.every(Number.isFinite) && a.other.every(Number.isFinite));
        assert.ok(Math.abs(a.output - a.logits[c]) < 1e-4);
      }
    }
  await assert.rejects(explainBeats(e, two, Int32Array.of(5, 0), "gradcam"), /class index 5 out of range/);
  await assert.rejects(explainBeats(e, two, Int32Array.of(0, 0), "shap"), /background/);
  await e.release();
});

test("occlusion windows cover every sample; a window's samples sum to its logit drop", async () => {
  const starts = windowStarts(256, 18, 6);
  assert.equal(starts[0], 0);
  assert.equal(starts[starts.length - 1], 238);
  assert.throws(() => windowStarts(10, 18, 6), /bad window/);
  const e = await createExplainer(await trainedTestModel());
  const x = beats.x.slice(0, 256);
  const extra = beats.extra.slice(0, 4);
  const [a] = await explainBeats(e, { x, extra }, Int32Array.of(0), "occlusion", {
    occlusion: { window: 16, stride: 16 },
  });
  const occluded = x.slice();
  occluded.fill(0, 32, 48);
  const drop = a.output - (await e.logits(occluded, extra))[0];
  const sum = a.attribution.subarray(32, 48).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - drop) < 1e-4, `${sum} vs ${drop}`);
  await e.release();
});

test("a model without RR inputs: every method runs, otherInputs empty, IG and SHAP complete", async () => {
  const { createTrainer } = await import("../model/trainer.js");
  const t = await createTrainer({ arch: "v2", batchSize: 4, seed: 1 });
  const weights = t.getWeights();
  await t.release();
  const e = await createExplainer({
    arch: "v2",
    classes: ["a", "b", "c", "d", "e"],
    extraNames: [],
    weights,
  });
  const x = beats.x.slice(0, 3 * 256);
  const bg = sampleBackground({ x: syntheticBeats(30, 4).x }, 256, 0, 10, 1);
  for (const method of METHODS) {
    const r = await explainBeats(e, { x }, Int32Array.of(0, 1, 2), method, { background: bg });
    assert.equal(r.length, 3);
    assert.ok(r.every((a) => a.other.length === 0 && a.attribution.length === 256));
    if (method === "ig" || method === "shap") assert.ok(r.every((a) => completenessError(a) < 0.05));
  }
  await e.release();
});
