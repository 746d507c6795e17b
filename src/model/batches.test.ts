import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyPart, mulberry32, RR_DIM, RR_FEATURES } from "../beats/index.js";
import {
  RR_INPUT_COLUMNS,
  argmaxRows,
  gatherBatch,
  gatherRows,
  inputColumns,
  predictPart,
  shuffle,
  withRowsReplaced,
} from "./batches.js";

function part(n: number, len: number) {
  const p = emptyPart(len, n);
  for (let i = 0; i < n; i++) {
    p.x.fill(i, i * len, (i + 1) * len);
    p.y[i] = i % 3;
    for (let c = 0; c < RR_DIM; c++) p.rr[i * RR_DIM + c] = i * 100 + c;
  }
  return p;
}

test("the RR input columns are the five per-patient ratios", () => {
  assert.deepEqual(
    RR_INPUT_COLUMNS.map((c) => RR_FEATURES[c]),
    ["preRR/localRR", "postRR/localRR", "preRR/recordRR", "postRR/recordRR", "localRR/recordRR"],
  );
  // --rr-average region: the same against de Chazal's +-5 min average; --irregularity adds its column
  assert.deepEqual(
    inputColumns({ rr: true, rrAverage: "region", irregularity: true }).map((c) => RR_FEATURES[c]),
    [
      "preRR/localRR",
      "postRR/localRR",
      "preRR/regionRR",
      "postRR/regionRR",
      "localRR/regionRR",
      "localRRdiff/localRR",
    ],
  );
  assert.deepEqual(inputColumns({ rr: false, rrAverage: "region" }), []);
});

test("gatherBatch copies the chosen rows, labels and RR columns in order", () => {
  const p = part(10, 4);
  const b = gatherBatch(p, [7, 2, 2, 9], 1, 3, 4, [4, 8]);
  assert.deepEqual([...b.x], [2, 2, 2, 2, 2, 2, 2, 2, 9, 9, 9, 9]);
  assert.deepEqual([...b.y], [2, 2, 0]);
  assert.deepEqual([...b.extra!], [204, 208, 204, 208, 904, 908]);
  assert.equal(gatherBatch(p, [0], 0, 1, 4, []).extra, undefined);
});

test("shuffle is a seeded permutation", () => {
  const a = shuffle(
    Int32Array.from({ length: 100 }, (_, i) => i),
    mulberry32(5),
  );
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    [...Array(100).keys()],
  );
  assert.deepEqual(
    a,
    shuffle(
      Int32Array.from({ length: 100 }, (_, i) => i),
      mulberry32(5),
    ),
  );
  assert.notDeepEqual([...a], [...Array(100).keys()]);
});

test("predictPart predicts every beat once, in chunks, in order", async () => {
  const p = part(11, 4);
  const calls: number[] = [];
  // A fake model: class = first sample value mod 3 (so it is right on every beat).
  const predict = async (x: Float32Array) => {
    const n = x.length / 4;
    calls.push(n);
    const probs = new Float32Array(n * 3);
    for (let r = 0; r < n; r++) probs[r * 3 + (x[r * 4] % 3)] = 1;
    return probs;
  };
  const pred = await predictPart(predict, p, 4, 3, [], 4);
  assert.deepEqual(calls, [4, 4, 3]);
  assert.deepEqual(argmaxRows(pred, 3), p.y);
  assert.deepEqual([...argmaxRows(new Float32Array([0.1, 0.7, 0.2, 0.5, 0.2, 0.3]), 3)], [1, 0]);
});

test("gatherRows takes rows in the given order; withRowsReplaced writes them back into a copy", () => {
  const a = Float32Array.from([0, 1, 10, 11, 20, 21]);
  assert.deepEqual(gatherRows(a, 2, [2, 0]), Float32Array.from([20, 21, 0, 1]));
  assert.deepEqual(gatherRows(a, 2, []), new Float32Array(0));
  const out = withRowsReplaced(a, 2, [2, 0], Float32Array.from([7, 8, 5, 6]));
  assert.deepEqual(out, Float32Array.from([5, 6, 10, 11, 7, 8]));
  assert.deepEqual(a, Float32Array.from([0, 1, 10, 11, 20, 21]), "the input is not changed");
  const p = withRowsReplaced(Float64Array.from([0.5, 0.5]), 2, [0], Float64Array.from([0.25, 0.75]));
  assert.ok(p instanceof Float64Array);
  assert.deepEqual(p, Float64Array.from([0.25, 0.75]));
});
