import { test } from "node:test";
import assert from "node:assert/strict";
import { bandPassTaps, bandStopTaps, gainAt, highPassTaps, lowPassTaps, tapsFor } from "./fir-design.js";

test("low-pass taps are symmetric, unit gain at DC, pass below and stop above the cut-off", () => {
  const h = lowPassTaps(40, 360, tapsFor(5, 360));
  for (let i = 0; i < h.length; i++) assert.ok(Math.abs(h[i] - h[h.length - 1 - i]) < 1e-15);
  assert.ok(Math.abs(gainAt(h, 0, 360) - 1) < 1e-12);
  assert.ok(Math.abs(gainAt(h, 20, 360) - 1) < 1e-3);
  assert.ok(gainAt(h, 50, 360) < 1e-3);
});

test("high-pass, band-pass and band-stop have the expected gains", () => {
  const n = tapsFor(1, 360);
  const hp = highPassTaps(1, 360, n);
  assert.ok(gainAt(hp, 0, 360) < 1e-9);
  assert.ok(Math.abs(gainAt(hp, 10, 360) - 1) < 1e-3);
  const bp = bandPassTaps(5, 15, 360, n);
  assert.ok(Math.abs(gainAt(bp, 10, 360) - 1) < 1e-3);
  assert.ok(gainAt(bp, 1, 360) < 1e-3 && gainAt(bp, 30, 360) < 1e-3);
  const bs = bandStopTaps(59, 61, 360, tapsFor(2, 360));
  assert.ok(gainAt(bs, 60, 360) < 1e-2);
  assert.ok(Math.abs(gainAt(bs, 10, 360) - 1) < 1e-3);
});

test("bad designs are refused with a RangeError", () => {
  assert.throws(() => lowPassTaps(200, 360, 11), RangeError);
  assert.throws(() => lowPassTaps(10, 360, 10), RangeError);
  assert.throws(() => bandPassTaps(20, 10, 360, 11), RangeError);
  assert.throws(() => tapsFor(0, 360), RangeError);
});
