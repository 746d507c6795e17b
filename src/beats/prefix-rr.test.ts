import { test } from "node:test";
import assert from "node:assert/strict";
import { RunningMeanRR, prefixRRRow } from "./prefix-rr.js";
import { mulberry32 } from "./rng.js";
import { RR_DIM, RR_FEATURES, rrFeatures } from "./rr.js";

/** Irregular beats: R peaks 0.3 .. 1.5 s apart at 360 Hz (integers, as annotation samples are). */
const beats = (n: number, seed: number): number[] => {
  const rand = mulberry32(seed);
  const out = [Math.floor(rand() * 200)];
  while (out.length < n) out.push(out[out.length - 1] + 108 + Math.floor(rand() * 432));
  return out;
};

test("the running mean RR is bit-identical to rrFeatures' recordRR of every prefix", () => {
  const s = beats(80, 1);
  const run = new RunningMeanRR(360);
  assert.equal(run.upTo(s, 0), 0);
  assert.equal(run.upTo(s, 1), 0);
  for (let r = 2; r <= s.length; r += r % 3 === 0 ? 1 : 2) {
    const want = rrFeatures(s.slice(0, r), 360)[3];
    assert.equal(Math.fround(run.upTo(s, r)), want, `prefix ${r}`);
  }
  assert.throws(() => run.upTo(s, 5), /prefix 5 after/);
});

test("a beat's prefix row equals rrFeatures of the prefix, for every beat and prefix", () => {
  const s = beats(40, 2);
  for (let r = 1; r <= s.length; r++) {
    const whole = rrFeatures(s.slice(0, r), 360);
    const recordRR = new RunningMeanRR(360).upTo(s, r);
    for (let i = 0; i < r; i++) {
      const row = prefixRRRow(s, 360, i, r, recordRR);
      RR_FEATURES.forEach((name, k) => {
        const want = whole[i * RR_DIM + k];
        assert.ok(
          Math.abs(row[k] - want) <= 1e-6 * Math.abs(want),
          `${name} of beat ${i}/${r}: ${row[k]} vs ${want}`,
        );
      });
    }
  }
  assert.throws(() => prefixRRRow(s, 360, 5, 5, 1), /beat 5 of prefix 5/);
});

test("regionRR of a prefix row: only the beats known, within 300 s (a record longer than the region)", () => {
  const s = beats(1200, 5); // ~16 min
  for (const r of [300, 700, 1200]) {
    const whole = rrFeatures(s.slice(0, r), 360);
    const recordRR = new RunningMeanRR(360).upTo(s, r);
    for (const i of [0, Math.floor(r / 2), r - 6, r - 1]) {
      const row = prefixRRRow(s, 360, i, r, recordRR);
      for (const name of ["regionRR", "preRR/regionRR", "postRR/regionRR", "localRR/regionRR"] as const) {
        const k = RR_FEATURES.indexOf(name);
        const want = whole[i * RR_DIM + k];
        assert.ok(
          Math.abs(row[k] - want) <= 1e-6 * Math.abs(want),
          `${name} of ${i}/${r}: ${row[k]} vs ${want}`,
        );
      }
    }
  }
});
