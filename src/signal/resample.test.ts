import { test } from "node:test";
import assert from "node:assert/strict";
import { rateRatio, resample, ResampleStream, resampledLength } from "./resample.js";
import { maxAbsDiff, randomChunks, runChunks, sine } from "./testing.js";

const rates = [128, 250, 257, 360, 500, 1000];

test("a sine keeps its frequency, amplitude and phase between any two rates; length round(n*out/in)", () => {
  for (const fsIn of rates) {
    for (const fsOut of rates) {
      const n = 3 * fsIn + 7;
      const hz = 9.7;
      const y = resample(sine(hz, fsIn, n, 0.8), fsIn, fsOut);
      assert.equal(y.length, Math.round((n * fsOut) / fsIn), `${fsIn}->${fsOut}`);
      const edge = Math.round(0.4 * fsOut);
      const err = maxAbsDiff(y, sine(hz, fsOut, y.length, 0.8), edge, y.length - edge);
      assert.ok(err < 1e-3, `${fsIn}->${fsOut}: ${err}`);
    }
  }
});

test("content above the new Nyquist frequency is removed", () => {
  const y = resample(sine(100, 1000, 5000), 1000, 128);
  assert.ok(maxAbsDiff(y, new Float64Array(y.length), 50, y.length - 50) < 0.01);
});

test("DC and equal rates are kept exactly enough", () => {
  const y = resample(new Float64Array(1000).fill(3), 360, 257);
  assert.ok(maxAbsDiff(y, new Float64Array(y.length).fill(3)) < 1e-12);
  const x = sine(3, 360, 720);
  assert.ok(maxAbsDiff(resample(x, 360, 360), x) < 1e-12);
});

test("streaming equals whole-signal exactly, whatever the chunks", () => {
  const x = Float64Array.from({ length: 7000 }, (_, i) => Math.sin(i / 9) + ((i * 31) % 7) / 7);
  for (const [a, b] of [
    [360, 128],
    [360, 257],
    [250, 1000],
  ]) {
    const whole = resample(x, a, b);
    assert.deepEqual(runChunks(new ResampleStream(a, b), randomChunks(x, a + b, 400)), whole);
    assert.deepEqual(
      runChunks(new ResampleStream(a, b), randomChunks(x.subarray(0, 300), 3, 2)),
      resample(x.subarray(0, 300), a, b),
    );
  }
});

test("rate ratios, lengths and bad rates", () => {
  assert.deepEqual(rateRatio(360, 128), { up: 16, down: 45 });
  assert.deepEqual(rateRatio(360, 257), { up: 257, down: 360 });
  assert.deepEqual(rateRatio(360, 250.5), { up: 167, down: 240 });
  assert.equal(resampledLength(650000, 360, 128), 231111);
  assert.equal(resample([], 360, 128).length, 0);
  assert.equal(resample([5], 360, 1000).length, 3);
  assert.throws(() => resample([1], 0, 128), RangeError);
  assert.throws(() => resample([1], 360, NaN), RangeError);
});

test("edges: the signal is extended by repeating its end samples", () => {
  // 360 -> 128 Hz is up 16 / down 45: padding 90 input samples shifts the output by exactly 32 samples.
  const x = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i / 13) + (i % 7) / 7);
  const pad = Float64Array.from({ length: 1180 }, (_, i) => x[Math.min(999, Math.max(0, i - 90))]);
  const y = resample(x, 360, 128);
  const yPad = resample(pad, 360, 128);
  assert.ok(maxAbsDiff(y, yPad.subarray(32, 32 + y.length)) < 1e-12);
});
