import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CausalSmoother,
  SHAPE_DIMS,
  morphSmoothingError,
  nearestShapes,
  qrsShapes,
  smoothProbs,
  smoothRow,
  type MorphSmoothing,
} from "./morph-smoothing.js";
import { mulberry32 } from "../beats/rng.js";

const CLASSES = ["N", "S", "V", "F", "Q"];
const NVF = [0, 2, 3];
const S: MorphSmoothing = { classes: ["N", "V", "F"], lambda: 0.75, k: 2 };
const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) =>
  Array.from(a).forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `${what}[${i}]: ${v} vs ${b[i]}`));

/** n beats' random shapes and (unnormalised) probability rows, drawn with `seed`. */
function randomBeats(n: number, seed: number): { shapes: Float32Array; probs: Float32Array } {
  const rnd = mulberry32(seed);
  const shapes = Float32Array.from({ length: n * SHAPE_DIMS }, () => rnd());
  return { shapes, probs: Float32Array.from({ length: n * 5 }, () => rnd()) };
}

/** Shapes that are constant rows: beat i's shape is all `level[i]` (distance = 45 x level difference^2). */
const shapesAt = (level: number[]) =>
  Float32Array.from({ length: level.length * SHAPE_DIMS }, (_, j) => level[Math.floor(j / SHAPE_DIMS)]);

test("smoothRow: the N/V/F split moves towards the neighbours' mean split; S, Q and the N+V+F mass stay", () => {
  const probs = Float32Array.of(
    ...[0.3, 0.1, 0.4, 0.1, 0.1], // the beat: N+V+F mass 0.8, split 3/8, 4/8, 1/8
    ...[0.5, 0.5, 0.0, 0.0, 0.0], // neighbour 1: split 1, 0, 0 (its mass 0.5 renormalised)
    ...[0.0, 0.0, 0.2, 0.2, 0.6], // neighbour 2: split 0, 1/2, 1/2
  );
  const row = smoothRow(probs, 5, 0, [1, 2], NVF, 0.75);
  const split = [0.25 * (3 / 8) + 0.75 * 0.5, 0.25 * (4 / 8) + 0.75 * 0.25, 0.25 * (1 / 8) + 0.75 * 0.25];
  close(row, [0.8 * split[0], 0.1, 0.8 * split[1], 0.8 * split[2], 0.1], "row");
  assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6, "still sums to 1");
  // no neighbours, or lambda 0: the beat as it was
  close(smoothRow(probs, 5, 0, [], NVF, 0.75), probs.subarray(0, 5), "alone");
  close(smoothRow(probs, 5, 0, [1, 2], NVF, 0), probs.subarray(0, 5), "lambda 0");
  // a neighbour with no N/V/F mass counts as a zero split; a beat with none keeps none
  const empty = Float32Array.of(0, 0.5, 0, 0, 0.5, 0, 1, 0, 0, 0);
  close(smoothRow(empty, 5, 0, [1], NVF, 0.75), [0, 0.5, 0, 0, 0.5], "massless beat");
});

test("a beat the net calls V whose record's look-alike beats are confidently N becomes N", () => {
  // 30 beats of one shape the net calls N (0.95), one of them called V (0.6 V, 0.4 N); 10 V beats of
  // another shape, called V: the odd beat's 2 nearest are N beats, the V beats' nearest are V beats.
  const level = [...Array(30).fill(0), ...Array(10).fill(3)];
  level[7] = 0.01;
  const rows = level.map((_, i) => (i >= 30 ? [0.05, 0, 0.95, 0, 0] : [0.95, 0, 0.05, 0, 0]));
  rows[7] = [0.4, 0, 0.6, 0, 0];
  const out = smoothProbs(Float32Array.from(rows.flat()), CLASSES, shapesAt(level), S);
  const label = (i: number) =>
    CLASSES[[0, 1, 2, 3, 4].reduce((b, c) => (out[i * 5 + c] > out[i * 5 + b] ? c : b), 0)];
  assert.equal(label(7), "N");
  assert.ok(Math.abs(out[7 * 5] - (0.25 * 0.4 + 0.75 * 0.95)) < 1e-6);
  for (let i = 30; i < 40; i++) assert.equal(label(i), "V", `V beat ${i}`);
  // the same beat with the V shape's neighbours stays V
  const asV = [...level];
  asV[7] = 2.99;
  const outV = smoothProbs(Float32Array.from(rows.flat()), CLASSES, shapesAt(asV), S);
  assert.ok(Math.abs(outV[7 * 5 + 2] - (0.25 * 0.6 + 0.75 * 0.95)) < 1e-6);
});

test("keepAbove: a beat whose own N/V/F split is that sure keeps it; the others are smoothed", () => {
  const level = [0, 0, 0, 0, 0.01];
  const rows = [...Array(4).fill([0.98, 0, 0.02, 0, 0])];
  const sure = [0.0004, 0.5, 0.4995, 0.0001, 0]; // V is 0.999 of the N+V+F mass
  const unsure = [0.002, 0.5, 0.4979, 0.0001, 0]; // 0.9958
  for (const [beat, kept] of [
    [sure, true],
    [unsure, false],
  ] as const) {
    const probs = Float32Array.from([...rows, beat].flat());
    const out = smoothProbs(probs, CLASSES, shapesAt(level), { ...S, k: 4, keepAbove: 0.999 });
    const row = out.subarray(20, 25);
    if (kept) close(row, probs.subarray(20, 25), "kept");
    else assert.ok(row[0] > row[2], "smoothed to N");
    // the causal smoother keeps it alike
    const causal = new CausalSmoother(CLASSES, { ...S, k: 4, keepAbove: 0.999 }).next(probs, shapesAt(level));
    close(causal.subarray(20, 25), row, "causal");
  }
  const win = { before: 90, after: 166 };
  assert.match(morphSmoothingError({ ...S, keepAbove: 0 }, CLASSES, win)!, /keepAbove/);
  assert.equal(morphSmoothingError({ ...S, keepAbove: 1 }, CLASSES, win), undefined);
});

test("neighbours: nearest in shape, self excluded, ties to the earlier beat, never across records", () => {
  const shapes = shapesAt([0, 5, 1, 1, 2]);
  assert.deepEqual(nearestShapes(shapes, 0, [0, 1, 2, 3, 4], 2).sort(), [2, 3]);
  assert.deepEqual(nearestShapes(shapes, 4, [0, 1, 2, 3, 4], 1), [2]); // 2 and 3 tie: the earlier
  assert.deepEqual(nearestShapes(shapes, 0, [0, 1], 5), [1]); // fewer candidates than k
  // two records: beat 0's nearest shape is in the other record, so it is not used
  const probs = Float32Array.of(...[1, 0, 0, 0, 0], ...[0, 0, 1, 0, 0], ...[1, 0, 0, 0, 0]);
  const out = smoothProbs(probs, CLASSES, shapesAt([0, 0, 9]), { ...S, k: 1 }, ["a", "b", "a"]);
  close(out.subarray(0, 5), [1, 0, 0, 0, 0], "beat 0 (its record's other beat is N)");
  close(out.subarray(5, 10), [0, 0, 1, 0, 0], "beat 1 (alone in its record)");
});

test("the neighbour pool: the beats nearest in order; a record no longer than pool + 1 beats is searched whole", () => {
  const n = 60;
  const { shapes, probs } = randomBeats(n, 3);
  const s = { ...S, k: 4 };
  const whole = smoothProbs(probs, CLASSES, shapes, s);
  assert.deepEqual(smoothProbs(probs, CLASSES, shapes, s, undefined, n - 1), whole);
  const pool = 10;
  const bounded = smoothProbs(probs, CLASSES, shapes, s, undefined, pool);
  for (const i of [0, 3, 30, 59]) {
    const lo = Math.max(0, Math.min(i - pool / 2, n - pool - 1));
    const around = Array.from({ length: pool + 1 }, (_, j) => lo + j);
    assert.ok(around.includes(i));
    close(
      bounded.subarray(i * 5, i * 5 + 5),
      smoothRow(probs, 5, i, nearestShapes(shapes, i, around, 4), NVF, 0.75),
      `beat ${i}`,
    );
  }
  assert.notDeepEqual(bounded, whole);
});

test("CausalSmoother: each beat smoothed with the beats before it only, whatever the batches", () => {
  const n = 40;
  const { shapes, probs } = randomBeats(n, 7);
  const s = { ...S, k: 3 };
  const expected = Float32Array.from({ length: n * 5 });
  for (let i = 0; i < n; i++) {
    const before = Array.from({ length: Math.min(i, 12) }, (_, j) => i - Math.min(i, 12) + j);
    expected.set(smoothRow(probs, 5, i, nearestShapes(shapes, i, before, 3), NVF, 0.75), i * 5);
  }
  for (const cuts of [[40], [1, 1, 5, 33], [13, 27]]) {
    const c = new CausalSmoother(CLASSES, s, 12);
    const got: number[] = [];
    let at = 0;
    for (const m of cuts) {
      got.push(
        ...c.next(probs.slice(at * 5, (at + m) * 5), shapes.slice(at * SHAPE_DIMS, (at + m) * SHAPE_DIMS)),
      );
      at += m;
    }
    assert.deepEqual(Float32Array.from(got), expected, `batches ${cuts.join(",")}`);
  }
  close(expected.subarray(0, 5), probs.subarray(0, 5), "the first beat has no neighbour");
});

test("qrsShapes takes every 2nd sample of R-36 .. R+52; morphSmoothingError checks classes, lambda, k, window", () => {
  const len = 256;
  const w = Float32Array.from({ length: 2 * len }, (_, j) => j);
  const sh = qrsShapes(w, len, 90);
  assert.equal(sh.length, 2 * SHAPE_DIMS);
  assert.deepEqual([sh[0], sh[1], sh[44], sh[45]], [54, 56, 142, len + 54]);
  const win = { before: 90, after: 166 };
  assert.equal(morphSmoothingError(S, CLASSES, win), undefined);
  assert.match(morphSmoothingError({ ...S, classes: ["N", "X"] }, CLASSES, win)!, /classes must be/);
  assert.match(morphSmoothingError({ ...S, classes: ["N"] }, CLASSES, win)!, /classes must be/);
  assert.match(morphSmoothingError({ ...S, lambda: 1.5 }, CLASSES, win)!, /lambda/);
  assert.match(morphSmoothingError({ ...S, k: 0 }, CLASSES, win)!, /k must be/);
  assert.match(morphSmoothingError(S, CLASSES, { before: 30, after: 166 })!, /window/);
  assert.equal(morphSmoothingError(S, CLASSES, { before: 36, after: 53 }), undefined); // R-36 .. R+52 inside
  assert.match(morphSmoothingError(S, CLASSES, { before: 36, after: 52 })!, /past R\+52/);
  assert.match(morphSmoothingError(null, CLASSES, win)!, /must be/);
});
