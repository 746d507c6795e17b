import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { MITDB, needShared } from "../../test/shared.js";
import { readAnnotations } from "../wfdb/index.js";
import { oversampleIndices } from "./balance.js";
import { buildBeatDataset } from "./dataset.js";
import { mulberry32 } from "./rng.js";
import { SCHEMES, labelOf } from "./labels.js";
import { DS1, DS2 } from "./split.js";
import { wfdbSource } from "./wfdb-source.js";

test(
  "mitdb: every paper-scheme beat lands in exactly one part or is counted as dropped",
  { skip: needShared() },
  async () => {
    const source = wfdbSource(MITDB);
    const records = await source.records();
    assert.equal(records.length, 48);
    const d = await buildBeatDataset({ source, scheme: "paper", split: "intra" });
    let expected = 0;
    for (const r of records)
      for (const a of await readAnnotations(join(MITDB, r), "atr"))
        if (labelOf(SCHEMES.paper, a.symbol) >= 0) expected++;
    const kept = d.parts.train.y.length + d.parts.val.y.length + d.parts.test.y.length;
    assert.equal(kept + d.dropped.edge + d.dropped.invalid, expected);
    assert.ok(kept > 100_000 && d.dropped.edge < 100, `${kept} kept, ${d.dropped.edge} dropped`);
    // No test beat in training, also after oversampling (its indices only point into the training part).
    const key = (p: "train" | "val" | "test", i: number) => `${d.parts[p].record[i]}:${d.parts[p].sample[i]}`;
    const testKeys = new Set(d.parts.test.record.map((_, i) => key("test", i)));
    const over = oversampleIndices(d.parts.train.y, d.classes.length, { rng: mulberry32(1) });
    assert.ok(over.length > d.parts.train.y.length);
    for (const i of over) assert.ok(!testKeys.has(key("train", i)));
    for (let i = 0; i < d.parts.val.y.length; i++) assert.ok(!testKeys.has(key("val", i)));
  },
);

test(
  "mitdb: a window is the z-normalised lead 0 around the annotated R peak",
  { skip: needShared() },
  async () => {
    const source = wfdbSource(MITDB);
    const rb = await source.read("100", 0);
    assert.equal(rb.fs, 360);
    const d = await buildBeatDataset({ source, scheme: "paper", split: "intra", records: ["100"] });
    const p = d.parts.train;
    const s = p.sample[0];
    const raw = rb.signal.subarray(s - 90, s + 166);
    const mean = raw.reduce((a, b) => a + b, 0) / 256;
    const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / 256);
    for (let k = 0; k < 256; k++) assert.ok(Math.abs(p.x[k] - (raw[k] - mean) / sd) < 1e-5);
    // Record 100's first beats are N at ~1.3 mV peaks: the R sample is the window's maximum or near it.
    let argmax = 0;
    for (let k = 1; k < 256; k++) if (p.x[k] > p.x[argmax]) argmax = k;
    assert.ok(Math.abs(argmax - 90) <= 5, `argmax ${argmax}`);
  },
);

test(
  "mitdb aami/inter: train and val only from DS1, test exactly DS2, no paced record",
  { skip: needShared() },
  async () => {
    const d = await buildBeatDataset({ source: wfdbSource(MITDB), scheme: "aami", split: "inter" });
    const recs = (p: "train" | "val" | "test") => [...new Set(d.parts[p].record)].sort();
    assert.deepEqual(recs("test"), [...DS2].sort());
    assert.ok([...recs("train"), ...recs("val")].every((r) => DS1.includes(r)));
    assert.deepEqual(recs("val"), [...d.valRecords].sort());
    for (const r of ["102", "104", "107", "217"]) assert.ok(!d.records.includes(r));
  },
);
