import { test } from "node:test";
import assert from "node:assert/strict";
import { mulberry32, randInt } from "./rng.js";

test("mulberry32 is reproducible, in [0, 1), and roughly uniform", () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const bins = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) {
    const v = a();
    assert.equal(v, b());
    assert.ok(v >= 0 && v < 1);
    bins[randInt(() => v, 10)]++;
  }
  for (const n of bins) assert.ok(n > 900 && n < 1100, String(bins));
  assert.notEqual(mulberry32(1)(), mulberry32(2)());
});
