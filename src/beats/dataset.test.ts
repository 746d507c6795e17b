import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { oversampleIndices } from "./balance.js";
import { buildBeatDataset, partCounts, takeRows, type BeatDataset } from "./dataset.js";
import { mulberry32 } from "./rng.js";
import { RR_DIM } from "./rr.js";
import type { BeatSource, RecordBeats } from "./source.js";
import { DS2, intraPart } from "./split.js";

const SYMBOLS = ["N", "N", "N", "N", "L", "R", "A", "V", "a", "J", "E", "F", "/", "f", "Q", "e", "j"];

/** A made-up source: records of 20,000 samples with a beat every ~300 samples of varied symbols. */
function fakeSource(names: string[], fs = 360): BeatSource & { reads: number } {
  const src = {
    reads: 0,
    records: async () => names,
    read: async (record: string): Promise<RecordBeats> => {
      src.reads++;
      const rng = mulberry32(Number(record));
      const n = 20_000;
      const signal = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 9) + rng() * 0.1);
      const beats = [];
      for (let s = 40 + Math.floor(rng() * 50); s < n; s += 250 + Math.floor(rng() * 100))
        beats.push({ sample: s, symbol: SYMBOLS[Math.floor(rng() * SYMBOLS.length)] });
      return { fs, signal, beats };
    },
    fingerprint: async (recs: readonly string[]) => `fake:${recs.join(",")}`,
  };
  return src;
}

const NAMES = ["100", "101", "102", "104", "118", "201", "208", "209", "232"];
const keys = (d: BeatDataset, p: "train" | "val" | "test") =>
  d.parts[p].record.map((r, i) => `${r}:${d.parts[p].sample[i]}`);

test("intra: every beat sits in the part the FNV-1a rule names; parts are disjoint", async () => {
  const d = await buildBeatDataset({ source: fakeSource(NAMES), scheme: "paper", split: "intra" });
  for (const p of ["train", "val", "test"] as const) {
    const part = d.parts[p];
    assert.ok(part.y.length > 0);
    assert.equal(part.x.length, part.y.length * 256);
    assert.equal(part.rr.length, part.y.length * RR_DIM);
    part.record.forEach((r, i) => assert.equal(intraPart(r, part.sample[i]), p));
    for (const y of part.y) assert.ok(y >= 0 && y < 5);
  }
  const test_ = new Set(keys(d, "test"));
  assert.ok(keys(d, "train").every((k) => !test_.has(k)));
  assert.ok(keys(d, "val").every((k) => !test_.has(k)));
});

test("no test beat in training, including after oversampling", async () => {
  for (const split of ["intra", "inter"] as const) {
    const d = await buildBeatDataset({ source: fakeSource(NAMES), scheme: "aami", split });
    const testKeys = new Set(keys(d, "test"));
    const train = d.parts.train;
    const idx = oversampleIndices(train.y, d.classes.length, { ratio: 0.25, rng: mulberry32(3) });
    assert.ok(idx.length > train.y.length, "oversampling added beats");
    const over = takeRows(train, idx, d.windowLength);
    over.record.forEach((r, i) => assert.ok(!testKeys.has(`${r}:${over.sample[i]}`), `${split} ${r}`));
    // Oversampled rows are exact copies of training rows.
    const k = idx.length - 1;
    assert.deepEqual(
      over.x.subarray(k * 256, (k + 1) * 256),
      train.x.subarray(idx[k] * 256, (idx[k] + 1) * 256),
    );
  }
});

test("inter: DS2 records only in test, validation only from the DS1 hold-out, paced records left out", async () => {
  const d = await buildBeatDataset({ source: fakeSource(NAMES), scheme: "aami", split: "inter" });
  assert.ok(d.parts.test.record.every((r) => DS2.includes(r)));
  assert.deepEqual([...new Set(d.parts.test.record)].sort(), ["100", "232"]);
  assert.deepEqual([...new Set(d.parts.val.record)].sort(), ["118", "201"]);
  assert.deepEqual([...new Set(d.parts.train.record)].sort(), ["101", "208", "209"]);
  assert.ok(!d.records.includes("102") && !d.records.includes("104"));
  await assert.rejects(
    buildBeatDataset({ source: fakeSource(NAMES), scheme: "aami", split: "inter", valRecords: ["232"] }),
    /232 is not in DS1/,
  );
});

test("labels follow the scheme: paper drops non-N/L/R/A/V beats; aami maps them", async () => {
  const paper = await buildBeatDataset({ source: fakeSource(NAMES), scheme: "paper", split: "intra" });
  const aami = await buildBeatDataset({ source: fakeSource(NAMES), scheme: "aami", split: "intra" });
  const total = (d: BeatDataset) => d.parts.train.y.length + d.parts.val.y.length + d.parts.test.y.length;
  assert.ok(total(aami) > total(paper));
  const counts = partCounts(aami.parts.train.y, aami.classes);
  assert.ok(counts.S > 0 && counts.F > 0 && counts.Q > 0, JSON.stringify(counts));
});

test("beats whose window leaves the record are dropped and counted", async () => {
  const src = fakeSource(["100"]);
  const rb = await src.read("100", 0);
  src.read = async () => ({
    ...rb,
    beats: [{ sample: 10, symbol: "N" }, ...rb.beats, { sample: 19_990, symbol: "V" }],
  });
  const d = await buildBeatDataset({ source: src, scheme: "paper", split: "intra" });
  assert.ok(d.dropped.edge >= 2);
  const all = ["train", "val", "test"].flatMap((p) => [...d.parts[p as "test"].sample]);
  assert.ok(!all.includes(10) && !all.includes(19_990));
});

test("a record at another rate is resampled to 360 Hz; its R peaks stay at window index 90", async () => {
  const spikes = (fs: number): BeatSource => ({
    records: async () => ["100"],
    read: async () => {
      const signal = new Float64Array(fs * 20);
      const beats = [];
      for (let t = 1; t < 19; t += 0.8) {
        const s = Math.round(t * fs);
        for (let k = -3; k <= 3; k++) signal[s + k] = Math.exp(-(k * k) / 2); // a smooth R wave
        beats.push({ sample: s, symbol: "N" });
      }
      return { fs, signal, beats };
    },
  });
  const calls: number[][] = [];
  const nearest = (x: Float64Array, from: number, to: number) => {
    calls.push([from, to]);
    return Float64Array.from(
      { length: Math.round((x.length * to) / from) },
      (_, i) => x[Math.round((i * from) / to)] ?? 0,
    );
  };
  for (const [fs, d] of [
    [250, await buildBeatDataset({ source: spikes(250), scheme: "paper", split: "intra" })],
    [
      500,
      await buildBeatDataset({ source: spikes(500), scheme: "paper", split: "intra", resample: nearest }),
    ],
  ] as const) {
    const p = d.parts.train;
    assert.ok(p.y.length > 5);
    for (let r = 0; r < p.y.length; r++) {
      let argmax = 0;
      for (let k = 1; k < 256; k++) if (p.x[r * 256 + k] > p.x[r * 256 + argmax]) argmax = k;
      assert.ok(Math.abs(argmax - 90) <= 1, `beat ${r}: R at ${argmax}`);
    }
    // Samples (the split key) stay at the record's own rate.
    const own = new Set<number>();
    for (let t = 1; t < 19; t += 0.8) own.add(Math.round(t * fs));
    assert.ok(p.sample.every((s) => own.has(s)));
  }
  assert.deepEqual(calls, [[500, 360]]);
});

test("the cache returns the same dataset without reading the source again", async () => {
  const dir = await mkdtemp(join(tmpdir(), "av-beats-"));
  try {
    const src = fakeSource(NAMES);
    const a = await buildBeatDataset({ source: src, scheme: "aami", split: "intra", cacheDir: dir });
    const reads = src.reads;
    const b = await buildBeatDataset({ source: src, scheme: "aami", split: "intra", cacheDir: dir });
    const c = await buildBeatDataset({ source: src, scheme: "paper", split: "inter", cacheDir: dir });
    assert.equal(src.reads, reads, "second and third builds came from the cache");
    assert.deepEqual(b, a);
    assert.ok(c.parts.test.y.length > 0);
    assert.equal((await readdir(dir)).length, 1);
  } finally {
    await rm(dir, { recursive: true });
  }
});
