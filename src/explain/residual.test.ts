// Explanations of a residual model (morph "residual") read the same input as classify: the beat minus its
// record's template, for the explained beat and for SHAP's background beats alike.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildBeatDataset, wfdbSource } from "../beats/index.js";
import { beatInputs } from "../model/beat-inputs.js";
import type { ModelMeta } from "../model/bundle.js";
import { beatRows, inputSpecOf, partInputs, trainingBackground } from "./bundle.js";
import { beatFromRecord, templateInMv } from "./record.js";

const meta = {
  fs: 360,
  lead: 0,
  window: { before: 90, after: 166 },
  scheme: "paper",
  classes: ["N", "L", "R", "A", "V"],
  extraFeatures: ["preRR/localRR"],
} as unknown as ModelMeta;
const residual: ModelMeta = { ...meta, morph: "residual" };
const len = 256;

test("explain's beat of a residual model: classify's input bit for bit, beat minus the record's template", async () => {
  const beat = await beatFromRecord("samples/100", 2044, inputSpecOf(residual));
  const plain = await beatFromRecord("samples/100", 2044, inputSpecOf(meta));
  assert.equal(plain.template, undefined);
  const rb = await wfdbSource("samples").read("100", 0);
  const samples = rb.beats.map((b) => b.sample);
  const all = beatInputs(rb.signal, rb.fs, samples, residual);
  const i = samples.indexOf(beat.sample);
  assert.deepEqual(beat.x, all.x.subarray(i * len, (i + 1) * len));
  assert.deepEqual(beat.template, all.template);
  for (let k = 0; k < len; k++) assert.equal(beat.x[k], Math.fround(plain.x[k] - beat.template![k]));
  // Drawn in the beat's mV: the template scaled back by the beat's own mean and standard deviation.
  assert.equal(beat.templateSignal!.length, beat.signal.length);
  const mean = beat.signal.reduce((a, b) => a + b, 0) / len;
  const sd = Math.sqrt(beat.signal.reduce((a, b) => a + (b - mean) ** 2, 0) / len);
  beat.templateSignal!.forEach((v, k) => assert.ok(Math.abs(v - (mean + sd * beat.template![k])) < 1e-5));
});

test("templateInMv: interpolated to the record's rate, the beat's scale", () => {
  const t = Float32Array.of(-1, 1, -1, 1);
  const w = Float64Array.of(1, 3, 1, 3); // mean 2, sd 1
  assert.deepEqual([...templateInMv(t, w, 1, 4)], [1, 3, 1, 3]);
  assert.deepEqual([...templateInMv(t, w, 2, 2)], [1, 1]);
  assert.deepEqual([...templateInMv(t, w, 0.5, 8)], [1, 2, 3, 2, 1, 2, 3, 3]);
});

test("a residual model's dataset inputs and SHAP background: each beat minus ITS record's template", async () => {
  const ds = await buildBeatDataset({ source: wfdbSource("samples"), scheme: "paper", split: "intra" });
  const t = ds.templates.get("100")!;
  const p = partInputs(residual, ds, "train");
  const q = partInputs(meta, ds, "train");
  assert.equal(q.templateOf, undefined);
  assert.equal(p.window, q.x);
  assert.equal(p.templateOf!(0), t);
  for (let k = 0; k < len; k++) assert.equal(p.x[len + k], Math.fround(q.x[len + k] - t[k]));
  const bg = trainingBackground(residual, ds, 5, 3);
  const bgPlain = trainingBackground(meta, ds, 5, 3);
  bg.x.forEach((v, j) => assert.equal(v, Math.fround(bgPlain.x[j] - t[j % len])));
  assert.deepEqual(bg.extra, bgPlain.extra);
});

test("a pair model's explainer rows are the beats themselves, each with its record's template", async () => {
  const pair: ModelMeta = { ...meta, morph: "pair" };
  const beat = await beatFromRecord("samples/100", 2044, inputSpecOf(pair));
  const plain = await beatFromRecord("samples/100", 2044, inputSpecOf(meta));
  const res = await beatFromRecord("samples/100", 2044, inputSpecOf(residual));
  assert.deepEqual(beat.x, plain.x);
  assert.deepEqual(beat.template, res.template);
  assert.deepEqual(beat.templateSignal, res.templateSignal);
  const rows = beatRows(pair, beat);
  assert.equal(rows.x, beat.x);
  assert.deepEqual(rows.template, [beat.template]);
  assert.equal(beatRows(residual, res).template, undefined);
  const ds = await buildBeatDataset({ source: wfdbSource("samples"), scheme: "paper", split: "intra" });
  const p = partInputs(pair, ds, "train");
  assert.equal(p.x, ds.parts.train.x);
  assert.equal(p.templateOf!(0), ds.templates.get("100"));
  assert.deepEqual(trainingBackground(pair, ds, 5, 3).x, trainingBackground(meta, ds, 5, 3).x);
});
