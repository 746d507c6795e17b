import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_WINDOW, extractWindows, windowLength } from "./window.js";

const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i / 7) * 2 + i * 0.001);

test("the default window is 256 samples with the R peak at index 90", () => {
  assert.equal(windowLength(DEFAULT_WINDOW), 256);
  const sig = new Float64Array(1000);
  sig[500] = 5; // a spike at the R peak
  const w = extractWindows(sig, [500]);
  assert.equal(w.x.length, 256);
  let argmax = 0;
  for (let k = 1; k < 256; k++) if (w.x[k] > w.x[argmax]) argmax = k;
  assert.equal(argmax, 90);
});

test("each window is z-normalised: mean 0, standard deviation 1", () => {
  const sig = ramp(5000);
  const w = extractWindows(sig, [300, 1200, 4000]);
  assert.equal(w.kept.length, 3);
  for (let r = 0; r < 3; r++) {
    const row = w.x.subarray(r * 256, (r + 1) * 256);
    const mean = row.reduce((a, b) => a + b, 0) / 256;
    const sd = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / 256);
    assert.ok(Math.abs(mean) < 1e-5 && Math.abs(sd - 1) < 1e-4, `${mean} ${sd}`);
  }
  // Scaling and offsetting the signal does not change the window.
  const w2 = extractWindows(
    sig.map((v) => v * 3 - 7),
    [1200],
  );
  for (let k = 0; k < 256; k++) assert.ok(Math.abs(w2.x[k] - w.x[256 + k]) < 1e-4);
});

test("windows leaving the signal or holding NaN are dropped and counted; the rest keep their order", () => {
  const sig = ramp(1000);
  sig[600] = NaN;
  const peaks = [89, 90, 500, 600, 834, 835];
  const w = extractWindows(sig, peaks);
  // 89: starts at -1; 835: ends at 1001 > 1000; 834 ends exactly at 1000 (kept); 500 and 600 see the NaN.
  assert.deepEqual([...w.kept], [1, 4]);
  assert.equal(w.droppedEdge, 2);
  assert.equal(w.droppedInvalid, 2);
  assert.equal(w.x.length, 2 * 256);
  assert.equal(w.x[90], extractWindows(sig, [90]).x[90]);
});

test("a flat window becomes zeros, not NaN", () => {
  const w = extractWindows(new Float64Array(400).fill(1.5), [200]);
  assert.ok(w.x.every((v) => v === 0));
});

test("a custom window spec is honoured", () => {
  const sig = Float64Array.from({ length: 100 }, (_, i) => i);
  const w = extractWindows(sig, [50], { before: 2, after: 3 });
  assert.equal(w.x.length, 5);
  assert.ok(w.x[2] === 0 && w.x[0] < w.x[1] && w.x[4] > w.x[3]);
});
