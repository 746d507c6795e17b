import { test } from "node:test";
import assert from "node:assert/strict";
import { SCHEMES } from "../beats/index.js";
import { addCounts, scoreEndToEnd, summarizeEndToEnd } from "./end-to-end.js";

const AAMI = SCHEMES.aami;
const ref = (pairs: [number, string][]) => pairs.map(([sample, symbol]) => ({ sample, symbol }));
const det = (pairs: [number, string][]) => pairs.map(([sample, label]) => ({ sample, label }));

test("end to end: ±150 ms at 360 Hz is ±54 samples, one-to-one; misses per class, false detections", () => {
  const r = ref([
    [1000, "N"],
    [2000, "V"],
    [3000, "A"],
    [4000, "N"],
  ]);
  const d = det([
    [1054, "N"], // 54 samples late: matched (edge of the window)
    [1945, "N"], // 55 samples early: too far, a false detection; V at 2000 is missed
    [3010, "S"],
    [3020, "V"], // a second detection on the same beat: false, not matched twice
    [9000, "N"], // nothing there
  ]);
  const c = scoreEndToEnd(r, d, AAMI, 360);
  const N = 0;
  const S = 1;
  assert.equal(c.confusion[N][N], 1);
  assert.equal(c.confusion[S][S], 1);
  assert.equal(
    c.confusion.flat().reduce((a, b) => a + b, 0),
    2,
  );
  assert.deepEqual(c.missed, [1, 0, 1, 0, 0]); // N at 4000, V at 2000
  assert.equal(c.falseDetections, 3);
  const s = summarizeEndToEnd(c, AAMI.classes);
  assert.equal(s.detection.matched, 2);
  assert.equal(s.detection.missed, 2);
  assert.equal(s.detection.reference, 4);
  assert.deepEqual(s.detection.missedPerClass, { N: 1, S: 0, V: 1, F: 0, Q: 0 });
  assert.equal(s.metrics.accuracy, 1);
  assert.equal(s.endToEndAccuracy, 2 / 4);
});

test("end to end: a wrong class counts in the confusion; the closer of two detections is matched", () => {
  const r = ref([[1000, "V"]]);
  const c = scoreEndToEnd(
    r,
    det([
      [970, "V"],
      [1002, "N"],
    ]),
    AAMI,
    360,
  );
  assert.equal(c.confusion[2][0], 1, "V matched to the N detection 2 samples away");
  assert.equal(c.falseDetections, 1);
  const s = summarizeEndToEnd(c, AAMI.classes);
  assert.equal(s.metrics.accuracy, 0);
  assert.equal(s.endToEndAccuracy, 0);
});

test("end to end: beats outside the scheme are neither missed nor false detections", () => {
  // The paper scheme (N L R A V) leaves out paced ('/') and fusion ('F') beats.
  const r = ref([
    [1000, "N"],
    [2000, "/"],
    [3000, "F"],
  ]);
  const c = scoreEndToEnd(
    r,
    det([
      [1000, "N"],
      [2003, "V"],
    ]),
    SCHEMES.paper,
    360,
  );
  assert.deepEqual(c.missed, [0, 0, 0, 0, 0]);
  assert.equal(c.falseDetections, 0);
  assert.equal(c.excludedMatched, 1);
  assert.equal(c.excludedReference, 2);
  assert.equal(
    c.confusion.flat().reduce((a, b) => a + b, 0),
    1,
  );
});

test("end to end: counts of records add up", () => {
  const a = scoreEndToEnd(ref([[100, "N"]]), det([[100, "N"]]), AAMI, 360);
  const b = scoreEndToEnd(ref([[100, "V"]]), det([[500, "N"]]), AAMI, 360);
  const t = addCounts(a, b);
  assert.equal(t.confusion[0][0], 1);
  assert.deepEqual(t.missed, [0, 0, 1, 0, 0]);
  assert.equal(t.falseDetections, 1);
  assert.throws(() => scoreEndToEnd(ref([[100, "N"]]), det([[100, "X"]]), AAMI, 360), /not a scheme class/);
});
