import { test } from "node:test";
import assert from "node:assert/strict";
import { mulberry32 } from "./engine/rng.js";
import { shiftAveraged, shiftRows, shiftRowsAdjoint, shiftsError, symmetricShifts } from "./shifts.js";

test("shiftRows translates each row, repeating the edge sample", () => {
  const x = Float32Array.of(1, 2, 3, 4, 10, 20, 30, 40);
  assert.deepEqual(shiftRows(x, 4, 1), Float32Array.of(2, 3, 4, 4, 20, 30, 40, 40));
  assert.deepEqual(shiftRows(x, 4, -2), Float32Array.of(1, 1, 1, 2, 10, 10, 10, 20));
  assert.equal(shiftRows(x, 4, 0), x);
});

test("shiftRowsAdjoint is the transpose of shiftRows: <S x, g> = <x, S^T g>, and S^T e_t column by column", () => {
  const rng = mulberry32(5);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
  for (const [len, rows] of [
    [1, 3],
    [5, 2],
    [16, 3],
  ])
    for (const d of [-7, -2, -1, 0, 1, 2, 7]) {
      const x = Float32Array.from({ length: len * rows }, () => rng() * 2 - 1);
      const g = Float32Array.from({ length: len * rows }, () => rng() * 2 - 1);
      const lhs = dot(shiftRows(x, len, d), g);
      const rhs = dot(x, shiftRowsAdjoint(g, len, d));
      assert.ok(Math.abs(lhs - rhs) < 1e-5, `len ${len}, d ${d}: ${lhs} vs ${rhs}`);
      // brute force: entry (i, j) of S is <S e_j, e_i>; of S^T, <S^T e_i, e_j>
      for (let i = 0; i < len * rows; i++)
        for (let j = 0; j < len * rows; j++) {
          const ej = new Float32Array(len * rows);
          const ei = new Float32Array(len * rows);
          ej[j] = 1;
          ei[i] = 1;
          assert.equal(
            shiftRowsAdjoint(ei, len, d)[j],
            shiftRows(ej, len, d)[i],
            `len ${len} d ${d} (${i}, ${j})`,
          );
        }
    }
  // the edge sample gathers the gradient of the positions that repeat it
  assert.deepEqual(shiftRowsAdjoint(Float32Array.of(1, 2, 3, 4), 4, 2), Float32Array.of(0, 0, 1, 9));
  assert.deepEqual(shiftRowsAdjoint(Float32Array.of(1, 2, 3, 4), 4, -1), Float32Array.of(3, 3, 4, 0));
});

test("shiftAveraged is the mean of the predictions of the shifted inputs", async () => {
  const x = Float32Array.of(0, 1, 2, 3);
  // a "net" that outputs the input's first sample and 1 - it
  const predict = async (v: Float32Array) => Float32Array.of(v[0], 1 - v[0]);
  const p = await shiftAveraged(predict, x, undefined, 4, [-1, 0, 2]);
  // shifted first samples: x[0] = 0, 0, x[2] = 2 -> mean 2/3
  assert.ok(Math.abs(p[0] - 2 / 3) < 1e-6 && Math.abs(p[1] - 1 / 3) < 1e-6);
  await assert.rejects(shiftAveraged(predict, x, undefined, 4, []), /no shifts/);
});

test("shiftsError and symmetricShifts", () => {
  assert.equal(shiftsError([-2, 0, 2], 256), undefined);
  assert.match(shiftsError([], 256)!, /non-empty/);
  assert.match(shiftsError([0.5], 256)!, /within ±32/);
  assert.match(shiftsError([40], 256)!, /within ±32/);
  assert.deepEqual(symmetricShifts(2), [-2, 0, 2]);
  assert.deepEqual(symmetricShifts(0), [0]);
});
