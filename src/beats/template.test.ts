import { test } from "node:test";
import assert from "node:assert/strict";
import { medianTemplate, morphChannels, morphInput } from "./template.js";

test("the median template is the dominant beat, whatever 44 % of other beats look like", () => {
  const len = 8;
  const usual = Float32Array.from({ length: len }, (_, k) => Math.sin(k));
  const n = 50;
  const x = new Float32Array(n * len);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < len; k++) x[b * len + k] = b % 7 < 3 ? 10 + b + k : usual[k];
  assert.deepEqual(medianTemplate(x, len), usual);
  // also when only a spread subset of a long record is used
  assert.deepEqual(medianTemplate(x, len, 10), usual);
  assert.deepEqual(medianTemplate(new Float32Array(0), len), new Float32Array(len));
});

test("the residual input is each beat minus its own template; none leaves the beats", () => {
  const x = Float32Array.of(1, 2, 3, 4, 5, 6);
  const t = [Float32Array.of(1, 1, 1), Float32Array.of(0, 2, 4)];
  assert.deepEqual(
    morphInput(x, 3, (b) => t[b], "residual"),
    Float32Array.of(0, 1, 2, 4, 3, 2),
  );
  assert.equal(
    morphInput(x, 3, (b) => t[b], "none"),
    x,
  );
});

test("every beat counts: two beats give their mean, a long record an even spread of maxBeats beats", () => {
  assert.deepEqual(medianTemplate(Float32Array.of(1, 2, 3, 6), 2), Float32Array.of(2, 4));
  // 10 beats, at most 5: beats 0, 2, 4, 6, 8 (values 0..4 after / 2), median 2.
  const x = Float32Array.from({ length: 10 }, (_, b) => (b % 2 ? 100 : b / 2));
  assert.deepEqual(medianTemplate(x, 1, 5), Float32Array.of(2));
});

test("the pair input holds two channels per beat: the beat, then beat minus its template", () => {
  const x = Float32Array.of(1, 2, 3, 4, 5, 6);
  const t = [Float32Array.of(1, 1, 1), Float32Array.of(0, 2, 4)];
  assert.deepEqual(
    morphInput(x, 3, (b) => t[b], "pair"),
    Float32Array.of(1, 2, 3, 0, 1, 2, 4, 5, 6, 4, 3, 2),
  );
  assert.deepEqual([morphChannels("none"), morphChannels("residual"), morphChannels("pair")], [1, 1, 2]);
});
