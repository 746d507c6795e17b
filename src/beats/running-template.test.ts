import { test } from "node:test";
import assert from "node:assert/strict";
import { mulberry32 } from "./rng.js";
import { RunningTemplate } from "./running-template.js";
import { medianTemplate } from "./template.js";

/** medianTemplate of the last `cap` of `rows` windows (brute force). */
const lastMedian = (x: Float32Array, len: number, rows: number, cap: number): Float32Array => {
  const from = Math.max(0, rows - cap);
  return medianTemplate(x.slice(from * len, rows * len), len, Infinity);
};

test("the running template equals the median of the last `capacity` windows after every push", () => {
  const len = 7;
  const rand = mulberry32(3);
  const rows = 60;
  // Few distinct values: many ties, as in flat parts of real windows.
  const x = Float32Array.from({ length: rows * len }, () => Math.round(rand() * 8) / 4 - 1);
  for (const cap of [1, 2, 5, 16, 100]) {
    const t = new RunningTemplate(len, cap);
    assert.deepEqual(t.template(), new Float32Array(len));
    for (let r = 1; r <= rows; r++) {
      t.push(x.subarray((r - 1) * len, r * len));
      assert.equal(t.size, Math.min(r, cap));
      assert.deepEqual(t.template(), lastMedian(x, len, r, cap), `capacity ${cap}, ${r} windows`);
    }
  }
});

test("the running template rounds to float32 as a window row does; bad windows are refused", () => {
  const t = new RunningTemplate(2, 3);
  t.push([0.1, 0.2]);
  t.push(Float32Array.of(0.3, 0.4));
  assert.deepEqual(t.template(), medianTemplate(Float32Array.of(0.1, 0.2, 0.3, 0.4), 2));
  assert.throws(() => t.push([1]), /window of 1, not 2/);
  assert.throws(() => t.push([1, NaN]), /NaN/);
  assert.throws(() => new RunningTemplate(0, 3), /len 0/);
  assert.throws(() => new RunningTemplate(4, 0), /capacity 0/);
});
