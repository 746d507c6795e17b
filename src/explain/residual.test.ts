// Explanations of a residual model (morph "residual") read the same input as classify: the beat minus its
// record's template, for the explained beat and for SHAP's background beats alike.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildBeatDataset, wfdbSource } from "../beats/index.js";
import { beatInputs } from "../model/beat-inputs.js";
import type { ModelMeta } from "../model/bundle.js";
import { SECOND_TEMPLATE } from "../model/second-template.js";
import { beat, record } from "../model/second-template-fixture.js";
import { beatRows, inputSpecOf, partInputs, trainingBackground, withSecondTemplates } from "./bundle.js";
import { beatFromRecord, templateInMv } from "./record.js";
import { gallerySvg } from "./gallery.js";
import type { Attribution } from "./types.js";

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

test("beatFromRecord with a given template (a second template): read against it, drawn in the beat's mV", async () => {
  const t = Float32Array.from({ length: len }, (_, k) => Math.sin(k / 20));
  const plain = await beatFromRecord("samples/100", 2044, inputSpecOf(meta));
  const res = await beatFromRecord("samples/100", 2044, inputSpecOf(residual), { template: t });
  assert.equal(res.template, t);
  for (let k = 0; k < len; k++) assert.equal(res.x[k], Math.fround(plain.x[k] - t[k]));
  const mean = res.signal.reduce((a, b) => a + b, 0) / len;
  const sd = Math.sqrt(res.signal.reduce((a, b) => a + (b - mean) ** 2, 0) / len);
  res.templateSignal!.forEach((v, k) => assert.ok(Math.abs(v - (mean + sd * t[k])) < 1e-5));
  const pair = await beatFromRecord("samples/100", 2044, inputSpecOf({ ...meta, morph: "pair" }), {
    template: t,
  });
  assert.deepEqual(pair.x, plain.x);
  assert.equal(pair.template, t);
  await assert.rejects(beatFromRecord("samples/100", 2044, inputSpecOf(meta), { template: t }), /reads none/);
  await assert.rejects(
    beatFromRecord("samples/100", 2044, inputSpecOf(residual), { template: t.subarray(1) }),
    /255 values for a window of 256/,
  );
});

test("withSecondTemplates: the beats of a second QRS shape take their record's second template", () => {
  // 60 narrow upright beats and 40 wide inverted ones, all called N by the first pass, of one record
  const shapes = [...new Array(60).fill([4, 1]), ...new Array(40).fill([9, -1])] as [number, number][];
  const r = record(shapes, new Array(100).fill(0));
  const first = beat(4, 1);
  const aami: ModelMeta = {
    ...meta,
    scheme: "aami",
    classes: ["N", "S", "V", "F", "Q"],
    extraFeatures: [],
    secondTemplate: SECOND_TEMPLATE,
  } as ModelMeta;
  const part = (morph: "residual" | "pair") => ({
    x: morph === "residual" ? r.windows.map((v, j) => v - first[j % len]) : r.windows,
    window: r.windows,
    templateOf: () => first,
    extra: new Float32Array(0),
    rr: r.beats.rr,
    y: new Int32Array(100),
    record: new Array<string>(100).fill("208"),
    sample: Int32Array.from({ length: 100 }, (_, i) => 400 * i),
  });
  const second = beat(9, -1);
  for (const morph of ["residual", "pair"] as const) {
    const p = part(morph);
    const got = withSecondTemplates({ ...aami, morph }, p, r.net);
    assert.deepEqual(
      [...got.moved],
      Array.from({ length: 40 }, (_, i) => 60 + i),
    );
    assert.equal(got.templateOf!(0), first);
    assert.ok(got.templateOf!(70).every((v, k) => Math.abs(v - second[k]) < 1e-5));
    for (const i of [0, 70])
      for (let k = 0; k < len; k++)
        assert.equal(
          got.x[i * len + k],
          morph === "pair"
            ? r.windows[i * len + k]
            : Math.fround(r.windows[i * len + k] - got.templateOf!(i)[k]),
        );
    assert.equal(withSecondTemplates({ ...aami, morph, secondTemplate: undefined }, p, r.net).moved.size, 0);
    // the gallery marks such a beat's panel and says what the mark means
    const item = (index: number) => ({
      index,
      record: "208",
      sample: 400 * index,
      truth: 0,
      predicted: 0,
      probs: [1, 0, 0, 0, 0],
      explanation: {
        method: "gradcam" as const,
        classIndex: 0,
        attribution: new Float32Array(len),
        other: new Float32Array(0),
        output: 1,
        baselineOutput: null,
      } as unknown as Attribution,
    });
    const g = { classIndex: 0, correct: [item(70)], wrong: [item(0)], total: 100, right: 99 };
    const o = { fs: 360, rIndex: 90, model: "m", templateOf: got.templateOf, morph };
    const svg = gallerySvg(g, aami.classes, "gradcam", r.windows, { ...o, secondTemplate: got.moved });
    assert.match(svg, /208 @ 28000: N → N 100\.0 % · 2nd</);
    assert.match(svg, /208 @ 0: N → N 100\.0 %</);
    assert.match(svg, /class="input-note"[^>]*>marked 2nd: read and explained against/);
    assert.doesNotMatch(gallerySvg(g, aami.classes, "gradcam", r.windows, o), /2nd/);
  }
});
