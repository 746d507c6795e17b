import { test } from "node:test";
import assert from "node:assert/strict";
import { BaselineStream, removeBaseline } from "./baseline.js";
import { MovingAverage } from "./moving-average.js";
import { runWhole } from "./stream.js";
import { randomChunks, runChunks } from "./testing.js";
import { syntheticEcg } from "../../test/synthetic-ecg.js";

test("removes slow wander and keeps the QRS", () => {
  const fs = 360;
  const clean = syntheticEcg(fs, 30, { wander: 0, noise: 0 }).x;
  const { x, beats } = syntheticEcg(fs, 30, { wander: 0.8, noise: 0 });
  const y = removeBaseline(x, fs);
  assert.equal(y.length, x.length);
  const cleanBase = removeBaseline(clean, fs);
  // The wander (0.2 Hz, 0.8 mV) is reduced to a few hundredths of a millivolt.
  let worst = 0;
  for (let i = 2 * fs; i < x.length - 2 * fs; i++) worst = Math.max(worst, Math.abs(y[i] - cleanBase[i]));
  assert.ok(worst < 0.05, `residual wander ${worst}`);
  for (const b of beats.slice(2, -2)) assert.ok(y[b] > 0.6, `R peak kept at ${b}: ${y[b]}`);
});

test("streaming equals whole-signal exactly", () => {
  const { x } = syntheticEcg(250, 20);
  const whole = removeBaseline(x, 250);
  assert.deepEqual(runChunks(new BaselineStream(250), randomChunks(x, 7, 900)), whole);
  assert.equal(removeBaseline([], 250).length, 0);
});

test("edges: each moving average extends its own input by repeating its end samples", () => {
  const fs = 100;
  const x = Float64Array.from({ length: 500 }, (_, i) => 0.01 * i + Math.sin(i / 4));
  const len = Math.round(0.6 * fs) | 1;
  const base = runWhole(new MovingAverage(len), runWhole(new MovingAverage(len), x));
  const y = removeBaseline(x, fs);
  for (let i = 0; i < x.length; i++) assert.equal(y[i], x[i] - base[i]);
  assert.deepEqual(Array.from(removeBaseline(new Float64Array(50).fill(2), fs)), new Array(50).fill(0));
});
