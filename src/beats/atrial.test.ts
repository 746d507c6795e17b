import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CausalAtrialConsistency, atrialConsistency, correlation, pRegion } from "./atrial.js";
import { mulberry32 } from "./rng.js";

const LEN = 256;
const BEFORE = 90;

/** n windows: a P wave (a bump at R-160 ms) plus noise of `noise` sd, or noise alone (no P wave). */
function windows(n: number, pWave: boolean, seed: number, noise = 0.05): Float32Array {
  const rand = mulberry32(seed);
  const x = new Float32Array(n * LEN);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < LEN; j++) {
      const p = pWave ? Math.exp(-(((j - (BEFORE - 58)) / 10) ** 2)) : 0;
      const qrs = j === BEFORE ? 5 : 0;
      x[i * LEN + j] = p + qrs + (pWave ? noise : 1) * (rand() - 0.5);
    }
  return x;
}

test("the P-wave region is R-250 ms .. R-61 ms of the window, clipped to it", () => {
  assert.deepEqual(pRegion(90, 360), { from: 0, to: 68 });
  assert.deepEqual(pRegion(100, 360), { from: 10, to: 78 });
  assert.deepEqual(pRegion(45, 180), { from: 0, to: 34 });
  assert.deepEqual(pRegion(10, 360), { from: 0, to: 0 });
});

test("correlation ignores offset and scale; a constant segment gives 0", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 4, maxLength: 30 }),
      fc.double({ min: 0.1, max: 10, noNaN: true }),
      fc.double({ min: -10, max: 10, noNaN: true }),
      (a, scale, offset) => {
        const c = correlation(
          a,
          a.map((v) => v * scale + offset),
        );
        if (a.every((v) => v === a[0])) assert.equal(c, 0);
        else assert.ok(Math.abs(c - 1) < 1e-6, `${c}`);
      },
    ),
  );
  assert.equal(correlation([1, 1, 1], [1, 2, 3]), 0);
});

test("a repeating P wave gives consistency near 1, its absence near 0, each record on its own", () => {
  const sinus = windows(80, true, 1);
  const af = windows(80, false, 2);
  const both = new Float32Array(160 * LEN);
  both.set(sinus);
  both.set(af, 80 * LEN);
  const record = [...Array<string>(80).fill("a"), ...Array<string>(80).fill("b")];
  const c = atrialConsistency(both, LEN, BEFORE, 360, record);
  assert.equal(c.length, 160);
  assert.ok(
    c.subarray(0, 80).every((v) => v > 0.9),
    `sinus ${Math.min(...c.subarray(0, 80))}`,
  );
  assert.ok(
    c.subarray(80).every((v) => Math.abs(v) < 0.3),
    `AF ${Math.max(...c.subarray(80))}`,
  );
  // without `record` the beats are one record: the same values here, but the windows at the seam mix
  const one = atrialConsistency(both, LEN, BEFORE, 360);
  assert.deepEqual(one.subarray(0, 40), c.subarray(0, 40));
  // a lone beat has no pair: nothing inconsistent seen
  assert.deepEqual(Array.from(atrialConsistency(sinus.slice(0, LEN), LEN, BEFORE, 360)), [1]);
});

test("causal: beat i over beats i-32 .. i, the whole-record value of a record ending at i, in any chunking", () => {
  const x = new Float32Array(120 * LEN);
  x.set(windows(50, true, 3));
  x.set(windows(70, false, 4), 50 * LEN);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 8 }), (cuts) => {
      const stream = new CausalAtrialConsistency(LEN, BEFORE, 360);
      const out: number[] = [];
      let at = 0;
      for (const c of [...cuts, 120]) {
        const to = Math.min(120, at + c);
        out.push(...stream.next(x.subarray(at * LEN, to * LEN)));
        at = to;
        if (at === 120) break;
      }
      assert.equal(out.length, 120);
      for (const i of [0, 1, 5, 33, 34, 60, 119]) {
        const prefix = atrialConsistency(x.subarray(0, (i + 1) * LEN), LEN, BEFORE, 360);
        assert.equal(out[i], prefix[i], `beat ${i}`);
      }
    }),
    { numRuns: 20 },
  );
});

test("lags: a bigeminal rhythm alternates its P waves, so lag 1 sees them change and lags 1-3 see them repeat", () => {
  // P waves of two shapes in turn (sinus, ectopic), each repeating exactly two beats on
  const rand = mulberry32(5);
  const x = new Float32Array(60 * LEN);
  for (let i = 0; i < 60; i++)
    for (let j = 0; j < LEN; j++) {
      const at = i % 2 ? BEFORE - 40 : BEFORE - 70;
      x[i * LEN + j] = Math.exp(-(((j - at) / 8) ** 2)) + 0.02 * (rand() - 0.5);
    }
  const lag1 = atrialConsistency(x, LEN, BEFORE, 360);
  const lag3 = atrialConsistency(x, LEN, BEFORE, 360, undefined, 3);
  assert.ok(
    lag1.every((v) => v < 0.3),
    `lag 1 ${Math.max(...lag1)}`,
  );
  assert.ok(
    lag3.every((v) => v > 0.9),
    `lags 1-3 ${Math.min(...lag3)}`,
  );
  // causal with lags: the whole-record value of a record ending at the beat
  const stream = new CausalAtrialConsistency(LEN, BEFORE, 360, 3);
  const out = [...stream.next(x.subarray(0, 7 * LEN)), ...stream.next(x.subarray(7 * LEN))];
  for (const i of [0, 1, 2, 3, 10, 40, 59])
    assert.equal(out[i], atrialConsistency(x.subarray(0, (i + 1) * LEN), LEN, BEFORE, 360, undefined, 3)[i]);
});
