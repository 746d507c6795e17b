import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { openClassifier, type Classifier } from "../model/index.js";
import { resample } from "../signal/index.js";
import { trainTinyModel } from "../../test/tiny-model.js";
import { MITDB, needShared } from "../../test/shared.js";
import { join } from "node:path";
import {
  AnalyzerStream,
  analyzeInChunks,
  analyzeRecord,
  analyzeSignal,
  beatSamples,
  readLead,
  streamRecord,
  type RecordLead,
} from "./index.js";

let local: Classifier;
let recordLevel: Classifier;
let residual: Classifier;
let pair: Classifier;
const dirs: string[] = [];
let lead: RecordLead;

before(async () => {
  const a = await trainTinyModel({ name: "tiny-local" });
  const b = await trainTinyModel({
    name: "tiny-record",
    extraFeatures: ["preRR/recordRR", "postRR/localRR"],
  });
  const c = await trainTinyModel({ name: "tiny-residual", morph: "residual", steps: 64, balanced: true });
  const d = await trainTinyModel({ name: "tiny-pair", morph: "pair", steps: 64, balanced: true });
  dirs.push(a.dir, b.dir, c.dir, d.dir);
  residual = await openClassifier(c.dir);
  pair = await openClassifier(d.dir);
  local = await openClassifier(a.dir);
  recordLevel = await openClassifier(b.dir);
  lead = await readLead("samples/100");
});

after(async () => {
  await local.release();
  await recordLevel.release();
  await residual.release();
  await pair.release();
  for (const d of dirs) rmSync(dirname(d), { recursive: true, force: true });
});

/** Same beats and labels; probabilities equal up to float32 batch-size effects of the runtime. */
function assertSameBeats(
  got: { sample: number; label: string; probs: Record<string, number>; edge?: true }[],
  want: typeof got,
): void {
  assert.equal(got.length, want.length);
  assert.deepEqual(
    got.map((b) => b.sample),
    want.map((b) => b.sample),
  );
  assert.deepEqual(
    got.map((b) => `${b.label}${b.edge ? "!" : ""}`),
    want.map((b) => `${b.label}${b.edge ? "!" : ""}`),
  );
  got.forEach((b, i) => {
    for (const [c, p] of Object.entries(b.probs))
      assert.ok(Math.abs(p - want[i].probs[c]) <= 2e-6, `beat ${i} p(${c}) ${p} vs ${want[i].probs[c]}`);
  });
}

test("analyzeRecord: every detected beat classified, counts and burden add up", async () => {
  const a = await analyzeRecord("samples/100", local);
  assert.ok(a.beats.length > 2200 && a.beats.length < 2300, `${a.beats.length} beats`);
  const s = a.summary;
  assert.equal(
    Object.values(s.counts).reduce((x, y) => x + y, 0),
    a.beats.length,
  );
  assert.deepEqual(Object.keys(s.counts), ["N", "S", "V", "F", "Q"]);
  assert.ok(s.heartRate && s.heartRate.mean > 60 && s.heartRate.mean < 90);
  assert.ok(s.heartRate.min <= s.heartRate.mean && s.heartRate.mean <= s.heartRate.max);
  const share = (c: string) => (100 * s.counts[c]) / a.beats.length;
  assert.ok(Math.abs(s.ectopicBurden.ventricular - share("V")) < 0.01);
  assert.ok(Math.abs(s.ectopicBurden.supraventricular - share("S")) < 0.01);
  assert.equal(s.durationSeconds, Number((650000 / 360).toFixed(3)));
});

test("streaming with our detector equals the whole-record analysis, whatever the chunk size", async () => {
  const whole = await analyzeSignal(local, lead);
  for (const chunk of [777, 36000]) {
    const s = await analyzeInChunks(local, lead.signal, lead.fs, chunk);
    assertSameBeats(s.beats, whole.beats);
    assert.deepEqual(s.summary, whole.summary);
  }
});

test("streaming with given beats (atr) and with a record-level RR model equals the whole record", async () => {
  const samples = await beatSamples("samples/100", "atr", lead);
  const part = { fs: lead.fs, signal: lead.signal.subarray(0, 360 * 300) };
  const given = samples.filter((s) => s < part.signal.length + 50);
  assertSameBeats(
    (await analyzeInChunks(local, part.signal, part.fs, 1000, { samples: given })).beats,
    (await analyzeSignal(local, part, given)).beats,
  );
  assertSameBeats(
    (await analyzeInChunks(recordLevel, part.signal, part.fs, 1234)).beats,
    (await analyzeSignal(recordLevel, part)).beats,
  );
});

test("streaming equals whole at another sampling rate and across invalid samples", async () => {
  const n = 360 * 120;
  const sig = resample(lead.signal.subarray(0, n), 360, 250);
  sig.fill(NaN, 0, 40);
  sig.fill(NaN, 9000, 9300);
  const rec = { fs: 250, signal: sig };
  const whole = await analyzeSignal(local, rec);
  assert.equal(whole.invalidSamples, 340);
  assert.ok(whole.beats.length > 100);
  const s = await analyzeInChunks(local, sig, 250, 500);
  assertSameBeats(s.beats, whole.beats);
  assert.equal(s.invalidSamples, 340);
});

/** The classifier with its input changed by `f` (n x channels x len, in place) before the net sees it. */
const feeding = (c: Classifier, f: (x: Float32Array) => void): Classifier => ({
  ...c,
  predict: (x, e) => {
    const y = x.slice();
    f(y);
    return c.predict(y, e);
  },
});

const TEMPLATED: [string, () => Classifier, () => Classifier][] = [
  // The residual is applied: the same net without morph labels the beats otherwise.
  ["residual", () => residual, () => ({ ...residual, meta: { ...residual.meta, morph: undefined } })],
  // Both channels are fed: the pair net given the beat twice (template zero) labels the beats otherwise.
  [
    "pair",
    () => pair,
    () =>
      feeding(pair, (x) => {
        for (let o = 0; o < x.length; o += 512) x.copyWithin(o + 256, o, o + 256);
      }),
  ],
];

for (const [morph, model, other] of TEMPLATED) {
  test(`a ${morph} model streams as a record-level one: beats held until end(), then exactly the whole record`, async () => {
    const part = { fs: lead.fs, signal: lead.signal.slice(0, 360 * 300) };
    const whole = await analyzeSignal(model(), part);
    assert.ok(whole.beats.length > 300);
    const s = await analyzeInChunks(model(), part.signal, part.fs, 999);
    assertSameBeats(s.beats, whole.beats);
    // Given beats: held too (the template needs every beat), then equal.
    const given = (await beatSamples("samples/100", "atr", lead)).filter((x) => x < part.signal.length + 50);
    const stream = new AnalyzerStream(model(), part.fs, { samples: given });
    assert.deepEqual(await stream.push(part.signal), []);
    assertSameBeats(await stream.end(), (await analyzeSignal(model(), part, given)).beats);
    const o = await analyzeSignal(other(), part);
    assert.ok(o.beats.some((b, i) => Math.abs(b.probs.N - whole.beats[i].probs.N) > 1e-3));
  });

  test(`${morph} model: streaming equals whole at another rate and across invalid samples`, async () => {
    const n = 360 * 120;
    const sig = resample(lead.signal.subarray(0, n), 360, 250);
    sig.fill(NaN, 0, 40);
    sig.fill(NaN, 9000, 9300);
    const whole = await analyzeSignal(model(), { fs: 250, signal: sig });
    assert.equal(whole.invalidSamples, 340);
    const s = await analyzeInChunks(model(), sig, 250, 500);
    assertSameBeats(s.beats, whole.beats);
  });
}

test(
  "the shipped v1-aami-inter's second template: streamed as made whole (108), none where no beat takes one (100)",
  {
    skip: needShared(),
  },
  async () => {
    const c = await openClassifier("models/v1-aami-inter");
    try {
      const whole = await analyzeRecord(join(MITDB, "108"), c, { beats: "atr" });
      const streamed = await streamRecord(join(MITDB, "108"), c, { beats: "atr" });
      assert.equal(whole.secondTemplate?.length, 256);
      assert.deepEqual(streamed.secondTemplate, whole.secondTemplate);
      assertSameBeats(streamed.beats, whole.beats);
      assert.deepEqual(
        streamed.beats.map((b) => b.secondTemplate === true),
        whole.beats.map((b) => b.secondTemplate === true),
      );
      assert.ok(whole.beats.filter((b) => b.secondTemplate).length > 100);
      const none = await analyzeRecord(join(MITDB, "100"), c, { beats: "atr" });
      assert.equal(none.secondTemplate, undefined);
      assert.ok(!none.beats.some((b) => b.secondTemplate));
    } finally {
      await c.release();
    }
  },
);
