import { test } from "node:test";
import assert from "node:assert/strict";
import { bandPass, bandPassStream } from "./bandpass.js";
import { maxAbsDiff, randomChunks, runChunks, sine } from "./testing.js";

const fs = 360;

test("keeps the pass band, removes baseline wander and high frequencies", () => {
  const n = 20 * fs;
  const ten = sine(10, fs, n);
  const x = ten.map(
    (v, i) => v + 2 * Math.sin((2 * Math.PI * 0.1 * i) / fs) + 0.5 * Math.sin((2 * Math.PI * 80 * i) / fs),
  );
  const y = bandPass(x, fs, { low: 1, high: 40 });
  assert.equal(y.length, n);
  const m = 4 * fs;
  assert.ok(maxAbsDiff(y, ten, m, n - m) < 0.02);
});

test("streaming equals whole-signal exactly", () => {
  const x = Float64Array.from({ length: 4000 }, (_, i) => Math.sin(i / 3) + Math.sin(i / 50));
  const whole = bandPass(x, fs, { low: 5, high: 15 });
  assert.deepEqual(runChunks(bandPassStream(fs, { low: 5, high: 15 }), randomChunks(x, 5, 700)), whole);
});
