import { test } from "node:test";
import assert from "node:assert/strict";
import { detectQrs } from "./detect.js";
import { QrsStream } from "./stream.js";
import { scoreBeats } from "./score.js";
import { randomChunks } from "../testing.js";
import { rng, syntheticEcg } from "../../../test/synthetic-ecg.js";

function streamed(x: ArrayLike<number>, fs: number, seed: number, maxChunk: number): number[] {
  const s = new QrsStream(fs);
  const beats: number[] = [];
  for (const c of randomChunks(x, seed, maxChunk)) beats.push(...s.push(c));
  beats.push(...s.flush());
  return beats;
}

for (const fs of [128, 250, 360, 500, 1000]) {
  test(`finds every beat of a synthetic ECG at ${fs} Hz, within 20 ms of the R peak`, () => {
    const { x, beats } = syntheticEcg(fs, 120, { seed: fs });
    const found = detectQrs(x, fs);
    const s = scoreBeats(beats, found, fs);
    assert.equal(s.fn, 0);
    assert.equal(s.fp, 0);
    for (let i = 0; i < beats.length; i++) assert.ok(Math.abs(found[i] - beats[i]) <= 0.02 * fs);
  });
}

test("streaming gives the same beats as the whole record, whatever the chunks", () => {
  const { x } = syntheticEcg(360, 300, { seed: 5, noise: 0.08 });
  const whole = detectQrs(x, 360);
  assert.ok(whole.length > 300);
  assert.deepEqual(streamed(x, 360, 1, 4000), whole);
  assert.deepEqual(streamed(x, 360, 2, 7), whole);
  assert.deepEqual(streamed(x.subarray(0, 20000), 360, 3, 1), detectQrs(x.subarray(0, 20000), 360));
});

test("output is ascending, inside the signal, and at least the refractory period apart", () => {
  const { x } = syntheticEcg(250, 60, { seed: 9, noise: 0.3 });
  const b = detectQrs(x, 250);
  for (let i = 0; i < b.length; i++) {
    assert.ok(Number.isInteger(b[i]) && b[i] >= 0 && b[i] < x.length);
    if (i > 0) assert.ok(b[i] - b[i - 1] >= 0.2 * 250);
  }
});

test("flat lines, empty, one sample and all-NaN input give no beats", () => {
  for (const fs of [128, 360, 1000]) {
    assert.deepEqual(detectQrs(new Float64Array(60 * fs), fs), []);
    assert.deepEqual(detectQrs(new Float64Array(60 * fs).fill(-3.5), fs), []);
    assert.deepEqual(detectQrs(new Float64Array(60 * fs).fill(NaN), fs), []);
    assert.deepEqual(detectQrs(new Float32Array(0), fs), []);
    assert.deepEqual(detectQrs([1], fs), []);
  }
});

test("pure noise gives few beats (fewer than 10 a minute), never a crash", () => {
  for (const fs of [128, 360, 1000]) {
    const r = rng(fs);
    const gauss = Float64Array.from({ length: 60 * fs }, () => r() + r() + r() + r() - 2);
    const uniform = Float32Array.from({ length: 60 * fs }, () => r());
    for (const x of [gauss, uniform]) assert.ok(detectQrs(x, fs).length < 10, `${fs} Hz`);
  }
});

test("a few seconds of ECG, NaN gaps and infinities are handled", () => {
  const { x, beats } = syntheticEcg(360, 3, { seed: 3 });
  const b = detectQrs(x, 360);
  assert.ok(b.length <= beats.length && b.length >= 1);
  const long = syntheticEcg(360, 60, { seed: 4 });
  const gappy = Float64Array.from(long.x);
  gappy.fill(NaN, 7200, 9000);
  gappy[100] = Infinity;
  gappy[15000] = -Infinity;
  const found = detectQrs(gappy, 360);
  const outside = long.beats.filter((s) => s < 7100 || s > 9500);
  const s = scoreBeats(
    outside,
    found.filter((s) => s < 7100 || s > 9500),
    360,
  );
  assert.ok(s.fn <= 1 && s.fp <= 1, JSON.stringify(s));
});

test("a bad sampling rate is refused", () => {
  assert.throws(() => detectQrs([1, 2, 3], 0), RangeError);
  assert.throws(() => detectQrs([1, 2, 3], NaN), RangeError);
});
