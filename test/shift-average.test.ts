// A model.json with testTimeShifts: every classifier prediction is the mean over the shifted inputs; bad
// shifts are refused when the bundle loads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { openClassifier } from "../src/model/classify.js";
import { shiftRows } from "../src/model/shifts.js";
import { trainTinyModel } from "./tiny-model.js";

test("testTimeShifts in model.json: predict averages the shifted inputs' probabilities", async () => {
  const { dir } = await trainTinyModel({ morph: "pair", name: "shifted" });
  try {
    const plain = await openClassifier(dir, { threads: 1 });
    const { channels, len } = { channels: 2, len: plain.meta.window.before + plain.meta.window.after };
    const n = 3;
    const x = Float32Array.from(
      { length: n * channels * len },
      (_, i) => Math.sin(i / 7) + ((i * 13) % 5) / 10,
    );
    const extra = Float32Array.from({ length: n * 2 }, (_, i) => 0.8 + i / 20);
    const shifts = [-2, 0, 3];
    const parts = await Promise.all(shifts.map((d) => plain.predict(shiftRows(x, len, d), extra)));
    const meta = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
    await writeFile(join(dir, "model.json"), JSON.stringify({ ...meta, testTimeShifts: shifts }));
    const shifted = await openClassifier(dir, { threads: 1 });
    const got = await shifted.predict(x, extra);
    got.forEach((p, i) => assert.ok(Math.abs(p - (parts[0][i] + parts[1][i] + parts[2][i]) / 3) < 1e-6));
    assert.ok(got.some((p, i) => Math.abs(p - parts[1][i]) > 1e-6)); // not the plain prediction
    await Promise.all([plain.release(), shifted.release()]);
    await writeFile(join(dir, "model.json"), JSON.stringify({ ...meta, testTimeShifts: [0, 99] }));
    await assert.rejects(openClassifier(dir), /testTimeShifts must be whole sample counts within ±32/);
  } finally {
    await rm(dirname(dir), { recursive: true });
  }
});
