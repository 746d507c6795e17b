import { test } from "node:test";
import assert from "node:assert/strict";
import { oneCycleLr } from "./schedule.js";

test("one-cycle: starts at max/25, peaks at max after 30 %, ends at max/25e4, rises then falls", () => {
  const total = 1000;
  const lr = Array.from({ length: total }, (_, s) => oneCycleLr(s, total, 3e-3));
  assert.ok(Math.abs(lr[0] - 3e-3 / 25) < 1e-12);
  const peak = lr.indexOf(Math.max(...lr));
  assert.ok(Math.abs(peak - 299) <= 1, `peak at ${peak}`);
  assert.ok(Math.abs(lr[peak] - 3e-3) < 1e-12);
  assert.ok(Math.abs(lr[total - 1] - 3e-3 / 25 / 1e4) < 1e-12);
  for (let s = 1; s <= peak; s++) assert.ok(lr[s] >= lr[s - 1]);
  for (let s = peak + 1; s < total; s++) assert.ok(lr[s] <= lr[s - 1]);
});

test("one-cycle stays finite for tiny schedules", () => {
  for (const total of [1, 2, 3])
    for (let s = 0; s < total; s++) assert.ok(Number.isFinite(oneCycleLr(s, total, 1)));
});
