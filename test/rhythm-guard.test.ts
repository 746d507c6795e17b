// A model.json with a rhythmGuard: classify / analyze (whole record and streamed) rule the guarded class out
// on the beats whose rhythmIrregularity reaches the threshold and shift its prior elsewhere; a bad guard is
// refused when the bundle loads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { RR_DIM, RR_FEATURES, rrFeatures } from "../src/beats/index.js";
import { openClassifier, type ClassifiedBeat } from "../src/model/index.js";
import { analyzeSignal, recordInput, streamLead } from "../src/analyze/index.js";
import { trainTinyModel } from "./tiny-model.js";

test("rhythmGuard in model.json: classify and the stream rule S out on irregular beats, shift its prior elsewhere", async () => {
  const { dir } = await trainTinyModel({ name: "guarded", balanced: true });
  const meta = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
  const withGuard = async (rhythmGuard: unknown) => {
    await writeFile(join(dir, "model.json"), JSON.stringify({ ...meta, rhythmGuard }));
    return openClassifier(dir, { threads: 1 });
  };
  try {
    const plainC = await openClassifier(dir, { threads: 1 });
    const { lead, samples } = await recordInput("samples/100", plainC, { beats: "atr" });
    const plain = (await analyzeSignal(plainC, lead, samples)).beats;
    assert.ok(
      plain.some((b) => b.label === "S"),
      "the tiny model calls some beats S",
    );
    const irr = rrFeatures(samples!, lead.fs).filter(
      (_, i) => i % RR_DIM === RR_FEATURES.indexOf("rhythmIrregularity"),
    );
    const threshold = [...irr].sort()[irr.length >> 1]; // half the beats irregular
    const c = await withGuard({ suppress: "S", threshold, logOffset: Math.log(4) });
    const analysis = await analyzeSignal(c, lead, samples);
    const guarded = analysis.beats;
    let flagged = 0;
    guarded.forEach((b, i) => {
      const p = plain[i].probs;
      const w = irr[i] >= threshold ? 0 : 4;
      flagged += w === 0 ? 1 : 0;
      const sum = p.N + p.V + p.F + p.Q + w * p.S;
      for (const k of ["N", "S", "V", "F", "Q"])
        assert.ok(Math.abs(b.probs[k] - (k === "S" ? w * p.S : p[k]) / sum) < 2e-6, `beat ${i} ${k}`);
      if (w === 0) assert.notEqual(b.label, "S");
      assert.equal(b.irregularRhythm, w === 0 ? true : undefined, `beat ${i} flag`);
    });
    assert.ok(flagged > 0 && flagged < guarded.length);
    const share = Number(((100 * flagged) / guarded.length).toFixed(2));
    assert.deepEqual(analysis.summary.irregularRhythm, { beats: flagged, percent: share });
    assert.equal((await analyzeSignal(plainC, lead, samples)).summary.irregularRhythm, null);
    // the stream (held to the end: a pair-free model with local RR inputs, beats given) labels the same
    const streamed = await streamLead(c, lead, { samples });
    const key = (b: ClassifiedBeat) =>
      `${b.sample} ${b.label} ${JSON.stringify(b.probs)} ${b.irregularRhythm}`;
    assert.deepEqual(streamed.beats.map(key), guarded.map(key));
    await Promise.all([plainC.release(), c.release()]);
    await assert.rejects(
      withGuard({ suppress: "A", threshold: 0.1, logOffset: 0 }),
      /rhythmGuard suppress must be one of the classes/,
    );
  } finally {
    await rm(dirname(dir), { recursive: true });
  }
});
