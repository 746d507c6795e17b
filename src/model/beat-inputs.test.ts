import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_WINDOW,
  RR_DIM,
  buildBeatDataset,
  extractRecordBeats,
  medianTemplate,
  wfdbSource,
  type RecordBeats,
} from "../beats/index.js";
import { resample } from "../signal/index.js";
import { MITDB, needShared } from "../../test/shared.js";
import {
  beatInputs,
  datasetMorph,
  fillInvalid,
  netInputShape,
  paddedWindows,
  selectExtra,
} from "./beat-inputs.js";

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

test(
  "residual model, --beats atr on mitdb 208: every beat inside the record gets the dataset's net input bit for bit",
  { skip: needShared() },
  async () => {
    const source = wfdbSource(MITDB);
    const ds = await buildBeatDataset({ source, scheme: "aami", split: "intra", records: ["208"] });
    const rb = await source.read("208", 0);
    const samples = rb.beats.map((b) => b.sample);
    const inp = beatInputs(rb.signal, rb.fs, samples, { ...spec, morph: "residual" });
    assert.deepEqual(inp.template, ds.templates.get("208"));
    const at = new Map(samples.map((s, i) => [s, i]));
    let compared = 0;
    for (const p of ["train", "val", "test"] as const) {
      const part = ds.parts[p];
      const want = datasetMorph(part.x, part.record, len, ds.templates, "residual");
      part.sample.forEach((s, k) => {
        const i = at.get(s)!;
        assert.equal(inp.edge[i], 0);
        assert.deepEqual(inp.x.subarray(i * len, (i + 1) * len), want.subarray(k * len, (k + 1) * len));
        compared++;
      });
    }
    // Record 208 has beats outside the AAMI classes (Q beats count, unclassifiable ones do not): the
    // template still spans every beat annotation, as the dataset's does.
    assert.ok(compared > 2900, `${compared} beats compared`);
    // The same windows without the residual are the plain windows: the template was subtracted.
    const plain = beatInputs(rb.signal, rb.fs, samples, spec);
    assert.equal(plain.template, undefined);
    const i = at.get(ds.parts.test.sample[0])!;
    const t = inp.template!;
    for (let j = 0; j < len; j++) assert.equal(inp.x[i * len + j], Math.fround(plain.x[i * len + j] - t[j]));
  },
);

test("residual template: windows with invalid samples and edge beats are left out, as training leaves them", async () => {
  const rb = await record100();
  const signal = rb.signal.slice();
  signal.fill(NaN, 100_000, 100_500);
  const source = { records: async () => ["r"], read: async () => ({ ...rb, signal }) };
  const table = await extractRecordBeats(source, "r", { lead: 0, window: DEFAULT_WINDOW, fs: 360 });
  const samples = rb.beats.map((b) => b.sample);
  const inp = beatInputs(signal, rb.fs, samples, { ...spec, morph: "residual" });
  assert.ok(inp.filled === 500 && table.sample.length < samples.length - 3);
  assert.deepEqual(inp.template, medianTemplate(table.x, len));
});

test("residual with one, two or only edge beats: the median of what there is; no beat: empty", () => {
  const sig = Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i / 7) + (i % 300 === 0 ? 3 : 0));
  const rs = { ...spec, morph: "residual" as const };
  const one = beatInputs(sig, 360, [600], rs);
  assert.ok(
    one.x.every((v) => v === 0),
    "a lone beat is its own template",
  );
  const two = beatInputs(sig, 360, [600, 1200], rs);
  const plain = beatInputs(sig, 360, [600, 1200], spec);
  for (let k = 0; k < len; k++)
    assert.equal(two.template![k], Math.fround(0.5 * (plain.x[k] + plain.x[len + k])));
  // Both beats leave the record: the template is taken over all of them.
  const edges = beatInputs(sig, 360, [10, 1990], rs);
  assert.deepEqual([...edges.edge], [1, 1]);
  const pe = beatInputs(sig, 360, [10, 1990], spec);
  for (let k = 0; k < len; k++)
    assert.equal(edges.template![k], Math.fround(0.5 * (pe.x[k] + pe.x[len + k])));
  const none = beatInputs(sig, 360, [], rs);
  assert.equal(none.n, 0);
  assert.equal(none.x.length, 0);
});

test("datasetMorph subtracts each row's own record template; a missing template is a clear error", () => {
  const x = Float32Array.of(1, 2, 3, 4, 5, 6);
  const t = new Map([
    ["a", Float32Array.of(1, 1)],
    ["b", Float32Array.of(0, 2)],
  ]);
  assert.deepEqual([...datasetMorph(x, ["a", "b", "a"], 2, t, "residual")], [0, 1, 3, 2, 4, 5]);
  assert.equal(datasetMorph(x, ["a", "b", "c"], 2, t, "none"), x);
  assert.throws(() => datasetMorph(x, ["a", "b", "c"], 2, t, "residual"), /no template of record c/);
  // pair: each row, then the row minus its record's template.
  assert.deepEqual([...datasetMorph(x, ["a", "b", "a"], 2, t, "pair")], [1, 2, 0, 1, 3, 4, 3, 2, 5, 6, 4, 5]);
  assert.throws(
    () => datasetMorph(x, ["a", "c", "a"], 2, t, "pair"),
    /no template of record c for a pair model/,
  );
});

test("netInputShape: channels x window length per beat, two channels for a pair model", () => {
  const w = { before: 90, after: 110 };
  assert.deepEqual(netInputShape({ window: w }), { channels: 1, len: 200, size: 200 });
  assert.deepEqual(netInputShape({ window: w, morph: "residual" }), { channels: 1, len: 200, size: 200 });
  assert.deepEqual(netInputShape({ window: w, morph: "pair" }), { channels: 2, len: 200, size: 400 });
});

test("pair inputs of a record with invalid samples and edge beats: [window, window - residual template]", async () => {
  const rb = await record100();
  const signal = rb.signal.slice();
  signal.fill(NaN, 100_000, 100_500);
  const samples = rb.beats.map((b) => b.sample);
  const pair = beatInputs(signal, rb.fs, samples, { ...spec, morph: "pair" });
  const res = beatInputs(signal, rb.fs, samples, { ...spec, morph: "residual" });
  const plain = beatInputs(signal, rb.fs, samples, spec);
  assert.deepEqual(pair.template, res.template);
  assert.ok(pair.edge.some((e) => e));
  assert.equal(pair.x.length, 2 * samples.length * len);
  for (let i = 0; i < samples.length; i++) {
    assert.deepEqual(
      pair.x.subarray(2 * i * len, (2 * i + 1) * len),
      plain.x.subarray(i * len, (i + 1) * len),
    );
    assert.deepEqual(
      pair.x.subarray((2 * i + 1) * len, (2 * i + 2) * len),
      res.x.subarray(i * len, (i + 1) * len),
    );
  }
});
