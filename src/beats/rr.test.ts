import { test } from "node:test";
import assert from "node:assert/strict";
import { NO_RR_ROW, RR_DIM, RR_FEATURES, rhythmEntropy, rhythmIrregularity, rrFeatures } from "./rr.js";
import { mulberry32 } from "./rng.js";

const row = (f: Float32Array, i: number) => {
  const o: Record<string, number> = {};
  RR_FEATURES.forEach((name, k) => (o[name] = f[i * RR_DIM + k]));
  return o;
};
const close = (a: number, b: number, msg?: string) =>
  assert.ok(Math.abs(a - b) < 1e-5, `${msg}: ${a} vs ${b}`);

test("a regular rhythm gives equal intervals and ratios of 1", () => {
  const samples = Array.from({ length: 30 }, (_, i) => 100 + i * 288); // 0.8 s at 360 Hz
  const f = rrFeatures(samples, 360);
  assert.equal(f.length, 30 * RR_DIM);
  for (let i = 0; i < 30; i++) {
    const r = row(f, i);
    for (const k of ["preRR", "postRR", "localRR", "recordRR"]) close(r[k], 0.8, k);
    for (const k of RR_FEATURES.slice(4, 9)) close(r[k], 1, k);
    close(r["localRRdiff/localRR"], 0, "irregularity");
  }
});

test("a premature beat has a short pre-RR and a long post-RR relative to its neighbourhood", () => {
  const samples: number[] = [];
  for (let i = 0, t = 0; i < 21; i++) samples.push((t += i === 10 ? 180 : i === 11 ? 396 : 360));
  const f = rrFeatures(samples, 360);
  const r = row(f, 10);
  close(r.preRR, 0.5, "pre");
  close(r.postRR, 1.1, "post");
  // local: pre-RRs of beats 6..15 = 8 x 1.0 + 0.5 + 1.1
  close(r.localRR, 9.6 / 10, "local");
  const recordRR = (samples[20] - samples[0]) / 360 / 20;
  close(r.recordRR, recordRR, "record");
  close(r["preRR/localRR"], 0.5 / 0.96, "ratio");
  close(r["postRR/recordRR"], 1.1 / recordRR, "ratio");
  assert.ok(r["preRR/localRR"] < 0.85 && row(f, 5)["preRR/localRR"] > 0.99);
  // successive differences of pre-RRs 6..15: |0.5 - 1| + |1.1 - 0.5| + |1 - 1.1| over 9, then / localRR
  close(r["localRRdiff/localRR"], (0.5 + 0.6 + 0.1) / 9 / 0.96, "irregularity");
  close(row(f, 0)["localRRdiff/localRR"], 0, "regular start");
});

test("first and last beats borrow their one known interval; windows are clipped at the edges", () => {
  const f = rrFeatures([0, 360, 1080], 360);
  assert.deepEqual([row(f, 0).preRR, row(f, 0).postRR], [1, 1]);
  assert.deepEqual([row(f, 2).preRR, row(f, 2).postRR], [2, 2]);
  close(row(f, 0).localRR, (1 + 1 + 2) / 3, "local clipped");
  close(row(f, 1).recordRR, 1.5, "record mean");
});

test("fewer than two beats gives finite values", () => {
  assert.equal(rrFeatures([], 360).length, 0);
  const f = rrFeatures([500], 360);
  assert.ok(f.every(Number.isFinite));
});

test("rhythmIrregularity: 0 in a regular rhythm and with an isolated premature beat, high when every interval varies", () => {
  const col = RR_FEATURES.indexOf("rhythmIrregularity");
  const at = (samples: number[], i: number) => rrFeatures(samples, 360)[i * RR_DIM + col];
  const regular = Array.from({ length: 100 }, (_, i) => i * 300);
  assert.equal(at(regular, 50), 0);
  // one premature beat moves two of the ~64 successive ratios: the median stays 0
  const premature = regular.map((s, i) => (i === 50 ? s - 120 : s));
  assert.equal(at(premature, 50), 0);
  assert.equal(rhythmIrregularity(premature, 50, premature.length), 0);
  // intervals alternating 0.5 s / 1 s: every ratio is 1 (1 s after 0.5 s) or 0.5 (0.5 s after 1 s)
  const alt: number[] = [0];
  for (let i = 1; i < 100; i++) alt.push(alt[i - 1] + (i % 2 ? 180 : 360));
  close(at(alt, 50), 1, "median of 32 x 0.5 (odd beats k) and 33 x 1 (even k), k = 18..82");
  close(
    rhythmIrregularity(alt, 1, alt.length),
    0.75,
    "an even count (k = 2..33): the mean of the middle two",
  );
  // the window is clipped to the record (or the prefix known): beat 0 sees ratios of beats 2..32
  close(rhythmIrregularity(alt, 0, alt.length), rhythmIrregularity(alt, 2, 33), "clipped");
  assert.equal(rhythmIrregularity([0, 300], 1, 2), 0, "fewer than three beats");
});

test("rrFeatures of a range of rows: those rows of the whole computation, bit for bit", () => {
  const s = [0];
  for (let i = 1; i < 120; i++) s.push(s[i - 1] + 200 + ((i * 37) % 150));
  const whole = rrFeatures(s, 360);
  assert.deepEqual(rrFeatures(s, 360, 40, 90), whole.slice(40 * RR_DIM, 90 * RR_DIM));
  assert.deepEqual(rrFeatures(s, 360, 0, 0), new Float32Array(0));
  assert.deepEqual(rrFeatures([7], 360, 0, 1), Float32Array.from(NO_RR_ROW));
});

test("rhythmEntropy: sample entropy of the intervals (m 1, 30 ms) plus ln(2 r / mean RR), by hand and in rhythms", () => {
  const col = RR_FEATURES.indexOf("rhythmEntropy");
  const at = (samples: number[], i: number) => rrFeatures(samples, 360)[i * RR_DIM + col];
  // intervals 1.0, 1.0, 1.3, 1.0 s: of the pairs among the first three only (0, 1) match within 30 ms (B 1),
  // and their next intervals (1.0 vs 1.3 s) do not (A 0)
  const s = [0, 360, 720, 1188, 1548];
  const want = Math.log(2 / 1) + Math.log((2 * 0.03) / (4.3 / 4));
  close(rhythmEntropy(s, 360, 2, s.length), want, "by hand");
  close(at(s, 2), want, "the RR feature column");
  // a regular rhythm: every pair matches and so do their successors (A = B): ln(2 r / mean RR)
  const regular = Array.from({ length: 100 }, (_, i) => i * 288);
  close(at(regular, 50), Math.log(0.06 / 0.8), "regular");
  // bigeminy (0.5 s / 1 s) repeats its pattern: as low as regular; an irregularly irregular rhythm is high
  const alt: number[] = [0];
  for (let i = 1; i < 100; i++) alt.push(alt[i - 1] + (i % 2 ? 180 : 360));
  // (intervals ending at beats 18 .. 82: 33 of 1 s, 32 of 0.5 s)
  close(at(alt, 50), Math.log(0.06 / (49 / 65)), "bigeminy");
  const rng = mulberry32(7);
  const af: number[] = [0];
  for (let i = 1; i < 100; i++) af.push(af[i - 1] + Math.round(360 * (0.4 + 0.6 * rng())));
  assert.ok(at(af, 50) > at(alt, 50) + 1.5, `${at(af, 50)} vs ${at(alt, 50)}`);
  assert.ok(at(af, 50) > -0.5, `irregularly irregular: ${at(af, 50)}`);
  // the window is the intervals of beats i-32 .. i+32, clipped to the prefix known
  close(rhythmEntropy(af, 360, 40, 60), rhythmEntropy(af.slice(7, 60), 360, 33, 53), "window");
  assert.equal(rhythmEntropy([0, 300, 600], 360, 1, 3), 0, "fewer than three intervals");
});

test("regionRR: the mean pre-RR of the beats within +-300 s (brute force); its ratios follow a rate change", () => {
  const rng = mulberry32(7);
  // 500 s of 1.0 s beats, then 500 s of 0.5 s beats (jittered): slow sinus rhythm, then a fast one
  const samples: number[] = [];
  for (let t = 360; t < 1000 * 360;) {
    samples.push(Math.round(t));
    t += (t < 500 * 360 ? 360 : 180) * (1 + 0.05 * (rng() - 0.5));
  }
  const f = rrFeatures(samples, 360);
  const pre = samples.map((s, i) => (i === 0 ? samples[1] - samples[0] : s - samples[i - 1]) / 360);
  for (const i of [0, 1, 150, 480, 700, samples.length - 1]) {
    const near = pre.filter((_, k) => Math.abs(samples[k] - samples[i]) <= 300 * 360);
    const r = row(f, i);
    close(r.regionRR, near.reduce((a, b) => a + b, 0) / near.length, `regionRR of beat ${i}`);
    close(r["preRR/regionRR"], r.preRR / r.regionRR, "preRR/regionRR");
    close(r["postRR/regionRR"], r.postRR / r.regionRR, "postRR/regionRR");
    close(r["localRR/regionRR"], r.localRR / r.regionRR, "localRR/regionRR");
  }
  // far into the fast part the beat is not premature against its region, but is against the whole record
  const last = row(f, samples.length - 10);
  assert.ok(Math.abs(last["localRR/regionRR"] - 1) < 0.05, `${last["localRR/regionRR"]}`);
  assert.ok(last["localRR/recordRR"] < 0.8, `${last["localRR/recordRR"]}`); // 0.5 s against the mean 0.67 s
});
