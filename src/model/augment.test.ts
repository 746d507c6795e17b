import { test } from "node:test";
import assert from "node:assert/strict";
import { RR_FEATURES, emptyPart, mulberry32 } from "../beats/index.js";
import {
  afRRRow,
  augmentBatch,
  augmentsWindows,
  NO_AUGMENT,
  betaDraw,
  FUSION,
  fusionSources,
  synthesizeFusion,
  mixupBatch,
  normalRowsByRecord,
  prematureClass,
  simulateAfRR,
  virtualPatientOperator,
  virtualPatients,
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

test("a simulated AF rhythm keeps the beat's local and record RR and is irregular", () => {
  const names = [...RR_FEATURES];
  const row = Float32Array.from(names, (n) =>
    n === "localRR" ? 0.8 : n === "recordRR" ? 1 : n === "localRR/recordRR" ? 0.8 : n.includes("/") ? 1 : 0.8,
  );
  row[names.indexOf("localRRdiff/localRR")] = 0;
  const rng = mulberry32(3);
  for (let t = 0; t < 20; t++) {
    const r = afRRRow(row, rng);
    const v = (n: (typeof RR_FEATURES)[number]) => r[names.indexOf(n)];
    assert.equal(v("localRR"), row[names.indexOf("localRR")]);
    assert.equal(v("localRR/recordRR"), row[names.indexOf("localRR/recordRR")]);
    assert.ok(v("localRRdiff/localRR") > 0.01 && v("localRRdiff/localRR") < 1);
    assert.ok(Math.abs(v("preRR/recordRR") - v("preRR/localRR") * 0.8) < 1e-6);
    assert.ok(Math.abs(v("preRR") - v("preRR/localRR") * 0.8) < 1e-6);
  }
});

test("simulateAfRR changes only normal beats' extra inputs", () => {
  const part = { ...emptyPart(4, 2), y: Int32Array.of(0, 1) };
  part.rr.fill(1);
  const cols = [RR_FEATURES.indexOf("preRR/localRR"), RR_FEATURES.indexOf("localRRdiff/localRR")];
  const extra = new Float32Array(4).fill(7);
  simulateAfRR(extra, cols, part, [0, 1], 1, mulberry32(1));
  assert.notEqual(extra[0], 7);
  assert.deepEqual([...extra.subarray(2)], [7, 7]);
});

test("Beta(a, a) draws lie in [0, 1] with mean 1/2 and variance 1 / (4 (2a + 1))", () => {
  for (const a of [0.2, 1, 3]) {
    const rng = mulberry32(7);
    const d = Array.from({ length: 20000 }, () => betaDraw(a, rng));
    assert.ok(d.every((v) => v >= 0 && v <= 1));
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `a ${a}: mean ${mean}`);
    const want = 1 / (4 * (2 * a + 1));
    assert.ok(Math.abs(variance - want) < 0.1 * want, `a ${a}: variance ${variance}, want ${want}`);
  }
});

test("mixup: each row is a convex blend of itself and one partner, inputs and targets with the same weight", () => {
  const n = 6;
  const w = 4;
  const K = 3;
  const x = Float32Array.from({ length: n * w }, (_, i) => Math.floor(i / w) * 10 + (i % w));
  const extra = Float32Array.from({ length: n * 2 }, (_, i) => Math.floor(i / 2) * 100 + (i % 2));
  const y = Int32Array.from([0, 1, 2, 0, 1, 2]);
  const m = mixupBatch({ x, y, extra }, K, 0.4, mulberry32(3));
  const partners = new Set<number>();
  let blended = 0;
  for (let i = 0; i < n; i++) {
    // row i is lambda x_i + (1 - lambda) x_j: x's rows are 10 j + k, so lambda and j follow from column 0
    const row = Array.from(m.x.subarray(i * w, (i + 1) * w));
    const target = Array.from(m.y.subarray(i * K, (i + 1) * K));
    assert.ok(Math.abs(target.reduce((s, v) => s + v, 0) - 1) < 1e-6);
    const found = [...Array(n).keys()].find((j) => {
      const lambda = j === i ? 1 : (row[0] - 10 * j) / (10 * (i - j));
      if (!(lambda >= -1e-5 && lambda <= 1 + 1e-5)) return false;
      const close = (a: number, b: number) => Math.abs(a - b) < 1e-3;
      const okX = row.every((v, k) => close(v, lambda * x[i * w + k] + (1 - lambda) * x[j * w + k]));
      const okE = [0, 1].every((k) =>
        close(m.extra![i * 2 + k], lambda * extra[i * 2 + k] + (1 - lambda) * extra[j * 2 + k]),
      );
      const t = new Array(K).fill(0);
      t[y[i]] += lambda;
      t[y[j]] += 1 - lambda;
      const okY = target.every((v, k) => Math.abs(v - t[k]) < 1e-5);
      if (okX && okE && okY && j !== i && lambda < 0.999) blended++;
      return okX && okE && okY;
    });
    assert.ok(found !== undefined, `row ${i} is not a blend of itself and another row`);
    partners.add(found);
  }
  assert.ok(blended > 0, "some row is blended");
  assert.deepEqual(mixupBatch({ x, y, extra }, K, 0.4, mulberry32(3)), m, "the same seed, the same batch");
});

const bump = (n: number, at: number, width: number, sign = 1) =>
  Float32Array.from({ length: n }, (_, k) => sign * Math.exp(-(((k - at) / width) ** 2)));

test("virtual patient: one linear map (beat and template alike); s = 1, beta = 0 is the identity", () => {
  const t = bump(64, 20, 3);
  const [x, y] = [bump(64, 22, 2), bump(64, 40, 6, -1)];
  const L = virtualPatientOperator(t, 1.1, 0.25, 20);
  const lhs = L(Float32Array.from(x, (v, k) => 2 * v + y[k]));
  const [lx, ly] = [L(x), L(y)];
  lhs.forEach((v, k) => assert.ok(Math.abs(v - (2 * lx[k] + ly[k])) < 1e-5));
  assert.deepEqual(virtualPatientOperator(t, 1, 0, 20)(x), x);
  assert.notDeepEqual(lx, x);
});

test("virtual patients: p = 0 changes nothing; a beat that is its own template stays its own template", () => {
  const t = bump(64, 20, 3);
  znorm(t);
  const other = bump(64, 20, 5);
  znorm(other);
  const x = new Float32Array(128);
  x.set(t, 0);
  x.set(other, 64);
  const same = virtualPatients(x.slice(), [t, t], 64, 20, 0, mulberry32(1));
  assert.deepEqual(same, [t, t]);
  const y = x.slice();
  const moved = virtualPatients(y, [t, t], 64, 20, 1, mulberry32(1));
  assert.notDeepEqual(moved[0], t);
  // row 0 equals its template: after one operator on both, the pair's difference channel stays ~0
  for (let k = 0; k < 64; k++) assert.ok(Math.abs(y[k] - moved[0][k]) < 1e-4, `sample ${k}`);
  // row 1 differs from its template and stays z-normalised
  const row1 = y.subarray(64);
  const m = row1.reduce((a, v) => a + v, 0) / 64;
  assert.ok(Math.abs(m) < 1e-5);
  assert.ok(Math.abs(row1.reduce((a, v) => a + (v - m) ** 2, 0) / 64 - 1) < 1e-3);
  assert.ok(row1.some((v, k) => Math.abs(v - moved[1][k]) > 0.05));
});

test("synthetic fusion: an F row becomes a z-normalised N/V blend of one source record, with its N beat's RR", () => {
  // record "a": 20 N (rows 0-19), 20 V (rows 20-39); record "b": 20 N, 5 V (too few: no source); then 2 F rows of "b"
  const labels = [
    ...Array(20).fill(0),
    ...Array(20).fill(2),
    ...Array(20).fill(0),
    ...Array(5).fill(2),
    3,
    3,
  ];
  const recs = labels.map((_, i) => (i < 40 ? "a" : "b"));
  const p = emptyPart(LEN, labels.length);
  labels.forEach((y, i) => {
    p.y[i] = y;
    p.record[i] = recs[i];
    for (let k = 0; k < LEN; k++)
      p.x[i * LEN + k] = Math.sin((k + 1) * (1 + (i % 7)) * 0.3 + (y === 2 ? 1 : 0));
    znorm(p.x.subarray(i * LEN, (i + 1) * LEN));
    for (let c = 0; c < RR_FEATURES.length; c++) p.rr[i * RR_FEATURES.length + c] = i + c / 100;
  });
  const sources = fusionSources(p, 2);
  assert.deepEqual(
    sources.map((s) => [s.record, s.normal.length, s.ventricular.length]),
    [["a", 20, 20]],
  );
  const rows = Int32Array.from([0, 65, 20, 66]);
  const x = new Float32Array(rows.length * LEN);
  rows.forEach((r, k) => x.set(p.x.subarray(r * LEN, (r + 1) * LEN), k * LEN));
  const rrCols = [4, 6];
  const extra = Float32Array.from(
    Array.from(rows).flatMap((r) => rrCols.map((c) => p.rr[r * RR_FEATURES.length + c])),
  );
  const before = { x: x.slice(), extra: extra.slice() };
  const records = synthesizeFusion(
    { x, extra },
    { part: p, rows, len: LEN, f: 3, rrCols },
    sources,
    1,
    mulberry32(3),
  );
  assert.deepEqual(records, ["a", "a", "a", "a"]);
  // the N and V rows are untouched
  for (const k of [0, 2]) {
    assert.deepEqual(x.subarray(k * LEN, (k + 1) * LEN), before.x.subarray(k * LEN, (k + 1) * LEN));
    assert.deepEqual(extra.subarray(k * 2, k * 2 + 2), before.extra.subarray(k * 2, k * 2 + 2));
  }
  for (const k of [1, 3]) {
    const w = x.subarray(k * LEN, (k + 1) * LEN);
    // its RR inputs are those of one N beat of "a" (rows 0-19): rr[i, c] = i + c / 100
    const n = Math.round(extra[k * 2] - 0.04);
    assert.ok(n >= 0 && n < 20, `RR from N row ${n}`);
    assert.ok(Math.abs(extra[k * 2 + 1] - (n + 0.06)) < 1e-4);
    // the window is z-normalise(a x_n + (1 - a) x_v) for that n, some V row v of "a" and a in FUSION.weight
    const fits = [];
    for (let v = 20; v < 40; v++) {
      // least squares for a on w ~ s (a x_n + (1 - a) x_v) + m: blend, then z-normalise, is affine in x_n - x_v
      const xn = p.x.subarray(n * LEN, (n + 1) * LEN);
      const xv = p.x.subarray(v * LEN, (v + 1) * LEN);
      for (let a = FUSION.weight[0]; a <= FUSION.weight[1] + 1e-9; a += 0.0005) {
        const b = Float32Array.from(xn, (u, t) => a * u + (1 - a) * xv[t]);
        znorm(b);
        let err = 0;
        for (let t = 0; t < LEN; t++) err = Math.max(err, Math.abs(b[t] - w[t]));
        if (err < 5e-3) fits.push([v, a]);
      }
    }
    assert.ok(fits.length > 0, `row ${k} is a blend of N row ${n} and a V row of record a`);
  }
  // another weight range: a fixed a = 0.8 gives exactly z-normalise(0.8 x_n + 0.2 x_v) for the drawn rows
  const x8 = before.x.slice();
  const e8 = before.extra.slice();
  synthesizeFusion(
    { x: x8, extra: e8 },
    { part: p, rows, len: LEN, f: 3, rrCols },
    sources,
    1,
    mulberry32(3),
    [0.8, 0.8],
  );
  const n8 = Math.round(e8[2] - 0.04);
  const exact = [];
  for (let v = 20; v < 40; v++) {
    const b8 = Float32Array.from(
      p.x.subarray(n8 * LEN, (n8 + 1) * LEN),
      (u, t) => 0.8 * u + 0.2 * p.x[v * LEN + t],
    );
    znorm(b8);
    if (b8.every((val, t) => Math.abs(val - x8[LEN + t]) < 1e-5)) exact.push(v);
  }
  assert.ok(exact.length > 0, "row 1 is 0.8 x_n + 0.2 x_v, z-normalised");
  // p = 0: nothing changes, each row keeps its own record
  const x0 = before.x.slice();
  const kept = synthesizeFusion(
    { x: x0 },
    { part: p, rows, len: LEN, f: 3, rrCols: [] },
    sources,
    0,
    mulberry32(3),
  );
  assert.deepEqual(kept, ["a", "b", "a", "b"]);
  assert.deepEqual(x0, before.x);
});

test("augmentsWindows: only the options augmentBatch reads", () => {
  assert.equal(augmentsWindows(NO_AUGMENT), false);
  for (const k of ["warp", "wander", "noise", "prematureSwap"] as const)
    assert.equal(augmentsWindows({ ...NO_AUGMENT, [k]: 0.1 }), true, k);
  assert.equal(
    augmentsWindows({ ...NO_AUGMENT, afRhythm: 0.5, virtualPatient: 0.5, fusionSynth: 0.5 }),
    false,
  );
});
