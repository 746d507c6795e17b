import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CausalPMatch, CausalQrsMatch, pMatch, qrsMatch, qrsRegion } from "./qrs-match.js";
import { mulberry32 } from "./rng.js";

const LEN = 256;
const BEFORE = 90;

/** A window: a narrow QRS (normal) or a wide, inverted one (ventricular), plus a little noise. */
function beat(x: Float32Array, at: number, wide: boolean, rand: () => number): void {
  for (let j = 0; j < LEN; j++) {
    const t = j - BEFORE;
    const q = wide
      ? -2 * Math.exp(-((t / 14) ** 2)) + Math.exp(-(((t - 30) / 10) ** 2))
      : 3 * Math.exp(-((t / 4) ** 2));
    x[at * LEN + j] = q + 0.05 * (rand() - 0.5);
  }
}

function record(kinds: boolean[], seed: number): Float32Array {
  const rand = mulberry32(seed);
  const x = new Float32Array(kinds.length * LEN);
  kinds.forEach((wide, i) => beat(x, i, wide, rand));
  return x;
}

test("the QRS region is R-100 ms .. R+144 ms of the window, clipped to it", () => {
  assert.deepEqual(qrsRegion(256, 90, 360), { from: 54, to: 142 });
  assert.deepEqual(qrsRegion(100, 20, 360), { from: 0, to: 72 });
  assert.deepEqual(qrsRegion(256, 90, 180), { from: 72, to: 116 });
});

test("a beat shaped like its record's usual beat matches it, a ventricular one does not; records apart", () => {
  // record a: mostly normal with every 5th beat ventricular; record b: mostly ventricular (its usual beat)
  const a = Array.from({ length: 40 }, (_, i) => i % 5 === 4);
  const b = Array.from({ length: 20 }, (_, i) => i % 5 !== 4);
  const x = new Float32Array(60 * LEN);
  x.set(record(a, 1));
  x.set(record(b, 2), 40 * LEN);
  const rec = [...Array<string>(40).fill("a"), ...Array<string>(20).fill("b")];
  const m = qrsMatch(x, LEN, BEFORE, 360, rec);
  a.forEach((wide, i) => assert.ok(wide ? m[i] < 0.5 : m[i] > 0.95, `a ${i}: ${m[i]}`));
  b.forEach((wide, i) => assert.ok(wide ? m[40 + i] > 0.95 : m[40 + i] < 0.5, `b ${i}: ${m[40 + i]}`));
});

test("causal: each beat against the median of the latest beats up to it, in any chunking", () => {
  const kinds = Array.from({ length: 90 }, (_, i) => (i < 30 ? i % 3 === 0 : i % 7 === 0));
  const x = record(kinds, 3);
  const history = 20;
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 6 }), (cuts) => {
      const stream = new CausalQrsMatch(LEN, BEFORE, 360, history);
      const out: number[] = [];
      let at = 0;
      for (const c of [...cuts, 90]) {
        const to = Math.min(90, at + c);
        out.push(...stream.next(x.subarray(at * LEN, to * LEN)));
        at = to;
        if (at === 90) break;
      }
      for (const i of [0, 1, 2, 19, 20, 21, 50, 89]) {
        const from = Math.max(0, i + 1 - history);
        const want = qrsMatch(x.subarray(from * LEN, (i + 1) * LEN), LEN, BEFORE, 360)[i - from];
        assert.ok(Math.abs(out[i] - want) < 1e-6, `beat ${i}: ${out[i]} vs ${want}`);
      }
    }),
    { numRuns: 15 },
  );
});

/** A sinus beat (an upright P wave 160 ms before R) or an atrial premature one (P wave inverted, earlier). */
function pBeat(x: Float32Array, at: number, ectopic: boolean, rand: () => number): void {
  for (let j = 0; j < LEN; j++) {
    const t = j - BEFORE;
    const p = ectopic ? -0.4 * Math.exp(-(((t + 45) / 7) ** 2)) : 0.4 * Math.exp(-(((t + 58) / 9) ** 2));
    x[at * LEN + j] = p + 3 * Math.exp(-((t / 4) ** 2)) + 0.02 * (rand() - 0.5);
  }
}

test("pMatch: a sinus P wave matches the record's usual one, an ectopic one does not; the QRS alike in both", () => {
  const ectopic = Array.from({ length: 40 }, (_, i) => i % 6 === 5);
  const rand = mulberry32(4);
  const x = new Float32Array(40 * LEN);
  ectopic.forEach((e, i) => pBeat(x, i, e, rand));
  const p = pMatch(x, LEN, BEFORE, 360);
  const q = qrsMatch(x, LEN, BEFORE, 360);
  ectopic.forEach((e, i) => {
    assert.ok(e ? p[i] < 0.5 : p[i] > 0.9, `beat ${i}: pMatch ${p[i]}`);
    assert.ok(q[i] > 0.95, `beat ${i}: qrsMatch ${q[i]}`);
  });
  // the causal twin: beat i against the median of the beats up to it
  const stream = new CausalPMatch(LEN, BEFORE, 360, 12, 1);
  const out = [...stream.next(x.subarray(0, 17 * LEN)), ...stream.next(x.subarray(17 * LEN))];
  for (const i of [0, 5, 11, 12, 29, 39]) {
    const from = Math.max(0, i + 1 - 12);
    const want = pMatch(x.subarray(from * LEN, (i + 1) * LEN), LEN, BEFORE, 360)[i - from];
    assert.ok(Math.abs(out[i] - want) < 1e-6, `causal beat ${i}: ${out[i]} vs ${want}`);
  }
});

test("pMatch against the usual beats: right even where ectopic beats are the majority; NaN without enough of them", () => {
  const ectopic = Array.from({ length: 60 }, (_, i) => i % 3 !== 0); // two in three beats ectopic
  const rand = mulberry32(5);
  const x = new Float32Array(60 * LEN);
  ectopic.forEach((e, i) => pBeat(x, i, e, rand));
  const all = pMatch(x, LEN, BEFORE, 360);
  assert.ok(
    ectopic.every((e, i) => (e ? all[i] > 0.9 : all[i] < 0.5)),
    "the median beat is an ectopic one",
  );
  const usual = Uint8Array.from(ectopic, (e) => (e ? 0 : 1));
  const p = pMatch(x, LEN, BEFORE, 360, undefined, { usual, min: 20 });
  ectopic.forEach((e, i) => assert.ok(e ? p[i] < 0.5 : p[i] > 0.9, `beat ${i}: ${p[i]}`));
  const few = pMatch(x, LEN, BEFORE, 360, undefined, { usual, min: 21 });
  assert.ok(
    few.every((v) => Number.isNaN(v)),
    "20 usual beats, 21 asked for: no template",
  );
  // causal: against the running median of the usual beats so far, NaN before `min` of them
  const stream = new CausalPMatch(LEN, BEFORE, 360, 300, 5);
  const out = [
    ...stream.next(x.subarray(0, 25 * LEN), usual.subarray(0, 25)),
    ...stream.next(x.subarray(25 * LEN), usual.subarray(25)),
  ];
  out.forEach((v, i) => {
    const known = usual.subarray(0, i + 1).reduce((a, b) => a + b, 0);
    if (known < 5) return assert.ok(Number.isNaN(v), `beat ${i} before 5 usual beats`);
    const want = pMatch(x.subarray(0, (i + 1) * LEN), LEN, BEFORE, 360, undefined, {
      usual: usual.subarray(0, i + 1),
    })[i];
    assert.ok(Math.abs(v - want) < 1e-6, `causal beat ${i}: ${v} vs ${want}`);
  });
});
