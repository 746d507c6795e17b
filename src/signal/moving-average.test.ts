import { test } from "node:test";
import assert from "node:assert/strict";
import { MovingAverage } from "./moving-average.js";
import { runWhole } from "./stream.js";
import { randomChunks, runChunks } from "./testing.js";

test("centred mean with repeated end samples", () => {
  const y = runWhole(new MovingAverage(3), [1, 2, 3, 4, 10]);
  assert.deepEqual(Array.from(y), [4 / 3, 2, 3, 17 / 3, 8]);
});

test("chunked equals whole exactly", () => {
  const x = Float64Array.from({ length: 3000 }, (_, i) => Math.cos(i / 5) * (i % 11));
  const whole = runWhole(new MovingAverage(51), x);
  assert.equal(whole.length, x.length);
  assert.deepEqual(runChunks(new MovingAverage(51), randomChunks(x, 4, 200)), whole);
  assert.throws(() => new MovingAverage(4), RangeError);
});
