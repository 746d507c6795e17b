import { test } from "node:test";
import assert from "node:assert/strict";
import { notch, notchStream } from "./notch.js";
import { maxAbsDiff, randomChunks, runChunks, sine } from "./testing.js";

for (const [freq, fs] of [
  [60, 360],
  [50, 250],
  [50, 1000],
]) {
  test(`removes ${freq} Hz at ${fs} Hz and keeps 10 Hz`, () => {
    const n = 10 * fs;
    const ten = sine(10, fs, n);
    const mains = sine(freq, fs, n, 0.5, 0.3);
    const y = notch(
      ten.map((v, i) => v + mains[i]),
      fs,
      { freq },
    );
    assert.ok(maxAbsDiff(y, ten, 2 * fs, n - 2 * fs) < 0.01);
  });
}

test("streaming equals whole-signal exactly; impossible notch refused", () => {
  const x = Float64Array.from({ length: 3000 }, (_, i) => Math.sin(i) + i / 3000);
  assert.deepEqual(
    runChunks(notchStream(360, { freq: 60 }), randomChunks(x, 6, 500)),
    notch(x, 360, { freq: 60 }),
  );
  assert.throws(() => notch(x, 100, { freq: 60 }), RangeError);
});
