import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyPart, mulberry32 } from "../beats/index.js";
import {
  augmentBatch,
  normalRowsByRecord,
  prematureClass,
  warpWindow,
  znorm,
  type AugmentConfig,
} from "./augment.js";

const LEN = 32;

/** Rows: record "a" N, S, N; record "b" S, N (each window a distinct ramp). */
function part() {
  const p = emptyPart(LEN, 5);
  const labels = [0, 1, 0, 1, 0];
  const recs = ["a", "a", "a", "b", "b"];
  labels.forEach((y, i) => {
    p.y[i] = y;
    p.record[i] = recs[i];
    for (let k = 0; k < LEN; k++) p.x[i * LEN + k] = Math.sin((k + 1) * (i + 1) * 0.3);
    znorm(p.x.subarray(i * LEN, (i + 1) * LEN));
  });
  return p;
}

const gather = (p: ReturnType<typeof part>, rows: number[]) => {
  const x = new Float32Array(rows.length * LEN);
  rows.forEach((r, b) => x.set(p.x.subarray(r * LEN, (r + 1) * LEN), b * LEN));
  return x;
};

test("warp: factor 1 is the identity; the centre sample stays; a stretch moves the rest", () => {
  const w = Float32Array.from({ length: LEN }, (_, k) => k * k);
  assert.deepEqual(warpWindow(w.slice(), 1, 10), w);
  const s = warpWindow(w.slice(), 1.2, 10);
  assert.equal(s[10], w[10]);
  assert.ok(s[20] < w[20] && s[0] > w[0]);
});

test("premature swap: S beats get a normal waveform of their own record; N beats and the part stay", () => {
  const p = part();
  const before = p.x.slice();
  const rows = [0, 1, 2, 3, 4];
  const x = gather(p, rows);
  const cfg: AugmentConfig = { warp: 0, wander: 0, noise: 0, prematureSwap: 1 };
  const ctx = { part: p, rows, len: LEN, center: 8, premature: 1, normals: normalRowsByRecord(p) };
  augmentBatch(x, cfg, ctx, mulberry32(3));
  const row = (a: Float32Array, i: number) => [...a.subarray(i * LEN, (i + 1) * LEN)];
  assert.deepEqual(p.x, before);
  for (const n of [0, 2, 4]) assert.deepEqual(row(x, n), row(p.x, n));
  assert.ok([0, 2].some((n) => JSON.stringify(row(x, 1)) === JSON.stringify(row(p.x, n))));
  assert.deepEqual(row(x, 3), row(p.x, 4));
  assert.equal(prematureClass(["N", "S", "V", "F", "Q"]), 1);
  assert.equal(prematureClass(["N", "L", "R", "A", "V"]), 3);
});

test("waveform augmentation: windows change, stay z-normalised, and repeat for a seed", () => {
  const p = part();
  const rows = [0, 1, 2, 3, 4];
  const cfg: AugmentConfig = { warp: 0.1, wander: 0.3, noise: 0.05, prematureSwap: 0 };
  const ctx = { part: p, rows, len: LEN, center: 8, premature: 1, normals: new Map() };
  const [a, b] = [gather(p, rows), gather(p, rows)];
  augmentBatch(a, cfg, ctx, mulberry32(7));
  augmentBatch(b, cfg, ctx, mulberry32(7));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, gather(p, rows));
  for (let i = 0; i < rows.length; i++) {
    const w = a.subarray(i * LEN, (i + 1) * LEN);
    const mean = w.reduce((s, v) => s + v, 0) / LEN;
    const sd = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / LEN);
    assert.ok(Math.abs(mean) < 1e-5 && Math.abs(sd - 1) < 1e-4);
  }
});
