import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_WINDOW, RR_DIM, extractRecordBeats, wfdbSource, type RecordBeats } from "../beats/index.js";
import { resample } from "../signal/index.js";
import { beatInputs, fillInvalid, paddedWindows, selectExtra } from "./beat-inputs.js";

const spec = { fs: 360, window: DEFAULT_WINDOW, extraFeatures: [] as string[] };
const len = 256;

async function record100(): Promise<RecordBeats> {
  return wfdbSource("samples").read("100", 0);
}

test("beats inside the record get exactly the training windows and RR features; edge beats are padded", async () => {
  const rb = await record100();
  const samples = rb.beats.map((b) => b.sample);
  const table = await extractRecordBeats(wfdbSource("samples"), "100", {
    lead: 0,
    window: DEFAULT_WINDOW,
    fs: 360,
  });
  const inp = beatInputs(rb.signal, rb.fs, samples, {
    ...spec,
    extraFeatures: ["preRR", "localRR/recordRR"],
  });
  assert.equal(inp.n, samples.length);
  const kept = new Set(table.sample);
  assert.equal(
    inp.edge.reduce((a, b) => a + b, 0),
    samples.length - table.sample.length,
  );
  let k = 0;
  samples.forEach((s, i) => {
    if (!kept.has(s)) {
      assert.equal(inp.edge[i], 1, `beat at ${s} should be an edge beat`);
      return;
    }
    assert.deepEqual(inp.x.subarray(i * len, (i + 1) * len), table.x.subarray(k * len, (k + 1) * len));
    assert.equal(inp.extra![i * 2], table.rr[k * RR_DIM + 0]);
    assert.equal(inp.extra![i * 2 + 1], table.rr[k * RR_DIM + 8]);
    k++;
  });
  assert.equal(k, table.sample.length);
});

test("records at another rate: resampled like the dataset builder, samples stay at the record's rate", async () => {
  const rb = await record100();
  const n = 360 * 60;
  const slow: RecordBeats = {
    fs: 250,
    signal: resample(rb.signal.subarray(0, n), 360, 250),
    beats: rb.beats
      .filter((b) => b.sample < n)
      .map((b) => ({ ...b, sample: Math.round((b.sample * 250) / 360) })),
  };
  const source = { records: async () => ["r"], read: async () => slow };
  const table = await extractRecordBeats(source, "r", {
    lead: 0,
    window: DEFAULT_WINDOW,
    fs: 360,
    resample: (x, a, b) => resample(x, a, b),
  });
  const samples = slow.beats.map((b) => b.sample);
  const inp = beatInputs(slow.signal, 250, samples, spec);
  const first = samples.indexOf(table.sample[0]);
  assert.ok(first >= 0);
  assert.deepEqual(inp.x.subarray(first * len, (first + table.sample.length) * len), table.x);
});

test("paddedWindows repeats the edge samples; a flat window is all zeros", () => {
  const sig = Float64Array.from({ length: 400 }, (_, i) => i);
  const { x, edge } = paddedWindows(sig, Int32Array.of(0, 200, 399), spec);
  assert.deepEqual([...edge], [1, 0, 1]);
  // Beat 0: 90 copies of 0 then 0..165: not flat, normalised.
  const w0 = x.subarray(0, len);
  assert.equal(w0[0], w0[89]);
  assert.ok(w0[200] > w0[100]);
  const flat = paddedWindows(new Float64Array(10).fill(3), Int32Array.of(5), spec);
  assert.ok(flat.x.every((v) => v === 0));
});

test("fillInvalid: NaN -> last valid sample, leading NaN -> first valid one; all-NaN is an error", () => {
  const r = fillInvalid(Float64Array.of(NaN, NaN, 1, 2, NaN, 4));
  assert.deepEqual([...r.signal], [1, 1, 1, 2, 2, 4]);
  assert.equal(r.filled, 3);
  assert.throws(() => fillInvalid(Float64Array.of(NaN, NaN)), /no valid sample/);
});

test("selectExtra picks the model's RR columns in its order and scales them", () => {
  const rr = Float32Array.from({ length: 2 * RR_DIM }, (_, i) => i);
  const e = selectExtra(rr, {
    ...spec,
    extraFeatures: ["postRR", "preRR"],
    extraScaling: { mean: [1, 0], std: [2, 1] },
  });
  assert.deepEqual([...e!], [0, 0, RR_DIM / 2, RR_DIM]);
  assert.equal(selectExtra(rr, spec), undefined);
});
