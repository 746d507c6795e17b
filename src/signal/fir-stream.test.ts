import { test } from "node:test";
import assert from "node:assert/strict";
import { lowPassTaps } from "./fir-design.js";
import { ZeroPhaseFir } from "./fir-stream.js";
import { runWhole } from "./stream.js";
import { maxAbsDiff, randomChunks, runChunks, sine } from "./testing.js";

const taps = lowPassTaps(30, 360, 101);

test("an impulse comes out as the taps centred on it: zero phase", () => {
  const x = new Float64Array(401);
  x[200] = 1;
  const y = runWhole(new ZeroPhaseFir(taps), x);
  assert.equal(y.length, x.length);
  for (let k = 0; k < taps.length; k++) assert.equal(y[150 + k], taps[k]);
  assert.equal(y[149], 0);
});

test("a sine in the pass band keeps amplitude and phase", () => {
  const x = sine(5, 360, 3600);
  const y = runWhole(new ZeroPhaseFir(taps), x);
  assert.ok(maxAbsDiff(x, y, 60, 3540) < 1e-3);
});

test("chunked output equals whole output exactly, ends included", () => {
  const x = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7) + ((i * 7919) % 13) / 13);
  const whole = runWhole(new ZeroPhaseFir(taps), x);
  for (const seed of [1, 2, 3]) {
    const y = runChunks(new ZeroPhaseFir(taps), randomChunks(x, seed, 300));
    assert.deepEqual(y, whole);
  }
  const one = runChunks(new ZeroPhaseFir(taps), randomChunks(x, 9, 1));
  assert.deepEqual(one, whole);
});

test("edges are the filter of the signal extended by repeating its end samples", () => {
  const x = Float64Array.from({ length: 300 }, (_, i) => i % 17);
  const pad = Float64Array.from({ length: 400 }, (_, i) => x[Math.min(299, Math.max(0, i - 50))]);
  const y = runWhole(new ZeroPhaseFir(taps), x);
  const yPad = runWhole(new ZeroPhaseFir(taps), pad);
  assert.ok(maxAbsDiff(y, yPad.subarray(50, 350)) < 1e-12);
});

test("empty and short inputs", () => {
  assert.equal(runWhole(new ZeroPhaseFir(taps), []).length, 0);
  assert.deepEqual(
    Array.from(runWhole(new ZeroPhaseFir(taps), [2])).map((v) => +v.toFixed(12)),
    [2],
  );
  assert.throws(() => new ZeroPhaseFir([1, 2]), RangeError);
});
