import { test } from "node:test";
import assert from "node:assert/strict";
import { classCounts, classWeights, oversampleIndices } from "./balance.js";
import { mulberry32 } from "./rng.js";

const labels = (counts: number[]) => Int32Array.from(counts.flatMap((n, c) => new Array<number>(n).fill(c)));

test("oversampling tops minority classes up to ratio x majority and keeps every original once", () => {
  const y = labels([1000, 10, 300, 0, 1]);
  const idx = oversampleIndices(y, 5, { ratio: 0.25, rng: mulberry32(1) });
  const counts = classCounts(
    Array.from(idx, (i) => y[i]),
    5,
  );
  assert.deepEqual(counts, [1000, 250, 300, 0, 250]);
  assert.deepEqual([...idx.subarray(0, y.length)], [...y.keys()]);
  for (const i of idx) assert.ok(i >= 0 && i < y.length);
});

test("oversampling is reproducible per seed and differs between seeds (fresh draw per epoch)", () => {
  const y = labels([500, 20, 30]);
  const a = oversampleIndices(y, 3, { rng: mulberry32(7) });
  const b = oversampleIndices(y, 3, { rng: mulberry32(7) });
  const c = oversampleIndices(y, 3, { rng: mulberry32(8) });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const rng = mulberry32(7);
  assert.notDeepEqual(oversampleIndices(y, 3, { rng }), oversampleIndices(y, 3, { rng }));
});

test("ratio 0 or a balanced set adds nothing; a negative ratio is rejected", () => {
  const y = labels([50, 50]);
  assert.equal(oversampleIndices(y, 2, { rng: mulberry32(1) }).length, 100);
  assert.equal(oversampleIndices(labels([90, 1]), 2, { ratio: 0, rng: mulberry32(1) }).length, 91);
  assert.throws(() => oversampleIndices(y, 2, { ratio: -1, rng: mulberry32(1) }), /ratio/);
});

test("a per-class cap limits a class to cap x its own count; other classes and the default are unchanged", () => {
  const y = labels([1000, 10, 300, 4, 1]);
  const count = (cap?: (number | undefined)[]) =>
    classCounts(
      Array.from(oversampleIndices(y, 5, { ratio: 0.25, rng: mulberry32(1), cap }), (i) => y[i]),
      5,
    );
  assert.deepEqual(count(), [1000, 250, 300, 250, 250]);
  assert.deepEqual(count([undefined, undefined, undefined, 2.5, 1]), [1000, 250, 300, 10, 1]);
  assert.deepEqual(count([undefined, 100]), [1000, 250, 300, 250, 250]); // the ratio target still bounds it
  const idx = oversampleIndices(y, 5, { rng: mulberry32(1), cap: [undefined, undefined, undefined, 2.5, 1] });
  for (const i of idx.subarray(y.length)) assert.ok(y[i] === 1 || y[i] === 3);
  assert.throws(() => oversampleIndices(y, 5, { rng: mulberry32(1), cap: [0.5] }), /cap/);
});

test("balanced class weights: weighted mean 1, inverse to frequency, 0 for absent classes", () => {
  const y = labels([600, 300, 0, 100]);
  const w = classWeights(y, 4);
  assert.equal(w[2], 0);
  let mean = 0;
  for (const c of y) mean += w[c] / y.length;
  assert.ok(Math.abs(mean - 1) < 1e-6);
  assert.ok(Math.abs(w[0] * 600 - w[3] * 100) < 1e-3);
});

test("tempered class weights keep a weighted mean of 1, shrink the spread, and power 0 gives ones", () => {
  const y = labels([600, 300, 0, 100]);
  const full = classWeights(y, 4);
  const half = classWeights(y, 4, 0.5);
  const mean = (w: Float32Array) => (600 * w[0] + 300 * w[1] + 100 * w[3]) / 1000;
  assert.ok(Math.abs(mean(half) - 1) < 1e-6);
  assert.ok(half[3] / half[0] < full[3] / full[0]);
  assert.ok(Math.abs(half[3] / half[0] - Math.sqrt(6)) < 1e-5);
  assert.equal(half[2], 0);
  assert.deepEqual([...classWeights(y, 4, 0)], [1, 1, 0, 1]);
  assert.throws(() => classWeights(y, 4, 2), /power/);
});

test("record-tempered oversampling: a record's share of the extra copies follows its count^power", () => {
  // class 1: 90 beats of record a, 10 of record b; class 0 (majority): 2000 beats of record a
  const y = labels([2000, 100]);
  const of = Array.from(y, (c, i) => (c === 1 && i >= 2090 ? "b" : "a"));
  const share = (power: number) => {
    const idx = oversampleIndices(y, 2, { ratio: 1, rng: mulberry32(3), groups: { of, power } });
    const extra = Array.from(idx.subarray(y.length));
    assert.equal(extra.length, 1900);
    assert.ok(extra.every((i) => y[i] === 1));
    return extra.filter((i) => of[i] === "b").length / extra.length;
  };
  assert.ok(Math.abs(share(1) - 0.1) < 0.03, `power 1: b's share ${share(1)}`);
  assert.ok(Math.abs(share(0) - 0.5) < 0.04, `power 0: b's share ${share(0)}`);
  assert.ok(Math.abs(share(0.5) - 1 / (1 + 3)) < 0.04, `power 0.5: b's share ${share(0.5)}`); // sqrt10/(sqrt90+sqrt10)
  assert.throws(() => oversampleIndices(y, 2, { rng: mulberry32(1), groups: { of, power: 2 } }), /power/);
});
