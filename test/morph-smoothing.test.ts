// A model.json with morphSmoothing: classify / analyze (whole record and streamed, held to the end) smooth every
// beat's N/V/F split over the record's beats most alike in QRS shape; the causal stream over the beats before
// each beat; --no-morph-smoothing (openClassifier's morphSmoothing: false) turns it off; a bad one is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  CausalSmoother,
  beatInputs,
  openClassifier,
  qrsShapes,
  smoothProbs,
  type ClassifiedBeat,
} from "../src/model/index.js";
import { analyzeSignal, recordInput, streamLead } from "../src/analyze/index.js";
import { trainTinyModel } from "./tiny-model.js";
import { runCli } from "./run-cli.js";

const morphSmoothing = { classes: ["N", "V", "F"], lambda: 0.75, k: 20 };
const rows = (beats: ClassifiedBeat[], classes: string[]) =>
  Float32Array.from(beats.flatMap((b) => classes.map((c) => b.probs[c])));

test("morphSmoothing in model.json: classify and the stream smooth the N/V/F split over look-alike beats", async () => {
  const { dir } = await trainTinyModel({ name: "smoothed", balanced: true });
  const meta = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
  try {
    await writeFile(join(dir, "model.json"), JSON.stringify({ ...meta, morphSmoothing }));
    const c = await openClassifier(dir, { threads: 1 });
    const plainC = await openClassifier(dir, { threads: 1, morphSmoothing: false });
    assert.deepEqual(c.meta.morphSmoothing, morphSmoothing);
    assert.equal(plainC.meta.morphSmoothing, undefined);
    const { lead, samples } = await recordInput("samples/100", c, { beats: "atr" });
    const plain = (await analyzeSignal(plainC, lead, samples)).beats;
    const analysis = await analyzeSignal(c, lead, samples);
    const smoothed = analysis.beats;
    const { classes } = c.meta;
    // the net's probabilities, smoothed over the record's windows (one record, its beats in order)
    const inputs = beatInputs(lead.signal, lead.fs, samples!, c.meta);
    const shapes = qrsShapes(inputs.windows, meta.window.before + meta.window.after, meta.window.before);
    const want = smoothProbs(rows(plain, classes), classes, shapes, morphSmoothing);
    const got = rows(smoothed, classes);
    want.forEach((v, i) => assert.ok(Math.abs(v - got[i]) < 2e-6, `value ${i}: ${got[i]} vs ${v}`));
    assert.ok(
      smoothed.some((b, i) => Math.abs(b.probs.N - plain[i].probs.N) > 1e-3),
      "the smoothing moved some beat's probabilities",
    );
    smoothed.forEach((b, i) => {
      for (const k of ["S", "Q"]) assert.equal(b.probs[k], plain[i].probs[k], `beat ${i} ${k} untouched`);
      // no guard here: the smoothing alone changes a class, and says from which
      assert.equal(b.smoothedFrom, b.label === plain[i].label ? undefined : plain[i].label, `beat ${i} flag`);
    });
    const relabelled = smoothed.filter((b) => b.smoothedFrom).length;
    const share = Number(((100 * relabelled) / smoothed.length).toFixed(2));
    assert.deepEqual(analysis.summary.morphSmoothed, { beats: relabelled, percent: share });
    assert.equal((await analyzeSignal(plainC, lead, samples)).summary.morphSmoothed, null);
    // the stream, held to the end, labels the same; the causal stream smooths over earlier beats only
    const key = (b: ClassifiedBeat) => `${b.sample} ${b.label} ${JSON.stringify(b.probs)} ${b.smoothedFrom}`;
    assert.deepEqual((await streamLead(c, lead, { samples })).beats.map(key), smoothed.map(key));
    const causal = (await streamLead(c, lead, { samples, causal: true })).beats;
    const plainCausal = (await streamLead(plainC, lead, { samples, causal: true })).beats;
    const wantCausal = new CausalSmoother(classes, morphSmoothing).next(rows(plainCausal, classes), shapes);
    const gotCausal = rows(causal, classes);
    wantCausal.forEach((v, i) => assert.ok(Math.abs(v - gotCausal[i]) < 2e-6, `causal value ${i}`));
    await Promise.all([plainC.release(), c.release()]);
    await writeFile(
      join(dir, "model.json"),
      JSON.stringify({ ...meta, morphSmoothing: { ...morphSmoothing, k: 0 } }),
    );
    await assert.rejects(openClassifier(dir, { threads: 1 }), /morphSmoothing k must be an integer >= 1/);
  } finally {
    await rm(dirname(dir), { recursive: true });
  }
});

test("shipped v2-aami-inter (morph smoothing): explain states classify's smoothed class, netProbs the net's", () => {
  const model = ["--model", "models/v2-aami-inter"];
  const c = runCli(["classify", "samples/100", ...model, "--beats", "atr", "--json"]);
  assert.equal(c.status, 0, c.stderr);
  const beats = (JSON.parse(c.stdout) as { beats: ClassifiedBeat[] }).beats;
  // 546792: the record's one V beat; the net calls it V, its 20 look-alikes in QRS shape are N beats
  const want = beats.find((b) => b.sample === 546792)!;
  assert.equal(want.smoothedFrom, "V", "classify flags the beat the smoothing relabelled");
  const r = runCli(["explain", "samples/100", "--beat", "546792", "--method", "gradcam", ...model, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { class: string; probs: Record<string, number>; netProbs: number[] };
  assert.equal(o.class, want.label);
  for (const [k, p] of Object.entries(want.probs)) assert.ok(Math.abs(o.probs[k] - p) <= 2e-6, k);
  assert.equal(o.netProbs.indexOf(Math.max(...o.netProbs)), 2, "the net alone says V");
  assert.notEqual(o.class, "V");
});
