import { test } from "node:test";
import assert from "node:assert/strict";
import { shiftAveraged, shiftRows, shiftsError, symmetricShifts } from "./shifts.js";

test("shiftRows translates each row, repeating the edge sample", () => {
  const x = Float32Array.of(1, 2, 3, 4, 10, 20, 30, 40);
  assert.deepEqual(shiftRows(x, 4, 1), Float32Array.of(2, 3, 4, 4, 20, 30, 40, 40));
  assert.deepEqual(shiftRows(x, 4, -2), Float32Array.of(1, 1, 1, 2, 10, 10, 10, 20));
  assert.equal(shiftRows(x, 4, 0), x);
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
